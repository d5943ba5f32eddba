use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::empty_state::EmptyState;

/// 知识竞赛: open contests and the practice mode.
#[component]
pub fn ContestPage() -> impl IntoView {
    view! {
        <Title text="知识竞赛" />
        <h1>"安全知识竞赛"</h1>
        <p class="lead">"用手机就能参加，答题结束后可查看每道题的解析。"</p>
        <EmptyState title="目前没有正在进行的竞赛" hint="竞赛开放后会在这里公布时间和参赛方式。" />
    }
}
