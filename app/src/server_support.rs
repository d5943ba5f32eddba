//! What the server functions of every feature share: the database pool, answering a form post
//! with a redirect, and turning internal failures into a message that reveals nothing.

use leptos::prelude::*;
use sqlx::SqlitePool;

use crate::{audit::Actor, error::AppError};

/// The pool the server provided to this request.
pub fn pool() -> Result<SqlitePool, AppError> {
    use_context::<SqlitePool>().ok_or_else(|| AppError::internal("no database pool in context"))
}

/// Logs the cause and answers with a message that tells the visitor nothing internal (for
/// failures other than the database's, which `?` converts by itself).
pub fn internal(error: impl std::fmt::Display) -> AppError {
    AppError::internal(error)
}

/// Redirects to a portal path (the base path is added here).
pub fn go(path: &str) {
    leptos_axum::redirect(&crate::site::use_site().href(path));
}

/// Sends the browser back to a form page with the reason it was refused and everything that was
/// typed, so that nothing is lost (the page reads the form back from its query string).
pub fn back_to_form<T: serde::Serialize>(path: &str, message: &str, form: &T) {
    let filled = serde_qs::to_string(form).unwrap_or_default();
    go(&format!("{path}?error={}&{filled}", encode(message)));
}

/// Percent-encodes a value for a query string.
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(cookie: &str) -> Result<(), AppError> {
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let value = http::HeaderValue::from_str(cookie).map_err(internal)?;
    response.append_header(http::header::SET_COOKIE, value);
    Ok(())
}

/// Appends to the audit log, with the client address of the current request.
pub async fn audit(
    pool: &SqlitePool,
    actor: Actor<'_>,
    action: crate::audit::Action,
    target: &str,
    detail: &str,
) -> Result<(), AppError> {
    let client_ip = crate::request::client_ip();
    let event = crate::audit::Event {
        actor,
        action,
        target,
        detail,
        client_ip: &client_ip,
    };
    Ok(crate::audit::record(pool, event, crate::clock::now()).await?)
}
