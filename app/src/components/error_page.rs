use leptos::prelude::*;
use leptos_meta::Title;

use crate::foundation::site::use_site;

/// Shown when a page could not be produced. It never shows the error's details: those go to
/// the server log.
#[component]
pub fn ErrorPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::INTERNAL_SERVER_ERROR);
    }
    let site = use_site();
    view! {
        <Title text="页面出错了" />
        <section class="status-page" aria-labelledby="status-title">
            <p class="status-page__code" aria-hidden="true">"500"</p>
            <h1 id="status-title">"页面出错了"</h1>
            <p>"服务器暂时无法完成您的请求，请稍后再试。如果问题持续出现，请拨打页面底部的联系电话告诉我们。"</p>
            <p><a class="button" href=site.href("/")>"返回首页"</a></p>
        </section>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_error_page_apologises_in_chinese_and_links_home() {
        let html = Owner::new().with(|| {
            leptos_meta::provide_meta_context();
            view! { <ErrorPage /> }.to_html()
        });
        assert!(html.contains("页面出错了"));
        assert!(html.contains("返回首页"));
    }
}
