use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};

use app::request::ClientIp;

/// Records the client's address: the connection's peer, or, when configured behind a reverse
/// proxy, the last address in `X-Forwarded-For` (the one the proxy itself saw).
pub async fn record(
    State(trust_forwarded_for): State<bool>,
    mut request: Request,
    next: Next,
) -> Response {
    let forwarded = trust_forwarded_for
        .then(|| request.headers().get("x-forwarded-for"))
        .flatten()
        .and_then(|value| value.to_str().ok())
        .and_then(|list| list.rsplit(',').next())
        .map(|ip| ip.trim().to_string())
        .filter(|ip| !ip.is_empty());
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string());
    let ip = forwarded.or(peer).unwrap_or_else(|| "unknown".to_string());
    request.extensions_mut().insert(ClientIp(ip));
    next.run(request).await
}
