//! What the server functions of every feature share: the database pool, answering a form post
//! with a redirect, the staff-form pattern, cookies and the audit helper. Internal failures
//! become [`AppError::Internal`], which reveals nothing.

use crate::foundation::db::Pool;
use leptos::prelude::*;

use crate::foundation::{audit::Actor, error::AppError};

/// The pool the server provided to this request.
pub fn pool() -> Result<Pool, AppError> {
    use_context::<Pool>().ok_or_else(|| AppError::internal("no database pool in context"))
}

/// Redirects to a portal path (the base path is added here).
pub fn go(path: &str) {
    leptos_axum::redirect(&crate::foundation::site::use_site().href(path));
}

/// A form page again with the reason it was refused and everything that was typed, so that
/// nothing is lost (the page reads the form back from its query string).
pub fn form_again<T: serde::Serialize>(path: &str, message: &str, form: &T) -> String {
    let filled = serde_qs::to_string(form).unwrap_or_default();
    format!("{path}?error={}&{filled}", encode(message))
}

/// What a staff form did: where the browser goes next, and, when it changed something, the
/// entry the audit log keeps.
pub enum Outcome {
    Done {
        action: crate::foundation::audit::Action,
        target: String,
        detail: String,
        to: String,
    },
    /// Nothing changed: the form again with its error, or another page.
    Go(String),
}

impl Outcome {
    pub fn done(
        action: crate::foundation::audit::Action,
        target: impl Into<String>,
        detail: impl Into<String>,
        to: impl Into<String>,
    ) -> Outcome {
        Outcome::Done {
            action,
            target: target.into(),
            detail: detail.into(),
            to: to.into(),
        }
    }

    pub fn go(to: impl Into<String>) -> Outcome {
        Outcome::Go(to.into())
    }
}

/// Every staff form, written once: check the role on the server, act, record what was done in
/// the audit log, and redirect (post/redirect/get), so no form can skip a step.
pub async fn staff_form<Act, Acting>(roles: &[crate::staff::Role], act: Act) -> Result<(), AppError>
where
    Act: FnOnce(crate::staff::Staff, Pool) -> Acting,
    Acting: std::future::Future<Output = Result<Outcome, AppError>>,
{
    let staff = crate::foundation::access::require(roles)?;
    let pool = pool()?;
    match act(staff.clone(), pool.clone()).await? {
        Outcome::Done {
            action,
            target,
            detail,
            to,
        } => {
            audit(&pool, Actor::Staff(&staff), action, &target, &detail).await?;
            go(&to);
        }
        Outcome::Go(to) => go(&to),
    }
    Ok(())
}

/// Percent-encodes a value for a query string.
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(cookie: &str) -> Result<(), AppError> {
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let value = http::HeaderValue::from_str(cookie).map_err(AppError::internal)?;
    response.append_header(http::header::SET_COOKIE, value);
    Ok(())
}

/// Appends to the audit log, with the client address of the current request.
pub async fn audit(
    pool: &Pool,
    actor: Actor<'_>,
    action: crate::foundation::audit::Action,
    target: &str,
    detail: &str,
) -> Result<(), AppError> {
    let client_ip = crate::foundation::request::client_ip();
    let event = crate::foundation::audit::Event {
        actor,
        action,
        target,
        detail,
        client_ip: &client_ip,
    };
    Ok(crate::foundation::audit::record(pool, event, crate::foundation::clock::now()).await?)
}
