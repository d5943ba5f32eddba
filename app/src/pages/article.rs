use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::{
    articles::{Article, api::get_article},
    components::{
        article_list::date_of,
        forms::{Notice, NoticeKind},
        read_aloud::ReadAloud,
    },
    foundation::site::use_site,
    pages::{articles::encode, not_found::NotFoundPage},
};

/// One article: `/articles/{slug}`.
#[component]
pub fn ArticlePage() -> impl IntoView {
    let slug = use_params_map()
        .with_untracked(|params| params.get("slug"))
        .unwrap_or_default();
    let article = Resource::new_blocking(move || slug.clone(), get_article);
    view! {
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match article.await {
                    Ok(Some(article)) => view! { <ArticleView article /> }.into_any(),
                    Ok(None) => view! { <NotFoundPage /> }.into_any(),
                    Err(_) => view! { <Notice kind=NoticeKind::Error message="文章暂时无法读取，请稍后再试。" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ArticleView(article: Article) -> impl IntoView {
    let site = use_site();
    let summary = article.summary;
    let date = date_of(summary.published_at);
    let toc = (article.toc.len() >= domain::markdown::TOC_MIN_ENTRIES).then(|| {
        let items = domain::markdown::nest_toc(article.toc)
            .into_iter()
            .map(|section| {
                let link = |entry: &domain::markdown::TocEntry| {
                    view! { <a href=format!("#{}", entry.id)>{entry.text.clone()}</a> }
                };
                let children = (!section.children.is_empty()).then(|| {
                    let items = section
                        .children
                        .iter()
                        .map(|child| view! { <li>{link(child)}</li> })
                        .collect_view();
                    view! { <ol class="toc__sub">{items}</ol> }
                });
                view! { <li>{link(&section.entry)}{children}</li> }
            })
            .collect_view();
        view! {
            <nav class="toc" aria-labelledby="toc-title">
                <h2 id="toc-title">"目录"</h2>
                <ol>{items}</ol>
            </nav>
        }
    });
    let tags = (!article.tags.is_empty()).then(|| {
        let links = article
            .tags
            .into_iter()
            .map(|tag| view! { <li><a href=site.href(&format!("/articles?tag={}", encode(&tag)))>{tag.clone()}</a></li> })
            .collect_view();
        view! { <ul class="tags" aria-label="标签">{links}</ul> }
    });
    let neighbour = |link: Option<(String, String)>, label: &'static str, rel: &'static str| {
        link.map(|(slug, title)| {
            view! {
                <a href=site.href(&format!("/articles/{slug}")) rel=rel>
                    <span class="neighbours__label">{label}</span>{title}
                </a>
            }
        })
    };
    view! {
        <Title text=summary.title.clone() />
        <Meta name="description" content=summary.summary.clone() />
        <Meta property="og:type" content="article" />
        <Meta property="og:title" content=summary.title.clone() />
        <Meta property="og:description" content=summary.summary.clone() />
        <Meta property="article:published_time" content=date.clone() />
        <article class="article">
            <header class="article__header">
                <p class="article__category">
                    <a href=site.href(&format!("/articles/category/{}", summary.category.key()))>{summary.category.name()}</a>
                </p>
                <h1>{summary.title.clone()}</h1>
                <p class="article__meta">
                    <time datetime=date.clone()>{date.clone()}</time>
                    " · "{article.author}
                    {format!(" · 约 {} 分钟读完", summary.reading_minutes)}
                </p>
                <p class="article__summary">{summary.summary.clone()}</p>
            </header>
            <ReadAloud read=".article h1, .article__summary, .article__body" label="朗读全文" />
            {toc}
            <div class="article__body" inner_html=article.body_html></div>
            {tags}
        </article>
        <nav class="neighbours" aria-label="上一篇和下一篇">
            {neighbour(article.previous, "上一篇：", "prev")}
            {neighbour(article.next, "下一篇：", "next")}
        </nav>
    }
}
