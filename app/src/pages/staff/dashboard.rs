use leptos::prelude::*;

use crate::{
    components::{
        forms::{Notice, NoticeKind},
        staff_gate::StaffGate,
    },
    foundation::{error::AppError, site::use_site},
    staff::{Role, Staff},
};

/// What staff are told while the demo's draw is in the official draw chain.
pub const DEMO_IN_CHAIN_NOTICE: &str = "注意：抽签日志中仍有演示数据（虚构的抽查任务）。抽签日志是只增不改的链条，\
     一旦公告真实的抽查任务，演示数据将永久留在正式记录中、无法再删除。正式使用前，请由系统管理员\
     在服务器上运行 `server demo remove` 删除演示数据，并设置 AQXC_DEMO=false。";

/// Whether the demo's draw is still in the draw chain (any staff member).
#[server(prefix = "/api/staff", endpoint = "demo_in_draw_chain")]
pub async fn demo_in_draw_chain() -> Result<bool, AppError> {
    crate::foundation::access::require(&[])?;
    let pool = crate::foundation::server_support::pool()?;
    Ok(crate::demo::in_draw_chain(&pool).await?)
}

/// The warning above, shown only while it is true.
#[component]
pub fn DemoInChainNotice() -> impl IntoView {
    let in_chain = Resource::new_blocking(|| (), |_| demo_in_draw_chain());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                matches!(in_chain.await, Ok(true)).then(|| {
                    view! { <Notice kind=NoticeKind::Error message=DEMO_IN_CHAIN_NOTICE /> }
                })
            })}
        </Suspense>
    }
}

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
        <DemoInChainNotice />
        <p>"您好，"{staff.display_name.clone()}"。您的角色："{if roles.is_empty() { "（尚未分配）".to_string() } else { roles }}</p>
        <ul class="cards">{cards}</ul>
    }
}
