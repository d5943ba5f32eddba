use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use server_fn::ServerFn;

use crate::{
    components::forms::CsrfField,
    foundation::access::{Denied, check},
    foundation::site::use_site,
    staff::{Role, Staff, api::SignOut},
};

/// Renders `children` only for a signed-in staff member holding one of `roles` (any staff
/// member when empty). Everyone else gets 401 (not signed in) or 403 (without the role) and
/// none of the content: the check runs on the server before anything inside is rendered.
#[component]
pub fn StaffGate(
    #[prop(optional)] roles: &'static [Role],
    /// The page's title, shown also on the denial.
    title: &'static str,
    children: Children,
) -> impl IntoView {
    let site = use_site();
    let staff = match check(roles) {
        Ok(staff) => staff,
        Err(denied) => return denial(denied, &site).into_any(),
    };
    provide_context(staff.clone());
    view! {
        <Title text=title />
        <Meta name="robots" content="noindex, nofollow" />
        <div class="staff">
            <StaffNav staff=staff />
            <div class="staff__content">{children()}</div>
        </div>
    }
    .into_any()
}

fn denial(denied: Denied, site: &crate::foundation::site::Site) -> impl IntoView + use<> {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(match denied {
            Denied::SignInRequired => http::StatusCode::UNAUTHORIZED,
            Denied::MissingRole => http::StatusCode::FORBIDDEN,
        });
    }
    let here = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let login = site.href(&format!("/login?next={here}"));
    let dashboard = site.href("/admin");
    let (code, heading, text, link, label) = match denied {
        Denied::SignInRequired => (
            "401",
            "请先登录",
            "此页面仅供工作人员使用，请登录后继续。",
            login,
            "登录",
        ),
        Denied::MissingRole => (
            "403",
            "无权访问",
            "您的账号没有访问此页面的权限。如需开通，请联系系统管理员。",
            dashboard,
            "返回工作台",
        ),
    };
    view! {
        <Title text=heading />
        <Meta name="robots" content="noindex, nofollow" />
        <section class="status-page" aria-labelledby="status-title">
            <p class="status-page__code" aria-hidden="true">{code}</p>
            <h1 id="status-title">{heading}</h1>
            <p>{text}</p>
            <p><a class="button" href=link>{label}</a></p>
        </section>
    }
}

/// The staff area's own navigation: only the areas this person may enter.
#[component]
fn StaffNav(staff: Staff) -> impl IntoView {
    let site = use_site();
    let areas: [(&str, &str, &[Role]); 7] = [
        ("/admin", "工作台", &[]),
        (
            "/admin/articles",
            "文章管理",
            &[Role::Editor, Role::Reviewer],
        ),
        ("/admin/inspections", "抽查管理", &[Role::InspectorAdmin]),
        ("/admin/contests", "竞赛管理", &[Role::ContestAdmin]),
        ("/admin/users", "账号管理", &[Role::Admin]),
        ("/admin/audit", "审计日志", &[Role::Admin]),
        ("/admin/account", "修改密码", &[]),
    ];
    let current = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let links = areas
        .into_iter()
        .filter(|(_, _, roles)| staff.has_any(roles))
        .map(|(path, label, _)| {
            let active = current == path;
            view! {
                <li><a href=site.href(path) aria-current=active.then_some("page")>{label}</a></li>
            }
        })
        .collect_view();
    view! {
        <nav class="staff-nav" aria-label="工作人员导航">
            <p class="staff-nav__who">
                <span class="staff-nav__name">{staff.display_name.clone()}</span>
                <span class="staff-nav__user">"（"{staff.username.clone()}"）"</span>
            </p>
            <ul>{links}</ul>
            <form method="post" action=site.href(SignOut::url())>
                <CsrfField />
                <button type="submit" class="button button--quiet">"退出登录"</button>
            </form>
        </nav>
    }
}
