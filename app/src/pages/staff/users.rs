use leptos::prelude::*;
use server_fn::ServerFn;

use crate::{
    components::{
        forms::{CsrfField, Notice, NoticeKind},
        staff_gate::StaffGate,
        table_scroll::TableScroll,
    },
    foundation::clock::format_beijing,
    foundation::request::query_param,
    foundation::site::use_site,
    staff::{
        Role, Staff, StaffAccount,
        admin::{CreateAccount, RoleChoice, SetDisabled, SetRoles, list_accounts},
        password::MIN_LENGTH,
    },
};

/// 账号管理 (admins): every account, its roles and state, and a form for a new one.
#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <StaffGate title="账号管理" roles=&[Role::Admin]>
            <Users />
        </StaffGate>
    }
}

fn notice() -> Option<(NoticeKind, String)> {
    let who = query_param("who").unwrap_or_default();
    let error = match query_param("error").as_deref() {
        None => None,
        Some("username") => {
            Some("用户名须为 3–32 位小写字母、数字或 . _ -，并以字母开头。".to_string())
        }
        Some("display_name") => Some("请填写姓名（不超过 40 个字）。".to_string()),
        Some("taken") => Some("该用户名已被使用，请换一个。".to_string()),
        Some("policy") => Some(query_param("reason").unwrap_or_else(|| "密码不符合要求。".into())),
        Some("own_admin") => Some("不能取消自己的系统管理员角色。".to_string()),
        Some("own_account") => Some("不能停用自己的账号。".to_string()),
        Some("last_admin") => Some("至少要保留一个启用的系统管理员。".to_string()),
        Some("not_found") => Some("该账号不存在。".to_string()),
        Some(_) => Some("操作未成功，请重试。".to_string()),
    };
    if let Some(message) = error {
        return Some((NoticeKind::Error, message));
    }
    let done = match query_param("done").as_deref()? {
        "created" => format!("已创建账号 {who}。"),
        "roles" => format!("已更新 {who} 的角色。"),
        "disabled" => format!("已停用 {who}，其登录已立即失效。"),
        "enabled" => format!("已重新启用 {who}。"),
        _ => return None,
    };
    Some((NoticeKind::Success, done))
}

#[component]
fn Users() -> impl IntoView {
    let me = expect_context::<Staff>();
    let accounts = Resource::new_blocking(|| (), |_| list_accounts());
    view! {
        <h1>"账号管理"</h1>
        {notice().map(|(kind, message)| view! { <Notice kind message /> })}
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || {
                let me = me.clone();
                Suspend::new(async move {
                match accounts.await {
                    Ok(list) => view! { <AccountTable accounts=list me /> }.into_any(),
                    Err(_) => view! { <Notice kind=NoticeKind::Error message="无法读取账号列表，请稍后再试。" /> }.into_any(),
                }
            })}}
        </Suspense>
        <NewAccountForm />
    }
}

#[component]
fn AccountTable(accounts: Vec<StaffAccount>, me: Staff) -> impl IntoView {
    let site = use_site();
    let rows = accounts
        .into_iter()
        .map(|account| {
            let roles_form = format!("roles-{}", account.id);
            let checkboxes = Role::ALL
                .into_iter()
                .map(|role| {
                    let id = format!("role-{}-{}", account.id, role.as_str());
                    view! {
                        <label class="check">
                            <input type="checkbox" id=id name=RoleChoice::field(role) value="true"
                                checked=account.roles.contains(&role) form=roles_form.clone() />
                            {role.label()}
                        </label>
                    }
                })
                .collect_view();
            let state = if account.disabled { "已停用" } else { "正常" };
            let last_login = account.last_login_at.map(format_beijing).unwrap_or_else(|| "从未登录".into());
            let is_me = account.id == me.id;
            view! {
                <tr class:disabled=account.disabled>
                    <th scope="row">
                        {account.display_name.clone()}
                        <span class="muted">" "{account.username.clone()}</span>
                        {is_me.then_some(view! { <span class="badge">"本人"</span> })}
                    </th>
                    <td>
                        <form id=roles_form method="post" action=site.href(SetRoles::url())>
                            <CsrfField />
                            <input type="hidden" name="account_id" value=account.id />
                        </form>
                        <fieldset class="roles">
                            <legend class="visually-hidden">{format!("{} 的角色", account.username)}</legend>
                            {checkboxes}
                        </fieldset>
                        <button type="submit" class="button button--small" form=format!("roles-{}", account.id)>
                            "保存角色"
                        </button>
                    </td>
                    <td>{state}</td>
                    <td>{last_login}</td>
                    <td>
                        <form method="post" action=site.href(SetDisabled::url())>
                            <CsrfField />
                            <input type="hidden" name="account_id" value=account.id />
                            <input type="hidden" name="disabled" value=(!account.disabled).to_string() />
                            <button type="submit" class="button button--small button--quiet" disabled=is_me>
                                {if account.disabled { "启用" } else { "停用" }}
                            </button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label="工作人员账号">
            <table class="table">
                <caption class="visually-hidden">"工作人员账号"</caption>
                <thead>
                    <tr><th scope="col">"姓名 / 用户名"</th><th scope="col">"角色"</th><th scope="col">"状态"</th><th scope="col">"最近登录"</th><th scope="col">"操作"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
}

#[component]
fn NewAccountForm() -> impl IntoView {
    let site = use_site();
    let checkboxes = Role::ALL
        .into_iter()
        .map(|role| {
            let id = format!("new-role-{}", role.as_str());
            view! {
                <label class="check">
                    <input type="checkbox" id=id name=RoleChoice::field(role) value="true" />
                    {role.label()}
                </label>
            }
        })
        .collect_view();
    view! {
        <section id="new-account" aria-labelledby="new-account-title" class="panel">
            <h2 id="new-account-title">"新建账号"</h2>
            <form class="form" method="post" action=site.href(CreateAccount::url())>
                <CsrfField />
                <div class="field">
                    <label for="new-username">"用户名"</label>
                    <input id="new-username" name="username" type="text" required autocomplete="off"
                        autocapitalize="none" spellcheck="false" value=query_param("username").unwrap_or_default()
                        aria-describedby="new-username-rule" />
                    <p id="new-username-rule" class="hint">"3–32 位小写字母、数字或 . _ -，以字母开头。"</p>
                </div>
                <div class="field">
                    <label for="new-display-name">"姓名"</label>
                    <input id="new-display-name" name="display_name" type="text" required maxlength="40"
                        value=query_param("display_name").unwrap_or_default() />
                </div>
                <div class="field">
                    <label for="new-password">"初始密码"</label>
                    <input id="new-password" name="password" type="password" required autocomplete="new-password"
                        minlength=MIN_LENGTH.to_string() aria-describedby="new-password-rule" />
                    <p id="new-password-rule" class="hint">"至少 "{MIN_LENGTH}" 个字符，不能包含用户名。请当面告知本人并提醒其登录后修改。"</p>
                </div>
                <fieldset class="roles">
                    <legend>"角色"</legend>
                    {checkboxes}
                </fieldset>
                <button type="submit" class="button">"创建账号"</button>
            </form>
        </section>
    }
}
