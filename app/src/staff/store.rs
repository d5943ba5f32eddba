//! The SQL of staff accounts and roles. Roles come back with their account in one query
//! (`string_agg`), never one query per account.

use crate::foundation::db::{self, Connection, Flag, Pool};
use sqlx::FromRow;

use super::{Role, StaffAccount};

/// An account as stored, for signing in.
#[derive(Debug, FromRow)]
pub struct Credentials {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    #[sqlx(try_from = "Flag")]
    pub disabled: bool,
}

#[derive(Debug, FromRow)]
struct AccountRow {
    id: i64,
    username: String,
    display_name: String,
    #[sqlx(try_from = "Flag")]
    disabled: bool,
    last_login_at: Option<i64>,
    roles: Option<String>,
}

impl From<AccountRow> for StaffAccount {
    fn from(row: AccountRow) -> Self {
        StaffAccount {
            id: row.id,
            username: row.username,
            display_name: row.display_name,
            roles: parse_roles(row.roles.as_deref()),
            disabled: row.disabled,
            last_login_at: row.last_login_at,
        }
    }
}

/// Roles from a comma-separated list, in their canonical order.
pub fn parse_roles(list: Option<&str>) -> Vec<Role> {
    let mut roles: Vec<Role> = list
        .unwrap_or_default()
        .split(',')
        .filter_map(|name| name.parse().ok())
        .collect();
    roles.sort();
    roles.dedup();
    roles
}

/// Why an account change was refused.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the username is taken")]
    UsernameTaken,
    #[error("no such account")]
    NotFound,
    #[error("no other enabled admin would remain")]
    LastAdmin,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

const ACCOUNT_COLUMNS: &str =
    "SELECT u.id, u.username, u.display_name, u.disabled, u.last_login_at,
            (SELECT string_agg(r.role, ',') FROM staff_roles r WHERE r.user_id = u.id) AS roles
     FROM staff_users u";

/// A new account.
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub roles: &'a [Role],
}

pub async fn create(pool: &Pool, account: NewAccount<'_>, now: i64) -> Result<i64, StoreError> {
    let mut tx = db::begin_write(pool).await?;
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO staff_users (username, display_name, password_hash, created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(account.username)
    .bind(account.display_name)
    .bind(account.password_hash)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            return Err(StoreError::UsernameTaken);
        }
        Err(error) => return Err(error.into()),
    };
    for role in account.roles {
        sqlx::query("INSERT INTO staff_roles (user_id, role) VALUES ($1, $2)")
            .bind(id)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub async fn credentials(pool: &Pool, username: &str) -> sqlx::Result<Option<Credentials>> {
    sqlx::query_as(
        "SELECT id, username, password_hash, disabled FROM staff_users WHERE lower(username) = lower($1)",
    )
    .bind(username.trim())
    .fetch_optional(pool)
    .await
}

pub async fn password_hash(pool: &Pool, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT password_hash FROM staff_users WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn list(pool: &Pool) -> sqlx::Result<Vec<StaffAccount>> {
    let rows: Vec<AccountRow> = sqlx::query_as(&format!(
        "{ACCOUNT_COLUMNS} ORDER BY u.disabled, u.username"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(StaffAccount::from).collect())
}

pub async fn find(pool: &Pool, id: i64) -> sqlx::Result<Option<StaffAccount>> {
    let row: Option<AccountRow> = sqlx::query_as(&format!("{ACCOUNT_COLUMNS} WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(StaffAccount::from))
}

pub async fn find_by_username(pool: &Pool, username: &str) -> sqlx::Result<Option<StaffAccount>> {
    let row: Option<AccountRow> = sqlx::query_as(&format!(
        "{ACCOUNT_COLUMNS} WHERE lower(u.username) = lower($1)"
    ))
    .bind(username.trim())
    .fetch_optional(pool)
    .await?;
    Ok(row.map(StaffAccount::from))
}

/// The lock every change of who is an enabled admin holds, so that "another enabled admin
/// remains" is still true when the change commits (two admins demoting each other at once
/// leave one of them an admin).
const ADMINS_LOCK: &str = "staff:admins";

/// Whether an account is an enabled admin, and how many other enabled admins there are.
async fn admin_standing(conn: &mut Connection, id: i64) -> sqlx::Result<(bool, i64)> {
    let (is_admin, others): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN u.id = $1 THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN u.id <> $1 THEN 1 ELSE 0 END), 0)
         FROM staff_users u JOIN staff_roles r ON r.user_id = u.id
         WHERE r.role = 'admin' AND u.disabled = 0",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok((is_admin > 0, others))
}

/// Refuses a change that takes an enabled admin away when no other enabled admin remains;
/// run inside the transaction that makes the change, holding [`ADMINS_LOCK`].
async fn keep_an_admin(conn: &mut Connection, id: i64) -> Result<(), StoreError> {
    match admin_standing(conn, id).await? {
        (true, 0) => Err(StoreError::LastAdmin),
        _ => Ok(()),
    }
}

/// Replaces an account's roles; refused with [`StoreError::LastAdmin`] when it would take the
/// admin role from the last enabled admin.
pub async fn set_roles(pool: &Pool, id: i64, roles: &[Role]) -> Result<(), StoreError> {
    let mut tx = db::begin_serialized(pool, &[ADMINS_LOCK]).await?;
    if !roles.contains(&Role::Admin) {
        keep_an_admin(&mut tx, id).await?;
    }
    sqlx::query("DELETE FROM staff_roles WHERE user_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for role in roles {
        sqlx::query("INSERT INTO staff_roles (user_id, role) VALUES ($1, $2)")
            .bind(id)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await
            .map_err(|error| match &error {
                sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
                _ => StoreError::Database(error),
            })?;
    }
    tx.commit().await?;
    Ok(())
}

/// Disables (ending every session at once) or re-enables an account; disabling the last
/// enabled admin is refused with [`StoreError::LastAdmin`].
pub async fn set_disabled(pool: &Pool, id: i64, disabled: bool) -> Result<(), StoreError> {
    let mut tx = db::begin_serialized(pool, &[ADMINS_LOCK]).await?;
    if disabled {
        keep_an_admin(&mut tx, id).await?;
    }
    let changed = sqlx::query("UPDATE staff_users SET disabled = $1 WHERE id = $2")
        .bind(db::flag(disabled))
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    if disabled {
        sqlx::query("DELETE FROM staff_sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn set_password(
    pool: &Pool,
    id: i64,
    password_hash: &str,
    now: i64,
) -> Result<(), StoreError> {
    let changed = sqlx::query(
        "UPDATE staff_users SET password_hash = $1, password_changed_at = $2 WHERE id = $3",
    )
    .bind(password_hash)
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?
    .rows_affected();
    if changed == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

pub async fn record_login(pool: &Pool, id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE staff_users SET last_login_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// How many enabled accounts hold the admin role (so the last one cannot be removed).
pub async fn enabled_admins(pool: &Pool) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff_users u JOIN staff_roles r ON r.user_id = u.id
         WHERE r.role = 'admin' AND u.disabled = 0",
    )
    .fetch_one(pool)
    .await
}
