use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use super::window_label;
use crate::{
    components::{
        forms::{Notice, NoticeKind},
        read_aloud::ReadAloud,
    },
    contest::{ContestInfo, api::contest, duration_label},
    foundation::site::use_site,
    islands::quiz::Quiz,
    pages::not_found::NotFoundPage,
};

/// One contest: `/contest/{id}`: its rules, a QR code for posters, and the quiz.
#[component]
pub fn ContestPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|id| id.parse::<i64>().ok());
    let info = Resource::new_blocking(
        move || id,
        |id| async move {
            match id {
                Some(id) => contest(id).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(Some(info)) => view! { <ContestView info /> }.into_any(),
                    Ok(None) => view! { <NotFoundPage /> }.into_any(),
                    Err(_) => view! { <Notice kind=NoticeKind::Error message="竞赛暂时无法读取，请稍后再试。" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ContestView(info: ContestInfo) -> impl IntoView {
    let site = use_site();
    let now = crate::foundation::clock::now();
    let state = if info.is_open(now) {
        None
    } else if now < info.opens_at {
        Some("竞赛还没有开始，请在开始时间之后再来。")
    } else {
        Some("竞赛已经结束，可以查看排行榜，或进入练习模式。")
    };
    let quiz = match state {
        None => view! {
            <ReadAloud read=".quiz-question" label="朗读本题" />
            <Quiz contest_id=info.id ask_town=info.ask_town ask_employer=info.ask_employer />
            <noscript><p class="notice notice--error">"答题需要启用浏览器的 JavaScript。"</p></noscript>
        }
        .into_any(),
        Some(text) => view! { <p class="notice notice--error">{text}</p> }.into_any(),
    };
    view! {
        <Title text=info.title.clone() />
        <Meta name="description" content=format!("{}：{}", info.title, window_label(info.opens_at, info.closes_at)) />
        <h1>{info.title.clone()}</h1>
        <p class="lead">{info.description.clone()}</p>
        <dl class="facts">
            <div class="facts__row"><dt>"时间"</dt><dd>{window_label(info.opens_at, info.closes_at)}</dd></div>
            <div class="facts__row"><dt>"题目"</dt><dd>{format!("随机抽取 {} 道（单选、多选、判断）", info.question_count)}</dd></div>
            <div class="facts__row"><dt>"答题时间"</dt><dd>{duration_label(info.time_limit_secs)}</dd></div>
            <div class="facts__row"><dt>"及格"</dt><dd>{format!("{} 分（满分 100），及格可获得电子证书", info.pass_percent)}</dd></div>
            <div class="facts__row"><dt>"次数"</dt><dd>{format!("每人每天 {} 次", info.attempts_per_day)}</dd></div>
            <div class="facts__row"><dt>"评分"</dt><dd>"每题分值相同；多选题全对得满分，少选得一半，错选不得分。"</dd></div>
            {info.contest_only.then(|| view! {
                <div class="facts__row"><dt>"解析"</dt><dd>"本竞赛的题目不在练习题库中；正确答案和解析在竞赛结束后公布。"</dd></div>
            })}
        </dl>
        <p>
            <a href=site.href(&format!("/contest/{}/leaderboard", info.id))>"查看排行榜"</a>
            " · "<a href=site.href("/contest/practice")>"练习模式"</a>
        </p>
        <section aria-labelledby="quiz-title" class="quiz-section">
            <h2 id="quiz-title">"答题"</h2>
            {quiz}
        </section>
        // A QR code needs the site's public address (never taken from the request).
        {site.has_public_origin.then(|| view! {
            <figure class="qr">
                <img src=site.href(&format!("/contest/{}/qr.svg", info.id)) width="160" height="160"
                    alt=format!("“{}”页面的二维码，扫码即可参加", info.title) />
                <figcaption>"扫码参加（可用于海报）"</figcaption>
            </figure>
        })}
    }
}
