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
