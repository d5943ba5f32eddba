use leptos::prelude::*;
use leptos_meta::{Meta, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{FlatRoutes, Route, Router},
};

use crate::{
    components::layout::Layout,
    foundation::html::escape,
    foundation::site::SITE_TITLE,
    pages::{
        article::ArticlePage,
        articles::{ArticlesPage, CategoryPage},
        contest::{
            landing::ContestPage,
            leaderboard::LeaderboardPage,
            list::ContestsPage,
            practice::PracticePage,
            result::{CertificateCheckPage, ResultPage},
        },
        home::HomePage,
        inspections::{
            draw::DrawPage, inspectors::InspectorRegistryPage, items::CheckItemsPage,
            log::DrawLogPage, overview::InspectionsPage, search::EnterpriseSearchPage,
            statistics::StatisticsPage,
        },
        not_found::NotFoundPage,
        search::SearchPage,
        staff::{
            account::AccountPage,
            articles_admin::{
                ArticleEditorPage, ArticleHistoryPage, ArticleVersionPage, ArticlesAdminPage,
            },
            audit_log::AuditLogPage,
            contests_admin::{
                BankPage, ContestStatsPage, ContestsAdminPage, NewContestPage, QuestionEditPage,
            },
            dashboard::DashboardPage,
            inspections_admin::{InspectionsAdminPage, NewDrawPage, StaffDrawPage},
            login::LoginPage,
            users::UsersPage,
        },
    },
};

/// The portal: the shared layout around the page that matches the path.
///
/// Every page renders in `SsrMode::Async`: its data is loaded before the first byte is sent,
/// so that the status (404 for a missing article, 401/403 for staff pages), the `<title>` and
/// the meta tags always match the content. The pages are small and mostly static, and with
/// islands there is no client-side navigation to stream into.
///
/// The server strips the base path before routing, so routes here are written from the
/// portal's own root and links go through [`crate::foundation::site::Site::href`].
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        // leptos_meta writes the title's text into <title> as it is; page titles carry what
        // staff typed and what visitors searched for, so they are escaped here, for every page.
        <Title formatter=|page: String| {
            if page.is_empty() { SITE_TITLE.to_string() } else { format!("{} - {SITE_TITLE}", escape(&page)) }
        } />
        <Meta name="description" content="开平市应急管理局：双随机抽查结果公开、安全生产宣传、安全知识竞赛。" />
        <Router>
            <Layout>
                <FlatRoutes fallback=NotFoundPage>
                    <Route ssr=SsrMode::Async path=StaticSegment("") view=HomePage />
                    <Route ssr=SsrMode::Async path=StaticSegment("inspections") view=InspectionsPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("inspections"), StaticSegment("items")) view=CheckItemsPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("inspections"), StaticSegment("inspectors")) view=InspectorRegistryPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("inspections"), StaticSegment("search")) view=EnterpriseSearchPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("inspections"), StaticSegment("statistics")) view=StatisticsPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("inspections"), StaticSegment("log")) view=DrawLogPage />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("inspections"), StaticSegment("draws"), ParamSegment("id"))
                        view=DrawPage
                    />
                    <Route ssr=SsrMode::Async path=StaticSegment("articles") view=ArticlesPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("articles"), ParamSegment("slug")) view=ArticlePage />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("articles"), StaticSegment("category"), ParamSegment("key"))
                        view=CategoryPage
                    />
                    <Route ssr=SsrMode::Async path=StaticSegment("search") view=SearchPage />
                    <Route ssr=SsrMode::Async path=StaticSegment("contest") view=ContestsPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("contest"), StaticSegment("practice")) view=PracticePage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("contest"), StaticSegment("certificate")) view=CertificateCheckPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("contest"), ParamSegment("id")) view=ContestPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("contest"), ParamSegment("id"), StaticSegment("leaderboard")) view=LeaderboardPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("contest"), StaticSegment("result"), ParamSegment("attempt")) view=ResultPage />
                    <Route ssr=SsrMode::Async path=StaticSegment("login") view=LoginPage />
                    <Route ssr=SsrMode::Async path=StaticSegment("admin") view=DashboardPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("admin"), StaticSegment("account")) view=AccountPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("admin"), StaticSegment("users")) view=UsersPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("admin"), StaticSegment("audit")) view=AuditLogPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("admin"), StaticSegment("articles")) view=ArticlesAdminPage />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("admin"), StaticSegment("articles"), ParamSegment("id"))
                        view=ArticleEditorPage
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("admin"), StaticSegment("articles"), ParamSegment("id"), StaticSegment("history"))
                        view=ArticleHistoryPage
                    />
                    <Route ssr=SsrMode::Async
                        path=(
                            StaticSegment("admin"),
                            StaticSegment("articles"),
                            ParamSegment("id"),
                            StaticSegment("history"),
                            ParamSegment("version"),
                        )
                        view=ArticleVersionPage
                    />
                    <Route ssr=SsrMode::Async path=(StaticSegment("admin"), StaticSegment("inspections")) view=InspectionsAdminPage />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("admin"), StaticSegment("inspections"), StaticSegment("draws"), StaticSegment("new"))
                        view=NewDrawPage
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("admin"), StaticSegment("inspections"), StaticSegment("draws"), ParamSegment("id"))
                        view=StaffDrawPage
                    />
                    <Route ssr=SsrMode::Async path=(StaticSegment("admin"), StaticSegment("contests")) view=ContestsAdminPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("admin"), StaticSegment("contests"), StaticSegment("new")) view=NewContestPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("admin"), StaticSegment("contests"), StaticSegment("questions")) view=BankPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("admin"), StaticSegment("contests"), StaticSegment("questions"), StaticSegment("edit")) view=QuestionEditPage />
                    <Route ssr=SsrMode::Async path=(StaticSegment("admin"), StaticSegment("contests"), ParamSegment("id")) view=ContestStatsPage />
                </FlatRoutes>
            </Layout>
        </Router>
    }
}
