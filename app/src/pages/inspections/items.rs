use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::InspectionNav;
use crate::{
    components::{
        empty_state::EmptyState,
        forms::{Notice, NoticeKind},
        table_scroll::TableScroll,
    },
    inspections::api::check_items,
};

/// 随机抽查事项清单: no inspection without a listed item.
#[component]
pub fn CheckItemsPage() -> impl IntoView {
    let items = Resource::new_blocking(|| (), |_| check_items());
    view! {
        <Title text="随机抽查事项清单" />
        <Meta name="description" content="开平市应急管理局随机抽查事项清单：抽查事项、法律依据、抽查对象和检查方式。" />
        <h1>"随机抽查事项清单"</h1>
        <InspectionNav />
        <p class="lead">"双随机抽查只检查清单内的事项。"</p>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match items.await {
                    Ok(items) if items.is_empty() => view! { <EmptyState title="清单尚未公布" hint="抽查事项清单公布后将在此列出。" /> }.into_any(),
                    Ok(items) => {
                        let rows = items.into_iter().map(|item| view! {
                            <tr>
                                <td>{item.code}</td>
                                <th scope="row">{item.name}</th>
                                <td>{item.basis}</td>
                                <td>{item.subject}</td>
                                <td>{item.method}</td>
                            </tr>
                        }).collect_view();
                        view! {
                            <TableScroll label="随机抽查事项清单">
                                <table class="table">
                                    <caption class="visually-hidden">"随机抽查事项清单"</caption>
                                    <thead><tr>
                                        <th scope="col">"编号"</th><th scope="col">"抽查事项"</th><th scope="col">"法律依据"</th>
                                        <th scope="col">"抽查对象"</th><th scope="col">"检查方式"</th>
                                    </tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </TableScroll>
                        }.into_any()
                    }
                    Err(_) => view! { <Notice kind=NoticeKind::Error message="清单暂时无法读取，请稍后再试。" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
