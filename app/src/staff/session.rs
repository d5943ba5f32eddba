//! Server-side sessions. The browser holds a random token in an HttpOnly cookie; the database
//! holds its SHA-256 with the account and the timeouts. Signing out, disabling the account or
//! changing the password deletes the row, which ends the session at once.

use crate::foundation::db::Pool;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::FromRow;

use super::{Staff, store::parse_roles};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "aqxc_session";

/// How sessions behave, from the server's configuration.
#[derive(Clone, Debug)]
pub struct SessionPolicy {
    /// A session unused for this long ends.
    pub idle_secs: i64,
    /// A session ends this long after sign-in, used or not.
    pub absolute_secs: i64,
    /// Whether cookies carry `Secure` (the site is served over HTTPS).
    pub secure_cookies: bool,
    /// The cookie path: the base path with a trailing slash.
    pub cookie_path: String,
}

impl SessionPolicy {
    /// The `Set-Cookie` value that starts a session.
    pub fn cookie(&self, token: &str) -> String {
        format!("{SESSION_COOKIE}={token}; {}", self.attributes())
    }

    /// The `Set-Cookie` value that removes the session cookie.
    pub fn clearing_cookie(&self) -> String {
        format!("{SESSION_COOKIE}=; Max-Age=0; {}", self.attributes())
    }

    fn attributes(&self) -> String {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        format!("Path={}; HttpOnly; SameSite=Lax{secure}", self.cookie_path)
    }
}

/// 32 random bytes, URL-safe: a session token or a CSRF token.
pub fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session for an account and returns the token for its cookie.
pub async fn start(
    pool: &Pool,
    user_id: i64,
    client_ip: &str,
    now: i64,
    policy: &SessionPolicy,
) -> sqlx::Result<String> {
    // Sign-ins are rare: a good moment to forget sessions that can no longer be used.
    purge_expired(pool, now, policy).await?;
    let token = random_token();
    sqlx::query(
        "INSERT INTO staff_sessions (token_hash, user_id, created_at, last_seen_at, expires_at, client_ip)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(now)
    .bind(now + policy.absolute_secs)
    .bind(client_ip)
    .execute(pool)
    .await?;
    Ok(token)
}

#[derive(FromRow)]
struct SessionRow {
    id: i64,
    username: String,
    display_name: String,
    roles: Option<String>,
    last_seen_at: i64,
}

/// The staff member a session token belongs to, if the session is alive and the account
/// enabled. Marks the session as used (at most once a minute, to spare the writer).
pub async fn resolve(
    pool: &Pool,
    token: &str,
    now: i64,
    policy: &SessionPolicy,
) -> sqlx::Result<Option<Staff>> {
    let hash = token_hash(token);
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT u.id, u.username, u.display_name, s.last_seen_at,
                (SELECT string_agg(r.role, ',') FROM staff_roles r WHERE r.user_id = u.id) AS roles
         FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND u.disabled = 0 AND s.expires_at > $2 AND s.last_seen_at > $3",
    )
    .bind(&hash)
    .bind(now)
    .bind(now - policy.idle_secs)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    if now - row.last_seen_at >= 60 {
        sqlx::query("UPDATE staff_sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&hash)
            .execute(pool)
            .await?;
    }
    Ok(Some(Staff {
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        roles: parse_roles(row.roles.as_deref()),
    }))
}

/// Ends one session.
pub async fn end(pool: &Pool, token: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends every session of an account except, optionally, the one making the request.
pub async fn end_all_for(pool: &Pool, user_id: i64, keep_token: Option<&str>) -> sqlx::Result<()> {
    let keep = keep_token.map(token_hash).unwrap_or_default();
    sqlx::query("DELETE FROM staff_sessions WHERE user_id = $1 AND token_hash != $2")
        .bind(user_id)
        .bind(keep)
        .execute(pool)
        .await?;
    Ok(())
}

/// Forgets sessions that can no longer be used.
pub async fn purge_expired(pool: &Pool, now: i64, policy: &SessionPolicy) -> sqlx::Result<u64> {
    Ok(
        sqlx::query("DELETE FROM staff_sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
            .bind(now)
            .bind(now - policy.idle_secs)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(secure: bool) -> SessionPolicy {
        SessionPolicy {
            idle_secs: 1800,
            absolute_secs: 43_200,
            secure_cookies: secure,
            cookie_path: "/aqxc/".into(),
        }
    }

    #[test]
    fn the_session_cookie_is_http_only_lax_and_scoped_to_the_base_path() {
        let cookie = policy(false).cookie("abc");
        assert_eq!(
            cookie,
            "aqxc_session=abc; Path=/aqxc/; HttpOnly; SameSite=Lax"
        );
        assert!(policy(true).cookie("abc").ends_with("; Secure"));
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_stored() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_ne!(token_hash(&a), a);
    }
}
