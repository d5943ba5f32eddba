use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::Response,
};

/// Header Leptos puts on a server function's error response.
const SERVER_FN_ERROR: &str = "serverfnerror";
/// The largest error body worth reading (error messages are short).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Leptos answers every server function error with 500, even when the request itself was
/// malformed (missing or unreadable arguments). Those are the client's mistake: 400.
pub async fn classify(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if bytes.starts_with(b"Args|") || bytes.starts_with(b"Deserialization|") {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}
