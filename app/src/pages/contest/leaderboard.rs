use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::{
    components::{
        empty_state::EmptyState,
        forms::{Notice, NoticeKind},
        table_scroll::TableScroll,
    },
    contest::{Leaderboard, RANKED_PER_ADDRESS_PER_DAY, api::load_leaderboard, duration_label},
    foundation::clock::format_beijing,
    foundation::site::use_site,
    pages::not_found::NotFoundPage,
};

/// `/contest/{id}/leaderboard`: by person (best score, then shortest time) and by town.
/// Computed on every request, so it is always current.
#[component]
pub fn LeaderboardPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|id| id.parse::<i64>().ok())
        .unwrap_or(0);
    let board = Resource::new_blocking(move || id, load_leaderboard);
    view! {
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(Some(board)) => view! { <BoardView board /> }.into_any(),
                    Ok(None) => view! { <NotFoundPage /> }.into_any(),
                    Err(_) => view! { <Notice kind=NoticeKind::Error message="排行榜暂时无法读取，请稍后再试。" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BoardView(board: Leaderboard) -> impl IntoView {
    let site = use_site();
    let title = format!("{} 排行榜", board.contest.title);
    let sealed = board.sealed_until.map(|at| {
        view! {
            <p class="notice" role="status">{format!("本竞赛的成绩和排行榜将在竞赛结束后（{}）公布。", format_beijing(at))}</p>
        }
    });
    // Every question of a regular contest is in the open practice bank.
    let practisable = (!board.contest.contest_only).then(|| {
        view! {
            <p class="hint">{format!("本竞赛的题目均来自公开的练习题库，可在“练习模式”中反复练习，排行榜仅供参考；同一网络每天最多 {RANKED_PER_ADDRESS_PER_DAY} 人次进入排行榜。")}</p>
        }
    });
    let hidden = (board.hidden > 0).then(|| {
        view! { <p class="hint">{format!("另有 {} 条记录因刷榜或昵称不当已被工作人员隐藏。", board.hidden)}</p> }
    });
    let people = if board.sealed_until.is_some() {
        ().into_any()
    } else if board.people.is_empty() {
        view! { <EmptyState title="还没有人交卷" hint="第一位交卷的参赛者会出现在这里。" /> }
            .into_any()
    } else {
        let rows = board
            .people
            .into_iter()
            .map(|p| view! {
                <tr><td>{p.rank}</td><th scope="row">{p.nickname}</th><td>{p.town}</td><td>{p.score}</td><td>{duration_label(p.elapsed_secs)}</td></tr>
            })
            .collect_view();
        view! {
            <TableScroll label="个人排行"><table class="table">
                <caption>"个人排行（每人取最好成绩；同分用时短者在前）"</caption>
                <thead><tr><th scope="col">"名次"</th><th scope="col">"昵称"</th><th scope="col">"镇街"</th><th scope="col">"得分"</th><th scope="col">"用时"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table></TableScroll>
        }
        .into_any()
    };
    let towns = (!board.towns.is_empty()).then(|| {
        let rows = board
            .towns
            .into_iter()
            .map(|t| view! {
                <tr><th scope="row">{t.town}</th><td>{t.participants}</td><td>{format!("{:.1}", t.average)}</td></tr>
            })
            .collect_view();
        view! {
            <TableScroll label="镇街排行"><table class="table">
                <caption>"镇街排行（按参赛人数，平均分取每人最好成绩）"</caption>
                <thead><tr><th scope="col">"镇街"</th><th scope="col">"参赛人数"</th><th scope="col">"平均分"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table></TableScroll>
        }
    });
    view! {
        <Title text=title.clone() />
        <Meta name="description" content=title.clone() />
        <h1>{title}</h1>
        <p><a href=site.href(&format!("/contest/{}", board.contest.id))>"返回竞赛"</a></p>
        {sealed}
        {practisable}
        {people}
        {hidden}
        {towns}
    }
}
