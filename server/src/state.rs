//! What every handler can reach: the state the server builds once at start-up (see
//! [`crate::startup`]) and the routes and middleware read.

use std::sync::Arc;

use app::foundation::db::Pool;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::{
    middleware::{csrf::CsrfPolicy, page_cache::CachedPages},
    routes::{assets::AssetStore, uploads::Uploads},
};
use app::{foundation::site::Site, staff::session::SessionPolicy};
use domain::inspections::calendar::Calendar;

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: Pool,
    pub site: Site,
    pub assets: Arc<AssetStore>,
    pub session_policy: SessionPolicy,
    pub uploads: Uploads,
    pub csrf_policy: CsrfPolicy,
    /// `AQXC_PUBLIC_ORIGIN`, the only source of absolute URLs (feeds, the sitemap, QR codes,
    /// certificates); never the request's `Host` header.
    #[from_ref(skip)]
    pub public_origin: Option<String>,
    /// Whether visitors reach the site over HTTPS (HSTS, `Secure` cookies).
    #[from_ref(skip)]
    pub https: bool,
    /// Reverse proxies whose `X-Forwarded-For` entries are believed, and from where.
    #[from_ref(skip)]
    pub trusted_proxies: crate::middleware::client_ip::ProxyTrust,
    /// Holidays and adjusted working days, for the results' publication deadlines.
    #[from_ref(skip)]
    pub calendar: Arc<Calendar>,
    /// Pages kept for anonymous visitors, and the staff changes that empty them.
    #[from_ref(skip)]
    pub pages: CachedPages,
    /// Leaderboards and revealed draws, remembered between requests.
    #[from_ref(skip)]
    pub memos: Arc<app::memo::Memos>,
    /// Certificate pictures, drawn with the configured CJK font a few at once, and kept.
    #[from_ref(skip)]
    pub pictures: Arc<crate::certificate::pictures::Pictures>,
}
