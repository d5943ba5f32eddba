use leptos::prelude::*;
use leptos_meta::Title;

use crate::foundation::site::use_site;

/// The page for an unknown path, sent with status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let site = use_site();
    view! {
        <Title text="页面不存在" />
        <section class="status-page" aria-labelledby="status-title">
            <p class="status-page__code" aria-hidden="true">"404"</p>
            <h1 id="status-title">"页面不存在"</h1>
            <p>"您访问的页面可能已被移动或删除，请检查网址，或从下面的链接继续浏览。"</p>
            <ul class="status-page__links">
                <li><a href=site.href("/")>"返回首页"</a></li>
                <li><a href=site.href("/inspections")>"双随机抽查"</a></li>
                <li><a href=site.href("/articles")>"安全宣传"</a></li>
                <li><a href=site.href("/contest")>"知识竞赛"</a></li>
            </ul>
        </section>
    }
}
