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

fn decoded(encoding: &str, body: &[u8]) -> String {
    let mut out = Vec::new();
    match encoding {
        "br" => brotli::BrotliDecompress(&mut &body[..], &mut out).unwrap(),
        "gzip" => {
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(body), &mut out).unwrap();
        }
        _ => out = body.to_vec(),
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn a_kept_page_is_sent_compressed_as_prepared_and_each_visitor_keeps_their_token() {
    let app = spawn_app_with(Options {
        page_cache_ms: Some(60_000),
        ..Default::default()
    })
    .await;
    // No automatic decompression: the test sees the bytes a browser gets.
    let raw = reqwest::Client::new();
    let fetch = |encoding: &'static str| {
        let request = raw
            .get(app.url("/contest/practice"))
            .header("accept-encoding", encoding);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status().as_u16(), 200);
            let used = response
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default();
            let vary = response.headers().get("vary").cloned();
            let body = response.bytes().await.unwrap();
            (used, vary, body)
        }
    };
    let (_, _, first) = fetch("identity").await;
    let page = String::from_utf8(first.to_vec()).unwrap();
    assert!(page.contains("</html>"));
    // The second view starts the compression; soon every view is the prepared bytes: the
    // page compressed once, at brotli's best.
    let mut best = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut page.as_bytes(), &mut best, &params).unwrap();
    let mut sent_as_prepared = false;
    for _ in 0..200 {
        let (used, vary, body) = fetch("gzip, deflate, br, zstd").await;
        assert_eq!(used, "br");
        assert_eq!(decoded(&used, &body), page, "the same page, compressed");
        assert!(vary.is_some_and(|v| v.to_str().unwrap().contains("accept-encoding")));
        if body[..] == best[..] {
            sent_as_prepared = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(sent_as_prepared, "the kept page was never sent as prepared");
    let (used, _, gzip) = fetch("gzip").await;
    assert_eq!(used, "gzip");
    assert_eq!(decoded("gzip", &gzip), page);
    let (used, _, plain) = fetch("identity").await;
    assert_eq!((used.as_str(), &plain), ("", &first));

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_made_up_query_strings_keep_the_cache_within_its_bound_and_stale_pages_go() {
    use rand::{Rng, distr::Alphanumeric};
    // Built here rather than by `spawn_app_with`, to look at the cache from outside.
    let dir = tempfile::tempdir().unwrap();
    let database_url = crate::database::fresh_database_url(dir.path(), "data/test.db").await;
    let mut config = server::config::Config::for_tests(database_url, dir.path().join("site"), "/");
    config.content_dir = dir.path().join("content");
    config.uploads_dir = dir.path().join("uploads");
    config.page_cache_ms = 1000;
    config.page_cache_max_bytes = 512 * 1024;
    let app = server::startup::Application::build(config)
        .await
        .expect("the app builds");
    let cache = app.page_cache();
    let origin = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());

    // An anonymous script asks for the home page under 2,000 made-up 4 KB query strings.
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let (origin, cache) = (origin.clone(), cache.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                for _ in 0..250 {
                    let junk: String = rand::rng()
                        .sample_iter(&Alphanumeric)
                        .take(4096)
                        .map(char::from)
                        .collect();
                    let response = client
                        .get(format!("{origin}/?x={junk}"))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(response.status(), 200);
                    let stats = cache.stats();
                    assert!(stats.accounted_bytes <= stats.max_bytes, "{stats:?}");
                    assert!(
                        stats.key_bytes + stats.body_bytes <= stats.accounted_bytes,
                        "not every byte is counted: {stats:?}"
                    );
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    let stats = cache.stats();
    assert!(
        stats.pages > 0 && stats.key_bytes >= stats.pages * 4096,
        "{stats:?}"
    );

    // Once their time is over, the next page kept sweeps them out.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert!(cache.stats().expired > 0);
    let response = reqwest::get(format!("{origin}/?x=after")).await.unwrap();
    assert_eq!(response.status(), 200);
    let stats = cache.stats();
    assert_eq!((stats.pages, stats.expired), (1, 0), "{stats:?}");
}
