//! Several instances of the portal on one database, as behind a load balancer: a staff change
//! made through one empties the kept pages of every other at once, by `NOTIFY` on PostgreSQL
//! and by the shared change counter everywhere (for a listener that reconnects, and for
//! databases without `LISTEN`).

use std::time::{Duration, Instant};

use app::{articles::import::import_folder, staff::Role};

use crate::{
    database::on_postgres,
    helpers::{Options, TestApp, spawn_app_with},
};

fn article(slug: &str, title: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\nslug = \"{slug}\"\ndate = \"2026-06-01\"\ncategory = \"安全常识\"\n\
         summary = \"要点。\"\nauthor = \"宣传股\"\n+++\n\n正文。\n"
    )
}

/// Pages kept a minute, so that only the change mechanism can explain a fresh page.
const KEPT: Option<u64> = Some(60_000);
/// A check of the counter so rare that it cannot be what refreshed a page.
const NEVER: Option<u64> = Some(3_600_000);

/// Two instances on one fresh database: the first made it, the second joins it.
async fn two_instances(first: Options<'_>, second: Options<'_>) -> (TestApp, TestApp) {
    let one = spawn_app_with(Options {
        content_files: &[(
            "articles/2026-06-01-first.md",
            &article("first", "第一篇防汛提示"),
        )],
        ..first
    })
    .await;
    let uploads = one.data_dir().join("uploads");
    let two = spawn_app_with(Options {
        existing_data: Some((&one.database_url, &uploads)),
        ..second
    })
    .await;
    (one, two)
}

/// An article added behind the site's back (as by the command line): no instance is told.
async fn import_quietly(app: &TestApp, slug: &str, title: &str) {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join(format!("2026-06-02-{slug}.md")),
        article(slug, title),
    )
    .unwrap();
    import_folder(&app.pool, folder.path(), app::foundation::clock::now())
        .await
        .unwrap();
}

/// A staff change made through `app` (a draft: it changes no public page by itself).
async fn staff_change(app: &TestApp, slug: &str) {
    let created = app
        .post_form(
            "/api/staff/article_create",
            &[("title", "草稿"), ("slug", slug), ("category", "安全常识")],
        )
        .await;
    assert!(created.status().is_redirection());
}

/// How long until `reader` sees `text` on the article list (panics after `limit`).
async fn seen_within(reader: &TestApp, text: &str, limit: Duration) -> Duration {
    let began = Instant::now();
    loop {
        if reader.page("/articles").await.1.contains(text) {
            return began.elapsed();
        }
        assert!(began.elapsed() < limit, "not seen after {limit:?}: {text}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The kept page of `reader`'s instance predates `title`.
async fn kept_without(reader: &TestApp, title: &str) {
    assert!(reader.page("/articles").await.1.contains("第一篇防汛提示"));
    import_quietly(reader, "second", title).await;
    assert!(
        !reader.page("/articles").await.1.contains(title),
        "the page was not kept"
    );
}

#[tokio::test]
async fn on_postgresql_a_staff_change_on_one_instance_is_told_to_the_other_at_once() {
    if !on_postgres() {
        return;
    }
    let options = || Options {
        page_cache_ms: KEPT,
        change_check_ms: NEVER,
        ..Default::default()
    };
    let (one, two) = two_instances(options(), options()).await;
    let reader = two.another_browser();
    kept_without(&reader, "第二篇台风提示").await;

    one.signed_in_as("editor", &[Role::Editor]).await;
    staff_change(&one, "draft").await;
    let took = seen_within(&reader, "第二篇台风提示", Duration::from_secs(2)).await;
    println!("told in {took:?}");
}

#[tokio::test]
async fn without_notifications_the_shared_counter_empties_every_instance_s_pages() {
    let options = || Options {
        page_cache_ms: KEPT,
        change_check_ms: Some(100),
        without_notify: true,
        ..Default::default()
    };
    let (one, two) = two_instances(options(), options()).await;
    let reader = two.another_browser();
    kept_without(&reader, "第二篇台风提示").await;

    one.signed_in_as("editor", &[Role::Editor]).await;
    staff_change(&one, "draft").await;
    seen_within(&reader, "第二篇台风提示", Duration::from_secs(2)).await;
}

#[tokio::test]
async fn a_listener_that_loses_its_connection_assumes_it_missed_a_change() {
    if !on_postgres() {
        return;
    }
    let options = || Options {
        page_cache_ms: KEPT,
        change_check_ms: NEVER,
        ..Default::default()
    };
    let (one, two) = two_instances(options(), options()).await;
    let reader = two.another_browser();
    kept_without(&reader, "第二篇台风提示").await;

    // The listeners' connections are cut (as by a database restart or a network blip), and
    // the change is made before they are back: its notification reaches nobody.
    let listeners = "SELECT COUNT(*) FROM pg_stat_activity
                     WHERE datname = current_database() AND query LIKE 'LISTEN%'";
    let began = Instant::now();
    loop {
        let count: i64 = sqlx::query_scalar(listeners)
            .fetch_one(&one.pool)
            .await
            .unwrap();
        if count == 2 {
            break;
        }
        assert!(
            began.elapsed() < Duration::from_secs(5),
            "{count} listeners"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let cut: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .fetch_all(&one.pool)
    .await
    .unwrap();
    assert_eq!(cut.len(), 2);
    one.signed_in_as("editor", &[Role::Editor]).await;
    staff_change(&one, "draft").await;

    seen_within(&reader, "第二篇台风提示", Duration::from_secs(3)).await;
}

/// `practice_check` of question `id` through `app` (its order as shown: the bank's own).
async fn practice_check(app: &TestApp, id: &str) -> serde_json::Value {
    app.client
        .post(app.url("/api/practice_check"))
        .header("origin", &app.origin)
        .json(&serde_json::json!({ "id": id, "order": [0, 1, 2], "chosen": [1] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_question_staff_add_through_one_instance_is_in_the_others_bank_soon_after() {
    let options = || Options {
        change_check_ms: Some(100),
        without_notify: true,
        ..Default::default()
    };
    let (one, two) = two_instances(options(), options()).await;
    // The second instance has read its bank (and keeps it) before the question exists.
    assert_eq!(
        practice_check(&two, "staff-1").await,
        serde_json::Value::Null
    );

    let staff = one.another_browser();
    staff
        .signed_in_as("bankkeeper", &[Role::ContestAdmin])
        .await;
    let saved = staff
        .post_form(
            "/api/staff/bank_save",
            &[
                ("form[id]", "staff-1"),
                ("form[topic]", "消防安全"),
                ("form[kind]", "single"),
                ("form[difficulty]", "1"),
                ("form[stem]", "家中油锅起火，首先应当？"),
                ("form[options]", "用水浇\n盖上锅盖并关火\n端起锅往外跑"),
                ("form[answer]", "B"),
                ("form[explanation]", "盖锅盖窒息灭火并关闭燃气。"),
                ("form[source]", "应急管理部 消防安全常识"),
                ("form[active]", "on"),
            ],
        )
        .await;
    assert!(saved.status().is_redirection());
    let began = Instant::now();
    loop {
        let checked = practice_check(&two, "staff-1").await;
        if checked != serde_json::Value::Null {
            assert_eq!(checked["explanation"], "盖锅盖窒息灭火并关闭燃气。");
            break;
        }
        assert!(
            began.elapsed() < Duration::from_secs(2),
            "the other instance still answers from its old bank"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
