//! The knowledge contest over HTTP: fair scoring on the server, and every rule of "bad input":
//! window, daily limits, someone else's attempt, tampered or malformed answers, replays, late
//! submissions, reading speed; and an attempt's payload never carries the answers.

use app::staff::Role;
use serde_json::{Value, json};

use crate::helpers::{Options, TestApp, location, spawn_app_with};

pub(crate) const BANK: &str = include_str!("../../../content/questions/fire.toml");

pub(crate) async fn spawn() -> TestApp {
    spawn_app_with(Options {
        content_files: &[
            ("questions/fire.toml", BANK),
            (
                "questions/broken.toml",
                "topic = \"坏题\"\n\n[[questions]]\nid = \"bad-1\"\nkind = \"single\"\ndifficulty = 1\nstem = \"s\"\noptions = [\"a\", \"b\"]\nanswer = [\"A\", \"B\"]\nexplanation = \"e\"\nsource = \"s\"\n",
            ),
        ],
        ..Options::default()
    })
    .await
}

/// Creates a contest through the staff form; returns its id.
pub(crate) async fn contest(app: &TestApp, fields: &[(&str, &str)]) -> i64 {
    let staff = app.another_browser();
    let name = format!("officer{}", rand_suffix());
    staff.signed_in_as(&name, &[Role::ContestAdmin]).await;
    let now = app::foundation::clock::now();
    let opens = app::foundation::clock::format_beijing(now - 3600).replace(' ', "T");
    let closes = app::foundation::clock::format_beijing(now + 86_400).replace(' ', "T");
    let mut form = vec![
        ("form[title]", "安全生产月知识竞赛"),
        ("form[description]", "测试"),
        ("form[opens_at]", opens.as_str()),
        ("form[closes_at]", closes.as_str()),
        ("form[question_count]", "5"),
        ("form[time_limit_minutes]", "10"),
        ("form[pass_percent]", "0"),
        ("form[attempts_per_day]", "2"),
        ("form[ask_town]", "on"),
    ];
    for (key, value) in fields {
        form.retain(|(k, _)| k != key);
        form.push((key, value));
    }
    let to = location(&staff.post_form("/api/staff/contest_create", &form).await);
    assert!(to.ends_with("?done=created"), "{to}");
    to.trim_start_matches("/admin/contests/")
        .trim_end_matches("?done=created")
        .parse()
        .unwrap()
}

pub(crate) fn rand_suffix() -> u32 {
    rand::random::<u32>() % 100_000
}

/// Calls a JSON server function as the quiz island does.
pub(crate) async fn call(app: &TestApp, endpoint: &str, body: Value) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(&format!("/api/{endpoint}")))
        .header("origin", &app.origin)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub(crate) async fn start(app: &TestApp, contest: i64, nickname: &str) -> Value {
    let (status, body) = call(
        app,
        "attempt_start",
        json!({ "contest_id": contest, "entrant": { "nickname": nickname, "town": "水口镇", "employer": "" } }),
    )
    .await;
    // Started (200), or refused with a message for the person (422).
    assert!(
        status == 200 || (status == 422 && body["Refused"].is_string()),
        "{status}: {body}"
    );
    body
}

/// Starts an attempt and submits it as someone who read each question (the start is moved
/// back a minute, so it is not flagged as too fast); returns the attempt's id.
pub(crate) async fn submitted_at_reading_speed(
    app: &TestApp,
    contest: i64,
    nickname: &str,
) -> String {
    let view = start(app, contest, nickname).await.clone();
    let attempt = view["id"].as_str().unwrap().to_string();
    sqlx::query("UPDATE attempts SET started_at = started_at - 60 WHERE id = $1")
        .bind(&attempt)
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, done) = call(
        app,
        "attempt_submit",
        json!({ "attempt_id": attempt, "answers": answers_all_first(&view) }),
    )
    .await;
    assert_eq!(done, Value::Null);
    attempt
}

pub(crate) fn answers_all_first(view: &Value) -> Value {
    let count = view["questions"].as_array().unwrap().len();
    json!(vec![vec![0]; count])
}

#[tokio::test]
async fn an_attempt_is_scored_by_the_server_once_and_its_review_shows_the_answers() {
    let app = spawn().await;
    let id = contest(&app, &[]).await;
    let started = start(&app, id, "张阿姨").await;
    let view = &started;
    let attempt = view["id"].as_str().unwrap().to_string();
    assert_eq!(view["questions"].as_array().unwrap().len(), 5);
    assert!(view["remaining_secs"].as_i64().unwrap() > 590);
    // The payload carries questions and options, never answers or explanations.
    for question in view["questions"].as_array().unwrap() {
        let mut keys: Vec<&str> = question
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["id", "kind", "options", "stem"]);
    }
    let text = started.to_string();
    for secret in ["explanation", "correct", "source", "\"answer\""] {
        assert!(
            !text.contains(secret),
            "the attempt payload carries {secret}"
        );
    }
    assert_eq!(
        view["answers"],
        json!([[], [], [], [], []]),
        "only the participant's own (none yet)"
    );

    // Starting again resumes the same attempt (a reload).
    let again = start(&app, id, "张阿姨").await;
    assert_eq!(again["id"], attempt.as_str());
    let (_, current) = call(&app, "attempt_current", json!({ "contest_id": id })).await;
    assert_eq!(current["id"], attempt.as_str());

    // Progress is kept.
    let answers = answers_all_first(view);
    let (_, saved) = call(
        &app,
        "attempt_save",
        json!({ "attempt_id": attempt, "answers": answers }),
    )
    .await;
    assert_eq!(saved, Value::Null);

    // Someone else can neither submit nor read it.
    let stranger = app.another_browser();
    let (status, refused) = call(
        &stranger,
        "attempt_submit",
        json!({ "attempt_id": attempt, "answers": answers }),
    )
    .await;
    // A refusal is a 422 whose body names it and says why, in words for the person.
    assert_eq!(status, 422);
    assert!(
        refused["Refused"].as_str().unwrap().contains("没有找到"),
        "{refused}"
    );

    // Tampered answers are refused and the attempt stays open.
    for (bad, reason) in [
        (json!([[0]]), "数量与试卷不符"),
        (json!([[9], [0], [0], [0], [0]]), "不是本题的选项"),
    ] {
        let (_, refused) = call(
            &app,
            "attempt_submit",
            json!({ "attempt_id": attempt, "answers": bad }),
        )
        .await;
        assert!(
            refused["Refused"].as_str().unwrap().contains(reason),
            "{refused}"
        );
    }

    let (_, submitted) = call(
        &app,
        "attempt_submit",
        json!({ "attempt_id": attempt, "answers": answers }),
    )
    .await;
    assert_eq!(submitted, Value::Null);
    // A replay is refused; the stored result does not change.
    let (_, replay) = call(
        &app,
        "attempt_submit",
        json!({ "attempt_id": attempt, "answers": answers }),
    )
    .await;
    assert!(
        replay["Refused"].as_str().unwrap().contains("已经交卷"),
        "{replay}"
    );

    let (status, page) = app.page(&format!("/contest/result/{attempt}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("解析：") && page.contains("正确答案："),
        "{page}"
    );
    assert!(page.contains("张阿姨"));
    let (_, stranger_page) = stranger.page(&format!("/contest/result/{attempt}")).await;
    assert!(stranger_page.contains("没有找到这次答题"));

    // Answered at once: flagged as faster than reading, kept off the leaderboard.
    let flagged: i64 = sqlx::query_scalar("SELECT flagged_fast FROM attempts WHERE id = $1")
        .bind(&attempt)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(flagged == 1);
}

#[tokio::test]
async fn daily_limits_windows_and_late_submissions_are_enforced() {
    let app = spawn().await;
    let id = contest(&app, &[("form[attempts_per_day]", "1")]).await;
    let view = start(&app, id, "李伯").await.clone();
    let attempt = view["id"].as_str().unwrap().to_string();
    let answers = answers_all_first(&view);
    call(
        &app,
        "attempt_save",
        json!({ "attempt_id": attempt, "answers": answers }),
    )
    .await;

    // Time runs out: the deadline is moved into the past, as a clock would.
    sqlx::query("UPDATE attempts SET deadline_at = deadline_at - 3600, started_at = started_at - 3600 WHERE id = $1")
        .bind(&attempt)
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, late) = call(
        &app,
        "attempt_submit",
        json!({ "attempt_id": attempt, "answers": [[1],[1],[1],[1],[1]] }),
    )
    .await;
    assert!(
        late["Refused"].as_str().unwrap().contains("已超过答题时间"),
        "{late}"
    );
    let (late_flag, stored): (i64, String) =
        sqlx::query_as("SELECT late, answers FROM attempts WHERE id = $1")
            .bind(&attempt)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(late_flag == 1);
    assert_eq!(
        stored,
        answers.to_string(),
        "the answers saved before the deadline were scored"
    );

    // One attempt a day.
    let (_, refused) = call(
        &app,
        "attempt_start",
        json!({ "contest_id": id, "entrant": { "nickname": "李伯" } }),
    )
    .await;
    assert!(
        refused["Refused"].as_str().unwrap().contains("次数已用完"),
        "{refused}"
    );

    // Outside the window.
    let now = app::foundation::clock::now();
    let future_open = app::foundation::clock::format_beijing(now + 86_400).replace(' ', "T");
    let future_close = app::foundation::clock::format_beijing(now + 2 * 86_400).replace(' ', "T");
    let later = contest(
        &app,
        &[
            ("form[opens_at]", &future_open),
            ("form[closes_at]", &future_close),
        ],
    )
    .await;
    let (_, refused) = call(
        &app,
        "attempt_start",
        json!({ "contest_id": later, "entrant": { "nickname": "王" } }),
    )
    .await;
    assert!(
        refused["Refused"].as_str().unwrap().contains("还没有开始"),
        "{refused}"
    );

    // A nickname that is an ID number is refused.
    let other = app.another_browser();
    let (_, refused) = call(
        &other,
        "attempt_start",
        json!({ "contest_id": id, "entrant": { "nickname": "440783199001011234" } }),
    )
    .await;
    assert!(
        refused["Refused"].as_str().unwrap().contains("身份证号"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_pass_earns_a_certificate_the_site_confirms_and_a_place_on_the_leaderboard() {
    let app = spawn().await;
    let id = contest(&app, &[]).await;
    let attempt = submitted_at_reading_speed(&app, id, "老陈(水口)").await;
    let code: String = sqlx::query_scalar("SELECT certificate FROM attempts WHERE id = $1")
        .bind(&attempt)
        .fetch_one(&app.pool)
        .await
        .unwrap();

    let response = app.get(&format!("/contest/certificate/{code}.svg")).await;
    assert_eq!(
        response.headers()["content-type"],
        "image/svg+xml; charset=utf-8"
    );
    let svg = response.text().await.unwrap();
    assert!(svg.contains("老陈(水口)"), "the name is drawn");
    assert!(svg.contains(&code));

    let visitor = app.another_browser();
    let (_, page) = visitor
        .page(&format!("/contest/certificate?code={code}"))
        .await;
    assert!(page.contains("证书有效"), "{page}");
    let (_, page) = visitor.page("/contest/certificate?code=NOSUCHCODE").await;
    assert!(page.contains("没有找到这个验证码"));

    let (_, board) = visitor.page(&format!("/contest/{id}/leaderboard")).await;
    assert!(board.contains("老陈(水口)"), "{board}");
    assert!(board.contains("水口镇"));

    // Without AQXC_PUBLIC_ORIGIN there is no address to encode (`hardening::with_a_public_…`).
    let qr = visitor.get(&format!("/contest/{id}/qr.svg")).await;
    assert_eq!(qr.status(), 503);
}

#[tokio::test]
async fn the_bank_loads_the_good_questions_and_skips_the_bad_ones() {
    let app = spawn().await;
    let (good, bad): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM questions WHERE active = 1), (SELECT COUNT(*) FROM questions WHERE id = 'bad-1')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(good >= 20);
    assert_eq!(bad, 0);
}

#[tokio::test]
async fn impossible_contests_are_refused_and_only_contest_officers_may_create_them() {
    let app = spawn().await;
    let staff = app.another_browser();
    staff
        .signed_in_as("quizmaster", &[Role::ContestAdmin])
        .await;
    let to = location(
        &staff
            .post_form(
                "/api/staff/contest_create",
                &[
                    ("form[title]", "题太多"),
                    ("form[opens_at]", "2026-12-01T08:00"),
                    ("form[closes_at]", "2026-12-02T08:00"),
                    ("form[question_count]", "100"),
                    ("form[time_limit_minutes]", "10"),
                    ("form[pass_percent]", "60"),
                    ("form[attempts_per_day]", "1"),
                ],
            )
            .await,
    );
    assert!(to.starts_with("/admin/contests/new?error="), "{to}");
    let (_, page) = staff.page(&to).await;
    assert!(page.contains("不够抽 100 道"), "{page}");
    assert!(page.contains(r#"value="题太多""#));

    let editor = app.another_browser();
    editor.signed_in_as("writer", &[Role::Editor]).await;
    let response = editor
        .post_form("/api/staff/contest_create", &[("form[title]", "x")])
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(
        editor.get("/admin/contests/1/export.csv").await.status(),
        403
    );
}

#[tokio::test]
async fn staff_edit_the_bank_under_the_same_rules_as_the_files() {
    let app = spawn().await;
    let staff = app.another_browser();
    staff
        .signed_in_as("bankkeeper", &[Role::ContestAdmin])
        .await;
    let mut form = vec![
        ("form[id]", "staff-1"),
        ("form[topic]", "消防安全"),
        ("form[kind]", "single"),
        ("form[difficulty]", "1"),
        ("form[stem]", "家中油锅起火，首先应当？"),
        ("form[options]", "用水浇\n盖上锅盖并关火\n端起锅往外跑"),
        ("form[answer]", "B,C"),
        (
            "form[explanation]",
            "油锅起火不能用水浇，应盖锅盖窒息灭火并关闭燃气。",
        ),
        ("form[source]", "应急管理部 消防安全常识"),
        ("form[active]", "on"),
    ];
    let to = location(&staff.post_form("/api/staff/bank_save", &form).await);
    assert!(
        to.starts_with("/admin/contests/questions/edit?error="),
        "{to}"
    );
    let (_, page) = staff.page(&to).await;
    assert!(page.contains("恰好有一个答案"), "{page}");
    assert!(page.contains("家中油锅起火"), "what was typed is kept");

    form.retain(|(k, _)| *k != "form[answer]");
    form.push(("form[answer]", "B"));
    let to = location(&staff.post_form("/api/staff/bank_save", &form).await);
    assert_eq!(to, "/admin/contests/questions?done=staff-1");
    let (active, edited): (i64, i64) =
        sqlx::query_as("SELECT active, edited FROM questions WHERE id = 'staff-1'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(active == 1 && edited == 1);
    let (_, list) = staff.page("/admin/contests/questions").await;
    assert!(list.contains("staff-1"));
}

/// Six contest-only questions (`contest_only = true`), beside the practice bank.
pub(crate) fn contest_only_bank() -> String {
    let mut text = String::from("topic = \"竞赛专用\"\n");
    for n in 1..=6 {
        text.push_str(&format!(
            "\n[[questions]]\nid = \"secret-{n}\"\nkind = \"single\"\ndifficulty = 1\n\
             stem = \"竞赛专用题干{n}\"\noptions = [\"甲{n}\", \"乙{n}\", \"丙{n}\"]\n\
             answer = [\"B\"]\nexplanation = \"专用解析{n}\"\nsource = \"《中华人民共和国安全生产法》第三条\"\n\
             contest_only = true\n"
        ));
    }
    text
}

/// The result as the result page loads it (a form-encoded server function).
pub(crate) async fn attempt_result(app: &TestApp, attempt: &str) -> Value {
    let response = app
        .client
        .post(app.url("/api/attempt_result"))
        .header("origin", &app.origin)
        .form(&[("attempt_id", attempt)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn no_answer_of_a_running_contest_only_attempt_reaches_anyone_before_it_closes() {
    let secret = contest_only_bank();
    let app = spawn_app_with(Options {
        content_files: &[
            ("questions/fire.toml", BANK),
            ("questions/secret.toml", &secret),
        ],
        ..Options::default()
    })
    .await;
    let id = contest(&app, &[("form[contest_only]", "on")]).await;
    let started = start(&app, id, "脚本").await;
    let view = &started;
    let questions = view["questions"].as_array().unwrap();
    // Handles of this attempt, never bank ids; only contest-only questions were drawn.
    let handles: Vec<&str> = questions
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    assert_eq!(handles, ["#1", "#2", "#3", "#4", "#5"]);
    assert!(
        questions
            .iter()
            .all(|q| q["stem"].as_str().unwrap().starts_with("竞赛专用题干")),
        "{view}"
    );
    assert!(!started.to_string().contains("secret-"), "{started}");

    // The practice endpoints know nothing of them: neither by handle nor by the bank id an
    // attacker may have read in the repository, with any option order.
    for id in handles
        .iter()
        .map(|h| h.to_string())
        .chain((1..=6).map(|n| format!("secret-{n}")))
    {
        for order in [json!([0, 1, 2]), json!([1, 0, 2]), json!([0, 1, 2, 3])] {
            let (status, checked) = call(
                &app,
                "practice_check",
                json!({ "id": id, "order": order, "chosen": [0] }),
            )
            .await;
            assert_eq!((status, &checked), (200, &Value::Null), "{id}");
            let (_, empty) = call(
                &app,
                "practice_check",
                json!({ "id": id, "order": order, "chosen": [] }),
            )
            .await;
            assert_eq!(empty, Value::Null, "{id}");
        }
    }
    for _ in 0..60 {
        let (_, practice) = call(&app, "practice_question", json!({ "seen": [] })).await;
        let text = practice.to_string();
        assert!(
            !text.contains("secret-") && !text.contains("竞赛专用"),
            "practice served a contest-only question: {text}"
        );
    }

    // After submitting, the score, the certificate and the answers wait for the contest to
    // close: a score alone would tell which answer was right.
    let attempt = view["id"].as_str().unwrap();
    let (_, submitted) = call(
        &app,
        "attempt_submit",
        json!({ "attempt_id": attempt, "answers": answers_all_first(view) }),
    )
    .await;
    assert_eq!(submitted, Value::Null);
    let result = &attempt_result(&app, attempt).await;
    assert_eq!(result["marks"], Value::Null, "{result}");
    assert!(result["sealed_until"].as_i64().unwrap() > app::foundation::clock::now());
    for leak in [
        "专用解析",
        "\"correct\"",
        "《中华人民共和国安全生产法》",
        "score",
        "certificate",
    ] {
        assert!(!result.to_string().contains(leak), "{leak} in {result}");
    }
    let (_, page) = app.page(&format!("/contest/result/{attempt}")).await;
    assert!(page.contains("竞赛结束后"), "{page}");
    assert!(!page.contains("专用解析") && !page.contains("正确答案："));
    assert!(
        !page.contains("<dt>得分</dt>") && !page.contains("verdict"),
        "{page}"
    );

    // Once the contest has closed, the participant sees the whole review.
    sqlx::query("UPDATE contests SET opens_at = opens_at - 200000, closes_at = $1 WHERE id = $2")
        .bind(app::foundation::clock::now() - 1)
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    app.count_a_change_made_outside().await;
    let closed = attempt_result(&app, attempt).await;
    assert_eq!(closed["marks"]["review"].as_array().unwrap().len(), 5);
    assert!(closed["marks"]["score"].is_i64(), "{closed}");
    assert_eq!(closed["sealed_until"], Value::Null);
    assert!(closed.to_string().contains("专用解析"));
}

#[tokio::test]
async fn a_contest_of_contest_only_questions_needs_enough_of_them() {
    let app = spawn().await;
    let staff = app.another_browser();
    staff.signed_in_as("officer", &[Role::ContestAdmin]).await;
    let response = staff
        .post_form(
            "/api/staff/contest_create",
            &[
                ("form[title]", "只用竞赛题"),
                ("form[opens_at]", "2026-12-01T08:00"),
                ("form[closes_at]", "2026-12-02T08:00"),
                ("form[question_count]", "5"),
                ("form[time_limit_minutes]", "10"),
                ("form[pass_percent]", "60"),
                ("form[attempts_per_day]", "1"),
                ("form[contest_only]", "on"),
            ],
        )
        .await;
    let to = location(&response);
    assert!(to.starts_with("/admin/contests/new?error="), "{to}");
    let (_, page) = staff.page(&to).await;
    assert!(page.contains("仅用于竞赛"), "{page}");
    assert!(page.contains("只用竞赛题"), "the form comes back filled in");
}

#[tokio::test]
async fn a_busy_shared_address_is_slowed_down_not_shut_out_for_the_day() {
    let app = spawn().await;
    let id = contest(&app, &[("form[attempts_per_day]", "1")]).await;
    // Twenty people behind one town office's address (20 × the daily limit of one).
    for n in 0..20 {
        let person = app.another_browser();
        assert!(start(&person, id, &format!("职工{n}")).await.is_object());
    }
    let next = app.another_browser();
    let (_, refused) = call(
        &next,
        "attempt_start",
        json!({ "contest_id": id, "entrant": { "nickname": "第二十一位", "town": "", "employer": "" } }),
    )
    .await;
    let message = refused["Refused"].as_str().unwrap_or_default();
    assert!(message.contains("秒后再点"), "{refused}");
    // A few seconds later the next colleague starts: a wait, not the end of the day.
    sqlx::query("UPDATE attempts SET started_at = started_at - 11 WHERE contest_id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(start(&next, id, "第二十一位").await.is_object());
}

#[tokio::test]
async fn a_leaderboard_is_computed_once_per_few_seconds_whatever_the_address_asks() {
    let app = spawn().await;
    let id = contest(&app, &[]).await;
    let attempt = submitted_at_reading_speed(&app, id, "王阿姨").await;
    let (_, board) = app.page(&format!("/contest/{id}/leaderboard?r=1")).await;
    assert!(board.contains("王阿姨"), "{board}");
    // A change behind its back, then addresses that skip the page cache: the board is the one
    // already computed, not a new scan of every attempt per request.
    sqlx::query("UPDATE attempts SET nickname = '改过的昵称' WHERE id = $1")
        .bind(&attempt)
        .execute(&app.pool)
        .await
        .unwrap();
    for r in 2..5 {
        let (_, board) = app.page(&format!("/contest/{id}/leaderboard?r={r}")).await;
        assert!(board.contains("王阿姨") && !board.contains("改过的昵称"));
    }
}

// ---- Races: requests that arrive at once, as from a double tap or many instances ----------

/// Runs `count` copies of a call at once from one browser; returns their answers.
async fn at_once(
    app: &std::sync::Arc<TestApp>,
    count: usize,
    endpoint: &'static str,
    body: Value,
) -> Vec<(u16, Value)> {
    let calls: Vec<_> = (0..count)
        .map(|_| {
            let (app, body) = (app.clone(), body.clone());
            tokio::spawn(async move { call(&app, endpoint, body).await })
        })
        .collect();
    let mut answers = Vec::new();
    for answer in calls {
        answers.push(answer.await.unwrap());
    }
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_starts_from_one_browser_open_one_attempt_every_time() {
    let app = std::sync::Arc::new(spawn().await);
    let id = contest(&app, &[("form[attempts_per_day]", "20")]).await;
    // The participant cookie comes with the first attempt.
    submitted_at_reading_speed(&app, id, "王阿姨").await;
    for round in 0..6 {
        let entrant = json!({ "nickname": "王阿姨", "town": "", "employer": "" });
        let answers = at_once(
            &app,
            6,
            "attempt_start",
            json!({ "contest_id": id, "entrant": entrant }),
        )
        .await;
        let ids: std::collections::BTreeSet<&str> = answers
            .iter()
            .map(|(status, view)| {
                assert_eq!(*status, 200, "round {round}: {view}");
                view["id"].as_str().unwrap()
            })
            .collect();
        assert_eq!(ids.len(), 1, "round {round}: one attempt for all six taps");
        let running: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM attempts WHERE contest_id = $1 AND submitted_at IS NULL",
        )
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(running, 1, "round {round}");
        let attempt = ids.into_iter().next().unwrap().to_string();
        let (_, done) = call(
            &app,
            "attempt_submit",
            json!({ "attempt_id": attempt, "answers": answers_all_first(&answers[0].1) }),
        )
        .await;
        assert_eq!(done, Value::Null, "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_submissions_of_one_attempt_are_scored_once() {
    let app = std::sync::Arc::new(spawn().await);
    let id = contest(&app, &[("form[attempts_per_day]", "20")]).await;
    for round in 0..6 {
        let view = start(&app, id, "李师傅").await;
        let attempt = view["id"].as_str().unwrap().to_string();
        let answers = at_once(
            &app,
            6,
            "attempt_submit",
            json!({ "attempt_id": attempt, "answers": answers_all_first(&view) }),
        )
        .await;
        let scored = answers.iter().filter(|(_, body)| body.is_null()).count();
        assert_eq!(scored, 1, "round {round}: {answers:?}");
        for (status, body) in &answers {
            assert!(
                body.is_null() || (*status == 422 && body["Refused"].is_string()),
                "round {round}: {status} {body}"
            );
        }
    }
    let submitted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attempts WHERE contest_id = $1 AND submitted_at IS NOT NULL",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(submitted, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn people_racing_from_one_busy_address_get_in_one_at_a_time() {
    let app = spawn().await;
    for round in 0..3 {
        let id = contest(&app, &[("form[attempts_per_day]", "1")]).await;
        // Nineteen colleagues already started: one more may start now, then every ten seconds.
        for n in 0..19 {
            assert!(
                start(&app.another_browser(), id, &format!("职工{n}"))
                    .await
                    .is_object()
            );
        }
        let racing: Vec<_> = (0..6)
            .map(|n| {
                let person = std::sync::Arc::new(app.another_browser());
                tokio::spawn(async move {
                    let entrant =
                        json!({ "nickname": format!("新来的{n}"), "town": "", "employer": "" });
                    call(
                        &person,
                        "attempt_start",
                        json!({ "contest_id": id, "entrant": entrant }),
                    )
                    .await
                })
            })
            .collect();
        let mut started = 0;
        for answer in racing {
            let (status, body) = answer.await.unwrap();
            if status == 200 {
                started += 1;
            } else {
                let message = body["Refused"].as_str().unwrap_or_default();
                assert!(message.contains("秒后再点"), "round {round}: {body}");
            }
        }
        assert_eq!(started, 1, "round {round}");
    }
}

#[tokio::test]
async fn the_practice_page_brings_its_first_question_in_its_html() {
    let app = spawn().await;
    let (status, page) = app.page("/contest/practice").await;
    assert_eq!(status, 200);
    let stem_at = page
        .find("quiz-question__stem")
        .expect("a question in the page before any script runs");
    assert!(page[stem_at..].contains("quiz-option"), "with its options");
    assert!(
        !page.contains("secret-") && !page.contains("竞赛专用"),
        "never a contest-only question"
    );
}

#[tokio::test]
async fn a_pass_earns_a_certificate_picture_a_phone_can_save_whose_qr_code_opens_its_verification()
{
    let app = spawn_app_with(Options {
        shipped_content: true,
        demo: true,
        public_origin: Some("https://www.kaiping.gov.cn"),
        ..Options::default()
    })
    .await;
    // The demo's participants who passed have certificates.
    let code: String = sqlx::query_scalar(
        "SELECT certificate FROM attempts WHERE certificate IS NOT NULL ORDER BY score DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();

    let started = std::time::Instant::now();
    let response = app.get(&format!("/contest/certificate/{code}.png")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    let bytes = response.bytes().await.unwrap();
    eprintln!(
        "certificate picture: {} bytes in {} ms (debug build)",
        bytes.len(),
        started.elapsed().as_millis()
    );
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((frame.width, frame.height), (1080, 1350));
    let channels = frame.line_size / frame.width as usize;
    let luma = |x: usize, y: usize| {
        let at = y * frame.line_size + x * channels;
        let (r, g, b) = (
            pixels[at] as u32,
            pixels[at + 1] as u32,
            pixels[at + 2] as u32,
        );
        ((r * 299 + g * 587 + b * 114) / 1000) as u8
    };
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(
        frame.width as usize,
        frame.height as usize,
        luma,
    );
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the picture");
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(
        content,
        format!("https://www.kaiping.gov.cn/contest/certificate?code={code}")
    );
    // Text was drawn: the picture's title band is not blank (the font was found).
    let red = (100..980)
        .flat_map(|x| (150..240).map(move |y| (x, y)))
        .filter(|&(x, y)| luma(x, y) < 120)
        .count();
    assert!(
        red > 2_000,
        "the title 荣誉证书 is drawn ({red} dark pixels)"
    );

    // The verification page says the same facts.
    let (_, page) = app.page(&format!("/contest/certificate?code={code}")).await;
    assert!(page.contains("证书有效") && page.contains(&code));
    assert!(page.contains(app::demo::CONTEST_TITLE));
    let (status, _) = app.page("/contest/certificate/NOSUCHCODE.png").await;
    assert_eq!(status, 404);
}
