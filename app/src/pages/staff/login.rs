use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use server_fn::ServerFn;

use crate::{
    components::forms::{CsrfField, Notice, NoticeKind},
    foundation::access::current_staff,
    foundation::request::query_param,
    foundation::site::use_site,
    staff::api::SignIn,
};

/// 登录: the staff sign-in form. The public never needs it.
#[component]
pub fn LoginPage() -> impl IntoView {
    let site = use_site();
    let notice = match (
        query_param("error").as_deref(),
        query_param("done").as_deref(),
    ) {
        (Some("invalid"), _) => Some((NoticeKind::Error, "用户名或密码不正确。".to_string())),
        (Some("throttled"), _) => {
            let wait = query_param("wait")
                .and_then(|w| w.parse::<i64>().ok())
                .unwrap_or(60);
            Some((
                NoticeKind::Error,
                format!("登录尝试过于频繁，请在 {} 后再试。", duration_zh(wait)),
            ))
        }
        (Some(_), _) => Some((NoticeKind::Error, "登录未成功，请重试。".to_string())),
        (None, Some("signed_out")) => Some((NoticeKind::Success, "您已安全退出。".to_string())),
        _ => None,
    };
    let signed_in = current_staff();
    view! {
        <Title text="登录" />
        <Meta name="robots" content="noindex, nofollow" />
        <section class="login" aria-labelledby="login-title">
            <h1 id="login-title">"工作人员登录"</h1>
            {notice.map(|(kind, message)| view! { <Notice kind message /> })}
            {match signed_in {
                Some(staff) => view! {
                    <p>"您已登录为 "{staff.display_name}"。"</p>
                    <p><a class="button" href=site.href("/admin")>"进入工作台"</a></p>
                }.into_any(),
                None => view! {
                    <form class="form" method="post" action=site.href(SignIn::url())>
                        <CsrfField />
                        <input type="hidden" name="next" value=query_param("next").unwrap_or_default() />
                        <div class="field">
                            <label for="username">"用户名"</label>
                            <input id="username" name="username" type="text" required
                                autocomplete="username" autocapitalize="none" spellcheck="false"
                                value=query_param("username").unwrap_or_default() />
                        </div>
                        <div class="field">
                            <label for="password">"密码"</label>
                            <input id="password" name="password" type="password" required
                                autocomplete="current-password" />
                        </div>
                        <button type="submit" class="button">"登录"</button>
                    </form>
                    <p class="hint">"本页面仅供应急管理局工作人员使用。账号由系统管理员开通。"</p>
                }.into_any(),
            }}
        </section>
    }
}

/// `45 秒`, `15 分钟`.
fn duration_zh(secs: i64) -> String {
    if secs < 60 {
        format!("{secs} 秒")
    } else {
        format!("{} 分钟", (secs + 59) / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::duration_zh;

    #[test]
    fn waits_are_said_in_seconds_then_whole_minutes() {
        assert_eq!(duration_zh(45), "45 秒");
        assert_eq!(duration_zh(900), "15 分钟");
        assert_eq!(duration_zh(61), "2 分钟");
    }
}
