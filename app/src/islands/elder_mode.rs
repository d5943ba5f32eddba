use leptos::prelude::*;

use crate::prefs::set_elder_mode;

/// A button that switches the elderly-friendly mode (larger text, higher contrast).
///
/// It is a plain form posting to the `set_elder_mode` server function, so it works without
/// JavaScript; once hydrated it switches the page at once and saves the choice in the
/// background.
#[island]
pub fn ElderModeSwitch(
    /// Whether the page was rendered in the elderly-friendly mode.
    initial: bool,
    /// Where the form posts without JavaScript: the server function's URL under the base path.
    action: String,
) -> impl IntoView {
    let on = RwSignal::new(initial);
    // Effects run only in the browser: the attribute tells tests (and curious readers of the
    // DOM) that the island is live.
    let hydrated = RwSignal::new(false);
    Effect::new(move || hydrated.set(true));

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let next = !on.get_untracked();
        on.set(next);
        apply_to_document(next);
        // A plain call rather than a `ServerAction`: nothing on the page shows its state, and the
        // action's machinery (reading errors back from the URL) is kilobytes in every page's
        // WASM. A failed save only means the choice lasts until the next page.
        leptos::task::spawn_local(async move {
            let _ = set_elder_mode(next).await;
        });
    };

    view! {
        <form
            class="elder-switch"
            method="post"
            action=action
            on:submit=on_submit
            data-hydrated=move || hydrated.get().then_some("true")
        >
            <input type="hidden" name="on" value=move || (!on.get()).to_string() />
            <button type="submit" aria-pressed=move || on.get().to_string()>
                {move || if on.get() { "退出关怀模式" } else { "关怀模式" }}
            </button>
        </form>
    }
}

/// Applies the mode to the page in the browser without a reload.
fn apply_to_document(on: bool) {
    #[cfg(feature = "hydrate")]
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.class_list().toggle_with_force("elder", on);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = on;
}
