use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::{InspectionNav, short_digest};
use crate::{
    components::{
        empty_state::EmptyState,
        forms::{Notice, NoticeKind},
        table_scroll::TableScroll,
    },
    foundation::clock::format_beijing,
    foundation::site::use_site,
    inspections::api::draw_log,
};

/// 抽签日志: every draw event, chained by hash, checked on every view.
#[component]
pub fn DrawLogPage() -> impl IntoView {
    let log = Resource::new_blocking(|| (), |_| draw_log());
    view! {
        <Title text="抽签日志" />
        <Meta name="description" content="双随机抽查全程留痕：按哈希串联的抽签日志，任何改动都会被发现。" />
        <h1>"抽签日志"</h1>
        <InspectionNav />
        <p class="lead">
            "每一次公告、抽签、公开名单和公开结果都记入日志。每条记录的摘要包含上一条的摘要，"
            "改动或删除任何一条，之后的链接都会断开。"
        </p>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let site = use_site();
                match log.await {
                    Ok((entries, _)) if entries.is_empty() => view! { <EmptyState title="暂无记录" hint="第一次公告抽查任务后，这里开始记录。" /> }.into_any(),
                    Ok((entries, broken)) => {
                        let verdict = match broken {
                            None => view! { <p class="verdict verdict--ok" role="status">{format!("日志完整：{} 条记录逐条衔接，摘要全部相符。", entries.len())}</p> }.into_any(),
                            Some(reason) => view! { <p class="verdict verdict--bad" role="alert">{format!("日志已被改动：{reason}")}</p> }.into_any(),
                        };
                        let rows = entries.into_iter().rev().map(|e| {
                            let kind = match e.kind.as_str() {
                                "announced" => "公告任务",
                                "drawn" => "抽签",
                                "revealed" => "公开名单",
                                "results_published" => "公开结果",
                                "result_corrected" => "更正结果",
                                _ => "其他",
                            };
                            let draw = site.href(&format!("/inspections/draws/{}", e.draw_id));
                            view! {
                                <tr>
                                    <td>{e.seq}</td>
                                    <td>{format_beijing(e.at)}</td>
                                    <td><a href=draw>{format!("任务 {}", e.draw_id)}</a></td>
                                    <td>{kind}</td>
                                    <td><code title=e.prev_hash.clone()>{short_digest(&e.prev_hash)}</code></td>
                                    <td><code title=e.hash.clone()>{short_digest(&e.hash)}</code></td>
                                </tr>
                            }
                        }).collect_view();
                        view! {
                            {verdict}
                            <TableScroll label="抽签日志">
                                <table class="table">
                                    <caption class="visually-hidden">"抽签日志，最新在前"</caption>
                                    <thead><tr>
                                        <th scope="col">"序号"</th><th scope="col">"时间"</th><th scope="col">"任务"</th>
                                        <th scope="col">"事件"</th><th scope="col">"上一条摘要"</th><th scope="col">"本条摘要"</th>
                                    </tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </TableScroll>
                            <p class="hint">"完整日志（含每条内容）："<a href=site.href("/api/v1/log")>"/api/v1/log"</a>"。摘要算法：SHA-256（上一条摘要、序号、任务、事件、时间、内容，各占一行）。"</p>
                        }.into_any()
                    }
                    Err(_) => view! { <Notice kind=NoticeKind::Error message="日志暂时无法读取，请稍后再试。" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
