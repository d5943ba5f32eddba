//! Nobody can flood the append-only audit log from the sign-in form: impossible names are
//! refused before anything is kept, and a throttled burst is one entry with its count.

use app::staff::Role;

use crate::helpers::{STAFF_PASSWORD, TestApp, location, spawn_app};

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

/// The bytes the database takes, on SQLite (pages in use, the write-ahead log included);
/// `None` on PostgreSQL, whose size moves with its own housekeeping.
async fn sqlite_bytes(app: &TestApp) -> Option<i64> {
    if !app.database_url.starts_with("sqlite") {
        return None;
    }
    let pages: i64 = count(app, "PRAGMA page_count").await;
    let page_size: i64 = count(app, "PRAGMA page_size").await;
    Some(pages * page_size)
}

#[tokio::test]
async fn forty_sign_ins_with_a_hundred_kilobyte_username_add_nothing_to_the_audit_log() {
    let app = spawn_app().await;
    app.create_staff("chief", STAFF_PASSWORD, &[Role::Admin])
        .await;
    let before = sqlite_bytes(&app).await;
    let huge = "a".repeat(100 * 1024);
    let token = app.csrf_token().await;
    for _ in 0..40 {
        let refused = app
            .post_form_with_token(
                "/api/sign_in",
                &[("username", &huge), ("password", "whatever-it-is")],
                &token,
            )
            .await;
        let to = location(&refused);
        // The same answer as any wrong name, and the form does not get the megabytes back.
        assert!(to.starts_with("/login?error=invalid"), "{to:.80}");
        assert!(to.len() < 300, "{} bytes sent back", to.len());
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM login_failures").await, 0);
    if let (Some(before), Some(after)) = (before, sqlite_bytes(&app).await) {
        assert!(
            after - before < 64 * 1024,
            "grew by {} bytes",
            after - before
        );
    }
    let (_, html) = app.page("/login?error=invalid&username=aaaa").await;
    assert!(html.contains("用户名或密码不正确"));
    // Names are looked up whatever their case: a real name in capitals still signs in.
    assert_eq!(app.sign_in("CHIEF", STAFF_PASSWORD).await, "/admin");
}

#[tokio::test]
async fn thirty_throttled_attempts_on_one_account_are_one_entry_showing_its_count() {
    let app = spawn_app().await;
    app.create_staff("wangfang", STAFF_PASSWORD, &[Role::Editor])
        .await;
    // Ten failures of a guesser lock the account from the guesser's address.
    for _ in 0..10 {
        sqlx::query("INSERT INTO login_failures (key, failed_at) VALUES ($1, $2)")
            .bind("account:wangfang@127.0.0.1")
            .bind(app::foundation::clock::now())
            .execute(&app.pool)
            .await
            .unwrap();
    }
    let guesser = app.another_browser();
    let token = guesser.csrf_token().await;
    for _ in 0..30 {
        let to = location(
            &guesser
                .post_form_with_token(
                    "/api/sign_in",
                    &[("username", "wangfang"), ("password", "a-wrong-guess-1")],
                    &token,
                )
                .await,
        );
        assert!(to.starts_with("/login?error=throttled"), "{to}");
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_throttled'"
        )
        .await,
        1
    );

    app.signed_in_as("chief", &[Role::Admin]).await;
    let (status, html) = app.page("/admin/audit").await;
    assert_eq!(status, 200);
    assert!(html.contains("共 30 次"), "the count is not shown");
    assert_eq!(html.matches("登录尝试过于频繁，已拒绝").count(), 1);
}
