//! The elderly-friendly mode (适老化) is a visitor's choice, kept in a cookie so that the server
//! renders the page in that mode from the first byte: no flash of small text, and it works with
//! JavaScript switched off.

use crate::foundation::error::AppError;
use leptos::prelude::*;

/// Name of the cookie that remembers the elderly-friendly mode.
pub const ELDER_COOKIE: &str = "aqxc_elder";

/// Reads the elderly-mode choice from a `Cookie` request header.
pub fn elder_mode_from_cookie_header(header: &str) -> bool {
    crate::foundation::request::cookie_value(header, ELDER_COOKIE) == Some("1")
}

/// The elderly-mode choice of a request: the first `aqxc_elder` across all its `Cookie`
/// headers. The one reading that the renderer and the page cache share, so that a request
/// naming the cookie twice cannot be rendered one way and kept under the other.
#[cfg(feature = "ssr")]
pub fn elder_mode_of(headers: &http::HeaderMap) -> bool {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| crate::foundation::request::cookie_value(value, ELDER_COOKIE))
        == Some("1")
}

/// Whether the current request asked for the elderly-friendly mode (server side only).
pub fn elder_mode_requested() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().is_some_and(|parts| elder_mode_of(&parts.headers))
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// Switches the elderly-friendly mode on or off for this browser.
///
/// Called by the switch's island; without JavaScript the same endpoint receives the switch's
/// plain form post and sends the visitor back to the page they were on.
#[server(prefix = "/api", endpoint = "elder_mode")]
pub async fn set_elder_mode(on: bool) -> Result<bool, AppError> {
    use crate::foundation::site::Site;
    let site = use_context::<Site>().unwrap_or_default();
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let cookie = format!(
        "{ELDER_COOKIE}={}; Path={}/; Max-Age=31536000; SameSite=Lax",
        if on { "1" } else { "0" },
        site.base
    );
    let value =
        http::HeaderValue::from_str(&cookie).map_err(|_| AppError::refused("无法保存显示偏好"))?;
    response.append_header(http::header::SET_COOKIE, value);
    Ok(on)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elder_mode_is_on_only_when_its_cookie_says_one() {
        assert!(elder_mode_from_cookie_header("aqxc_elder=1"));
        assert!(elder_mode_from_cookie_header("a=b; aqxc_elder=1; c=d"));
        assert!(!elder_mode_from_cookie_header("aqxc_elder=0"));
        assert!(!elder_mode_from_cookie_header("other_aqxc_elder=1"));
        assert!(!elder_mode_from_cookie_header(""));
    }
}
