//! Sign-in throttling, per account name tried and per client address.
//!
//! After a few failures each further attempt must wait longer (doubling, at most a minute);
//! after many, the key is locked for the rest of the window. Waiting is enforced by refusing
//! early attempts, never by holding a request open. The same answer is given whether or not
//! the account exists, since the key is the name that was typed.

use sqlx::SqlitePool;

/// How long failures are remembered, in seconds.
pub const WINDOW_SECS: i64 = 15 * 60;

/// The thresholds for one kind of key.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Failures before attempts must wait.
    pub free_failures: u32,
    /// Failures that lock the key until the window has passed.
    pub lock_after: u32,
}

/// Per account name: people mistype; a guesser does not get far.
pub const ACCOUNT: Rule = Rule {
    free_failures: 3,
    lock_after: 10,
};
/// Per client address: an office behind one NAT address gets more room.
pub const ADDRESS: Rule = Rule {
    free_failures: 10,
    lock_after: 30,
};

/// What to do with a sign-in attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    /// Too soon after the last failure: try again in this many seconds.
    Wait(i64),
    /// Locked: try again in this many seconds.
    Locked(i64),
}

impl Verdict {
    /// Seconds to wait, if refused.
    pub fn retry_after(self) -> Option<i64> {
        match self {
            Verdict::Allow => None,
            Verdict::Wait(secs) | Verdict::Locked(secs) => Some(secs),
        }
    }

    /// The stricter of two verdicts.
    pub fn max(self, other: Verdict) -> Verdict {
        match (self.retry_after(), other.retry_after()) {
            (None, _) => other,
            (_, None) => self,
            (Some(a), Some(b)) if b > a => other,
            _ => self,
        }
    }
}

/// Decides from the failures in the window (`count`, the latest at `last_failure`).
pub fn assess(rule: Rule, count: u32, last_failure: Option<i64>, now: i64) -> Verdict {
    let Some(last) = last_failure else {
        return Verdict::Allow;
    };
    if count >= rule.lock_after {
        let remaining = last + WINDOW_SECS - now;
        return if remaining > 0 {
            Verdict::Locked(remaining)
        } else {
            Verdict::Allow
        };
    }
    if count >= rule.free_failures {
        let delay = 1_i64 << (count - rule.free_failures).min(6);
        let remaining = last + delay.min(60) - now;
        if remaining > 0 {
            return Verdict::Wait(remaining);
        }
    }
    Verdict::Allow
}

/// The throttle keys of an attempt.
pub fn keys(username: &str, client_ip: &str) -> [(String, Rule); 2] {
    [
        (
            format!("account:{}", username.trim().to_lowercase()),
            ACCOUNT,
        ),
        (format!("address:{client_ip}"), ADDRESS),
    ]
}

/// The verdict for an attempt, from the failures recorded in the database.
pub async fn check(
    pool: &SqlitePool,
    username: &str,
    client_ip: &str,
    now: i64,
) -> sqlx::Result<Verdict> {
    let mut verdict = Verdict::Allow;
    for (key, rule) in keys(username, client_ip) {
        let (count, last): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MAX(failed_at) FROM login_failures WHERE key = ? AND failed_at > ?",
        )
        .bind(&key)
        .bind(now - WINDOW_SECS)
        .fetch_one(pool)
        .await?;
        verdict = verdict.max(assess(
            rule,
            u32::try_from(count).unwrap_or(u32::MAX),
            last,
            now,
        ));
    }
    Ok(verdict)
}

/// Records a failed attempt under both keys, and forgets failures older than the window.
pub async fn record_failure(
    pool: &SqlitePool,
    username: &str,
    client_ip: &str,
    now: i64,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM login_failures WHERE failed_at <= ?")
        .bind(now - WINDOW_SECS)
        .execute(&mut *tx)
        .await?;
    for (key, _) in keys(username, client_ip) {
        sqlx::query("INSERT INTO login_failures (key, failed_at) VALUES (?, ?)")
            .bind(key)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// After a successful sign-in the account's failures are forgotten (the address's are not).
pub async fn clear_account(pool: &SqlitePool, username: &str) -> sqlx::Result<()> {
    let [(key, _), _] = keys(username, "");
    sqlx::query("DELETE FROM login_failures WHERE key = ?")
        .bind(key)
        .execute(pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn the_first_failures_cost_nothing() {
        assert_eq!(assess(ACCOUNT, 0, None, NOW), Verdict::Allow);
        assert_eq!(assess(ACCOUNT, 2, Some(NOW), NOW), Verdict::Allow);
    }

    #[test]
    fn then_each_attempt_waits_longer_up_to_a_minute() {
        assert_eq!(assess(ACCOUNT, 3, Some(NOW), NOW), Verdict::Wait(1));
        assert_eq!(assess(ACCOUNT, 5, Some(NOW), NOW), Verdict::Wait(4));
        assert_eq!(assess(ACCOUNT, 9, Some(NOW), NOW), Verdict::Wait(60));
        assert_eq!(assess(ACCOUNT, 5, Some(NOW - 4), NOW), Verdict::Allow);
    }

    #[test]
    fn many_failures_lock_the_key_for_the_rest_of_the_window() {
        assert_eq!(
            assess(ACCOUNT, 10, Some(NOW), NOW),
            Verdict::Locked(WINDOW_SECS)
        );
        assert_eq!(
            assess(ACCOUNT, 10, Some(NOW - WINDOW_SECS), NOW),
            Verdict::Allow
        );
    }

    #[test]
    fn an_address_gets_more_room_than_an_account() {
        assert_eq!(assess(ADDRESS, 9, Some(NOW), NOW), Verdict::Allow);
        assert_eq!(
            assess(ADDRESS, 30, Some(NOW), NOW),
            Verdict::Locked(WINDOW_SECS)
        );
    }

    #[test]
    fn the_stricter_verdict_wins() {
        assert_eq!(Verdict::Allow.max(Verdict::Wait(3)), Verdict::Wait(3));
        assert_eq!(
            Verdict::Locked(600).max(Verdict::Wait(3)),
            Verdict::Locked(600)
        );
    }

    #[test]
    fn account_keys_ignore_case_and_spaces() {
        assert_eq!(keys(" WangFang ", "1.2.3.4")[0].0, "account:wangfang");
    }
}
