//! Practice mode over the whole bank: one question at a time, instant feedback with the
//! explanation, no time limit, no ranking, nothing stored.

use leptos::prelude::*;

use super::focus_after_render;
use crate::contest::{
    Credit, Kind, PracticeFeedback, PracticeQuestion,
    api::{next_practice_question, practice_check},
};

/// The id of the question on screen; focus moves to it after an answer is checked and when the
/// next question comes, so that keyboard and screen-reader users carry on from there.
const PANEL: &str = "practice-panel";

#[island(lazy)]
pub fn Practice(
    /// The first question, drawn by the server and in the page's HTML, so that it shows before
    /// the WebAssembly has loaded; `None` when the server could not draw one.
    first: Option<PracticeQuestion>,
) -> impl IntoView {
    let seen = StoredValue::new(
        first
            .iter()
            .map(|q| q.question.id.clone())
            .collect::<Vec<_>>(),
    );
    let needs_first = first.is_none();
    let question = RwSignal::new(first);
    let chosen = RwSignal::new(Vec::<usize>::new());
    let feedback = RwSignal::new(None::<PracticeFeedback>);
    // Effects run only in the browser: tests wait for the attribute before acting.
    let hydrated = RwSignal::new(false);
    Effect::new(move || hydrated.set(true));
    let tally = RwSignal::new((0usize, 0usize));
    let failed = RwSignal::new(false);

    // `focus`: whether the visitor asked for it (not on the first question, when the page opens).
    let next = move |focus: bool| {
        leptos::task::spawn_local(async move {
            match next_practice_question(seen.get_value()).await {
                Ok(Some(q)) => {
                    seen.update_value(|s| {
                        s.push(q.question.id.clone());
                        if s.len() > 50 {
                            s.remove(0);
                        }
                    });
                    failed.set(false);
                    // All at once: the question with its feedback stays until the next one is here.
                    feedback.set(None);
                    chosen.set(Vec::new());
                    question.set(Some(q));
                    if focus {
                        focus_after_render(PANEL);
                    }
                }
                _ => failed.set(true),
            }
        });
    };
    #[cfg(feature = "hydrate")]
    if needs_first {
        next(false);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = needs_first;

    let check = move |_| {
        let Some(q) = question.get_untracked() else {
            return;
        };
        let picked = chosen.get_untracked();
        if picked.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            match practice_check(q.question.id.clone(), q.order.clone(), picked).await {
                Ok(Some(result)) => {
                    tally.update(|(asked, right)| {
                        *asked += 1;
                        if result.credit == Credit::Full {
                            *right += 1;
                        }
                    });
                    feedback.set(Some(result));
                    focus_after_render(PANEL);
                }
                _ => failed.set(true),
            }
        });
    };

    view! {
        <div class="quiz practice" data-hydrated=move || hydrated.get().then_some("true")>
            <p class="quiz-status" role="status">{move || {
                let (asked, right) = tally.get();
                format!("已练习 {asked} 题，答对 {right} 题")
            }}</p>
            {move || failed.get().then(|| view! { <p class="notice notice--error" role="alert">"题目暂时无法读取，请检查网络后再试。"</p> })}
            {move || question.get().map(|q| {
                let multiple = q.question.kind == Kind::Multiple;
                let done = feedback.get();
                let options = q.question.options.iter().enumerate().map(|(n, text)| {
                    let id = format!("p-o{n}");
                    let checked = move || chosen.with(|c| c.contains(&n));
                    let mark = done.as_ref().map(|f| if f.correct.contains(&n) { " ✓ 正确答案" } else { "" }).unwrap_or("");
                    let toggle = move |_| chosen.update(|c| {
                        if multiple {
                            if let Some(at) = c.iter().position(|&x| x == n) { c.remove(at); } else { c.push(n); }
                        } else {
                            *c = vec![n];
                        }
                    });
                    let locked = done.is_some();
                    let kind = if multiple { "checkbox" } else { "radio" };
                let label_for = id.clone();
                    view! {
                        <label class="quiz-option" for=label_for>
                            <input type=kind id=id name="practice" prop:checked=checked disabled=locked on:change=toggle />
                            <span>{format!("{}. {text}{mark}", domain::contest::bank::letter(n))}</span></label>
                    }
                }).collect_view();
                let verdict = done.map(|f| {
                    let (class, text) = match f.credit {
                        Credit::Full => ("verdict verdict--ok", "回答正确"),
                        Credit::Half => ("verdict verdict--bad", "部分正确（少选）"),
                        Credit::None => ("verdict verdict--bad", "回答错误"),
                    };
                    view! {
                        <div role="status">
                            <p class=class>{text}</p>
                            <p><strong>"解析："</strong>{f.explanation}</p>
                            <p class="hint">{format!("出处：{}", f.source)}</p>
                        </div>
                    }
                });
                view! {
                    <fieldset class="quiz-question" id=PANEL tabindex="-1">
                        <legend>
                            <span class="quiz-question__number">{format!("{} · {}{}", q.topic, q.question.kind.label(), if multiple { "（可选多项）" } else { "" })}</span>
                            <span class="quiz-question__stem">{q.question.stem.clone()}</span>
                        </legend>
                        <div class="quiz-options">{options}</div>
                    </fieldset>
                    {verdict}
                    <div class="quiz-controls">
                        // One button for both steps: a branch here would double the island's code.
                        {move || {
                            let answering = feedback.with(Option::is_none);
                            view! {
                                <button type="button" class="button"
                                    disabled=move || answering && chosen.with(Vec::is_empty)
                                    on:click=move |ev| if answering { check(ev) } else { next(true) }>
                                    {if answering { "提交答案" } else { "下一题" }}
                                </button>
                            }
                        }}
                    </div>
                }
            })}
        </div>
    }
}
