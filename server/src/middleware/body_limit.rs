use axum::{
    body::Body,
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// How large request bodies may be: images for articles are larger than everything else.
#[derive(Clone, Copy, Debug)]
pub struct BodyLimits {
    pub default: usize,
    pub upload: usize,
    // The multipart envelope adds a little to the file itself.
}

/// The path of the upload form's target.
pub const UPLOAD_PATH: &str = "/api/staff/uploads";
/// Where registry CSV files are posted (`…/enterprises`, `…/inspectors`): as large as images.
pub const REGISTRY_IMPORT_PREFIX: &str = "/admin/inspections/import/";

/// Refuses a body declared too large with 413 before reading it, and stops reading one that
/// turns out too large.
pub async fn enforce(State(limits): State<BodyLimits>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let max = if path == UPLOAD_PATH || path.starts_with(REGISTRY_IMPORT_PREFIX) {
        limits.upload + 64 * 1024
    } else {
        limits.default
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > max) {
        return (StatusCode::PAYLOAD_TOO_LARGE, "请求内容过大").into_response();
    }
    let (parts, body) = request.into_parts();
    let limited = Request::from_parts(parts, Body::new(http_body_util::Limited::new(body, max)));
    next.run(limited).await
}
