//! Server functions of staff accounts. Each is posted by a plain HTML form (no JavaScript
//! needed) and answers with a redirect: to where the person was going, or back to the form
//! with an error code that the page turns into a message (values typed are sent back too, so
//! nothing is lost but the passwords).
//!
//! Every function checks the caller's role on the server first. Anything under `/api/staff/`
//! additionally needs a signed-in session before it is even decoded (server middleware).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Role;

/// The role checkboxes of a form: `roles[editor]=true`, … (unchecked boxes are absent).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoleChoice {
    pub editor: bool,
    pub reviewer: bool,
    pub inspector_admin: bool,
    pub contest_admin: bool,
    pub admin: bool,
}

impl RoleChoice {
    pub fn roles(&self) -> Vec<Role> {
        Role::ALL
            .into_iter()
            .filter(|role| self.has(*role))
            .collect()
    }

    pub fn has(&self, role: Role) -> bool {
        match role {
            Role::Editor => self.editor,
            Role::Reviewer => self.reviewer,
            Role::InspectorAdmin => self.inspector_admin,
            Role::ContestAdmin => self.contest_admin,
            Role::Admin => self.admin,
        }
    }

    /// The form field of a role's checkbox.
    pub fn field(role: Role) -> String {
        format!("roles[{}]", role.as_str())
    }
}

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

/// Usernames: 3–32 of lowercase letters, digits, `.`, `_`, `-`, starting with a letter.
pub fn is_valid_username(name: &str) -> bool {
    let mut chars = name.chars();
    (3..=32).contains(&name.len())
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(
    username: String,
    password: String,
    #[server(default)] next: String,
) -> Result<(), AppError> {
    use server::*;
    let pool = pool()?;
    let ip = crate::request::client_ip();
    let now = crate::clock::now();
    let username = username.trim().to_string();
    let back = |error: &str, extra: &str| {
        go(&format!(
            "/login?error={error}{extra}&username={}&next={}",
            encode(&username),
            encode(&next)
        ))
    };

    // Recorded before the password is checked, so a burst is judged attempt by attempt.
    let claim = match super::throttle::claim(&pool, &username, &ip, now).await? {
        Ok(claim) => claim,
        Err(verdict) => {
            audit(
                &pool,
                Actor::Anonymous(&username),
                crate::audit::Action::SignInThrottled,
                &username,
                "",
            )
            .await?;
            let wait = verdict.retry_after().unwrap_or(1);
            back("throttled", &format!("&wait={wait}"));
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
        _ => {
            // The claim stays recorded: it is this failure.
            audit(
                &pool,
                Actor::Anonymous(&username),
                crate::audit::Action::SignInFailed,
                &username,
                "",
            )
            .await?;
            back("invalid", "");
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
        crate::audit::Action::SignIn,
        &account.username,
        "",
    )
    .await?;
    go(local_redirect(&next).as_deref().unwrap_or("/admin"));
    Ok(())
}

#[server(prefix = "/api/staff", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use server::*;
    let staff = super::access::require(&[])?;
    let pool = pool()?;
    if let Some(super::access::SessionToken(token)) = crate::request::extension() {
        super::session::end(&pool, &token).await?;
    }
    let policy = expect_context::<super::session::SessionPolicy>();
    set_cookie(&policy.clearing_cookie())?;
    audit(
        &pool,
        Actor::Staff(&staff),
        crate::audit::Action::SignOut,
        &staff.username,
        "",
    )
    .await?;
    go("/login?done=signed_out");
    Ok(())
}

#[server(prefix = "/api/staff", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use server::*;
    staff_form(&[], |staff, pool| async move {
        let back = |error: &str| Ok(Outcome::go(format!("/admin/account?error={error}")));
        let stored = super::store::password_hash(&pool, staff.id)
            .await?
            .unwrap_or_default();
        if !super::password::verify_in_background(current_password, stored).await {
            return back("wrong_current");
        }
        if new_password != confirm_password {
            return back("mismatch");
        }
        if let Err(refused) = super::password::check_policy(&staff.username, &new_password) {
            return back(&format!("policy&reason={}", encode(&refused.to_string())));
        }
        let hash = super::password::hash_in_background(new_password).await?;
        super::store::set_password(&pool, staff.id, &hash, crate::clock::now()).await?;
        // Every other session of this person ends; this one stays signed in.
        let keep = crate::request::extension::<super::access::SessionToken>().map(|t| t.0);
        super::session::end_all_for(&pool, staff.id, keep.as_deref()).await?;
        Ok(Outcome::done(
            crate::audit::Action::PasswordChanged,
            staff.username,
            "",
            "/admin/account?done=password_changed",
        ))
    })
    .await
}

#[server(prefix = "/api/staff", endpoint = "create_account")]
pub async fn create_account(
    username: String,
    display_name: String,
    password: String,
    #[server(default)] roles: RoleChoice,
) -> Result<(), AppError> {
    use server::*;
    staff_form(&[Role::Admin], |_, pool| async move {
        let username = username.trim().to_lowercase();
        let display_name = display_name.trim().to_string();
        let back = |error: &str, extra: &str| {
            Ok(Outcome::go(format!(
                "/admin/users?error={error}{extra}&username={}&display_name={}#new-account",
                encode(&username),
                encode(&display_name)
            )))
        };
        if !is_valid_username(&username) {
            return back("username", "");
        }
        if display_name.is_empty() || display_name.chars().count() > 40 {
            return back("display_name", "");
        }
        if let Err(refused) = super::password::check_policy(&username, &password) {
            let reason = format!("&reason={}", encode(&refused.to_string()));
            return back("policy", &reason);
        }
        let hash = super::password::hash_in_background(password).await?;
        let chosen = roles.roles();
        let new = super::store::NewAccount {
            username: &username,
            display_name: &display_name,
            password_hash: &hash,
            roles: &chosen,
        };
        match super::store::create(&pool, new, crate::clock::now()).await {
            Ok(_) => {}
            Err(super::store::StoreError::UsernameTaken) => return back("taken", ""),
            Err(error) => return Err(error.into()),
        }
        Ok(Outcome::done(
            crate::audit::Action::AccountCreated,
            username.clone(),
            role_list(&chosen),
            format!("/admin/users?done=created&who={}", encode(&username)),
        ))
    })
    .await
}

#[server(prefix = "/api/staff", endpoint = "set_roles")]
pub async fn set_roles(
    account_id: i64,
    #[server(default)] roles: RoleChoice,
) -> Result<(), AppError> {
    use server::*;
    staff_form(&[Role::Admin], |admin, pool| async move {
        let Some(account) = super::store::find(&pool, account_id).await? else {
            return Ok(Outcome::go("/admin/users?error=not_found"));
        };
        let chosen = roles.roles();
        let loses_admin = account.roles.contains(&Role::Admin) && !chosen.contains(&Role::Admin);
        if loses_admin && account.id == admin.id {
            return Ok(Outcome::go("/admin/users?error=own_admin"));
        }
        if loses_admin && !account.disabled && super::store::enabled_admins(&pool).await? <= 1 {
            return Ok(Outcome::go("/admin/users?error=last_admin"));
        }
        super::store::set_roles(&pool, account.id, &chosen).await?;
        Ok(Outcome::done(
            crate::audit::Action::RolesChanged,
            account.username.clone(),
            format!("{} → {}", role_list(&account.roles), role_list(&chosen)),
            format!("/admin/users?done=roles&who={}", encode(&account.username)),
        ))
    })
    .await
}

#[server(prefix = "/api/staff", endpoint = "set_disabled")]
pub async fn set_disabled(account_id: i64, disabled: bool) -> Result<(), AppError> {
    use server::*;
    staff_form(&[Role::Admin], |admin, pool| async move {
        let Some(account) = super::store::find(&pool, account_id).await? else {
            return Ok(Outcome::go("/admin/users?error=not_found"));
        };
        if disabled && account.id == admin.id {
            return Ok(Outcome::go("/admin/users?error=own_account"));
        }
        if disabled
            && account.roles.contains(&Role::Admin)
            && super::store::enabled_admins(&pool).await? <= 1
        {
            return Ok(Outcome::go("/admin/users?error=last_admin"));
        }
        super::store::set_disabled(&pool, account.id, disabled).await?;
        let (action, done) = if disabled {
            (crate::audit::Action::AccountDisabled, "disabled")
        } else {
            (crate::audit::Action::AccountEnabled, "enabled")
        };
        Ok(Outcome::done(
            action,
            account.username.clone(),
            "",
            format!("/admin/users?done={done}&who={}", encode(&account.username)),
        ))
    })
    .await
}

/// Roles as their names, for the audit log.
pub fn role_list(roles: &[Role]) -> String {
    if roles.is_empty() {
        return "（无）".to_string();
    }
    roles
        .iter()
        .map(|role| role.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// What the server functions above share.
#[cfg(feature = "ssr")]
mod server {
    pub use crate::{audit::Actor, server_support::*};
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

    #[test]
    fn usernames_are_short_lowercase_ascii() {
        assert!(is_valid_username("wang.fang"));
        assert!(!is_valid_username("ab"));
        assert!(!is_valid_username("Wang"));
        assert!(!is_valid_username("1wang"));
        assert!(!is_valid_username("wang fang"));
    }

    #[test]
    fn role_checkboxes_map_to_roles() {
        let choice = RoleChoice {
            editor: true,
            admin: true,
            ..Default::default()
        };
        assert_eq!(choice.roles(), vec![Role::Editor, Role::Admin]);
        assert_eq!(
            RoleChoice::field(Role::InspectorAdmin),
            "roles[inspector_admin]"
        );
    }
}

/// Every staff account (admins only).
#[server(prefix = "/api/staff", endpoint = "accounts")]
pub async fn list_accounts() -> Result<Vec<super::StaffAccount>, AppError> {
    use server::*;
    super::access::require(&[Role::Admin])?;
    Ok(super::store::list(&pool()?).await?)
}
