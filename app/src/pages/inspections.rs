use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::empty_state::EmptyState;

/// 双随机抽查: how the bureau's random inspections work, and (once published) their results.
#[component]
pub fn InspectionsPage() -> impl IntoView {
    view! {
        <Title text="双随机抽查" />
        <h1>"双随机、一公开"</h1>
        <p class="lead">
            "随机抽取检查对象，随机选派执法检查人员，抽查情况及查处结果及时向社会公开。"
            "每次抽签的随机数来自事先公布的公开数据，任何人都可以复核抽签结果。"
        </p>
        <EmptyState title="暂无已公开的抽查任务" hint="抽查任务公布后，这里将列出抽签承诺、抽查名单和检查结果。" />
    }
}
