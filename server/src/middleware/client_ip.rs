use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;

use app::foundation::request::ClientIp;

/// The addresses of the reverse proxies in front of the server (`AQXC_PROXY_ADDRESSES`): only a
/// connection from one of them may say, in `X-Forwarded-For`, whom it forwards; and they are
/// not held to the per-address connection cap, as every visitor arrives through them.
#[derive(Clone, Debug, Default)]
pub struct TrustedAddresses(Arc<[IpNet]>);

impl TrustedAddresses {
    /// Reads a comma-separated list of addresses (`127.0.0.1`, `::1`) and ranges
    /// (`10.0.0.0/8`); blank entries are skipped, so an empty list trusts nobody.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut ranges = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let range = match entry.parse::<IpNet>() {
                Ok(range) => range,
                Err(_) => entry.parse::<IpAddr>().map(IpNet::from).map_err(|_| {
                    format!("\"{entry}\" is neither an IP address nor a CIDR range")
                })?,
            };
            ranges.push(range.trunc());
        }
        Ok(Self(ranges.into()))
    }

    /// Whether `ip` is one of the trusted proxies (an IPv4 address seen through an IPv6
    /// socket, `::ffff:a.b.c.d`, counts as itself).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|range| range.contains(&ip))
    }
}

/// Whom `X-Forwarded-For` is believed from, and how far.
#[derive(Clone, Debug)]
pub struct ProxyTrust {
    /// How many proxies append to the header (`AQXC_TRUSTED_PROXIES`); 0: never believed.
    pub hops: usize,
    /// The proxies the connection must come from for the header to count.
    pub addresses: TrustedAddresses,
}

/// Records the client's address: the connection's peer or, when that peer is a trusted proxy
/// behind `hops` reverse proxies that each append the address they saw to `X-Forwarded-For`,
/// the entry the outermost of them appended. Entries further left were written by the client
/// and prove nothing; an entry that is not an IP address is never taken for one.
pub async fn record(State(trust): State<ProxyTrust>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_canonical());
    let forwarded = match peer {
        Some(peer) if trust.addresses.contains(peer) => {
            let chain = request
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|value| value.to_str().ok())
                .collect::<Vec<_>>()
                .join(",");
            client_address(&chain, trust.hops)
        }
        _ => None,
    };
    let ip = forwarded
        .or(peer)
        .map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
    request.extensions_mut().insert(ClientIp(ip));
    next.run(request).await
}

/// The client's address in a forwarded-for chain written by `trusted` proxies: the
/// `trusted`-th entry from the right (or the leftmost, when the chain is shorter), if it is an
/// IP address.
fn client_address(chain: &str, trusted: usize) -> Option<IpAddr> {
    if trusted == 0 {
        return None;
    }
    let entries: Vec<&str> = chain
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    let at = entries.len().saturating_sub(trusted);
    let entry = entries.get(at)?;
    match entry.parse::<IpAddr>() {
        Ok(ip) => Some(ip.to_canonical()),
        Err(_) => {
            tracing::warn!(
                entry = %entry.chars().take(64).collect::<String>(),
                "X-Forwarded-For entry is not an IP address: the peer's address is used"
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{TrustedAddresses, client_address};

    fn ip(text: &str) -> Option<std::net::IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        assert_eq!(client_address("6.6.6.6", 0), None);
    }

    #[test]
    fn the_entry_of_the_outermost_trusted_proxy_is_the_client() {
        // The client forged the first entry; a CDN saw 1.2.3.4 and nginx saw the CDN.
        let chain = "6.6.6.6, 1.2.3.4, 10.0.0.9";
        assert_eq!(client_address(chain, 1), ip("10.0.0.9"));
        assert_eq!(client_address(chain, 2), ip("1.2.3.4"));
        assert_eq!(client_address("1.2.3.4", 2), ip("1.2.3.4"));
        assert_eq!(client_address("", 1), None);
    }

    #[test]
    fn an_entry_that_is_not_an_address_is_never_the_client() {
        assert_eq!(client_address("<script>alert(1)</script>", 1), None);
        assert_eq!(client_address("1.2.3.4, 10.0.0.9:443", 1), None);
        assert_eq!(client_address("unknown", 1), None);
        assert_eq!(client_address("2001:db8::1", 1), ip("2001:db8::1"));
    }

    #[test]
    fn proxies_are_named_by_address_or_range() {
        let trusted = TrustedAddresses::parse("127.0.0.1, ::1,10.0.0.0/8").unwrap();
        for yes in ["127.0.0.1", "::1", "10.2.3.4", "::ffff:127.0.0.1"] {
            assert!(trusted.contains(yes.parse().unwrap()), "{yes}");
        }
        for no in ["127.0.0.2", "11.0.0.1", "::2"] {
            assert!(!trusted.contains(no.parse().unwrap()), "{no}");
        }
        assert!(
            !TrustedAddresses::parse("")
                .unwrap()
                .contains(ip("127.0.0.1").unwrap())
        );
        assert!(TrustedAddresses::parse("127.0.0.1,localhost").is_err());
        assert!(TrustedAddresses::parse("10.0.0.0/33").is_err());
    }
}
