//! The staff's own account and the admins' account management: change password, create
//! accounts, set roles, disable and enable. Each is posted by a plain HTML form and answers
//! with a redirect, back to the form with an error code when refused (values typed are sent
//! back too, so nothing is lost but the passwords). Every one checks the caller's role on the
//! server ([`crate::foundation::server_support::staff_form`]).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Role;
use crate::foundation::error::AppError;

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

/// The longest account name, in bytes (all ASCII).
pub const MAX_USERNAME_LEN: usize = 32;

/// Usernames: 3–32 of lowercase letters, digits, `.`, `_`, `-`, starting with a letter.
pub fn is_valid_username(name: &str) -> bool {
    let mut chars = name.chars();
    (3..=MAX_USERNAME_LEN).contains(&name.len())
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

#[server(prefix = "/api/staff", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use server::*;
    staff_form(&[], |staff, pool| async move {
        use super::throttle;
        use crate::foundation::audit::Action;
        let back = |error: &str| Ok(Outcome::go(format!("/admin/account?error={error}")));
        let now = crate::foundation::clock::now();
        // Guesses at the current password (from a session someone took over) are throttled
        // like sign-ins, per account whatever the address, and each wrong one is logged.
        let key = throttle::password_change_key(staff.id);
        let keys = vec![(key.clone(), throttle::PASSWORD_CHANGE)];
        let claim = match throttle::claim_keys(&pool, keys, now).await? {
            Ok(claim) => claim,
            Err(refused) => {
                let event = crate::foundation::audit::Event {
                    actor: Actor::Staff(&staff),
                    action: Action::PasswordChangeThrottled,
                    target: &staff.username,
                    detail: "",
                    client_ip: &crate::foundation::request::client_ip(),
                };
                let window = throttle::WINDOW_SECS;
                crate::foundation::audit::record_repeated(&pool, event, &key, window, now).await?;
                let wait = refused.verdict.retry_after().unwrap_or(1);
                return back(&format!("throttled&wait={wait}"));
            }
        };
        let Some(stored) = super::store::password_hash(&pool, staff.id).await? else {
            return Err(AppError::internal(
                "a signed-in account has no password hash",
            ));
        };
        if !super::password::verify_in_background(current_password, stored).await {
            let actor = Actor::Staff(&staff);
            audit(
                &pool,
                actor,
                Action::PasswordChangeFailed,
                &staff.username,
                "",
            )
            .await?;
            return back("wrong_current");
        }
        throttle::cleared(&pool, claim, &key).await?;
        if new_password != confirm_password {
            return back("mismatch");
        }
        if let Err(refused) = super::password::check_policy(&staff.username, &new_password) {
            return back(&format!("policy&reason={}", encode(&refused.to_string())));
        }
        let hash = super::password::hash_in_background(new_password).await?;
        super::store::set_password(&pool, staff.id, &hash, crate::foundation::clock::now()).await?;
        // Every other session of this person ends; this one stays signed in.
        let keep =
            crate::foundation::request::extension::<crate::foundation::access::SessionToken>()
                .map(|t| t.0);
        super::session::end_all_for(&pool, staff.id, keep.as_deref()).await?;
        Ok(Outcome::done(
            crate::foundation::audit::Action::PasswordChanged,
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
        match super::store::create(&pool, new, crate::foundation::clock::now()).await {
            Ok(_) => {}
            Err(super::store::StoreError::UsernameTaken) => return back("taken", ""),
            Err(error) => return Err(error.into()),
        }
        Ok(Outcome::done(
            crate::foundation::audit::Action::AccountCreated,
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
        // Checked again inside the change, against any admin change made meanwhile.
        if let Err(error) = super::store::set_roles(&pool, account.id, &chosen).await {
            return refused_change(error);
        }
        Ok(Outcome::done(
            crate::foundation::audit::Action::RolesChanged,
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
        // The last-admin rule is checked inside the change, against any made meanwhile.
        if let Err(error) = super::store::set_disabled(&pool, account.id, disabled).await {
            return refused_change(error);
        }
        let (action, done) = if disabled {
            (
                crate::foundation::audit::Action::AccountDisabled,
                "disabled",
            )
        } else {
            (crate::foundation::audit::Action::AccountEnabled, "enabled")
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

/// Every staff account (admins only).
#[server(prefix = "/api/staff", endpoint = "accounts")]
pub async fn list_accounts() -> Result<Vec<super::StaffAccount>, AppError> {
    use server::*;
    crate::foundation::access::require(&[Role::Admin])?;
    Ok(super::store::list(&pool()?).await?)
}

/// One page of the log, newest first, older than the entry `before` when given (admins only).
#[server(prefix = "/api/staff", endpoint = "audit_log")]
pub async fn audit_entries(
    before: Option<i64>,
) -> Result<Vec<crate::foundation::audit::AuditEntry>, AppError> {
    use server::*;
    crate::foundation::access::require(&[Role::Admin])?;
    Ok(
        crate::foundation::audit::page(&pool()?, before, crate::foundation::audit::PAGE_SIZE)
            .await?,
    )
}

/// What the server functions above share.
#[cfg(feature = "ssr")]
mod server {
    pub use crate::foundation::{audit::Actor, server_support::*};
    use crate::{foundation::error::AppError, staff::store::StoreError};

    /// Where an account change the store refused sends the admin back to; any other error is
    /// the server's.
    pub fn refused_change(error: StoreError) -> Result<Outcome, AppError> {
        match error {
            StoreError::LastAdmin => Ok(Outcome::go("/admin/users?error=last_admin")),
            StoreError::NotFound => Ok(Outcome::go("/admin/users?error=not_found")),
            error => Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
