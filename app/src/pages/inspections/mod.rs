//! The public side of the random inspections (双随机、一公开).

/// `/inspections/draws/{id}`: one draw's commitment, then its list, teams and results.
pub mod draw;
/// `/inspections/inspectors`: the public registry of inspectors.
pub mod inspectors;
/// `/inspections/items`: the published check-item list.
pub mod items;
/// `/inspections/log`: the hash-chained log of draw events.
pub mod log;
/// `/inspections`: how it works, and the draws.
pub mod overview;
/// `/inspections/search`: an enterprise by name or code.
pub mod search;
/// `/inspections/statistics`: results by town, industry and outcome.
pub mod statistics;

use leptos::prelude::*;

use crate::foundation::site::use_site;

/// The links between the inspection pages.
#[component]
pub fn InspectionNav() -> impl IntoView {
    let site = use_site();
    view! {
        <nav class="subnav" aria-label="双随机抽查">
            <a href=site.href("/inspections")>"抽查任务"</a>
            <a href=site.href("/inspections/items")>"抽查事项清单"</a>
            <a href=site.href("/inspections/search")>"企业名录查询"</a>
            <a href=site.href("/inspections/inspectors")>"执法人员名录"</a>
            <a href=site.href(&document_path("plan"))>"抽查计划"</a>
            <a href=site.href(&document_path("rules"))>"实施细则"</a>
            <a href=site.href("/inspections/statistics")>"统计"</a>
            <a href=site.href("/inspections/log")>"抽签日志"</a>
            <a href=site.href("/api/v1/draws")>"开放数据"</a>
        </nav>
    }
}

/// The page of one of [`crate::inspections::DOCUMENTS`] (an article), by its key.
pub fn document_path(key: &str) -> String {
    let slug = crate::inspections::DOCUMENTS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or(key, |(_, slug, _)| slug);
    format!("/articles/{slug}")
}

/// Shortens a hex digest for reading; the whole value is in the `title` and the open data.
pub fn short_digest(digest: &str) -> String {
    if digest.len() > 16 {
        format!("{}…{}", &digest[..8], &digest[digest.len() - 8..])
    } else {
        digest.to_string()
    }
}
