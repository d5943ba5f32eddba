//! Practice offline, installable: the web app manifest, the practice mode's service worker, and
//! the practice bank it keeps (open data too: every question practice may show, with its
//! answer and explanation; contest-only questions are never in it).
//!
//! The worker is served here rather than from the site's files because a worker's own
//! response sets what it may fetch: the site files' policy (`default-src 'none'`) would stop
//! it from keeping anything.

use axum::{
    Json, Router,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde_json::json;

use std::sync::Arc;

use crate::{routes::assets::AssetStore, state::AppState};

/// The worker's script (plain JavaScript, no build step).
const WORKER: &str = include_str!("offline/practice-sw.js");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/practice-sw.js", get(worker))
        .route("/manifest.webmanifest", get(manifest))
        .route("/api/v1/practice-bank.json", get(practice_bank))
}

/// The worker as this build serves it: its cache is named after the build (a new build's
/// worker drops the old build's copies), and it knows whether `/pkg/` names carry a hash (only
/// those files are served from its copies before the network).
fn worker_for(assets: &AssetStore) -> String {
    WORKER
        .replace("__BUILD_VERSION__", assets.version())
        .replace(
            "__HASHED_PKG__",
            if assets.hashed_pkg() { "true" } else { "false" },
        )
}

async fn worker(State(assets): State<Arc<AssetStore>>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // Browsers look for a new worker on every visit; this keeps that look cheap.
            (header::CACHE_CONTROL, "no-cache"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; connect-src 'self'",
            ),
        ],
        worker_for(&assets),
    )
        .into_response()
}

async fn manifest(State(state): State<AppState>) -> Response {
    let href = |path: &str| state.site.href(path);
    let body = json!({
        "name": "开平市应急管理局 安全知识练习",
        "short_name": "安全知识练习",
        "description": "安全知识题库练习：随机出题，答完立即看对错和解析，离线也能用。",
        "lang": "zh-CN",
        "start_url": href("/contest/practice"),
        "scope": href("/contest/practice"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3261e",
        "icons": [
            { "src": href("/icons/practice-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any maskable" },
            { "src": href("/icons/practice-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable" },
        ],
    });
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body.to_string(),
    )
        .into_response()
}

async fn practice_bank(State(state): State<AppState>) -> Response {
    match state.memos.catalog.snapshot(&state.pool).await {
        Ok(snapshot) => (
            [(header::CACHE_CONTROL, "no-cache")],
            Json(json!({ "version": "v1", "questions": snapshot.practice })),
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "reading the practice bank failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "error": "暂时无法读取，请稍后再试" })),
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_build_s_worker_serves_its_pkg_files_from_its_copies_first() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
        std::fs::write(dir.path().join("pkg/aqxc.0123abcd.css"), "a{}").unwrap();
        let hashed = AssetStore::load(dir.path(), true).unwrap();
        let worker = worker_for(&hashed);
        assert!(worker.contains("const HASHED_PKG = true;"));
        assert!(worker.contains(&format!("const BUILD = \"{}\";", hashed.version())));
        let plain = AssetStore::load(dir.path(), false).unwrap();
        assert!(worker_for(&plain).contains("const HASHED_PKG = false;"));
    }
}
