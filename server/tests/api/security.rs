use crate::helpers::{Options, location, spawn_app, spawn_app_with};

/// The text of every inline script of a page.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let tag_end = open + rest[open..].find('>').unwrap();
        let text_end = tag_end + rest[tag_end..].find("</script>").unwrap();
        if !rest[open..tag_end].contains(" src=") {
            found.push(&rest[tag_end + 1..text_end]);
        }
        rest = &rest[text_end..];
    }
    found
}

fn script_src(csp: &str) -> &str {
    csp.split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .expect("script-src")
}

#[tokio::test]
async fn pages_allow_their_inline_scripts_by_hash_and_nothing_else_inline() {
    use base64::{Engine, engine::general_purpose::STANDARD};
    use sha2::{Digest, Sha256};

    let app = spawn_app().await;
    for path in [
        "/",
        "/articles",
        "/contest",
        "/contest/1",
        "/contest/practice",
        "/login",
        "/inspections",
    ] {
        let response = app.get(path).await;
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let html = response.text().await.unwrap();
        let scripts = script_src(&csp);
        assert!(scripts.contains("'self'"), "{path}: {csp}");
        assert!(!scripts.contains("unsafe-inline"), "{path}: {csp}");
        assert!(!scripts.contains("'nonce-"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'self'"), "{path}: {csp}");
        for script in inline_scripts(&html) {
            let hash = STANDARD.encode(Sha256::digest(script.as_bytes()));
            assert!(
                scripts.contains(&format!("'sha256-{hash}'")),
                "{path}: {scripts} does not allow {script:?}"
            );
        }
        // Only the interactive pages load the islands; any page may compile WebAssembly (a
        // revealed draw's page runs the verifier).
        let interactive = path.starts_with("/contest/");
        assert_eq!(html.contains("modulepreload"), interactive, "{path}");
        assert!(scripts.contains("'wasm-unsafe-eval'"), "{path}: {csp}");
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app_with(Options {
        site_files: &[("favicon.svg", "<svg/>")],
        ..Default::default()
    })
    .await;
    for path in ["/", "/healthz", "/favicon.svg", "/missing", "/login"] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(
            headers["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors"),
            "{path}"
        );
        assert!(
            !headers.contains_key("strict-transport-security"),
            "HSTS over plain HTTP on {path}"
        );
    }
}

#[tokio::test]
async fn over_https_cookies_are_secure_and_hsts_is_sent() {
    let app = spawn_app_with(Options {
        public_origin: Some("https://www.kaiping.gov.cn"),
        ..Default::default()
    })
    .await;
    let response = app.get("/login").await;
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("aqxc_csrf=") && cookie.contains("; Secure"),
        "{cookie}"
    );
}

#[tokio::test]
async fn a_post_without_csrf_proof_is_refused() {
    let app = spawn_app().await;
    let token = app.csrf_token().await;
    let bare = app
        .client
        .post(app.url("/api/sign_in"))
        .form(&[("username", "a"), ("password", "b")])
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status().as_u16(), 403);

    let wrong_token = app
        .client
        .post(app.url("/api/sign_in"))
        .form(&[
            ("username", "a"),
            ("password", "b"),
            ("csrf_token", &"x".repeat(43)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_token.status().as_u16(), 403);

    let foreign = app
        .client
        .post(app.url("/api/sign_in"))
        .header("origin", "https://evil.example")
        .form(&[("username", "a"), ("password", "b"), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        foreign.status().as_u16(),
        403,
        "another site's page cannot post even with a token"
    );

    let proper = app
        .post_form("/api/sign_in", &[("username", "a"), ("password", "b")])
        .await;
    assert!(location(&proper).starts_with("/login?error=invalid"));
}

#[tokio::test]
async fn a_token_from_another_browser_is_refused() {
    let app = spawn_app().await;
    let stolen = app.another_browser().csrf_token().await;
    app.csrf_token().await;
    let response = app
        .client
        .post(app.url("/api/sign_in"))
        .form(&[
            ("username", "a"),
            ("password", "b"),
            ("csrf_token", &stolen),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
}

#[tokio::test]
async fn a_refused_form_post_gets_a_page_that_says_why() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/sign_in"))
        .header("accept", "text/html")
        .form(&[("username", "a")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    assert!(response.text().await.unwrap().contains("请求来源无法确认"));
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413_and_a_clear_page() {
    let app = spawn_app().await;
    let token = app.csrf_token().await;
    let huge = "x".repeat(2 * 1024 * 1024);
    let response = app
        .client
        .post(app.url("/api/sign_in"))
        .header("accept", "text/html")
        .form(&[
            ("username", huge.as_str()),
            ("password", "b"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    assert!(response.text().await.unwrap().contains("提交的内容过大"));
}

#[tokio::test]
async fn a_malformed_form_post_is_answered_with_a_client_error_not_a_crash() {
    let app = spawn_app().await;
    let token = app.csrf_token().await;
    let response = app
        .client
        .post(app.url("/api/sign_in"))
        .form(&[("csrf_token", token.as_str()), ("unexpected", "1")])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    assert!((400..500).contains(&status), "answered {status}");
}

#[tokio::test]
async fn what_a_visitor_puts_in_the_address_is_never_markup_in_the_page() {
    let app = spawn_app().await;
    for path in [
        "/search?q=%3C%2Ftitle%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/articles?tag=%3C%2Ftitle%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ] {
        let (_, html) = app.page(path).await;
        assert!(!html.contains("<script>alert(1)"), "{path} reflects markup");
        assert!(
            html.contains("&lt;/title&gt;&lt;script&gt;"),
            "{path} does not show the text escaped"
        );
    }
}

/// Posts a wrong sign-in as a script would, claiming `forwarded_for` in `X-Forwarded-For`;
/// returns the client address the audit log recorded for the failure. Each call tries another
/// account name, so that no attempt is made to wait.
async fn address_recorded_for_a_sign_in_claiming(
    app: &crate::helpers::TestApp,
    forwarded_for: &str,
) -> String {
    static ATTEMPTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let attempt = ATTEMPTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let username = format!("ghost{attempt}");
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/api/sign_in"))
        .header("origin", &app.origin)
        .header("accept", "text/html")
        .header("x-forwarded-for", forwarded_for)
        .form(&[
            ("username", username.as_str()),
            ("password", "a-wrong-guess-123"),
        ])
        .send()
        .await
        .unwrap();
    let to = location(&response);
    assert!(to.starts_with("/login?error=invalid"), "{to}");
    sqlx::query_scalar(
        "SELECT client_ip FROM audit_log WHERE action = 'sign_in_failed' ORDER BY id DESC",
    )
    .fetch_one(&app.pool)
    .await
    .expect("the failure is in the audit log")
}

#[tokio::test]
async fn a_forwarded_for_header_from_a_connection_that_is_no_trusted_proxy_is_ignored() {
    // One proxy is trusted, but at 10.0.0.1: the test connects from 127.0.0.1, as a script
    // reaching the server past nginx would.
    let app = spawn_app_with(Options {
        trusted_proxies: 1,
        proxy_addresses: Some("10.0.0.1"),
        ..Options::default()
    })
    .await;
    assert_eq!(
        address_recorded_for_a_sign_in_claiming(&app, "1.2.3.4").await,
        "127.0.0.1"
    );
}

#[tokio::test]
async fn a_forwarded_for_entry_that_is_no_address_never_becomes_the_client_address() {
    // Loopback is trusted (the default): the entry is read, and refused for not being an
    // address.
    let app = spawn_app_with(Options {
        trusted_proxies: 1,
        ..Options::default()
    })
    .await;
    for garbage in [
        "<script>alert(1)</script>",
        "unknown",
        "1.2.3.4:5678",
        &"9".repeat(4000),
    ] {
        assert_eq!(
            address_recorded_for_a_sign_in_claiming(&app, garbage).await,
            "127.0.0.1",
            "{garbage:.40}"
        );
    }
    // A real address from the trusted proxy is still believed.
    assert_eq!(
        address_recorded_for_a_sign_in_claiming(&app, "6.6.6.6, 1.2.3.4").await,
        "1.2.3.4"
    );
}

/// The token a page's forms carry.
fn form_token(html: &str) -> Option<String> {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker)? + marker.len();
    let end = start + html[start..].find('"')?;
    Some(html[start..end].to_string())
}

/// The `aqxc_csrf` value a response sets, if it sets one.
fn issued_token(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|cookie| cookie.strip_prefix("aqxc_csrf="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_string())
}

#[tokio::test]
async fn a_csrf_cookie_carrying_markup_is_replaced_and_never_reaches_the_page() {
    let app = spawn_app().await;
    app.create_staff(
        "chief",
        crate::helpers::STAFF_PASSWORD,
        &[app::staff::Role::Admin],
    )
    .await;
    // 43 bytes, the length of a real token, but markup.
    let crafted = format!("\"><h1>injected</h1>{}", "x".repeat(24));
    assert_eq!(crafted.len(), 43);
    let script = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // Twice: rendered afresh, then from the kept page.
    let mut fresh = String::new();
    for _ in 0..2 {
        let response = script
            .get(app.url("/login"))
            .header("cookie", format!("aqxc_csrf={crafted}"))
            .send()
            .await
            .unwrap();
        let issued = issued_token(&response).expect("a fresh token is issued");
        let html = response.text().await.unwrap();
        assert!(!html.contains("<h1>injected"), "the cookie became markup");
        assert!(!html.contains(&crafted));
        assert_eq!(issued.len(), 43);
        assert!(
            issued
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(form_token(&html).as_deref(), Some(issued.as_str()));
        fresh = issued;
    }
    // The fresh token works: signing in goes through.
    let signed_in = script
        .post(app.url("/api/sign_in"))
        .header("cookie", format!("aqxc_csrf={fresh}"))
        .header("accept", "text/html")
        .form(&[
            ("username", "chief"),
            ("password", crate::helpers::STAFF_PASSWORD),
            ("csrf_token", &fresh),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&signed_in), "/admin");
    // The crafted cookie itself proves nothing.
    let forged = script
        .post(app.url("/api/sign_in"))
        .header("cookie", format!("aqxc_csrf={crafted}"))
        .form(&[
            ("username", "chief"),
            ("password", "x"),
            ("csrf_token", &crafted),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);
}
