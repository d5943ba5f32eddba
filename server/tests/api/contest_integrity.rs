//! The contest against a determined script: contest-only answers never travel through a
//! regular contest, a contest-only contest gives away no score before it closes, the
//! leaderboard is no billboard (nicknames, a quota per address, rows staff can hide), answer
//! lists are bounded, and every instance stops serving a question made contest-only.

use app::staff::Role;
use serde_json::{Value, json};

use crate::{
    contest::{
        BANK, answers_all_first, attempt_result, call, contest, start, submitted_at_reading_speed,
    },
    helpers::{Options, TestApp, location, spawn_app_with},
};

/// `count` contest-only single-choice questions (answer B), topic 竞赛专用.
fn secret_bank(count: usize) -> String {
    let mut text = String::from("topic = \"竞赛专用\"\n");
    for n in 1..=count {
        text.push_str(&format!(
            "\n[[questions]]\nid = \"secret-{n}\"\nkind = \"single\"\ndifficulty = 1\n\
             stem = \"竞赛专用题干{n}\"\noptions = [\"甲{n}\", \"乙{n}\", \"丙{n}\"]\n\
             answer = [\"B\"]\nexplanation = \"专用解析{n}\"\nsource = \"专用出处{n}\"\n\
             contest_only = true\n"
        ));
    }
    text
}

async fn spawn_with_secrets(count: usize) -> TestApp {
    let secret = secret_bank(count);
    spawn_app_with(Options {
        content_files: &[
            ("questions/fire.toml", BANK),
            ("questions/secret.toml", &secret),
        ],
        ..Options::default()
    })
    .await
}

/// The leaderboard as its page loads it (a form-encoded server function).
async fn leaderboard(app: &TestApp, contest: i64) -> Value {
    let response = app
        .client
        .post(app.url("/api/leaderboard"))
        .header("origin", &app.origin)
        .form(&[("contest_id", contest.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.unwrap()
}

fn leaks(text: &str) -> bool {
    ["竞赛专用", "专用解析", "专用出处", "secret-"]
        .iter()
        .any(|secret| text.contains(secret))
}

#[tokio::test]
async fn a_regular_contest_never_draws_nor_reviews_a_contest_only_question() {
    let app = spawn_with_secrets(30).await;
    let id = contest(&app, &[("form[attempts_per_day]", "20")]).await;
    // 25 papers with fresh cookies, as the replayed attack took them.
    for n in 0..25 {
        let browser = app.another_browser();
        let view = start(&browser, id, &format!("脚本{n}")).await;
        assert!(!leaks(&view.to_string()), "paper {n}: {view}");
        if n == 0 {
            let attempt = view["id"].as_str().unwrap();
            let (_, done) = call(
                &browser,
                "attempt_submit",
                json!({ "attempt_id": attempt, "answers": answers_all_first(&view) }),
            )
            .await;
            assert_eq!(done, Value::Null);
            let result = attempt_result(&browser, attempt).await;
            assert_eq!(result["marks"]["review"].as_array().unwrap().len(), 5);
            assert!(!leaks(&result.to_string()), "{result}");
        }
    }
    // The open practice bank (what the offline practice keeps) holds none of them either.
    let (status, bank) = app.page("/api/v1/practice-bank.json").await;
    assert_eq!(status, 200);
    assert!(bank.contains("fire-001") && !leaks(&bank));
}

#[tokio::test]
async fn a_regular_contest_whose_quota_needs_contest_only_questions_is_refused() {
    let app = spawn_with_secrets(6).await;
    let staff = app.another_browser();
    staff.signed_in_as("officer", &[Role::ContestAdmin]).await;
    let response = staff
        .post_form(
            "/api/staff/contest_create",
            &[
                ("form[title]", "普通竞赛"),
                ("form[opens_at]", "2026-12-01T08:00"),
                ("form[closes_at]", "2026-12-30T08:00"),
                ("form[question_count]", "5"),
                ("form[time_limit_minutes]", "10"),
                ("form[pass_percent]", "60"),
                ("form[attempts_per_day]", "1"),
                ("form[quotas][0][topic]", "竞赛专用"),
                ("form[quotas][0][count]", "2"),
            ],
        )
        .await;
    let to = location(&response);
    assert!(to.starts_with("/admin/contests/new?error="), "{to}");
    let (_, page) = staff.page(&to).await;
    assert!(page.contains("不含“仅用于竞赛”的题目"), "{page}");
}

#[tokio::test]
async fn a_contest_only_contest_shows_no_score_on_its_leaderboard_before_it_closes() {
    let app = spawn_with_secrets(6).await;
    let id = contest(
        &app,
        &[("form[contest_only]", "on"), ("form[pass_percent]", "0")],
    )
    .await;
    let attempt = submitted_at_reading_speed(&app, id, "先交卷的人").await;
    // Passed (the pass mark is 0), yet neither the score nor the certificate is shown.
    let result = attempt_result(&app, &attempt).await;
    assert_eq!(result["marks"], Value::Null, "{result}");
    let (_, board) = app.page(&format!("/contest/{id}/leaderboard")).await;
    assert!(board.contains("竞赛结束后"), "{board}");
    assert!(!board.contains("先交卷的人"), "{board}");
    let json = leaderboard(&app, id).await;
    assert_eq!(json["people"], json!([]), "{json}");
    assert_eq!(json["towns"], json!([]), "{json}");
    // The export with every score is for contest officers only.
    let response = app.get(&format!("/admin/contests/{id}/export.csv")).await;
    let body = response.text().await.unwrap();
    assert!(!body.contains("先交卷的人"), "{body}");

    // Closed: the board and the marks are there, with the certificate.
    sqlx::query("UPDATE contests SET closes_at = $1 WHERE id = $2")
        .bind(app::foundation::clock::now() - 1)
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    app.count_a_change_made_outside().await;
    let result = attempt_result(&app, &attempt).await;
    assert!(result["marks"]["certificate"].is_string(), "{result}");
    // The board kept from before (a few seconds) knew the old closing time.
    tokio::time::sleep(std::time::Duration::from_secs(app::memo::LEADERBOARD_SECS)).await;
    let (_, board) = app.page(&format!("/contest/{id}/leaderboard?r=1")).await;
    assert!(board.contains("先交卷的人"), "{board}");
}

#[tokio::test]
async fn nicknames_that_turn_text_around_or_hide_in_symbols_are_refused() {
    let app = spawn_with_secrets(0).await;
    let id = contest(&app, &[("form[attempts_per_day]", "20")]).await;
    for bad in [
        "abc\u{202E}def",
        "零\u{200B}宽",
        "e\u{301}\u{301}\u{301}",
        "第一名🏆",
        "<b>王</b>",
    ] {
        let (status, body) = call(
            &app.another_browser(),
            "attempt_start",
            json!({ "contest_id": id, "entrant": { "nickname": bad, "town": "", "employer": "" } }),
        )
        .await;
        assert_eq!(status, 422, "{bad:?} was accepted: {body}");
        assert!(
            body["Refused"].as_str().unwrap().contains("昵称只能使用"),
            "{body}"
        );
    }
    for good in ["张阿姨", "Li Lei", "王·小明", "老陈(水口)", "user_01"] {
        let view = start(&app.another_browser(), id, good).await;
        assert!(view["id"].is_string(), "{good:?} was refused: {view}");
    }
}

#[tokio::test]
async fn one_address_puts_at_most_thirty_rows_a_day_on_the_leaderboard() {
    let app = spawn_with_secrets(0).await;
    let id = contest(&app, &[("form[attempts_per_day]", "20")]).await;
    let quota = app::contest::RANKED_PER_ADDRESS_PER_DAY as usize;
    for n in 0..quota + 3 {
        submitted_at_reading_speed(&app.another_browser(), id, &format!("刷榜{n:02}")).await;
    }
    let board = leaderboard(&app, id).await;
    let people = board["people"].as_array().unwrap();
    assert_eq!(people.len(), quota, "{board}");
    // Every attempt was scored and kept; only the board left the late ones out.
    let kept: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attempts WHERE contest_id = $1 AND submitted_at IS NOT NULL",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(kept as usize, quota + 3);
    let (_, page) = app.page(&format!("/contest/{id}/leaderboard")).await;
    assert!(
        page.contains("同一网络每天最多 30 人次进入排行榜"),
        "{page}"
    );
    assert!(
        page.contains("练习模式"),
        "the page says its questions can be practised"
    );
}

#[tokio::test]
async fn staff_hide_a_leaderboard_row_with_a_reason_and_the_public_page_counts_it() {
    let app = spawn_with_secrets(0).await;
    let id = contest(&app, &[]).await;
    submitted_at_reading_speed(&app.another_browser(), id, "认真答题").await;
    submitted_at_reading_speed(&app.another_browser(), id, "广告昵称").await;

    let officer = app.another_browser();
    officer
        .signed_in_as("officer-hide", &[Role::ContestAdmin])
        .await;
    let (_, stats) = officer.page(&format!("/admin/contests/{id}")).await;
    assert!(
        stats.contains("排行榜管理") && stats.contains("广告昵称"),
        "{stats}"
    );
    let participant: String = sqlx::query_scalar(
        "SELECT participant FROM contest_best WHERE contest_id = $1 AND nickname = '广告昵称'",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let id_text = id.to_string();
    let hide = async |browser: &TestApp, reason: &str| {
        let fields = [
            ("contest_id", id_text.as_str()),
            ("participant", participant.as_str()),
            ("reason", reason),
        ];
        location(
            &browser
                .post_form("/api/staff/leaderboard_hide", &fields)
                .await,
        )
    };

    // Not without a reason, and not by someone who does not run contests.
    assert!(hide(&officer, " ").await.contains("error=reason"));
    let editor = app.another_browser();
    editor.signed_in_as("editor-hide", &[Role::Editor]).await;
    assert!(!hide(&editor, "昵称含广告").await.contains("done=hidden"));

    let hidden = hide(&officer, "昵称含广告").await;
    assert!(hidden.contains("done=hidden"), "{hidden}");

    let (_, board) = app.page(&format!("/contest/{id}/leaderboard?r=2")).await;
    assert!(
        board.contains("认真答题") && !board.contains("广告昵称"),
        "{board}"
    );
    assert!(board.contains("另有 1 条记录"), "{board}");
    let (actor, detail): (String, String) = sqlx::query_as(
        "SELECT actor_name, detail FROM audit_log WHERE action = 'leaderboard_row_hidden'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(actor, "officer-hide");
    assert!(detail.contains("昵称含广告"), "{detail}");
}

#[tokio::test]
async fn repeated_options_are_refused_and_an_attempt_saves_at_most_once_a_second() {
    let app = spawn_with_secrets(0).await;
    let id = contest(&app, &[]).await;
    let view = start(&app, id, "保存").await;
    let attempt = view["id"].as_str().unwrap();
    let count = view["questions"].as_array().unwrap().len();
    let mut flood = vec![vec![0usize]; count];
    flood[0] = vec![0; 50_000];
    for endpoint in ["attempt_save", "attempt_submit"] {
        let (status, body) = call(
            &app,
            endpoint,
            json!({ "attempt_id": attempt, "answers": flood }),
        )
        .await;
        assert_eq!(status, 422, "{endpoint}: {body}");
        assert!(
            body["Refused"].as_str().unwrap().contains("不止一次"),
            "{body}"
        );
    }
    let stored: String = sqlx::query_scalar("SELECT progress FROM attempts WHERE id = $1")
        .bind(attempt)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, "[]", "nothing of the flood was stored");

    // Ten saves at once: one second holds one save (two, if a second turns meanwhile).
    let answers = answers_all_first(&view);
    let saves = (0..10).map(|_| {
        call(
            &app,
            "attempt_save",
            json!({ "attempt_id": attempt, "answers": answers }),
        )
    });
    let results = futures_join_all(saves).await;
    let saved = results.iter().filter(|(status, _)| *status == 200).count();
    assert!((1..=2).contains(&saved), "{results:?}");
    for (status, body) in results.iter().filter(|(status, _)| *status != 200) {
        assert_eq!(*status, 422);
        assert!(
            body["Refused"].as_str().unwrap().contains("保存过于频繁"),
            "{body}"
        );
    }
}

/// Runs the futures concurrently and returns their outputs in order.
async fn futures_join_all<F: Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = futures.map(Box::pin).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    // Polled together: each call is a request in flight at the same time.
    std::future::poll_fn(|cx| {
        let mut all_done = true;
        for slot in pending.iter_mut() {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(output) => {
                        outputs.push(output);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all_done = false,
                }
            }
        }
        if all_done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs
}

#[tokio::test]
async fn a_question_made_contest_only_at_another_instances_start_is_never_practised_here() {
    let one = spawn_app_with(Options {
        content_files: &[("questions/fire.toml", BANK)],
        ..Options::default()
    })
    .await;
    let (_, first) = call(&one, "practice_question", json!({ "seen": [] })).await;
    assert!(first["question"]["id"].is_string(), "{first}");

    // A second instance starts on the same database with the same questions made
    // contest-only: its start-up import changes them, and the first instance must follow.
    let secret_fire = BANK.replace("[[questions]]", "[[questions]]\ncontest_only = true");
    let uploads = one.data_dir().join("uploads");
    let _two = spawn_app_with(Options {
        existing_data: Some((&one.database_url, &uploads)),
        content_files: &[("questions/fire.toml", &secret_fire)],
        ..Options::default()
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    for _ in 0..20 {
        let (_, practice) = call(&one, "practice_question", json!({ "seen": [] })).await;
        assert_eq!(practice, Value::Null, "still practised: {practice}");
    }
    let (_, checked) = call(
        &one,
        "practice_check",
        json!({ "id": "fire-001", "order": [0, 1, 2, 3], "chosen": [2] }),
    )
    .await;
    assert_eq!(checked, Value::Null, "fire-001 is contest-only now");
}

#[tokio::test]
async fn a_practice_request_with_a_huge_seen_list_is_refused_and_a_short_one_is_kept() {
    let app = spawn_app_with(Options {
        content_files: &[("questions/fire.toml", BANK)],
        ..Options::default()
    })
    .await;
    // 60,000 made-up ids: refused before any comparison is made.
    let flood: Vec<String> = (0..60_000).map(|n| format!("x{n:07}")).collect();
    let (status, refused) = call(&app, "practice_question", json!({ "seen": flood })).await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["Refused"].as_str().unwrap().contains("请刷新页面"),
        "{refused}"
    );
    // What the page sends (the last few shown) is kept: every question but one was seen.
    let seen: Vec<String> = BANK
        .lines()
        .filter_map(|line| line.strip_prefix("id = \""))
        .map(|rest| rest.trim_end_matches('"').to_string())
        .filter(|id| id != "fire-001")
        .collect();
    assert!(seen.len() > 10 && seen.len() <= app::contest::api::PRACTICE_SEEN_KEPT);
    for _ in 0..5 {
        let (status, next) = call(&app, "practice_question", json!({ "seen": seen })).await;
        assert_eq!(status, 200);
        assert_eq!(next["question"]["id"], "fire-001", "{next}");
    }
}
