//! What one person sees (the staff area, the sign-in page, a contest attempt and its result)
//! is kept by no cache on the way, and differs by cookie; public pages keep their caching.

use app::staff::Role;
use serde_json::json;

use crate::helpers::{Options, TestApp, location, spawn_app, spawn_app_with};

const BANK: &str = include_str!("../../../content/questions/fire.toml");

/// Asserts that a response is marked as one person's own.
fn assert_private(response: &reqwest::Response, what: &str) {
    let headers = response.headers();
    assert_eq!(
        headers.get("cache-control").map(|v| v.to_str().unwrap()),
        Some("private, no-store"),
        "{what}: {headers:?}"
    );
    let varies_by_cookie = headers
        .get_all("vary")
        .iter()
        .flat_map(|v| v.to_str().unwrap().split(','))
        .any(|name| name.trim().eq_ignore_ascii_case("cookie"));
    assert!(
        varies_by_cookie,
        "{what} does not vary by cookie: {headers:?}"
    );
}

/// Asserts that a response carries no sign of being one person's own.
fn assert_shared(response: &reqwest::Response, what: &str) {
    let headers = response.headers();
    let cache_control = headers
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(
        !cache_control.contains("no-store") && !cache_control.contains("private"),
        "{what}: {headers:?}"
    );
    assert!(
        !headers.get_all("vary").iter().any(|v| v
            .to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("cookie")),
        "{what}: {headers:?}"
    );
}

#[tokio::test]
async fn the_staff_area_and_the_sign_in_page_are_kept_by_no_cache() {
    let app = spawn_app().await;
    let login = app.get("/login").await;
    assert_eq!(login.status(), 200);
    assert_private(&login, "/login");
    // Signed out, the staff area sends the browser to the sign-in page: not to be kept either.
    assert_private(&app.get("/admin").await, "/admin signed out");

    app.signed_in_as("editor", &[Role::Admin]).await;
    for path in ["/admin", "/admin/users", "/admin/audit"] {
        let page = app.get(path).await;
        assert_eq!(page.status(), 200, "{path}");
        assert_private(&page, path);
    }
    // A page of the staff area this account may not see is no less personal.
    let refused = app.get("/admin/articles").await;
    assert_eq!(refused.status(), 403);
    assert_private(&refused, "/admin/articles refused");
    // Every answer to a signed-in browser, public pages included, may show who it is.
    let home = app.get("/").await;
    assert_eq!(home.status(), 200);
    assert_private(&home, "/ signed in");
}

#[tokio::test]
async fn public_pages_keep_their_caching_for_anonymous_visitors() {
    let app = spawn_app().await;
    for path in ["/", "/articles", "/contest"] {
        // The second view comes from the page cache.
        for _ in 0..2 {
            let page = app.get(path).await;
            assert_eq!(page.status(), 200, "{path}");
            assert_shared(&page, path);
        }
    }
    let feed = app.get("/feed.xml").await;
    assert_eq!(feed.headers()["cache-control"], "public, max-age=600");
}

#[tokio::test]
async fn a_contest_attempt_and_its_result_page_are_kept_by_no_cache() {
    let app = spawn_app_with(Options {
        content_files: &[("questions/fire.toml", BANK)],
        ..Options::default()
    })
    .await;
    let contest = create_contest(&app).await;
    let started = app
        .client
        .post(app.url("/api/attempt_start"))
        .header("origin", &app.origin)
        .json(&json!({ "contest_id": contest, "entrant": { "nickname": "老李", "town": "水口镇", "employer": "" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 200);
    assert_private(&started, "the attempt's start");
    let view: serde_json::Value = started.json().await.unwrap();
    let attempt = view["id"].as_str().unwrap();

    let result = app.get(&format!("/contest/result/{attempt}")).await;
    assert_eq!(result.status(), 200);
    assert_private(&result, "the result page");
    // The participant's other pages may show their attempts too.
    assert_private(
        &app.get(&format!("/contest/{contest}")).await,
        "the contest page",
    );
}

/// Creates an open contest through the staff form, from another browser; returns its id.
async fn create_contest(app: &TestApp) -> i64 {
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
    assert!(to.ends_with("?done=created"), "{to}");
    to.trim_start_matches("/admin/contests/")
        .trim_end_matches("?done=created")
        .parse()
        .unwrap()
}
