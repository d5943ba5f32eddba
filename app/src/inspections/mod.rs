//! Random inspection draws (双随机、一公开): what the public and the staff see of the registries,
//! the draws and their results. The rules themselves (RFC 3797, strata, teams, verification,
//! the hash chain) live in `domain::inspections`, shared with the browser.

use serde::{Deserialize, Serialize};

pub use domain::inspections::{
    draw::{Assignment, Rules},
    record::{DrawRecord, PublicSource},
};

/// Server functions of the staff's inspection area.
pub mod admin;
/// Server functions of the public pages.
pub mod api;
/// Loading `content/inspections`, `content/registries` and `content/calendar` (server only).
#[cfg(feature = "ssr")]
pub mod import;
/// Open data: JSON and CSV renderings (server only).
#[cfg(feature = "ssr")]
pub mod open_data;
/// The rules of the staff's forms: a new task, the draw's values, a result (server only).
#[cfg(feature = "ssr")]
pub mod rules;
/// The SQL of registries, draws, results and the log (server only).
#[cfg(feature = "ssr")]
pub mod store;

/// A published check item (随机抽查事项).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckItem {
    pub code: String,
    pub name: String,
    pub basis: String,
    pub subject: String,
    pub method: String,
}

/// Where a draw stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrawStatus {
    /// Task and random sources announced; the registry snapshot is frozen (its digest public).
    Announced,
    /// Drawn from the public values; only the commitment is public.
    Drawn,
    /// The list, teams and snapshot are public.
    Revealed,
}

impl DrawStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DrawStatus::Announced => "announced",
            DrawStatus::Drawn => "drawn",
            DrawStatus::Revealed => "revealed",
        }
    }

    pub fn parse(value: &str) -> Option<DrawStatus> {
        [
            DrawStatus::Announced,
            DrawStatus::Drawn,
            DrawStatus::Revealed,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            DrawStatus::Announced => "已公告，待抽取",
            DrawStatus::Drawn => "已抽取，名单待公开",
            DrawStatus::Revealed => "名单已公开",
        }
    }
}

/// How an inspection ended (检查结果).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultCategory {
    NoProblem,
    Corrected,
    CaseFiled,
    Referred,
    NotOperating,
}

impl ResultCategory {
    pub const ALL: [ResultCategory; 5] = [
        ResultCategory::NoProblem,
        ResultCategory::Corrected,
        ResultCategory::CaseFiled,
        ResultCategory::Referred,
        ResultCategory::NotOperating,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResultCategory::NoProblem => "no_problem",
            ResultCategory::Corrected => "corrected",
            ResultCategory::CaseFiled => "case_filed",
            ResultCategory::Referred => "referred",
            ResultCategory::NotOperating => "not_operating",
        }
    }

    pub fn parse(value: &str) -> Option<ResultCategory> {
        ResultCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            ResultCategory::NoProblem => "未发现问题",
            ResultCategory::Corrected => "发现问题已责令改正",
            ResultCategory::CaseFiled => "已立案查处",
            ResultCategory::Referred => "发现问题已移送有关部门",
            ResultCategory::NotOperating => "未开展生产经营（停产、关闭）",
        }
    }
}

/// The outcome of a registry import from the staff area.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub kind: String,
    pub file_name: String,
    pub inserted: i64,
    pub updated: i64,
    pub errors: Vec<String>,
}

/// A draw in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawSummary {
    pub id: i64,
    pub title: String,
    pub status: DrawStatus,
    pub announced_at: i64,
    pub drawn_at: Option<i64>,
    pub revealed_at: Option<i64>,
    /// Known once drawn.
    pub selected: Option<usize>,
}

/// An inspector as the public sees them on a team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub certificate: String,
    pub name: String,
}

/// An inspector in the public registry (执法检查人员名录库): who may be sent, from which unit,
/// in which field. Never the town they live or work in, nor their declared conflicts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicInspector {
    pub certificate: String,
    pub name: String,
    pub unit: String,
    pub field: String,
}

/// The two documents of 一单两库一细则 that staff write as articles in markdown (through the
/// editor and its review): the yearly plan and the implementation rules. (key, slug, label)
pub const DOCUMENTS: [(&str, &str, &str); 2] = [
    ("plan", "random-inspection-plan", "年度抽查计划"),
    ("rules", "random-inspection-rules", "实施细则"),
];

/// A correction of a published result: when, why, and what the result said before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultCorrection {
    pub corrected_at: i64,
    pub reason: String,
    /// The result as published before (`None`: none had been recorded for the enterprise).
    pub previous: Option<EarlierResult>,
}

/// What a published result said before a correction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierResult {
    pub inspected_on: String,
    pub check_items: Vec<String>,
    pub category: ResultCategory,
    pub hazards_found: i64,
    pub hazards_rectified: i64,
    pub follow_up: String,
}

impl EarlierResult {
    pub fn of(result: &PublicResult) -> Self {
        Self {
            inspected_on: result.inspected_on.clone(),
            check_items: result.check_items.clone(),
            category: result.category,
            hazards_found: result.hazards_found,
            hazards_rectified: result.hazards_rectified,
            follow_up: result.follow_up.clone(),
        }
    }

    /// One line, as the public list shows a result.
    pub fn describe(&self) -> String {
        describe_result(
            &self.inspected_on,
            self.category,
            self.hazards_found,
            self.hazards_rectified,
            &self.follow_up,
        )
    }
}

/// A result in one line: `2026-11-20：发现问题已责令改正；发现隐患 3 处，已整改 2 处；…`.
pub fn describe_result(
    inspected_on: &str,
    category: ResultCategory,
    found: i64,
    rectified: i64,
    follow_up: &str,
) -> String {
    let follow_up = if follow_up.is_empty() {
        String::new()
    } else {
        format!("；{follow_up}")
    };
    format!(
        "{inspected_on}：{}；发现隐患 {found} 处，已整改 {rectified} 处{follow_up}",
        category.label()
    )
}

/// A published inspection result. Never carries the legal representative or a phone number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicResult {
    pub draw_id: i64,
    pub uscc: String,
    pub enterprise: String,
    pub town: String,
    pub industry: String,
    pub inspected_on: String,
    pub check_items: Vec<String>,
    pub category: ResultCategory,
    pub hazards_found: i64,
    pub hazards_rectified: i64,
    pub follow_up: String,
    /// Corrections made after publication, newest first (none for most results; left out of
    /// the JSON then, so the digest published with the results is unchanged).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<ResultCorrection>,
}

/// One selected enterprise with its team, and its result once published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectedRow {
    pub uscc: String,
    pub name: String,
    pub town: String,
    pub industry: String,
    pub stratum: String,
    pub team: Vec<TeamMember>,
    pub result: Option<PublicResult>,
}

/// A draw as its public page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawDetail {
    pub summary: DrawSummary,
    pub check_items: Vec<CheckItem>,
    pub rules: Rules,
    pub sources: Vec<PublicSource>,
    pub snapshot_digest: String,
    pub result_digest: Option<String>,
    pub commitment_digest: Option<String>,
    pub results_published_at: Option<i64>,
    /// Only after the reveal.
    pub selected: Option<Vec<SelectedRow>>,
    /// Enterprises in the frozen snapshot (known to the public only by count before the reveal).
    pub snapshot_enterprises: usize,
}

/// An enterprise found by the public search, with its published results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseHit {
    pub uscc: String,
    pub name: String,
    pub town: String,
    pub industry: String,
    pub risk: String,
    pub results: Vec<PublicResult>,
}

/// Counts behind the statistics page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statistics {
    pub results: i64,
    pub hazards_found: i64,
    pub hazards_rectified: i64,
    pub by_town: Vec<(String, i64)>,
    pub by_industry: Vec<(String, i64)>,
    pub by_category: Vec<(String, i64)>,
}

/// One entry of the public draw log.
pub use domain::inspections::chain::ChainEntry;
