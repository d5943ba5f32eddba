use leptos::prelude::*;
use leptos_router::hooks::use_location;
use server_fn::ServerFn;

use crate::{
    components::error_page::ErrorPage,
    foundation::site::{BUREAU_NAME, Filings, use_site},
    islands::elder_mode::ElderModeSwitch,
    prefs::{SetElderMode, elder_mode_requested},
};

/// The sections of the portal, in navigation order: (path, label).
const SECTIONS: [(&str, &str); 4] = [
    ("/", "首页"),
    ("/inspections", "双随机抽查"),
    ("/articles", "安全宣传"),
    ("/contest", "知识竞赛"),
];

/// Skip link, header, the page in a `<main>` landmark, footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"跳到主要内容"</a>
        <Header />
        <main id="main" tabindex="-1">
            <ErrorBoundary fallback=|_| view! { <ErrorPage /> }>{children()}</ErrorBoundary>
        </main>
        <Footer />
    }
}

#[component]
fn Header() -> impl IntoView {
    let site = use_site();
    let current = use_location().pathname.get_untracked();
    let links = SECTIONS
        .iter()
        .map(|(path, label)| {
            let active = is_current_section(path, &current);
            view! {
                <li>
                    <a href=site.href(path) aria-current=active.then_some("page")>
                        {*label}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <a class="brand" href=site.href("/")>
                    <span class="brand__emblem" aria-hidden="true">"安"</span>
                    <span class="brand__text">
                        <span class="brand__name">{BUREAU_NAME}</span>
                        <span class="brand__tagline">"安全宣传与执法公开平台"</span>
                    </span>
                </a>
                <ElderModeSwitch
                    initial=elder_mode_requested()
                    action=site.href(SetElderMode::url())
                />
            </div>
            <nav class="site-nav" aria-label="主导航">
                <ul>{links}</ul>
            </nav>
        </header>
    }
}

/// A section is current on its own path and on every page beneath it (the home page only on
/// itself).
fn is_current_section(section: &str, current: &str) -> bool {
    if section == "/" {
        current == "/" || current.is_empty()
    } else {
        current == section || current.starts_with(&format!("{section}/"))
    }
}

#[component]
fn Footer() -> impl IntoView {
    let site = use_site();
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <section aria-labelledby="footer-contact">
                    <h2 id="footer-contact">"联系我们"</h2>
                    <p>{BUREAU_NAME}"（广东省江门市开平市）"</p>
                    <ul class="hotlines">
                        <li>"安全生产举报投诉："<a href="tel:12350">"12350"</a></li>
                        <li>"火警："<a href="tel:119">"119"</a></li>
                        <li>"医疗急救："<a href="tel:120">"120"</a></li>
                        <li>"报警："<a href="tel:110">"110"</a></li>
                    </ul>
                </section>
                <Filed filings=site.filings.clone() />
                <p class="site-footer__note">
                    "本平台公开的抽查结果已依法对个人隐私和商业秘密作去标识化处理。"
                    <a class="site-footer__staff" href=site.href("/login")>"工作人员登录"</a>
                </p>
            </div>
        </footer>
    }
}

/// The site's filing numbers and the national error-report link, those that are configured.
#[component]
fn Filed(filings: Filings) -> impl IntoView {
    let police_url = filings.police_url();
    let Filings {
        site_code,
        icp,
        police,
        error_report_url,
    } = filings;
    if site_code.is_none() && icp.is_none() && police.is_none() && error_report_url.is_none() {
        return None;
    }
    Some(view! {
        <ul class="filings" aria-label="网站备案信息">
            {site_code.map(|code| view! { <li>{format!("网站标识码：{code}")}</li> })}
            {icp.map(|icp| {
                view! {
                    <li>
                        <a href="https://beian.miit.gov.cn/" rel="noopener" target="_blank">{icp}</a>
                    </li>
                }
            })}
            {police.map(|police| {
                view! {
                    <li>
                        <a href=police_url rel="noopener" target="_blank">{police}</a>
                    </li>
                }
            })}
            {error_report_url.map(|url| {
                view! {
                    <li>
                        <a href=url rel="noopener" target="_blank">"我为政府网站找错"</a>
                    </li>
                }
            })}
        </ul>
    })
}

#[cfg(test)]
mod tests {
    use super::is_current_section;

    #[test]
    fn a_section_is_current_on_itself_and_beneath_it() {
        assert!(is_current_section("/articles", "/articles"));
        assert!(is_current_section("/articles", "/articles/fire-safety"));
        assert!(!is_current_section("/articles", "/articles-old"));
        assert!(is_current_section("/", "/"));
        assert!(!is_current_section("/", "/contest"));
    }
}
