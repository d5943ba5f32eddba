//! `app::contest::store`: the question bank, contests, attempts, leaderboards and certificates.

use app::foundation::db::Pool;
use app::{
    contest::{
        catalog::Catalog,
        store::{self, Finished, NewAttempt, NewContest},
    },
    staff::Role,
};
use domain::contest::{
    bank::{Kind, Question},
    paper::{PaperQuestion, Quota},
    scoring::Credit,
};

use super::{NOW, fresh_db, staff_user};

const DAY: &str = "2027-01-15";

fn question(id: &str, topic: &str, contest_only: bool) -> Question {
    Question {
        id: id.into(),
        topic: topic.into(),
        kind: Kind::Single,
        difficulty: 1,
        stem: format!("题目{id}"),
        options: vec!["甲".into(), "乙".into(), "丙".into()],
        answer: vec![0],
        explanation: "见《中华人民共和国安全生产法》".into(),
        source: "安全生产法".into(),
        contest_only,
    }
}

fn from_files(questions: &[Question]) -> Vec<(Question, String)> {
    questions
        .iter()
        .map(|q| (q.clone(), format!("{}.toml", q.topic)))
        .collect()
}

fn ids(questions: &[Question]) -> Vec<&str> {
    questions.iter().map(|q| q.id.as_str()).collect()
}

fn new_contest(by: i64, quotas: &[Quota]) -> NewContest<'_> {
    NewContest {
        title: "安全生产月知识竞赛",
        description: "全市企业职工参加",
        opens_at: NOW,
        closes_at: NOW + 7 * 86_400,
        question_count: 2,
        quotas,
        time_limit_secs: 600,
        pass_percent: 60,
        attempts_per_day: 3,
        ask_town: true,
        ask_employer: false,
        contest_only: false,
        created_by: by,
    }
}

/// A contest made by a new staff member; returns its id.
async fn a_contest(pool: &Pool) -> i64 {
    let by = staff_user(pool, "contest", &[Role::ContestAdmin]).await;
    store::create_contest(pool, new_contest(by, &[]), NOW)
        .await
        .unwrap()
}

fn paper() -> Vec<PaperQuestion> {
    vec![
        PaperQuestion {
            id: "q1".into(),
            order: vec![2, 0, 1],
        },
        PaperQuestion {
            id: "q3".into(),
            order: vec![0, 1, 2],
        },
    ]
}

/// An attempt by `participant` from 1.2.3.4, started at `at`, ten minutes to answer.
fn attempt<'a>(
    id: &'a str,
    contest_id: i64,
    participant: &'a str,
    paper: &'a [PaperQuestion],
    at: i64,
) -> NewAttempt<'a> {
    NewAttempt {
        id,
        contest_id,
        participant,
        client_ip: "1.2.3.4",
        day: DAY,
        nickname: participant,
        town: "长沙街道",
        employer: "",
        paper,
        started_at: at,
        deadline_at: at + 600,
        ranked: true,
    }
}

fn finished(score: i64, elapsed_secs: i64) -> Finished<'static> {
    Finished {
        answers: &[],
        review: &[],
        score,
        elapsed_secs,
        passed: score >= 60,
        late: false,
        flagged_fast: false,
        certificate: None,
    }
}

/// Starts and submits an attempt.
async fn scored(pool: &Pool, a: NewAttempt<'_>, score: i64, elapsed: i64) {
    let (id, at) = (a.id.to_string(), a.started_at);
    store::insert_attempt(pool, a).await.unwrap();
    let stored = store::finish(pool, &id, finished(score, elapsed), at + elapsed)
        .await
        .unwrap();
    assert!(stored);
}

#[tokio::test]
async fn the_bank_is_what_the_files_say_and_practice_never_shows_contest_only_questions() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let bank = [
        question("q1", "消防", false),
        question("q2", "用电", true),
        question("q3", "消防", false),
    ];
    store::replace_bank(pool, &from_files(&bank), NOW)
        .await
        .unwrap();
    assert_eq!(ids(&store::bank(pool).await.unwrap()), ["q1", "q2", "q3"]);
    let catalog = Catalog::default();
    let snapshot = catalog.snapshot(pool).await.unwrap();
    assert_eq!(ids(&snapshot.practice), ["q1", "q3"]);
    assert_eq!(ids(&snapshot.contest_only), ["q2"]);
    assert_eq!(ids(&snapshot.active), ["q1", "q2", "q3"]);
    let by_topic = store::bank_by_topic(pool).await.unwrap();
    assert_eq!(by_topic, [("消防".to_string(), 2), ("用电".to_string(), 1)]);
    assert_eq!(
        store::bank(pool).await.unwrap()[1],
        bank[1],
        "read back as stored"
    );

    // A question gone from the files is retired, not deleted; a changed one is updated.
    let mut changed = bank[0].clone();
    changed.stem = "新的题干".into();
    changed.answer = vec![1];
    store::replace_bank(
        pool,
        &from_files(&[changed.clone(), bank[1].clone()]),
        NOW + 1,
    )
    .await
    .unwrap();
    assert_eq!(ids(&store::bank(pool).await.unwrap()), ["q1", "q2"]);
    // The catalog keeps what it read until it is told of a change.
    assert_eq!(
        ids(&catalog.snapshot(pool).await.unwrap().practice),
        ["q1", "q3"]
    );
    catalog.forget();
    assert_eq!(ids(&catalog.snapshot(pool).await.unwrap().practice), ["q1"]);
    assert_eq!(
        store::question(pool, "q1").await.unwrap(),
        Some((changed, true))
    );
    assert_eq!(
        store::question(pool, "q3").await.unwrap(),
        Some((bank[2].clone(), false))
    );
    assert_eq!(store::question(pool, "q9").await.unwrap(), None);
}

#[tokio::test]
async fn questions_changed_by_staff_survive_the_next_load_of_the_files() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let bank = [question("q1", "消防", false), question("q2", "消防", false)];
    store::replace_bank(pool, &from_files(&bank), NOW)
        .await
        .unwrap();
    let mut edited = bank[0].clone();
    edited.stem = "工作人员改过的题干".into();
    store::save_edited(pool, &edited, true, NOW + 1)
        .await
        .unwrap();
    let added = question("staff-1", "应急", true);
    store::save_edited(pool, &added, true, NOW + 1)
        .await
        .unwrap();
    store::save_edited(pool, &bank[1], false, NOW + 1)
        .await
        .unwrap();

    // The server loads the files again at its next start.
    store::replace_bank(pool, &from_files(&bank), NOW + 2)
        .await
        .unwrap();
    assert_eq!(
        store::question(pool, "q1").await.unwrap(),
        Some((edited, true))
    );
    assert_eq!(
        store::question(pool, "staff-1").await.unwrap(),
        Some((added, true))
    );
    assert_eq!(
        store::question(pool, "q2").await.unwrap(),
        Some((bank[1].clone(), false)),
        "retired by staff, it stays retired"
    );
    assert_eq!(ids(&store::bank(pool).await.unwrap()), ["q1", "staff-1"]);
}

#[tokio::test]
async fn a_paper_s_questions_come_in_its_order_retired_ones_included() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let bank = [
        question("q1", "消防", false),
        question("q2", "消防", false),
        question("q3", "消防", false),
    ];
    store::replace_bank(pool, &from_files(&bank), NOW)
        .await
        .unwrap();
    store::replace_bank(pool, &from_files(&bank[..2]), NOW + 1)
        .await
        .unwrap();

    let catalog = Catalog::default();
    let reversed: Vec<PaperQuestion> = paper().into_iter().rev().collect();
    let questions = catalog.paper_questions(pool, &reversed).await.unwrap();
    assert_eq!(ids(&questions), ["q3", "q1"]);
    let missing = [PaperQuestion {
        id: "gone".into(),
        order: vec![0, 1, 2],
    }];
    let error = catalog
        .paper_questions(pool, &[paper(), missing.to_vec()].concat())
        .await;
    assert!(matches!(error, Err(sqlx::Error::RowNotFound)), "{error:?}");
}

#[tokio::test]
async fn contests_come_newest_first_with_the_people_who_submitted() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let by = staff_user(pool, "contest", &[Role::ContestAdmin]).await;
    let quotas = [Quota {
        topic: Some("消防".into()),
        difficulty: None,
        count: 2,
    }];
    let first = store::create_contest(pool, new_contest(by, &quotas), NOW)
        .await
        .unwrap();
    let later = NewContest {
        opens_at: NOW + 100,
        contest_only: true,
        ..new_contest(by, &[])
    };
    let second = store::create_contest(pool, later, NOW).await.unwrap();
    let listed: Vec<i64> = store::contests(pool)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(listed, [second, first]);

    let paper = paper();
    scored(pool, attempt("a1", first, "p-a", &paper, NOW), 80, 100).await;
    scored(
        pool,
        attempt("a2", first, "p-a", &paper, NOW + 1000),
        90,
        100,
    )
    .await;
    scored(pool, attempt("b1", first, "p-b", &paper, NOW), 70, 100).await;
    store::insert_attempt(pool, attempt("c1", first, "p-c", &paper, NOW))
        .await
        .unwrap();
    scored(
        pool,
        attempt("d1", second, "p-d", &paper, NOW + 100),
        70,
        100,
    )
    .await;

    let info = store::contest(pool, first).await.unwrap().unwrap();
    assert_eq!(info.participants, 2, "people, not attempts; submitted only");
    assert_eq!(
        (info.title.as_str(), info.opens_at, info.closes_at),
        ("安全生产月知识竞赛", NOW, NOW + 7 * 86_400)
    );
    assert_eq!(
        (
            info.question_count,
            info.time_limit_secs,
            info.pass_percent,
            info.attempts_per_day
        ),
        (2, 600, 60, 3)
    );
    assert_eq!(
        (info.ask_town, info.ask_employer, info.contest_only),
        (true, false, false)
    );
    let catalog = Catalog::default();
    let entering = catalog.contest(pool, first).await.unwrap().unwrap();
    assert_eq!(
        entering.info,
        app::contest::ContestInfo {
            participants: 0,
            ..info
        }
    );
    assert_eq!(entering.quotas, quotas);
    let terms = catalog.contest(pool, second).await.unwrap().unwrap();
    assert!(terms.quotas.is_empty());
    assert_eq!(
        (
            terms.info.pass_percent,
            terms.info.closes_at,
            terms.info.contest_only
        ),
        (60, NOW + 7 * 86_400, true)
    );
    assert!(store::contest(pool, second + 1).await.unwrap().is_none());
    assert!(catalog.contest(pool, second + 1).await.unwrap().is_none());
}

#[tokio::test]
async fn an_attempt_keeps_progress_until_its_deadline_and_is_submitted_once() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let contest = a_contest(pool).await;
    let paper = paper();
    store::insert_attempt(pool, attempt("att-1", contest, "p-a", &paper, NOW))
        .await
        .unwrap();

    let open = store::unsubmitted(pool, contest, "p-a")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (open.id.as_str(), open.contest_id, open.nickname.as_str()),
        ("att-1", contest, "p-a")
    );
    assert_eq!(
        (open.started_at, open.deadline_at, open.submitted_at),
        (NOW, NOW + 600, None)
    );
    assert_eq!(open.paper().unwrap(), paper);
    assert!(open.progress().is_empty());
    assert!(
        store::unsubmitted(pool, contest, "p-b")
            .await
            .unwrap()
            .is_none()
    );

    let answers = vec![vec![1], vec![]];
    assert!(
        store::save_progress(pool, "att-1", &answers, NOW + 30)
            .await
            .unwrap()
    );
    assert!(
        store::save_progress(pool, "att-1", &answers, NOW + 600)
            .await
            .unwrap()
    );
    assert!(
        !store::save_progress(pool, "att-1", &[], NOW + 601)
            .await
            .unwrap(),
        "past the deadline"
    );
    let saved = store::attempt(pool, "att-1").await.unwrap().unwrap();
    assert_eq!(
        (saved.progress(), saved.progress_at),
        (answers.clone(), Some(NOW + 600))
    );

    let review = [
        ("q1".to_string(), Credit::Full),
        ("q3".to_string(), Credit::None),
    ];
    let done = Finished {
        answers: &answers,
        review: &review,
        certificate: Some("KP-2027-0001"),
        ..finished(80, 290)
    };
    assert!(store::finish(pool, "att-1", done, NOW + 290).await.unwrap());
    assert!(
        !store::finish(pool, "att-1", finished(100, 1), NOW + 300)
            .await
            .unwrap(),
        "once only"
    );
    assert!(
        !store::save_progress(pool, "att-1", &answers, NOW + 300)
            .await
            .unwrap()
    );
    assert!(
        store::unsubmitted(pool, contest, "p-a")
            .await
            .unwrap()
            .is_none()
    );

    let row = store::attempt(pool, "att-1").await.unwrap().unwrap();
    assert_eq!(
        (row.submitted_at, row.score, row.elapsed_secs),
        (Some(NOW + 290), Some(80), Some(290))
    );
    assert_eq!(
        (
            row.passed.map(|p| p != 0),
            row.late,
            row.certificate.as_deref()
        ),
        (Some(true), false, Some("KP-2027-0001"))
    );
    assert_eq!(row.answers.as_deref(), Some("[[1],[]]"));
    let certificate = store::certificate(pool, "KP-2027-0001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            certificate.nickname.as_str(),
            certificate.contest_title.as_str()
        ),
        ("p-a", "安全生产月知识竞赛")
    );
    assert_eq!(
        (certificate.score, certificate.submitted_at),
        (80, NOW + 290)
    );
    assert!(
        store::certificate(pool, "KP-2027-9999")
            .await
            .unwrap()
            .is_none()
    );
    assert!(store::attempt(pool, "att-2").await.unwrap().is_none());
}

#[tokio::test]
async fn attempts_started_today_are_counted_by_person_and_by_address() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let by = staff_user(pool, "contest", &[Role::ContestAdmin]).await;
    let contest = store::create_contest(pool, new_contest(by, &[]), NOW)
        .await
        .unwrap();
    let other = store::create_contest(pool, new_contest(by, &[]), NOW)
        .await
        .unwrap();
    let paper = paper();
    store::insert_attempt(pool, attempt("a1", contest, "p-a", &paper, NOW))
        .await
        .unwrap();
    store::insert_attempt(pool, attempt("a2", contest, "p-a", &paper, NOW + 50))
        .await
        .unwrap();
    store::insert_attempt(pool, attempt("b1", contest, "p-b", &paper, NOW + 70))
        .await
        .unwrap();
    store::insert_attempt(
        pool,
        NewAttempt {
            client_ip: "5.6.7.8",
            ..attempt("a3", contest, "p-a", &paper, NOW + 90)
        },
    )
    .await
    .unwrap();
    store::insert_attempt(
        pool,
        NewAttempt {
            day: "2027-01-16",
            ..attempt("a4", contest, "p-a", &paper, NOW + 86_400)
        },
    )
    .await
    .unwrap();
    store::insert_attempt(pool, attempt("a5", other, "p-a", &paper, NOW + 100))
        .await
        .unwrap();

    let today = store::started_today(pool, contest, "p-a", "1.2.3.4", DAY)
        .await
        .unwrap();
    assert_eq!(
        (today.mine, today.from_address, today.last_from_address),
        (3, 3, Some(NOW + 70))
    );
    let elsewhere = store::started_today(pool, contest, "p-c", "9.9.9.9", DAY)
        .await
        .unwrap();
    assert_eq!(
        (
            elsewhere.mine,
            elsewhere.from_address,
            elsewhere.last_from_address
        ),
        (0, 0, None)
    );
}

#[tokio::test]
async fn the_leaderboard_ranks_each_person_s_best_attempt_by_score_then_time() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let contest = a_contest(pool).await;
    let paper = paper();
    scored(pool, attempt("a1", contest, "p-a", &paper, NOW), 80, 300).await;
    scored(
        pool,
        attempt("a2", contest, "p-a", &paper, NOW + 1000),
        90,
        500,
    )
    .await;
    scored(pool, attempt("b1", contest, "p-b", &paper, NOW), 90, 200).await;
    scored(pool, attempt("c1", contest, "p-c", &paper, NOW), 70, 100).await;
    // Too fast to be real: kept, never ranked.
    store::insert_attempt(pool, attempt("d1", contest, "p-d", &paper, NOW))
        .await
        .unwrap();
    let fast = Finished {
        flagged_fast: true,
        ..finished(100, 4)
    };
    assert!(store::finish(pool, "d1", fast, NOW + 4).await.unwrap());
    store::insert_attempt(pool, attempt("e1", contest, "p-e", &paper, NOW))
        .await
        .unwrap();

    let people = store::people(pool, contest, 50).await.unwrap();
    let board: Vec<(usize, &str, i64, i64)> = people
        .iter()
        .map(|p| (p.rank, p.nickname.as_str(), p.score, p.elapsed_secs))
        .collect();
    assert_eq!(
        board,
        [
            (1, "p-b", 90, 200),
            (2, "p-a", 90, 500),
            (3, "p-c", 70, 100)
        ]
    );
    assert_eq!(store::people(pool, contest, 2).await.unwrap().len(), 2);

    let exported = store::submitted(pool, contest).await.unwrap();
    let order: Vec<(&str, i64, bool)> = exported.iter().map(|r| (r.0.as_str(), r.5, r.6)).collect();
    assert_eq!(
        order,
        [
            ("p-d", NOW + 4, true),
            ("p-c", NOW + 100, false),
            ("p-b", NOW + 200, false),
            ("p-a", NOW + 300, false),
            ("p-a", NOW + 1500, false)
        ]
    );
}

#[tokio::test]
async fn towns_count_each_person_once_with_the_average_of_best_scores() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let contest = a_contest(pool).await;
    let paper = paper();
    let sanbu = |id, who, at| NewAttempt {
        town: "三埠街道",
        ..attempt(id, contest, who, &paper, at)
    };
    scored(pool, attempt("a1", contest, "p-a", &paper, NOW), 80, 100).await;
    scored(
        pool,
        attempt("a2", contest, "p-a", &paper, NOW + 1000),
        90,
        100,
    )
    .await;
    scored(pool, attempt("b1", contest, "p-b", &paper, NOW), 70, 100).await;
    scored(pool, sanbu("c1", "p-c", NOW), 60, 100).await;
    scored(
        pool,
        NewAttempt {
            town: "",
            ..attempt("d1", contest, "p-d", &paper, NOW)
        },
        100,
        100,
    )
    .await;

    let towns: Vec<(String, i64, f64)> = store::towns(pool, contest)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.town, t.participants, t.average))
        .collect();
    assert_eq!(
        towns,
        [
            ("长沙街道".to_string(), 2, 80.0),
            ("三埠街道".to_string(), 1, 60.0)
        ]
    );
}
