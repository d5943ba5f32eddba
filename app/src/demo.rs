//! The demo world: what an empty database gets so that every page of the three features shows
//! what it is for on first start. The generated registries, a draw that has gone the whole way
//! (announced, drawn, revealed, results published, each step in the draw log) and an open
//! contest with a few finished attempts on its leaderboard, all marked 演示数据 and made by a
//! disabled staff account of their own that nobody can sign in as.
//!
//! Everything goes through the same rules and stores as staff work does, so the demo cannot
//! show what the portal would refuse. `AQXC_DEMO=false` leaves it out; [`remove`] takes it out
//! again for a real deployment.

use std::path::Path;

use domain::{
    contest::bank::Question,
    date::Date,
    inspections::{draw, registry},
};

use crate::{
    contest::{Entrant, catalog::Catalog, engine, store as contest_store},
    foundation::db::{self, Backend, Pool},
    inspections::{
        ResultCategory,
        admin::{DrawForm, StratumForm, server::validate_announcement},
        rules, store,
    },
};

/// The `app_meta` key that says what became of the demo: the unix time it was made, or
/// `removed`.
const META_KEY: &str = "demo";
/// The staff account the demo is made by; disabled, with a password hash nothing matches.
pub const DEMO_USERNAME: &str = "demo";
const DEMO_DISPLAY_NAME: &str = "演示数据";
const DAY: i64 = 24 * 3600;

/// The demo draw's title; every demo title starts with the same mark.
pub const DRAW_TITLE: &str = "【演示数据】2026年第四季度安全生产“双随机、一公开”抽查";
pub const CONTEST_TITLE: &str = "【演示数据】“安全生产月”安全知识竞赛";

/// What [`seed`] made.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Seeded {
    pub enterprises: usize,
    pub inspectors: usize,
    pub draw: Option<i64>,
    pub contest: Option<i64>,
    pub attempts: usize,
}

/// Makes the demo world on an empty database (no registry rows, no draw, no contest), once:
/// instances starting together on one database claim it in one statement, and only the
/// first makes it. A part whose content files are missing is left out with a warning.
pub async fn seed(pool: &Pool, content_dir: &Path, now: i64) -> sqlx::Result<Option<Seeded>> {
    if !is_empty(pool).await? || !claim(pool, now).await? {
        return Ok(None);
    }
    let staff = demo_account(pool, now).await?;
    let mut seeded = Seeded::default();
    // The demo's registry rows carry the time of the claim (`updated_at = now`): that is how
    // `remove` tells them from rows staff imported since.
    let folder = content_dir.join("registries");
    let read = |name: &str| std::fs::read_to_string(folder.join(name)).ok();
    if let Some(rows) = read("enterprises.csv")
        .and_then(|text| parse_or_warn(registry::parse_enterprises(&text), "enterprises"))
    {
        seeded.enterprises = store::import_enterprises(pool, &rows, now).await?.inserted;
    }
    if let Some(rows) = read("inspectors.csv")
        .and_then(|text| parse_or_warn(registry::parse_inspectors(&text), "inspectors"))
    {
        seeded.inspectors = store::import_inspectors(pool, &rows, now).await?.inserted;
    }
    if seeded.enterprises > 0 && seeded.inspectors > 0 {
        seeded.draw = demo_draw(pool, staff, now).await?;
    }
    if let Some((contest, attempts)) = demo_contest(pool, staff, now).await? {
        seeded.contest = Some(contest);
        seeded.attempts = attempts;
    }
    tracing::info!(?seeded, "demo world made (AQXC_DEMO=false leaves it out)");
    Ok(Some(seeded))
}

/// A parsed demo registry file, or nothing and the reason in the log.
fn parse_or_warn<T, E: std::fmt::Display>(
    parsed: Result<Vec<T>, Vec<E>>,
    what: &str,
) -> Option<Vec<T>> {
    match parsed {
        Ok(rows) => Some(rows),
        Err(errors) => {
            tracing::warn!(
                "demo {what}: {} bad rows, e.g. {}; left out",
                errors.len(),
                errors[0]
            );
            None
        }
    }
}

async fn is_empty(pool: &Pool) -> sqlx::Result<bool> {
    let (enterprises, inspectors, _) = store::registry_counts(pool).await?;
    let used: i64 =
        sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM draws) + (SELECT COUNT(*) FROM contests)")
            .fetch_one(pool)
            .await?;
    Ok(enterprises == 0 && inspectors == 0 && used == 0)
}

async fn claim(pool: &Pool, now: i64) -> sqlx::Result<bool> {
    let claimed = sqlx::query(
        "INSERT INTO app_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
    )
    .bind(META_KEY)
    .bind(now.to_string())
    .execute(pool)
    .await?
    .rows_affected();
    Ok(claimed == 1)
}

async fn demo_account(pool: &Pool, now: i64) -> sqlx::Result<i64> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM staff_users WHERE lower(username) = lower($1)")
            .bind(DEMO_USERNAME)
            .fetch_optional(pool)
            .await?;
    if let Some(id) = existing {
        sqlx::query("UPDATE staff_users SET disabled = 1 WHERE id = $1")
            .bind(id)
            .execute(pool)
            .await?;
        return Ok(id);
    }
    // "!" is no PHC string: every sign-in as this account fails, and it is disabled besides.
    sqlx::query_scalar(
        "INSERT INTO staff_users (username, display_name, password_hash, disabled, created_at,
             password_changed_at)
         VALUES ($1, $2, '!', 1, $3, $3)
         RETURNING id",
    )
    .bind(DEMO_USERNAME)
    .bind(DEMO_DISPLAY_NAME)
    .bind(now)
    .fetch_one(pool)
    .await
}

/// A draw taken the whole way, a month ago to a fortnight ago.
async fn demo_draw(pool: &Pool, staff: i64, now: i64) -> sqlx::Result<Option<i64>> {
    let announced_at = now - 30 * DAY;
    let items = store::check_items(pool).await?;
    let form = DrawForm {
        title: DRAW_TITLE.into(),
        check_items: items.iter().take(3).map(|i| i.code.clone()).collect(),
        strata: vec![
            StratumForm {
                name: "高危行业企业".into(),
                group: "high_risk_industry".into(),
                quota_kind: "percent".into(),
                quota: "10".into(),
            },
            StratumForm {
                name: "其他企业".into(),
                group: "all".into(),
                quota_kind: "count".into(),
                quota: "8".into(),
            },
        ],
        team_size: "2".into(),
        avoid_own_town: Some("on".into()),
        avoid_last_inspectors: Some("on".into()),
        sources: vec![
            "【演示数据】中国福利彩票双色球第2026118期开奖号码（演示用的虚构号码）".into(),
        ],
        ..DrawForm::default()
    };
    let (title, draw_rules, sources, frozen) =
        match validate_announcement(pool, &form, announced_at).await {
            Ok(checked) => checked,
            Err(message) => {
                tracing::warn!("demo draw left out: {message}");
                return Ok(None);
            }
        };
    let id = store::announce(
        pool,
        store::NewDraw {
            title: &title,
            check_items: &form.check_items,
            rules: &draw_rules,
            sources: &sources,
            frozen: &frozen,
            created_by: staff,
        },
        announced_at,
    )
    .await?;
    let missing = || sqlx::Error::RowNotFound;
    let announced = store::find_draw(pool, id).await?.ok_or_else(missing)?;
    let values = vec!["3 8 14 21 27 30 12".to_string()];
    let sources = rules::sources_with_values(&announced.sources, &values)
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let source_values: Vec<Vec<u64>> = sources.iter().map(|s| s.values.clone()).collect();
    let outcome = draw::run(
        &announced.snapshot,
        &announced.rules,
        &announced.declared(),
        &source_values,
    )
    .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    store::record_drawn(
        pool,
        &announced,
        &sources,
        &outcome.assignments,
        announced_at + 3 * DAY,
    )
    .await?;
    let drawn = store::find_draw(pool, id).await?.ok_or_else(missing)?;
    let first_visit = Date::beijing_of_unix(announced_at + 5 * DAY);
    for (index, assignment) in outcome.assignments.iter().enumerate() {
        let inspected_on = first_visit.add_days((index % 8) as i64).to_string();
        let produced_on = first_visit.add_days((index % 8 + 1) as i64).to_string();
        let (category, found, rectified, follow_up) = demo_outcome(index);
        let form = rules::ResultForm {
            uscc: assignment.uscc.as_str(),
            inspected_on: &inspected_on,
            produced_on: &produced_on,
            category: category.as_str(),
            hazards_found: &found.to_string(),
            hazards_rectified: &rectified.to_string(),
            follow_up,
        };
        let recorded_at = announced_at + 15 * DAY;
        let result =
            rules::check_result(&drawn, &form, recorded_at).map_err(sqlx::Error::Protocol)?;
        store::save_result(
            pool,
            store::NewResult {
                recorded_by: staff,
                ..result
            },
            recorded_at,
        )
        .await?;
    }
    store::record_revealed(pool, &drawn, announced_at + 16 * DAY).await?;
    store::record_results_published(pool, id, announced_at + 16 * DAY + 600).await?;
    Ok(Some(id))
}

/// A plausible spread of results: mostly in order or corrected on the spot, now and then a
/// case or a closed business.
fn demo_outcome(index: usize) -> (ResultCategory, i64, i64, &'static str) {
    match index % 7 {
        0 | 3 => (ResultCategory::NoProblem, 0, 0, ""),
        1 | 4 => (
            ResultCategory::Corrected,
            2,
            2,
            "已责令限期整改，复查时隐患已全部整改（演示数据）",
        ),
        2 => (
            ResultCategory::Corrected,
            3,
            1,
            "已责令限期整改，其余隐患整改中，将按期复查（演示数据）",
        ),
        5 => (
            ResultCategory::CaseFiled,
            4,
            3,
            "已依法立案调查（演示数据）",
        ),
        _ => (ResultCategory::NotOperating, 0, 0, "企业已停产（演示数据）"),
    }
}

/// The nicknames, towns, and how many of ten each got wrong, of the demo's participants.
const PARTICIPANTS: [(&str, &str, usize); 6] = [
    ("演示·陈阿姨", "长沙街道", 0),
    ("演示·李伯", "三埠街道", 1),
    ("演示·小周", "水口镇", 1),
    ("演示·黄老师", "赤坎镇", 2),
    ("演示·谭师傅", "月山镇", 3),
    ("演示·吴同学", "沙塘镇", 5),
];

/// An open contest, a week in, with a few finished attempts.
async fn demo_contest(pool: &Pool, staff: i64, now: i64) -> sqlx::Result<Option<(i64, usize)>> {
    let bank = contest_store::bank(pool).await?;
    let question_count = 10;
    if bank.len() < question_count {
        tracing::warn!(
            "demo contest left out: the bank has {} questions",
            bank.len()
        );
        return Ok(None);
    }
    let contest = contest_store::create_contest(
        pool,
        contest_store::NewContest {
            title: CONTEST_TITLE,
            description: "这是演示数据，用来展示竞赛的样子：题目从公开题库中随机抽取，\
                          答题结果由服务器评分。正式竞赛由工作人员在管理后台发布。",
            opens_at: now - 7 * DAY,
            closes_at: now + 180 * DAY,
            question_count: question_count as i64,
            quotas: &[],
            time_limit_secs: 600,
            pass_percent: 60,
            attempts_per_day: 3,
            ask_town: true,
            ask_employer: false,
            contest_only: false,
            created_by: staff,
        },
        now - 8 * DAY,
    )
    .await?;
    let catalog = Catalog::default();
    let ground = engine::Ground {
        pool,
        catalog: &catalog,
    };
    let mut finished = 0;
    for (n, (nickname, town, wrong)) in PARTICIPANTS.into_iter().enumerate() {
        let caller = engine::Caller {
            participant: format!("demo-participant-{n}"),
            client_ip: "demo".into(),
        };
        let started_at = now - (6 - n as i64) * DAY + 9 * 3600;
        let entrant = Entrant {
            nickname: nickname.into(),
            town: town.into(),
            employer: String::new(),
        };
        let answered = async {
            let view = engine::start(ground, contest, &caller, &entrant, started_at).await?;
            let row = contest_store::attempt(pool, &view.id)
                .await?
                .ok_or(sqlx::Error::RowNotFound)?;
            let answers = answers_with_mistakes(&bank, &row.paper()?, wrong);
            let elapsed = 180 + 40 * n as i64;
            engine::submit(ground, &view.id, &caller, answers, started_at + elapsed).await
        };
        match answered.await {
            Ok(()) => finished += 1,
            Err(error) => tracing::warn!(%error, "a demo attempt was left out"),
        }
    }
    Ok(Some((contest, finished)))
}

/// The right answers to a paper (in the order its options are shown), except the first
/// `wrong` questions, answered with an option that is not right.
fn answers_with_mistakes(
    bank: &[Question],
    paper: &[domain::contest::paper::PaperQuestion],
    wrong: usize,
) -> Vec<Vec<usize>> {
    paper
        .iter()
        .enumerate()
        .map(|(position, asked)| {
            let Some(question) = bank.iter().find(|q| q.id == asked.id) else {
                return Vec::new();
            };
            let (right, not_right): (Vec<usize>, Vec<usize>) = (0..asked.order.len())
                .partition(|&shown| question.answer.contains(&asked.order[shown]));
            if position < wrong {
                not_right.into_iter().take(1).collect()
            } else {
                right
            }
        })
        .collect()
}

/// Whether the demo's fictitious draw is in the draw log, the one append-only chain: staff who
/// announce a real draw after it make it a permanent part of the official record ([`remove`]
/// is refused from then on). Said at every start and on the staff pages until removed.
pub async fn in_draw_chain(pool: &Pool) -> sqlx::Result<bool> {
    let state: Option<String> = sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1")
        .bind(META_KEY)
        .fetch_optional(pool)
        .await?;
    // The value is the time the demo was made, or `removed …` once it is gone.
    if state.is_none_or(|value| value.parse::<i64>().is_err()) {
        return Ok(false);
    }
    let demo_draws: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM draws d JOIN staff_users u ON u.id = d.created_by
         WHERE lower(u.username) = lower($1)",
    )
    .bind(DEMO_USERNAME)
    .fetch_one(pool)
    .await?;
    Ok(demo_draws > 0)
}

/// What [`remove`] took out.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Removed {
    pub draws: u64,
    pub contests: u64,
    pub enterprises: u64,
    pub inspectors: u64,
}

/// Why the demo cannot be removed.
#[derive(Debug, thiserror::Error)]
pub enum RemoveError {
    #[error("this database has no demo data (it was never made or is already removed)")]
    NoDemo,
    #[error(
        "staff have announced {0} draw(s) of their own: the draw log is one chain, and the \
         demo's entries in it can only go before the first real draw"
    )]
    RealDrawsExist(i64),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Takes the demo out, in one transaction: its draws with their results and log entries, its
/// contests with their attempts, the registry rows it imported (unless staff imported them
/// again since), and its account. The draw log is append-only, so this is refused once staff
/// have announced a draw of their own; until then the log holds only the demo's entries and
/// is emptied with it (its protecting trigger lifted for that statement and put back).
pub async fn remove(pool: &Pool, now: i64) -> Result<Removed, RemoveError> {
    let mut tx = db::begin_serialized(pool, &[store::DRAW_LOG]).await?;
    let made_at: Option<String> = sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1")
        .bind(META_KEY)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(made_at) = made_at.and_then(|v| v.parse::<i64>().ok()) else {
        return Err(RemoveError::NoDemo);
    };
    let staff: Option<i64> =
        sqlx::query_scalar("SELECT id FROM staff_users WHERE lower(username) = lower($1)")
            .bind(DEMO_USERNAME)
            .fetch_optional(&mut *tx)
            .await?;
    let staff = staff.unwrap_or(-1);
    let real: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM draws WHERE created_by <> $1")
        .bind(staff)
        .fetch_one(&mut *tx)
        .await?;
    if real > 0 {
        return Err(RemoveError::RealDrawsExist(real));
    }
    let run = |sql: &'static str| sqlx::query(sql).bind(staff);
    run("DELETE FROM inspection_results WHERE draw_id IN (SELECT id FROM draws WHERE created_by = $1)")
        .execute(&mut *tx)
        .await?;
    empty_draw_log(&mut tx, Backend::of(pool)).await?;
    let draws = run("DELETE FROM draws WHERE created_by = $1")
        .execute(&mut *tx)
        .await?
        .rows_affected();
    for sql in [
        "DELETE FROM contest_best WHERE contest_id IN (SELECT id FROM contests WHERE created_by = $1)",
        "DELETE FROM attempts WHERE contest_id IN (SELECT id FROM contests WHERE created_by = $1)",
    ] {
        run(sql).execute(&mut *tx).await?;
    }
    let contests = run("DELETE FROM contests WHERE created_by = $1")
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let registry = |sql: &'static str| sqlx::query(sql).bind(made_at);
    let enterprises = registry("DELETE FROM enterprises WHERE updated_at = $1")
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let inspectors = registry("DELETE FROM inspectors WHERE updated_at = $1")
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("DELETE FROM staff_users WHERE id = $1")
        .bind(staff)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE app_meta SET value = $1 WHERE key = $2")
        .bind(format!("removed {now}"))
        .bind(META_KEY)
        .execute(&mut *tx)
        .await?;
    // Every instance forgets the pages and the catalog it kept.
    sqlx::query("UPDATE site_changes SET counter = counter + 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Removed {
        draws,
        contests,
        enterprises,
        inspectors,
    })
}

/// Deletes every draw log entry, lifting the trigger that refuses it for this transaction only.
async fn empty_draw_log(tx: &mut db::WriteTx, backend: Backend) -> sqlx::Result<()> {
    match backend {
        Backend::Sqlite => {
            // SQLite cannot disable a trigger: it is dropped and made again from its own text.
            let text: String = sqlx::query_scalar(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'draw_log_no_delete'",
            )
            .fetch_one(&mut **tx)
            .await?;
            sqlx::query("DROP TRIGGER draw_log_no_delete")
                .execute(&mut **tx)
                .await?;
            sqlx::query("DELETE FROM draw_log")
                .execute(&mut **tx)
                .await?;
            sqlx::query(&text).execute(&mut **tx).await?;
        }
        Backend::Postgres => {
            for sql in [
                "ALTER TABLE draw_log DISABLE TRIGGER draw_log_no_delete",
                "DELETE FROM draw_log",
                "ALTER TABLE draw_log ENABLE TRIGGER draw_log_no_delete",
            ] {
                sqlx::query(sql).execute(&mut **tx).await?;
            }
        }
    }
    Ok(())
}
