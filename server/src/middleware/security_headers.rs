use axum::{
    extract::{Request, State},
    http::{HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// The policy for responses that are not pages (pages set their own, with the hash of their
/// island bootstrap: see `app::shell`).
const NON_PAGE_CSP: &str =
    "default-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'";

/// Adds the security headers to every response.
pub async fn add(State(https): State<bool>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, NON_PAGE_CSP);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    set(header::X_FRAME_OPTIONS, "SAMEORIGIN");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    response
}
