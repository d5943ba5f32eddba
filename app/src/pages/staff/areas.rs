use leptos::prelude::*;

use crate::{
    components::{empty_state::EmptyState, staff_gate::StaffGate},
    staff::Role,
};

/// 竞赛管理 (contest officers).
#[component]
pub fn ContestsAdminPage() -> impl IntoView {
    view! {
        <StaffGate title="竞赛管理" roles=&[Role::ContestAdmin]>
            <h1>"竞赛管理"</h1>
            <EmptyState title="暂无竞赛" hint="题库和竞赛功能上线后，在这里设置知识竞赛。" />
        </StaffGate>
    }
}
