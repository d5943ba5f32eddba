use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::{
    articles::{ArticleFilter, Category, api::list_articles},
    components::{
        article_list::ArticleListing,
        empty_state::EmptyState,
        forms::{Notice, NoticeKind},
    },
    foundation::request::query_param,
    foundation::site::use_site,
};

/// 安全宣传: published articles, newest first, filtered by `?tag=`, 10 to a page.
#[component]
pub fn ArticlesPage() -> impl IntoView {
    view! { <ArticleList category=None /> }
}

/// One category's articles: `/articles/category/{key}`.
#[component]
pub fn CategoryPage() -> impl IntoView {
    let key = use_params_map()
        .with_untracked(|params| params.get("key"))
        .unwrap_or_default();
    match Category::from_key(&key) {
        Some(category) => view! { <ArticleList category=Some(category) /> }.into_any(),
        None => view! { <crate::pages::not_found::NotFoundPage /> }.into_any(),
    }
}

#[component]
fn ArticleList(category: Option<Category>) -> impl IntoView {
    let site = use_site();
    let tag = query_param("tag").filter(|t| !t.trim().is_empty());
    let page = query_param("page")
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1);
    let filter = ArticleFilter {
        category,
        tag: tag.clone(),
        page,
    };
    let articles = Resource::new_blocking(move || filter.clone(), list_articles);

    let heading = match (&category, &tag) {
        (Some(category), _) => category.name().to_string(),
        (None, Some(tag)) => format!("标签：{tag}"),
        (None, None) => "安全宣传".to_string(),
    };
    let base = match (&category, &tag) {
        (Some(category), _) => site.href(&format!("/articles/category/{}", category.key())),
        (None, Some(tag)) => site.href(&format!("/articles?tag={}", encode(tag))),
        (None, None) => site.href("/articles"),
    };
    let feed = match category {
        Some(category) => site.href(&format!("/articles/category/{}/feed.xml", category.key())),
        None => site.href("/feed.xml"),
    };
    let chips = std::iter::once((site.href("/articles"), "全部", category.is_none()))
        .chain(Category::ALL.into_iter().map(|c| {
            (
                site.href(&format!("/articles/category/{}", c.key())),
                c.name(),
                category == Some(c),
            )
        }))
        .map(|(href, label, current)| {
            view! { <li><a href=href aria-current=current.then_some("page")>{label}</a></li> }
        })
        .collect_view();
    view! {
        <Title text=heading.clone() />
        <Meta name="description" content=format!("{heading}：开平市应急管理局发布的安全生产和应急知识文章。") />
        <Link rel="alternate" type_="application/rss+xml" title=format!("{heading} RSS") href=feed.clone() />
        <div class="page-head">
            <h1>{heading}</h1>
            <p class="page-head__tools">
                <a href=site.href("/search")>"搜索文章"</a>
                " · "
                <a href=feed>"RSS 订阅"</a>
            </p>
        </div>
        <nav class="chips" aria-label="文章分类"><ul>{chips}</ul></nav>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || {
                let base = base.clone();
                Suspend::new(async move {
                    match articles.await {
                        Ok(page) if page.articles.is_empty() => view! {
                            <EmptyState title="暂无已发布的文章" hint="文章经审核发布后会显示在这里。" />
                        }.into_any(),
                        Ok(page) => view! { <ArticleListing page base /> }.into_any(),
                        Err(_) => view! { <Notice kind=NoticeKind::Error message="文章暂时无法读取，请稍后再试。" /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
