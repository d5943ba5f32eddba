//! Importing `content/articles/*.md` into the database at start-up. Idempotent: a file whose
//! text has not changed since the last import is left alone, an edited file updates its
//! article, unless staff have since changed that article through the web (their work wins: the
//! file is skipped with a warning). A malformed file is reported with its path and line and
//! skipped; the rest import.

use std::path::{Path, PathBuf};

use crate::foundation::db::{self, Pool};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

use domain::{
    article::{ArticleFile, FileStatus},
    markdown,
};

use super::store::{self, ArticleRecord};

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// One line per skipped file: `path:line: problem`.
    pub problems: Vec<String>,
    /// Slugs of articles whose file changed but which staff have changed through the web since
    /// the import: kept as staff left them.
    pub kept: Vec<String>,
}

/// What staff do to an article through the web, as the audit log names it (its target is the
/// slug). Any one of them makes the article theirs.
const STAFF_ACTIONS: [&str; 7] = [
    "article_saved",
    "article_restored",
    "article_submitted",
    "article_published",
    "article_scheduled",
    "article_returned",
    "article_withdrawn",
];

/// Whether staff have touched the article through the web: a version kept by the editor, or a
/// save or workflow step in the append-only audit log. The importer itself writes neither.
async fn touched_by_staff(tx: &mut db::Connection, slug: &str) -> sqlx::Result<bool> {
    let actions = STAFF_ACTIONS.map(|a| format!("'{a}'")).join(", ");
    let touched: i64 = sqlx::query_scalar(&format!(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM audit_log WHERE target = $1 AND action IN ({actions}))
                  OR EXISTS (SELECT 1 FROM article_versions v JOIN articles a ON a.id = v.article_id
                             WHERE a.slug = $1)
                THEN 1 ELSE 0 END"
    ))
    .bind(slug)
    .fetch_one(&mut *tx)
    .await?;
    Ok(touched == 1)
}

/// Imports every `*.md` file of `folder` (a missing folder imports nothing).
pub async fn import_folder(pool: &Pool, folder: &Path, now: i64) -> sqlx::Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(folder) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
            .collect(),
        Err(_) => return Ok(report),
    };
    files.sort();
    let mut seen_slugs = std::collections::HashMap::new();
    for path in files {
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) => {
                report
                    .problems
                    .push(format!("{shown}: cannot be read: {error}"));
                continue;
            }
        };
        let file = match ArticleFile::parse(&text) {
            Ok(file) => file,
            Err(error) => {
                report
                    .problems
                    .push(format!("{shown}:{}: {}", error.line, error.message));
                continue;
            }
        };
        let slug = file.front.slug.as_str().to_string();
        if let Some(first) = seen_slugs.insert(slug.clone(), shown.clone()) {
            report.problems.push(format!(
                "{shown}:3: slug `{slug}` is already used by {first}"
            ));
            continue;
        }
        let hash = URL_SAFE_NO_PAD.encode(Sha256::digest(text.as_bytes()));
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();

        let mut tx = db::begin_write(pool).await?;
        match store::source_of(&mut tx, &slug).await? {
            Some((Some(source), Some(stored_hash)))
                if source == file_name && stored_hash == hash =>
            {
                report.unchanged += 1;
                continue;
            }
            Some((source, _)) if source.as_deref() != Some(file_name.as_str()) => {
                let owner = source.unwrap_or_else(|| "an article written in the editor".into());
                report.problems.push(format!(
                    "{shown}:3: slug `{slug}` is already used by {owner}"
                ));
                continue;
            }
            Some(_) if touched_by_staff(&mut tx, &slug).await? => {
                tracing::warn!(
                    slug = %slug,
                    file = %shown,
                    "article file changed, but staff have changed the article through the web \
                     since it was imported: the file is skipped and the article kept as it is"
                );
                report.kept.push(slug);
                continue;
            }
            existing => {
                let rendered = markdown::render(&file.body);
                let front = &file.front;
                let record = ArticleRecord {
                    slug: &slug,
                    title: front.title.trim(),
                    category: front.category,
                    summary: front.summary.trim(),
                    author: front.author.trim(),
                    cover: front.cover.as_deref(),
                    tags: &front.tags,
                    body_md: &file.body,
                    rendered: &rendered,
                    status: match front.status {
                        FileStatus::Published => "published",
                        FileStatus::Draft => "draft",
                    },
                    published_at: Some(front.date.beijing_midnight_unix()),
                };
                store::save_imported(&mut tx, &record, &file_name, &hash, now).await?;
                tx.commit().await?;
                if existing.is_some() {
                    report.updated += 1;
                } else {
                    report.inserted += 1;
                }
            }
        }
    }
    Ok(report)
}
