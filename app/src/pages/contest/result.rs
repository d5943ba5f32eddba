use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::{
    components::forms::{Notice, NoticeKind},
    contest::{
        AttemptResult, Credit, Marks,
        api::{load_attempt_result, verify_certificate},
        duration_label,
    },
    foundation::clock::format_beijing,
    foundation::error::AppError,
    foundation::request::query_param,
    foundation::site::use_site,
};

/// `/contest/result/{attempt}`: the score, pass or fail, the review, and the certificate.
/// Only on the device the attempt was taken on.
#[component]
pub fn ResultPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("attempt"))
        .unwrap_or_default();
    let result = Resource::new_blocking(move || id.clone(), load_attempt_result);
    view! {
        <Title text="答题结果" />
        <Meta name="robots" content="noindex" />
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match result.await {
                    Ok(result) => view! { <ResultView result /> }.into_any(),
                    Err(AppError::Refused(text)) => view! { <h1>"答题结果"</h1><Notice kind=NoticeKind::Error message=text /> }.into_any(),
                    Err(_) => view! { <h1>"答题结果"</h1><Notice kind=NoticeKind::Error message="结果暂时无法读取，请稍后再试。" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ResultView(result: AttemptResult) -> impl IntoView {
    let site = use_site();
    let marks = result.marks.map(|marks| view! { <MarksView marks nickname=result.nickname.clone() pass_percent=result.pass_percent /> });
    let sealed = result.sealed_until.map(|at| {
        view! {
            <p class="notice" role="status">{format!("{}：已交卷。本竞赛的得分、证书、正确答案和解析将在竞赛结束后（{}）公布，届时请在这台设备上回到本页查看。", result.nickname, format_beijing(at))}</p>
        }
    });
    view! {
        <h1>{format!("{} · 答题结果", result.contest_title)}</h1>
        {sealed}
        <dl class="facts">
            <div class="facts__row"><dt>"用时"</dt><dd>{duration_label(result.elapsed_secs)}</dd></div>
            <div class="facts__row"><dt>"交卷时间"</dt><dd>{format_beijing(result.submitted_at)}</dd></div>
        </dl>
        {result.late.then(|| view! { <p class="hint">"本次答题超过了时间限制，按截止时保存的答案评分。"</p> })}
        {marks}
        <p>
            <a href=site.href(&format!("/contest/{}/leaderboard", result.contest_id))>"查看排行榜"</a>
            " · "<a href=site.href(&format!("/contest/{}", result.contest_id))>"返回竞赛"</a>
        </p>
    }
}

/// The score, the certificate and the review, once they may be shown.
#[component]
fn MarksView(marks: Marks, nickname: String, pass_percent: i64) -> impl IntoView {
    let site = use_site();
    let verdict = if marks.passed {
        view! { <p class="verdict verdict--ok" role="status">{format!("{nickname}：{} 分，及格！", marks.score)}</p> }.into_any()
    } else {
        view! { <p class="verdict verdict--bad" role="status">{format!("{nickname}：{} 分，及格线 {pass_percent} 分，再接再厉。", marks.score)}</p> }.into_any()
    };
    let certificate = marks.certificate.clone().map(|code| {
        let picture = site.href(&format!("/contest/certificate/{code}.png"));
        let vector = site.href(&format!("/contest/certificate/{code}.svg"));
        let verify = site.href(&format!("/contest/certificate?code={code}"));
        view! {
            <section class="card" aria-labelledby="certificate-title">
                <h2 id="certificate-title">"电子证书"</h2>
                // A picture, so that a phone can long-press it to save or share it.
                <p><img class="certificate" src=picture.clone() alt=format!("{nickname} 的竞赛证书，得分 {} 分，验证码 {code}", marks.score) width="432" height="540" /></p>
                <p class="hint">"手机上长按图片即可保存或分享。"</p>
                <p>
                    <a class="button" href=picture download=format!("证书-{code}.png")>"保存证书图片"</a>
                    " "<a href=vector download=format!("证书-{code}.svg")>"SVG 格式"</a>
                    " · 验证码 "<strong>{code.clone()}</strong>" · "<a href=verify>"在本站验证"</a>
                </p>
            </section>
        }
    });
    let items = marks
        .review
        .into_iter()
        .enumerate()
        .map(|(n, item)| {
            let status = match item.credit {
                Credit::Full => "答对",
                Credit::Half => "部分正确（少选）",
                Credit::None if item.chosen.is_empty() => "未作答",
                Credit::None => "答错",
            };
            let letters = |list: &[usize]| {
                list.iter()
                    .map(|&i| domain::contest::bank::letter(i).to_string())
                    .collect::<Vec<_>>()
                    .join("、")
            };
            let options = item
                .question
                .options
                .iter()
                .enumerate()
                .map(|(i, text)| view! { <li>{format!("{}. {text}", domain::contest::bank::letter(i))}</li> })
                .collect_view();
            let class = if item.credit == Credit::Full { "review review--right" } else { "review review--wrong" };
            view! {
                <li class=class>
                    <p class="review__stem"><strong>{format!("第 {} 题（{}）{status}", n + 1, item.question.kind.label())}</strong><br />{item.question.stem}</p>
                    <ul class="review__options">{options}</ul>
                    <p>{format!("您的答案：{}；正确答案：{}", if item.chosen.is_empty() { "未作答".into() } else { letters(&item.chosen) }, letters(&item.correct))}</p>
                    <p><strong>"解析："</strong>{item.explanation}</p>
                    <p class="hint">{format!("出处：{}", item.source)}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        {verdict}
        <dl class="facts">
            <div class="facts__row"><dt>"得分"</dt><dd>{format!("{} 分", marks.score)}</dd></div>
        </dl>
        {certificate}
        <h2>"答题解析"</h2>
        <ol class="review-list">{items}</ol>
    }
}

/// `/contest/certificate?code=…`: confirms a certificate by its verification code.
#[component]
pub fn CertificateCheckPage() -> impl IntoView {
    let site = use_site();
    let code = query_param("code").unwrap_or_default();
    let asked = !code.trim().is_empty();
    let found = Resource::new_blocking(
        {
            let code = code.clone();
            move || code.clone()
        },
        verify_certificate,
    );
    view! {
        <Title text="证书验证" />
        <h1>"竞赛证书验证"</h1>
        <form class="search-form" method="get" action=site.href("/contest/certificate")>
            <label for="code">"证书验证码"</label>
            <input id="code" name="code" type="text" maxlength="20" value=code.clone() />
            <button type="submit" class="button">"验证"</button>
        </form>
        {asked.then(|| view! {
            <Suspense fallback=|| view! { <p>"正在验证…"</p> }>
                {move || Suspend::new(async move {
                    match found.await {
                        Ok(Some(c)) => view! {
                            <p class="verdict verdict--ok" role="status">
                                {format!("证书有效：{} 于 {} 参加“{}”，得分 {} 分。验证码 {}。", c.nickname, format_beijing(c.submitted_at), c.contest_title, c.score, c.code)}
                            </p>
                        }.into_any(),
                        Ok(None) => view! { <p class="verdict verdict--bad" role="status">"没有找到这个验证码对应的证书。"</p> }.into_any(),
                        Err(_) => view! { <Notice kind=NoticeKind::Error message="暂时无法验证，请稍后再试。" /> }.into_any(),
                    }
                })}
            </Suspense>
        })}
    }
}
