//! Files of the contest: each contest's QR code (for posters), a passed attempt's certificate
//! (an SVG image the participant saves; its code is checked at `/contest/certificate`), and the
//! staff's CSV export of a contest's attempts.

use axum::{
    Router,
    extract::{Path, State},
    http::{StatusCode, header},
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
    (StatusCode::SERVICE_UNAVAILABLE, "暂时无法生成，请稍后再试").into_response()
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

fn xml(text: &str) -> String {
    app::foundation::html::escape(text)
}

async fn certificate(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(code) = file.strip_suffix(".svg") else {
        return (StatusCode::NOT_FOUND, "没有这个证书").into_response();
    };
    let info = match store::certificate(&state.pool, &code.to_uppercase()).await {
        Ok(Some(info)) => info,
        Ok(None) => return (StatusCode::NOT_FOUND, "没有这个证书").into_response(),
        Err(error) => return unavailable(error),
    };
    let verify = printed(&state, &format!("/contest/certificate?code={}", info.code));
    let date = &clock::format_beijing(info.submitted_at)[..10];
    let body = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="424" viewBox="0 0 600 424" role="img" aria-label="竞赛证书">
<rect width="600" height="424" fill="#fffaf3"/>
<rect x="14" y="14" width="572" height="396" fill="none" stroke="#b3261e" stroke-width="6"/>
<rect x="26" y="26" width="548" height="372" fill="none" stroke="#b3261e" stroke-width="1.5"/>
<g font-family="'Noto Serif CJK SC','Noto Sans CJK SC','Source Han Serif SC',serif" fill="#1a1a1a" text-anchor="middle">
<text x="300" y="92" font-size="40" fill="#b3261e" font-weight="700">荣 誉 证 书</text>
<text x="300" y="150" font-size="26" font-weight="700">{name}</text>
<text x="300" y="196" font-size="17">在“{title}”中</text>
<text x="300" y="228" font-size="17">以 {score} 分的成绩通过考核，特发此证。</text>
<text x="300" y="290" font-size="17">开平市应急管理局</text>
<text x="300" y="316" font-size="15">{date}</text>
<text x="300" y="362" font-size="13" fill="#4a4a4a">验证码 {code}</text>
<text x="300" y="384" font-size="11" fill="#4a4a4a">{verify}</text>
</g></svg>"##,
        name = xml(&info.nickname),
        title = xml(&info.contest_title),
        score = info.score,
        code = xml(&info.code),
        verify = xml(&verify),
    );
    svg(body, "private, max-age=3600")
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
