//! Who is signed in, and the checks that every staff page and server function makes on the
//! server. Hiding a link is a courtesy; these checks are the protection.

use serde::{Deserialize, Serialize};

use crate::staff::{Role, Staff};

/// The signed-in staff member, put into the request's extensions by the session middleware.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentStaff(pub Option<Staff>);

/// The raw session token of the request (server side only; never rendered).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionToken(pub String);

/// Why access was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Denied {
    /// Not signed in: 401.
    SignInRequired,
    /// Signed in without the role: 403.
    MissingRole,
}

/// The signed-in staff member of this request, if any.
pub fn current_staff() -> Option<Staff> {
    #[cfg(feature = "ssr")]
    if let Some(CurrentStaff(staff)) = crate::foundation::request::extension::<CurrentStaff>() {
        return staff;
    }
    None
}

/// The staff member, if they hold one of `roles` (any staff member for an empty list).
pub fn check(roles: &[Role]) -> Result<Staff, Denied> {
    match current_staff() {
        None => Err(Denied::SignInRequired),
        Some(staff) if staff.has_any(roles) => Ok(staff),
        Some(_) => Err(Denied::MissingRole),
    }
}

/// For server functions: the staff member holding one of `roles`, or an error answered with
/// 401 or 403.
#[cfg(feature = "ssr")]
pub fn require(roles: &[Role]) -> Result<Staff, crate::foundation::error::AppError> {
    use crate::foundation::error::AppError;
    check(roles).map_err(|denied| match denied {
        Denied::SignInRequired => AppError::SignInRequired,
        Denied::MissingRole => AppError::Forbidden,
    })
}
