//! Every request that could change something (POST, PUT, PATCH, DELETE) must prove it comes
//! from one of the portal's own pages:
//! - a browser's `Origin` (or `Sec-Fetch-Site`) naming another site is refused outright;
//! - the same origin is accepted (browsers send it on every POST, scripts included);
//! - without an origin, the request must repeat the visitor's token from the `aqxc_csrf`
//!   cookie, in the `csrf_token` form field or the `x-csrf-token` header.
//!
//! The token is issued with the first HTML page, and every form renders it.

use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use app::{
    foundation::request::{CSRF_COOKIE, CSRF_FIELD, CsrfToken},
    staff::session::random_token,
};

/// What the guard needs to know.
#[derive(Clone, Debug)]
pub struct CsrfPolicy {
    /// The configured public origin, if any; otherwise the request's `Host` is the origin.
    pub public_origin: Option<String>,
    pub cookie_path: String,
    pub secure_cookies: bool,
    pub max_body_bytes: usize,
}

pub async fn guard(State(policy): State<CsrfPolicy>, request: Request, next: Next) -> Response {
    let existing = super::cookie(request.headers(), CSRF_COOKIE)
        .filter(|token| is_token_shaped(token))
        .map(str::to_owned);
    let fresh = existing.is_none();
    let token = existing.unwrap_or_else(random_token);

    let mut request = if changes_state(request.method()) {
        match verify(&policy, request, &token, fresh).await {
            Ok(request) => request,
            Err(refusal) => return refusal,
        }
    } else {
        request
    };
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;

    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.starts_with("text/html"));
    if fresh && is_page {
        let secure = if policy.secure_cookies {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!(
            "{CSRF_COOKIE}={token}; Path={}; HttpOnly; SameSite=Lax{secure}",
            policy.cookie_path
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Whether a cookie value has the shape of a token this portal issues: 43 characters of
/// base64url (32 random bytes). Anything else is treated as no token at all, so a fresh one is
/// issued: the token is written into pages, and a value a visitor's cookie chose must never
/// become markup there.
fn is_token_shaped(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether a request of this method may change something (and so is guarded).
pub(super) fn changes_state(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Passes the request on (its body restored if it was read), or answers 403.
async fn verify(
    policy: &CsrfPolicy,
    request: Request,
    token: &str,
    fresh: bool,
) -> Result<Request, Response> {
    match origin_verdict(policy, request.headers()) {
        Some(true) => return Ok(request),
        Some(false) => return Err(refuse("cross-origin request")),
        None => {}
    }
    if let Some(header_token) = request.headers().get("x-csrf-token") {
        return if !fresh && header_token.as_bytes() == token.as_bytes() {
            Ok(request)
        } else {
            Err(refuse("bad x-csrf-token header"))
        };
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.starts_with("application/x-www-form-urlencoded"));
    if !is_form || fresh {
        return Err(refuse("no token"));
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, policy.max_body_bytes)
        .await
        .map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, "请求内容过大").into_response())?;
    let submitted = form_urlencoded::parse(&bytes)
        .find_map(|(name, value)| (name == CSRF_FIELD).then(|| value.into_owned()));
    if submitted.as_deref() != Some(token) {
        return Err(refuse("form token missing or wrong"));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// `Some(true)`: a browser says the request comes from this site; `Some(false)`: from another;
/// `None`: nothing said (not a browser, or an old one).
fn origin_verdict(policy: &CsrfPolicy, headers: &HeaderMap) -> Option<bool> {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some("cross-site" | "same-site")) {
        return Some(false);
    }
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    if origin == "null" {
        return Some(false);
    }
    Some(match &policy.public_origin {
        Some(public) => origin.trim_end_matches('/') == public.trim_end_matches('/'),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let authority = origin
                .split_once("://")
                .map(|(_, rest)| rest)
                .unwrap_or_default();
            !host.is_empty() && authority == host
        }
    })
}

fn refuse(reason: &'static str) -> Response {
    tracing::warn!(
        reason,
        "refused a state-changing request without CSRF proof"
    );
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "请求来源无法确认（可能页面已过期）。请返回上一页，刷新后重试。",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(public_origin: Option<&str>) -> CsrfPolicy {
        CsrfPolicy {
            public_origin: public_origin.map(str::to_owned),
            cookie_path: "/".into(),
            secure_cookies: false,
            max_body_bytes: 1024,
        }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_same_origin_passes_and_another_is_refused() {
        let same = headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000"),
        ]);
        assert_eq!(origin_verdict(&policy(None), &same), Some(true));
        let other = headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://evil.example"),
        ]);
        assert_eq!(origin_verdict(&policy(None), &other), Some(false));
        let cross = headers(&[("sec-fetch-site", "cross-site")]);
        assert_eq!(origin_verdict(&policy(None), &cross), Some(false));
    }

    #[test]
    fn a_configured_public_origin_is_the_only_one_accepted() {
        let behind_proxy = headers(&[
            ("host", "10.0.0.5:3000"),
            ("origin", "https://www.kaiping.gov.cn"),
        ]);
        assert_eq!(
            origin_verdict(&policy(Some("https://www.kaiping.gov.cn")), &behind_proxy),
            Some(true)
        );
        assert_eq!(origin_verdict(&policy(None), &behind_proxy), Some(false));
    }

    #[test]
    fn only_a_token_of_the_issued_shape_is_kept() {
        assert!(is_token_shaped(&random_token()));
        assert!(!is_token_shaped(
            "\"><h1>injected</h1>xxxxxxxxxxxxxxxxxxxxxxxxx"
        ));
        assert!(!is_token_shaped("short"));
        assert!(!is_token_shaped(&"a".repeat(44)));
        assert!(!is_token_shaped(
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+/"
        ));
    }

    #[test]
    fn without_an_origin_the_token_decides() {
        assert_eq!(
            origin_verdict(&policy(None), &headers(&[("host", "x")])),
            None
        );
    }
}
