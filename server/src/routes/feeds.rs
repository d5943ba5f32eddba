//! Machine-readable views of the articles: RSS feeds (the site's and one per category), the
//! sitemap, and `robots.txt`.

use app::foundation::db::Pool;
use axum::{
    Router,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use app::{
    articles::{ArticleSummary, Category, feed, store},
    foundation::clock,
    foundation::site::Site,
};

use crate::state::AppState;

/// Articles in a feed.
const FEED_LENGTH: i64 = 20;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feed.xml", get(site_feed))
        .route("/articles/category/{key}/feed.xml", get(category_feed))
        .route("/sitemap.xml", get(sitemap))
        .route("/robots.txt", get(robots))
}

fn xml(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=600"),
        ],
        body,
    )
        .into_response()
}

fn unavailable(error: sqlx::Error) -> Response {
    tracing::error!(%error, "reading articles for a feed failed");
    (StatusCode::SERVICE_UNAVAILABLE, "暂时无法生成，请稍后再试").into_response()
}

async fn feed_of(pool: &Pool, category: Option<Category>) -> sqlx::Result<Vec<ArticleSummary>> {
    store::latest(pool, FEED_LENGTH, category, clock::now()).await
}

async fn site_feed(State(state): State<AppState>) -> Response {
    match feed_of(&state.pool, None).await {
        Ok(articles) => xml(feed::rss(&super::public_root(&state), None, &articles)),
        Err(error) => unavailable(error),
    }
}

async fn category_feed(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    let Some(category) = Category::from_key(&key) else {
        return (StatusCode::NOT_FOUND, "没有这个分类").into_response();
    };
    match feed_of(&state.pool, Some(category)).await {
        Ok(articles) => xml(feed::rss(
            &super::public_root(&state),
            Some(category),
            &articles,
        )),
        Err(error) => unavailable(error),
    }
}

async fn sitemap(State(state): State<AppState>) -> Response {
    match store::sitemap_entries(&state.pool, clock::now()).await {
        Ok(entries) => xml(feed::sitemap(&super::public_root(&state), &entries)),
        Err(error) => unavailable(error),
    }
}

/// `robots.txt`. Its `Sitemap:` line must be an absolute URL, so it is left out when no public
/// origin is configured.
async fn robots(State(site): State<Site>, State(state): State<AppState>) -> Response {
    let mut body = format!(
        "User-agent: *\nDisallow: {base}/admin\nDisallow: {base}/login\nDisallow: {base}/api/\n",
        base = site.base,
    );
    if state.public_origin.is_some() {
        body.push_str(&format!(
            "Sitemap: {}/sitemap.xml\n",
            super::public_root(&state)
        ));
    }
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}
