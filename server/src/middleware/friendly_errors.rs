use axum::{
    extract::Request,
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// A browser that posted a form too large, malformed or forged would otherwise get a bare
/// status line; it gets a page in Chinese instead, with the same status. Scripts (which do not
/// ask for HTML) keep the plain answer they can parse.
pub async fn explain(request: Request, next: Next) -> Response {
    let wants_html = super::wants_html(request.headers());
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.starts_with("text/html"));
    if !wants_html || is_html {
        return response;
    }
    let status = response.status();
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "提交的内容过大，超过了允许的上限。请减少内容后重试。",
        StatusCode::BAD_REQUEST
        | StatusCode::UNPROCESSABLE_ENTITY
        | StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "请求的格式不正确，服务器无法处理。请返回上一页重试。"
        }
        StatusCode::FORBIDDEN => "请求来源无法确认（可能页面已过期）。请返回上一页，刷新后重试。",
        StatusCode::UNAUTHORIZED => "请先登录。",
        StatusCode::METHOD_NOT_ALLOWED => "不支持此请求方式。",
        _ => return response,
    };
    let page = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>无法完成请求 - 开平市应急管理局</title></head>\
         <body><main><h1>无法完成请求</h1><p>{message}</p>\
         </main></body></html>"
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}
