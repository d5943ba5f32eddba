//! The editor's live preview. Public pages never load this bundle: it carries the markdown
//! renderer and the HTML sanitizer, which only the editor needs in the browser. It is the very
//! code the server publishes with (`domain::markdown::render`), so the preview shows exactly
//! what readers will get.

use wasm_bindgen::prelude::*;

/// Markdown to the sanitized HTML the server would publish.
#[wasm_bindgen]
pub fn render_preview(markdown: &str) -> String {
    domain::markdown::render(markdown).html
}

/// Wires the editor page: every edit of `#body` re-renders `#preview-body`. Pages without an
/// editor are left alone.
#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    use wasm_bindgen::JsCast;

    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return Ok(());
    };
    let (Some(body), Some(preview)) = (
        document.get_element_by_id("body"),
        document.get_element_by_id("preview-body"),
    ) else {
        return Ok(());
    };
    let Ok(body) = body.dyn_into::<web_sys::HtmlTextAreaElement>() else {
        return Ok(());
    };
    if let Some(title) = document.get_element_by_id("preview-title") {
        title.set_text_content(Some("实时预览"));
    }
    preview.set_attribute("data-live", "true")?;
    preview.set_inner_html(&render_preview(&body.value()));

    let source = body.clone();
    let on_input = Closure::<dyn FnMut()>::new(move || {
        preview.set_inner_html(&render_preview(&source.value()));
    });
    body.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref())?;
    // The listener lives as long as the page.
    on_input.forget();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_is_the_published_html() {
        let source = "| 电话 | 用途 |\n|---|---|\n| 119 | 火警 |\n\n<script>alert(1)</script>";
        assert_eq!(
            render_preview(source),
            domain::markdown::render(source).html
        );
        assert!(render_preview(source).contains("<table>"));
        assert!(!render_preview(source).contains("<script"));
    }
}
