use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::Response,
};

use app::foundation::error::AppError;

/// Header Leptos puts on a server function's error response.
const SERVER_FN_ERROR: &str = "serverfnerror";
/// The largest error body worth reading (error messages are short).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Leptos answers every server function error with 500, or, to a plain HTML form, with a
/// redirect back to the form. The error says what kind it is ([`AppError`]): a refusal, a
/// missing sign-in or role, malformed arguments, or an internal failure. A script's call gets
/// that kind's status; a form gets it too when going back cannot help (not signed in, not
/// allowed, malformed), and then the friendly error page explains it.
pub async fn classify(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let redirected = response.status().is_redirection();
    if !(response.status() == StatusCode::INTERNAL_SERVER_ERROR || redirected)
        || !response.headers().contains_key(SERVER_FN_ERROR)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(error.status())
    {
        if !redirected {
            parts.status = status;
        } else if matches!(status.as_u16(), 400 | 401 | 403) {
            parts.status = status;
            parts.headers.remove(axum::http::header::LOCATION);
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
