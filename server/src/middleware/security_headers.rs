use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};

use app::{
    contest::api::PLAYER_COOKIE, foundation::request::CSRF_COOKIE, staff::session::SESSION_COOKIE,
};

use super::page_cache::StaffRequest;

/// The policy for responses that are not pages (pages set their own, with the hash of their
/// island bootstrap: see `app::shell`).
const NON_PAGE_CSP: &str =
    "default-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'";

/// Where every answer is one person's own: the staff area, the sign-in page and form, and the
/// contest's attempts and results (certificate files set their own private caching).
fn personal_path(path: &str) -> bool {
    let at_or_under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    at_or_under("/admin")
        || at_or_under("/login")
        || at_or_under("/contest/result")
        || path.starts_with("/api/staff/")
        || path.starts_with("/api/attempt_")
        || path == "/api/sign_in"
}

/// Whether a request carries who it is from: a staff session or a contest participant.
fn carries_a_person(headers: &HeaderMap) -> bool {
    super::cookie(headers, SESSION_COOKIE).is_some()
        || super::cookie(headers, PLAYER_COOKIE).is_some()
}

/// Whether a response sets a cookie that is someone's own (the CSRF token is not: every first
/// visit gets one, and kept pages stay shareable).
fn sets_a_personal_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| !value.trim_start().starts_with(&format!("{CSRF_COOKIE}=")))
}

/// Whether a response says it is the same for everyone (assets, feeds, uploads, open data),
/// which a signed-in browser may keep too.
fn public_by_design(headers: &HeaderMap) -> bool {
    headers
        .get(header::CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("public") || value.contains("immutable"))
}

/// Marks a personal answer as kept by nobody, neither a proxy nor the browser's history cache,
/// and as differing by cookie.
fn keep_private(headers: &mut HeaderMap) {
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    let varies_by_cookie = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|name| name.trim().eq_ignore_ascii_case("cookie"));
    if !varies_by_cookie {
        headers.append(header::VARY, HeaderValue::from_static("cookie"));
    }
}

/// Adds the security headers to every response, and keeps personal answers out of every cache.
pub async fn add(State(https): State<bool>, request: Request, next: Next) -> Response {
    let personal_path = personal_path(request.uri().path());
    let from_a_person = carries_a_person(request.headers());
    let mut response = next.run(request).await;
    let staff = response.extensions().get::<StaffRequest>().is_some();
    let headers = response.headers_mut();
    let personal = personal_path
        || ((from_a_person || staff || sets_a_personal_cookie(headers))
            && !public_by_design(headers));
    if personal {
        keep_private(headers);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_staff_area_sign_in_and_contest_results_are_personal_and_look_alikes_are_not() {
        for path in [
            "/admin",
            "/admin/audit",
            "/login",
            "/contest/result/abc",
            "/api/staff/article_save",
            "/api/attempt_submit",
            "/api/sign_in",
        ] {
            assert!(personal_path(path), "{path}");
        }
        for path in [
            "/",
            "/administration",
            "/login-help",
            "/contest/1",
            "/api/articles",
        ] {
            assert!(!personal_path(path), "{path}");
        }
    }

    #[test]
    fn a_personal_answer_varies_by_cookie_once_beside_what_it_already_varies_by() {
        let mut headers = HeaderMap::new();
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("max-age=60"),
        );
        keep_private(&mut headers);
        keep_private(&mut headers);
        assert_eq!(headers[header::CACHE_CONTROL], "private, no-store");
        let vary: Vec<_> = headers.get_all(header::VARY).iter().collect();
        assert_eq!(vary, ["accept-encoding", "cookie"]);
    }

    #[test]
    fn only_cookies_other_than_the_csrf_token_make_an_answer_personal() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::SET_COOKIE,
            HeaderValue::from_static("aqxc_csrf=abc; Path=/; SameSite=Lax"),
        );
        assert!(!sets_a_personal_cookie(&headers));
        headers.append(
            header::SET_COOKIE,
            HeaderValue::from_static("aqxc_player=xyz; Path=/; HttpOnly"),
        );
        assert!(sets_a_personal_cookie(&headers));
    }
}
