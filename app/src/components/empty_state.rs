use leptos::prelude::*;

/// Shown where a section has no content yet: says so plainly, never fills in fake data.
#[component]
pub fn EmptyState(
    /// What is missing, e.g. "暂无已发布的文章".
    #[prop(into)]
    title: String,
    /// One sentence on when content will appear.
    #[prop(into)]
    hint: String,
) -> impl IntoView {
    view! {
        <div class="empty-state" role="status">
            <p class="empty-state__title">{title}</p>
            <p class="empty-state__hint">{hint}</p>
        </div>
    }
}
