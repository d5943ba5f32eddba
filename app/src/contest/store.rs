//! The SQL of the contest.

use crate::foundation::db::{self, Flag, Pool};
use crate::foundation::json_column::{decode, json};
use domain::contest::{
    bank::{Kind, Question},
    paper::{PaperQuestion, Quota},
};
use sqlx::FromRow;

use super::{CertificateInfo, ContestInfo, PersonRow, StaffBoardRow, TownRow};

fn kind_str(kind: Kind) -> &'static str {
    match kind {
        Kind::Single => "single",
        Kind::Multiple => "multiple",
        Kind::Judge => "judge",
    }
}

fn kind_of(value: &str) -> Option<Kind> {
    match value {
        "single" => Some(Kind::Single),
        "multiple" => Some(Kind::Multiple),
        "judge" => Some(Kind::Judge),
        _ => None,
    }
}

// ---- The bank ----------------------------------------------------------------------------------

/// Makes the stored bank what the files say: questions upserted, those gone from the files
/// retired (kept for the attempts that used them). Questions staff changed in the editor keep
/// their changes, whether they are active included.
pub async fn replace_bank(
    pool: &Pool,
    questions: &[(Question, String)],
    now: i64,
) -> sqlx::Result<()> {
    let mut tx = db::begin_write(pool).await?;
    sqlx::query("UPDATE questions SET active = 0 WHERE edited = 0")
        .execute(&mut *tx)
        .await?;
    for (q, file) in questions {
        sqlx::query(
            "INSERT INTO questions (id, topic, kind, difficulty, stem, options, answer, explanation,
                 source, contest_only, source_file, active, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12)
             ON CONFLICT (id) DO UPDATE SET topic = excluded.topic, kind = excluded.kind,
                 difficulty = excluded.difficulty, stem = excluded.stem, options = excluded.options,
                 answer = excluded.answer, explanation = excluded.explanation,
                 source = excluded.source, contest_only = excluded.contest_only,
                 source_file = excluded.source_file, active = 1, updated_at = excluded.updated_at
             WHERE questions.edited = 0",
        )
        .bind(&q.id)
        .bind(&q.topic)
        .bind(kind_str(q.kind))
        .bind(i64::from(q.difficulty))
        .bind(&q.stem)
        .bind(json(&q.options))
        .bind(json(&q.answer))
        .bind(&q.explanation)
        .bind(&q.source)
        .bind(db::flag(q.contest_only))
        .bind(file)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

#[derive(FromRow)]
struct QuestionRow {
    id: String,
    topic: String,
    kind: String,
    difficulty: i64,
    stem: String,
    options: String,
    answer: String,
    explanation: String,
    source: String,
    #[sqlx(try_from = "Flag")]
    contest_only: bool,
    /// Selected only where it matters.
    #[sqlx(default)]
    #[sqlx(try_from = "Flag")]
    active: bool,
}

impl QuestionRow {
    fn into_question(self) -> sqlx::Result<Question> {
        Ok(Question {
            kind: kind_of(&self.kind).ok_or_else(|| sqlx::Error::Decode("question kind".into()))?,
            id: self.id,
            topic: self.topic,
            difficulty: self.difficulty as u8,
            stem: self.stem,
            options: decode(&self.options)?,
            answer: decode(&self.answer)?,
            explanation: self.explanation,
            source: self.source,
            contest_only: self.contest_only,
        })
    }
}

const QUESTION_COLUMNS: &str =
    "id, topic, kind, difficulty, stem, options, answer, explanation, source, contest_only";

/// Every active question (the staff's bank views; attempts read the catalog's copy).
pub async fn bank(pool: &Pool) -> sqlx::Result<Vec<Question>> {
    let rows: Vec<QuestionRow> = sqlx::query_as(&format!(
        "SELECT {QUESTION_COLUMNS} FROM questions WHERE active = 1 ORDER BY id"
    ))
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(QuestionRow::into_question).collect()
}

/// Every question, retired ones included, with whether it is active, by id (for the catalog).
pub async fn every_question(pool: &Pool) -> sqlx::Result<Vec<(Question, bool)>> {
    let rows: Vec<QuestionRow> = sqlx::query_as(&format!(
        "SELECT {QUESTION_COLUMNS}, active FROM questions ORDER BY id"
    ))
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let active = row.active;
            row.into_question().map(|q| (q, active))
        })
        .collect()
}

/// Saves a question from the staff editor (new or changed); the files no longer touch it.
pub async fn save_edited(pool: &Pool, q: &Question, active: bool, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO questions (id, topic, kind, difficulty, stem, options, answer, explanation,
             source, contest_only, source_file, active, edited, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', $11, 1, $12)
         ON CONFLICT (id) DO UPDATE SET topic = excluded.topic, kind = excluded.kind,
             difficulty = excluded.difficulty, stem = excluded.stem, options = excluded.options,
             answer = excluded.answer, explanation = excluded.explanation,
             source = excluded.source, contest_only = excluded.contest_only,
             active = excluded.active, edited = 1, updated_at = excluded.updated_at",
    )
    .bind(&q.id)
    .bind(&q.topic)
    .bind(kind_str(q.kind))
    .bind(i64::from(q.difficulty))
    .bind(&q.stem)
    .bind(json(&q.options))
    .bind(json(&q.answer))
    .bind(&q.explanation)
    .bind(&q.source)
    .bind(db::flag(q.contest_only))
    .bind(db::flag(active))
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// One question, active or not, with whether it is active.
pub async fn question(pool: &Pool, id: &str) -> sqlx::Result<Option<(Question, bool)>> {
    let row: Option<QuestionRow> = sqlx::query_as(&format!(
        "SELECT {QUESTION_COLUMNS}, active FROM questions WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.map(|row| {
        let active = row.active;
        row.into_question().map(|q| (q, active))
    })
    .transpose()
}

/// A question in the bank editor's list: id, topic, kind, stem, active, contest-only.
pub type BankEntry = (String, String, String, String, bool, bool);

/// Every question, in use or not, for the bank editor's list.
pub async fn bank_list(pool: &Pool) -> sqlx::Result<Vec<BankEntry>> {
    let rows: Vec<(String, String, String, String, Flag, Flag)> = sqlx::query_as(
        "SELECT id, topic, kind, stem, active, contest_only FROM questions ORDER BY topic, id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, topic, kind, stem, active, contest_only)| {
            (id, topic, kind, stem, active.into(), contest_only.into())
        })
        .collect())
}

/// Active questions by topic.
pub async fn bank_by_topic(pool: &Pool) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as(
        "SELECT topic, COUNT(*) FROM questions WHERE active = 1 GROUP BY topic ORDER BY topic",
    )
    .fetch_all(pool)
    .await
}

// ---- Contests ----------------------------------------------------------------------------------

pub struct NewContest<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub opens_at: i64,
    pub closes_at: i64,
    pub question_count: i64,
    pub quotas: &'a [Quota],
    pub time_limit_secs: i64,
    pub pass_percent: i64,
    pub attempts_per_day: i64,
    pub ask_town: bool,
    pub ask_employer: bool,
    pub contest_only: bool,
    pub created_by: i64,
}

pub async fn create_contest(pool: &Pool, c: NewContest<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO contests (title, description, opens_at, closes_at, question_count, quotas,
             time_limit_secs, pass_percent, attempts_per_day, ask_town, ask_employer, contest_only,
             created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(c.title)
    .bind(c.description)
    .bind(c.opens_at)
    .bind(c.closes_at)
    .bind(c.question_count)
    .bind(json(c.quotas))
    .bind(c.time_limit_secs)
    .bind(c.pass_percent)
    .bind(c.attempts_per_day)
    .bind(db::flag(c.ask_town))
    .bind(db::flag(c.ask_employer))
    .bind(db::flag(c.contest_only))
    .bind(c.created_by)
    .bind(now)
    .fetch_one(pool)
    .await
}

#[derive(FromRow)]
struct ContestRow {
    id: i64,
    title: String,
    description: String,
    opens_at: i64,
    closes_at: i64,
    question_count: i64,
    time_limit_secs: i64,
    pass_percent: i64,
    attempts_per_day: i64,
    #[sqlx(try_from = "Flag")]
    ask_town: bool,
    #[sqlx(try_from = "Flag")]
    ask_employer: bool,
    #[sqlx(try_from = "Flag")]
    contest_only: bool,
    participants: i64,
}

impl From<ContestRow> for ContestInfo {
    fn from(r: ContestRow) -> Self {
        ContestInfo {
            id: r.id,
            title: r.title,
            description: r.description,
            opens_at: r.opens_at,
            closes_at: r.closes_at,
            question_count: r.question_count,
            time_limit_secs: r.time_limit_secs,
            pass_percent: r.pass_percent,
            attempts_per_day: r.attempts_per_day,
            ask_town: r.ask_town,
            ask_employer: r.ask_employer,
            contest_only: r.contest_only,
            participants: r.participants,
        }
    }
}

const CONTEST_FIELDS: &str = "c.id, c.title, c.description, c.opens_at, c.closes_at,
    c.question_count, c.time_limit_secs, c.pass_percent, c.attempts_per_day, c.ask_town,
    c.ask_employer, c.contest_only";
const PARTICIPANTS: &str =
    "(SELECT COUNT(*) FROM contest_best b WHERE b.contest_id = c.id) AS participants";

pub async fn contests(pool: &Pool) -> sqlx::Result<Vec<ContestInfo>> {
    let rows: Vec<ContestRow> = sqlx::query_as(&format!(
        "SELECT {CONTEST_FIELDS}, {PARTICIPANTS} FROM contests c ORDER BY c.opens_at DESC, c.id DESC"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(ContestInfo::from).collect())
}

/// Every contest with its quotas, without the participant counts (left at 0), which would
/// cost a scan of every attempt (for the catalog).
pub async fn contests_with_quotas(pool: &Pool) -> sqlx::Result<Vec<(ContestInfo, Vec<Quota>)>> {
    #[derive(FromRow)]
    struct WithQuotas {
        #[sqlx(flatten)]
        contest: ContestRow,
        quotas: String,
    }
    let rows: Vec<WithQuotas> = sqlx::query_as(&format!(
        "SELECT {CONTEST_FIELDS}, 0 AS participants, c.quotas FROM contests c"
    ))
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| Ok((ContestInfo::from(row.contest), decode(&row.quotas)?)))
        .collect()
}

pub async fn contest(pool: &Pool, id: i64) -> sqlx::Result<Option<ContestInfo>> {
    let row: Option<ContestRow> = sqlx::query_as(&format!(
        "SELECT {CONTEST_FIELDS}, {PARTICIPANTS} FROM contests c WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(ContestInfo::from))
}

// ---- Attempts ----------------------------------------------------------------------------------

#[derive(Clone, Debug, FromRow)]
pub struct AttemptRow {
    pub id: String,
    pub contest_id: i64,
    pub participant: String,
    pub nickname: String,
    pub town: String,
    pub paper: String,
    pub started_at: i64,
    pub deadline_at: i64,
    pub progress: String,
    pub progress_at: Option<i64>,
    pub submitted_at: Option<i64>,
    pub answers: Option<String>,
    pub score: Option<i64>,
    pub elapsed_secs: Option<i64>,
    pub passed: Option<i64>,
    #[sqlx(try_from = "Flag")]
    pub late: bool,
    pub certificate: Option<String>,
}

impl AttemptRow {
    pub fn paper(&self) -> sqlx::Result<Vec<PaperQuestion>> {
        decode(&self.paper)
    }

    pub fn progress(&self) -> Vec<Vec<usize>> {
        serde_json::from_str(&self.progress).unwrap_or_default()
    }
}

const ATTEMPT_COLUMNS: &str = "id, contest_id, participant, nickname, town, paper, started_at,
    deadline_at, progress, progress_at, submitted_at, answers, score, elapsed_secs, passed, late,
    certificate";

pub async fn attempt(pool: &Pool, id: &str) -> sqlx::Result<Option<AttemptRow>> {
    sqlx::query_as(&format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// The participant's unsubmitted attempt at a contest, if any.
pub async fn unsubmitted<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    contest_id: i64,
    participant: &str,
) -> sqlx::Result<Option<AttemptRow>> {
    sqlx::query_as(&format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts
         WHERE contest_id = $1 AND participant = $2 AND submitted_at IS NULL
         ORDER BY started_at DESC LIMIT 1"
    ))
    .bind(contest_id)
    .bind(participant)
    .fetch_optional(db)
    .await
}

/// Attempts started today at a contest.
#[derive(Debug, FromRow)]
pub struct StartedToday {
    /// By this participant.
    pub mine: i64,
    /// From this address group.
    pub from_address: i64,
    /// The latest start from this address group.
    pub last_from_address: Option<i64>,
    /// The participant's unsubmitted attempt, if any (running, or past its time).
    pub unsubmitted: Option<String>,
}

pub async fn started_today<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    contest_id: i64,
    participant: &str,
    client_ip: &str,
    day: &str,
) -> sqlx::Result<StartedToday> {
    sqlx::query_as(
        "SELECT
            (SELECT COUNT(*) FROM attempts WHERE contest_id = $1 AND participant = $2 AND day = $4)
                AS mine,
            COUNT(*) AS from_address, MAX(started_at) AS last_from_address,
            (SELECT id FROM attempts
             WHERE contest_id = $1 AND participant = $2 AND submitted_at IS NULL
             ORDER BY started_at DESC LIMIT 1) AS unsubmitted
         FROM attempts WHERE contest_id = $1 AND client_ip = $3 AND day = $4",
    )
    .bind(contest_id)
    .bind(participant)
    .bind(client_ip)
    .bind(day)
    .fetch_one(db)
    .await
}

/// What [`start_attempt`] did.
#[derive(Debug)]
pub enum Started {
    /// The new attempt is stored.
    New,
    /// The participant has an unsubmitted attempt (perhaps past its time): nothing stored.
    Unsubmitted(Box<AttemptRow>),
}

/// Stores a new attempt unless the participant has one running or `allowed` refuses the day's
/// starts so far. One transaction, serialised per participant and per address: starts racing
/// on any instance cannot open two attempts or slip past a daily limit.
/// What the attempt rules decided about a new attempt, from the day's counts.
#[derive(Debug, Clone, Copy)]
pub struct Admission {
    /// Whether the attempt may be placed on the leaderboard by person.
    pub ranked: bool,
}

pub async fn start_attempt<E>(
    pool: &Pool,
    mut a: NewAttempt<'_>,
    admit: impl FnOnce(&StartedToday) -> Result<Admission, E>,
) -> sqlx::Result<Result<Started, E>> {
    let person = format!("attempt:{}:{}", a.contest_id, a.participant);
    let address = format!("attempt-address:{}:{}", a.contest_id, a.client_ip);
    let mut tx = db::begin_serialized(pool, &[&person, &address]).await?;
    // One query for the usual case (nothing running): the day's counts and the running id.
    let today = started_today(&mut *tx, a.contest_id, a.participant, a.client_ip, a.day).await?;
    if today.unsubmitted.is_some()
        && let Some(row) = unsubmitted(&mut *tx, a.contest_id, a.participant).await?
    {
        return Ok(Ok(Started::Unsubmitted(Box::new(row))));
    }
    match admit(&today) {
        Ok(admission) => a.ranked = admission.ranked,
        Err(refused) => return Ok(Err(refused)),
    }
    insert_attempt(&mut *tx, a).await?;
    tx.commit().await?;
    Ok(Ok(Started::New))
}

pub struct NewAttempt<'a> {
    pub id: &'a str,
    pub contest_id: i64,
    pub participant: &'a str,
    pub client_ip: &'a str,
    pub day: &'a str,
    pub nickname: &'a str,
    pub town: &'a str,
    pub employer: &'a str,
    pub paper: &'a [PaperQuestion],
    pub started_at: i64,
    pub deadline_at: i64,
    /// Set by [`start_attempt`] from the day's counts.
    pub ranked: bool,
}

pub async fn insert_attempt<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    a: NewAttempt<'_>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO attempts (id, contest_id, participant, client_ip, day, nickname, town,
             employer, paper, started_at, deadline_at, ranked)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(a.id)
    .bind(a.contest_id)
    .bind(a.participant)
    .bind(a.client_ip)
    .bind(a.day)
    .bind(a.nickname)
    .bind(a.town)
    .bind(a.employer)
    .bind(json(a.paper))
    .bind(a.started_at)
    .bind(a.deadline_at)
    .bind(db::flag(a.ranked))
    .execute(db)
    .await?;
    Ok(())
}

/// Keeps answers given so far, while the attempt is running, at most once per second (the
/// statement itself refuses a second save within the same second, racing ones included).
pub async fn save_progress(
    pool: &Pool,
    id: &str,
    answers: &[Vec<usize>],
    now: i64,
) -> sqlx::Result<bool> {
    let _turn = db::write_turn(pool).await;
    let changed = sqlx::query(
        "UPDATE attempts SET progress = $1, progress_at = $2
         WHERE id = $3 AND submitted_at IS NULL AND deadline_at >= $4
           AND (progress_at IS NULL OR progress_at < $2)",
    )
    .bind(json(answers))
    .bind(now)
    .bind(id)
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

pub struct Finished<'a> {
    pub answers: &'a [Vec<usize>],
    pub review: &'a [(String, domain::contest::scoring::Credit)],
    pub score: i64,
    pub elapsed_secs: i64,
    pub passed: bool,
    pub late: bool,
    pub flagged_fast: bool,
    pub certificate: Option<&'a str>,
}

/// Stores the scored answers, once: false when the attempt was already submitted.
pub async fn finish(pool: &Pool, id: &str, f: Finished<'_>, now: i64) -> sqlx::Result<bool> {
    let _turn = db::write_turn(pool).await;
    let changed = sqlx::query(
        "UPDATE attempts SET submitted_at = $1, answers = $2, review = $3, score = $4,
             elapsed_secs = $5, passed = $6, late = $7, flagged_fast = $8, certificate = $9
         WHERE id = $10 AND submitted_at IS NULL",
    )
    .bind(now)
    .bind(json(f.answers))
    .bind(json(f.review))
    .bind(f.score)
    .bind(f.elapsed_secs)
    .bind(db::flag(f.passed))
    .bind(db::flag(f.late))
    .bind(db::flag(f.flagged_fast))
    .bind(f.certificate)
    .bind(id)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

// ---- Leaderboards, certificates, statistics ----------------------------------------------------

/// The rows that may be ranked (not flagged as too fast, not past a busy address's daily
/// quota) and their order: best score, then shortest time, then the earlier submission. One
/// text for the public board and the staff's, so both always show the same ranking.
const RANKED_ROWS: &str =
    "FROM contest_best WHERE contest_id = $1 AND flagged_fast = 0 AND ranked = 1";
const RANKING: &str = "ORDER BY score DESC, elapsed_secs, submitted_at LIMIT $2";

/// Each person's best attempt, best first, without the rows staff hid. Read from
/// `contest_best`, which a trigger keeps as attempts are scored (migration 0012): one index
/// range, however many attempts there are.
pub async fn people(pool: &Pool, contest_id: i64, limit: i64) -> sqlx::Result<Vec<PersonRow>> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT nickname, town, score, elapsed_secs {RANKED_ROWS} AND hidden = 0 {RANKING}"
    ))
    .bind(contest_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, (nickname, town, score, elapsed_secs))| PersonRow {
            rank: i + 1,
            nickname,
            town,
            score,
            elapsed_secs,
        })
        .collect())
}

/// Participation (people) and the average of their best scores, by the town of each
/// person's best attempt.
pub async fn towns(pool: &Pool, contest_id: i64) -> sqlx::Result<Vec<TownRow>> {
    let rows: Vec<(String, i64, f64)> = sqlx::query_as(
        "SELECT town, COUNT(*), CAST(AVG(score) AS DOUBLE PRECISION) FROM contest_best
         WHERE contest_id = $1 AND town != '' AND hidden = 0
         GROUP BY town ORDER BY COUNT(*) DESC, AVG(score) DESC",
    )
    .bind(contest_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(town, participants, average)| TownRow {
            town,
            participants,
            average,
        })
        .collect())
}

/// How many rows of a contest's leaderboard staff have hidden.
pub async fn hidden_count(pool: &Pool, contest_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM contest_best WHERE contest_id = $1 AND hidden = 1")
        .bind(contest_id)
        .fetch_one(pool)
        .await
}

/// The leaderboard as staff see it: the best rows that would be ranked, hidden ones among
/// them, with the participant's key to hide one by.
pub async fn board_for_staff(
    pool: &Pool,
    contest_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<StaffBoardRow>> {
    type Stored = (String, String, String, i64, i64, Flag, String);
    let rows: Vec<Stored> = sqlx::query_as(&format!(
        "SELECT participant, nickname, town, score, elapsed_secs, hidden, hidden_reason
         {RANKED_ROWS} {RANKING}"
    ))
    .bind(contest_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(participant, nickname, town, score, elapsed_secs, hidden, hidden_reason)| {
                StaffBoardRow {
                    participant,
                    nickname,
                    town,
                    score,
                    elapsed_secs,
                    hidden: hidden.into(),
                    hidden_reason,
                }
            },
        )
        .collect())
}

/// Takes a person's row off a contest's leaderboard, with the reason; false when there is no
/// such row or it was hidden already.
pub async fn hide_row(
    pool: &Pool,
    contest_id: i64,
    participant: &str,
    reason: &str,
) -> sqlx::Result<bool> {
    let _turn = db::write_turn(pool).await;
    let changed = sqlx::query(
        "UPDATE contest_best SET hidden = 1, hidden_reason = $1
         WHERE contest_id = $2 AND participant = $3 AND hidden = 0",
    )
    .bind(reason)
    .bind(contest_id)
    .bind(participant)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

pub async fn certificate(pool: &Pool, code: &str) -> sqlx::Result<Option<CertificateInfo>> {
    let row: Option<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT a.certificate, a.nickname, c.title, a.score, a.submitted_at
         FROM attempts a JOIN contests c ON c.id = a.contest_id
         WHERE a.certificate = $1 AND a.passed = 1",
    )
    .bind(code)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(
        |(code, nickname, contest_title, score, submitted_at)| CertificateInfo {
            code,
            nickname,
            contest_title,
            score,
            submitted_at,
        },
    ))
}

/// Submitted attempts of a contest for statistics and export, oldest first:
/// (nickname, town, employer, score, elapsed, submitted_at, flagged, late, review JSON).
pub type ExportRow = (String, String, String, i64, i64, i64, bool, bool, String);

pub async fn submitted(pool: &Pool, contest_id: i64) -> sqlx::Result<Vec<ExportRow>> {
    type Stored = (String, String, String, i64, i64, i64, Flag, Flag, String);
    let rows: Vec<Stored> = sqlx::query_as(
        "SELECT nickname, town, employer, score, elapsed_secs, submitted_at, flagged_fast, late,
                review
         FROM attempts WHERE contest_id = $1 AND submitted_at IS NOT NULL ORDER BY submitted_at",
    )
    .bind(contest_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(nickname, town, employer, score, elapsed, at, fast, late, review)| {
                let (fast, late) = (fast.into(), late.into());
                (
                    nickname, town, employer, score, elapsed, at, fast, late, review,
                )
            },
        )
        .collect())
}
