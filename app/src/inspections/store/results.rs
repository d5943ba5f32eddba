//! Inspection results, the public detail of a draw, enterprise search and statistics.

use std::collections::HashMap;

use crate::foundation::db::{self, Backend, Connection, Dialects, Pool};
use crate::foundation::json_column::{decode, json};
use domain::{date::Date, inspections::registry::RiskTier};
use sqlx::FromRow;

use super::super::{
    DrawDetail, DrawStatus, EarlierResult, EnterpriseHit, PublicResult, ResultCategory,
    ResultCorrection, SelectedRow, Statistics, TeamMember,
};

use super::*;

/// A result as the officer records it.
#[derive(Debug)]
pub struct NewResult<'a> {
    pub draw_id: i64,
    pub uscc: &'a str,
    pub inspected_on: Date,
    pub produced_on: Date,
    pub check_items: &'a [String],
    pub category: ResultCategory,
    pub hazards_found: i64,
    pub hazards_rectified: i64,
    pub follow_up: &'a str,
    pub recorded_by: i64,
}

/// Records the result of one selected enterprise while its draw's results are unpublished;
/// `false` (nothing written) once they are public: a change then is a correction
/// ([`correct_result`]).
pub async fn save_result(pool: &Pool, result: NewResult<'_>, now: i64) -> sqlx::Result<bool> {
    let mut tx = db::begin_serialized(pool, &[&draw_key_name(result.draw_id)]).await?;
    if results_published(&mut tx, result.draw_id).await? {
        return Ok(false);
    }
    write_result(&mut tx, &result, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Whether a draw's results are public (read inside the caller's transaction, which holds the
/// draw's key: publication takes it too).
async fn results_published(conn: &mut Connection, draw_id: i64) -> sqlx::Result<bool> {
    let published: Option<Option<i64>> =
        sqlx::query_scalar("SELECT results_published_at FROM draws WHERE id = $1")
            .bind(draw_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(published.flatten().is_some())
}

async fn write_result(conn: &mut Connection, result: &NewResult<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO inspection_results (draw_id, uscc, inspected_on, produced_on, check_items,
             category, hazards_found, hazards_rectified, follow_up, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (draw_id, uscc) DO UPDATE SET inspected_on = excluded.inspected_on,
             produced_on = excluded.produced_on, check_items = excluded.check_items,
             category = excluded.category, hazards_found = excluded.hazards_found,
             hazards_rectified = excluded.hazards_rectified, follow_up = excluded.follow_up,
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
    )
    .bind(result.draw_id)
    .bind(result.uscc)
    .bind(result.inspected_on.to_string())
    .bind(result.produced_on.to_string())
    .bind(json(result.check_items))
    .bind(result.category.as_str())
    .bind(result.hazards_found)
    .bind(result.hazards_rectified)
    .bind(result.follow_up)
    .bind(result.recorded_by)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Corrects a published result: keeps the one it replaces with the reason, writes the new one
/// and chains a `result_corrected` entry (both versions in full) in the draw log, all in one
/// transaction. `false` (nothing written) while the results are not public yet.
pub async fn correct_result(
    pool: &Pool,
    result: NewResult<'_>,
    reason: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let draw_key = draw_key_name(result.draw_id);
    let mut tx = db::begin_serialized(pool, &[DRAW_LOG, &draw_key]).await?;
    if !results_published(&mut tx, result.draw_id).await? {
        return Ok(false);
    }
    let previous = draw_results(&mut *tx, result.draw_id)
        .await?
        .into_iter()
        .find(|(r, _)| r.uscc == result.uscc)
        .map(|(r, _)| EarlierResult::of(&r));
    write_result(&mut tx, &result, now).await?;
    sqlx::query(
        "INSERT INTO inspection_result_corrections (draw_id, uscc, corrected_at, reason,
             corrected_by, previous)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(result.draw_id)
    .bind(result.uscc)
    .bind(now)
    .bind(reason)
    .bind(result.recorded_by)
    .bind(previous.as_ref().map(json))
    .execute(&mut *tx)
    .await?;
    let corrected = EarlierResult {
        inspected_on: result.inspected_on.to_string(),
        check_items: result.check_items.to_vec(),
        category: result.category,
        hazards_found: result.hazards_found,
        hazards_rectified: result.hazards_rectified,
        follow_up: result.follow_up.to_string(),
    };
    let payload = serde_json::json!({
        "uscc": result.uscc,
        "reason": reason,
        "previous": previous,
        "result": corrected,
    });
    append_log(&mut tx, result.draw_id, "result_corrected", now, &payload).await?;
    tx.commit().await?;
    Ok(true)
}

/// Every correction of a draw's results, by enterprise, newest first (one query per draw).
pub async fn draw_corrections(
    pool: &Pool,
    draw_id: i64,
) -> sqlx::Result<HashMap<String, Vec<ResultCorrection>>> {
    let rows: Vec<(String, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT uscc, corrected_at, reason, previous FROM inspection_result_corrections
         WHERE draw_id = $1 ORDER BY id DESC",
    )
    .bind(draw_id)
    .fetch_all(pool)
    .await?;
    let mut by_enterprise: HashMap<String, Vec<ResultCorrection>> = HashMap::new();
    for (uscc, corrected_at, reason, previous) in rows {
        let previous = previous.as_deref().map(decode).transpose()?;
        by_enterprise
            .entry(uscc)
            .or_default()
            .push(ResultCorrection {
                corrected_at,
                reason,
                previous,
            });
    }
    Ok(by_enterprise)
}

#[derive(FromRow)]
pub(super) struct ResultRow {
    draw_id: i64,
    uscc: String,
    enterprise: String,
    town: String,
    industry: String,
    inspected_on: String,
    produced_on: String,
    check_items: String,
    category: String,
    hazards_found: i64,
    hazards_rectified: i64,
    follow_up: String,
}

impl ResultRow {
    fn into_public(self) -> Option<(PublicResult, String)> {
        Some((
            PublicResult {
                draw_id: self.draw_id,
                uscc: self.uscc,
                enterprise: self.enterprise,
                town: self.town,
                industry: self.industry,
                inspected_on: self.inspected_on,
                check_items: serde_json::from_str(&self.check_items).unwrap_or_default(),
                category: ResultCategory::parse(&self.category)?,
                hazards_found: self.hazards_found,
                hazards_rectified: self.hazards_rectified,
                follow_up: self.follow_up,
                corrections: Vec::new(),
            },
            self.produced_on,
        ))
    }
}

pub(super) const RESULT_COLUMNS: &str =
    "r.draw_id, r.uscc, e.name AS enterprise, e.town, e.industry,
    r.inspected_on, r.produced_on, r.check_items, r.category, r.hazards_found,
    r.hazards_rectified, r.follow_up";

/// Public: results of revealed draws whose results were published.
pub(super) const PUBLISHED: &str = "d.status = 'revealed' AND d.results_published_at IS NOT NULL";

/// Every result recorded for a draw, with the day it was produced (staff and publication).
pub async fn draw_results<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    draw_id: i64,
) -> sqlx::Result<Vec<(PublicResult, String)>> {
    let rows: Vec<ResultRow> = sqlx::query_as(&format!(
        "SELECT {RESULT_COLUMNS} FROM inspection_results r
         JOIN enterprises e ON e.uscc = r.uscc WHERE r.draw_id = $1 ORDER BY r.uscc"
    ))
    .bind(draw_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(ResultRow::into_public)
        .collect())
}

/// Every published result, newest inspection first (open data).
pub async fn published_results(pool: &Pool) -> sqlx::Result<Vec<PublicResult>> {
    let rows: Vec<ResultRow> = sqlx::query_as(&format!(
        "SELECT {RESULT_COLUMNS} FROM inspection_results r
         JOIN enterprises e ON e.uscc = r.uscc JOIN draws d ON d.id = r.draw_id
         WHERE {PUBLISHED} ORDER BY r.inspected_on DESC, r.uscc"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(ResultRow::into_public)
        .map(|(r, _)| r)
        .collect())
}

/// What a draw's public content depends on, read without decoding its snapshot.
pub async fn draw_key(pool: &Pool, id: i64) -> sqlx::Result<Option<crate::memo::DrawKey>> {
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT status, results_published_at FROM draws WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(status, published)| (id, status, published)))
}

/// A draw, decoded once per version and kept while the memo has room.
pub async fn find_draw_memo(
    pool: &Pool,
    memos: &crate::memo::Memos,
    id: i64,
) -> sqlx::Result<Option<(crate::memo::DrawKey, std::sync::Arc<StoredDraw>)>> {
    let Some(key) = draw_key(pool, id).await? else {
        return Ok(None);
    };
    let current = |kept: &crate::memo::WeighedDraw| kept.version == key;
    if let Some(kept) = memos.draws.get_if(&id, current) {
        return Ok(Some((key, kept.draw)));
    }
    let _turn = memos.loading.lock().await;
    // Another request may have decoded it while this one waited.
    if let Some(kept) = memos.draws.get_if(&id, current) {
        return Ok(Some((key, kept.draw)));
    }
    let Some((draw, json_bytes)) = find_draw_weighed(pool, id).await? else {
        return Ok(None);
    };
    let draw = std::sync::Arc::new(draw);
    // Kept under the version read first: a change in between makes the next read miss.
    let weighed = crate::memo::WeighedDraw {
        version: key.clone(),
        draw: draw.clone(),
        bytes: json_bytes.saturating_mul(2),
    };
    memos.draws.put(id, weighed);
    Ok(Some((key, draw)))
}

/// The public page of a draw: the commitment, and after the reveal the list with teams and
/// published results.
pub async fn public_detail(
    pool: &Pool,
    memos: &crate::memo::Memos,
    id: i64,
) -> sqlx::Result<Option<DrawDetail>> {
    let Some((_, draw)) = find_draw_memo(pool, memos, id).await? else {
        return Ok(None);
    };
    let draw = draw.as_ref();
    let items = check_items(pool).await?;
    let check_items = draw
        .check_items
        .iter()
        .filter_map(|code| items.iter().find(|i| &i.code == code).cloned())
        .collect();
    let selected = if draw.status == DrawStatus::Revealed {
        let results: HashMap<String, PublicResult> = if draw.results_published_at.is_some() {
            let mut corrections = draw_corrections(pool, id).await?;
            draw_results(pool, id)
                .await?
                .into_iter()
                .map(|(mut r, _)| {
                    r.corrections = corrections.remove(&r.uscc).unwrap_or_default();
                    (r.uscc.clone(), r)
                })
                .collect()
        } else {
            HashMap::new()
        };
        Some(selected_rows(draw, results))
    } else {
        None
    };
    Ok(Some(DrawDetail {
        summary: draw.summary(),
        check_items,
        rules: draw.rules.clone(),
        sources: draw.sources.clone(),
        snapshot_digest: draw.snapshot_digest.clone(),
        result_digest: draw.result_digest.clone(),
        commitment_digest: draw.commitment_digest.clone(),
        results_published_at: draw.results_published_at,
        snapshot_enterprises: draw.snapshot.enterprises.len(),
        selected,
    }))
}

/// The selected enterprises with names and teams, from the draw's own snapshot.
pub fn selected_rows(
    draw: &StoredDraw,
    mut results: HashMap<String, PublicResult>,
) -> Vec<SelectedRow> {
    let assignments = draw.assignments.clone().unwrap_or_default();
    let enterprises: HashMap<&str, _> = draw
        .snapshot
        .enterprises
        .iter()
        .map(|e| (e.uscc.as_str(), e))
        .collect();
    let inspectors: HashMap<&str, _> = draw
        .snapshot
        .inspectors
        .iter()
        .map(|i| (i.certificate.as_str(), i))
        .collect();
    assignments
        .into_iter()
        .map(|a| {
            let enterprise = enterprises.get(a.uscc.as_str());
            let team = a
                .team
                .iter()
                .map(|certificate| TeamMember {
                    certificate: certificate.clone(),
                    name: inspectors
                        .get(certificate.as_str())
                        .map(|i| i.name.clone())
                        .unwrap_or_default(),
                })
                .collect();
            SelectedRow {
                uscc: a.uscc.to_string(),
                name: enterprise.map(|e| e.name.clone()).unwrap_or_default(),
                town: enterprise.map(|e| e.town.clone()).unwrap_or_default(),
                industry: enterprise.map(|e| e.industry.clone()).unwrap_or_default(),
                stratum: a.stratum,
                team,
                result: results.remove(a.uscc.as_str()),
            }
        })
        .collect()
}

/// How many enterprises one search shows.
const SEARCH_LIMIT: i64 = 30;

/// Names matching the query (`$1`): three or more characters through the trigram index
/// (SQLite's FTS5 table, `$1` a column phrase; pg_trgm's GIN index, `$1` an `ILIKE` pattern);
/// shorter ones by scanning the name index in order, as article search does. Either way at
/// most a page of them. FTS5 hands its matches over in rowid order and stops at the limit;
/// ranking them would score every match first (188 ms for a word in all 100,000 names).
const NAMES_INDEXED: Dialects = Dialects {
    sqlite: "SELECT uscc FROM (SELECT uscc FROM enterprises_fts WHERE enterprises_fts MATCH $1
                              ORDER BY rowid LIMIT $4)",
    postgres: "SELECT uscc FROM (SELECT uscc FROM enterprises WHERE name ILIKE $1
                                ORDER BY similarity(name, $1) DESC, name LIMIT $4) n",
};
const NAMES_SCANNED: Dialects = Dialects {
    sqlite: "SELECT uscc FROM (SELECT uscc FROM enterprises WHERE name LIKE $1 ESCAPE '\\'
                              ORDER BY name LIMIT $4)",
    postgres: "SELECT uscc FROM (SELECT uscc FROM enterprises WHERE name ILIKE $1
                                ORDER BY name LIMIT $4) n",
};

/// Codes starting with a prefix: the range `$2 <= uscc < $3` of the primary key (bytewise on
/// PostgreSQL too, where a `COLLATE "C"` index answers it).
const CODES: Dialects = Dialects {
    sqlite: "SELECT uscc FROM (SELECT uscc FROM enterprises WHERE uscc >= $2 AND uscc < $3
                              ORDER BY uscc LIMIT $4)",
    postgres: "SELECT uscc FROM (SELECT uscc FROM enterprises
                                WHERE uscc COLLATE \"C\" >= $2 AND uscc COLLATE \"C\" < $3
                                ORDER BY uscc COLLATE \"C\" LIMIT $4) c",
};

/// A page of matching enterprises with their published results, in one statement.
fn search_statement(backend: Backend, indexed: bool) -> String {
    let names = if indexed {
        NAMES_INDEXED.on(backend)
    } else {
        NAMES_SCANNED.on(backend)
    };
    let codes = CODES.on(backend);
    format!(
        "WITH page AS (
             SELECT e.uscc, e.name, e.town, e.industry, e.risk FROM enterprises e
             WHERE e.uscc IN ({names} UNION {codes})
             ORDER BY e.name, e.uscc LIMIT $4)
         SELECT p.uscc, p.name, p.town, p.industry, p.risk, r.draw_id, r.inspected_on,
                r.produced_on, r.check_items, r.category, r.hazards_found, r.hazards_rectified,
                r.follow_up
         FROM page p LEFT JOIN (
             SELECT r.* FROM inspection_results r JOIN draws d ON d.id = r.draw_id
             WHERE {PUBLISHED}) r ON r.uscc = p.uscc
         ORDER BY p.name, p.uscc, r.inspected_on DESC, r.draw_id DESC"
    )
}

/// One row of a search: an enterprise, and one of its published results if it has any.
#[derive(FromRow)]
struct HitRow {
    uscc: String,
    name: String,
    town: String,
    industry: String,
    risk: String,
    draw_id: Option<i64>,
    inspected_on: Option<String>,
    produced_on: Option<String>,
    check_items: Option<String>,
    category: Option<String>,
    hazards_found: Option<i64>,
    hazards_rectified: Option<i64>,
    follow_up: Option<String>,
}

impl HitRow {
    /// The result on this row, if the left join found one.
    fn result(&self) -> Option<PublicResult> {
        let row = ResultRow {
            draw_id: self.draw_id?,
            uscc: self.uscc.clone(),
            enterprise: self.name.clone(),
            town: self.town.clone(),
            industry: self.industry.clone(),
            inspected_on: self.inspected_on.clone()?,
            produced_on: self.produced_on.clone()?,
            check_items: self.check_items.clone()?,
            category: self.category.clone()?,
            hazards_found: self.hazards_found?,
            hazards_rectified: self.hazards_rectified?,
            follow_up: self.follow_up.clone()?,
        };
        row.into_public().map(|(result, _)| result)
    }
}

/// What a search term means to each branch of the search.
struct SearchTerms {
    /// Through the trigram index (three or more characters) or by scanning.
    indexed: bool,
    names: String,
    /// The code range `[from, to)`; empty when the query cannot start a code.
    codes: (String, String),
}

impl SearchTerms {
    fn of(query: &str, backend: Backend) -> Self {
        let indexed = query.chars().count() >= 3;
        let names = match (indexed, backend) {
            (true, Backend::Sqlite) => format!("name : \"{}\"", query.replace('"', "\"\"")),
            _ => like_pattern(query),
        };
        // Codes are 18 digits and capital letters; '~' sorts after all of them.
        let code_like = query.len() >= 2 && query.chars().all(|c| c.is_ascii_alphanumeric());
        let codes = if code_like {
            let prefix = query.to_ascii_uppercase();
            (prefix.clone(), format!("{prefix}~"))
        } else {
            ("~".to_string(), "~".to_string())
        };
        Self {
            indexed,
            names,
            codes,
        }
    }
}

/// `%query%` for `LIKE`, with `\` escaping the pattern's own characters.
fn like_pattern(query: &str) -> String {
    format!(
        "%{}%",
        query
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// Public search by name (anywhere in it) or code (its start): public fields and published
/// results only, one statement per search whatever the registry's size.
pub async fn search_enterprises(pool: &Pool, query: &str) -> sqlx::Result<Vec<EnterpriseHit>> {
    let backend = Backend::of(pool);
    let terms = SearchTerms::of(query, backend);
    let rows: Vec<HitRow> = sqlx::query_as(&search_statement(backend, terms.indexed))
        .bind(&terms.names)
        .bind(&terms.codes.0)
        .bind(&terms.codes.1)
        .bind(SEARCH_LIMIT)
        .fetch_all(pool)
        .await?;
    let mut hits: Vec<EnterpriseHit> = Vec::new();
    for row in rows {
        let result = row.result();
        if hits.last().is_none_or(|hit| hit.uscc != row.uscc) {
            hits.push(EnterpriseHit {
                risk: RiskTier::parse(&row.risk)
                    .map(|t| t.label().to_string())
                    .unwrap_or_default(),
                uscc: row.uscc,
                name: row.name,
                town: row.town,
                industry: row.industry,
                results: Vec::new(),
            });
        }
        if let (Some(hit), Some(result)) = (hits.last_mut(), result) {
            hit.results.push(result);
        }
    }
    Ok(hits)
}

/// The query plan of a search, one line per step (operators and tests check that an index,
/// not a scan of the registry, answers it).
pub async fn explain_search(pool: &Pool, query: &str) -> sqlx::Result<Vec<String>> {
    let backend = Backend::of(pool);
    let terms = SearchTerms::of(query, backend);
    let statement = search_statement(backend, terms.indexed);
    let mut conn = pool.acquire().await?;
    if backend == Backend::Sqlite {
        let steps: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {statement}"))
                .bind(&terms.names)
                .bind(&terms.codes.0)
                .bind(&terms.codes.1)
                .bind(SEARCH_LIMIT)
                .fetch_all(&mut *conn)
                .await?;
        return Ok(steps.into_iter().map(|(_, _, _, detail)| detail).collect());
    }
    // A small registry is cheaper to scan; what is asked is whether an index can answer.
    sqlx::query("SET enable_seqscan = off")
        .execute(&mut *conn)
        .await?;
    let plan: sqlx::Result<Vec<String>> = sqlx::query_scalar(&format!("EXPLAIN {statement}"))
        .bind(&terms.names)
        .bind(&terms.codes.0)
        .bind(&terms.codes.1)
        .bind(SEARCH_LIMIT)
        .fetch_all(&mut *conn)
        .await;
    sqlx::query("RESET enable_seqscan")
        .execute(&mut *conn)
        .await?;
    plan
}

/// Published results counted by town, industry and result.
pub async fn statistics(pool: &Pool) -> sqlx::Result<Statistics> {
    let results = published_results(pool).await?;
    let mut stats = Statistics {
        results: results.len() as i64,
        ..Statistics::default()
    };
    let mut by_town: HashMap<String, i64> = HashMap::new();
    let mut by_industry: HashMap<String, i64> = HashMap::new();
    let mut by_category: HashMap<ResultCategory, i64> = HashMap::new();
    for r in &results {
        stats.hazards_found += r.hazards_found;
        stats.hazards_rectified += r.hazards_rectified;
        *by_town.entry(r.town.clone()).or_default() += 1;
        *by_industry.entry(r.industry.clone()).or_default() += 1;
        *by_category.entry(r.category).or_default() += 1;
    }
    let sorted = |map: HashMap<String, i64>| {
        let mut list: Vec<(String, i64)> = map.into_iter().collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list
    };
    stats.by_town = sorted(by_town);
    stats.by_industry = sorted(by_industry);
    stats.by_category = ResultCategory::ALL
        .iter()
        .map(|c| {
            (
                c.label().to_string(),
                by_category.get(c).copied().unwrap_or(0),
            )
        })
        .collect();
    Ok(stats)
}
