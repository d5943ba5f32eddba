use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::window_label;
use crate::{
    components::{
        empty_state::EmptyState,
        forms::{Notice, NoticeKind},
    },
    contest::api::contests,
    foundation::site::use_site,
};

/// 知识竞赛: the contests, open ones first, and practice mode.
#[component]
pub fn ContestsPage() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |_| contests());
    view! {
        <Title text="知识竞赛" />
        <Meta name="description" content="开平市应急管理局安全知识竞赛：用手机就能参加，交卷后可查看每道题的解析；随时可以练习。" />
        <h1>"安全知识竞赛"</h1>
        <p class="lead">"用手机就能参加，交卷后可查看每道题的解析。"</p>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let site = use_site();
                let practice = view! {
                    <section class="card" aria-labelledby="practice-title">
                        <h2 id="practice-title">"练习模式"</h2>
                        <p>"随时可以练习：从全部题库中随机出题，每答一题立即显示对错和解析，不计时、不排名。"</p>
                        <p><a class="button" href=site.href("/contest/practice")>"开始练习"</a></p>
                    </section>
                };
                match list.await {
                    Ok(list) if list.is_empty() => view! {
                        <EmptyState title="目前没有竞赛" hint="竞赛开放后会在这里公布时间和参赛方式。" />
                        {practice}
                    }.into_any(),
                    Ok(list) => {
                        let now = crate::foundation::clock::now();
                        let items = list.into_iter().map(|c| {
                            let state = if c.is_open(now) { "进行中" } else if now < c.opens_at { "未开始" } else { "已结束" };
                            view! {
                                <li class="article-card">
                                    <h2 class="article-card__title"><a href=site.href(&format!("/contest/{}", c.id))>{c.title}</a></h2>
                                    <p class="article-card__meta">{format!("{state} · {} · {} 人参加", window_label(c.opens_at, c.closes_at), c.participants)}</p>
                                </li>
                            }
                        }).collect_view();
                        view! { <ul class="article-list">{items}</ul> {practice} }.into_any()
                    }
                    Err(_) => view! { <Notice kind=NoticeKind::Error message="竞赛暂时无法读取，请稍后再试。" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
