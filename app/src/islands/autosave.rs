use leptos::prelude::*;

/// Every half minute, keeps what is in the editor's form as an `autosave` version when it has
/// changed, and says so. It only reads the form (by its fields' ids), so the editor works the
/// same without JavaScript, just without autosave.
#[island(lazy)]
pub fn Autosave(
    /// The article being edited.
    article_id: i64,
) -> impl IntoView {
    let status = RwSignal::new(String::new());
    #[cfg(feature = "hydrate")]
    {
        use std::time::Duration;
        let last = StoredValue::new(read_form());
        let saving = StoredValue::new(false);
        let _ = set_interval_with_handle(
            move || {
                let current = read_form();
                if saving.get_value() || current == last.get_value() {
                    return;
                }
                saving.set_value(true);
                leptos::task::spawn_local(async move {
                    let [title, category, tags, summary, body] = current.clone();
                    let result = crate::articles::admin::autosave_article(
                        article_id, title, category, tags, summary, body,
                    )
                    .await;
                    match result {
                        Ok(at) => {
                            last.set_value(current);
                            status.set(format!(
                                "已自动保存（{}），可在“历史版本”中找回",
                                &crate::foundation::clock::format_beijing(at)[11..]
                            ));
                        }
                        Err(_) => status.set("自动保存未成功，请手动点击“保存”".to_string()),
                    }
                    saving.set_value(false);
                });
            },
            Duration::from_secs(30),
        );
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = article_id;
    view! { <p class="hint autosave" role="status" aria-live="polite">{move || status.get()}</p> }
}

/// The editor's fields, in the order the server function takes them.
#[cfg(feature = "hydrate")]
fn read_form() -> [String; 5] {
    use wasm_bindgen::JsCast;
    let document = web_sys::window().and_then(|w| w.document());
    let value = |id: &str| -> String {
        let Some(element) = document.as_ref().and_then(|d| d.get_element_by_id(id)) else {
            return String::new();
        };
        if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
            input.value()
        } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            area.value()
        } else if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
            select.value()
        } else {
            String::new()
        }
    };
    [
        value("title"),
        value("category"),
        value("tags"),
        value("summary"),
        value("body"),
    ]
}
