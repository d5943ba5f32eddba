//! The staff's inspection area (role `inspector_admin`): define and announce a draw, draw it
//! from the public values, record results, reveal the list, publish the results. Forms post
//! here and are answered with a redirect; a refused form comes back filled in as it was sent,
//! with the reason.

use crate::foundation::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{DrawDetail, DrawSummary, ImportReport, PublicResult, SelectedRow};
use crate::staff::Role;

/// Who may work on draws.
pub const OFFICERS: &[Role] = &[Role::InspectorAdmin];

/// A stratum as typed in the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StratumForm {
    #[serde(default)]
    pub name: String,
    /// `high_risk_industry`, `accident_prone`, `directly_supervised`, `risk:major` …, `all`.
    #[serde(default)]
    pub group: String,
    /// `percent` or `count`.
    #[serde(default)]
    pub quota_kind: String,
    #[serde(default)]
    pub quota: String,
}

/// The new-draw form, as posted (and as sent back when refused).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub check_items: Vec<String>,
    #[serde(default)]
    pub industries: Vec<String>,
    #[serde(default)]
    pub towns: Vec<String>,
    #[serde(default)]
    pub strata: Vec<StratumForm>,
    #[serde(default)]
    pub exclude_months: String,
    #[serde(default)]
    pub team_size: String,
    #[serde(default)]
    pub avoid_own_town: Option<String>,
    #[serde(default)]
    pub avoid_own_unit: Option<String>,
    #[serde(default)]
    pub avoid_last_inspectors: Option<String>,
    /// One description per public random source.
    #[serde(default)]
    pub sources: Vec<String>,
}

/// The groups a stratum can take, with their labels.
pub fn group_options() -> Vec<(String, String)> {
    use domain::inspections::{draw::Group, registry::RiskTier};
    let mut groups = vec![
        Group::HighRiskIndustry,
        Group::AccidentProne,
        Group::DirectlySupervised,
    ];
    groups.extend(RiskTier::ALL.map(Group::Risk));
    groups.push(Group::All);
    groups
        .into_iter()
        .map(|g| (group_key(g), g.label()))
        .collect()
}

pub fn group_key(group: domain::inspections::draw::Group) -> String {
    use domain::inspections::draw::Group;
    match group {
        Group::HighRiskIndustry => "high_risk_industry".into(),
        Group::AccidentProne => "accident_prone".into(),
        Group::DirectlySupervised => "directly_supervised".into(),
        Group::Risk(tier) => format!("risk:{}", tier.as_str()),
        Group::All => "all".into(),
    }
}

fn parse_group(key: &str) -> Option<domain::inspections::draw::Group> {
    use domain::inspections::{draw::Group, registry::RiskTier};
    match key {
        "high_risk_industry" => Some(Group::HighRiskIndustry),
        "accident_prone" => Some(Group::AccidentProne),
        "directly_supervised" => Some(Group::DirectlySupervised),
        "all" => Some(Group::All),
        other => other
            .strip_prefix("risk:")
            .and_then(RiskTier::parse)
            .map(Group::Risk),
    }
}

impl DrawForm {
    /// The form as the draw's rules, or the first thing wrong with it.
    pub fn to_rules(
        &self,
        reference_date: domain::date::Date,
    ) -> Result<domain::inspections::draw::Rules, String> {
        use domain::inspections::{
            draw::{Quota, Rules, Stratum},
            registry::{INDUSTRIES, TOWNS},
        };
        if let Some(bad) = self
            .industries
            .iter()
            .find(|i| !INDUSTRIES.contains(&i.as_str()))
        {
            return Err(format!("未知的行业“{bad}”"));
        }
        if let Some(bad) = self.towns.iter().find(|t| !TOWNS.contains(&t.as_str())) {
            return Err(format!("未知的镇街“{bad}”"));
        }
        let mut strata = Vec::new();
        for (index, row) in self.strata.iter().enumerate() {
            if row.name.trim().is_empty() && row.quota.trim().is_empty() {
                continue;
            }
            let number = index + 1;
            let name = row.name.trim().to_string();
            if name.is_empty() {
                return Err(format!("第 {number} 个分层没有名称"));
            }
            let group =
                parse_group(&row.group).ok_or_else(|| format!("分层“{name}”没有选择对象"))?;
            let value: u32 = row
                .quota
                .trim()
                .trim_end_matches(['%', '％'])
                .parse()
                .map_err(|_| format!("分层“{name}”的数量应为整数"))?;
            let quota = match row.quota_kind.as_str() {
                "percent" => Quota::Percent(value),
                "count" => Quota::Count(value),
                _ => return Err(format!("分层“{name}”请选择按比例或按数量")),
            };
            strata.push(Stratum { name, group, quota });
        }
        let exclude_months = match self.exclude_months.trim() {
            "" => 0,
            text => text
                .parse::<u32>()
                .ok()
                .filter(|m| *m <= 60)
                .ok_or("排除期限应为 0 到 60 个月")?,
        };
        let team_size: u32 = self
            .team_size
            .trim()
            .parse()
            .map_err(|_| "每组人数应为整数".to_string())?;
        Ok(Rules {
            industries: self.industries.clone(),
            towns: self.towns.clone(),
            strata,
            exclude_months,
            reference_date,
            team_size,
            avoid_own_town: self.avoid_own_town.is_some(),
            avoid_own_unit: self.avoid_own_unit.is_some(),
            avoid_last_inspectors: self.avoid_last_inspectors.is_some(),
        })
    }
}

/// The staff's front page of the inspection area.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub enterprises: i64,
    pub inspectors: i64,
    pub active_inspectors: i64,
    pub draws: Vec<DrawSummary>,
    pub import: Option<ImportReport>,
}

/// A selected enterprise with what only staff see: the recorded result and its deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub row: SelectedRow,
    pub result: Option<PublicResult>,
    pub produced_on: Option<String>,
    /// The publication deadline and the working days left (negative: overdue).
    pub deadline: Option<(String, i64)>,
}

/// A draw in the staff area.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffDraw {
    pub detail: DrawDetail,
    pub rows: Vec<StaffRow>,
}

#[server(prefix = "/api/staff", endpoint = "inspections_overview")]
pub async fn inspection_overview(
    #[server(default)] import: Option<i64>,
) -> Result<Overview, AppError> {
    use crate::foundation::server_support::pool;
    crate::foundation::access::require(OFFICERS)?;
    let pool = pool()?;
    let (enterprises, inspectors, active_inspectors) = super::store::registry_counts(&pool).await?;
    let draws = super::store::list_draws(&pool).await?;
    let import = match import {
        Some(id) => super::store::import_report(&pool, id).await?,
        None => None,
    };
    Ok(Overview {
        enterprises,
        inspectors,
        active_inspectors,
        draws,
        import,
    })
}

#[server(prefix = "/api/staff", endpoint = "draw_announce")]
pub async fn announce_draw(form: DrawForm) -> Result<(), AppError> {
    use crate::foundation::server_support::{Outcome, form_again, staff_form};
    staff_form(OFFICERS, |staff, pool| async move {
        let now = crate::foundation::clock::now();
        let (title, rules, sources, frozen) =
            match server::validate_announcement(&pool, &form, now).await {
                Ok(checked) => checked,
                Err(message) => {
                    return Ok(Outcome::go(form_again(
                        "/admin/inspections/draws/new",
                        &message,
                        &form,
                    )));
                }
            };
        let new = super::store::NewDraw {
            title: &title,
            check_items: &form.check_items,
            rules: &rules,
            sources: &sources,
            frozen: &frozen,
            created_by: staff.id,
        };
        let id = super::store::announce(&pool, new, now).await?;
        Ok(Outcome::done(
            crate::foundation::audit::Action::DrawAnnounced,
            format!("draw:{id}"),
            title.clone(),
            format!("/admin/inspections/draws/{id}?done=announced"),
        ))
    })
    .await
}

#[server(prefix = "/api/staff", endpoint = "draw_staff")]
pub async fn load_staff_draw(id: i64) -> Result<Option<StaffDraw>, AppError> {
    use crate::foundation::server_support::pool;
    crate::foundation::access::require(OFFICERS)?;
    let memos = crate::memo::memos()?;
    Ok(server::staff_draw(&pool()?, &memos, id).await?)
}

#[server(prefix = "/api/staff", endpoint = "draw_run")]
pub async fn run_draw(id: i64, #[server(default)] values: Vec<String>) -> Result<(), AppError> {
    use crate::foundation::server_support::{Outcome, encode, staff_form};
    staff_form(OFFICERS, |_, pool| async move {
        let Some(draw) = super::store::find_draw(&pool, id).await? else {
            return Ok(Outcome::go("/admin/inspections?error=no_draw"));
        };
        let page = format!("/admin/inspections/draws/{id}");
        let back = |message: &str| {
            let filled: String = values
                .iter()
                .enumerate()
                .map(|(i, v)| format!("&values[{i}]={}", encode(v)))
                .collect();
            Ok(Outcome::go(format!(
                "{page}?error={}{filled}",
                encode(message)
            )))
        };
        const DRAWN_ALREADY: &str = "这次任务已经抽取过，不能重新抽取";
        if draw.status != super::DrawStatus::Announced {
            return back(DRAWN_ALREADY);
        }
        let sources = match super::rules::sources_with_values(&draw.sources, &values) {
            Ok(sources) => sources,
            Err(message) => return back(&message),
        };
        let source_values: Vec<Vec<u64>> = sources.iter().map(|s| s.values.clone()).collect();
        let run = domain::inspections::draw::run(
            &draw.snapshot,
            &draw.rules,
            &draw.declared(),
            &source_values,
        );
        let outcome = match run {
            Ok(outcome) => outcome,
            Err(error) => return back(&error.to_string()),
        };
        let now = crate::foundation::clock::now();
        if !super::store::record_drawn(&pool, &draw, &sources, &outcome.assignments, now).await? {
            return back(DRAWN_ALREADY);
        }
        Ok(Outcome::done(
            crate::foundation::audit::Action::DrawDrawn,
            format!("draw:{id}"),
            format!("{} 家", outcome.assignments.len()),
            format!("{page}?done=drawn"),
        ))
    })
    .await
}

#[server(prefix = "/api/staff", endpoint = "draw_reveal")]
pub async fn reveal_draw(id: i64) -> Result<(), AppError> {
    use crate::foundation::server_support::{Outcome, staff_form};
    staff_form(OFFICERS, |_, pool| async move {
        let page = format!("/admin/inspections/draws/{id}");
        let Some(draw) = super::store::find_draw(&pool, id).await? else {
            return Ok(Outcome::go("/admin/inspections"));
        };
        if draw.status != super::DrawStatus::Drawn {
            return Ok(Outcome::go(format!("{page}?error=not_drawn")));
        }
        // The list must still be the one committed to: re-run and re-hash before going public.
        let verified = draw.record().is_some_and(|mut record| {
            record.revealed = Some(draw.revealed());
            domain::inspections::record::verify(&record).all_ok()
                && draw.commitment_digest.as_deref() == Some(record.commitment_digest.as_str())
        });
        if !verified {
            tracing::error!(draw = id, "a reveal did not match its commitment");
            return Ok(Outcome::go(format!("{page}?error=mismatch")));
        }
        if !super::store::record_revealed(&pool, &draw, crate::foundation::clock::now()).await? {
            return Ok(Outcome::go(format!("{page}?error=not_drawn")));
        }
        Ok(Outcome::done(
            crate::foundation::audit::Action::DrawRevealed,
            format!("draw:{id}"),
            "",
            format!("{page}?done=revealed"),
        ))
    })
    .await
}

/// The result form of one selected enterprise, as posted (`result[…]` fields).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultInput {
    pub draw_id: i64,
    #[serde(default)]
    pub uscc: String,
    #[serde(default)]
    pub inspected_on: String,
    #[serde(default)]
    pub produced_on: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub hazards_found: String,
    #[serde(default)]
    pub hazards_rectified: String,
    #[serde(default)]
    pub follow_up: String,
    /// Why a published result is changed (required then: the change is a public correction).
    #[serde(default)]
    pub correction_reason: String,
}

/// Longest reason for a correction, in characters.
pub const CORRECTION_REASON_MAX: usize = 200;

/// The reason for correcting a published result, trimmed; or what to tell the officer.
pub fn check_correction_reason(reason: &str) -> Result<&str, String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err("结果已公开，修改即为更正：请填写更正原因（将与原结果一并公开）".into());
    }
    if reason.chars().count() > CORRECTION_REASON_MAX {
        return Err(format!("更正原因不超过 {CORRECTION_REASON_MAX} 字"));
    }
    Ok(reason)
}

#[server(prefix = "/api/staff", endpoint = "result_save")]
pub async fn save_result(result: ResultInput) -> Result<(), AppError> {
    use crate::foundation::server_support::{Outcome, encode, staff_form};
    staff_form(OFFICERS, |staff, pool| async move {
        let ResultInput {
            draw_id,
            uscc,
            inspected_on,
            produced_on,
            category,
            hazards_found,
            hazards_rectified,
            follow_up,
            correction_reason,
        } = result;
        let page = format!("/admin/inspections/draws/{draw_id}");
        let Some(draw) = super::store::find_draw(&pool, draw_id).await? else {
            return Ok(Outcome::go("/admin/inspections"));
        };
        let form = super::rules::ResultForm {
            uscc: &uscc,
            inspected_on: &inspected_on,
            produced_on: &produced_on,
            category: &category,
            hazards_found: &hazards_found,
            hazards_rectified: &hazards_rectified,
            follow_up: &follow_up,
        };
        let correcting = draw.results_published_at.is_some();
        let checked = super::rules::check_result(&draw, &form, crate::foundation::clock::now())
            .and_then(|checked| {
                let reason = if correcting {
                    check_correction_reason(&correction_reason)?
                } else {
                    ""
                };
                Ok((checked, reason))
            });
        let (checked, reason) = match checked {
            Ok(checked) => checked,
            Err(message) => {
                return Ok(Outcome::go(format!(
                    "{page}?error={}&uscc={}&inspected_on={}&produced_on={}&category={}&hazards_found={}&hazards_rectified={}&follow_up={}&correction_reason={}#result-{}",
                    encode(&message),
                    encode(&uscc),
                    encode(&inspected_on),
                    encode(&produced_on),
                    encode(&category),
                    encode(&hazards_found),
                    encode(&hazards_rectified),
                    encode(&follow_up),
                    encode(&correction_reason),
                    encode(&uscc)
                )));
            }
        };
        let new = super::store::NewResult {
            recorded_by: staff.id,
            ..checked
        };
        let now = crate::foundation::clock::now();
        let (saved, action, detail, done) = if correcting {
            let saved = super::store::correct_result(&pool, new, reason, now).await?;
            let action = crate::foundation::audit::Action::ResultCorrected;
            (saved, action, format!("{uscc}：{reason}"), "corrected")
        } else {
            let saved = super::store::save_result(&pool, new, now).await?;
            let action = crate::foundation::audit::Action::ResultRecorded;
            (saved, action, uscc.clone(), "result")
        };
        if !saved {
            // Published (or not) between the check and the write: the form again, as it was.
            return Ok(Outcome::go(format!(
                "{page}?error={}#result-{}",
                encode("检查结果的公开状态刚刚改变，请刷新页面后重新填写"),
                encode(&uscc)
            )));
        }
        Ok(Outcome::done(
            action,
            format!("draw:{draw_id}"),
            detail,
            format!("{page}?done={done}#result-{}", encode(&uscc)),
        ))
    })
    .await
}

#[server(prefix = "/api/staff", endpoint = "results_publish")]
pub async fn publish_results(id: i64) -> Result<(), AppError> {
    use crate::foundation::server_support::{Outcome, staff_form};
    staff_form(OFFICERS, |_, pool| async move {
        let page = format!("/admin/inspections/draws/{id}");
        Ok(
            match super::store::record_results_published(&pool, id, crate::foundation::clock::now())
                .await?
            {
                None => Outcome::go(format!("{page}?error=not_revealed")),
                Some(count) => Outcome::done(
                    crate::foundation::audit::Action::ResultsPublished,
                    format!("draw:{id}"),
                    format!("{count} 条"),
                    format!("{page}?done=published"),
                ),
            },
        )
    })
    .await
}

/// The server-side work behind the forms.
#[cfg(feature = "ssr")]
pub mod server {
    use std::collections::HashMap;

    use crate::foundation::db::Pool;
    use domain::{
        date::Date,
        inspections::{calendar::Calendar, draw::Rules, record::PublicSource},
    };

    use super::{StaffDraw, StaffRow};
    use crate::inspections::{rules, store};

    /// Everything about a new draw, checked against the published list and the registries as
    /// they are now; or what to tell the officer.
    pub async fn validate_announcement(
        pool: &Pool,
        form: &super::DrawForm,
        now: i64,
    ) -> Result<(String, Rules, Vec<PublicSource>, store::Frozen), String> {
        let unavailable = |_| "服务器内部错误".to_string();
        let items = store::check_items(pool).await.map_err(unavailable)?;
        let (title, rules, sources) = rules::check_task(form, &items, Date::beijing_of_unix(now))?;
        // Frozen only once the task itself is sound: a snapshot reads both registries whole.
        let frozen = store::snapshot(pool).await.map_err(unavailable)?;
        rules::check_teams(&frozen, &rules)?;
        Ok((title, rules, sources, frozen))
    }

    /// The staff view of a draw: all of it, with deadlines.
    pub async fn staff_draw(
        pool: &Pool,
        memos: &crate::memo::Memos,
        id: i64,
    ) -> sqlx::Result<Option<StaffDraw>> {
        let Some(draw) = store::find_draw(pool, id).await? else {
            return Ok(None);
        };
        let Some(mut detail) = store::public_detail(pool, memos, id).await? else {
            return Ok(None);
        };
        let calendar = leptos::prelude::use_context::<std::sync::Arc<Calendar>>()
            .map(|c| (*c).clone())
            .unwrap_or_default();
        let today = Date::beijing_of_unix(crate::foundation::clock::now());
        let mut results: HashMap<String, (crate::inspections::PublicResult, String)> =
            store::draw_results(pool, id)
                .await?
                .into_iter()
                .map(|(r, produced)| (r.uscc.clone(), (r, produced)))
                .collect();
        let rows = store::selected_rows(&draw, HashMap::new())
            .into_iter()
            .map(|row| {
                let recorded = results.remove(&row.uscc);
                let deadline = recorded.as_ref().and_then(|(_, produced)| {
                    let produced = Date::parse(produced).ok()?;
                    let due = calendar.publication_deadline(produced);
                    let left = if today <= due {
                        i64::from(calendar.working_days_between(today, due))
                    } else {
                        -i64::from(calendar.working_days_between(due, today))
                    };
                    Some((due.to_string(), left))
                });
                StaffRow {
                    row,
                    produced_on: recorded.as_ref().map(|(_, p)| p.clone()),
                    result: recorded.map(|(r, _)| r),
                    deadline,
                }
            })
            .collect();
        detail.selected = None;
        Ok(Some(StaffDraw { detail, rows }))
    }
}
