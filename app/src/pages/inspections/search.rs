use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::InspectionNav;
use crate::{
    components::{
        empty_state::EmptyState,
        forms::{Notice, NoticeKind},
    },
    foundation::request::query_param,
    foundation::site::use_site,
    inspections::{EnterpriseHit, api::find_enterprises},
};

/// 企业查询: an enterprise by name or 统一社会信用代码, with its published results.
#[component]
pub fn EnterpriseSearchPage() -> impl IntoView {
    let site = use_site();
    let query = query_param("q")
        .map(|q| q.trim().to_string())
        .unwrap_or_default();
    let hits = Resource::new_blocking(
        {
            let query = query.clone();
            move || query.clone()
        },
        find_enterprises,
    );
    let asked = !query.is_empty();
    view! {
        <Title text="企业抽查结果查询" />
        <Meta name="robots" content="noindex" />
        <h1>"企业抽查结果查询"</h1>
        <InspectionNav />
        <form class="search-form" method="get" action=site.href("/inspections/search") role="search">
            <label for="q">"企业名称或统一社会信用代码"</label>
            <input id="q" name="q" type="search" value=query.clone() maxlength="50" placeholder="例如：水暖 或 18 位代码" />
            <button type="submit" class="button">"查询"</button>
        </form>
        {asked.then(|| view! {
            <Suspense fallback=|| view! { <p>"正在查询…"</p> }>
                {move || Suspend::new(async move {
                    match hits.await {
                        Ok(hits) if hits.is_empty() => view! {
                            <EmptyState title="没有找到这家企业" hint="请检查名称中的字词，或输入完整的 18 位统一社会信用代码。" />
                        }.into_any(),
                        Ok(hits) => {
                            let count = hits.len();
                            let cards = hits.into_iter().map(|hit| view! { <EnterpriseCard hit /> }).collect_view();
                            view! { <p role="status">{format!("找到 {count} 家企业")}</p><ul class="result-list">{cards}</ul> }.into_any()
                        }
                        Err(_) => view! { <Notice kind=NoticeKind::Error message="查询暂时不可用，请稍后再试。" /> }.into_any(),
                    }
                })}
            </Suspense>
        })}
    }
}

#[component]
fn EnterpriseCard(hit: EnterpriseHit) -> impl IntoView {
    let site = use_site();
    let results = if hit.results.is_empty() {
        view! { <p class="hint">"暂无已公开的抽查结果。"</p> }.into_any()
    } else {
        let items = hit
            .results
            .into_iter()
            .map(|r| {
                let href = site.href(&format!("/inspections/draws/{}", r.draw_id));
                view! {
                    <li>
                        {format!("{} 检查：{}；发现隐患 {} 处，已整改 {} 处", r.inspected_on, r.category.label(), r.hazards_found, r.hazards_rectified)}
                        " （"<a href=href>"查看抽查任务"</a>"）"
                    </li>
                }
            })
            .collect_view();
        view! { <ul>{items}</ul> }.into_any()
    };
    view! {
        <li class="result-card">
            <h2 class="result-card__title">{hit.name}</h2>
            <p class="result-card__meta"><code>{hit.uscc}</code>" · "{hit.town}" · "{hit.industry}" · "{hit.risk}</p>
            {results}
        </li>
    }
}
