//! Images for articles: staff upload them with a plain form, the public reads them.
//!
//! An upload is accepted only if its bytes are a PNG, JPEG, GIF or WebP image (whatever its
//! name or declared type says) and not larger than the limit. It is stored under the hash of
//! its content, so a name can never be chosen by the uploader, and served with its true type
//! under `nosniff`, as an image only (no SVG: it can carry script).

use std::path::PathBuf;

use axum::{
    Router,
    body::Body,
    extract::{DefaultBodyLimit, Multipart, Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use sha2::{Digest, Sha256};

use app::{
    foundation::access::CurrentStaff,
    foundation::audit::{self, Actor, Event},
    foundation::clock,
    foundation::request::ClientIp,
};

use crate::state::AppState;

/// Where uploads live and how large they may be.
#[derive(Clone, Debug)]
pub struct Uploads {
    pub dir: PathBuf,
    pub max_bytes: usize,
}

/// Uploading (staff) and serving (everyone). The upload's size limit is set by
/// [`crate::middleware::body_limit`].
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            crate::middleware::body_limit::UPLOAD_PATH,
            post(upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/uploads/{name}", get(serve))
}

/// The image kinds accepted, recognised by their first bytes.
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("png", "image/png"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("jpg", "image/jpeg"))
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(("gif", "image/gif"))
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(("webp", "image/webp"))
    } else {
        None
    }
}

fn back(headers: &HeaderMap, query: &str) -> Response {
    let referer = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // Back to the editor the form was on (same site only), with the outcome in the query.
    let path = referer
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|at| &rest[at..]))
        .map(|path| path.split(['?', '#']).next().unwrap_or(path))
        .filter(|path| path.contains("/admin/articles/"))
        .unwrap_or("/admin/articles");
    Redirect::to(&format!("{path}?{query}")).into_response()
}

async fn upload(
    State(state): State<AppState>,
    axum::Extension(CurrentStaff(staff)): axum::Extension<CurrentStaff>,
    axum::Extension(ClientIp(client_ip)): axum::Extension<ClientIp>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let Some(staff) = staff else {
        return (StatusCode::UNAUTHORIZED, "请先登录").into_response();
    };
    if !staff.has_any(app::articles::admin::WRITERS) {
        return (StatusCode::FORBIDDEN, "您没有上传图片的权限").into_response();
    }
    let mut file = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(bytes) => file = Some(bytes),
                Err(_) => return back(&headers, "upload_error=too_large"),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return back(&headers, "upload_error=too_large"),
        }
    }
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        return back(&headers, "upload_error=missing");
    };
    if bytes.len() > state.uploads.max_bytes {
        return back(&headers, "upload_error=too_large");
    }
    let Some((extension, _)) = sniff(&bytes) else {
        return back(&headers, "upload_error=not_image");
    };
    let digest = Sha256::digest(&bytes);
    let name = format!(
        "{}.{extension}",
        digest
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    // Written under a hidden name and renamed, so a half-written image is never served or
    // backed up.
    let written = async {
        tokio::fs::create_dir_all(&state.uploads.dir).await?;
        let partial = state.uploads.dir.join(format!(".{name}.partial"));
        tokio::fs::write(&partial, &bytes).await?;
        tokio::fs::rename(&partial, state.uploads.dir.join(&name)).await
    };
    if let Err(error) = written.await {
        tracing::error!(%error, "storing an upload failed");
        return back(&headers, "upload_error=storage");
    }
    let event = Event {
        actor: Actor::Staff(&staff),
        action: app::foundation::audit::Action::ImageUploaded,
        target: &name,
        detail: "",
        client_ip: &client_ip,
    };
    if let Err(error) = audit::record(&state.pool, event, clock::now()).await {
        tracing::error!(%error, "auditing an upload failed");
    }
    back(
        &headers,
        &format!("uploaded={}", state.site.href(&format!("/uploads/{name}"))),
    )
}

async fn serve(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let Some((stem, extension)) = name.split_once('.') else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let content_type = match extension {
        "png" => "image/png",
        "jpg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    if stem.len() != 32
        || !stem
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    match tokio::fs::read(state.uploads.dir.join(&name)).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (header::CONTENT_DISPOSITION, "inline"),
            ],
            Body::from(bytes),
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn images_are_recognised_by_their_bytes_not_their_names() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....").map(|k| k.0), Some("png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).map(|k| k.0), Some("jpg"));
        assert_eq!(sniff(b"GIF89a...").map(|k| k.0), Some("gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").map(|k| k.0), Some("webp"));
        assert_eq!(sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff(b"<?php echo 1; ?>"), None);
    }
}
