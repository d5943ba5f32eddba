//! Signing in and out: the server functions anyone reaches from the sign-in page. Each is
//! posted by a plain HTML form (no JavaScript needed) and answers with a redirect: to where
//! the person was going, or back to the form with an error code that the page turns into a
//! message (the name typed is sent back too, so nothing is lost but the password).
//!
//! Every function checks the caller's role on the server first. Anything under `/api/staff/`
//! additionally needs a signed-in session before it is even decoded (server middleware).

use crate::foundation::error::AppError;
use leptos::prelude::*;

/// A fixed origin that `next` targets are resolved against; it is never contacted. Whatever
/// resolves to another origin (`//host`, `https:`, `javascript:`, …) is not a path of ours.
const REDIRECT_BASE: &str = "http://portal.invalid/";

/// The portal path a `next` target leads to (normalised path and query), or `None` when it is
/// not a path of this portal. The target is resolved the way a browser would resolve it as a
/// `Location` (the WHATWG URL parser, which drops tabs and newlines: `/\t/evil.example` means
/// `//evil.example`), and only a result on the same origin is kept. Control characters and
/// backslashes are refused outright, as is a result that starts with `//`.
pub fn local_redirect(next: &str) -> Option<String> {
    if !next.starts_with('/') || next.chars().any(|c| c.is_control() || c == '\\') {
        return None;
    }
    let base = url::Url::parse(REDIRECT_BASE).ok()?;
    let target = base.join(next).ok()?;
    if target.origin() != base.origin() || target.path().starts_with("//") {
        return None;
    }
    let mut local = target.path().to_string();
    if let Some(query) = target.query() {
        local.push('?');
        local.push_str(query);
    }
    Some(local)
}

/// The longest `next` target carried through the sign-in form; a longer one is dropped.
#[cfg(feature = "ssr")]
const MAX_NEXT_BYTES: usize = 2048;
/// How much of a refused, impossible name is typed back into the form.
#[cfg(feature = "ssr")]
const MAX_ECHOED_CHARS: usize = 64;

/// Whether a typed name could be an account at all: the account-name rules, in any case (names
/// are looked up case-insensitively). Checked on the length first, before anything is copied.
pub fn could_be_username(typed: &str) -> bool {
    typed.len() <= super::admin::MAX_USERNAME_LEN
        && super::admin::is_valid_username(&typed.to_ascii_lowercase())
}

#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(
    username: String,
    password: String,
    #[server(default)] next: String,
) -> Result<(), AppError> {
    use crate::foundation::audit::Action;
    use server::*;
    let username = username.trim().to_string();
    let next = if next.len() <= MAX_NEXT_BYTES {
        next
    } else {
        String::new()
    };
    let back = |error: &str, name: &str| {
        go(&format!(
            "/login?error={error}&username={}&next={}",
            encode(name),
            encode(&next)
        ));
    };
    // A name no account can have is refused before anything is spent on it or kept of it:
    // no throttle record, no password check, no audit entry.
    if !could_be_username(&username) {
        let echoed = crate::foundation::audit::capped(&username, MAX_ECHOED_CHARS);
        back("invalid", &echoed);
        return Ok(());
    }
    let pool = pool()?;
    let ip = crate::foundation::request::client_ip();
    let now = crate::foundation::clock::now();

    // Recorded before the password is checked, so a burst is judged attempt by attempt.
    let claim = match super::throttle::claim(&pool, &username, &ip, now).await? {
        Ok(claim) => claim,
        Err(refused) => {
            // One entry per refusing key and window, however often it is tried again.
            let detail = if refused.key.starts_with("address:") {
                "同一来源地址失败次数过多"
            } else {
                "同一账号在此地址失败次数过多"
            };
            let event = crate::foundation::audit::Event {
                actor: Actor::Anonymous(&username),
                action: Action::SignInThrottled,
                target: &username,
                detail,
                client_ip: &ip,
            };
            let window = super::throttle::WINDOW_SECS;
            crate::foundation::audit::record_repeated(&pool, event, &refused.key, window, now)
                .await?;
            let wait = refused.verdict.retry_after().unwrap_or(1);
            back(&format!("throttled&wait={wait}"), &username);
            return Ok(());
        }
    };
    let account = super::store::credentials(&pool, &username).await?;
    let stored_hash = account
        .as_ref()
        .map_or(super::password::decoy_hash(), |a| a.password_hash.as_str())
        .to_owned();
    let password_ok = super::password::verify_in_background(password, stored_hash).await;
    let account = match account {
        Some(account) if password_ok && !account.disabled => account,
        // The claim stays recorded: it is this failure.
        _ => {
            let actor = Actor::Anonymous(&username);
            audit(&pool, actor, Action::SignInFailed, &username, "").await?;
            back("invalid", &username);
            return Ok(());
        }
    };

    super::throttle::succeeded(&pool, claim, &account.username, &ip).await?;
    let policy = expect_context::<super::session::SessionPolicy>();
    let token = super::session::start(&pool, account.id, &ip, now, &policy).await?;
    super::store::record_login(&pool, account.id, now).await?;
    set_cookie(&policy.cookie(&token))?;
    let staff = super::Staff {
        id: account.id,
        username: account.username.clone(),
        display_name: String::new(),
        roles: Vec::new(),
    };
    audit(
        &pool,
        Actor::Staff(&staff),
        Action::SignIn,
        &staff.username,
        "",
    )
    .await?;
    go(local_redirect(&next).as_deref().unwrap_or("/admin"));
    Ok(())
}

#[server(prefix = "/api/staff", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use server::*;
    let staff = crate::foundation::access::require(&[])?;
    let pool = pool()?;
    if let Some(crate::foundation::access::SessionToken(token)) =
        crate::foundation::request::extension()
    {
        super::session::end(&pool, &token).await?;
    }
    let policy = expect_context::<super::session::SessionPolicy>();
    set_cookie(&policy.clearing_cookie())?;
    audit(
        &pool,
        Actor::Staff(&staff),
        crate::foundation::audit::Action::SignOut,
        &staff.username,
        "",
    )
    .await?;
    go("/login?done=signed_out");
    Ok(())
}

/// What the server functions above share.
#[cfg(feature = "ssr")]
mod server {
    pub use crate::foundation::{audit::Actor, server_support::*};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_portal_are_followed_after_sign_in() {
        assert_eq!(
            local_redirect("/admin/users").as_deref(),
            Some("/admin/users")
        );
        assert_eq!(
            local_redirect("/admin/audit?page=2").as_deref(),
            Some("/admin/audit?page=2")
        );
        for attack in [
            "",
            "admin",
            "//evil.example/",
            "///evil.example/",
            "https://evil.example/",
            "https:evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "/\\evil.example",
            "/\\/evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            "/.//evil.example",
            "/a/..//evil.example",
        ] {
            assert_eq!(local_redirect(attack), None, "{attack:?} was followed");
        }
    }

    #[test]
    fn only_a_name_within_the_account_rules_is_looked_up_whatever_its_case() {
        assert!(could_be_username("wangfang"));
        assert!(could_be_username("WangFang"));
        assert!(!could_be_username("ab"));
        assert!(!could_be_username(&"a".repeat(100 * 1024)));
        assert!(!could_be_username("王芳"));
        assert!(!could_be_username("wang fang"));
    }

    #[test]
    fn an_encoded_tab_stays_a_local_path() {
        // `%09` in the target itself (not decoded by the form) is a strange local path, never
        // a way out: browsers do not decode it in a `Location`.
        let local = local_redirect("/%09/evil.example").expect("a local path");
        assert_eq!(local, "/%09/evil.example");
        assert!(!local.starts_with("//"));
        assert_eq!(
            local_redirect("/articles/文章").as_deref(),
            Some("/articles/%E6%96%87%E7%AB%A0")
        );
    }
}
