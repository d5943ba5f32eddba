//! The attempt rules, enforced on the server: the contest window, the daily limits per person
//! and per address, one open attempt at a time, the time limit with a grace, one submission per
//! attempt, and answers only for the attempt's own questions. The browser never holds an
//! answer before it has submitted.

use crate::foundation::db::Pool;
use crate::foundation::error::AppError;
use domain::{
    contest::{paper, scoring},
    date::Date,
};

use super::{
    AttemptResult, AttemptView, ContestInfo, Entrant, GRACE_SECS, Marks,
    RANKED_PER_ADDRESS_PER_DAY, ReviewItem,
    catalog::Catalog,
    store::{self, AttemptRow},
};

/// What the attempt rules work with: the database, and this instance's copy of the bank and
/// the contests.
#[derive(Clone, Copy)]
pub struct Ground<'a> {
    pub pool: &'a Pool,
    pub catalog: &'a Catalog,
}

/// Attempts from one client address (IPv6: one /64) per contest and day, as a multiple of the
/// per-person limit, before that address is slowed down.
pub const ADDRESS_FACTOR: i64 = 20;
/// Past that many, starts from the address are spaced this far apart: a school, a town
/// office or a carrier's shared address (CGNAT) can go on all day (thousands of starts), a
/// script cannot flood the leaderboard. No CAPTCHA: the wait is said on the page.
pub const ADDRESS_SPACING_SECS: i64 = 10;

/// Who is calling: the participant cookie (hashed) and the client address.
#[derive(Clone, Debug)]
pub struct Caller {
    pub participant: String,
    pub client_ip: String,
}

/// A refusal with a message for the participant.
fn said(message: impl Into<String>) -> AppError {
    AppError::Refused(message.into())
}

/// Checks what the participant typed: the minimum, and nothing that looks like an ID number.
pub fn check_entrant(contest: &ContestInfo, entrant: &Entrant) -> Result<Entrant, AppError> {
    let nickname = entrant.nickname.trim().to_string();
    let count = nickname.chars().count();
    if count == 0 || count > 20 {
        return Err(said("请填写昵称（1 到 20 个字）"));
    }
    if !nickname.chars().all(nickname_char) {
        return Err(said(
            "昵称只能使用汉字、字母、数字、空格和 · - _ . ( ) 这几个符号",
        ));
    }
    if nickname.chars().filter(char::is_ascii_digit).count() >= 11 {
        return Err(said("昵称中不要填写身份证号或电话号码"));
    }
    let town = if contest.ask_town {
        let town = entrant.town.trim();
        if !town.is_empty() && !domain::inspections::registry::TOWNS.contains(&town) {
            return Err(said("请从列表中选择镇街"));
        }
        town.to_string()
    } else {
        String::new()
    };
    let employer = if contest.ask_employer {
        let employer = entrant.employer.trim();
        let plain = |c: char| nickname_char(c) || matches!(c, '、' | '，' | ',' | '&' | '/');
        if employer.chars().count() > 50 {
            return Err(said("单位名称不超过 50 个字"));
        }
        if !employer.chars().all(plain) {
            return Err(said("单位名称只能使用汉字、字母、数字和常用标点"));
        }
        employer.to_string()
    } else {
        String::new()
    };
    Ok(Entrant {
        nickname,
        town,
        employer,
    })
}

/// What a nickname shown on a public leaderboard may hold: letters of any script (汉字
/// included) and digits, a space and a few plain marks. Never format characters (U+202E
/// turns text around), combining marks, symbols or emoji.
fn nickname_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, ' ' | '·' | '-' | '_' | '.' | '(' | ')' | '（' | '）')
}

/// Starts an attempt, or returns the one still running. One serialised transaction that
/// checks the running attempt and the day's limits and stores the new one; the paper is drawn
/// and shown from the catalog.
pub async fn start(
    at: Ground<'_>,
    contest_id: i64,
    caller: &Caller,
    entrant: &Entrant,
    now: i64,
) -> Result<AttemptView, AppError> {
    let Some(contest) = at.catalog.contest(at.pool, contest_id).await? else {
        return Err(said("没有这个竞赛"));
    };
    let contest_info = &contest.info;
    if now < contest_info.opens_at {
        return Err(said("竞赛还没有开始，请在开始时间之后再来"));
    }
    if now >= contest_info.closes_at {
        return Err(said("竞赛已经结束"));
    }
    let entrant = check_entrant(contest_info, entrant)?;
    let snapshot = at.catalog.snapshot(at.pool).await?;
    // At most twice: an attempt left past its time is scored first, then the new one starts.
    for _ in 0..2 {
        let paper = paper::draw(
            snapshot.bank_for(contest_info),
            contest_info.question_count as usize,
            &contest.quotas,
            rand::random::<u64>(),
        )
        .map_err(|e| said(format!("暂时无法出题：{e}")))?;
        let id = random_id();
        let day = Date::beijing_of_unix(now).to_string();
        let attempt = store::NewAttempt {
            id: &id,
            contest_id,
            participant: &caller.participant,
            client_ip: &caller.client_ip,
            day: &day,
            nickname: &entrant.nickname,
            town: &entrant.town,
            employer: &entrant.employer,
            paper: &paper,
            started_at: now,
            deadline_at: now + contest_info.time_limit_secs,
            ranked: true,
        };
        let started = store::start_attempt(at.pool, attempt, |today| {
            within_daily_limits(contest_info, today, now)
        })
        .await??;
        match started {
            store::Started::New => {
                let questions = snapshot
                    .paper_questions(&paper)
                    .ok_or_else(|| AppError::internal("a drawn question is not in the bank"))?;
                let pairs: Vec<_> = questions.iter().zip(paper.iter()).collect();
                return Ok(AttemptView {
                    id,
                    contest_title: contest_info.title.clone(),
                    questions: paper::shown_paper(&pairs),
                    answers: vec![Vec::new(); paper.len()],
                    remaining_secs: contest_info.time_limit_secs,
                });
            }
            store::Started::Unsubmitted(row) if now > row.deadline_at + GRACE_SECS => {
                let loaded = Loaded::of(at, &row).await?;
                let progress = row.progress();
                let when = row.progress_at.unwrap_or(row.started_at);
                finish(at, &row, &loaded, progress, when, true).await?;
            }
            store::Started::Unsubmitted(row) => {
                return view(at, &row, &contest_info.title, now).await;
            }
        }
    }
    Err(AppError::internal(
        "an attempt past its time was not scored",
    ))
}

/// Whether one more attempt may start today: the participant's own limit, and the spacing of
/// starts from one busy address.
fn within_daily_limits(
    contest: &ContestInfo,
    today: &store::StartedToday,
    now: i64,
) -> Result<store::Admission, AppError> {
    if today.mine >= contest.attempts_per_day {
        return Err(said(format!(
            "每人每天可答 {} 次，今天的次数已用完，请明天再来",
            contest.attempts_per_day
        )));
    }
    if today.from_address >= contest.attempts_per_day * ADDRESS_FACTOR
        && let Some(last) = today.last_from_address
        && now < last + ADDRESS_SPACING_SECS
    {
        return Err(said(format!(
            "这个网络今天参加答题的人很多，每 {ADDRESS_SPACING_SECS} 秒可开始一次答题，请 {} 秒后再点“开始答题”",
            last + ADDRESS_SPACING_SECS - now
        )));
    }
    Ok(store::Admission {
        ranked: today.from_address < RANKED_PER_ADDRESS_PER_DAY,
    })
}

/// The participant's running attempt at a contest; one whose time ran out is scored first.
pub async fn current(
    at: Ground<'_>,
    contest_id: i64,
    caller: &Caller,
    now: i64,
) -> Result<Option<AttemptView>, AppError> {
    let Some(row) = store::unsubmitted(at.pool, contest_id, &caller.participant).await? else {
        return Ok(None);
    };
    if now > row.deadline_at + GRACE_SECS {
        let progress = row.progress();
        let loaded = Loaded::of(at, &row).await?;
        let when = row.progress_at.unwrap_or(row.started_at);
        finish(at, &row, &loaded, progress, when, true).await?;
        return Ok(None);
    }
    let title = at
        .catalog
        .contest(at.pool, contest_id)
        .await?
        .map(|contest| contest.info.title)
        .unwrap_or_default();
    Ok(Some(view(at, &row, &title, now).await?))
}

async fn view(
    at: Ground<'_>,
    row: &AttemptRow,
    title: &str,
    now: i64,
) -> Result<AttemptView, AppError> {
    let loaded = Loaded::of(at, row).await?;
    let mut answers = row.progress();
    answers.resize(loaded.paper.len(), Vec::new());
    Ok(AttemptView {
        id: row.id.clone(),
        contest_title: title.to_string(),
        questions: paper::shown_paper(&loaded.pairs()),
        answers,
        remaining_secs: (row.deadline_at - now).max(0),
    })
}

/// Loads an attempt that belongs to the caller.
async fn own(pool: &Pool, id: &str, caller: &Caller) -> Result<AttemptRow, AppError> {
    match store::attempt(pool, id).await? {
        Some(row) if row.participant == caller.participant => Ok(row),
        _ => Err(said(
            "没有找到这次答题（答题记录只能在开始答题的设备上查看）",
        )),
    }
}

/// Keeps the answers given so far.
pub async fn save(
    at: Ground<'_>,
    id: &str,
    caller: &Caller,
    answers: &[Vec<usize>],
    now: i64,
) -> Result<(), AppError> {
    let row = own(at.pool, id, caller).await?;
    let finished = || said("这次答题已经结束");
    if row.submitted_at.is_some() || now > row.deadline_at {
        return Err(finished());
    }
    let too_soon = || said("保存过于频繁，请稍后再试（每秒最多保存一次）");
    if row.progress_at.is_some_and(|at| at >= now) {
        return Err(too_soon());
    }
    Loaded::of(at, &row).await?.check(answers)?;
    if !store::save_progress(at.pool, id, answers, now).await? {
        // Another save of this second got there first.
        return Err(too_soon());
    }
    Ok(())
}

/// An attempt's paper with its questions (from the catalog).
struct Loaded {
    paper: Vec<paper::PaperQuestion>,
    questions: Vec<domain::contest::bank::Question>,
    /// The contest's pass mark, percent.
    pass_percent: i64,
}

impl Loaded {
    async fn of(at: Ground<'_>, row: &AttemptRow) -> Result<Loaded, AppError> {
        let paper = row.paper()?;
        let questions = at.catalog.paper_questions(at.pool, &paper).await?;
        let pass_percent = at
            .catalog
            .contest(at.pool, row.contest_id)
            .await?
            .map_or(100, |contest| contest.info.pass_percent);
        Ok(Loaded {
            paper,
            questions,
            pass_percent,
        })
    }

    fn pairs(&self) -> Vec<(&domain::contest::bank::Question, &paper::PaperQuestion)> {
        self.questions.iter().zip(self.paper.iter()).collect()
    }

    fn check(&self, answers: &[Vec<usize>]) -> Result<(), AppError> {
        scoring::check_answers(&self.pairs(), answers).map_err(|e| said(e.to_string()))
    }
}

/// Scores and stores a submission, once. Past the time limit and its grace, the answers saved
/// before the deadline are scored instead, and the attempt is marked late.
pub async fn submit(
    at: Ground<'_>,
    id: &str,
    caller: &Caller,
    answers: Vec<Vec<usize>>,
    now: i64,
) -> Result<(), AppError> {
    let row = own(at.pool, id, caller).await?;
    let already_submitted = || said("这次答题已经交卷，不能再次提交");
    if row.submitted_at.is_some() {
        return Err(already_submitted());
    }
    let loaded = Loaded::of(at, &row).await?;
    loaded.check(&answers)?;
    if now > row.deadline_at + GRACE_SECS {
        let progress = row.progress();
        if !finish(at, &row, &loaded, progress, row.deadline_at, true).await? {
            return Err(already_submitted());
        }
        return Err(said("已超过答题时间，已按截止时保存的答案评分"));
    }
    if !finish(at, &row, &loaded, answers, now.min(row.deadline_at), false).await? {
        return Err(already_submitted());
    }
    Ok(())
}

async fn finish(
    ground: Ground<'_>,
    row: &AttemptRow,
    loaded: &Loaded,
    mut answers: Vec<Vec<usize>>,
    at: i64,
    late: bool,
) -> Result<bool, AppError> {
    let paper = &loaded.paper;
    let pairs = loaded.pairs();
    answers.resize(paper.len(), Vec::new());
    if scoring::check_answers(&pairs, &answers).is_err() {
        answers = vec![Vec::new(); paper.len()];
    }
    let scored = scoring::score(&pairs, &answers);
    let passed = i64::from(scored.score) >= loaded.pass_percent;
    let elapsed = (at - row.started_at).max(0);
    let review: Vec<(String, scoring::Credit)> = paper
        .iter()
        .zip(&scored.reviewed)
        .map(|(p, r)| (p.id.clone(), r.credit))
        .collect();
    let certificate = passed.then(certificate_code);
    // Only the first of racing submissions is recorded (the store checks it in the same
    // statement that records it); the others are told so.
    let recorded = store::finish(
        ground.pool,
        &row.id,
        store::Finished {
            answers: &answers,
            review: &review,
            score: i64::from(scored.score),
            elapsed_secs: elapsed,
            passed,
            late,
            flagged_fast: scoring::too_fast(elapsed, scored.answered),
            certificate: certificate.as_deref(),
        },
        at.max(row.started_at),
    )
    .await?;
    Ok(recorded)
}

/// A finished attempt with its review, for its participant only.
pub async fn result(
    at: Ground<'_>,
    id: &str,
    caller: &Caller,
    now: i64,
) -> Result<AttemptResult, AppError> {
    let mut row = own(at.pool, id, caller).await?;
    let loaded = Loaded::of(at, &row).await?;
    if row.submitted_at.is_none() {
        if now <= row.deadline_at + GRACE_SECS {
            return Err(said("这次答题还没有交卷"));
        }
        let progress = row.progress();
        finish(at, &row, &loaded, progress, row.deadline_at, true).await?;
        row = own(at.pool, id, caller).await?;
    }
    let pairs = loaded.pairs();
    let answers: Vec<Vec<usize>> = row
        .answers
        .as_deref()
        .and_then(|a| serde_json::from_str(a).ok())
        .unwrap_or_else(|| vec![Vec::new(); loaded.paper.len()]);
    let scored = scoring::score(&pairs, &answers);
    let terms = at
        .catalog
        .contest(at.pool, row.contest_id)
        .await?
        .map(|contest| contest.info)
        .ok_or_else(|| AppError::internal("the attempt's contest is gone"))?;
    let sealed_until = terms.sealed_until(now);
    let marks = sealed_until.is_none().then(|| {
        let shown = paper::shown_paper(&pairs);
        Marks {
            score: row.score.unwrap_or(0),
            passed: row.passed.unwrap_or(0) != 0,
            certificate: row.certificate.clone(),
            review: pairs
                .iter()
                .zip(shown)
                .zip(scored.reviewed)
                .map(|(((q, _), question), r)| ReviewItem {
                    question,
                    chosen: r.chosen,
                    correct: r.correct,
                    credit: r.credit,
                    explanation: q.explanation.clone(),
                    source: q.source.clone(),
                })
                .collect(),
        }
    });
    Ok(AttemptResult {
        id: row.id.clone(),
        contest_id: row.contest_id,
        contest_title: terms.title,
        nickname: row.nickname.clone(),
        pass_percent: terms.pass_percent,
        elapsed_secs: row.elapsed_secs.unwrap_or(0),
        submitted_at: row.submitted_at.unwrap_or(now),
        late: row.late,
        marks,
        sealed_until,
    })
}

/// 128 random bits, hex.
fn random_id() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A certificate's verification code: 10 characters without look-alikes.
fn certificate_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    (0..10)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}
