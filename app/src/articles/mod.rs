//! Articles (安全宣传): what readers see, and how articles get in (files in
//! `content/articles/`, imported at start-up).

use serde::{Deserialize, Serialize};

pub use domain::article::Category;
use domain::markdown::TocEntry;

/// Server functions of the staff's article area: write, save, review, publish, history.
pub mod admin;
/// Server functions the public pages call.
pub mod api;
/// RSS feeds and the sitemap (server only).
#[cfg(feature = "ssr")]
pub mod feed;
/// Finding the query in a text and marking it (pure, both sides).
pub mod highlight;
/// Importing `content/articles/*.md` (server only).
#[cfg(feature = "ssr")]
pub mod import;
/// The SQL of articles (server only).
#[cfg(feature = "ssr")]
pub mod store;
/// The editorial workflow: statuses, steps, who may take them (pure, both sides).
pub mod workflow;

/// Articles per page in lists.
pub const PAGE_SIZE: i64 = 10;

/// An article in a list, a feed or a search result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub slug: String,
    pub title: String,
    pub category: Category,
    pub summary: String,
    /// Unix seconds.
    pub published_at: i64,
    pub reading_minutes: u32,
}

/// A whole published article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub summary: ArticleSummary,
    pub author: String,
    pub tags: Vec<String>,
    /// Sanitized when it was rendered; safe to insert as HTML.
    pub body_html: String,
    pub toc: Vec<TocEntry>,
    /// The neighbours in publication order: (slug, title).
    pub previous: Option<(String, String)>,
    pub next: Option<(String, String)>,
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticlePage {
    pub articles: Vec<ArticleSummary>,
    /// 1-based.
    pub page: i64,
    pub total_pages: i64,
    pub total: i64,
}

/// Which articles a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleFilter {
    pub category: Option<Category>,
    pub tag: Option<String>,
    /// 1-based.
    pub page: i64,
}

/// A search hit, with the matches marked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub article: ArticleSummary,
    /// HTML: the title with `<mark>` around matches, everything else escaped.
    pub title_html: String,
    /// HTML: the passage around the first match, marked the same way.
    pub snippet_html: String,
}

// ---- The staff's article area -------------------------------------------------------

/// An article in the staff's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffArticleRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub category: Category,
    pub status: workflow::Status,
    pub updated_at: i64,
    pub published_at: Option<i64>,
}

/// An article in the editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditableArticle {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub category: Category,
    /// Tags separated by `，` or `,`.
    pub tags: String,
    pub summary: String,
    pub body_md: String,
    /// The saved text, rendered exactly as it will be published.
    pub body_html: String,
    pub status: workflow::Status,
    pub published_at: Option<i64>,
    pub review_comment: String,
}

/// One saved version, in the history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionSummary {
    pub id: i64,
    pub title: String,
    pub saved_by: String,
    pub saved_at: i64,
    /// `save`, `restore`, `rejected` (kept but not applied).
    pub reason: String,
}

/// One saved version, whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionView {
    pub id: i64,
    pub article_id: i64,
    pub title: String,
    pub category: Category,
    pub tags: String,
    pub summary: String,
    pub body_md: String,
    pub body_html: String,
    pub saved_by: String,
    pub saved_at: i64,
    pub reason: String,
}
