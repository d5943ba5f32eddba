//! Open data renderings (`/api/v1/…`): what the public may download, in JSON and CSV. Built
//! from public fields only; the private registry columns are never selected here.

use serde::Serialize;

use super::{DrawSummary, PublicInspector, PublicResult};

/// Version of the open-data paths and documents.
pub const VERSION: &str = "v1";

/// `/api/v1/draws`: every draw, with links to its record.
#[derive(Serialize)]
pub struct DrawIndex {
    pub version: &'static str,
    pub draws: Vec<DrawIndexEntry>,
}

#[derive(Serialize)]
pub struct DrawIndexEntry {
    pub id: i64,
    pub title: String,
    pub status: &'static str,
    pub announced_at: i64,
    pub drawn_at: Option<i64>,
    pub revealed_at: Option<i64>,
    pub record: String,
}

pub fn draw_index(draws: Vec<DrawSummary>, href: impl Fn(&str) -> String) -> DrawIndex {
    DrawIndex {
        version: VERSION,
        draws: draws
            .into_iter()
            .map(|d| DrawIndexEntry {
                record: href(&format!("/api/v1/draws/{}", d.id)),
                id: d.id,
                title: d.title,
                status: d.status.as_str(),
                announced_at: d.announced_at,
                drawn_at: d.drawn_at,
                revealed_at: d.revealed_at,
            })
            .collect(),
    }
}

pub const RESULTS_HEADER: [&str; 11] = [
    "抽查任务编号",
    "统一社会信用代码",
    "企业名称",
    "镇街",
    "行业",
    "检查日期",
    "抽查事项",
    "检查结果",
    "发现隐患数",
    "已整改隐患数",
    "后续处理",
];

/// `/api/v1/results.csv`: every published result (UTF-8 with a BOM, so spreadsheets open it
/// right).
pub fn results_csv(results: &[PublicResult]) -> String {
    use domain::inspections::registry::csv_line;
    let mut out = String::from('\u{feff}');
    out.push_str(&csv_line(&RESULTS_HEADER.map(String::from)));
    for r in results {
        out.push_str(&csv_line(&[
            r.draw_id.to_string(),
            r.uscc.clone(),
            r.enterprise.clone(),
            r.town.clone(),
            r.industry.clone(),
            r.inspected_on.clone(),
            r.check_items.join(";"),
            r.category.label().to_string(),
            r.hazards_found.to_string(),
            r.hazards_rectified.to_string(),
            r.follow_up.clone(),
        ]));
    }
    out
}

pub const INSPECTORS_HEADER: [&str; 4] = ["执法证号", "姓名", "单位", "执法领域"];

/// `/api/v1/inspectors.csv`: the public inspector registry (UTF-8 with a BOM).
pub fn inspectors_csv(inspectors: &[PublicInspector]) -> String {
    use domain::inspections::registry::csv_line;
    let mut out = String::from('\u{feff}');
    out.push_str(&csv_line(&INSPECTORS_HEADER.map(String::from)));
    for i in inspectors {
        out.push_str(&csv_line(&[
            i.certificate.clone(),
            i.name.clone(),
            i.unit.clone(),
            i.field.clone(),
        ]));
    }
    out
}
