//! Draws: announced, drawn, revealed, their results published; each step chained in the log.

use crate::foundation::db::{self, Dialects, Pool};
use crate::foundation::json_column::{decode, json};
use domain::inspections::{
    conflict::{self, Opening},
    draw::{Assignment, Rules, Snapshot},
    record::PublicSource,
};
use sqlx::FromRow;

use super::super::{DrawStatus, DrawSummary};

use super::*;

/// A new draw, as the officer defined it.
pub struct NewDraw<'a> {
    pub title: &'a str,
    pub check_items: &'a [String],
    pub rules: &'a Rules,
    pub sources: &'a [PublicSource],
    pub frozen: &'a Frozen,
    pub created_by: i64,
}

/// Stores an announced draw and logs it in the chain, in one transaction.
pub async fn announce(pool: &Pool, draw: NewDraw<'_>, now: i64) -> sqlx::Result<i64> {
    let snapshot_digest = draw
        .frozen
        .snapshot
        .digest_in(domain::inspections::draw::FORMAT);
    let mut tx = db::begin_serialized(pool, &[DRAW_LOG]).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO draws (title, format, check_items, rules, sources, status, snapshot,
             snapshot_digest, conflict_openings, announced_at, created_by)
         VALUES ($1, $2, $3, $4, $5, 'announced', $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(draw.title)
    .bind(domain::inspections::draw::FORMAT)
    .bind(json(&draw.check_items))
    .bind(json(draw.rules))
    .bind(json(&draw.sources))
    .bind(json(&draw.frozen.snapshot))
    .bind(&snapshot_digest)
    .bind(json(&draw.frozen.openings))
    .bind(now)
    .bind(draw.created_by)
    .fetch_one(&mut *tx)
    .await?;
    let payload = serde_json::json!({
        "title": draw.title,
        "check_items": draw.check_items,
        "rules": draw.rules,
        "sources": draw.sources,
        "snapshot_digest": snapshot_digest,
    });
    append_log(&mut tx, id, "announced", now, &payload).await?;
    tx.commit().await?;
    Ok(id)
}

/// Everything stored about a draw (staff view; public pages filter it).
#[derive(Clone, Debug)]
pub struct StoredDraw {
    pub id: i64,
    pub title: String,
    /// The record format it was announced in (`aqxc-draw/1` before conflicts were sealed).
    pub format: String,
    pub check_items: Vec<String>,
    pub rules: Rules,
    pub sources: Vec<PublicSource>,
    pub status: DrawStatus,
    pub snapshot: Snapshot,
    pub snapshot_digest: String,
    /// Every sealed declaration's opening (staff only; empty for `/1` draws).
    pub openings: Vec<Opening>,
    pub assignments: Option<Vec<Assignment>>,
    pub result_digest: Option<String>,
    pub commitment_digest: Option<String>,
    pub announced_at: i64,
    pub drawn_at: Option<i64>,
    pub revealed_at: Option<i64>,
    pub results_published_at: Option<i64>,
}

#[derive(FromRow)]
pub(super) struct DrawRow {
    id: i64,
    title: String,
    format: String,
    check_items: String,
    rules: String,
    sources: String,
    status: String,
    snapshot: String,
    snapshot_digest: String,
    conflict_openings: String,
    assignments: Option<String>,
    result_digest: Option<String>,
    commitment_digest: Option<String>,
    announced_at: i64,
    drawn_at: Option<i64>,
    revealed_at: Option<i64>,
    results_published_at: Option<i64>,
}

impl DrawRow {
    fn into_draw(self) -> sqlx::Result<StoredDraw> {
        Ok(StoredDraw {
            id: self.id,
            title: self.title,
            format: self.format,
            check_items: decode(&self.check_items)?,
            rules: decode(&self.rules)?,
            sources: decode(&self.sources)?,
            status: DrawStatus::parse(&self.status)
                .ok_or_else(|| sqlx::Error::Decode("unknown draw status".into()))?,
            snapshot: decode(&self.snapshot)?,
            snapshot_digest: self.snapshot_digest,
            openings: decode(&self.conflict_openings)?,
            assignments: self.assignments.as_deref().map(decode).transpose()?,
            result_digest: self.result_digest,
            commitment_digest: self.commitment_digest,
            announced_at: self.announced_at,
            drawn_at: self.drawn_at,
            revealed_at: self.revealed_at,
            results_published_at: self.results_published_at,
        })
    }
}

impl StoredDraw {
    pub fn summary(&self) -> DrawSummary {
        DrawSummary {
            id: self.id,
            title: self.title.clone(),
            status: self.status,
            announced_at: self.announced_at,
            drawn_at: self.drawn_at,
            revealed_at: self.revealed_at,
            selected: self.assignments.as_ref().map(Vec::len),
        }
    }

    /// The commitment as published at draw time (`None` before the draw).
    pub fn commitment(&self) -> Option<domain::inspections::record::Commitment> {
        Some(domain::inspections::record::Commitment {
            format: self.format.clone(),
            draw_id: self.id,
            title: self.title.clone(),
            check_items: self.check_items.clone(),
            rules: self.rules.clone(),
            sources: self.sources.clone(),
            snapshot_digest: self.snapshot_digest.clone(),
            result_digest: self.result_digest.clone()?,
        })
    }

    /// What the reveal publishes: the snapshot, the list, and the declarations that concern a
    /// selected enterprise.
    pub fn revealed(&self) -> domain::inspections::record::Revealed {
        let assignments = self.assignments.clone().unwrap_or_default();
        let openings = conflict::openings_for(&self.openings, &assignments);
        domain::inspections::record::Revealed::new(
            &self.format,
            self.snapshot.clone(),
            assignments,
            openings,
        )
    }

    /// The open-data record: the commitment, and after the reveal what [`Self::revealed`] says.
    pub fn record(&self) -> Option<domain::inspections::record::DrawRecord> {
        let commitment = self.commitment()?;
        let revealed = (self.status == DrawStatus::Revealed).then(|| self.revealed());
        Some(domain::inspections::record::DrawRecord {
            commitment_digest: commitment.digest(),
            commitment,
            revealed,
        })
    }

    /// Who may inspect what: every declaration, opened (the draw's own view, staff side).
    pub fn declared(&self) -> conflict::Declared {
        conflict::Declared::new(&self.snapshot, &self.openings)
    }
}

pub(super) const DRAW_COLUMNS: &str =
    "id, title, format, check_items, rules, sources, status, snapshot, snapshot_digest,
    conflict_openings, assignments, result_digest, commitment_digest, announced_at, drawn_at, revealed_at,
    results_published_at";

pub async fn find_draw(pool: &Pool, id: i64) -> sqlx::Result<Option<StoredDraw>> {
    Ok(find_draw_weighed(pool, id).await?.map(|(draw, _)| draw))
}

/// A draw and the bytes of stored JSON it was decoded from (what a memo weighs it by).
pub async fn find_draw_weighed(pool: &Pool, id: i64) -> sqlx::Result<Option<(StoredDraw, usize)>> {
    let row: Option<DrawRow> =
        sqlx::query_as(&format!("SELECT {DRAW_COLUMNS} FROM draws WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let bytes = row.snapshot.len()
        + row.conflict_openings.len()
        + row.assignments.as_ref().map_or(0, String::len);
    Ok(Some((row.into_draw()?, bytes)))
}

#[derive(FromRow)]
pub(super) struct SummaryRow {
    id: i64,
    title: String,
    status: String,
    announced_at: i64,
    drawn_at: Option<i64>,
    revealed_at: Option<i64>,
    selected: Option<i64>,
}

/// The draws with how many enterprises each selected (its assignments are a JSON array).
pub(super) const DRAW_LIST: Dialects = Dialects {
    sqlite: "SELECT id, title, status, announced_at, drawn_at, revealed_at,
                    json_array_length(assignments) AS selected
             FROM draws ORDER BY announced_at DESC, id DESC",
    postgres: "SELECT id, title, status, announced_at, drawn_at, revealed_at,
                      CAST(json_array_length(assignments::json) AS BIGINT) AS selected
               FROM draws ORDER BY announced_at DESC, id DESC",
};

/// Every draw, newest first.
pub async fn list_draws(pool: &Pool) -> sqlx::Result<Vec<DrawSummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(DRAW_LIST.for_pool(pool))
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(DrawSummary {
                id: r.id,
                title: r.title,
                status: DrawStatus::parse(&r.status)?,
                announced_at: r.announced_at,
                drawn_at: r.drawn_at,
                revealed_at: r.revealed_at,
                selected: r.selected.map(|n| n as usize),
            })
        })
        .collect())
}

/// Records the draw's public values and result, and logs the commitment. Only an announced
/// draw can be drawn, once.
pub async fn record_drawn(
    pool: &Pool,
    draw: &StoredDraw,
    sources: &[PublicSource],
    assignments: &[Assignment],
    now: i64,
) -> sqlx::Result<bool> {
    let result_digest = domain::inspections::draw::result_digest(assignments);
    let mut drawn = draw.clone();
    drawn.sources = sources.to_vec();
    drawn.result_digest = Some(result_digest.clone());
    let commitment_digest = drawn.commitment().map(|c| c.digest()).unwrap_or_default();
    let mut tx = db::begin_serialized(pool, &[DRAW_LOG]).await?;
    let changed = sqlx::query(
        "UPDATE draws SET status = 'drawn', sources = $1, assignments = $2, result_digest = $3,
             commitment_digest = $4, drawn_at = $5
         WHERE id = $6 AND status = 'announced'",
    )
    .bind(json(sources))
    .bind(json(assignments))
    .bind(&result_digest)
    .bind(&commitment_digest)
    .bind(now)
    .bind(draw.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(false);
    }
    let values: Vec<&Vec<u64>> = sources.iter().map(|s| &s.values).collect();
    let payload = serde_json::json!({
        "values": values,
        "result_digest": result_digest,
        "commitment_digest": commitment_digest,
    });
    append_log(&mut tx, draw.id, "drawn", now, &payload).await?;
    tx.commit().await?;
    Ok(true)
}

/// Makes the list public. Only a drawn draw can be revealed, once.
pub async fn record_revealed(pool: &Pool, draw: &StoredDraw, now: i64) -> sqlx::Result<bool> {
    let mut tx = db::begin_serialized(pool, &[DRAW_LOG]).await?;
    let changed = sqlx::query(
        "UPDATE draws SET status = 'revealed', revealed_at = $1 WHERE id = $2 AND status = 'drawn'",
    )
    .bind(now)
    .bind(draw.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(false);
    }
    let payload = serde_json::json!({
        "commitment_digest": draw.commitment_digest,
        "snapshot_digest": draw.snapshot_digest,
        "result_digest": draw.result_digest,
    });
    append_log(&mut tx, draw.id, "revealed", now, &payload).await?;
    tx.commit().await?;
    Ok(true)
}

/// Publishes the results recorded so far for a revealed draw, logging their digest.
pub async fn record_results_published(
    pool: &Pool,
    draw_id: i64,
    now: i64,
) -> sqlx::Result<Option<usize>> {
    // The results are read inside the transaction that publishes them, and recording one
    // takes the same draw key: the published digest covers exactly what is published.
    let draw_key = draw_key_name(draw_id);
    let mut tx = db::begin_serialized(pool, &[DRAW_LOG, &draw_key]).await?;
    let results = draw_results(&mut *tx, draw_id).await?;
    let changed = sqlx::query(
        "UPDATE draws SET results_published_at = $1 WHERE id = $2 AND status = 'revealed'",
    )
    .bind(now)
    .bind(draw_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(None);
    }
    let payload = serde_json::json!({
        "results": results.len(),
        "results_digest": domain::inspections::draw::sha256_json(&results),
    });
    append_log(&mut tx, draw_id, "results_published", now, &payload).await?;
    tx.commit().await?;
    Ok(Some(results.len()))
}
