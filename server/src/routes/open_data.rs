//! Open data (`/api/v1/…`), versioned and documented in the README: the draws, each draw's
//! record (the commitment; after the reveal also the snapshot and the list), the published
//! results as JSON and CSV, the check items and the draw log. Public fields only.

use std::{io::Write, sync::Arc};

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde_json::json;

use app::inspections::{open_data, store};
use app::memo::{DrawKey, PreparedRecord};

use crate::{compression::Encoded, state::AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/draws", get(draws))
        .route("/api/v1/draws/{id}", get(draw))
        .route("/api/v1/results.json", get(results_json))
        .route("/api/v1/results.csv", get(results_csv))
        .route("/api/v1/check-items", get(check_items))
        .route("/api/v1/log", get(log))
        .route("/api/v1/inspectors.json", get(inspectors_json))
        .route("/api/v1/inspectors.csv", get(inspectors_csv))
        .route("/api/v1/documents", get(documents))
}

fn unavailable(error: sqlx::Error) -> Response {
    tracing::error!(%error, "reading open data failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({ "error": "暂时无法读取，请稍后再试" })),
    )
        .into_response()
}

/// Open data changes only when staff act; a short cache keeps it fresh enough.
fn cached(response: impl IntoResponse) -> Response {
    ([(header::CACHE_CONTROL, "public, max-age=60")], response).into_response()
}

/// A CSV download (UTF-8 with a BOM, as the renderings write it).
fn csv_file(name: &str, body: String) -> Response {
    cached((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    ))
}

async fn draws(State(state): State<AppState>) -> Response {
    match store::list_draws(&state.pool).await {
        Ok(draws) => cached(Json(open_data::draw_index(draws, |path| {
            state.site.href(path)
        }))),
        Err(error) => unavailable(error),
    }
}

async fn draw(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let id = id.trim_end_matches(".json");
    let Ok(id) = id.parse::<i64>() else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "没有这个抽查任务" })),
        )
            .into_response();
    };
    match prepared_record(&state, id).await {
        Ok(Some(Ok(record))) => cached(encoded_json(&record, &headers)),
        Ok(Some(Err(status))) => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "这次任务尚未抽签，还没有可公开的记录", "status": status })),
        )
            .into_response(),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "没有这个抽查任务" })),
        )
            .into_response(),
        Err(error) => unavailable(error),
    }
}

/// The record in the best form the client accepts, sent from the shared bytes (no copy).
fn encoded_json(record: &PreparedRecord, headers: &HeaderMap) -> Response {
    let shared = |bytes: &Arc<[u8]>| Bytes::from_owner(bytes.clone());
    let forms = Encoded {
        identity: shared(&record.identity),
        gzip: record.gzip.as_ref().map(shared),
        brotli: record.brotli.as_ref().map(shared),
    };
    let (body, encoding) = forms.pick(headers);
    let mut response = (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::VARY, "accept-encoding"),
        ],
        body,
    )
        .into_response();
    if let Some(value) = encoding.header_value() {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(value));
    }
    response
}

/// A draw's record, serialized and compressed once per version of the draw (25 MB of JSON for
/// 100,000 enterprises); `Err(status)` before there is a record to publish.
async fn prepared_record(
    state: &AppState,
    id: i64,
) -> sqlx::Result<Option<Result<Arc<PreparedRecord>, String>>> {
    let Some((key, draw)) = store::find_draw_memo(&state.pool, &state.memos, id).await? else {
        return Ok(None);
    };
    let current = |kept: &Arc<PreparedRecord>| kept.version == key;
    if let Some(record) = state.memos.records.get_if(&id, current) {
        return Ok(Some(Ok(record)));
    }
    if draw.commitment().is_none() {
        return Ok(Some(Err(draw.status.as_str().to_string())));
    }
    let _turn = state.memos.loading.lock().await;
    // Another request may have prepared it while this one waited.
    if let Some(record) = state.memos.records.get_if(&id, current) {
        return Ok(Some(Ok(record)));
    }
    // Serializing and compressing megabytes is CPU work: off the async threads.
    let version = key.clone();
    let prepared = tokio::task::spawn_blocking(move || prepare(&draw, version))
        .await
        .map_err(|e| sqlx::Error::Protocol(format!("preparing a record: {e}")))?
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let prepared = Arc::new(prepared);
    state.memos.records.put(id, prepared.clone());
    Ok(Some(Ok(prepared)))
}

/// Brotli quality 5 and gzip level 6: a few times smaller than the JSON at tens of megabytes a
/// second, where the highest levels would take a minute for a large registry's record.
const BROTLI_QUALITY: i32 = 5;
const GZIP_LEVEL: u32 = 6;

/// The record as JSON, and its brotli and gzip forms.
fn prepare(draw: &store::StoredDraw, version: DrawKey) -> std::io::Result<PreparedRecord> {
    let record = draw
        .record()
        .ok_or_else(|| std::io::Error::other("the draw has no record yet"))?;
    let identity = serde_json::to_vec(&record).map_err(std::io::Error::other)?;
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(GZIP_LEVEL));
    gzip.write_all(&identity)?;
    let gzip = gzip.finish()?;
    let mut brotli = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &identity[..], &mut brotli, &params)?;
    Ok(PreparedRecord {
        version,
        identity: identity.into(),
        gzip: Some(gzip.into()),
        brotli: Some(brotli.into()),
    })
}

async fn results_json(State(state): State<AppState>) -> Response {
    match store::published_results(&state.pool).await {
        Ok(results) => cached(Json(
            json!({ "version": open_data::VERSION, "results": results }),
        )),
        Err(error) => unavailable(error),
    }
}

async fn results_csv(State(state): State<AppState>) -> Response {
    match store::published_results(&state.pool).await {
        Ok(results) => csv_file("results.csv", open_data::results_csv(&results)),
        Err(error) => unavailable(error),
    }
}

async fn check_items(State(state): State<AppState>) -> Response {
    match store::check_items(&state.pool).await {
        Ok(items) => cached(Json(
            json!({ "version": open_data::VERSION, "items": items }),
        )),
        Err(error) => unavailable(error),
    }
}

async fn log(State(state): State<AppState>) -> Response {
    match store::log(&state.pool).await {
        Ok(entries) => {
            let intact = domain::inspections::chain::verify_chain(&entries).is_ok();
            cached(Json(json!({
                "version": open_data::VERSION,
                "genesis": domain::inspections::chain::GENESIS,
                "intact": intact,
                "entries": entries,
            })))
        }
        Err(error) => unavailable(error),
    }
}

async fn inspectors_json(State(state): State<AppState>) -> Response {
    match store::public_inspectors(&state.pool).await {
        Ok(inspectors) => cached(Json(
            json!({ "version": open_data::VERSION, "inspectors": inspectors }),
        )),
        Err(error) => unavailable(error),
    }
}

async fn inspectors_csv(State(state): State<AppState>) -> Response {
    match store::public_inspectors(&state.pool).await {
        Ok(inspectors) => csv_file("inspectors.csv", open_data::inspectors_csv(&inspectors)),
        Err(error) => unavailable(error),
    }
}

/// The yearly plan and the implementation rules, as published (staff write them as articles).
async fn documents(State(state): State<AppState>) -> Response {
    let now = app::foundation::clock::now();
    let mut documents = Vec::new();
    for (key, slug, label) in app::inspections::DOCUMENTS {
        match app::articles::store::find(&state.pool, slug, now).await {
            Ok(Some(article)) => documents.push(json!({
                "key": key,
                "label": label,
                "title": article.summary.title,
                "published_at": article.summary.published_at,
                "page": state.site.href(&format!("/articles/{slug}")),
                "html": article.body_html,
            })),
            Ok(None) => {}
            Err(error) => return unavailable(error),
        }
    }
    cached(Json(
        json!({ "version": open_data::VERSION, "documents": documents }),
    ))
}
