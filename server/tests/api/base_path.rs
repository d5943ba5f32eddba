use crate::helpers::{Options, spawn_app_with};

async fn app_under_aqxc() -> crate::helpers::TestApp {
    spawn_app_with(Options {
        base_path: "/aqxc/",
        site_files: &[("favicon.svg", "<svg/>")],
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn under_a_base_path_every_link_and_asset_carries_the_prefix() {
    let app = app_under_aqxc().await;
    let (status, html) = app.page("/aqxc/").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"data-base="/aqxc""#));
    for link in [
        "/aqxc/inspections",
        "/aqxc/articles",
        "/aqxc/contest",
        "/aqxc/favicon.svg",
        "/aqxc/pkg/aqxc",
        "/aqxc/api/elder_mode",
    ] {
        assert!(html.contains(&format!(r#""{link}"#)), "no link to {link}");
    }
    assert!(
        !html.contains(r#"href="/articles""#),
        "a link escapes the base path"
    );
}

#[tokio::test]
async fn under_a_base_path_pages_assets_and_health_answer() {
    let app = app_under_aqxc().await;
    assert_eq!(app.page("/aqxc/articles").await.0, 200);
    assert_eq!(app.get("/aqxc/favicon.svg").await.status().as_u16(), 200);
    assert_eq!(app.get("/aqxc/healthz").await.status().as_u16(), 200);
    assert_eq!(app.page("/aqxc/missing").await.0, 404);
}

#[tokio::test]
async fn the_host_root_and_the_bare_prefix_redirect_into_the_portal() {
    let app = app_under_aqxc().await;
    for path in ["/", "/aqxc"] {
        let response = app.get(path).await;
        assert!(response.status().is_redirection(), "{path}");
        assert_eq!(response.headers()["location"], "/aqxc/");
    }
}

#[tokio::test]
async fn paths_outside_the_base_path_are_not_served() {
    let app = app_under_aqxc().await;
    assert_eq!(app.get("/articles").await.status().as_u16(), 404);
    assert_eq!(app.get("/aqxcother").await.status().as_u16(), 404);
}
