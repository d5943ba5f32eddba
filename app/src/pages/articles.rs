use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::empty_state::EmptyState;

/// 安全宣传: the list of published articles.
#[component]
pub fn ArticlesPage() -> impl IntoView {
    view! {
        <Title text="安全宣传" />
        <h1>"安全宣传"</h1>
        <p class="lead">"通知公告、工作动态、法律法规、安全常识和应急科普。"</p>
        <EmptyState title="暂无已发布的文章" hint="文章经审核发布后会显示在这里。" />
    }
}
