use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::InspectionNav;
use crate::{
    components::{
        empty_state::EmptyState,
        forms::{Notice, NoticeKind},
        table_scroll::TableScroll,
    },
    foundation::site::use_site,
    inspections::api::inspection_statistics,
};

/// 统计: published results by town, industry and outcome, as tables with bars.
#[component]
pub fn StatisticsPage() -> impl IntoView {
    let stats = Resource::new_blocking(|| (), |_| inspection_statistics());
    view! {
        <Title text="抽查结果统计" />
        <h1>"抽查结果统计"</h1>
        <InspectionNav />
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let site = use_site();
                match stats.await {
                    Ok(stats) if stats.results == 0 => view! {
                        <EmptyState title="暂无已公开的检查结果" hint="检查结果公开后，这里按镇街、行业和结果分类统计。" />
                    }.into_any(),
                    Ok(stats) => view! {
                        <Meta name="description" content=format!("已公开检查结果 {} 家次，发现隐患 {} 处，已整改 {} 处。", stats.results, stats.hazards_found, stats.hazards_rectified) />
                        <p class="lead">{format!("已公开检查结果 {} 家次，发现隐患 {} 处，已整改 {} 处。", stats.results, stats.hazards_found, stats.hazards_rectified)}</p>
                        <BarTable caption="按检查结果" rows=stats.by_category />
                        <BarTable caption="按镇街" rows=stats.by_town />
                        <BarTable caption="按行业" rows=stats.by_industry />
                        <p class="hint">"明细数据：" <a href=site.href("/api/v1/results.csv")>"results.csv"</a></p>
                    }.into_any(),
                    Err(_) => view! { <Notice kind=NoticeKind::Error message="统计暂时无法读取，请稍后再试。" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A table whose count column carries a bar, drawn as SVG (no inline styles under the CSP).
#[component]
fn BarTable(caption: &'static str, rows: Vec<(String, i64)>) -> impl IntoView {
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let body = rows
        .into_iter()
        .map(|(label, count)| {
            let width = (count * 100 / max).max(if count > 0 { 1 } else { 0 });
            view! {
                <tr>
                    <th scope="row">{label}</th>
                    <td class="bar-cell">
                        <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                            <rect width=width height="10" />
                        </svg>
                        <span class="bar-value">{count}</span>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label=caption>
            <table class="table bar-table">
                <caption>{caption}</caption>
                <thead><tr><th scope="col">"分类"</th><th scope="col">"家次"</th></tr></thead>
                <tbody>{body}</tbody>
            </table>
        </TableScroll>
    }
}
