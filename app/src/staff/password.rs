//! Staff passwords: a policy checked the same way everywhere, and Argon2id hashes.

/// Fewest characters a staff password may have.
pub const MIN_LENGTH: usize = 12;
/// Most characters: beyond this hashing becomes a denial-of-service lever.
pub const MAX_LENGTH: usize = 128;

/// Passwords seen first in every leaked-password list; refused whatever their length.
const COMMON: [&str; 8] = [
    "password1234",
    "123456789012",
    "qwertyuiop12",
    "1qaz2wsx3edc",
    "aaaaaaaaaaaa",
    "abcdefghijkl",
    "admin1234567",
    "woaini1314520",
];

/// Why a password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("密码至少需要 {MIN_LENGTH} 个字符")]
    TooShort,
    #[error("密码不能超过 {MAX_LENGTH} 个字符")]
    TooLong,
    #[error("密码不能包含用户名")]
    ContainsUsername,
    #[error("密码过于简单（如重复字符或常见密码），请换一个")]
    TooCommon,
}

/// Checks a new password against the policy: length, not the username, not trivial.
pub fn check_policy(username: &str, password: &str) -> Result<(), PolicyError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(PolicyError::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(PolicyError::TooLong);
    }
    let lowered = password.to_lowercase();
    let name = username.trim().to_lowercase();
    if !name.is_empty() && lowered.contains(&name) {
        return Err(PolicyError::ContainsUsername);
    }
    let mut chars = lowered.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) || COMMON.contains(&lowered.as_str()) {
        return Err(PolicyError::TooCommon);
    }
    Ok(())
}

/// Hashes a password with Argon2id and a fresh salt (PHC string format).
#[cfg(feature = "ssr")]
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    use argon2::{
        Argon2, PasswordHasher,
        password_hash::{SaltString, rand_core::OsRng},
    };
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))?
        .to_string())
}

/// Whether `password` matches a stored hash. A malformed hash never matches.
#[cfg(feature = "ssr")]
pub fn verify(password: &str, stored_hash: &str) -> bool {
    use argon2::{Argon2, PasswordHash, PasswordVerifier};
    PasswordHash::new(stored_hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Hashing and verifying run on tokio's blocking threads, at most this many at once: a burst
/// of sign-ins then waits its turn instead of stalling the async workers that serve every
/// other request (cached pages included). It is also the global slow-down of guessing: the
/// whole site checks passwords no faster than these threads can.
#[cfg(feature = "ssr")]
fn hashing_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        // Leave a core to the async workers.
        tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1))
    })
}

/// Runs expensive password work off the async workers, one slot at a time; `None` only when
/// the work could not finish (the runtime shutting down).
#[cfg(feature = "ssr")]
async fn off_workers<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    // The semaphore is never closed, so acquiring cannot fail; a closed one would only skip
    // the bound, never the work.
    let _slot = hashing_slots().acquire().await.ok();
    tokio::task::spawn_blocking(work).await.ok()
}

/// [`verify`], off the async workers.
#[cfg(feature = "ssr")]
pub async fn verify_in_background(password: String, stored_hash: String) -> bool {
    off_workers(move || verify(&password, &stored_hash))
        .await
        .unwrap_or(false)
}

/// [`hash`], off the async workers.
#[cfg(feature = "ssr")]
pub async fn hash_in_background(password: String) -> Result<String, argon2::password_hash::Error> {
    off_workers(move || hash(&password))
        .await
        .unwrap_or(Err(argon2::password_hash::Error::Crypto))
}

/// A valid hash of no one's password, verified against when the account does not exist so that
/// a failed sign-in takes as long either way.
#[cfg(feature = "ssr")]
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password that matches nothing").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_counts_characters_and_a_long_unrelated_password_passes() {
        assert_eq!(
            check_policy("wangfang", "潭江汛期巡查2026年"),
            Err(PolicyError::TooShort)
        );
        assert_eq!(check_policy("wangfang", "tanjiang-flood-watch-26"), Ok(()));
    }

    #[test]
    fn short_and_overlong_passwords_are_refused() {
        assert_eq!(check_policy("li", "short"), Err(PolicyError::TooShort));
        assert_eq!(
            check_policy("li", &"x1".repeat(65)),
            Err(PolicyError::TooLong)
        );
    }

    #[test]
    fn a_password_containing_the_username_is_refused_in_any_case() {
        assert_eq!(
            check_policy("ZhangWei", "my-zhangwei-2026"),
            Err(PolicyError::ContainsUsername)
        );
    }

    #[test]
    fn repeated_and_common_passwords_are_refused() {
        assert_eq!(
            check_policy("li", "zzzzzzzzzzzzzz"),
            Err(PolicyError::TooCommon)
        );
        assert_eq!(
            check_policy("li", "Password1234"),
            Err(PolicyError::TooCommon)
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let first = hash("tanjiang-flood-watch-26").unwrap();
        let second = hash("tanjiang-flood-watch-26").unwrap();
        assert!(first.starts_with("$argon2id$"));
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify("tanjiang-flood-watch-26", &first));
        assert!(!verify("tanjiang-flood-watch-27", &first));
        assert!(!verify("anything", "not a hash"));
    }
}
