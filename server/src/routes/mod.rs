use std::sync::Arc;

use axum::{
    Router,
    extract::{Request, State},
    middleware::{from_fn, from_fn_with_state},
    response::Response,
};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::{catch_panic::CatchPanicLayer, compression::CompressionLayer, trace::TraceLayer};

use crate::{
    middleware::{
        body_limit::{self, BodyLimits},
        client_ip, csrf, friendly_errors, page_cache, security_headers, server_fn_status, session,
    },
    state::AppState,
};
use app::{App, foundation::db::Pool, shell};

/// Static files of the built site, served from memory with their compressed forms.
pub mod assets;
/// Serving the whole portal under a configurable path prefix.
pub mod base_path;
/// Contest files: QR codes, certificates, the staff export.
pub mod contest_files;
/// RSS feeds, the sitemap and robots.txt.
pub mod feeds;
/// `GET /healthz` for the load balancer and monitoring.
pub mod health;
/// Practice offline: the manifest, the service worker and the practice bank it keeps.
pub mod offline;
/// Open data of the inspection draws (`/api/v1/…`).
pub mod open_data;
/// The error page for a handler that panics.
pub mod panic;
/// Registry CSV import and export in the staff area.
pub mod registries;
/// Article images: the staff's upload form and public serving.
pub mod uploads;

/// All routes of the portal, as seen from its own root (the base path is already stripped).
pub fn router(state: AppState) -> Router {
    let leptos_options = state.leptos_options.clone();
    let page_context = {
        let site = state.site.clone();
        let pool = state.pool.clone();
        let session_policy = state.session_policy.clone();
        let calendar = state.calendar.clone();
        let memos = state.memos.clone();
        move || {
            provide_context(site.clone());
            provide_context(pool.clone());
            provide_context(session_policy.clone());
            provide_context(calendar.clone());
            provide_context(memos.clone());
        }
    };
    let app_fn = move || shell(leptos_options.clone());
    let page_not_found =
        leptos_axum::render_app_to_stream_with_context(page_context.clone(), app_fn.clone());

    Router::new()
        .merge(health::routes())
        .merge(feeds::routes())
        .merge(uploads::routes())
        .merge(open_data::routes())
        .merge(registries::routes())
        .merge(contest_files::routes())
        .merge(offline::routes())
        .leptos_routes_with_context(&state, route_list(), page_context, app_fn)
        .fallback(
            move |State(assets): State<Arc<assets::AssetStore>>,
                  State(pool): State<Pool>,
                  request: Request| {
                let page_not_found = page_not_found.clone();
                async move {
                    if let Some(response) = assets.respond(&request) {
                        return response;
                    }
                    // While a deployment rolls, a page of the other build asks for its files.
                    let (method, path) =
                        (request.method().clone(), request.uri().path().to_owned());
                    match assets::AssetStore::respond_from_other_builds(&pool, &method, &path).await
                    {
                        Some(response) => response,
                        None => page_not_found(request).await,
                    }
                }
            },
        )
        // Innermost first: each layer wraps the ones above it.
        .layer(from_fn_with_state(
            (state.pool.clone(), state.session_policy.clone()),
            session::resolve_staff,
        ))
        .layer(from_fn_with_state(state.pages.clone(), page_cache::serve))
        .layer(from_fn_with_state(state.csrf_policy.clone(), csrf::guard))
        .layer(from_fn_with_state(
            state.trusted_proxies.clone(),
            client_ip::record,
        ))
        .layer(from_fn_with_state(
            BodyLimits {
                default: state.csrf_policy.max_body_bytes,
                upload: state.uploads.max_bytes,
            },
            body_limit::enforce,
        ))
        .layer(from_fn(server_fn_status::classify))
        .layer(from_fn(friendly_errors::explain))
        .layer(from_fn_with_state(state.https, security_headers::add))
        // Skips what is already compressed (the assets above) and images.
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(panic::error_page))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The portal's routes, found once per process by running the app in route-listing mode.
///
/// Once matters: while Leptos lists routes it suspends every resource that starts loading
/// anywhere in the process (a process-wide flag), so listing them again while another app in
/// the same process renders a page (as integration tests do) could leave that page waiting for
/// ever.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The portal's root URL (with the base path) for feeds, the sitemap and certificates: absolute
/// when `AQXC_PUBLIC_ORIGIN` is configured, otherwise only the base path, so that links are
/// root-relative. Never built from the request's `Host` header, which the visitor chooses: a
/// forged `Host` would otherwise put another site's address into feeds (and into the page cache
/// and proxies' caches that keep them).
pub fn public_root(state: &AppState) -> String {
    match &state.public_origin {
        Some(origin) => format!("{}{}", origin.trim_end_matches('/'), state.site.base),
        None => state.site.base.clone(),
    }
}

/// A plain response built from parts that cannot fail to combine.
fn plain(status: axum::http::StatusCode, body: &'static str) -> Response {
    use axum::response::IntoResponse;
    (
        status,
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
