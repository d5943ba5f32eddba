//! The SQL of the inspection draws. Public queries never select the private columns
//! (`legal_representative`, `phone`); only the staff export does.

use std::collections::HashMap;

use crate::foundation::db::{self, Connection, Dialects, Flag, Pool};
use crate::foundation::json_column::{decode, json};
use domain::{
    date::Date,
    inspections::{
        chain::ChainEntry,
        conflict::{self, Opening},
        draw::{Assignment, Rules, Snapshot, SnapshotEnterprise, SnapshotInspector},
        record::PublicSource,
        registry::{Enterprise, Inspector, RiskTier},
        uscc::Uscc,
    },
};
use sqlx::FromRow;

use super::{
    CheckItem, DrawDetail, DrawStatus, DrawSummary, EnterpriseHit, PublicResult, ResultCategory,
    SelectedRow, Statistics, TeamMember,
};

// ---- Check items -------------------------------------------------------------------------

/// Replaces the published check-item list.
pub async fn replace_check_items(pool: &Pool, items: &[CheckItem]) -> sqlx::Result<()> {
    let mut tx = db::begin_write(pool).await?;
    sqlx::query("DELETE FROM check_items")
        .execute(&mut *tx)
        .await?;
    for (position, item) in items.iter().enumerate() {
        sqlx::query(
            "INSERT INTO check_items (code, name, basis, subject, method, position)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&item.code)
        .bind(&item.name)
        .bind(&item.basis)
        .bind(&item.subject)
        .bind(&item.method)
        .bind(position as i64)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

pub async fn check_items(pool: &Pool) -> sqlx::Result<Vec<CheckItem>> {
    let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT code, name, basis, subject, method FROM check_items ORDER BY position",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(code, name, basis, subject, method)| CheckItem {
            code,
            name,
            basis,
            subject,
            method,
        })
        .collect())
}

// ---- Registries ----------------------------------------------------------------------------

/// How an import went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportCount {
    pub inserted: usize,
    pub updated: usize,
}

/// Inserts or updates every enterprise, all in one transaction.
pub async fn import_enterprises(
    pool: &Pool,
    enterprises: &[Enterprise],
    now: i64,
) -> sqlx::Result<ImportCount> {
    let mut tx = db::begin_write(pool).await?;
    let mut count = ImportCount::default();
    for e in enterprises {
        let existed: Flag =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM enterprises WHERE uscc = $1)")
                .bind(e.uscc.as_str())
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query(
            "INSERT INTO enterprises (uscc, name, town, address, industry, risk, high_risk_industry,
                 accident_prone, directly_supervised, legal_representative, phone, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (uscc) DO UPDATE SET name = excluded.name, town = excluded.town,
                 address = excluded.address, industry = excluded.industry, risk = excluded.risk,
                 high_risk_industry = excluded.high_risk_industry,
                 accident_prone = excluded.accident_prone,
                 directly_supervised = excluded.directly_supervised,
                 legal_representative = excluded.legal_representative, phone = excluded.phone,
                 updated_at = excluded.updated_at",
        )
        .bind(e.uscc.as_str())
        .bind(&e.name)
        .bind(&e.town)
        .bind(&e.address)
        .bind(&e.industry)
        .bind(e.risk.as_str())
        .bind(db::flag(e.high_risk_industry))
        .bind(db::flag(e.accident_prone))
        .bind(db::flag(e.directly_supervised))
        .bind(&e.legal_representative)
        .bind(&e.phone)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if bool::from(existed) {
            count.updated += 1;
        } else {
            count.inserted += 1;
        }
    }
    tx.commit().await?;
    Ok(count)
}

/// Inserts or updates every inspector, all in one transaction.
pub async fn import_inspectors(
    pool: &Pool,
    inspectors: &[Inspector],
    now: i64,
) -> sqlx::Result<ImportCount> {
    let mut tx = db::begin_write(pool).await?;
    let mut count = ImportCount::default();
    for i in inspectors {
        let existed: Flag =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM inspectors WHERE certificate = $1)")
                .bind(&i.certificate)
                .fetch_one(&mut *tx)
                .await?;
        let conflicts: Vec<&str> = i.declared_conflicts.iter().map(Uscc::as_str).collect();
        sqlx::query(
            "INSERT INTO inspectors (certificate, name, unit, field, town, active,
                 declared_conflicts, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (certificate) DO UPDATE SET name = excluded.name, unit = excluded.unit,
                 field = excluded.field, town = excluded.town, active = excluded.active,
                 declared_conflicts = excluded.declared_conflicts, updated_at = excluded.updated_at",
        )
        .bind(&i.certificate)
        .bind(&i.name)
        .bind(&i.unit)
        .bind(&i.field)
        .bind(&i.town)
        .bind(db::flag(i.active))
        .bind(conflicts.join(";"))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if bool::from(existed) {
            count.updated += 1;
        } else {
            count.inserted += 1;
        }
    }
    tx.commit().await?;
    Ok(count)
}

#[derive(FromRow)]
struct EnterpriseRow {
    uscc: String,
    name: String,
    town: String,
    address: String,
    industry: String,
    risk: String,
    #[sqlx(try_from = "Flag")]
    high_risk_industry: bool,
    #[sqlx(try_from = "Flag")]
    accident_prone: bool,
    #[sqlx(try_from = "Flag")]
    directly_supervised: bool,
    legal_representative: String,
    phone: String,
}

/// The whole enterprise registry, private fields included: staff export only.
pub async fn all_enterprises(pool: &Pool) -> sqlx::Result<Vec<Enterprise>> {
    let rows: Vec<EnterpriseRow> = sqlx::query_as(
        "SELECT uscc, name, town, address, industry, risk, high_risk_industry, accident_prone,
                directly_supervised, legal_representative, phone
         FROM enterprises ORDER BY uscc",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Enterprise {
                uscc: Uscc::parse(&r.uscc).ok()?,
                name: r.name,
                town: r.town,
                address: r.address,
                industry: r.industry,
                risk: RiskTier::parse(&r.risk)?,
                high_risk_industry: r.high_risk_industry,
                accident_prone: r.accident_prone,
                directly_supervised: r.directly_supervised,
                legal_representative: r.legal_representative,
                phone: r.phone,
            })
        })
        .collect())
}

#[derive(FromRow)]
struct InspectorRow {
    certificate: String,
    name: String,
    unit: String,
    field: String,
    town: String,
    #[sqlx(try_from = "Flag")]
    active: bool,
    declared_conflicts: String,
}

impl InspectorRow {
    fn conflicts(&self) -> Vec<Uscc> {
        self.declared_conflicts
            .split(';')
            .filter_map(|code| Uscc::parse(code).ok())
            .collect()
    }
}

pub async fn all_inspectors(pool: &Pool) -> sqlx::Result<Vec<Inspector>> {
    let rows: Vec<InspectorRow> = sqlx::query_as(
        "SELECT certificate, name, unit, field, town, active, declared_conflicts
         FROM inspectors ORDER BY certificate",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Inspector {
            declared_conflicts: r.conflicts(),
            certificate: r.certificate,
            name: r.name,
            unit: r.unit,
            field: r.field,
            town: r.town,
            active: r.active,
        })
        .collect())
}

/// Enterprises and inspectors on record.
pub async fn registry_counts(pool: &Pool) -> sqlx::Result<(i64, i64, i64)> {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM enterprises), (SELECT COUNT(*) FROM inspectors),
                (SELECT COUNT(*) FROM inspectors WHERE active = 1)",
    )
    .fetch_one(pool)
    .await
}

/// Both registries frozen for a draw, declared conflicts sealed, and what opens them (kept by
/// the bureau, never published whole).
pub struct Frozen {
    pub snapshot: Snapshot,
    pub openings: Vec<Opening>,
}

/// Freezes both registries, with each enterprise's inspection history, for a draw.
pub async fn snapshot(pool: &Pool) -> sqlx::Result<Frozen> {
    let rows: Vec<EnterpriseRow> = sqlx::query_as(
        "SELECT uscc, name, town, address, industry, risk, high_risk_industry, accident_prone,
                directly_supervised, '' AS legal_representative, '' AS phone
         FROM enterprises",
    )
    .fetch_all(pool)
    .await?;
    // The latest inspection of each enterprise, with its team, and the latest case filed.
    let history: Vec<(String, String, i64, String)> = sqlx::query_as(
        "SELECT r.uscc, r.inspected_on, r.draw_id, r.category FROM inspection_results r
         ORDER BY r.inspected_on",
    )
    .fetch_all(pool)
    .await?;
    let teams = draw_teams(pool).await?;
    let mut last: HashMap<String, (Date, Vec<String>)> = HashMap::new();
    let mut penalised: HashMap<String, Date> = HashMap::new();
    for (uscc, on, draw_id, category) in history {
        let Ok(date) = Date::parse(&on) else { continue };
        let team = teams
            .get(&(draw_id, uscc.clone()))
            .cloned()
            .unwrap_or_default();
        last.insert(uscc.clone(), (date, team));
        if category == ResultCategory::CaseFiled.as_str() {
            penalised.insert(uscc, date);
        }
    }
    let enterprises = rows
        .into_iter()
        .filter_map(|r| {
            let (last_inspected, last_inspectors) = match last.remove(&r.uscc) {
                Some((date, team)) => (Some(date), team),
                None => (None, Vec::new()),
            };
            Some(SnapshotEnterprise {
                last_penalised: penalised.get(&r.uscc).copied(),
                uscc: Uscc::parse(&r.uscc).ok()?,
                name: r.name,
                town: r.town,
                industry: r.industry,
                risk: RiskTier::parse(&r.risk)?,
                high_risk_industry: r.high_risk_industry,
                accident_prone: r.accident_prone,
                directly_supervised: r.directly_supervised,
                last_inspected,
                last_inspectors,
            })
        })
        .collect();
    let inspectors: Vec<InspectorRow> = sqlx::query_as(
        "SELECT certificate, name, unit, field, town, active, declared_conflicts FROM inspectors",
    )
    .fetch_all(pool)
    .await?;
    let mut openings = Vec::new();
    let mut salt = rand::random::<[u8; 16]>;
    let inspectors = inspectors
        .into_iter()
        .map(|r| {
            let (conflicts, opened) = conflict::seal(&r.certificate, &r.conflicts(), &mut salt);
            openings.extend(opened);
            SnapshotInspector {
                conflicts,
                certificate: r.certificate,
                name: r.name,
                unit: r.unit,
                town: r.town,
                active: r.active,
            }
        })
        .collect();
    openings.sort();
    Ok(Frozen {
        snapshot: Snapshot {
            enterprises,
            inspectors,
        }
        .canonical(),
        openings,
    })
}

/// The team of every drawn enterprise, by (draw, enterprise).
async fn draw_teams(pool: &Pool) -> sqlx::Result<HashMap<(i64, String), Vec<String>>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, assignments FROM draws WHERE assignments IS NOT NULL")
            .fetch_all(pool)
            .await?;
    let mut teams = HashMap::new();
    for (id, json) in rows {
        let assignments: Vec<Assignment> = serde_json::from_str(&json).unwrap_or_default();
        for a in assignments {
            teams.insert((id, a.uscc.to_string()), a.team);
        }
    }
    Ok(teams)
}

// ---- Draws -----------------------------------------------------------------------------------

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
    let snapshot_digest = draw.frozen.snapshot.digest();
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
struct DrawRow {
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
        domain::inspections::record::Revealed {
            openings: conflict::openings_for(&self.openings, &assignments),
            snapshot: self.snapshot.clone(),
            assignments,
        }
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

const DRAW_COLUMNS: &str =
    "id, title, format, check_items, rules, sources, status, snapshot, snapshot_digest,
    conflict_openings, assignments, result_digest, commitment_digest, announced_at, drawn_at, revealed_at,
    results_published_at";

pub async fn find_draw(pool: &Pool, id: i64) -> sqlx::Result<Option<StoredDraw>> {
    let row: Option<DrawRow> =
        sqlx::query_as(&format!("SELECT {DRAW_COLUMNS} FROM draws WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?;
    row.map(DrawRow::into_draw).transpose()
}

#[derive(FromRow)]
struct SummaryRow {
    id: i64,
    title: String,
    status: String,
    announced_at: i64,
    drawn_at: Option<i64>,
    revealed_at: Option<i64>,
    selected: Option<i64>,
}

/// The draws with how many enterprises each selected (its assignments are a JSON array).
const DRAW_LIST: Dialects = Dialects {
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

// ---- Results ---------------------------------------------------------------------------------

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

/// Records (or corrects) the result of one selected enterprise.
pub async fn save_result(pool: &Pool, result: NewResult<'_>, now: i64) -> sqlx::Result<()> {
    let mut tx = db::begin_serialized(pool, &[&draw_key_name(result.draw_id)]).await?;
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
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

#[derive(FromRow)]
struct ResultRow {
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
            },
            self.produced_on,
        ))
    }
}

const RESULT_COLUMNS: &str = "r.draw_id, r.uscc, e.name AS enterprise, e.town, e.industry,
    r.inspected_on, r.produced_on, r.check_items, r.category, r.hazards_found,
    r.hazards_rectified, r.follow_up";

/// Public: results of revealed draws whose results were published.
const PUBLISHED: &str = "d.status = 'revealed' AND d.results_published_at IS NOT NULL";

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

/// The public page of a draw: the commitment, and after the reveal the list with teams and
/// published results.
/// What a draw's public content depends on, read without decoding its snapshot.
pub async fn draw_key(pool: &Pool, id: i64) -> sqlx::Result<Option<crate::memo::DrawKey>> {
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT status, results_published_at FROM draws WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(status, published)| (id, status, published)))
}

/// A draw, decoded once per version and kept.
pub async fn find_draw_memo(
    pool: &Pool,
    memos: &crate::memo::Memos,
    id: i64,
) -> sqlx::Result<Option<(crate::memo::DrawKey, std::sync::Arc<StoredDraw>)>> {
    let Some(key) = draw_key(pool, id).await? else {
        return Ok(None);
    };
    if let Some(draw) = memos.draws.get(&key) {
        return Ok(Some((key, draw)));
    }
    let Some(draw) = find_draw(pool, id).await? else {
        return Ok(None);
    };
    let draw = std::sync::Arc::new(draw);
    // Kept under the key read first: a change in between makes the next read miss.
    memos.draws.put(key.clone(), draw.clone());
    Ok(Some((key, draw)))
}

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
            draw_results(pool, id)
                .await?
                .into_iter()
                .map(|(r, _)| (r.uscc.clone(), r))
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

/// Public search by name or code: public fields and published results only.
pub async fn search_enterprises(pool: &Pool, query: &str) -> sqlx::Result<Vec<EnterpriseHit>> {
    let pattern = format!("%{}%", query.replace(['%', '_', '\\'], ""));
    let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT uscc, name, town, industry, risk FROM enterprises
         WHERE uscc = upper($1) OR name LIKE $2 ORDER BY name LIMIT 30",
    )
    .bind(query)
    .bind(&pattern)
    .fetch_all(pool)
    .await?;
    let mut hits = Vec::with_capacity(rows.len());
    for (uscc, name, town, industry, risk) in rows {
        let results: Vec<ResultRow> = sqlx::query_as(&format!(
            "SELECT {RESULT_COLUMNS} FROM inspection_results r
             JOIN enterprises e ON e.uscc = r.uscc JOIN draws d ON d.id = r.draw_id
             WHERE r.uscc = $1 AND {PUBLISHED} ORDER BY r.inspected_on DESC"
        ))
        .bind(&uscc)
        .fetch_all(pool)
        .await?;
        hits.push(EnterpriseHit {
            risk: RiskTier::parse(&risk)
                .map(|t| t.label().to_string())
                .unwrap_or_default(),
            uscc,
            name,
            town,
            industry,
            results: results
                .into_iter()
                .filter_map(ResultRow::into_public)
                .map(|(r, _)| r)
                .collect(),
        });
    }
    Ok(hits)
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

// ---- The log -----------------------------------------------------------------------------------

/// The key every transaction that appends to the draw log holds ([`db::begin_serialized`]):
/// each append reads the newest entry and chains to it, so two at once would fork the chain.
const DRAW_LOG: &str = "draw_log";

/// The key of one draw's results, held while one is recorded or all are published.
fn draw_key_name(draw_id: i64) -> String {
    format!("draw-results:{draw_id}")
}

/// Appends an entry chained to the newest one; the caller's transaction holds [`DRAW_LOG`].
async fn append_log(
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
struct LogRow {
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

// ---- Registry imports ----------------------------------------------------------------------

/// What one registry import did, for the report the officer is shown.
pub struct ImportRecord<'a> {
    pub kind: &'a str,
    pub file_name: &'a str,
    pub staff_id: i64,
    pub inserted: usize,
    pub updated: usize,
    pub errors: &'a [String],
}

/// Keeps an import's report (all or nothing: with errors, nothing was imported); returns its id.
pub async fn record_import(pool: &Pool, record: ImportRecord<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO registry_imports (kind, file_name, at, staff_id, inserted, updated, errors)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(record.kind)
    .bind(record.file_name)
    .bind(now)
    .bind(record.staff_id)
    .bind(record.inserted as i64)
    .bind(record.updated as i64)
    .bind(json(record.errors))
    .fetch_one(pool)
    .await
}

/// An import's report, by id.
pub async fn import_report(
    pool: &Pool,
    id: i64,
) -> sqlx::Result<Option<super::admin::ImportReport>> {
    let row: Option<(String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT kind, file_name, inserted, updated, errors FROM registry_imports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(
        |(kind, file_name, inserted, updated, errors)| super::admin::ImportReport {
            kind,
            file_name,
            inserted,
            updated,
            errors: serde_json::from_str(&errors).unwrap_or_default(),
        },
    ))
}
