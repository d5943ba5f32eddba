//! Server functions behind the public article pages. Anyone may call them; they only ever
//! return published articles.

use crate::foundation::error::AppError;
use leptos::prelude::*;

use super::{Article, ArticleFilter, ArticlePage, ArticleSummary, SearchHit};

/// Most search results shown.
pub const SEARCH_LIMIT: i64 = 30;

#[cfg(feature = "ssr")]
use crate::foundation::server_support::pool;

#[server(prefix = "/api", endpoint = "articles")]
pub async fn list_articles(filter: ArticleFilter) -> Result<ArticlePage, AppError> {
    Ok(super::store::list(&pool()?, &filter, crate::foundation::clock::now()).await?)
}

#[server(prefix = "/api", endpoint = "latest_articles")]
pub async fn latest_articles(count: i64) -> Result<Vec<ArticleSummary>, AppError> {
    Ok(super::store::latest(
        &pool()?,
        count.clamp(1, 20),
        None,
        crate::foundation::clock::now(),
    )
    .await?)
}

#[server(prefix = "/api", endpoint = "article")]
pub async fn get_article(slug: String) -> Result<Option<Article>, AppError> {
    Ok(super::store::find(&pool()?, &slug, crate::foundation::clock::now()).await?)
}

#[server(prefix = "/api", endpoint = "search")]
pub async fn search_articles(query: String) -> Result<Vec<SearchHit>, AppError> {
    use super::highlight::{mark, snippet};
    let query: String = query.trim().chars().take(50).collect();
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let hits = super::store::search(
        &pool()?,
        &query,
        crate::foundation::clock::now(),
        SEARCH_LIMIT,
    )
    .await?;
    Ok(hits
        .into_iter()
        .map(|(article, text)| SearchHit {
            title_html: mark(&article.title, &query),
            snippet_html: snippet(&format!("{} {}", article.summary, text), &query),
            article,
        })
        .collect())
}
