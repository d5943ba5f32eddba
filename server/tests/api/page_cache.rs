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
    import_folder(&app.pool, folder.path(), app::foundation::clock::now())
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

/// 43 characters of the CSRF token's alphabet, printed in an article: the shape of text an
/// attacker would copy from a page into their own `aqxc_csrf` cookie.
const LOOKS_LIKE_A_TOKEN: &str = "KaipingSafetyMonth2026PosterCodeABCDEFGHIJK";

#[tokio::test]
async fn a_cookie_copied_from_the_page_cannot_poison_the_kept_page() {
    assert_eq!(LOOKS_LIKE_A_TOKEN.len(), 43);
    let body = article("poster", "海报").replace("正文。", LOOKS_LIKE_A_TOKEN);
    let app = spawn_app_with(Options {
        content_files: &[("articles/2026-06-01-poster.md", &body)],
        page_cache_ms: Some(60_000),
        ..Default::default()
    })
    .await;
    // The attacker renders the empty slot with the page's own text as their token.
    let attacker = reqwest::Client::new();
    let response = attacker
        .get(app.url("/articles/poster"))
        .header("cookie", format!("aqxc_csrf={LOOKS_LIKE_A_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert!(response.text().await.unwrap().contains(LOOKS_LIKE_A_TOKEN));
    // Everyone after them still reads the article as written, with their own token in forms.
    for _ in 0..3 {
        let reader = app.another_browser();
        let (status, html) = reader.page("/articles/poster").await;
        assert_eq!(status, 200);
        assert!(
            html.contains(LOOKS_LIKE_A_TOKEN),
            "the kept page was corrupted"
        );
        let token = reader.csrf_token().await;
        assert_ne!(token, LOOKS_LIKE_A_TOKEN);
    }
}

#[tokio::test]
async fn a_session_cookie_that_resolves_to_nobody_does_not_empty_the_cache() {
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
    sqlx::query("UPDATE articles SET title = '改过的标题'")
        .execute(&app.pool)
        .await
        .unwrap();
    // A trickle of posts with a made-up session cookie, as anyone can send.
    for _ in 0..3 {
        let response = reqwest::Client::new()
            .post(app.url("/api/elder_mode"))
            .header("origin", &app.origin)
            .header("cookie", "aqxc_session=made-up")
            .form(&[("on", "true")])
            .send()
            .await
            .unwrap();
        assert!(response.status().as_u16() < 500);
    }
    let html = reader.page("/articles").await.1;
    assert!(
        html.contains("第一篇防汛提示") && !html.contains("改过的标题"),
        "the cache was emptied by a cookie that is no session"
    );
}

#[tokio::test]
async fn a_request_naming_the_elderly_cookie_twice_cannot_give_others_its_layout() {
    let app = spawn_app_with(Options {
        page_cache_ms: Some(60_000),
        ..Default::default()
    })
    .await;
    for cookie in ["aqxc_elder=1; aqxc_elder=0", "aqxc_elder=0; aqxc_elder=1"] {
        let html = reqwest::Client::new()
            .get(app.url("/articles"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("<html"), "{html}");
    }
    let plain = app.another_browser().page("/articles").await.1;
    assert!(
        !plain.contains("class=\"elder\""),
        "a plain visitor got the elderly layout"
    );
    let elder = reqwest::Client::new()
        .get(app.url("/articles"))
        .header("cookie", "aqxc_elder=1")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(elder.contains("class=\"elder\""), "{elder}");
}
