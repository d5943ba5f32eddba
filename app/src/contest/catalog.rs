//! The question bank and the contests' terms, held in memory.
//!
//! Every start draws a paper from the whole bank and every submission scores against its
//! questions: read from the database each time, that was most of the contest's work. Both
//! change only when staff change them, so each instance keeps one snapshot and forgets it when
//! any staff change is seen (`server::site_changes`: on this instance at once, on the others
//! by `NOTIFY` or their next check of the change counter). What a snapshot lacks (a question
//! or contest another instance added a moment ago) is looked up again, at most once a second.

use std::{
    collections::HashMap,
    sync::{
        Arc, RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use domain::contest::{
    bank::Question,
    paper::{PaperQuestion, Quota},
};

use super::{ContestInfo, store};
use crate::foundation::db::Pool;

/// The shortest time between two reloads asked for by a miss.
const RELOAD_ON_MISS_AFTER: Duration = Duration::from_secs(1);
/// The longest a snapshot is used: a change that no instance was told of (a counter that
/// failed to move, a tool writing to the database) is served for a minute at most.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// One instance's copy of the bank and the contests.
#[derive(Default)]
pub struct Catalog {
    /// Bumped by every forget: a snapshot read across a bump is not kept.
    generation: AtomicU64,
    current: RwLock<Option<Arc<Snapshot>>>,
    /// Held while reading the database, so that requests arriving as a snapshot expires
    /// wait for one reload instead of each making their own.
    reloading: tokio::sync::Mutex<()>,
}

/// The bank and the contests as read at one moment.
pub struct Snapshot {
    loaded_at: Instant,
    /// Every question by id, retired ones included (old attempts' papers still name them).
    questions: HashMap<String, Question>,
    /// The active questions, by id.
    pub active: Vec<Question>,
    /// The active questions that are contest-only.
    pub contest_only: Vec<Question>,
    /// The active questions practice may show and check: never a contest-only one.
    pub practice: Vec<Question>,
    contests: HashMap<i64, Contest>,
}

/// What an attempt needs of its contest (the participant count is not kept: it moves with
/// every submission).
#[derive(Clone, Debug)]
pub struct Contest {
    pub info: ContestInfo,
    pub quotas: Vec<Quota>,
}

impl Snapshot {
    fn is_fresh(&self) -> bool {
        self.loaded_at.elapsed() < MAX_AGE
    }

    /// The questions a contest's papers are drawn from: a contest-only contest's own, or
    /// for a regular contest the practice bank (its answers are shown right after each
    /// submission, so a contest-only question there would leak its answer).
    pub fn bank_for(&self, contest: &ContestInfo) -> &[Question] {
        if contest.contest_only {
            &self.contest_only
        } else {
            &self.practice
        }
    }

    pub fn paper_questions(&self, paper: &[PaperQuestion]) -> Option<Vec<Question>> {
        paper
            .iter()
            .map(|p| self.questions.get(&p.id).cloned())
            .collect()
    }
}

impl Catalog {
    /// Forgets the snapshot: the next use reads the database again.
    pub fn forget(&self) {
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::SeqCst);
        *current = None;
    }

    /// The current snapshot, read from the database if there is none or it is too old.
    pub async fn snapshot(&self, pool: &Pool) -> sqlx::Result<Arc<Snapshot>> {
        if let Some(snapshot) = self.fresh() {
            return Ok(snapshot);
        }
        let _reloading = self.reloading.lock().await;
        // Another request may have reloaded while this one waited.
        if let Some(snapshot) = self.fresh() {
            return Ok(snapshot);
        }
        self.reload(pool).await
    }

    fn fresh(&self) -> Option<Arc<Snapshot>> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .filter(|snapshot| snapshot.is_fresh())
    }

    async fn reload(&self, pool: &Pool) -> sqlx::Result<Arc<Snapshot>> {
        let generation = self.generation.load(Ordering::SeqCst);
        let snapshot = Arc::new(load(pool).await?);
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        // Checked under the lock `forget` takes: a snapshot read before a change is not kept.
        if self.generation.load(Ordering::SeqCst) == generation {
            *current = Some(snapshot.clone());
        }
        Ok(snapshot)
    }

    /// Reads again when the snapshot is older than a second: what a miss may mean (another
    /// instance added it just now) is worth one reload, not one per request.
    async fn reload_for_miss(
        &self,
        pool: &Pool,
        seen: &Snapshot,
    ) -> sqlx::Result<Option<Arc<Snapshot>>> {
        if seen.loaded_at.elapsed() < RELOAD_ON_MISS_AFTER {
            return Ok(None);
        }
        self.reload(pool).await.map(Some)
    }

    /// A contest with its terms.
    pub async fn contest(&self, pool: &Pool, id: i64) -> sqlx::Result<Option<Contest>> {
        let snapshot = self.snapshot(pool).await?;
        if let Some(found) = snapshot.contests.get(&id) {
            return Ok(Some(found.clone()));
        }
        Ok(self
            .reload_for_miss(pool, &snapshot)
            .await?
            .and_then(|fresh| fresh.contests.get(&id).cloned()))
    }

    /// The questions of a paper, in the paper's order.
    pub async fn paper_questions(
        &self,
        pool: &Pool,
        paper: &[PaperQuestion],
    ) -> sqlx::Result<Vec<Question>> {
        let snapshot = self.snapshot(pool).await?;
        if let Some(found) = snapshot.paper_questions(paper) {
            return Ok(found);
        }
        match self.reload_for_miss(pool, &snapshot).await? {
            Some(fresh) => fresh.paper_questions(paper),
            None => None,
        }
        .ok_or(sqlx::Error::RowNotFound)
    }
}

async fn load(pool: &Pool) -> sqlx::Result<Snapshot> {
    let questions = store::every_question(pool).await?;
    let active: Vec<Question> = questions
        .iter()
        .filter(|(_, active)| *active)
        .map(|(q, _)| q.clone())
        .collect();
    let contests = store::contests_with_quotas(pool)
        .await?
        .into_iter()
        .map(|(info, quotas)| (info.id, Contest { info, quotas }))
        .collect();
    Ok(Snapshot {
        loaded_at: Instant::now(),
        contest_only: active.iter().filter(|q| q.contest_only).cloned().collect(),
        practice: active.iter().filter(|q| !q.contest_only).cloned().collect(),
        active,
        questions: questions
            .into_iter()
            .map(|(q, _)| (q.id.clone(), q))
            .collect(),
        contests,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(ago: Duration) -> Option<Snapshot> {
        Some(Snapshot {
            loaded_at: Instant::now().checked_sub(ago)?,
            questions: HashMap::new(),
            active: Vec::new(),
            contest_only: Vec::new(),
            practice: Vec::new(),
            contests: HashMap::new(),
        })
    }

    #[test]
    fn a_snapshot_is_used_for_a_minute_at_most_whatever_it_was_told() {
        if let (Some(young), Some(old)) = (
            loaded(Duration::from_secs(5)),
            loaded(MAX_AGE + Duration::from_secs(1)),
        ) {
            assert!(young.is_fresh());
            assert!(
                !old.is_fresh(),
                "a change nobody counted is served a minute at most"
            );
        }
    }
}
