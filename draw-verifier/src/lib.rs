//! "Verify this draw" for the public. On a revealed draw's page it fetches the draw's open-data
//! record (`/api/v1/draws/{id}`, the same file anyone can download), re-runs the selection with
//! the very code the server drew with (`domain::inspections`), and shows every check and step.
//!
//! It is its own small bundle, not an island: the islands bundle is loaded by every page, and
//! only revealed draw pages need the draw code.

use domain::{
    html::escape,
    inspections::record::{self, DrawRecord, Report},
};
use wasm_bindgen::{JsCast, prelude::*};

/// Most steps listed on the page; the count of the rest is given.
const STEPS_SHOWN: usize = 200;

/// Wires the button inside `#draw-verifier` (which carries the record's URL in
/// `data-record`). Pages without it are left alone.
#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return Ok(());
    };
    let Some(root) = document.get_element_by_id("draw-verifier") else {
        return Ok(());
    };
    let Some(url) = root.get_attribute("data-record") else {
        return Ok(());
    };
    let (Some(button), Some(output)) = (
        root.query_selector("button")?,
        root.query_selector(".verifier__output")?,
    ) else {
        return Ok(());
    };
    let button: web_sys::HtmlButtonElement = button.dyn_into()?;
    button.set_hidden(false);
    let on_click = {
        let button = button.clone();
        Closure::<dyn FnMut()>::new(move || {
            let (button, output, url) = (button.clone(), output.clone(), url.clone());
            button.set_disabled(true);
            button.set_text_content(Some("正在复核…"));
            wasm_bindgen_futures::spawn_local(async move {
                let html = match fetch_record(&url).await {
                    Ok(record) => {
                        let started = now_millis();
                        let report = record::verify(&record);
                        render(&report, now_millis() - started)
                    }
                    Err(message) => format!(
                        r#"<p class="notice notice--error" role="alert">{}</p>"#,
                        escape(&message)
                    ),
                };
                output.set_inner_html(&html);
                button.set_disabled(false);
                button.set_text_content(Some("再次复核"));
            });
        })
    };
    button.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
    // The listener lives as long as the page.
    on_click.forget();
    Ok(())
}

async fn fetch_record(url: &str) -> Result<DrawRecord, String> {
    let unavailable = || "公开记录暂时无法读取，请稍后再试。".to_string();
    let window = web_sys::window().ok_or_else(unavailable)?;
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| unavailable())?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| unavailable())?;
    if !response.ok() {
        return Err("这次抽签还没有可复核的公开记录。".into());
    }
    let text = wasm_bindgen_futures::JsFuture::from(response.text().map_err(|_| unavailable())?)
        .await
        .map_err(|_| unavailable())?
        .as_string()
        .ok_or_else(unavailable)?;
    serde_json::from_str(&text).map_err(|_| "公开记录的格式不对，无法复核。".to_string())
}

fn now_millis() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The verdict, the checks and the steps as HTML; every value is escaped.
pub fn render(report: &Report, millis: f64) -> String {
    let mut html = String::new();
    let (class, verdict) = if report.all_ok() {
        (
            "verdict--ok",
            "复核通过：重新计算的结果与公开名单、抽签承诺完全一致。",
        )
    } else {
        ("verdict--bad", "复核未通过：见下面标记为“不一致”的项目。")
    };
    html.push_str(&format!(
        r#"<p class="verdict {class}" role="status">{verdict}</p><ul class="verify-checks">"#
    ));
    for check in &report.checks {
        let (class, mark) = if check.ok {
            ("verify-check--ok", "一致 ✓ ")
        } else {
            ("verify-check--bad", "不一致 ✗ ")
        };
        html.push_str(&format!(
            r#"<li class="verify-check {class}"><strong>{mark}{}</strong><br><span class="hint">{}</span></li>"#,
            escape(check.label),
            escape(&check.detail)
        ));
    }
    html.push_str("</ul>");
    html.push_str(&format!(
        r#"<p class="hint">在本机用时 <span class="verifier__millis">{millis:.1}</span> 毫秒。</p>"#
    ));
    if let Some(outcome) = &report.outcome {
        html.push_str(&format!(
            r#"<h3>逐步抽签</h3><p>密钥（按 RFC 3797 由公开数据组成）：<code>{}</code></p>"#,
            escape(&outcome.key)
        ));
        html.push_str(
            r#"<div class="table-scroll" role="region" aria-label="逐步抽签过程" tabindex="0"><table class="table"><caption class="visually-hidden">逐步抽签过程</caption><thead><tr><th scope="col">序号</th><th scope="col">分层或企业</th><th scope="col">MD5</th><th scope="col">剩余数</th><th scope="col">抽中位置</th><th scope="col">抽中</th></tr></thead><tbody>"#,
        );
        for picked in outcome.steps.iter().take(STEPS_SHOWN) {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                u32::from(picked.step.counter) + 1,
                escape(&picked.within),
                picked.step.md5_hex,
                picked.step.remaining,
                picked.step.remainder + 1,
                escape(&picked.item)
            ));
        }
        html.push_str("</tbody></table></div>");
        let more = outcome.steps.len().saturating_sub(STEPS_SHOWN);
        if more > 0 {
            html.push_str(&format!(
                r#"<p class="hint">另有 {more} 步未列出，完整过程可用 server draw verify 离线查看。</p>"#
            ));
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::inspections::record::Check;

    #[test]
    fn what_the_record_says_is_shown_as_text() {
        let report = Report {
            checks: vec![Check {
                label: "承诺",
                ok: false,
                detail: "<img src=x onerror=alert(1)>".into(),
            }],
            outcome: None,
        };
        let html = render(&report, 1.0);
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!html.contains("<img"));
        assert!(html.contains("复核未通过"));
    }
}
