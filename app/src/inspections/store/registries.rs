//! Check items, the two registries (imported from the files and the staff area, with each
//! import's report), and the snapshot a draw freezes.

use std::collections::HashMap;

use crate::foundation::db::{self, Flag, Pool};
use crate::foundation::json_column::json;
use domain::{
    date::Date,
    inspections::{
        conflict::{self, Opening},
        draw::{Assignment, Snapshot, SnapshotEnterprise, SnapshotInspector},
        registry::{Enterprise, Inspector, RiskTier},
        uscc::Uscc,
    },
};
use sqlx::FromRow;

use super::super::{CheckItem, ResultCategory};

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
pub(super) struct EnterpriseRow {
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
pub(super) struct InspectorRow {
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

/// The inspectors on duty, as the public registry lists them (public columns only).
pub async fn public_inspectors(pool: &Pool) -> sqlx::Result<Vec<super::super::PublicInspector>> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT certificate, name, unit, field FROM inspectors WHERE active = 1
         ORDER BY unit, certificate",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(certificate, name, unit, field)| super::super::PublicInspector {
                certificate,
                name,
                unit,
                field,
            },
        )
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
pub(super) async fn draw_teams(pool: &Pool) -> sqlx::Result<HashMap<(i64, String), Vec<String>>> {
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
) -> sqlx::Result<Option<super::super::ImportReport>> {
    let row: Option<(String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT kind, file_name, inserted, updated, errors FROM registry_imports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(
        |(kind, file_name, inserted, updated, errors)| super::super::ImportReport {
            kind,
            file_name,
            inserted,
            updated,
            errors: serde_json::from_str(&errors).unwrap_or_default(),
        },
    ))
}
