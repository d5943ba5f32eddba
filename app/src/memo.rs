//! Answers that are expensive to compute and safe to keep, remembered per server process.
//!
//! The page cache only helps anonymous visitors of an unchanged address; anyone can skip it
//! with `?r=random`. So the paths whose work grows with the data remember their answer here,
//! keyed by what the answer depends on: a leaderboard for a few seconds, a revealed draw for as
//! long as its status (and results) stay the same.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// A bounded map of remembered values, each valid for `lifetime` (or until evicted).
pub struct Memo<K, V> {
    lifetime: Option<Duration>,
    capacity: usize,
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash + Clone, V: Clone> Memo<K, V> {
    /// Values kept for `lifetime` (`None`: as long as their key is asked for), at most
    /// `capacity` of them: when full, the oldest goes.
    pub fn new(lifetime: Option<Duration>, capacity: usize) -> Self {
        Self {
            lifetime,
            capacity: capacity.max(1),
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| self.lifetime.is_none_or(|life| at.elapsed() < life))
            .map(|(_, value)| value.clone())
    }

    pub fn put(&self, key: K, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            let oldest = entries
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                entries.remove(&oldest);
            }
        }
        entries.insert(key, (Instant::now(), value));
    }
}

/// What a draw's public content depends on: its id, status and results' publication time.
pub type DrawKey = (i64, String, Option<i64>);

/// The memos of one running portal, given to server functions through context.
pub struct Memos {
    /// Leaderboards, recomputed at most every few seconds per contest.
    pub leaderboards: Memo<i64, crate::contest::Leaderboard>,
    /// Draws with their decoded snapshot (up to 25 MB of JSON for 100,000 enterprises).
    pub draws: Memo<DrawKey, Arc<crate::inspections::store::StoredDraw>>,
    /// The open-data record of a draw, serialized.
    pub records: Memo<DrawKey, Arc<Vec<u8>>>,
    /// The question bank and the contests' terms, until the next staff change.
    pub catalog: crate::contest::catalog::Catalog,
}

/// How long a leaderboard is kept.
pub const LEADERBOARD_SECS: u64 = 5;

impl Default for Memos {
    fn default() -> Self {
        Self {
            leaderboards: Memo::new(Some(Duration::from_secs(LEADERBOARD_SECS)), 256),
            draws: Memo::new(None, 4),
            records: Memo::new(None, 4),
            catalog: Default::default(),
        }
    }
}

impl Memos {
    /// After a staff change: forget what staff can change (draw memos are keyed by what their
    /// content depends on, and stay).
    pub fn forget_staff_data(&self) {
        self.catalog.forget();
    }
}

/// The memos of the running portal.
pub fn memos() -> Result<Arc<Memos>, crate::foundation::error::AppError> {
    leptos::prelude::use_context::<Arc<Memos>>()
        .ok_or_else(|| crate::foundation::error::AppError::internal("no memos in context"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_kept_for_its_lifetime_and_the_oldest_goes_when_full() {
        let memo = Memo::new(None, 2);
        memo.put(1, "a");
        memo.put(2, "b");
        memo.put(3, "c");
        assert_eq!(memo.get(&1), None);
        assert_eq!((memo.get(&2), memo.get(&3)), (Some("b"), Some("c")));
        let brief = Memo::new(Some(Duration::ZERO), 2);
        brief.put(1, "a");
        assert_eq!(brief.get(&1), None);
    }
}
