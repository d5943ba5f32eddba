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
}

/// What an entry is about, and the Chinese name the log page gives it.
pub fn action_label(action: &str) -> &str {
    match action {
        "sign_in" => "登录",
        "sign_in_failed" => "登录失败",
        "sign_in_throttled" => "登录尝试过于频繁，已拒绝",
        "sign_out" => "退出登录",
        "password_changed" => "修改密码",
        "password_reset" => "重置密码",
        "account_created" => "创建账号",
        "roles_changed" => "修改角色",
        "account_disabled" => "停用账号",
        "account_enabled" => "启用账号",
        "article_created" => "新建文章",
        "article_saved" => "保存文章",
        "article_restored" => "恢复文章版本",
        "article_submitted" => "提交审核",
        "article_published" => "发布文章",
        "article_scheduled" => "定时发布",
        "article_returned" => "退回修改",
        "article_withdrawn" => "撤回文章",
        "image_uploaded" => "上传图片",
        other => other,
    }
}

/// Entries shown per page.
pub const PAGE_SIZE: i64 = 50;

/// One page of the log, newest first, older than the entry `before` when given (admins only).
#[leptos::server(prefix = "/api/staff", endpoint = "audit_log")]
pub async fn audit_entries(
    before: Option<i64>,
) -> Result<Vec<AuditEntry>, leptos::prelude::ServerFnError> {
    use crate::server_support::{internal, pool};
    use crate::staff::{Role, access::require};
    require(&[Role::Admin])?;
    page(&pool()?, before, PAGE_SIZE).await.map_err(internal)
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use sqlx::{FromRow, SqlitePool};

    use super::AuditEntry;
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
        pub action: &'static str,
        pub target: &'a str,
        pub detail: &'a str,
        pub client_ip: &'a str,
    }

    pub async fn record(pool: &SqlitePool, event: Event<'_>, now: i64) -> sqlx::Result<()> {
        let (actor_id, actor_name) = match event.actor {
            Actor::Staff(staff) => (Some(staff.id), staff.username.clone()),
            Actor::CommandLine => (None, "（命令行）".to_string()),
            Actor::Anonymous(name) => (None, format!("（未登录）{name}")),
        };
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, actor_name, action, target, detail, client_ip)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(now)
        .bind(actor_id)
        .bind(actor_name)
        .bind(event.action)
        .bind(event.target)
        .bind(event.detail)
        .bind(event.client_ip)
        .execute(pool)
        .await?;
        Ok(())
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
    }

    /// One page of the log, newest first; entries older than `before` (an id) when given.
    pub async fn page(
        pool: &SqlitePool,
        before: Option<i64>,
        limit: i64,
    ) -> sqlx::Result<Vec<AuditEntry>> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, at, actor_name, action, target, detail, client_ip FROM audit_log
             WHERE id < ? ORDER BY id DESC LIMIT ?",
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
            })
            .collect())
    }
}
