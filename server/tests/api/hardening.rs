//! The edges of trust: what a visitor controls (a redirect target, the `Host` header, how slowly
//! a connection talks) never takes the portal somewhere it did not mean to go.

use std::time::{Duration, Instant};

use app::staff::Role;

use crate::helpers::{Options, STAFF_PASSWORD, TestApp, location, spawn_app, spawn_app_with};

#[tokio::test]
async fn after_sign_in_a_next_target_that_a_browser_would_read_as_another_site_leads_to_the_staff_area()
 {
    let app = spawn_app().await;
    app.create_staff("chief", STAFF_PASSWORD, &[Role::Admin])
        .await;
    for attack in [
        // What `next=/%09/evil.example` becomes once the form is decoded.
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\\evil.example",
        "//evil.example",
        "/.//evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
    ] {
        let browser = app.another_browser();
        let to = browser
            .post_form(
                "/api/sign_in",
                &[
                    ("username", "chief"),
                    ("password", STAFF_PASSWORD),
                    ("next", attack),
                ],
            )
            .await;
        assert_eq!(location(&to), "/admin", "next={attack:?}");
    }
    let browser = app.another_browser();
    let to = browser
        .post_form(
            "/api/sign_in",
            &[
                ("username", "chief"),
                ("password", STAFF_PASSWORD),
                ("next", "/admin/audit?page=2"),
            ],
        )
        .await;
    assert_eq!(location(&to), "/admin/audit?page=2");
}

const BANK: &str = include_str!("../../../content/questions/fire.toml");

const ARTICLE: &str = "+++\ntitle = \"燃气泄漏怎么办\"\nslug = \"gas-leak\"\ndate = \"2026-03-30\"\n\
    category = \"安全常识\"\ntags = [\"燃气\"]\nsummary = \"要点。\"\nauthor = \"宣传股\"\n+++\n\n\
    闻到燃气味时，先关闭燃气总阀。\n";

/// A portal with an article and an open contest, pages never cached; returns it with the
/// contest's id.
async fn portal_with_content(public_origin: Option<&'static str>) -> (TestApp, i64) {
    let app = spawn_app_with(Options {
        content_files: &[("articles/gas.md", ARTICLE), ("questions/fire.toml", BANK)],
        public_origin,
        page_cache_ms: Some(0),
        ..Options::default()
    })
    .await;
    let staff = app.another_browser();
    staff.signed_in_as("officer", &[Role::ContestAdmin]).await;
    let now = app::foundation::clock::now();
    let opens = app::foundation::clock::format_beijing(now - 3600).replace(' ', "T");
    let closes = app::foundation::clock::format_beijing(now + 86_400).replace(' ', "T");
    let form = [
        ("form[title]", "安全生产月知识竞赛"),
        ("form[description]", "测试"),
        ("form[opens_at]", opens.as_str()),
        ("form[closes_at]", closes.as_str()),
        ("form[question_count]", "5"),
        ("form[time_limit_minutes]", "10"),
        ("form[pass_percent]", "0"),
        ("form[attempts_per_day]", "2"),
    ];
    let to = location(&staff.post_form("/api/staff/contest_create", &form).await);
    let id = to
        .trim_start_matches("/admin/contests/")
        .trim_end_matches("?done=created")
        .parse()
        .unwrap_or_else(|_| panic!("no contest created: {to}"));
    (app, id)
}

/// A response's status, content type and body, with what differs per visitor anyway (the CSRF
/// token) blanked out.
async fn as_seen_with_host(app: &TestApp, path: &str, host: Option<&str>) -> String {
    // A fresh browser each time: no cookie makes one answer differ from the other.
    let browser = app.another_browser();
    let mut request = browser.client.get(browser.url(path));
    if let Some(host) = host {
        request = request.header("host", host);
    }
    let response = request.send().await.expect("request sent");
    let head = format!(
        "{} {:?}",
        response.status(),
        response.headers().get("content-type")
    );
    let body = response.text().await.expect("a body");
    let mut seen = format!("{head}\n{body}");
    for marker in ["name=\"csrf_token\" value=\""] {
        let mut from = 0;
        while let Some(at) = seen[from..].find(marker) {
            let start = from + at + marker.len();
            let end = seen[start..].find('"').map_or(seen.len(), |e| start + e);
            seen.replace_range(start..end, "…");
            from = start;
        }
    }
    seen
}

/// Every path a visitor reaches where a URL could be built, for a contest `id`.
fn paths_that_name_the_site(id: i64) -> Vec<String> {
    [
        "/",
        "/articles",
        "/articles/gas-leak",
        "/contest",
        "/feed.xml",
        "/articles/category/safety/feed.xml",
        "/articles/category/safety",
        "/sitemap.xml",
        "/robots.txt",
        "/no-such-page",
    ]
    .map(String::from)
    .into_iter()
    .chain([format!("/contest/{id}"), format!("/contest/{id}/qr.svg")])
    .collect()
}

#[tokio::test]
async fn a_forged_host_header_changes_no_byte_of_any_page_feed_sitemap_or_qr_code() {
    for public_origin in [None, Some("https://www.kaiping.gov.cn")] {
        let (app, id) = portal_with_content(public_origin).await;
        for path in paths_that_name_the_site(id) {
            let honest = as_seen_with_host(&app, &path, None).await;
            let forged = as_seen_with_host(&app, &path, Some("evil.example")).await;
            assert!(!forged.contains("evil.example"), "{path}: {forged}");
            assert_eq!(honest, forged, "{path} depends on the Host header");
        }
    }
}

#[tokio::test]
async fn without_a_public_origin_feeds_use_relative_links_and_the_qr_code_says_why_it_is_missing() {
    let (app, id) = portal_with_content(None).await;
    let feed = app.get("/feed.xml").await.text().await.unwrap();
    roxmltree::Document::parse(&feed).expect("the feed is well-formed XML");
    assert!(feed.contains("<link>/articles/gas-leak</link>"), "{feed}");
    assert!(feed.contains("<guid isPermaLink=\"false\">/articles/gas-leak</guid>"));
    let sitemap = app.get("/sitemap.xml").await.text().await.unwrap();
    assert!(
        sitemap.contains("<loc>/articles/gas-leak</loc>"),
        "{sitemap}"
    );
    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(!robots.contains("Sitemap"), "{robots}");
    assert!(!robots.contains("127.0.0.1"), "{robots}");

    let qr = app.get(&format!("/contest/{id}/qr.svg")).await;
    assert_eq!(qr.status(), 503);
    assert!(
        qr.text()
            .await
            .unwrap()
            .contains("站点未配置公开地址（AQXC_PUBLIC_ORIGIN），无法生成二维码")
    );
}

#[tokio::test]
async fn with_a_public_origin_feeds_the_sitemap_robots_and_the_qr_code_use_it() {
    let (app, id) = portal_with_content(Some("https://www.kaiping.gov.cn")).await;
    let feed = app.get("/feed.xml").await.text().await.unwrap();
    assert!(
        feed.contains(
            "<guid isPermaLink=\"true\">https://www.kaiping.gov.cn/articles/gas-leak</guid>"
        ),
        "{feed}"
    );
    let sitemap = app.get("/sitemap.xml").await.text().await.unwrap();
    assert!(sitemap.contains("<loc>https://www.kaiping.gov.cn/articles/gas-leak</loc>"));
    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(robots.contains("Sitemap: https://www.kaiping.gov.cn/sitemap.xml\n"));
    let qr = app.get(&format!("/contest/{id}/qr.svg")).await;
    assert_eq!(qr.status(), 200);
    assert!(qr.text().await.unwrap().starts_with("<?xml"));
}

/// Opens a connection and sends the start of a request header, never its end.
async fn half_a_request(app: &TestApp) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let address = app.origin.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connected");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("sent");
    stream
}

/// A client with no pooled connection of its own.
fn fresh_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("http client")
}

#[tokio::test]
async fn a_client_that_sends_half_a_header_is_disconnected_while_others_are_served() {
    use tokio::io::AsyncReadExt;
    let app = spawn_app_with(Options {
        header_timeout_secs: Some(1),
        ..Options::default()
    })
    .await;
    let started = Instant::now();
    let mut slow = half_a_request(&app).await;
    let health = fresh_client()
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "others wait for the slow client");
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the slow client was never disconnected");
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(3),
        "disconnected after {took:?}"
    );
    let health = fresh_client()
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn beyond_the_connection_limit_a_client_is_told_the_server_is_busy_until_one_closes() {
    let app = spawn_app_with(Options {
        max_connections: Some(3),
        ..Options::default()
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(half_a_request(&app).await);
    }
    // The server counts a connection once it has accepted it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let busy = fresh_client()
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(busy.status(), 503);
    assert_eq!(busy.headers()["retry-after"], "5");
    assert_eq!(busy.text().await.unwrap(), "服务器繁忙，请稍后再试");

    drop(held);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = fresh_client()
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status();
        if status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still {status} after the connections closed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
