use leptos::prelude::*;

use crate::{
    components::{
        empty_state::EmptyState,
        forms::{Notice, NoticeKind},
        staff_gate::StaffGate,
        table_scroll::TableScroll,
    },
    foundation::audit::{AuditEntry, PAGE_SIZE, action_label},
    foundation::clock::format_beijing,
    foundation::request::query_param,
    foundation::site::use_site,
    staff::Role,
    staff::admin::audit_entries,
};

/// 审计日志 (admins): every staff action, newest first, 50 to a page.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    view! {
        <StaffGate title="审计日志" roles=&[Role::Admin]>
            <AuditLog />
        </StaffGate>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let before = query_param("before").and_then(|b| b.parse::<i64>().ok());
    let entries = Resource::new_blocking(move || before, audit_entries);
    view! {
        <h1>"审计日志"</h1>
        <p class="lead">"记录每一位工作人员的每一次操作，只增不改。"</p>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(list) if list.is_empty() => view! { <EmptyState title="暂无记录" hint="工作人员登录和操作后会记录在这里。" /> }.into_any(),
                    Ok(list) => view! { <AuditTable entries=list /> }.into_any(),
                    Err(_) => view! { <Notice kind=NoticeKind::Error message="无法读取审计日志，请稍后再试。" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AuditTable(entries: Vec<AuditEntry>) -> impl IntoView {
    let site = use_site();
    let older = (entries.len() as i64 == PAGE_SIZE)
        .then(|| {
            entries
                .last()
                .map(|last| site.href(&format!("/admin/audit?before={}", last.id)))
        })
        .flatten();
    let rows = entries
        .into_iter()
        .map(|entry| {
            // A burst of repeats is one entry: say how many times it happened.
            let repeats = entry
                .repeats
                .filter(|count| *count > 1)
                .map(|count| view! { " " <span class="badge">{format!("共 {count} 次")}</span> });
            view! {
                <tr>
                    <td><time>{format_beijing(entry.at)}</time></td>
                    <td>{entry.actor}</td>
                    <td>{action_label(&entry.action).to_string()}{repeats}</td>
                    <td>{entry.target}</td>
                    <td>{entry.detail}</td>
                    <td>{entry.client_ip}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label="审计日志">
            <table class="table">
                <caption class="visually-hidden">"审计日志"</caption>
                <thead>
                    <tr><th scope="col">"时间"</th><th scope="col">"操作人"</th><th scope="col">"操作"</th><th scope="col">"对象"</th><th scope="col">"详情"</th><th scope="col">"来源地址"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
        {older.map(|href| view! { <p><a href=href>"更早的记录 ›"</a></p> })}
    }
}
