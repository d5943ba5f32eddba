//! Anonymous visitors get kept pages, with their own nonce and CSRF token, and never a page
//! older than the last staff change.

use app::{articles::import::import_folder, staff::Role};

use crate::helpers::{Options, spawn_app_with};

fn article(slug: &str, title: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\nslug = \"{slug}\"\ndate = \"2026-06-01\"\ncategory = \"安全常识\"\n\
         summary = \"要点。\"\nauthor = \"宣传股\"\n+++\n\n正文。\n"
    )
}

fn script_nonce(html: &str) -> &str {
    let at = html
        .find("nonce=\"")
        .expect("the page has a hydration script")
        + 7;
    &html[at..at + html[at..].find('"').unwrap()]
}

#[tokio::test]
async fn each_response_of_a_kept_page_has_its_own_nonce_and_the_visitors_token() {
    let app = spawn_app_with(Options::default()).await;
    let mut nonces = Vec::new();
    for _ in 0..3 {
        let response = app.get("/contest/practice").await;
        assert_eq!(response.status().as_u16(), 200);
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let html = response.text().await.unwrap();
        let nonce = script_nonce(&html).to_owned();
        assert!(
            policy.contains(&format!("'nonce-{nonce}'")),
            "{policy} / {nonce}"
        );
        nonces.push(nonce);
    }
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "a nonce was sent twice");

    // Two browsers read the same login page; each gets its own token and can sign in with it.
    let first = app.another_browser();
    let second = app.another_browser();
    let (one, two) = (first.csrf_token().await, second.csrf_token().await);
    assert_ne!(one, two);
    second.signed_in_as("second", &[Role::Editor]).await;
    first.signed_in_as("first", &[Role::Editor]).await;
}

#[tokio::test]
async fn a_kept_page_gives_way_to_the_next_staff_change() {
    let app = spawn_app_with(Options {
        content_files: &[(
            "articles/2026-06-01-first.md",
            &article("first", "第一篇防汛提示"),
        )],
        page_cache_ms: Some(60_000),
        ..Default::default()
    })
    .await;
    let reader = app.another_browser();
    assert!(reader.page("/articles").await.1.contains("第一篇防汛提示"));

    // A change from outside the site (the command line) shows once the page's time is up...
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("2026-06-02-second.md"),
        article("second", "第二篇台风提示"),
    )
    .unwrap();
    import_folder(&app.pool, folder.path(), app::clock::now())
        .await
        .unwrap();
    assert!(!reader.page("/articles").await.1.contains("第二篇台风提示"));
    // ...but staff see the live page,
    app.signed_in_as("editor", &[Role::Editor]).await;
    assert!(app.page("/articles").await.1.contains("第二篇台风提示"));

    // and anything staff change empties the kept pages at once.
    let created = app
        .post_form(
            "/api/staff/article_create",
            &[
                ("title", "草稿"),
                ("slug", "draft"),
                ("category", "安全常识"),
            ],
        )
        .await;
    assert!(created.status().is_redirection());
    assert!(reader.page("/articles").await.1.contains("第二篇台风提示"));
}
