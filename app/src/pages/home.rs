use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    articles::api::latest_articles,
    components::{article_list::date_of, empty_state::EmptyState},
    site::use_site,
};

/// The home page: one section for each part of the portal, each linking to its full page.
#[component]
pub fn HomePage() -> impl IntoView {
    let site = use_site();
    view! {
        <Title text="" />
        <section class="hero" aria-labelledby="hero-title">
            <h1 id="hero-title">"安全生产，人人有责"</h1>
            <p>"在这里查询“双随机、一公开”抽查结果，阅读安全知识和政策法规，参加安全知识竞赛。"</p>
        </section>
        <div class="home-grid">
            <HomeSection
                id="home-articles"
                title="最新文章"
                more_href=site.href("/articles")
                more_label="全部文章"
            >
                <LatestArticles />
            </HomeSection>
            <HomeSection
                id="home-draws"
                title="最新抽查结果"
                more_href=site.href("/inspections")
                more_label="全部抽查"
            >
                <EmptyState title="暂无已公开的抽查结果" hint="抽查完成并依法公示后，结果会显示在这里。" />
            </HomeSection>
            <HomeSection
                id="home-contest"
                title="知识竞赛"
                more_href=site.href("/contest")
                more_label="进入竞赛"
            >
                <EmptyState title="目前没有正在进行的竞赛" hint="竞赛开放后可在这里直接参加。" />
            </HomeSection>
        </div>
    }
}

/// A titled block of the home page with a link to the full section.
#[component]
fn HomeSection(
    id: &'static str,
    title: &'static str,
    more_href: String,
    more_label: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="home-section" aria-labelledby=id>
            <header class="home-section__header">
                <h2 id=id>{title}</h2>
                <a href=more_href>{more_label}<span aria-hidden="true">" ›"</span></a>
            </header>
            {children()}
        </section>
    }
}

/// The five newest articles, or a plain empty state.
#[component]
fn LatestArticles() -> impl IntoView {
    let latest = Resource::new_blocking(|| 5, latest_articles);
    view! {
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match latest.await {
                    Ok(articles) if !articles.is_empty() => {
                        let site = use_site();
                        let items = articles.into_iter().map(|article| {
                            let date = date_of(article.published_at);
                            view! {
                                <li>
                                    <a href=site.href(&format!("/articles/{}", article.slug))>{article.title}</a>
                                    <time datetime=date.clone()>{date.clone()}</time>
                                </li>
                            }
                        }).collect_view();
                        view! { <ul class="latest">{items}</ul> }.into_any()
                    }
                    _ => view! {
                        <EmptyState title="暂无已发布的文章" hint="安全宣传文章发布后会显示在这里。" />
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
