use leptos::prelude::*;
use leptos_meta::{Meta, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, StaticSegment,
    components::{FlatRoutes, Route, Router},
};

use crate::{
    components::layout::Layout,
    pages::{
        article::ArticlePage,
        articles::{ArticlesPage, CategoryPage},
        contest::ContestPage,
        home::HomePage,
        inspections::InspectionsPage,
        not_found::NotFoundPage,
        search::SearchPage,
        staff::{
            account::AccountPage,
            areas::{ArticlesAdminPage, ContestsAdminPage, InspectionsAdminPage},
            audit_log::AuditLogPage,
            dashboard::DashboardPage,
            login::LoginPage,
            users::UsersPage,
        },
    },
    site::SITE_TITLE,
};

/// The portal: the shared layout around the page that matches the path.
///
/// The server strips the base path before routing, so routes here are written from the
/// portal's own root and links go through [`crate::site::Site::href`].
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
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
                    <Route path=(StaticSegment("articles"), ParamSegment("slug")) view=ArticlePage />
                    <Route
                        path=(StaticSegment("articles"), StaticSegment("category"), ParamSegment("key"))
                        view=CategoryPage
                    />
                    <Route path=StaticSegment("search") view=SearchPage />
                    <Route path=StaticSegment("contest") view=ContestPage />
                    <Route path=StaticSegment("login") view=LoginPage />
                    <Route path=StaticSegment("admin") view=DashboardPage />
                    <Route path=(StaticSegment("admin"), StaticSegment("account")) view=AccountPage />
                    <Route path=(StaticSegment("admin"), StaticSegment("users")) view=UsersPage />
                    <Route path=(StaticSegment("admin"), StaticSegment("audit")) view=AuditLogPage />
                    <Route path=(StaticSegment("admin"), StaticSegment("articles")) view=ArticlesAdminPage />
                    <Route path=(StaticSegment("admin"), StaticSegment("inspections")) view=InspectionsAdminPage />
                    <Route path=(StaticSegment("admin"), StaticSegment("contests")) view=ContestsAdminPage />
                </FlatRoutes>
            </Layout>
        </Router>
    }
}
