use crate::helpers::{Options, spawn_app, spawn_app_with};

#[tokio::test]
async fn the_elderly_mode_switch_works_without_javascript_and_is_remembered() {
    let app = spawn_app().await;
    let (_, html) = app.page("/contest").await;
    assert!(!html.contains(r#"class="elder""#));

    let token = app.csrf_token().await;
    // A plain form post, as a browser without JavaScript sends it.
    let response = app
        .client
        .post(app.url("/api/elder_mode"))
        .header("accept", "text/html")
        .header("referer", app.url("/contest"))
        .form(&[("on", "true"), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let back_to = response.headers()["location"].to_str().unwrap();
    assert!(
        back_to.starts_with(&app.url("/contest")),
        "sent to {back_to}"
    );

    let (_, html) = app.page("/contest").await;
    assert!(
        html.contains(r#"class="elder""#),
        "the next page is not in elderly mode"
    );
}

#[tokio::test]
async fn the_elderly_mode_cookie_is_scoped_to_the_base_path() {
    let app = spawn_app_with(Options {
        base_path: "/aqxc",
        ..Default::default()
    })
    .await;
    // The island's request: same origin, as a browser's fetch says in `Origin`.
    let response = app
        .client
        .post(app.url("/aqxc/api/elder_mode"))
        .header("origin", &app.origin)
        .form(&[("on", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("aqxc_elder=1"), "{cookie}");
    assert!(cookie.contains("Path=/aqxc/"), "{cookie}");
    let (_, html) = app.page("/aqxc/").await;
    assert!(html.contains(r#"class="elder""#));
}
