//! The demo world on first start, and its removal for a real deployment.

use app::{demo, foundation::clock, inspections::store, staff::Role};
use domain::inspections::record::{self, DrawRecord};
use serde_json::Value;

use crate::helpers::{Options, TestApp, spawn_app_with};

async fn portal_with_demo() -> TestApp {
    spawn_app_with(Options {
        shipped_content: true,
        demo: true,
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn a_fresh_database_shows_a_finished_draw_and_an_open_contest_with_attempts() {
    let app = portal_with_demo().await;

    let (status, home) = app.page("/").await;
    assert_eq!(status, 200);
    assert!(
        home.contains(demo::DRAW_TITLE),
        "the home page lists the demo draw"
    );
    assert!(
        home.contains(demo::CONTEST_TITLE),
        "and the open demo contest"
    );
    assert!(!home.contains("暂无已公开的抽查任务"));
    assert!(!home.contains("目前没有竞赛"));

    // The draw went the whole way, each step in the log, and anyone can verify it.
    let (_, draws) = app.page("/api/v1/draws").await;
    let draws: Value = serde_json::from_str(&draws).unwrap();
    let listed = draws["draws"].as_array().expect("a list of draws");
    assert_eq!(listed.len(), 1);
    let id = listed[0]["id"].as_i64().unwrap();
    let (status, text) = app.page(&format!("/api/v1/draws/{id}")).await;
    assert_eq!(status, 200);
    let record: DrawRecord = serde_json::from_str(&text).unwrap();
    assert!(record.revealed.is_some(), "the demo draw is revealed");
    let report = record::verify(&record);
    assert!(report.all_ok(), "the demo draw verifies: {report:?}");
    let (_, log) = app.page("/api/v1/log").await;
    let log: Value = serde_json::from_str(&log).unwrap();
    assert_eq!(log["intact"], true);
    let kinds: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["announced", "drawn", "revealed", "results_published"]
    );
    let (_, results) = app.page("/api/v1/results.json").await;
    let results: Value = serde_json::from_str(&results).unwrap();
    let results = results["results"].as_array().expect("a list of results");
    assert!(results.len() >= 8, "{} results", results.len());
    assert!(results.iter().any(|r| r["category"] == "corrected"));

    // The contest is open and its leaderboard has people on it.
    let (_, contests) = app.page("/contest").await;
    assert!(contests.contains(demo::CONTEST_TITLE));
    let contest: i64 = sqlx::query_scalar("SELECT id FROM contests")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, board) = app.page(&format!("/contest/{contest}/leaderboard")).await;
    assert_eq!(status, 200);
    for nickname in ["演示·陈阿姨", "演示·吴同学"] {
        assert!(board.contains(nickname), "{nickname} is on the leaderboard");
    }

    // The account the demo is made by cannot sign in.
    let refused = app
        .post_form(
            "/api/sign_in",
            &[("username", demo::DEMO_USERNAME), ("password", "!")],
        )
        .await;
    assert!(!crate::helpers::location(&refused).ends_with("/admin"));
}

#[tokio::test]
async fn the_demo_is_made_once_and_removed_whole() {
    let app = portal_with_demo().await;
    // A second start on the same database (as a restart, or a second instance) adds nothing.
    let second = spawn_app_with(Options {
        shipped_content: true,
        demo: true,
        existing_data: Some((&app.database_url, &app.data_dir().join("uploads"))),
        ..Options::default()
    })
    .await;
    let count = |sql: &'static str| {
        let pool = second.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("SELECT COUNT(*) FROM draws").await, 1);
    assert_eq!(count("SELECT COUNT(*) FROM contests").await, 1);
    let enterprises = count("SELECT COUNT(*) FROM enterprises").await;
    assert!(enterprises >= 300);

    let removed = demo::remove(&app.pool, clock::now()).await.unwrap();
    assert_eq!((removed.draws, removed.contests), (1, 1));
    assert_eq!(removed.enterprises, enterprises as u64);
    for table in [
        "draws",
        "draw_log",
        "inspection_results",
        "contests",
        "attempts",
        "contest_best",
        "enterprises",
        "inspectors",
    ] {
        let left: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(left, 0, "{table} still holds demo rows");
    }
    assert!(matches!(
        demo::remove(&app.pool, clock::now()).await,
        Err(demo::RemoveError::NoDemo)
    ));
    // The instances forget the pages they kept, and the log stays append-only.
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    let (_, home) = second.page("/").await;
    assert!(!home.contains(demo::DRAW_TITLE));
    assert!(home.contains("暂无已公开的抽查任务"));
    let (_, log) = app.page("/api/v1/log").await;
    assert!(log.contains("\"intact\":true"), "{log}");
    // The registries are empty again for the real ones, and the next draw's log entry is
    // protected as before.
    let officer = app
        .create_staff("officer", "long-enough-password-1", &[Role::InspectorAdmin])
        .await;
    announce_own_draw(&app, officer).await;
    assert!(
        sqlx::query("DELETE FROM draw_log")
            .execute(&app.pool)
            .await
            .is_err()
    );
}

/// A draw announced by a staff member over whatever the registries hold.
async fn announce_own_draw(app: &TestApp, officer: i64) {
    let rules = domain::inspections::draw::Rules {
        industries: vec![],
        towns: vec![],
        strata: vec![],
        exclude_months: 0,
        reference_date: domain::date::Date::parse("2026-12-01").unwrap(),
        team_size: 2,
        avoid_own_town: false,
        avoid_own_unit: false,
        avoid_last_inspectors: false,
    };
    let frozen = store::snapshot(&app.pool).await.unwrap();
    store::announce(
        &app.pool,
        store::NewDraw {
            title: "2027年第一季度抽查",
            check_items: &["AQ-01".to_string()],
            rules: &rules,
            sources: &[],
            frozen: &frozen,
            created_by: officer,
        },
        clock::now(),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn the_demo_is_not_removed_once_staff_have_announced_a_draw_of_their_own() {
    let app = portal_with_demo().await;
    let officer = app
        .create_staff("officer", "long-enough-password-1", &[Role::InspectorAdmin])
        .await;
    announce_own_draw(&app, officer).await;
    let refused = demo::remove(&app.pool, clock::now()).await.unwrap_err();
    assert!(matches!(refused, demo::RemoveError::RealDrawsExist(1)));
    assert!(refused.to_string().contains("draw log"), "{refused}");
    let draws: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM draws")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(draws, 2, "nothing was removed");
    // And the log still refuses a delete.
    assert!(
        sqlx::query("DELETE FROM draw_log")
            .execute(&app.pool)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn with_the_demo_off_a_fresh_database_stays_empty() {
    let app = spawn_app_with(Options {
        shipped_content: true,
        ..Options::default()
    })
    .await;
    let (_, home) = app.page("/").await;
    assert!(home.contains("暂无已公开的抽查任务"));
    let enterprises: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM enterprises")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(enterprises, 0);
}

#[tokio::test]
async fn staff_are_warned_that_a_real_draw_would_keep_the_demo_in_the_chain_until_it_is_removed() {
    let app = portal_with_demo().await;
    let admin = app.another_browser();
    admin.signed_in_as("chief", &[Role::Admin]).await;
    let officer = app.another_browser();
    officer
        .signed_in_as("officer", &[Role::InspectorAdmin])
        .await;
    let notice = "一旦公告真实的抽查任务，演示数据将永久留在正式记录中";
    assert!(demo::in_draw_chain(&app.pool).await.unwrap());

    let (status, dashboard) = admin.page("/admin").await;
    assert_eq!(status, 200);
    assert!(dashboard.contains(notice), "the dashboard does not warn");
    assert!(dashboard.contains("server demo remove"));
    let (status, announce) = officer.page("/admin/inspections/draws/new").await;
    assert_eq!(status, 200);
    assert!(announce.contains(notice), "the announce form does not warn");

    demo::remove(&app.pool, clock::now()).await.unwrap();
    assert!(!demo::in_draw_chain(&app.pool).await.unwrap());
    assert!(!admin.page("/admin").await.1.contains(notice));
    let (_, announce) = officer.page("/admin/inspections/draws/new").await;
    assert!(!announce.contains(notice), "the warning outlived the demo");
}

#[tokio::test]
async fn without_the_demo_staff_see_no_warning_about_it() {
    let app = spawn_app_with(Options::default()).await;
    app.signed_in_as("chief", &[Role::Admin]).await;
    assert!(!demo::in_draw_chain(&app.pool).await.unwrap());
    let (_, dashboard) = app.page("/admin").await;
    assert!(!dashboard.contains("演示数据"));
}

/// Starts the `server` binary in `dir` (its database under `data/`) with `settings`, and
/// returns the lines it logged up to serving; then stops it.
fn logged_at_start(dir: &std::path::Path, settings: &[(&str, &str)]) -> Vec<String> {
    use std::io::{BufRead, BufReader};
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .current_dir(dir)
        .env_remove("AQXC_DATABASE_URL")
        .env_remove("AQXC_BASE_PATH")
        .env("AQXC_LISTEN", "127.0.0.1:0")
        .env("AQXC_CONTENT_DIR", content)
        .env("RUST_LOG", "info")
        .envs(settings.iter().copied())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().expect("the server binary starts");
    let stderr = child.stderr.take().expect("stderr");
    let (lines_tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let mut logged = Vec::new();
    loop {
        let line = lines
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the server logs its address");
        let serving = line.contains("serving on ");
        logged.push(line);
        if serving {
            break;
        }
    }
    child.kill().expect("the server stops");
    let _ = child.wait();
    logged
}

#[test]
fn every_start_warns_while_the_demo_is_in_the_draw_chain_and_not_after_its_removal() {
    let dir = tempfile::tempdir().unwrap();
    let warned = |lines: &[String]| {
        lines.iter().any(|line| {
            line.contains("DEMO DATA IN THE OFFICIAL DRAW CHAIN")
                && line.contains("server demo remove")
                && line.contains("AQXC_DEMO=false")
        })
    };
    let first = logged_at_start(dir.path(), &[("AQXC_DEMO", "true")]);
    assert!(warned(&first), "{first:#?}");
    // Starting again with the demo switched off does not make it any less present.
    let again = logged_at_start(dir.path(), &[("AQXC_DEMO", "false")]);
    assert!(warned(&again), "{again:#?}");

    let removed = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .current_dir(dir.path())
        .env_remove("AQXC_DATABASE_URL")
        .args(["demo", "remove"])
        .output()
        .unwrap();
    assert!(removed.status.success(), "{removed:?}");
    let after = logged_at_start(dir.path(), &[("AQXC_DEMO", "false")]);
    assert!(!warned(&after), "{after:#?}");
}
