//! The SQL of articles. Public queries only ever see published articles whose publication
//! time has come.

use crate::foundation::db::{self, Backend, Connection, Dialects, Pool};
use sqlx::FromRow;

use super::{Article, ArticleFilter, ArticlePage, ArticleSummary, Category, PAGE_SIZE};

#[derive(FromRow)]
struct SummaryRow {
    slug: String,
    title: String,
    category: String,
    summary: String,
    published_at: i64,
    reading_minutes: i64,
}

impl SummaryRow {
    fn into_summary(self) -> Option<ArticleSummary> {
        Some(ArticleSummary {
            category: Category::from_name(&self.category)?,
            slug: self.slug,
            title: self.title,
            summary: self.summary,
            published_at: self.published_at,
            reading_minutes: u32::try_from(self.reading_minutes).unwrap_or(1),
        })
    }
}

const SUMMARY_COLUMNS: &str =
    "a.slug, a.title, a.category, a.summary, a.published_at, a.reading_minutes";
/// Published, or scheduled and due: the condition, with `now` bound as the numbered
/// parameter given (`$1`, `$3`…).
fn public(now: &str) -> String {
    format!("a.status IN ('published', 'scheduled') AND a.published_at <= {now}")
}

/// A page of published articles, newest first.
pub async fn list(pool: &Pool, filter: &ArticleFilter, now: i64) -> sqlx::Result<ArticlePage> {
    let category = filter.category.map(Category::name);
    let tag = filter.tag.as_deref();
    let condition = format!(
        "{} AND ($1 IS NULL OR a.category = $1)
         AND ($2 IS NULL OR EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag = $2))",
        public("$3")
    );
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM articles a WHERE {condition}"
    ))
    .bind(category)
    .bind(tag)
    .bind(now)
    .fetch_one(pool)
    .await?;
    let total_pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = filter.page.clamp(1, total_pages);
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE {condition}
         ORDER BY a.published_at DESC, a.id DESC LIMIT $4 OFFSET $5"
    ))
    .bind(category)
    .bind(tag)
    .bind(now)
    .bind(PAGE_SIZE)
    .bind((page - 1) * PAGE_SIZE)
    .fetch_all(pool)
    .await?;
    Ok(ArticlePage {
        articles: rows
            .into_iter()
            .filter_map(SummaryRow::into_summary)
            .collect(),
        page,
        total_pages,
        total,
    })
}

/// The newest published articles, of one category if given.
pub async fn latest(
    pool: &Pool,
    count: i64,
    category: Option<Category>,
    now: i64,
) -> sqlx::Result<Vec<ArticleSummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE {} AND ($2 IS NULL OR a.category = $2)
         ORDER BY a.published_at DESC, a.id DESC LIMIT $3",
        public("$1")
    ))
    .bind(now)
    .bind(category.map(Category::name))
    .bind(count)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(SummaryRow::into_summary)
        .collect())
}

#[derive(FromRow)]
struct ArticleRow {
    id: i64,
    #[sqlx(flatten)]
    summary: SummaryRow,
    author: String,
    body_html: String,
    toc_json: String,
}

/// A published article with its tags and neighbours.
pub async fn find(pool: &Pool, slug: &str, now: i64) -> sqlx::Result<Option<Article>> {
    let row: Option<ArticleRow> = sqlx::query_as(&format!(
        "SELECT a.id, {SUMMARY_COLUMNS}, a.author, a.body_html, a.toc_json
         FROM articles a WHERE a.slug = $1 AND {}",
        public("$2")
    ))
    .bind(slug)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let tags: Vec<String> =
        sqlx::query_scalar("SELECT tag FROM article_tags WHERE article_id = $1 ORDER BY tag")
            .bind(row.id)
            .fetch_all(pool)
            .await?;
    let neighbour = |newer: bool| {
        let (op, order) = if newer { (">", "ASC") } else { ("<", "DESC") };
        format!(
            "SELECT a.slug, a.title FROM articles a WHERE {}
             AND (a.published_at {op} $2 OR (a.published_at = $2 AND a.id {op} $3))
             ORDER BY a.published_at {order}, a.id {order} LIMIT 1",
            public("$1")
        )
    };
    let previous: Option<(String, String)> = sqlx::query_as(&neighbour(false))
        .bind(now)
        .bind(row.summary.published_at)
        .bind(row.id)
        .fetch_optional(pool)
        .await?;
    let next: Option<(String, String)> = sqlx::query_as(&neighbour(true))
        .bind(now)
        .bind(row.summary.published_at)
        .bind(row.id)
        .fetch_optional(pool)
        .await?;
    let toc = serde_json::from_str(&row.toc_json).unwrap_or_else(|error| {
        tracing::warn!(%error, slug, "an article's table of contents is unreadable");
        Vec::new()
    });
    let Some(summary) = row.summary.into_summary() else {
        return Ok(None);
    };
    Ok(Some(Article {
        summary,
        author: row.author,
        tags,
        body_html: row.body_html,
        toc,
        previous,
        next,
    }))
}

/// Search of three or more characters, ranked title before summary before text, through a
/// trigram index: SQLite's FTS5 table (`$1` a phrase) or pg_trgm's GIN indexes, which answer
/// `ILIKE` (`$1` a pattern). Both match the query anywhere, ignoring ASCII case.
const SEARCH_INDEXED: Dialects = Dialects {
    sqlite: "SELECT a.slug, a.title, a.category, a.summary, a.published_at, a.reading_minutes,
                    a.plain_text
             FROM articles_fts f JOIN articles a ON a.id = f.rowid
             WHERE articles_fts MATCH $1
               AND a.status IN ('published', 'scheduled') AND a.published_at <= $2
             ORDER BY bm25(articles_fts, 10.0, 5.0, 1.0) LIMIT $3",
    postgres: "SELECT a.slug, a.title, a.category, a.summary, a.published_at, a.reading_minutes,
                      a.plain_text
               FROM articles a
               WHERE (a.title ILIKE $1 OR a.summary ILIKE $1 OR a.plain_text ILIKE $1)
                 AND a.status IN ('published', 'scheduled') AND a.published_at <= $2
               ORDER BY (CASE WHEN a.title ILIKE $1 THEN 10 ELSE 0 END
                         + CASE WHEN a.summary ILIKE $1 THEN 5 ELSE 0 END
                         + similarity(a.plain_text, $1)) DESC,
                        a.published_at DESC
               LIMIT $3",
};

/// Search of one or two characters, by scanning (`$1` a pattern): titles first, then newest.
const SEARCH_SCANNED: Dialects = Dialects {
    sqlite: "SELECT a.slug, a.title, a.category, a.summary, a.published_at, a.reading_minutes,
                    a.plain_text
             FROM articles a
             WHERE (a.title LIKE $1 ESCAPE '\\' OR a.summary LIKE $1 ESCAPE '\\'
                    OR a.plain_text LIKE $1 ESCAPE '\\')
               AND a.status IN ('published', 'scheduled') AND a.published_at <= $2
             ORDER BY (a.title LIKE $1 ESCAPE '\\') DESC, a.published_at DESC LIMIT $3",
    postgres: "SELECT a.slug, a.title, a.category, a.summary, a.published_at, a.reading_minutes,
                      a.plain_text
               FROM articles a
               WHERE (a.title ILIKE $1 OR a.summary ILIKE $1 OR a.plain_text ILIKE $1)
                 AND a.status IN ('published', 'scheduled') AND a.published_at <= $2
               ORDER BY (a.title ILIKE $1) DESC, a.published_at DESC LIMIT $3",
};

/// `%query%` for `LIKE`, with `\` escaping the pattern's own characters (PostgreSQL's default
/// escape, named in SQLite's statements).
fn like_pattern(query: &str) -> String {
    format!(
        "%{}%",
        query
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// Published articles containing `query` in their title, summary or text, best first, with
/// their text (for the snippet).
pub async fn search(
    pool: &Pool,
    query: &str,
    now: i64,
    limit: i64,
) -> sqlx::Result<Vec<(ArticleSummary, String)>> {
    #[derive(FromRow)]
    struct Hit {
        #[sqlx(flatten)]
        summary: SummaryRow,
        plain_text: String,
    }
    let query = query.trim();
    let backend = Backend::of(pool);
    // The trigram indexes answer queries of three or more characters; shorter ones (many
    // Chinese words have two) are few enough articles to scan.
    let (sql, term) = if query.chars().count() >= 3 {
        let term = match backend {
            Backend::Sqlite => format!("\"{}\"", query.replace('"', "\"\"")),
            Backend::Postgres => like_pattern(query),
        };
        (SEARCH_INDEXED.on(backend), term)
    } else {
        (SEARCH_SCANNED.on(backend), like_pattern(query))
    };
    let hits: Vec<Hit> = sqlx::query_as(sql)
        .bind(term)
        .bind(now)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    Ok(hits
        .into_iter()
        .filter_map(|hit| Some((hit.summary.into_summary()?, hit.plain_text)))
        .collect())
}

/// Every published article's slug and last change, for the sitemap.
pub async fn sitemap_entries(pool: &Pool, now: i64) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as(&format!(
        "SELECT a.slug, a.updated_at FROM articles a WHERE {} ORDER BY a.published_at DESC",
        public("$1")
    ))
    .bind(now)
    .fetch_all(pool)
    .await
}

/// An article as the importer (and later the editor) writes it.
pub struct ArticleRecord<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub category: Category,
    pub summary: &'a str,
    pub author: &'a str,
    pub cover: Option<&'a str>,
    pub tags: &'a [String],
    pub body_md: &'a str,
    pub rendered: &'a domain::markdown::Rendered,
    pub status: &'a str,
    pub published_at: Option<i64>,
}

/// Inserts an article imported from a file, or updates the one imported from it before.
pub async fn save_imported(
    tx: &mut Connection,
    record: &ArticleRecord<'_>,
    source_path: &str,
    source_hash: &str,
    now: i64,
) -> sqlx::Result<i64> {
    let toc_json = serde_json::to_string(&record.rendered.toc).unwrap_or_else(|_| "[]".into());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO articles (slug, title, category, summary, author, cover, body_md, body_html, toc_json,
                               plain_text, reading_minutes, status, published_at, source_path, source_hash,
                               created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
         ON CONFLICT (slug) DO UPDATE SET
             title = excluded.title, category = excluded.category, summary = excluded.summary,
             author = excluded.author, cover = excluded.cover, body_md = excluded.body_md,
             body_html = excluded.body_html, toc_json = excluded.toc_json, plain_text = excluded.plain_text,
             reading_minutes = excluded.reading_minutes, status = excluded.status,
             published_at = excluded.published_at, source_hash = excluded.source_hash,
             updated_at = excluded.updated_at
         RETURNING id",
    )
    .bind(record.slug)
    .bind(record.title)
    .bind(record.category.name())
    .bind(record.summary)
    .bind(record.author)
    .bind(record.cover)
    .bind(record.body_md)
    .bind(&record.rendered.html)
    .bind(toc_json)
    .bind(&record.rendered.plain_text)
    .bind(i64::from(record.rendered.reading_minutes))
    .bind(record.status)
    .bind(record.published_at)
    .bind(source_path)
    .bind(source_hash)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    replace_tags(tx, id, record.tags).await?;
    Ok(id)
}

/// Sets an article's tags to exactly `tags`.
async fn replace_tags(tx: &mut Connection, id: i64, tags: &[String]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM article_tags WHERE article_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for tag in tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        sqlx::query(
            "INSERT INTO article_tags (article_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(tag)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// What is stored for a slug: the file it came from and that file's hash (both absent for an
/// article written in the editor).
pub async fn source_of(
    tx: &mut Connection,
    slug: &str,
) -> sqlx::Result<Option<(Option<String>, Option<String>)>> {
    sqlx::query_as("SELECT source_path, source_hash FROM articles WHERE slug = $1")
        .bind(slug)
        .fetch_optional(&mut *tx)
        .await
}

// --- The staff's side: every status, versions, workflow. ---

use super::workflow::Status;
use super::{EditableArticle, StaffArticleRow, VersionSummary, VersionView};

#[derive(FromRow)]
struct StaffRow {
    id: i64,
    slug: String,
    title: String,
    category: String,
    status: String,
    updated_at: i64,
    published_at: Option<i64>,
}

/// Articles of one status (all when `None`), most recently changed first.
pub async fn staff_list(pool: &Pool, status: Option<Status>) -> sqlx::Result<Vec<StaffArticleRow>> {
    let rows: Vec<StaffRow> = sqlx::query_as(
        "SELECT id, slug, title, category, status, updated_at, published_at FROM articles
         WHERE $1 IS NULL OR status = $1 ORDER BY updated_at DESC, id DESC LIMIT 500",
    )
    .bind(status.map(Status::as_str))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(StaffArticleRow {
                id: row.id,
                slug: row.slug,
                title: row.title,
                category: Category::from_name(&row.category)?,
                status: Status::parse(&row.status)?,
                updated_at: row.updated_at,
                published_at: row.published_at,
            })
        })
        .collect())
}

#[derive(FromRow)]
struct EditableRow {
    id: i64,
    slug: String,
    title: String,
    category: String,
    summary: String,
    body_md: String,
    body_html: String,
    status: String,
    published_at: Option<i64>,
    review_comment: String,
    tags: Option<String>,
}

/// An article as the editor shows it.
pub async fn editable(pool: &Pool, id: i64) -> sqlx::Result<Option<EditableArticle>> {
    let row: Option<EditableRow> = sqlx::query_as(
        "SELECT id, slug, title, category, summary, body_md, body_html, status, published_at, review_comment,
                (SELECT string_agg(tag, '，') FROM article_tags t WHERE t.article_id = a.id) AS tags
         FROM articles a WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|row| {
        Some(EditableArticle {
            id: row.id,
            slug: row.slug,
            title: row.title,
            category: Category::from_name(&row.category)?,
            tags: row.tags.unwrap_or_default(),
            summary: row.summary,
            body_md: row.body_md,
            body_html: row.body_html,
            status: Status::parse(&row.status)?,
            published_at: row.published_at,
            review_comment: row.review_comment,
        })
    }))
}

/// The text fields of an article (what a version holds).
pub struct ArticleText<'a> {
    pub title: &'a str,
    pub category: Category,
    pub tags: &'a [String],
    pub summary: &'a str,
    pub body_md: &'a str,
}

/// Whether a slug is free.
pub async fn slug_taken(pool: &Pool, slug: &str) -> sqlx::Result<bool> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM articles WHERE slug = $1")
            .bind(slug)
            .fetch_one(pool)
            .await?
            > 0,
    )
}

/// Creates a draft; returns its id.
pub async fn create_draft(
    pool: &Pool,
    slug: &str,
    text: &ArticleText<'_>,
    by: (i64, &str),
    now: i64,
) -> sqlx::Result<i64> {
    let mut tx = db::begin_write(pool).await?;
    let rendered = domain::markdown::render(text.body_md);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO articles (slug, title, category, summary, author, body_md, body_html, toc_json, plain_text,
                               reading_minutes, status, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $12, $13) RETURNING id",
    )
    .bind(slug)
    .bind(text.title)
    .bind(text.category.name())
    .bind(text.summary)
    .bind(by.1)
    .bind(text.body_md)
    .bind(&rendered.html)
    .bind(serde_json::to_string(&rendered.toc).unwrap_or_else(|_| "[]".into()))
    .bind(&rendered.plain_text)
    .bind(i64::from(rendered.reading_minutes))
    .bind(by.0)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    insert_version(&mut tx, id, text, by.1, now, "save").await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces an article's text (re-rendering it) and records the version.
pub async fn update_text(
    pool: &Pool,
    id: i64,
    text: &ArticleText<'_>,
    by: &str,
    now: i64,
    reason: &str,
) -> sqlx::Result<()> {
    let rendered = domain::markdown::render(text.body_md);
    let mut tx = db::begin_write(pool).await?;
    sqlx::query(
        "UPDATE articles SET title = $1, category = $2, summary = $3, body_md = $4, body_html = $5, toc_json = $6,
                plain_text = $7, reading_minutes = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(text.title)
    .bind(text.category.name())
    .bind(text.summary)
    .bind(text.body_md)
    .bind(&rendered.html)
    .bind(serde_json::to_string(&rendered.toc).unwrap_or_else(|_| "[]".into()))
    .bind(&rendered.plain_text)
    .bind(i64::from(rendered.reading_minutes))
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    replace_tags(&mut tx, id, text.tags).await?;
    insert_version(&mut tx, id, text, by, now, reason).await?;
    tx.commit().await
}

/// Keeps text as a version without applying it: `rejected` (it could not be saved as typed) or
/// `autosave`; returns the version's id.
pub async fn keep_version(
    pool: &Pool,
    id: i64,
    text: &ArticleText<'_>,
    by: &str,
    now: i64,
    reason: &str,
) -> sqlx::Result<i64> {
    let mut tx = db::begin_write(pool).await?;
    let version = insert_version(&mut tx, id, text, by, now, reason).await?;
    tx.commit().await?;
    Ok(version)
}

async fn insert_version(
    tx: &mut Connection,
    article_id: i64,
    text: &ArticleText<'_>,
    by: &str,
    now: i64,
    reason: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO article_versions (article_id, title, category, tags, summary, body_md, saved_by, saved_at, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(article_id)
    .bind(text.title)
    .bind(text.category.name())
    .bind(text.tags.join("，"))
    .bind(text.summary)
    .bind(text.body_md)
    .bind(by)
    .bind(now)
    .bind(reason)
    .fetch_one(&mut *tx)
    .await
}

/// Moves an article to a new status.
pub async fn set_status(
    pool: &Pool,
    id: i64,
    status: Status,
    published_at: Option<i64>,
    review_comment: Option<&str>,
    reviewer: Option<i64>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE articles SET status = $1, published_at = COALESCE($2, published_at),
                review_comment = COALESCE($3, review_comment), reviewed_by = COALESCE($4, reviewed_by),
                updated_at = $5 WHERE id = $6",
    )
    .bind(status.as_str())
    .bind(published_at)
    .bind(review_comment)
    .bind(reviewer)
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn versions(pool: &Pool, article_id: i64) -> sqlx::Result<Vec<VersionSummary>> {
    let rows: Vec<(i64, String, String, i64, String)> = sqlx::query_as(
        "SELECT id, title, saved_by, saved_at, reason FROM article_versions WHERE article_id = $1 ORDER BY id DESC LIMIT 200",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, saved_by, saved_at, reason)| VersionSummary {
            id,
            title,
            saved_by,
            saved_at,
            reason,
        })
        .collect())
}

#[derive(FromRow)]
struct VersionRow {
    id: i64,
    title: String,
    category: String,
    tags: String,
    summary: String,
    body_md: String,
    saved_by: String,
    saved_at: i64,
    reason: String,
}

pub async fn version(
    pool: &Pool,
    article_id: i64,
    version_id: i64,
) -> sqlx::Result<Option<VersionView>> {
    let row: Option<VersionRow> = sqlx::query_as(
        "SELECT id, title, category, tags, summary, body_md, saved_by, saved_at, reason
         FROM article_versions WHERE article_id = $1 AND id = $2",
    )
    .bind(article_id)
    .bind(version_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|row| {
        Some(VersionView {
            id: row.id,
            article_id,
            body_html: domain::markdown::render(&row.body_md).html,
            title: row.title,
            category: Category::from_name(&row.category)?,
            tags: row.tags,
            summary: row.summary,
            body_md: row.body_md,
            saved_by: row.saved_by,
            saved_at: row.saved_at,
            reason: row.reason,
        })
    }))
}
