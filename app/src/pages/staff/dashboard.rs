use leptos::prelude::*;

use crate::{
    components::staff_gate::StaffGate,
    foundation::site::use_site,
    staff::{Role, Staff},
};

/// 工作台: greets the staff member and lists what their roles let them do.
#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <StaffGate title="工作台">
            <Dashboard />
        </StaffGate>
    }
}

#[component]
fn Dashboard() -> impl IntoView {
    let staff = expect_context::<Staff>();
    let site = use_site();
    let roles = staff
        .roles
        .iter()
        .map(|role| role.label())
        .collect::<Vec<_>>()
        .join("、");
    let cards: [(&str, &str, &str, &[Role]); 5] = [
        (
            "/admin/articles",
            "文章管理",
            "撰写、审核和发布安全宣传文章。",
            &[Role::Editor, Role::Reviewer],
        ),
        (
            "/admin/inspections",
            "抽查管理",
            "维护名录库、组织随机抽查、录入检查结果。",
            &[Role::InspectorAdmin],
        ),
        (
            "/admin/contests",
            "竞赛管理",
            "维护题库、设置知识竞赛、查看统计。",
            &[Role::ContestAdmin],
        ),
        (
            "/admin/users",
            "账号管理",
            "开通、停用工作人员账号，分配角色。",
            &[Role::Admin],
        ),
        (
            "/admin/audit",
            "审计日志",
            "查看全部工作人员操作记录。",
            &[Role::Admin],
        ),
    ];
    let cards = cards
        .into_iter()
        .filter(|(_, _, _, allowed)| staff.has_any(allowed))
        .map(|(path, title, text, _)| {
            view! {
                <li class="card">
                    <h2><a href=site.href(path)>{title}</a></h2>
                    <p>{text}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <h1>"工作台"</h1>
        <p>"您好，"{staff.display_name.clone()}"。您的角色："{if roles.is_empty() { "（尚未分配）".to_string() } else { roles }}</p>
        <ul class="cards">{cards}</ul>
    }
}
