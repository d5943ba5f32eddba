use leptos::prelude::*;

/// The frame of a wide table: on a narrow screen the table scrolls sideways inside it.
///
/// Keyboard users must be able to scroll it too (WCAG 2.1.1), so the frame takes focus, and it
/// is a region named after the table, so that a screen reader says what has focus.
#[component]
pub fn TableScroll(
    /// What the table holds, usually its caption, e.g. "抽查任务列表".
    #[prop(into)]
    label: String,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-scroll" role="region" aria-label=label tabindex="0">
            {children()}
        </div>
    }
}
