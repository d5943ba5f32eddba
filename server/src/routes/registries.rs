//! The registries' private files in the staff area: CSV import (a plain multipart form) and
//! export, and a draw's sealed conflict declarations opened for an auditor. An import is all or
//! nothing: its report (every bad row, by line) is stored and shown on the page the officer is
//! sent back to.

use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};

use app::{
    foundation::access::CurrentStaff,
    foundation::audit::{self, Actor, Event},
    foundation::clock,
    foundation::request::ClientIp,
    inspections::{admin::OFFICERS, store},
    staff::Staff,
};
use domain::inspections::registry;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/inspections/import/{kind}",
            post(import).layer(DefaultBodyLimit::disable()),
        )
        .route("/admin/inspections/export/{file}", get(export))
        .route(
            "/admin/inspections/draws/{id}/declarations.json",
            get(declarations),
        )
}

/// The signed-in inspection officer, or the refusal to send.
fn officer(staff: Option<Staff>) -> Result<Staff, (StatusCode, &'static str)> {
    match staff {
        None => Err((StatusCode::UNAUTHORIZED, "请先登录")),
        Some(staff) if !staff.has_any(OFFICERS) => {
            Err((StatusCode::FORBIDDEN, "您没有管理名录库的权限"))
        }
        Some(staff) => Ok(staff),
    }
}

async fn import(
    State(state): State<AppState>,
    axum::Extension(CurrentStaff(staff)): axum::Extension<CurrentStaff>,
    axum::Extension(ClientIp(client_ip)): axum::Extension<ClientIp>,
    Path(kind): Path<String>,
    mut form: Multipart,
) -> Response {
    let staff = match officer(staff) {
        Ok(staff) => staff,
        Err(refusal) => return refusal.into_response(),
    };
    if kind != "enterprises" && kind != "inspectors" {
        return (StatusCode::NOT_FOUND, "没有这个名录").into_response();
    }
    let mut file = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field
                    .file_name()
                    .unwrap_or("")
                    .chars()
                    .take(100)
                    .collect::<String>();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes)),
                    Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "文件太大").into_response(),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                return (StatusCode::BAD_REQUEST, "上传的表单不完整，请重新选择文件")
                    .into_response();
            }
        }
    }
    let (file_name, bytes) = file.unwrap_or_default();
    let now = clock::now();
    let outcome = match std::str::from_utf8(&bytes) {
        _ if bytes.is_empty() => Err(vec!["没有选择文件，或文件是空的".to_string()]),
        Err(_) => Err(vec![
            "文件不是 UTF-8 编码：请在表格软件中另存为“CSV UTF-8”".to_string(),
        ]),
        Ok(text) => import_text(&state, &kind, text, now).await,
    };
    let (inserted, updated, errors) = match outcome {
        Ok((inserted, updated)) => (inserted, updated, Vec::new()),
        Err(errors) => (0, 0, errors),
    };
    let record = store::ImportRecord {
        kind: &kind,
        file_name: &file_name,
        staff_id: staff.id,
        inserted,
        updated,
        errors: &errors,
    };
    let stored = store::record_import(&state.pool, record, now).await;
    let id = match stored {
        Ok(id) => id,
        Err(error) => {
            tracing::error!(%error, "storing an import report failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "暂时无法导入，请稍后再试").into_response();
        }
    };
    let detail = if errors.is_empty() {
        format!("{file_name}：新增 {inserted}，更新 {updated}")
    } else {
        format!("{file_name}：{} 处问题，未导入", errors.len())
    };
    let event = Event {
        actor: Actor::Staff(&staff),
        action: if kind == "enterprises" {
            app::foundation::audit::Action::EnterprisesImported
        } else {
            app::foundation::audit::Action::InspectorsImported
        },
        target: &kind,
        detail: &detail,
        client_ip: &client_ip,
    };
    if let Err(error) = audit::record(&state.pool, event, now).await {
        tracing::error!(%error, "auditing an import failed");
    }
    Redirect::to(&state.site.href(&format!("/admin/inspections?import={id}"))).into_response()
}

/// Parses and imports a whole file, or returns every problem.
pub async fn import_text(
    state: &AppState,
    kind: &str,
    text: &str,
    now: i64,
) -> Result<(usize, usize), Vec<String>> {
    let to_messages = |errors: Vec<registry::RowError>| -> Vec<String> {
        errors.iter().map(ToString::to_string).collect()
    };
    let stored = if kind == "enterprises" {
        let rows = registry::parse_enterprises(text).map_err(to_messages)?;
        store::import_enterprises(&state.pool, &rows, now).await
    } else {
        let rows = registry::parse_inspectors(text).map_err(to_messages)?;
        store::import_inspectors(&state.pool, &rows, now).await
    };
    match stored {
        Ok(count) => Ok((count.inserted, count.updated)),
        Err(error) => {
            tracing::error!(%error, "importing a registry failed");
            Err(vec!["保存时出错，没有导入任何一条，请稍后再试".to_string()])
        }
    }
}

async fn export(
    State(state): State<AppState>,
    axum::Extension(CurrentStaff(staff)): axum::Extension<CurrentStaff>,
    Path(file): Path<String>,
) -> Response {
    if let Err(refusal) = officer(staff) {
        return refusal.into_response();
    }
    let body = match file.as_str() {
        "enterprises.csv" => store::all_enterprises(&state.pool)
            .await
            .map(|rows| registry::enterprises_csv(&rows)),
        "inspectors.csv" => store::all_inspectors(&state.pool)
            .await
            .map(|rows| registry::inspectors_csv(&rows)),
        _ => return (StatusCode::NOT_FOUND, "没有这个名录").into_response(),
    };
    match body {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}\""),
                ),
                // Personal data: never kept by a shared cache.
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            format!("\u{feff}{csv}"),
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "exporting a registry failed");
            (StatusCode::SERVICE_UNAVAILABLE, "暂时无法导出，请稍后再试").into_response()
        }
    }
}

/// Every declared conflict of a draw, opened: what an auditor checks against the digests sealed
/// in its snapshot (`server draw verify RECORD --declarations FILE`). The public record opens
/// only those about selected enterprises.
async fn declarations(
    State(state): State<AppState>,
    axum::Extension(CurrentStaff(staff)): axum::Extension<CurrentStaff>,
    axum::Extension(ClientIp(client_ip)): axum::Extension<ClientIp>,
    Path(id): Path<i64>,
) -> Response {
    let staff = match officer(staff) {
        Ok(staff) => staff,
        Err(refusal) => return refusal.into_response(),
    };
    let draw = match store::find_draw(&state.pool, id).await {
        Ok(Some(draw)) => draw,
        Ok(None) => return (StatusCode::NOT_FOUND, "没有这次抽查任务").into_response(),
        Err(error) => {
            tracing::error!(%error, "reading a draw failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "暂时无法读取，请稍后再试").into_response();
        }
    };
    let file = domain::inspections::conflict::AuditorFile {
        format: domain::inspections::conflict::AUDITOR_FORMAT.into(),
        draw_id: draw.id,
        snapshot_digest: draw.snapshot_digest.clone(),
        openings: draw.openings.clone(),
    };
    let event = Event {
        actor: Actor::Staff(&staff),
        action: app::foundation::audit::Action::DeclarationsExported,
        target: &format!("draw:{id}"),
        detail: &format!("{} 条", file.openings.len()),
        client_ip: &client_ip,
    };
    if let Err(error) = audit::record(&state.pool, event, clock::now()).await {
        tracing::error!(%error, "auditing an export failed");
        return (StatusCode::SERVICE_UNAVAILABLE, "暂时无法导出，请稍后再试").into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"draw-{id}-declarations.json\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        serde_json::to_string_pretty(&file).unwrap_or_default(),
    )
        .into_response()
}
