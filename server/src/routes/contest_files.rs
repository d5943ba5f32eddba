//! Files of the contest: each contest's QR code (for posters), a passed attempt's certificate
//! (an SVG image, and a PNG picture to save and share; its code is checked at
//! `/contest/certificate`), and the staff's CSV export of a contest's attempts.

use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use app::{
    contest::{admin::CONTEST_OFFICERS, store},
    foundation::access::CurrentStaff,
    foundation::clock,
};
use domain::inspections::registry::csv_line;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/contest/{id}/qr.svg", get(qr))
        .route("/contest/certificate/{file}", get(certificate))
        .route("/admin/contests/{id}/export.csv", get(export))
}

/// SVG answers carry no script and may load nothing.
fn svg(body: String, cache: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, cache),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
        ],
        body,
    )
        .into_response()
}

fn unavailable(error: sqlx::Error) -> Response {
    tracing::error!(%error, "a contest file failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, RETRY_AFTER_SECS)],
        "暂时无法生成，请稍后再试",
    )
        .into_response()
}

/// A portal path as it is printed on a certificate: absolute when the public origin is
/// configured, root-relative otherwise (the certificate's code is printed beside it).
fn printed(state: &AppState, path: &str) -> String {
    format!("{}{path}", super::public_root(state))
}

/// What a contest's QR code answers when `AQXC_PUBLIC_ORIGIN` is not set. A QR code is printed
/// on posters and scanned by phones far from the server, so only an absolute URL is of any use,
/// and the request's `Host` header (the visitor's choice) must not supply it. Staff see why in
/// place of the image (browsers show an SVG even with an error status).
fn qr_needs_origin() -> Response {
    let message = "站点未配置公开地址（AQXC_PUBLIC_ORIGIN），无法生成二维码";
    let mut response = svg(
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240" role="img" aria-label="{message}">
<rect width="240" height="240" fill="#fff" stroke="#b3261e" stroke-width="2"/>
<g font-family="'Noto Sans CJK SC',sans-serif" font-size="14" fill="#1a1a1a" text-anchor="middle">
<text x="120" y="100">站点未配置公开地址</text>
<text x="120" y="124">（AQXC_PUBLIC_ORIGIN）</text>
<text x="120" y="148">无法生成二维码</text>
</g></svg>"##
        ),
        "no-store",
    );
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    response
}

async fn qr(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match store::contest(&state.pool, id).await {
        Ok(Some(_)) => {}
        Ok(None) => return (StatusCode::NOT_FOUND, "没有这个竞赛").into_response(),
        Err(error) => return unavailable(error),
    }
    if state.public_origin.is_none() {
        return qr_needs_origin();
    }
    let url = printed(&state, &format!("/contest/{id}"));
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => svg(
            code.render::<qrcode::render::svg::Color>()
                .min_dimensions(240, 240)
                .quiet_zone(true)
                .build(),
            "public, max-age=3600",
        ),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "二维码生成失败").into_response(),
    }
}

/// What a certificate says, from its stored record.
fn facts_of<'a>(
    info: &'a app::contest::CertificateInfo,
    date: &'a str,
    verify_url: &'a str,
) -> crate::certificate::Facts<'a> {
    crate::certificate::Facts {
        name: &info.nickname,
        contest: &info.contest_title,
        score: info.score,
        date,
        code: &info.code,
        verify_url,
    }
}

/// A passed attempt's certificate: `{code}.svg` (the result page shows it) or `{code}.png`
/// (the picture a phone saves and shares, with a QR code to the verification page).
async fn certificate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let Some((code, kind)) = file.rsplit_once('.') else {
        return (StatusCode::NOT_FOUND, "没有这个证书").into_response();
    };
    if kind != "svg" && kind != "png" {
        return (StatusCode::NOT_FOUND, "没有这个证书").into_response();
    }
    let info = match store::certificate(&state.pool, &code.to_uppercase()).await {
        Ok(Some(info)) => info,
        Ok(None) => return (StatusCode::NOT_FOUND, "没有这个证书").into_response(),
        Err(error) => return unavailable(error),
    };
    let verify = printed(&state, &format!("/contest/certificate?code={}", info.code));
    let date = clock::format_beijing(info.submitted_at)[..10].to_string();
    if kind == "svg" {
        let facts = facts_of(&info, &date, &verify);
        return svg(crate::certificate::svg(&facts), "private, max-age=3600");
    }
    picture(&state, &headers, facts_of(&info, &date, &verify)).await
}

/// Seconds a phone is asked to wait when every drawing slot (or the database) is busy.
const RETRY_AFTER_SECS: &str = "3";

/// The certificate picture: not sent again to a phone that has it (its `ETag`), drawn at most
/// once while kept, and refused for now (503, `Retry-After`) when every drawing slot is busy.
async fn picture(
    state: &AppState,
    headers: &HeaderMap,
    facts: crate::certificate::Facts<'_>,
) -> Response {
    use crate::certificate::pictures::Refusal;
    if !state.pictures.has_font() {
        return no_font();
    }
    let order = state.pictures.order(&facts);
    // Shown inline; the result page's link names the saved file (证书-{code}.png). Private: it
    // carries a participant's name.
    let cache = (header::CACHE_CONTROL, "private, max-age=3600");
    if already_has(headers, &order.etag) {
        let etag = (header::ETAG, order.etag);
        return (StatusCode::NOT_MODIFIED, [cache], [etag]).into_response();
    }
    match state.pictures.picture(facts.code, order).await {
        Ok(picture) => (
            [cache, (header::CONTENT_TYPE, "image/png")],
            [(header::ETAG, picture.etag)],
            picture.png,
        )
            .into_response(),
        Err(Refusal::Busy) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, RETRY_AFTER_SECS)],
            "证书图片正在生成的人较多，请几秒后再试",
        )
            .into_response(),
        Err(Refusal::Picture(crate::certificate::PictureError::NoFont)) => no_font(),
        Err(error) => {
            tracing::error!(%error, "a certificate picture failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "证书图片生成失败").into_response()
        }
    }
}

fn no_font() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "证书图片暂时无法生成（服务器缺少中文字体），请先保存 SVG 格式的证书",
    )
        .into_response()
}

/// Whether the request's `If-None-Match` names this entity tag (or `*`).
fn already_has(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

async fn export(
    State(state): State<AppState>,
    axum::Extension(CurrentStaff(staff)): axum::Extension<CurrentStaff>,
    Path(file): Path<String>,
) -> Response {
    match staff {
        None => return (StatusCode::UNAUTHORIZED, "请先登录").into_response(),
        Some(staff) if !staff.has_any(CONTEST_OFFICERS) => {
            return (StatusCode::FORBIDDEN, "您没有导出竞赛记录的权限").into_response();
        }
        Some(_) => {}
    }
    let Ok(id) = file.parse::<i64>() else {
        return (StatusCode::NOT_FOUND, "没有这个竞赛").into_response();
    };
    let rows = match store::submitted(&state.pool, id).await {
        Ok(rows) => rows,
        Err(error) => return unavailable(error),
    };
    let mut csv = String::from('\u{feff}');
    csv.push_str(&csv_line(
        &[
            "昵称",
            "镇街",
            "单位",
            "得分",
            "用时（秒）",
            "交卷时间",
            "答题过快",
            "超时",
        ]
        .map(String::from),
    ));
    for (nickname, town, employer, score, elapsed, at, fast, late, _) in rows {
        let yes = |b: bool| if b { "是" } else { "否" }.to_string();
        csv.push_str(&csv_line(&[
            nickname,
            town,
            employer,
            score.to_string(),
            elapsed.to_string(),
            clock::format_beijing(at),
            yes(fast),
            yes(late),
        ]));
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"contest-{id}.csv\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        csv,
    )
        .into_response()
}
