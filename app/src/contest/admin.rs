//! The staff's contest area (role `contest_admin`): set up contests, read their statistics.

use crate::foundation::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{ContestInfo, StaffBoardRow};
use crate::staff::Role;

/// Who may run contests.
pub const CONTEST_OFFICERS: &[Role] = &[Role::ContestAdmin];

/// A quota row as typed: a topic and/or a difficulty, and how many questions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaForm {
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub difficulty: String,
    #[serde(default)]
    pub count: String,
}

/// The new-contest form, as posted (and as sent back when refused).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContestForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// `YYYY-MM-DDTHH:MM`, Beijing time.
    #[serde(default)]
    pub opens_at: String,
    #[serde(default)]
    pub closes_at: String,
    #[serde(default)]
    pub question_count: String,
    #[serde(default)]
    pub time_limit_minutes: String,
    #[serde(default)]
    pub pass_percent: String,
    #[serde(default)]
    pub attempts_per_day: String,
    #[serde(default)]
    pub ask_town: Option<String>,
    #[serde(default)]
    pub ask_employer: Option<String>,
    /// Present when the contest draws only contest-only questions.
    #[serde(default)]
    pub contest_only: Option<String>,
    #[serde(default)]
    pub quotas: Vec<QuotaForm>,
}

/// The contest area's front page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContestOverview {
    pub contests: Vec<ContestInfo>,
    pub bank: Vec<(String, i64)>,
}

/// Statistics of one contest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContestStats {
    pub contest: ContestInfo,
    pub submitted: usize,
    pub passed: usize,
    pub flagged: usize,
    pub average: f64,
    /// Submissions per Beijing day.
    pub by_day: Vec<(String, usize)>,
    /// Per question: id, stem, times answered, share answered fully right; hardest first.
    pub questions: Vec<(String, String, usize, f64)>,
    /// The top of the leaderboard by person, hidden rows included, for hiding one.
    pub board: Vec<StaffBoardRow>,
}

/// The shortest and longest reason for hiding a leaderboard row, in characters.
pub const HIDE_REASON_CHARS: std::ops::RangeInclusive<usize> = 2..=200;

#[server(prefix = "/api/staff", endpoint = "contests_overview")]
pub async fn load_contest_overview() -> Result<ContestOverview, AppError> {
    use crate::foundation::server_support::pool;
    crate::foundation::access::require(CONTEST_OFFICERS)?;
    let pool = pool()?;
    Ok(ContestOverview {
        contests: super::store::contests(&pool).await?,
        bank: super::store::bank_by_topic(&pool).await?,
    })
}

#[server(prefix = "/api/staff", endpoint = "contest_create")]
pub async fn create_contest(form: ContestForm) -> Result<(), AppError> {
    use crate::foundation::server_support::{Outcome, form_again, staff_form};
    staff_form(CONTEST_OFFICERS, |staff, pool| async move {
        let bank = super::store::bank(&pool).await?;
        let checked = match server::check(&form, &bank) {
            Ok(checked) => checked,
            Err(message) => {
                return Ok(Outcome::go(form_again(
                    "/admin/contests/new",
                    &message,
                    &form,
                )));
            }
        };
        let new = super::store::NewContest {
            created_by: staff.id,
            ..checked.as_new(&form)
        };
        let id = super::store::create_contest(&pool, new, crate::foundation::clock::now()).await?;
        Ok(Outcome::done(
            crate::foundation::audit::Action::ContestCreated,
            format!("contest:{id}"),
            form.title.trim(),
            format!("/admin/contests/{id}?done=created"),
        ))
    })
    .await
}

#[server(prefix = "/api/staff", endpoint = "contest_stats")]
pub async fn load_contest_stats(id: i64) -> Result<Option<ContestStats>, AppError> {
    use crate::foundation::server_support::pool;
    crate::foundation::access::require(CONTEST_OFFICERS)?;
    Ok(server::stats(&pool()?, id).await?)
}

/// Takes a row off a contest's public leaderboard, with a reason (audited). The row stays
/// in the database and in the export; the public page says how many are hidden.
#[server(prefix = "/api/staff", endpoint = "leaderboard_hide")]
pub async fn hide_leaderboard_row(
    contest_id: i64,
    participant: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::foundation::server_support::{Outcome, staff_form};
    staff_form(CONTEST_OFFICERS, |_, pool| async move {
        let back = format!("/admin/contests/{contest_id}");
        let reason = reason.trim().to_string();
        if !HIDE_REASON_CHARS.contains(&reason.chars().count()) {
            return Ok(Outcome::go(format!("{back}?error=reason#board")));
        }
        if participant.len() > 64
            || !super::store::hide_row(&pool, contest_id, &participant, &reason).await?
        {
            return Ok(Outcome::go(format!("{back}?error=no_row#board")));
        }
        let memos = crate::memo::memos()?;
        super::api::server::fresh_leaderboard(&pool, &memos, contest_id).await?;
        Ok(Outcome::done(
            crate::foundation::audit::Action::LeaderboardRowHidden,
            format!("contest:{contest_id}"),
            format!("participant:{participant} {reason}"),
            format!("{back}?done=hidden#board"),
        ))
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod server {
    use std::collections::{BTreeMap, HashMap};

    use crate::foundation::db::Pool;
    use domain::contest::{bank::Question, paper::Quota, scoring::Credit};

    use super::{ContestForm, ContestStats};
    use crate::contest::store;

    pub struct Checked {
        pub title: String,
        pub description: String,
        pub opens_at: i64,
        pub closes_at: i64,
        pub question_count: i64,
        pub quotas: Vec<Quota>,
        pub time_limit_secs: i64,
        pub pass_percent: i64,
        pub attempts_per_day: i64,
    }

    impl Checked {
        pub fn as_new<'a>(&'a self, form: &ContestForm) -> store::NewContest<'a> {
            store::NewContest {
                title: &self.title,
                description: &self.description,
                opens_at: self.opens_at,
                closes_at: self.closes_at,
                question_count: self.question_count,
                quotas: &self.quotas,
                time_limit_secs: self.time_limit_secs,
                pass_percent: self.pass_percent,
                attempts_per_day: self.attempts_per_day,
                ask_town: form.ask_town.is_some(),
                ask_employer: form.ask_employer.is_some(),
                contest_only: form.contest_only.is_some(),
                created_by: 0,
            }
        }
    }

    fn number(text: &str, what: &str, range: std::ops::RangeInclusive<i64>) -> Result<i64, String> {
        text.trim()
            .parse::<i64>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| format!("{what}应为 {} 到 {} 之间的整数", range.start(), range.end()))
    }

    /// The form as a contest, or the first thing wrong with it.
    pub fn check(form: &ContestForm, bank: &[Question]) -> Result<Checked, String> {
        let title = form.title.trim().to_string();
        if title.is_empty() || title.chars().count() > 100 {
            return Err("请填写竞赛名称（不超过 100 字）".into());
        }
        let description = form.description.trim().to_string();
        if description.chars().count() > 1000 {
            return Err("竞赛说明不超过 1000 字".into());
        }
        let opens_at =
            crate::foundation::clock::parse_beijing(&form.opens_at).ok_or("请填写开始时间")?;
        let closes_at =
            crate::foundation::clock::parse_beijing(&form.closes_at).ok_or("请填写结束时间")?;
        if closes_at <= opens_at {
            return Err("结束时间应晚于开始时间".into());
        }
        let question_count = number(&form.question_count, "题目数量", 1..=100)?;
        let time_limit_secs = number(&form.time_limit_minutes, "答题时间（分钟）", 1..=120)? * 60;
        let pass_percent = number(&form.pass_percent, "及格分", 0..=100)?;
        let attempts_per_day = number(&form.attempts_per_day, "每天答题次数", 1..=20)?;
        let mut quotas = Vec::new();
        for row in &form.quotas {
            if row.count.trim().is_empty() {
                continue;
            }
            let count = number(&row.count, "分类抽题数量", 1..=100)? as usize;
            let topic = Some(row.topic.trim().to_string()).filter(|t| !t.is_empty());
            let difficulty = match row.difficulty.trim() {
                "" => None,
                d => Some(number(d, "难度", 1..=3)? as u8),
            };
            quotas.push(Quota {
                topic,
                difficulty,
                count,
            });
        }
        if quotas.iter().map(|q| q.count as i64).sum::<i64>() > question_count {
            return Err("分类抽题数量之和超过了题目数量".into());
        }
        // The bank must be able to give every paper: try one, from the questions it may use.
        // A regular contest never draws a contest-only question: its review shows the answers
        // at once, and anyone may take it again and again.
        let contest_only = form.contest_only.is_some();
        let usable: Vec<Question> = bank
            .iter()
            .filter(|q| q.contest_only == contest_only)
            .cloned()
            .collect();
        domain::contest::paper::draw(&usable, question_count as usize, &quotas, 1).map_err(
            |e| {
                if contest_only {
                    format!("{e}（只计“仅用于竞赛”的题目）")
                } else {
                    format!("{e}（只计可练习的题目，不含“仅用于竞赛”的题目）")
                }
            },
        )?;
        Ok(Checked {
            title,
            description,
            opens_at,
            closes_at,
            question_count,
            quotas,
            time_limit_secs,
            pass_percent,
            attempts_per_day,
        })
    }

    pub async fn stats(pool: &Pool, id: i64) -> sqlx::Result<Option<ContestStats>> {
        let Some(contest) = store::contest(pool, id).await? else {
            return Ok(None);
        };
        let rows = store::submitted(pool, id).await?;
        let pass = contest.pass_percent;
        let mut by_day: BTreeMap<String, usize> = BTreeMap::new();
        let mut per_question: HashMap<String, (usize, usize)> = HashMap::new();
        let mut total = 0i64;
        for (_, _, _, score, _, at, _, _, review) in &rows {
            total += score;
            *by_day
                .entry(domain::date::Date::beijing_of_unix(*at).to_string())
                .or_default() += 1;
            let review: Vec<(String, Credit)> = serde_json::from_str(review).unwrap_or_default();
            for (qid, credit) in review {
                let entry = per_question.entry(qid).or_default();
                entry.0 += 1;
                if credit == Credit::Full {
                    entry.1 += 1;
                }
            }
        }
        let stems: HashMap<String, String> = store::bank(pool)
            .await?
            .into_iter()
            .map(|q| (q.id, q.stem))
            .collect();
        let mut questions: Vec<(String, String, usize, f64)> = per_question
            .into_iter()
            .map(|(qid, (seen, right))| {
                let stem = stems.get(&qid).cloned().unwrap_or_default();
                (qid, stem, seen, right as f64 / seen.max(1) as f64)
            })
            .collect();
        questions.sort_by(|a, b| a.3.total_cmp(&b.3).then(a.0.cmp(&b.0)));
        Ok(Some(ContestStats {
            submitted: rows.len(),
            passed: rows.iter().filter(|r| r.3 >= pass).count(),
            flagged: rows.iter().filter(|r| r.6).count(),
            average: if rows.is_empty() {
                0.0
            } else {
                total as f64 / rows.len() as f64
            },
            by_day: by_day.into_iter().collect(),
            questions,
            board: store::board_for_staff(pool, id, 100).await?,
            contest,
        }))
    }
}

/// A question in the bank editor, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub topic: String,
    /// `single`, `multiple`, `judge`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub difficulty: String,
    #[serde(default)]
    pub stem: String,
    /// One option per line.
    #[serde(default)]
    pub options: String,
    /// Letters (`A,C`), or `正确` / `错误`.
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub explanation: String,
    #[serde(default)]
    pub source: String,
    /// Present when the question is in use.
    #[serde(default)]
    pub active: Option<String>,
    /// Present when the question is kept for contests (never shown in practice).
    #[serde(default)]
    pub contest_only: Option<String>,
}

/// A row of the bank editor's list: id, topic, kind label, stem, active, contest-only.
pub type BankRow = (String, String, String, String, bool, bool);

/// The bank, for the editor's list.
#[server(prefix = "/api/staff", endpoint = "bank_list")]
pub async fn bank_list() -> Result<Vec<BankRow>, AppError> {
    use crate::foundation::server_support::pool;
    crate::foundation::access::require(CONTEST_OFFICERS)?;
    let rows = super::store::bank_list(&pool()?).await?;
    Ok(rows
        .into_iter()
        .map(|(id, topic, kind, stem, active, contest_only)| {
            let label = match kind.as_str() {
                "single" => "单选题",
                "multiple" => "多选题",
                _ => "判断题",
            };
            (id, topic, label.to_string(), stem, active, contest_only)
        })
        .collect())
}

/// A question as the editor shows it.
#[server(prefix = "/api/staff", endpoint = "bank_question")]
pub async fn load_question(id: String) -> Result<Option<QuestionForm>, AppError> {
    use crate::foundation::server_support::pool;
    crate::foundation::access::require(CONTEST_OFFICERS)?;
    let Some((q, active)) = super::store::question(&pool()?, &id).await? else {
        return Ok(None);
    };
    let letters: Vec<String> = q
        .answer
        .iter()
        .map(|&i| domain::contest::bank::letter(i).to_string())
        .collect();
    Ok(Some(QuestionForm {
        kind: match q.kind {
            super::Kind::Single => "single",
            super::Kind::Multiple => "multiple",
            super::Kind::Judge => "judge",
        }
        .into(),
        answer: if q.kind == super::Kind::Judge {
            if q.answer == [0] { "正确" } else { "错误" }.into()
        } else {
            letters.join(",")
        },
        options: if q.kind == super::Kind::Judge {
            String::new()
        } else {
            q.options.join("\n")
        },
        id: q.id,
        topic: q.topic,
        difficulty: q.difficulty.to_string(),
        stem: q.stem,
        explanation: q.explanation,
        source: q.source,
        active: active.then(|| "on".into()),
        contest_only: q.contest_only.then(|| "on".into()),
    }))
}

/// Saves a question from the editor, checked by the bank's own rules.
#[server(prefix = "/api/staff", endpoint = "bank_save")]
pub async fn save_question(form: QuestionForm) -> Result<(), AppError> {
    use crate::foundation::server_support::{Outcome, encode, form_again, staff_form};
    use domain::contest::bank::{Kind, from_form};
    staff_form(CONTEST_OFFICERS, |_, pool| async move {
        let kind = match form.kind.as_str() {
            "single" => Some(Kind::Single),
            "multiple" => Some(Kind::Multiple),
            "judge" => Some(Kind::Judge),
            _ => None,
        };
        let difficulty = form.difficulty.trim().parse::<u8>().unwrap_or(0);
        let checked = match kind {
            None => Err("请选择题型".to_string()),
            Some(kind) => from_form(
                &form.id,
                &form.topic,
                kind,
                difficulty,
                &form.stem,
                &form.options,
                &form.answer,
                &form.explanation,
                &form.source,
            ),
        };
        let question = match checked {
            Ok(question) => domain::contest::bank::Question {
                contest_only: form.contest_only.is_some(),
                ..question
            },
            Err(message) => {
                return Ok(Outcome::go(form_again(
                    "/admin/contests/questions/edit",
                    &message,
                    &form,
                )));
            }
        };
        super::store::save_edited(
            &pool,
            &question,
            form.active.is_some(),
            crate::foundation::clock::now(),
        )
        .await?;
        Ok(Outcome::done(
            crate::foundation::audit::Action::QuestionSaved,
            format!("question:{}", question.id),
            question.stem.chars().take(40).collect::<String>(),
            format!("/admin/contests/questions?done={}", encode(&question.id)),
        ))
    })
    .await
}
