use crate::helpers::{Options, location, spawn_app, spawn_app_with};

#[tokio::test]
async fn pages_carry_a_nonce_based_content_security_policy_without_unsafe_inline_scripts() {
    let app = spawn_app().await;
    // Pages that only show information load no script or WASM.
    let (_, home) = app.page("/").await;
    assert!(
        !home.contains("type=\"module\"") && !home.contains("modulepreload"),
        "the home page loads the islands"
    );
    // An interactive page's one inline script, the hydration script, runs by its nonce.
    let response = app.get("/contest/practice").await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .expect("script-src");
    assert!(script_src.contains("'self'"), "{csp}");
    assert!(script_src.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
    let nonce = script_src
        .split("'nonce-")
        .nth(1)
        .expect("a nonce")
        .split('\'')
        .next()
        .unwrap();
    assert!(
        html.contains(&format!(r#"<script type="module" nonce="{nonce}""#)),
        "the hydration script lacks the nonce"
    );
    assert_ne!(
        nonce,
        app.get("/contest/practice").await.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .split("'nonce-")
            .nth(1)
            .unwrap()
            .split('\'')
            .next()
            .unwrap(),
        "the nonce must change with every page"
    );
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
