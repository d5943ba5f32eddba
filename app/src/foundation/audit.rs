//! The audit log of staff actions (全程留痕): who, what, when, from where. Append-only: the
//! database refuses to update or delete its rows (see migration 0002).

use serde::{Deserialize, Serialize};

/// One line of the log, as the admin page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub client_ip: String,
    /// How many times this entry happened, when it stands for a burst of repeats (a throttled
    /// sign-in tried again and again within one window); `None` for a single event.
    pub repeats: Option<i64>,
}

/// What an entry is about. Every action has its key (stored in the log) and the Chinese name
/// the log page shows, so an action without a label cannot compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    SignIn,
    SignInFailed,
    SignInThrottled,
    SignOut,
    PasswordChanged,
    PasswordChangeFailed,
    PasswordChangeThrottled,
    PasswordReset,
    AccountCreated,
    RolesChanged,
    AccountDisabled,
    AccountEnabled,
    ArticleCreated,
    ArticleSaved,
    ArticleRestored,
    ArticleSubmitted,
    ArticlePublished,
    ArticleScheduled,
    ArticleReturned,
    ArticleWithdrawn,
    ImageUploaded,
    EnterprisesImported,
    InspectorsImported,
    DrawAnnounced,
    DrawDrawn,
    DrawRevealed,
    DeclarationsExported,
    ResultRecorded,
    ResultCorrected,
    ResultsPublished,
    ContestCreated,
    QuestionSaved,
    LeaderboardRowHidden,
}

impl Action {
    pub const ALL: [Action; 33] = [
        Action::SignIn,
        Action::SignInFailed,
        Action::SignInThrottled,
        Action::SignOut,
        Action::PasswordChanged,
        Action::PasswordChangeFailed,
        Action::PasswordChangeThrottled,
        Action::PasswordReset,
        Action::AccountCreated,
        Action::RolesChanged,
        Action::AccountDisabled,
        Action::AccountEnabled,
        Action::ArticleCreated,
        Action::ArticleSaved,
        Action::ArticleRestored,
        Action::ArticleSubmitted,
        Action::ArticlePublished,
        Action::ArticleScheduled,
        Action::ArticleReturned,
        Action::ArticleWithdrawn,
        Action::ImageUploaded,
        Action::EnterprisesImported,
        Action::InspectorsImported,
        Action::DrawAnnounced,
        Action::DrawDrawn,
        Action::DrawRevealed,
        Action::DeclarationsExported,
        Action::ResultRecorded,
        Action::ResultCorrected,
        Action::ResultsPublished,
        Action::ContestCreated,
        Action::QuestionSaved,
        Action::LeaderboardRowHidden,
    ];

    /// The key stored in `audit_log.action`; never changed once used.
    pub fn key(self) -> &'static str {
        match self {
            Action::SignIn => "sign_in",
            Action::SignInFailed => "sign_in_failed",
            Action::SignInThrottled => "sign_in_throttled",
            Action::SignOut => "sign_out",
            Action::PasswordChanged => "password_changed",
            Action::PasswordChangeFailed => "password_change_failed",
            Action::PasswordChangeThrottled => "password_change_throttled",
            Action::PasswordReset => "password_reset",
            Action::AccountCreated => "account_created",
            Action::RolesChanged => "roles_changed",
            Action::AccountDisabled => "account_disabled",
            Action::AccountEnabled => "account_enabled",
            Action::ArticleCreated => "article_created",
            Action::ArticleSaved => "article_saved",
            Action::ArticleRestored => "article_restored",
            Action::ArticleSubmitted => "article_submitted",
            Action::ArticlePublished => "article_published",
            Action::ArticleScheduled => "article_scheduled",
            Action::ArticleReturned => "article_returned",
            Action::ArticleWithdrawn => "article_withdrawn",
            Action::ImageUploaded => "image_uploaded",
            Action::EnterprisesImported => "enterprises_imported",
            Action::InspectorsImported => "inspectors_imported",
            Action::DrawAnnounced => "draw_announced",
            Action::DrawDrawn => "draw_drawn",
            Action::DrawRevealed => "draw_revealed",
            Action::DeclarationsExported => "declarations_exported",
            Action::ResultRecorded => "result_recorded",
            Action::ResultCorrected => "result_corrected",
            Action::ResultsPublished => "results_published",
            Action::ContestCreated => "contest_created",
            Action::QuestionSaved => "question_saved",
            Action::LeaderboardRowHidden => "leaderboard_row_hidden",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::SignIn => "登录",
            Action::SignInFailed => "登录失败",
            Action::SignInThrottled => "登录尝试过于频繁，已拒绝",
            Action::SignOut => "退出登录",
            Action::PasswordChanged => "修改密码",
            Action::PasswordChangeFailed => "修改密码失败（当前密码不正确）",
            Action::PasswordChangeThrottled => "修改密码尝试过于频繁，已拒绝",
            Action::PasswordReset => "重置密码",
            Action::AccountCreated => "创建账号",
            Action::RolesChanged => "修改角色",
            Action::AccountDisabled => "停用账号",
            Action::AccountEnabled => "启用账号",
            Action::ArticleCreated => "新建文章",
            Action::ArticleSaved => "保存文章",
            Action::ArticleRestored => "恢复文章版本",
            Action::ArticleSubmitted => "提交审核",
            Action::ArticlePublished => "发布文章",
            Action::ArticleScheduled => "定时发布",
            Action::ArticleReturned => "退回修改",
            Action::ArticleWithdrawn => "撤回文章",
            Action::ImageUploaded => "上传图片",
            Action::EnterprisesImported => "导入企业名录",
            Action::InspectorsImported => "导入执法人员名录",
            Action::DrawAnnounced => "公告抽查任务",
            Action::DrawDrawn => "抽取",
            Action::DrawRevealed => "公开抽取名单",
            Action::DeclarationsExported => "导出回避声明（供审计核对）",
            Action::ResultRecorded => "录入检查结果",
            Action::ResultCorrected => "更正已公开的检查结果",
            Action::ResultsPublished => "公开检查结果",
            Action::ContestCreated => "新建竞赛",
            Action::QuestionSaved => "保存题目",
            Action::LeaderboardRowHidden => "从排行榜隐藏",
        }
    }
}

/// The Chinese name of a stored key; a key this build does not know is shown as stored.
pub fn action_label(key: &str) -> &str {
    Action::ALL
        .iter()
        .find(|action| action.key() == key)
        .map_or(key, |action| action.label())
}

/// Entries shown per page.
pub const PAGE_SIZE: i64 = 50;

/// The longest actor name kept, in characters (past it the text is cut and marked `…`).
pub const MAX_ACTOR_CHARS: usize = 200;
/// The longest target kept, in characters.
pub const MAX_TARGET_CHARS: usize = 200;
/// The longest detail kept, in characters.
pub const MAX_DETAIL_CHARS: usize = 2000;

/// `text` cut to at most `max_chars` characters on a character boundary, the cut marked with
/// `…`: whatever reaches the log, an entry stays a line, not a megabyte.
pub fn capped(text: &str, max_chars: usize) -> std::borrow::Cow<'_, str> {
    if text.char_indices().nth(max_chars).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let keep = max_chars.saturating_sub(1);
    let end = text
        .char_indices()
        .nth(keep)
        .map_or(text.len(), |(at, _)| at);
    std::borrow::Cow::Owned(format!("{}…", &text[..end]))
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use crate::foundation::db::{self, Connection, Pool};
    use sqlx::FromRow;

    use super::{AuditEntry, MAX_ACTOR_CHARS, MAX_DETAIL_CHARS, MAX_TARGET_CHARS, capped};
    use crate::staff::Staff;

    /// Who did it.
    pub enum Actor<'a> {
        Staff(&'a Staff),
        /// The server's command line (`server admin …`).
        CommandLine,
        /// Someone not signed in, e.g. a failed sign-in under the name they typed.
        Anonymous(&'a str),
    }

    /// An entry to append.
    pub struct Event<'a> {
        pub actor: Actor<'a>,
        pub action: super::Action,
        pub target: &'a str,
        pub detail: &'a str,
        pub client_ip: &'a str,
    }

    /// Appends an entry; its actor, target and detail are capped ([`super::capped`]).
    pub async fn record(pool: &Pool, event: Event<'_>, now: i64) -> sqlx::Result<()> {
        let mut conn = pool.acquire().await?;
        insert(&mut conn, &event, now).await?;
        Ok(())
    }

    /// Appends an entry for an event that may repeat many times in a row under one `key` (a
    /// throttled sign-in tried again and again): the first one within `window_secs` is an
    /// entry of the log, and the ones after it only count on that entry (`audit_repeats`), so
    /// a burst is one line with its count and cannot bury the other entries.
    pub async fn record_repeated(
        pool: &Pool,
        event: Event<'_>,
        key: &str,
        window_secs: i64,
        now: i64,
    ) -> sqlx::Result<()> {
        let lock = format!("audit_repeat:{key}");
        let mut tx = db::begin_serialized(pool, &[&lock]).await?;
        let open: Option<i64> = sqlx::query_scalar(
            "SELECT audit_id FROM audit_repeats WHERE key = $1 AND window_start > $2
             ORDER BY window_start DESC LIMIT 1",
        )
        .bind(key)
        .bind(now - window_secs)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(audit_id) = open {
            sqlx::query(
                "UPDATE audit_repeats SET count = count + 1, last_at = $1 WHERE audit_id = $2",
            )
            .bind(now)
            .bind(audit_id)
            .execute(&mut *tx)
            .await?;
        } else {
            let audit_id = insert(&mut tx, &event, now).await?;
            sqlx::query(
                "INSERT INTO audit_repeats (audit_id, key, window_start, count, last_at)
                 VALUES ($1, $2, $3, 1, $3)",
            )
            .bind(audit_id)
            .bind(key)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// Inserts one row, its text fields capped, and returns its id.
    async fn insert(conn: &mut Connection, event: &Event<'_>, now: i64) -> sqlx::Result<i64> {
        let (actor_id, actor_name) = match event.actor {
            Actor::Staff(staff) => (Some(staff.id), staff.username.clone()),
            Actor::CommandLine => (None, "（命令行）".to_string()),
            Actor::Anonymous(name) => (None, format!("（未登录）{name}")),
        };
        sqlx::query_scalar(
            "INSERT INTO audit_log (at, actor_id, actor_name, action, target, detail, client_ip)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(now)
        .bind(actor_id)
        .bind(capped(&actor_name, MAX_ACTOR_CHARS).into_owned())
        .bind(event.action.key())
        .bind(capped(event.target, MAX_TARGET_CHARS).into_owned())
        .bind(capped(event.detail, MAX_DETAIL_CHARS).into_owned())
        .bind(event.client_ip.to_owned())
        .fetch_one(conn)
        .await
    }

    #[derive(FromRow)]
    struct Row {
        id: i64,
        at: i64,
        actor_name: String,
        action: String,
        target: String,
        detail: String,
        client_ip: String,
        repeats: Option<i64>,
    }

    /// One page of the log, newest first; entries older than `before` (an id) when given.
    pub async fn page(
        pool: &Pool,
        before: Option<i64>,
        limit: i64,
    ) -> sqlx::Result<Vec<AuditEntry>> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT a.id, a.at, a.actor_name, a.action, a.target, a.detail, a.client_ip,
                    r.count AS repeats
             FROM audit_log a LEFT JOIN audit_repeats r ON r.audit_id = a.id
             WHERE a.id < $1 ORDER BY a.id DESC LIMIT $2",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| AuditEntry {
                id: row.id,
                at: row.at,
                actor: row.actor_name,
                action: row.action,
                target: row.target,
                detail: row.detail,
                client_ip: row.client_ip,
                repeats: row.repeats,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_its_own_key_and_a_chinese_label() {
        let mut keys: Vec<&str> = Action::ALL.iter().map(|a| a.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Action::ALL.len());
        for action in Action::ALL {
            assert_eq!(action_label(action.key()), action.label());
            assert!(!action.label().is_ascii(), "{action:?}");
        }
        assert_eq!(action_label("retired_action"), "retired_action");
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary_and_marked() {
        assert_eq!(capped("短文本", 5), "短文本");
        assert_eq!(capped("五个字正好", 5), "五个字正好");
        assert_eq!(capped("六个字超过了", 5), "六个字超…");
        assert_eq!(capped(&"甲".repeat(10_000), 200).chars().count(), 200);
    }
}
