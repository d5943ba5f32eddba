//! The built site's files (`pkg/` with the hashed JS, WASM and CSS; icons) change only with a
//! deploy, so they are read once at start-up, compressed once with brotli and gzip, and served
//! from memory: per-request file IO would go through the blocking pool and cost several times
//! the throughput (see `../shared/toolchain.md`).

use std::{
    collections::HashMap,
    hash::{DefaultHasher, Hash, Hasher},
    path::{Path, PathBuf},
};

use anyhow::Context;
use app::foundation::db::Pool;

use crate::compression::Encoded;
use axum::{
    body::{Body, Bytes},
    extract::Request,
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::Response,
};

/// Cache lifetime of files whose names carry a content hash.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache policy of files that keep their name across deploys: revalidate with the ETag.
const REVALIDATE: &str = "public, max-age=0, must-revalidate";

/// Every file of the built site, by URL path (`/pkg/aqxc.abc123.js`).
#[derive(Default)]
pub struct AssetStore {
    files: HashMap<String, Asset>,
    /// Whether `/pkg/` files carry a content hash in their names (a `hash-files` build).
    hashed_pkg: bool,
    /// Names this build's files: a digest of every path and content.
    version: String,
}

struct Asset {
    content_type: HeaderValue,
    cache_control: &'static str,
    etag: HeaderValue,
    body: Encoded,
}

impl AssetStore {
    /// Reads every file under `site_root`. A missing folder gives an empty store: the pages
    /// still render, which is what tests and a first `cargo run` need.
    pub fn load(site_root: &Path, hashed_pkg: bool) -> anyhow::Result<Self> {
        let mut files = HashMap::new();
        if !site_root.is_dir() {
            return Ok(Self {
                files,
                hashed_pkg,
                version: version_of(&HashMap::new()),
            });
        }
        for path in files_under(site_root)? {
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let relative = path.strip_prefix(site_root).unwrap_or(&path);
            let url = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            let hashed = hashed_pkg && url.starts_with("/pkg/");
            files.insert(url.clone(), Asset::new(&url, bytes, hashed)?);
        }
        let version = version_of(&files);
        Ok(Self {
            files,
            hashed_pkg,
            version,
        })
    }

    /// Whether `/pkg/` files carry a content hash in their names, so that a kept copy of one
    /// is never stale.
    pub fn hashed_pkg(&self) -> bool {
        self.hashed_pkg
    }

    /// A short name for this build's site files, which changes whenever any of them does.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Puts this build's hashed files where instances of other builds find them, and forgets
    /// those no build has published for a week (an instance that old has long been replaced).
    pub async fn publish(&self, pool: &Pool, now: i64) -> sqlx::Result<usize> {
        let mut published = 0;
        for (path, asset) in &self.files {
            if asset.cache_control != IMMUTABLE {
                continue;
            }
            sqlx::query(
                "INSERT INTO published_assets (path, content_type, body, published_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (path) DO UPDATE SET published_at = excluded.published_at",
            )
            .bind(path)
            .bind(
                asset
                    .content_type
                    .to_str()
                    .unwrap_or("application/octet-stream"),
            )
            .bind(asset.body.identity.as_ref())
            .bind(now)
            .execute(pool)
            .await?;
            published += 1;
        }
        sqlx::query("DELETE FROM published_assets WHERE published_at < $1")
            .bind(now - 7 * 86_400)
            .execute(pool)
            .await?;
        Ok(published)
    }

    /// A hashed file this build does not have, from another build (see [`Self::publish`]).
    pub async fn respond_from_other_builds(
        pool: &Pool,
        method: &Method,
        path: &str,
    ) -> Option<Response> {
        if method != Method::GET || !path.starts_with("/pkg/") {
            return None;
        }
        let found: Option<(String, Vec<u8>)> =
            sqlx::query_as("SELECT content_type, body FROM published_assets WHERE path = $1")
                .bind(path)
                .fetch_optional(pool)
                .await
                .inspect_err(|error| tracing::warn!(%error, path, "reading a published asset"))
                .ok()?;
        let (content_type, body) = found?;
        Response::builder()
            .header(header::CONTENT_TYPE, content_type)
            .header(header::CACHE_CONTROL, IMMUTABLE)
            .body(Body::from(body))
            .ok()
    }

    /// The response for a GET or HEAD of a known file; `None` for anything else.
    pub fn respond(&self, request: &Request) -> Option<Response> {
        if request.method() != Method::GET && request.method() != Method::HEAD {
            return None;
        }
        let asset = self.files.get(request.uri().path())?;
        Some(asset.respond(request.headers(), request.method() == Method::HEAD))
    }
}

impl Asset {
    fn new(url: &str, identity: Vec<u8>, hashed: bool) -> anyhow::Result<Self> {
        let mime = mime_guess::from_path(url).first_or_octet_stream();
        let text_like = mime.type_() == "text"
            || matches!(
                mime.subtype().as_str(),
                "javascript" | "json" | "xml" | "svg" | "wasm"
            );
        let content_type = if mime.type_() == "text" || mime.subtype() == "javascript" {
            format!("{mime}; charset=utf-8")
        } else {
            mime.to_string()
        };
        let mut hasher = DefaultHasher::new();
        identity.hash(&mut hasher);
        Ok(Self {
            content_type: HeaderValue::from_str(&content_type)?,
            cache_control: if hashed { IMMUTABLE } else { REVALIDATE },
            etag: HeaderValue::from_str(&format!("\"{:016x}\"", hasher.finish()))?,
            body: Encoded::best(Bytes::from(identity), text_like)?,
        })
    }

    fn respond(&self, request_headers: &HeaderMap, head_only: bool) -> Response {
        let not_modified = request_headers
            .get(header::IF_NONE_MATCH)
            .is_some_and(|tag| tag.as_bytes() == self.etag.as_bytes());
        let (body, encoding) = self.body.pick(request_headers);

        let mut response = Response::builder()
            .header(header::CONTENT_TYPE, self.content_type.clone())
            .header(header::CACHE_CONTROL, self.cache_control)
            .header(header::ETAG, self.etag.clone())
            .header(header::VARY, "accept-encoding");
        if let Some(content_encoding) = encoding.header_value() {
            response = response.header(header::CONTENT_ENCODING, content_encoding);
        }
        let (status, body) = if not_modified {
            (StatusCode::NOT_MODIFIED, Body::empty())
        } else if head_only {
            response = response.header(header::CONTENT_LENGTH, body.len());
            (StatusCode::OK, Body::empty())
        } else {
            (StatusCode::OK, Body::from(body))
        };
        response.status(status).body(body).unwrap_or_else(|_| {
            let mut fallback = Response::new(Body::empty());
            *fallback.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
    }
}

/// Twelve hex digits of the SHA-256 of every file's path and entity tag, in path order, with
/// the server's own version (a new binary with the same files is a new build too).
fn version_of(files: &HashMap<String, Asset>) -> String {
    use sha2::{Digest, Sha256};
    let mut paths: Vec<&String> = files.keys().collect();
    paths.sort();
    let mut digest = Sha256::new();
    digest.update(env!("CARGO_PKG_VERSION").as_bytes());
    for path in paths {
        digest.update([0]);
        digest.update(path.as_bytes());
        digest.update(files[path].etag.as_bytes());
    }
    digest.finalize()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn files_under(folder: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_forms_round_trip() {
        let text = "安全生产，人人有责。".repeat(100).into_bytes();
        let asset = Asset::new("/pkg/app.css", text.clone(), true).unwrap();
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut asset.body.brotli.as_deref().unwrap(), &mut decoded).unwrap();
        assert_eq!(decoded, text);
        assert_eq!(asset.cache_control, IMMUTABLE);
        assert_eq!(asset.content_type, "text/css; charset=utf-8");
    }
}
