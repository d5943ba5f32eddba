use axum::{
    Router,
    extract::{Request, State},
    http::{StatusCode, Uri, header},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
};
use tower::Layer;

use app::foundation::site::Site;

/// Serves `portal` under the site's base path: `/aqxc/articles` reaches the portal's
/// `/articles`, `/` and `/aqxc` redirect to `/aqxc/`, anything else outside the prefix is not
/// ours (404). The prefix is removed before the portal routes the request, which is why this
/// wraps the router instead of being one of its layers.
pub fn under_base_path(site: Site, portal: Router) -> Router {
    let stripped = middleware::from_fn_with_state(site, strip_base_path).layer(portal);
    Router::new().fallback_service(stripped)
}

async fn strip_base_path(State(site): State<Site>, mut request: Request, next: Next) -> Response {
    if site.base.is_empty() {
        return next.run(request).await;
    }
    let query = request
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let path = request.uri().path().to_owned();
    match path.strip_prefix(&site.base) {
        Some(rest) if rest.starts_with('/') => match format!("{rest}{query}").parse::<Uri>() {
            Ok(uri) => {
                *request.uri_mut() = uri;
                next.run(request).await
            }
            Err(_) => super::plain(StatusCode::BAD_REQUEST, "请求地址格式不正确"),
        },
        Some("") => Redirect::permanent(&format!("{}/{query}", site.base)).into_response(),
        _ if path == "/" => Redirect::temporary(&format!("{}/", site.base)).into_response(),
        _ => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("本站位于 {}/", site.base),
        )
            .into_response(),
    }
}
