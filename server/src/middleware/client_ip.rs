use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};

use app::foundation::request::ClientIp;

/// Records the client's address: the connection's peer or, behind `trusted_proxies` reverse
/// proxies that each append the address they saw to `X-Forwarded-For`, the entry the outermost
/// of them appended. Entries further left were written by the client and prove nothing.
pub async fn record(
    State(trusted_proxies): State<usize>,
    mut request: Request,
    next: Next,
) -> Response {
    let forwarded = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string());
    let ip = client_address(&forwarded, trusted_proxies)
        .or(peer)
        .unwrap_or_else(|| "unknown".to_string());
    request.extensions_mut().insert(ClientIp(ip));
    next.run(request).await
}

/// The client's address in a forwarded-for chain written by `trusted` proxies: the
/// `trusted`-th entry from the right (or the leftmost, when the chain is shorter).
fn client_address(chain: &str, trusted: usize) -> Option<String> {
    if trusted == 0 {
        return None;
    }
    let entries: Vec<&str> = chain
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    let at = entries.len().saturating_sub(trusted);
    entries.get(at).map(|entry| entry.to_string())
}

#[cfg(test)]
mod tests {
    use super::client_address;

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        assert_eq!(client_address("6.6.6.6", 0), None);
    }

    #[test]
    fn the_entry_of_the_outermost_trusted_proxy_is_the_client() {
        // The client forged the first entry; a CDN saw 1.2.3.4 and nginx saw the CDN.
        let chain = "6.6.6.6, 1.2.3.4, 10.0.0.9";
        assert_eq!(client_address(chain, 1).as_deref(), Some("10.0.0.9"));
        assert_eq!(client_address(chain, 2).as_deref(), Some("1.2.3.4"));
        assert_eq!(client_address("1.2.3.4", 2).as_deref(), Some("1.2.3.4"));
        assert_eq!(client_address("", 1), None);
    }
}
