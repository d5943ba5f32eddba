use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    articles::api::latest_articles,
    components::{article_list::date_of, empty_state::EmptyState},
    contest::api::contests,
    foundation::site::use_site,
    inspections::api::draws,
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
                <LatestDraws />
            </HomeSection>
            <HomeSection
                id="home-contest"
                title="知识竞赛"
                more_href=site.href("/contest")
                more_label="进入竞赛"
            >
                <OpenContests />
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

/// The three newest draws with where each stands.
#[component]
fn LatestDraws() -> impl IntoView {
    let latest = Resource::new_blocking(|| (), |_| draws());
    view! {
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match latest.await {
                    Ok(list) if !list.is_empty() => {
                        let site = use_site();
                        let items = list.into_iter().take(3).map(|d| {
                            let date = date_of(d.announced_at);
                            view! {
                                <li>
                                    <a href=site.href(&format!("/inspections/draws/{}", d.id))>{format!("{}（{}）", d.title, d.status.label())}</a>
                                    <time datetime=date.clone()>{date.clone()}</time>
                                </li>
                            }
                        }).collect_view();
                        view! { <ul class="latest">{items}</ul> }.into_any()
                    }
                    _ => view! {
                        <EmptyState title="暂无已公开的抽查任务" hint="抽查任务公告后，抽签承诺、名单和结果会显示在这里。" />
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The contests open now, and practice mode.
#[component]
fn OpenContests() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |_| contests());
    view! {
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let site = use_site();
                let now = crate::foundation::clock::now();
                let open: Vec<_> = list
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|c| c.is_open(now))
                    .collect();
                let practice = view! {
                    <p><a href=site.href("/contest/practice")>"练习模式：随时练习，立即看解析"</a></p>
                };
                if open.is_empty() {
                    view! {
                        <EmptyState title="目前没有正在进行的竞赛" hint="竞赛开放后可在这里直接参加。" />
                        {practice}
                    }.into_any()
                } else {
                    let items = open.into_iter().map(|c| view! {
                        <li><a href=site.href(&format!("/contest/{}", c.id))>{c.title}</a>{format!("（{} 人参加）", c.participants)}</li>
                    }).collect_view();
                    view! { <ul class="latest">{items}</ul> {practice} }.into_any()
                }
            })}
        </Suspense>
    }
}
