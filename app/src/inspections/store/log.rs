//! The hash-chained draw log: appends serialised across instances, read whole.

use crate::foundation::db::{Connection, Pool};
use domain::inspections::chain::ChainEntry;
use sqlx::FromRow;

/// The key every transaction that appends to the draw log holds ([`crate::foundation::db::begin_serialized`]):
/// each append reads the newest entry and chains to it, so two at once would fork the chain.
pub const DRAW_LOG: &str = "draw_log";

/// The key of one draw's results, held while one is recorded or all are published.
pub(super) fn draw_key_name(draw_id: i64) -> String {
    format!("draw-results:{draw_id}")
}

/// Appends an entry chained to the newest one; the caller's transaction holds [`DRAW_LOG`].
pub(super) async fn append_log(
    conn: &mut Connection,
    draw_id: i64,
    kind: &str,
    at: i64,
    payload: &serde_json::Value,
) -> sqlx::Result<()> {
    let last: Option<ChainEntry> = sqlx::query_as::<_, LogRow>(
        "SELECT seq, draw_id, kind, at, payload, prev_hash, hash FROM draw_log
         ORDER BY seq DESC LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(LogRow::into_entry);
    let entry = ChainEntry::next(last.as_ref(), draw_id, kind, at, payload.to_string());
    sqlx::query(
        "INSERT INTO draw_log (seq, draw_id, kind, at, payload, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(entry.seq)
    .bind(entry.draw_id)
    .bind(&entry.kind)
    .bind(entry.at)
    .bind(&entry.payload)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(FromRow)]
pub(super) struct LogRow {
    seq: i64,
    draw_id: i64,
    kind: String,
    at: i64,
    payload: String,
    prev_hash: String,
    hash: String,
}

impl LogRow {
    fn into_entry(self) -> ChainEntry {
        ChainEntry {
            seq: self.seq,
            draw_id: self.draw_id,
            kind: self.kind,
            at: self.at,
            payload: self.payload,
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }
}

/// The whole log, oldest first.
pub async fn log(pool: &Pool) -> sqlx::Result<Vec<ChainEntry>> {
    let rows: Vec<LogRow> = sqlx::query_as(
        "SELECT seq, draw_id, kind, at, payload, prev_hash, hash FROM draw_log ORDER BY seq",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(LogRow::into_entry).collect())
}
