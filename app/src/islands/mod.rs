/// The switch for the elderly-friendly mode (适老化).
pub mod elder_mode;
/// Practice mode: one question at a time with instant feedback.
pub mod practice;
/// The knowledge contest in the browser.
pub mod quiz;

/// Moves the keyboard focus to the element with this id once the views changed by the current
/// event are drawn. When an island replaces the content a button stood in (the next question,
/// the check before submitting), keyboard and screen-reader users carry on from the new content
/// instead of from the top of the page. The element needs `tabindex="-1"`.
pub(crate) fn focus_after_render(id: &'static str) {
    // Views are redrawn in a task after the event; the next frame comes after it.
    #[cfg(feature = "hydrate")]
    leptos::prelude::request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(element) = leptos::prelude::document()
            .get_element_by_id(id)
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}
