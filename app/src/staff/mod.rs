//! Staff accounts: roles, passwords, sessions, sign-in throttling and the server functions
//! staff use to manage them. The public never needs an account.
//!
//! What runs where: roles and the password policy are plain data and rules (both sides); the
//! rest touches the database or secrets and is compiled into the server only.

/// The five roles and what each may do.
pub mod role;
pub use role::Role;
/// Server functions of the staff area: one's own password, and managing accounts (admins).
pub mod admin;
/// Server functions anyone reaches: sign in and out.
pub mod api;
/// The password policy (both sides) and Argon2id hashing (server).
pub mod password;

/// Server-side sessions behind an HttpOnly cookie.
#[cfg(feature = "ssr")]
pub mod session;
/// The SQL of accounts and roles.
#[cfg(feature = "ssr")]
pub mod store;
/// Sign-in throttling: the rule (pure) and its bookkeeping.
#[cfg(feature = "ssr")]
pub mod throttle;

use serde::{Deserialize, Serialize};

/// A staff account as the admin pages show it (never its password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
    /// Unix seconds of the last sign-in, if any.
    pub last_login_at: Option<i64>,
}

/// The signed-in staff member of the current request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
}

impl Staff {
    /// Whether this person holds at least one of `roles` (an empty list: any staff member).
    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.is_empty() || roles.iter().any(|role| self.roles.contains(role))
    }
}
