use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::InspectionNav;
use crate::{
    components::{
        empty_state::EmptyState,
        forms::{Notice, NoticeKind},
        table_scroll::TableScroll,
    },
    foundation::site::use_site,
    inspections::api::inspector_registry,
};

/// 执法检查人员名录库: everyone who may be drawn onto a team.
#[component]
pub fn InspectorRegistryPage() -> impl IntoView {
    let inspectors = Resource::new_blocking(|| (), |_| inspector_registry());
    let site = use_site();
    view! {
        <Title text="执法检查人员名录库" />
        <Meta name="description" content="开平市应急管理局执法检查人员名录库：可随机选派的执法人员姓名、单位、执法证号和执法领域。" />
        <h1>"执法检查人员名录库"</h1>
        <InspectionNav />
        <p class="lead">
            "双随机抽查的检查人员从本名录中随机选派，每组至少两人，并按回避规则排除有利害关系的人员。名录只公开姓名、单位、执法证号和执法领域，不公开个人联系方式。"
        </p>
        <p>
            <a href=site.href("/api/v1/inspectors.csv")>"下载名录（CSV）"</a>
            " · "
            <a href=site.href("/api/v1/inspectors.json")>"JSON"</a>
        </p>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match inspectors.await {
                    Ok(list) if list.is_empty() => view! {
                        <EmptyState title="名录尚未公布" hint="执法检查人员名录导入后将在此列出。" />
                    }.into_any(),
                    Ok(list) => {
                        let count = list.len();
                        let rows = list.into_iter().map(|i| view! {
                            <tr>
                                <td>{i.certificate}</td>
                                <th scope="row">{i.name}</th>
                                <td>{i.unit}</td>
                                <td>{i.field}</td>
                            </tr>
                        }).collect_view();
                        view! {
                            <p>{format!("在岗执法检查人员共 {count} 名。")}</p>
                            <TableScroll label="执法检查人员名录">
                                <table class="table">
                                    <caption class="visually-hidden">"执法检查人员名录"</caption>
                                    <thead><tr>
                                        <th scope="col">"执法证号"</th><th scope="col">"姓名"</th>
                                        <th scope="col">"单位"</th><th scope="col">"执法领域"</th>
                                    </tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </TableScroll>
                        }.into_any()
                    }
                    Err(_) => view! { <Notice kind=NoticeKind::Error message="名录暂时无法读取，请稍后再试。" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
