use std::any::Any;

use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

/// The answer when a handler panics: the error page, never the panic's message (which goes to
/// the log, where the operator can read it).
pub fn error_page(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = detail, "a request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        ERROR_HTML,
    )
        .into_response()
}

const ERROR_HTML: &str = r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>页面出错了 - 开平市应急管理局</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.7;color:#1a1a1a">
<h1>页面出错了</h1>
<p>服务器暂时无法完成您的请求，请稍后再试。</p>
<p>如需帮助，请拨打安全生产举报投诉电话 12350。</p>
</body></html>"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_500_page_that_does_not_show_the_panic() {
        let response = error_page(Box::new("secret detail".to_string()));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!ERROR_HTML.contains("secret"));
        assert!(ERROR_HTML.contains("页面出错了"));
    }
}
