use leptos::prelude::*;
use leptos_meta::{Meta, Title, provide_meta_context};
use leptos_router::{
    StaticSegment,
    components::{FlatRoutes, Route, Router},
};

use crate::{
    components::layout::Layout,
    pages::{
        articles::ArticlesPage, contest::ContestPage, home::HomePage, inspections::InspectionsPage,
        not_found::NotFoundPage,
    },
    site::{SITE_TITLE, use_site},
};

/// The portal: the shared layout around the page that matches the path.
///
/// The server nests the whole portal under its base path, so routes here are written from the
/// portal's own root and links go through [`crate::site::Site::href`].
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let _site = use_site();
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { SITE_TITLE.to_string() } else { format!("{page} - {SITE_TITLE}") }
        } />
        <Meta name="description" content="开平市应急管理局：双随机抽查结果公开、安全生产宣传、安全知识竞赛。" />
        <Router>
            <Layout>
                <FlatRoutes fallback=NotFoundPage>
                    <Route path=StaticSegment("") view=HomePage />
                    <Route path=StaticSegment("inspections") view=InspectionsPage />
                    <Route path=StaticSegment("articles") view=ArticlesPage />
                    <Route path=StaticSegment("contest") view=ContestPage />
                </FlatRoutes>
            </Layout>
        </Router>
    }
}
