use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::{
    articles::api::search_articles,
    components::{
        article_list::date_of,
        empty_state::EmptyState,
        forms::{Notice, NoticeKind},
    },
    foundation::request::query_param,
    foundation::site::use_site,
};

/// 搜索: finds Chinese words anywhere inside article text (`/search?q=燃气`).
#[component]
pub fn SearchPage() -> impl IntoView {
    let site = use_site();
    let query = query_param("q")
        .map(|q| q.trim().to_string())
        .unwrap_or_default();
    let results = Resource::new_blocking(
        {
            let query = query.clone();
            move || query.clone()
        },
        search_articles,
    );
    let heading = if query.is_empty() {
        "搜索文章".to_string()
    } else {
        format!("“{query}”的搜索结果")
    };
    let asked = !query.is_empty();
    view! {
        <Title text=heading.clone() />
        <Meta name="robots" content="noindex" />
        <h1>{heading}</h1>
        <form class="search-form" method="get" action=site.href("/search") role="search">
            <label for="q" class="visually-hidden">"搜索关键词"</label>
            <input id="q" name="q" type="search" value=query.clone() placeholder="例如：燃气、灭火器、台风" maxlength="50" />
            <button type="submit" class="button">"搜索"</button>
        </form>
        {asked.then(|| view! {
            <Suspense fallback=|| view! { <p>"正在搜索…"</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(hits) if hits.is_empty() => view! {
                            <EmptyState title="没有找到相关文章" hint="请换一个词试试，例如更短的关键词。" />
                        }.into_any(),
                        Ok(hits) => {
                            let site = use_site();
                            let count = hits.len();
                            let items = hits.into_iter().map(|hit| {
                                let date = date_of(hit.article.published_at);
                                view! {
                                    <li class="article-card">
                                        <h2 class="article-card__title">
                                            <a href=site.href(&format!("/articles/{}", hit.article.slug)) inner_html=hit.title_html></a>
                                        </h2>
                                        <p class="article-card__meta">{hit.article.category.name()}" · "<time datetime=date.clone()>{date.clone()}</time></p>
                                        <p class="article-card__summary" inner_html=hit.snippet_html></p>
                                    </li>
                                }
                            }).collect_view();
                            view! {
                                <p role="status">{format!("找到 {count} 篇文章")}</p>
                                <ul class="article-list">{items}</ul>
                            }.into_any()
                        }
                        Err(_) => view! { <Notice kind=NoticeKind::Error message="搜索暂时不可用，请稍后再试。" /> }.into_any(),
                    }
                })}
            </Suspense>
        })}
    }
}
