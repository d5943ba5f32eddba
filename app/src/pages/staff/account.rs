use leptos::prelude::*;
use server_fn::ServerFn;

use crate::{
    components::{
        forms::{CsrfField, Notice, NoticeKind},
        staff_gate::StaffGate,
    },
    foundation::request::query_param,
    foundation::site::use_site,
    staff::{admin::ChangePassword, password::MIN_LENGTH},
};

/// 修改密码: any staff member changes their own password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let site = use_site();
    let notice = match (
        query_param("error").as_deref(),
        query_param("done").as_deref(),
    ) {
        (Some("wrong_current"), _) => Some((NoticeKind::Error, "当前密码不正确。".to_string())),
        (Some("throttled"), _) => Some((NoticeKind::Error, throttled_message())),
        (Some("mismatch"), _) => Some((NoticeKind::Error, "两次输入的新密码不一致。".to_string())),
        (Some("policy"), _) => Some((
            NoticeKind::Error,
            query_param("reason").unwrap_or_else(|| "新密码不符合要求。".into()),
        )),
        (Some(_), _) => Some((NoticeKind::Error, "修改未成功，请重试。".to_string())),
        (None, Some("password_changed")) => Some((
            NoticeKind::Success,
            "密码已修改，您在其他设备上的登录已失效。".to_string(),
        )),
        _ => None,
    };
    view! {
        <StaffGate title="修改密码">
            <h1>"修改密码"</h1>
            {notice.map(|(kind, message)| view! { <Notice kind message /> })}
            <form class="form" method="post" action=site.href(ChangePassword::url())>
                <CsrfField />
                <div class="field">
                    <label for="current_password">"当前密码"</label>
                    <input id="current_password" name="current_password" type="password" required autocomplete="current-password" />
                </div>
                <div class="field">
                    <label for="new_password">"新密码"</label>
                    <input id="new_password" name="new_password" type="password" required
                        minlength=MIN_LENGTH.to_string() autocomplete="new-password" aria-describedby="password-rule" />
                    <p id="password-rule" class="hint">"至少 "{MIN_LENGTH}" 个字符，不能包含用户名，不能是常见密码。"</p>
                </div>
                <div class="field">
                    <label for="confirm_password">"再次输入新密码"</label>
                    <input id="confirm_password" name="confirm_password" type="password" required autocomplete="new-password" />
                </div>
                <button type="submit" class="button">"修改密码"</button>
            </form>
        </StaffGate>
    }
}

/// Too many wrong current passwords in a row: how long to wait, in whole minutes.
fn throttled_message() -> String {
    let minutes = query_param("wait")
        .and_then(|secs| secs.parse::<i64>().ok())
        .map_or(15, |secs| (secs + 59) / 60);
    format!("当前密码连续输错次数过多，为保护账号，请 {minutes} 分钟后再试。")
}
