//! Server functions of the contest: the quiz island calls them with JSON bodies. A refusal the
//! participant should read comes back as [`AppError::Refused`] with its message, which the
//! island shows.

use crate::foundation::error::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

use super::{
    AttemptResult, AttemptView, CertificateInfo, ContestInfo, Entrant, Leaderboard,
    PracticeFeedback, PracticeQuestion,
};

/// The participant cookie: a random token that keeps a person's attempts together on one
/// device (no account, no personal data). Stored only hashed.
pub const PLAYER_COOKIE: &str = "aqxc_player";

/// Server-side helpers of the functions below.
#[cfg(feature = "ssr")]
pub(crate) mod server {
    use leptos::prelude::*;

    use super::PLAYER_COOKIE;
    use crate::{
        contest::{Leaderboard, engine::Caller, store},
        foundation::{db::Pool, error::AppError},
        memo::Memos,
    };

    /// Reads a contest's leaderboard and keeps it in the memo (a hidden row disappears at
    /// once on the instance that hid it).
    pub async fn fresh_leaderboard(
        pool: &Pool,
        memos: &Memos,
        contest_id: i64,
    ) -> sqlx::Result<Option<Leaderboard>> {
        let Some(contest) = store::contest(pool, contest_id).await? else {
            return Ok(None);
        };
        let now = crate::foundation::clock::now();
        let sealed_until = contest.sealed_until(now);
        let (people, towns) = if sealed_until.is_some() {
            (Vec::new(), Vec::new())
        } else {
            (
                store::people(pool, contest_id, 50).await?,
                store::towns(pool, contest_id).await?,
            )
        };
        let board = Leaderboard {
            hidden: store::hidden_count(pool, contest_id).await?,
            contest,
            people,
            towns,
            sealed_until,
        };
        memos.leaderboards.put(contest_id, board.clone());
        Ok(Some(board))
    }

    /// The caller, creating the participant cookie when `create` and there is none.
    pub fn caller(create: bool) -> Result<Option<Caller>, AppError> {
        use sha2::{Digest, Sha256};
        let token = use_context::<http::request::Parts>().and_then(|parts| {
            let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
            crate::foundation::request::cookie_value(header, PLAYER_COOKIE)
                .filter(|t| t.len() >= 32 && t.len() <= 64)
                .map(str::to_owned)
        });
        let token = match (token, create) {
            (Some(token), _) => token,
            (None, false) => return Ok(None),
            (None, true) => {
                let token = crate::staff::session::random_token();
                let policy = use_context::<crate::staff::session::SessionPolicy>();
                let secure = if policy.as_ref().is_some_and(|p| p.secure_cookies) {
                    "; Secure"
                } else {
                    ""
                };
                let path = policy.map_or("/".to_string(), |p| p.cookie_path);
                crate::foundation::server_support::set_cookie(&format!(
                    "{PLAYER_COOKIE}={token}; Path={path}; Max-Age=31536000; HttpOnly; SameSite=Lax{secure}"
                ))?;
                token
            }
        };
        let digest = Sha256::digest(token.as_bytes());
        Ok(Some(Caller {
            participant: digest.iter().map(|b| format!("{b:02x}")).collect(),
            // Limits count an address group (an IPv6 client's whole /64).
            client_ip: crate::foundation::request::address_group(
                &crate::foundation::request::client_ip(),
            ),
        }))
    }
}

#[cfg(feature = "ssr")]
use crate::foundation::server_support::pool;

/// The database and this instance's catalog, for the attempt rules.
#[cfg(feature = "ssr")]
fn ground<'a>(
    pool: &'a crate::foundation::db::Pool,
    memos: &'a crate::memo::Memos,
) -> super::engine::Ground<'a> {
    super::engine::Ground {
        pool,
        catalog: &memos.catalog,
    }
}

#[server(prefix = "/api", endpoint = "contests")]
pub async fn contests() -> Result<Vec<ContestInfo>, AppError> {
    Ok(super::store::contests(&pool()?).await?)
}

#[server(prefix = "/api", endpoint = "contest")]
pub async fn contest(id: i64) -> Result<Option<ContestInfo>, AppError> {
    Ok(super::store::contest(&pool()?, id).await?)
}

/// The caller's running attempt at a contest (after a reload, say).
#[server(prefix = "/api", endpoint = "attempt_current", input = Json)]
pub async fn current_attempt(contest_id: i64) -> Result<Option<AttemptView>, AppError> {
    let Some(caller) = server::caller(false)? else {
        return Ok(None);
    };
    let now = crate::foundation::clock::now();
    let (pool, memos) = (pool()?, crate::memo::memos()?);
    match super::engine::current(ground(&pool, &memos), contest_id, &caller, now).await {
        Ok(view) => Ok(view),
        Err(AppError::Refused(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

#[server(prefix = "/api", endpoint = "attempt_start", input = Json)]
pub async fn start_attempt(contest_id: i64, entrant: Entrant) -> Result<AttemptView, AppError> {
    let (pool, memos) = (pool()?, crate::memo::memos()?);
    let caller = server::caller(true)?.ok_or_else(|| AppError::internal("no participant"))?;
    let now = crate::foundation::clock::now();
    super::engine::start(ground(&pool, &memos), contest_id, &caller, &entrant, now).await
}

#[server(prefix = "/api", endpoint = "attempt_save", input = Json)]
pub async fn save_answers(attempt_id: String, answers: Vec<Vec<usize>>) -> Result<(), AppError> {
    let Some(caller) = server::caller(false)? else {
        return Err(AppError::refused("没有找到这次答题"));
    };
    let now = crate::foundation::clock::now();
    let (pool, memos) = (pool()?, crate::memo::memos()?);
    super::engine::save(ground(&pool, &memos), &attempt_id, &caller, &answers, now).await
}

#[server(prefix = "/api", endpoint = "attempt_submit", input = Json)]
pub async fn submit_answers(attempt_id: String, answers: Vec<Vec<usize>>) -> Result<(), AppError> {
    let Some(caller) = server::caller(false)? else {
        return Err(AppError::refused("没有找到这次答题"));
    };
    let now = crate::foundation::clock::now();
    let (pool, memos) = (pool()?, crate::memo::memos()?);
    super::engine::submit(ground(&pool, &memos), &attempt_id, &caller, answers, now).await
}

#[server(prefix = "/api", endpoint = "attempt_result")]
pub async fn load_attempt_result(attempt_id: String) -> Result<AttemptResult, AppError> {
    let Some(caller) = server::caller(false)? else {
        return Err(AppError::refused(
            "没有找到这次答题（答题记录只能在开始答题的设备上查看）",
        ));
    };
    let now = crate::foundation::clock::now();
    let (pool, memos) = (pool()?, crate::memo::memos()?);
    super::engine::result(ground(&pool, &memos), &attempt_id, &caller, now).await
}

#[server(prefix = "/api", endpoint = "leaderboard")]
pub async fn load_leaderboard(contest_id: i64) -> Result<Option<Leaderboard>, AppError> {
    // Kept a few seconds: it reads every attempt of the contest, and `?r=…` skips the page
    // cache.
    let memos = crate::memo::memos()?;
    let now = crate::foundation::clock::now();
    // A sealed board kept from before the contest closed is not kept past the closing.
    if let Some(board) = memos.leaderboards.get(&contest_id)
        && board.sealed_until.is_none_or(|until| now < until)
    {
        return Ok(Some(board));
    }
    Ok(server::fresh_leaderboard(&pool()?, &memos, contest_id).await?)
}

#[server(prefix = "/api", endpoint = "certificate")]
pub async fn verify_certificate(code: String) -> Result<Option<CertificateInfo>, AppError> {
    let code: String = code.trim().to_uppercase().chars().take(20).collect();
    Ok(super::store::certificate(&pool()?, &code).await?)
}

/// How many of the practice questions just seen a request may name (the page sends 50).
pub const PRACTICE_SEEN_KEPT: usize = 200;

/// A random practice question (contest-only questions are never served), avoiding the ones
/// just seen.
#[server(prefix = "/api", endpoint = "practice_question", input = Json)]
pub async fn next_practice_question(
    seen: Vec<String>,
) -> Result<Option<PracticeQuestion>, AppError> {
    // The page sends the few it showed last; a long list would cost bank × list comparisons.
    if seen.len() > PRACTICE_SEEN_KEPT {
        return Err(AppError::refused(format!(
            "最多记住最近练习过的 {PRACTICE_SEEN_KEPT} 道题，请刷新页面后继续练习"
        )));
    }
    let snapshot = crate::memo::memos()?.catalog.snapshot(&pool()?).await?;
    let bank = &snapshot.practice;
    let seen: std::collections::HashSet<&str> = seen.iter().map(String::as_str).collect();
    let fresh: Vec<_> = bank
        .iter()
        .filter(|q| !seen.contains(q.id.as_str()))
        .collect();
    let pool_of = if fresh.is_empty() {
        bank.iter().collect()
    } else {
        fresh
    };
    if pool_of.is_empty() {
        return Ok(None);
    }
    let mut rng = domain::contest::paper::Rng::new(rand::random());
    let question = pool_of[rng.below(pool_of.len())];
    let mut order: Vec<usize> = (0..question.options.len()).collect();
    if question.kind != super::Kind::Judge {
        rng.shuffle(&mut order);
    }
    let paper = domain::contest::paper::PaperQuestion {
        id: question.id.clone(),
        order: order.clone(),
    };
    Ok(Some(PracticeQuestion {
        question: domain::contest::paper::shown(question, &paper),
        order,
        topic: question.topic.clone(),
    }))
}

/// Instant feedback on one practice answer. Nothing is stored.
#[server(prefix = "/api", endpoint = "practice_check", input = Json)]
pub async fn practice_check(
    id: String,
    order: Vec<usize>,
    chosen: Vec<usize>,
) -> Result<Option<PracticeFeedback>, AppError> {
    // Only practice questions: a contest-only question is never checked here, whatever id
    // is asked about.
    let snapshot = crate::memo::memos()?.catalog.snapshot(&pool()?).await?;
    let Some(question) = snapshot.practice.iter().find(|q| q.id == id) else {
        return Ok(None);
    };
    let mut sorted = order.clone();
    sorted.sort_unstable();
    if sorted != (0..question.options.len()).collect::<Vec<_>>()
        || chosen.len() > order.len()
        || chosen.iter().any(|&c| c >= order.len())
    {
        return Ok(None);
    }
    let as_bank: Vec<usize> = chosen.iter().map(|&c| order[c]).collect();
    let credit = domain::contest::scoring::credit(question.kind, &question.answer, &as_bank);
    let correct = (0..order.len())
        .filter(|&shown| question.answer.contains(&order[shown]))
        .collect();
    Ok(Some(PracticeFeedback {
        credit,
        correct,
        explanation: question.explanation.clone(),
        source: question.source.clone(),
    }))
}
