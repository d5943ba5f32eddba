use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::InspectionNav;
use crate::{
    components::{
        article_list::date_of,
        empty_state::EmptyState,
        forms::{Notice, NoticeKind},
        table_scroll::TableScroll,
    },
    foundation::site::use_site,
    inspections::api::draws,
    pages::inspections::document_path,
};

/// 一单两库一细则: what every draw stands on, each published on a page of its own.
#[component]
fn PublishedBasis() -> impl IntoView {
    let site = use_site();
    let links = [
        (
            "/inspections/items".to_string(),
            "随机抽查事项清单",
            "只检查清单内的事项",
        ),
        (
            "/inspections/search".to_string(),
            "企业名录库",
            "可被抽取的企业，按名称或代码查询",
        ),
        (
            "/inspections/inspectors".to_string(),
            "执法检查人员名录库",
            "可被选派的执法人员",
        ),
        (
            document_path("rules"),
            "实施细则",
            "抽签、回避、检查和公开的规则",
        ),
        (
            document_path("plan"),
            "年度抽查计划",
            "抽查比例、频次和时间安排",
        ),
    ];
    let items = links
        .into_iter()
        .map(|(path, label, hint)| {
            view! {
                <li>
                    <a href=site.href(&path)>{label}</a>
                    <span class="basis__hint">{hint}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="basis" aria-labelledby="basis-title">
            <h2 id="basis-title">"一单两库一细则"</h2>
            <ul class="basis__list">{items}</ul>
        </section>
    }
}

/// 双随机抽查: how the bureau's random inspections work, and every draw.
#[component]
pub fn InspectionsPage() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |_| draws());
    view! {
        <Title text="双随机抽查" />
        <Meta name="description" content="开平市应急管理局“双随机、一公开”抽查任务、抽签承诺、抽查名单与检查结果，任何人都可以复核抽签。" />
        <h1>"双随机、一公开"</h1>
        <InspectionNav />
        <p class="lead">
            "随机抽取检查对象，随机选派执法检查人员，抽查情况及查处结果及时向社会公开。"
        </p>
        <PublishedBasis />
        <section class="how-it-works" aria-labelledby="how-title">
            <h2 id="how-title">"抽签如何做到公开可验证"</h2>
            <ol>
                <li>"抽签前公告任务、抽查事项、分层比例、回避规则，以及将作为随机数的公开数据（如某期彩票开奖号码）。同时冻结企业和执法人员名录，公布其摘要。"</li>
                <li>"公开数据揭晓后，按国际标准 RFC 3797 计算抽签结果。为保证检查“四不两直”，此时只公布结果的摘要（承诺）。"</li>
                <li>"检查结束后公开名单、检查组和名录快照。任何人都可以在浏览器中重新计算，核对与承诺是否一致。"</li>
                <li>"每一步都写入按哈希串联的抽签日志，任何改动都会被发现。"</li>
            </ol>
        </section>
        <h2>"抽查任务"</h2>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let site = use_site();
                match list.await {
                    Ok(draws) if draws.is_empty() => view! {
                        <EmptyState title="暂无抽查任务" hint="抽查任务公告后，这里将列出抽签承诺、抽查名单和检查结果。" />
                    }.into_any(),
                    Ok(draws) => {
                        let rows = draws.into_iter().map(|d| {
                            let href = site.href(&format!("/inspections/draws/{}", d.id));
                            let count = d.selected.map(|n| format!("{n} 家")).unwrap_or_else(|| "—".into());
                            view! {
                                <tr>
                                    <td><a href=href>{d.title}</a></td>
                                    <td>{date_of(d.announced_at)}</td>
                                    <td><span class=format!("status status--{}", d.status.as_str())>{d.status.label()}</span></td>
                                    <td>{count}</td>
                                </tr>
                            }
                        }).collect_view();
                        view! {
                            <TableScroll label="抽查任务列表">
                                <table class="table">
                                    <caption class="visually-hidden">"抽查任务列表"</caption>
                                    <thead><tr><th scope="col">"任务"</th><th scope="col">"公告日期"</th><th scope="col">"状态"</th><th scope="col">"抽取企业"</th></tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </TableScroll>
                        }.into_any()
                    }
                    Err(_) => view! { <Notice kind=NoticeKind::Error message="抽查任务暂时无法读取，请稍后再试。" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
