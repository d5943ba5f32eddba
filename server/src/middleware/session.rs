use app::foundation::db::Pool;
use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use app::{
    foundation::access::{CurrentStaff, SessionToken},
    foundation::clock,
    staff::session::{SESSION_COOKIE, SessionPolicy, resolve},
};

/// Paths that never need to know who is asking (and must stay cacheable).
fn is_anonymous_path(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/uploads/")
        || path == "/healthz"
        || path == "/favicon.svg"
}

/// Resolves the session cookie into the signed-in staff member (or none), and refuses
/// `/api/staff/…` to anyone not signed in before the server function is even decoded.
pub async fn resolve_staff(
    State((pool, policy)): State<(Pool, SessionPolicy)>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if is_anonymous_path(&path) {
        return next.run(request).await;
    }
    let token = super::cookie(request.headers(), SESSION_COOKIE)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    let staff = match &token {
        Some(token) => match resolve(&pool, token, clock::now(), &policy).await {
            Ok(staff) => staff,
            Err(error) => {
                tracing::error!(%error, "resolving a staff session failed");
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "服务暂时不可用，请稍后再试",
                )
                    .into_response();
            }
        },
        None => None,
    };
    if staff.is_none() && path.starts_with("/api/staff/") {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "请先登录",
        )
            .into_response();
    }
    let stale_cookie = token.is_some() && staff.is_none();
    let signed_in = staff.is_some();
    if let Some(token) = token {
        request.extensions_mut().insert(SessionToken(token));
    }
    request.extensions_mut().insert(CurrentStaff(staff));
    let mut response = next.run(request).await;
    if signed_in {
        response
            .extensions_mut()
            .insert(super::page_cache::StaffRequest);
    }
    if stale_cookie
        && !response.headers().contains_key(header::SET_COOKIE)
        && let Ok(value) = HeaderValue::from_str(&policy.clearing_cookie())
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
