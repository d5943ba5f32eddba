use leptos::prelude::*;

use crate::{
    articles::{ArticlePage, ArticleSummary},
    foundation::clock::format_beijing,
    foundation::site::use_site,
};

/// The date part of a publication time, `2026-03-30`.
pub fn date_of(unix_secs: i64) -> String {
    format_beijing(unix_secs)[..10].to_string()
}

/// One article in a list: title, category, date, summary.
#[component]
pub fn ArticleCard(article: ArticleSummary) -> impl IntoView {
    let site = use_site();
    let date = date_of(article.published_at);
    view! {
        <li class="article-card">
            <h2 class="article-card__title">
                <a href=site.href(&format!("/articles/{}", article.slug))>{article.title}</a>
            </h2>
            <p class="article-card__meta">
                <a href=site.href(&format!("/articles/category/{}", article.category.key()))>{article.category.name()}</a>
                " · "<time datetime=date.clone()>{date.clone()}</time>
                {format!(" · 约 {} 分钟读完", article.reading_minutes)}
            </p>
            <p class="article-card__summary">{article.summary}</p>
        </li>
    }
}

/// A page of articles with links to the other pages; `base` is the list's own URL (its query
/// already started when it contains `?`).
#[component]
pub fn ArticleListing(page: ArticlePage, base: String) -> impl IntoView {
    let joiner = if base.contains('?') { '&' } else { '?' };
    let link = move |n: i64| format!("{base}{joiner}page={n}");
    let pager = (page.total_pages > 1).then(|| {
        let previous = (page.page > 1).then(|| link(page.page - 1));
        let next = (page.page < page.total_pages).then(|| link(page.page + 1));
        view! {
            <nav class="pager" aria-label="分页">
                {previous.map(|href| view! { <a href=href rel="prev">"‹ 上一页"</a> })}
                <span aria-current="page">{format!("第 {} / {} 页", page.page, page.total_pages)}</span>
                {next.map(|href| view! { <a href=href rel="next">"下一页 ›"</a> })}
            </nav>
        }
    });
    view! {
        <ul class="article-list">
            {page.articles.into_iter().map(|article| view! { <ArticleCard article /> }).collect_view()}
        </ul>
        {pager}
    }
}
