use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use super::InspectionNav;
use crate::{
    components::{
        forms::{Notice, NoticeKind},
        table_scroll::TableScroll,
    },
    foundation::clock::format_beijing,
    foundation::site::use_site,
    inspections::{
        DrawDetail, DrawStatus, ResultCorrection, Rules, SelectedRow, api::draw, describe_result,
    },
    pages::not_found::NotFoundPage,
};

/// One draw: `/inspections/draws/{id}`.
#[component]
pub fn DrawPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|params| params.get("id"))
        .and_then(|id| id.parse::<i64>().ok());
    let detail = Resource::new_blocking(
        move || id,
        |id| async move {
            match id {
                Some(id) => draw(id).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(Some(detail)) => view! { <DrawView detail /> }.into_any(),
                    Ok(None) => view! { <NotFoundPage /> }.into_any(),
                    Err(_) => view! { <Notice kind=NoticeKind::Error message="抽查任务暂时无法读取，请稍后再试。" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DrawView(detail: DrawDetail) -> impl IntoView {
    let site = use_site();
    let summary = detail.summary.clone();
    let id = summary.id;
    let status = summary.status;
    let items = detail
        .check_items
        .iter()
        .map(|i| view! { <li>{format!("{} {}（{}）", i.code, i.name, i.basis)}</li> })
        .collect_view();
    let sources = detail
        .sources
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let values = if s.values.is_empty() {
                "尚未揭晓".to_string()
            } else {
                s.values.iter().map(u64::to_string).collect::<Vec<_>>().join("、")
            };
            view! { <li>{format!("来源 {}：{}", n + 1, s.description)}<br /><span class="muted">"数值："</span>{values}</li> }
        })
        .collect_view();
    let digest_row = |label: &'static str, value: Option<String>| {
        value.map(|v| {
            view! {
                <div class="facts__row"><dt>{label}</dt><dd><code class="digest" title=v.clone()>{v.clone()}</code></dd></div>
            }
        })
    };
    let phase = match status {
        DrawStatus::Announced => "已公告任务和随机数来源，名录已冻结。公开数据揭晓后进行抽签。",
        DrawStatus::Drawn => {
            "已抽签。为保证检查不预先通知，名单在检查结束后公开；现在公开的是结果的摘要（承诺），公开名单时可据此核对。"
        }
        DrawStatus::Revealed => {
            "名单已公开。可以在下面重新计算抽签，核对与抽签时公布的承诺是否一致。"
        }
    };
    view! {
        <Title text=summary.title.clone() />
        <Meta name="description" content=format!("{}：{}", summary.title, status.label()) />
        <h1>{summary.title.clone()}</h1>
        <InspectionNav />
        <p class="lead"><span class=format!("status status--{}", status.as_str())>{status.label()}</span>" "{phase}</p>
        <section aria-labelledby="commitment-title">
            <h2 id="commitment-title">"抽签承诺"</h2>
            <dl class="facts">
                <div class="facts__row"><dt>"公告时间"</dt><dd>{format_beijing(summary.announced_at)}</dd></div>
                {summary.drawn_at.map(|t| view! { <div class="facts__row"><dt>"抽签时间"</dt><dd>{format_beijing(t)}</dd></div> })}
                {summary.revealed_at.map(|t| view! { <div class="facts__row"><dt>"名单公开时间"</dt><dd>{format_beijing(t)}</dd></div> })}
                <div class="facts__row"><dt>"名录快照"</dt><dd>{format!("{} 家企业", detail.snapshot_enterprises)}</dd></div>
                {digest_row("名录快照摘要（SHA-256）", Some(detail.snapshot_digest.clone()))}
                {digest_row("结果摘要（SHA-256）", detail.result_digest.clone())}
                {digest_row("承诺摘要（SHA-256）", detail.commitment_digest.clone())}
            </dl>
            <h3>"抽查事项"</h3>
            <ul>{items}</ul>
            <h3>"抽取规则"</h3>
            <RulesView rules=detail.rules.clone() />
            <h3>"公开随机数来源"</h3>
            <ol>{sources}</ol>
            <p class="hint">
                "完整的公开记录（JSON）："<a href=site.href(&format!("/api/v1/draws/{id}"))>{format!("/api/v1/draws/{id}")}</a>
            </p>
        </section>
        {detail.selected.map(|rows| view! { <SelectedList rows results_published=detail.results_published_at.is_some() /> })}
        {(status == DrawStatus::Revealed).then(|| view! {
            <section aria-labelledby="verify-title">
                <h2 id="verify-title">"复核这次抽签"</h2>
                <p>"在您的浏览器中，用与服务器相同的程序（WebAssembly）从公开记录重新计算：名录摘要、结果摘要、逐步抽签。"</p>
                // Its own WASM bundle (the draw code), loaded by revealed draw pages only.
                <div id="draw-verifier" class="verifier" data-record=site.href(&format!("/api/v1/draws/{id}"))>
                    <button type="button" class="button" hidden>"在浏览器中复核这次抽签"</button>
                    <div class="verifier__output" aria-live="polite"></div>
                </div>
                <script type="module" src=site.href("/verifier/start.js")></script>
                <noscript><p class="hint">"复核需要启用 JavaScript。也可以下载上面的公开记录，用命令 server draw verify 离线复核。"</p></noscript>
            </section>
        })}
    }
}

/// The rules of a draw in words.
#[component]
pub fn RulesView(rules: Rules) -> impl IntoView {
    let all_or = |list: &[String], all: &str| {
        if list.is_empty() {
            all.to_string()
        } else {
            list.join("、")
        }
    };
    let strata = rules
        .strata
        .iter()
        .enumerate()
        .map(|(n, s)| view! { <li>{format!("第 {} 层“{}”：{}，抽取 {}", n + 1, s.name, s.group.label(), s.quota.label())}</li> })
        .collect_view();
    let mut avoid = vec!["本人申报回避的企业".to_string()];
    if rules.avoid_own_town {
        avoid.push("本人所在镇街的企业".into());
    }
    if rules.avoid_own_unit {
        avoid.push("本人所在单位（镇街应急办）辖区的企业".into());
    }
    if rules.avoid_last_inspectors {
        avoid.push("本人上次检查过的企业".into());
    }
    let exclude = if rules.exclude_months == 0 {
        "无".to_string()
    } else {
        format!(
            "{} 前 {} 个月内已检查或已立案查处的企业",
            rules.reference_date, rules.exclude_months
        )
    };
    view! {
        <dl class="facts">
            <div class="facts__row"><dt>"行业范围"</dt><dd>{all_or(&rules.industries, "全部行业")}</dd></div>
            <div class="facts__row"><dt>"镇街范围"</dt><dd>{all_or(&rules.towns, "全部镇街")}</dd></div>
            <div class="facts__row"><dt>"排除"</dt><dd>{exclude}</dd></div>
            <div class="facts__row"><dt>"每组检查人员"</dt><dd>{format!("{} 人", rules.team_size)}</dd></div>
            <div class="facts__row"><dt>"回避"</dt><dd>{avoid.join("；")}</dd></div>
        </dl>
        <p class="hint">"每家企业归入下列第一个符合条件的分层；比例向上取整。"</p>
        <ol>{strata}</ol>
    }
}

/// A corrected result's history: each correction's date and reason, and what the result said
/// before it.
#[component]
fn Corrections(corrections: Vec<ResultCorrection>) -> impl IntoView {
    (!corrections.is_empty()).then(|| {
        let items = corrections
            .into_iter()
            .map(|c| {
                let day = format_beijing(c.corrected_at);
                let before = c
                    .previous
                    .map(|p| format!("原结果：{}", p.describe()))
                    .unwrap_or_else(|| "原先未公开结果".into());
                view! {
                    <li>
                        <strong class="corrected">"已更正"</strong>
                        {format!("（{day}）更正原因：{}。{before}", c.reason)}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="corrections">{items}</ul> }
    })
}

#[component]
fn SelectedList(rows: Vec<SelectedRow>, results_published: bool) -> impl IntoView {
    let site = use_site();
    let count = rows.len();
    let body = rows
        .into_iter()
        .map(|row| {
            let team = row
                .team
                .iter()
                .map(|m| format!("{}（{}）", m.name, m.certificate))
                .collect::<Vec<_>>()
                .join("、");
            let result = match &row.result {
                Some(r) => view! {
                    {describe_result(&r.inspected_on, r.category, r.hazards_found, r.hazards_rectified, &r.follow_up)}
                    <Corrections corrections=r.corrections.clone() />
                }
                .into_any(),
                None if results_published => "未检查或结果未录入".into_any(),
                None => "结果待公开".into_any(),
            };
            let search = site.href(&format!("/inspections/search?q={}", row.uscc));
            view! {
                <tr>
                    <th scope="row"><a href=search>{row.name}</a></th>
                    <td><code>{row.uscc}</code></td>
                    <td>{row.town}</td>
                    <td>{row.industry}</td>
                    <td>{row.stratum}</td>
                    <td>{team}</td>
                    <td>{result}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="list-title">
            <h2 id="list-title">{format!("抽查名单（{count} 家）")}</h2>
            <TableScroll label="抽查名单">
                <table class="table">
                    <caption class="visually-hidden">"抽查名单、检查组和检查结果"</caption>
                    <thead><tr>
                        <th scope="col">"企业名称"</th><th scope="col">"统一社会信用代码"</th><th scope="col">"镇街"</th>
                        <th scope="col">"行业"</th><th scope="col">"分层"</th><th scope="col">"检查组"</th><th scope="col">"检查结果"</th>
                    </tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </TableScroll>
        </section>
    }
}
