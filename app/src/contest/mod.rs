//! The safety knowledge contest (安全知识竞赛): contests, attempts, scoring on the server,
//! leaderboards and certificates. The rules (bank format, papers, scoring) live in
//! `domain::contest`, shared with the browser.

use serde::{Deserialize, Serialize};

pub use domain::contest::{bank::Kind, paper::ShownQuestion, scoring::Credit};

/// Server functions of the staff's contest area.
pub mod admin;
/// Server functions of the quiz and the public pages.
pub mod api;
/// The bank and the contests' terms in memory, until staff change them (server only).
#[cfg(feature = "ssr")]
pub mod catalog;
/// The attempt rules: window, limits, time, one submission (server only).
#[cfg(feature = "ssr")]
pub mod engine;
/// The question bank: loading `content/questions` (server only).
#[cfg(feature = "ssr")]
pub mod import;
/// The SQL of contests and attempts (server only).
#[cfg(feature = "ssr")]
pub mod store;

/// Seconds a submission may arrive after the time limit (a slow connection, a late tap).
pub const GRACE_SECS: i64 = 15;

/// Attempts from one address group per contest and day that may be placed on the leaderboard
/// by person; later ones are scored and kept but not ranked. The per-person limit is only a
/// cookie: without this, one address could add a row with any nickname every few seconds.
pub const RANKED_PER_ADDRESS_PER_DAY: i64 = 30;

/// A contest in a list or on its page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContestInfo {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub question_count: i64,
    pub time_limit_secs: i64,
    pub pass_percent: i64,
    pub attempts_per_day: i64,
    pub ask_town: bool,
    pub ask_employer: bool,
    /// Drawn only from contest-only questions (never in practice); their answers and
    /// explanations are shown after the contest closes.
    pub contest_only: bool,
    pub participants: i64,
}

impl ContestInfo {
    pub fn is_open(&self, now: i64) -> bool {
        self.opens_at <= now && now < self.closes_at
    }

    /// Until when every mark of an attempt (score, pass, certificate, review) and the
    /// leaderboard stay sealed, if they are now: a contest of contest-only questions shows none
    /// of them before it closes, since a score alone tells which answer was right.
    pub fn sealed_until(&self, now: i64) -> Option<i64> {
        (self.contest_only && now < self.closes_at).then_some(self.closes_at)
    }
}

/// What the participant types before starting: the minimum, never an ID number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entrant {
    pub nickname: String,
    #[serde(default)]
    pub town: String,
    #[serde(default)]
    pub employer: String,
}

/// An attempt in progress, as the quiz shows it: questions without answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptView {
    pub id: String,
    pub contest_title: String,
    pub questions: Vec<ShownQuestion>,
    /// Saved answers: for each question, the positions chosen as shown.
    pub answers: Vec<Vec<usize>>,
    /// Seconds left when this was sent.
    pub remaining_secs: i64,
}

/// One question after submission, with the correct answer and the explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub question: ShownQuestion,
    pub chosen: Vec<usize>,
    pub correct: Vec<usize>,
    pub credit: Credit,
    pub explanation: String,
    pub source: String,
}

/// A finished attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptResult {
    pub id: String,
    pub contest_id: i64,
    pub contest_title: String,
    pub nickname: String,
    pub pass_percent: i64,
    pub elapsed_secs: i64,
    pub submitted_at: i64,
    pub late: bool,
    /// The score, the certificate and the review; `None` until `sealed_until`.
    pub marks: Option<Marks>,
    /// When the marks become visible, if not yet: a contest of contest-only questions keeps
    /// every answer *and every score* until it closes, so that nobody learns its answers from
    /// a finished attempt (answer one question, read the score, start again) while others
    /// still answer.
    pub sealed_until: Option<i64>,
}

/// What a finished attempt earned, once it may be shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marks {
    pub score: i64,
    pub passed: bool,
    pub certificate: Option<String>,
    pub review: Vec<ReviewItem>,
}

/// A row of the leaderboard by person: best score, then shortest time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    pub rank: usize,
    pub nickname: String,
    pub town: String,
    pub score: i64,
    pub elapsed_secs: i64,
}

/// A row of the leaderboard by town or street.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TownRow {
    pub town: String,
    pub participants: i64,
    pub average: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Leaderboard {
    pub contest: ContestInfo,
    /// Empty while the contest's scores are sealed (see [`Leaderboard::sealed_until`]).
    pub people: Vec<PersonRow>,
    pub towns: Vec<TownRow>,
    /// Rows staff took off the board (each with a reason, in the audit log).
    pub hidden: i64,
    /// A contest of contest-only questions shows no score before it closes: a board would be
    /// the same oracle as the result page.
    pub sealed_until: Option<i64>,
}

/// A leaderboard row as contest officers see it, with what they need to hide it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffBoardRow {
    /// The participant's key (a hash of their cookie): what a hide names.
    pub participant: String,
    pub nickname: String,
    pub town: String,
    pub score: i64,
    pub elapsed_secs: i64,
    pub hidden: bool,
    pub hidden_reason: String,
}

/// What a certificate's verification page confirms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    pub code: String,
    pub nickname: String,
    pub contest_title: String,
    pub score: i64,
    pub submitted_at: i64,
}

/// A question in practice mode, with what is needed to check it (no answer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeQuestion {
    pub question: ShownQuestion,
    /// Bank indices of the options in the order shown.
    pub order: Vec<usize>,
    pub topic: String,
}

/// The instant feedback of practice mode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeFeedback {
    pub credit: Credit,
    /// Positions as shown.
    pub correct: Vec<usize>,
    pub explanation: String,
    pub source: String,
}

/// Formats seconds as `12 分 05 秒`.
pub fn duration_label(secs: i64) -> String {
    let secs = secs.max(0);
    if secs >= 60 {
        format!("{} 分 {:02} 秒", secs / 60, secs % 60)
    } else {
        format!("{secs} 秒")
    }
}
