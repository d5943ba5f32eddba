//! Sign-in throttling, per account name *and* client address, and per client address.
//!
//! After a few failures each further attempt must wait longer (doubling, at most a minute);
//! after many, an account is locked for the rest of the window, but only from the address the
//! failures came from: an outsider who guesses at an account locks themselves out, never its
//! owner at their own desk. An address (grouped by /64 for IPv6, since one household or phone
//! gets a whole /64) that fails often is slowed down, never locked: one proxy or office NAT
//! may carry all of the staff. The global slow-down is the password check itself, which runs
//! on a bounded number of blocking threads (`password::verify_in_background`).
//!
//! Every attempt is recorded *before* its password is checked, and judged by the attempts
//! recorded before it (in one write transaction), so a concurrent burst is judged one by one:
//! the check and the record cannot be split. A refused attempt takes its record back (it never
//! reached a password check); a successful one takes it back and clears the account's
//! failures from that address. Waiting is enforced by refusing early attempts, never by
//! holding a request open. The same answer is given whether or not the account exists, since
//! the key is the name that was typed.

use crate::foundation::db::{self, Connection, Pool};

/// How long failures are remembered, in seconds.
pub const WINDOW_SECS: i64 = 15 * 60;

/// The thresholds for one kind of key.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Failures before attempts must wait.
    pub free_failures: u32,
    /// Failures that lock the key until the window has passed; `None`: it only slows down.
    pub lock_after: Option<u32>,
}

/// Per account name from one address: people mistype; a guesser does not get far.
pub const ACCOUNT: Rule = Rule {
    free_failures: 3,
    lock_after: Some(10),
};
/// Per client address, whatever names are tried: slowed, never locked, since a city proxy
/// or a town office's NAT may be everyone's address.
pub const ADDRESS: Rule = Rule {
    free_failures: 30,
    lock_after: None,
};

/// Per account, for the current password asked when changing it: whoever holds the session
/// (its owner, or someone who took it over) gets four tries, then waits out the window.
pub const PASSWORD_CHANGE: Rule = Rule {
    free_failures: 4,
    lock_after: Some(4),
};

/// The throttle key of an account's password changes (whatever the address).
pub fn password_change_key(account_id: i64) -> String {
    format!("password:{account_id}")
}

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
    if rule.lock_after.is_some_and(|lock| count >= lock) {
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

/// The throttle keys of an attempt: the account from this address group, and the group.
pub fn keys(username: &str, client_ip: &str) -> [(String, Rule); 2] {
    let group = crate::foundation::request::address_group(client_ip);
    [
        (
            format!("account:{}@{group}", username.trim().to_lowercase()),
            ACCOUNT,
        ),
        (format!("address:{group}"), ADDRESS),
    ]
}

/// An attempt the throttle refused: how long to wait, and the key that refused it (the
/// stricter one when both did), under which its repeats are counted in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub verdict: Verdict,
    pub key: String,
}

/// An attempt that the throttle let through, recorded as a failure until it succeeds.
#[derive(Debug)]
pub struct Claim {
    ids: Vec<i64>,
}

/// Records an attempt and judges it by the attempts recorded before it. A refused attempt
/// leaves no record; an allowed one stays recorded as a failure unless [`succeeded`] is called.
pub async fn claim(
    pool: &Pool,
    username: &str,
    client_ip: &str,
    now: i64,
) -> sqlx::Result<Result<Claim, Refused>> {
    claim_keys(pool, keys(username, client_ip).to_vec(), now).await
}

/// Records an attempt under each of `keys` and judges it by the attempts recorded before it,
/// as [`claim`] does for a sign-in.
pub async fn claim_keys(
    pool: &Pool,
    keys: Vec<(String, Rule)>,
    now: i64,
) -> sqlx::Result<Result<Claim, Refused>> {
    // Claims on the same keys are judged one at a time, each seeing every claim before it,
    // whichever instance takes them.
    let names: Vec<&str> = keys.iter().map(|(key, _)| key.as_str()).collect();
    let mut tx = db::begin_serialized(pool, &names).await?;
    sqlx::query("DELETE FROM login_failures WHERE failed_at <= $1")
        .bind(now - WINDOW_SECS)
        .execute(&mut *tx)
        .await?;
    let mut ids = Vec::new();
    let mut verdict = Verdict::Allow;
    let mut refusing_key = String::new();
    for (key, rule) in keys {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO login_failures (key, failed_at) VALUES ($1, $2) RETURNING id",
        )
        .bind(&key)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let (count, last): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MAX(failed_at) FROM login_failures
             WHERE key = $1 AND failed_at > $2 AND id < $3",
        )
        .bind(&key)
        .bind(now - WINDOW_SECS)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        ids.push(id);
        let this = assess(rule, u32::try_from(count).unwrap_or(u32::MAX), last, now);
        if verdict.max(this) != verdict {
            verdict = this;
            refusing_key = key;
        }
    }
    if verdict != Verdict::Allow {
        forget(&mut tx, &ids).await?;
        tx.commit().await?;
        return Ok(Err(Refused {
            verdict,
            key: refusing_key,
        }));
    }
    tx.commit().await?;
    Ok(Ok(Claim { ids }))
}

async fn forget(tx: &mut Connection, ids: &[i64]) -> sqlx::Result<()> {
    for id in ids {
        sqlx::query("DELETE FROM login_failures WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// After a successful sign-in: its own record and the account's failures from that address
/// are forgotten (the address's other failures are not).
pub async fn succeeded(
    pool: &Pool,
    claim: Claim,
    username: &str,
    client_ip: &str,
) -> sqlx::Result<()> {
    let [(key, _), _] = keys(username, client_ip);
    cleared(pool, claim, &key).await
}

/// After an attempt that proved itself: its own record and every failure under `key` are
/// forgotten.
pub async fn cleared(pool: &Pool, claim: Claim, key: &str) -> sqlx::Result<()> {
    let mut tx = db::begin_write(pool).await?;
    forget(&mut tx, &claim.ids).await?;
    sqlx::query("DELETE FROM login_failures WHERE key = $1")
        .bind(key)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
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
    fn an_address_gets_more_room_than_an_account_and_is_never_locked() {
        assert_eq!(assess(ADDRESS, 29, Some(NOW), NOW), Verdict::Allow);
        assert_eq!(assess(ADDRESS, 30, Some(NOW), NOW), Verdict::Wait(1));
        assert_eq!(assess(ADDRESS, 500, Some(NOW), NOW), Verdict::Wait(60));
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
    fn account_keys_ignore_case_and_spaces_and_name_the_address() {
        assert_eq!(
            keys(" WangFang ", "1.2.3.4")[0].0,
            "account:wangfang@1.2.3.4"
        );
    }

    #[test]
    fn an_ipv6_client_is_one_key_for_its_whole_64() {
        assert_eq!(
            keys("li", "2001:db8:1:2:aaaa::1")[1].0,
            keys("li", "2001:db8:1:2:ffff::9")[1].0
        );
        assert_ne!(
            keys("li", "2001:db8:1:2::1")[1].0,
            keys("li", "2001:db8:1:3::1")[1].0
        );
    }
}
