//! What the server's middleware learned about the current request, handed to pages and
//! server functions through the request's extensions (which Leptos provides as context).

use serde::{Deserialize, Serialize};

/// Name of the cookie holding the anti-CSRF token.
pub const CSRF_COOKIE: &str = "aqxc_csrf";
/// Name of the form field (or, for scripts, the `x-csrf-token` header) that must repeat it.
pub const CSRF_FIELD: &str = "csrf_token";

/// The client's address (the peer, or the forwarded address when a trusted proxy is set up).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientIp(pub String);

/// This visitor's anti-CSRF token, to be repeated by every form that changes something.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsrfToken(pub String);

/// A value the middleware put into the current request's extensions (server side only).
#[cfg(feature = "ssr")]
pub fn extension<T: Clone + Send + Sync + 'static>() -> Option<T> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<T>().cloned())
}

/// The client's address, or `"unknown"`.
pub fn client_ip() -> String {
    #[cfg(feature = "ssr")]
    if let Some(ClientIp(ip)) = extension::<ClientIp>() {
        return ip;
    }
    "unknown".to_string()
}

/// The group an address counts in for limits: an IPv4 address alone, an IPv6 address with the
/// rest of its /64 (one household, phone or office is given a whole /64, and can pick any
/// address in it). Anything that is not an address is its own group.
pub fn address_group(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.to_string(),
    }
}

/// The token forms must carry (empty when rendered outside a request).
pub fn csrf_token() -> String {
    #[cfg(feature = "ssr")]
    if let Some(CsrfToken(token)) = extension::<CsrfToken>() {
        return token;
    }
    String::new()
}

/// The value of the cookie `name` in a `Cookie` request header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(key, value)| (key == name).then_some(value))
}

/// The value of one query parameter of the current page, as rendered on the server.
pub fn query_param(name: &str) -> Option<String> {
    use leptos::prelude::WithUntracked;
    leptos_router::hooks::use_query_map().with_untracked(|query| query.get(name))
}

/// The current page's whole query string (server side; empty in the browser).
pub fn raw_query() -> String {
    #[cfg(feature = "ssr")]
    if let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() {
        return parts.uri.query().unwrap_or("").to_string();
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::{address_group, cookie_value};

    #[test]
    fn ipv6_addresses_are_grouped_by_their_64_and_ipv4_stays_whole() {
        assert_eq!(address_group("2001:db8:1:2::7"), "2001:db8:1:2::/64");
        assert_eq!(
            address_group("2001:db8:1:2:ffff:1:2:3"),
            "2001:db8:1:2::/64"
        );
        assert_eq!(address_group("::ffff:10.0.0.7"), "10.0.0.7");
        assert_eq!(address_group("10.0.0.7"), "10.0.0.7");
        assert_eq!(address_group("unknown"), "unknown");
    }

    #[test]
    fn a_cookie_is_found_by_its_exact_name() {
        assert_eq!(
            cookie_value("a=1; aqxc_csrf=xyz; b=2", "aqxc_csrf"),
            Some("xyz")
        );
        assert_eq!(cookie_value("my_aqxc_csrf=xyz", "aqxc_csrf"), None);
        assert_eq!(cookie_value("", "aqxc_csrf"), None);
    }
}
