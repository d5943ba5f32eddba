//! What wraps every request, outermost first: security headers, friendly error pages, the
//! body size limit, the client's address, the CSRF guard, the page cache and the staff session. Assembled in
//! [`crate::routes::router`].

/// Request body size limits (larger for image uploads).
pub mod body_limit;
/// The client's address, for throttling and the audit log.
pub mod client_ip;
/// Cross-site request forgery protection on every state-changing request.
pub mod csrf;
/// Chinese error pages in place of bare error responses.
pub mod friendly_errors;
/// Pages for anonymous visitors, kept for a moment and sent again.
pub mod page_cache;
/// Content-Security-Policy and the other security headers.
pub mod security_headers;
/// Each server function error answered with its kind's status (422, 401, 403, 400, 500).
pub mod server_fn_status;
/// The signed-in staff member, and the sign-in requirement of `/api/staff/…`.
pub mod session;

use axum::http::{HeaderMap, header};

/// The value of a cookie of the request.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| app::foundation::request::cookie_value(value, name))
}

/// Whether a request came from a browser page that wants HTML back.
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}
