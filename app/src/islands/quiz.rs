//! The contest in the browser: start, one question at a time with progress and countdown,
//! jumping between questions, a check of the unanswered ones, and submission. The server holds
//! the answers and the clock: the remaining time comes from it, answers are saved to it as they
//! change (and to this device), and a reload resumes the same attempt with the same time left.

use leptos::{either::Either, prelude::*};

use super::focus_after_render;
#[cfg(feature = "hydrate")]
use crate::contest::api::current_attempt;
use crate::contest::{
    AttemptView, Entrant, Kind,
    api::{save_answers, start_attempt, submit_answers},
};
use crate::foundation::error::AppError;

/// The id of what is on screen: the question or the check before submitting. Focus moves to it
/// when it changes, so that keyboard and screen-reader users carry on from there.
const PANEL: &str = "quiz-panel";
/// The server keeps one save per attempt per second; a little more, for clocks that differ.
const SAVE_SPACING_MS: f64 = 1100.0;

#[island(lazy)]
pub fn Quiz(
    contest_id: i64,
    /// Whether to ask for the town or street (optional for the participant).
    ask_town: bool,
    /// Whether to ask for the employer (optional for the participant).
    ask_employer: bool,
) -> impl IntoView {
    let attempt = RwSignal::new(None::<AttemptView>);
    let answers = RwSignal::new(Vec::<Vec<usize>>::new());
    let current = RwSignal::new(0usize);
    let reviewing = RwSignal::new(false);
    let remaining = RwSignal::new(0i64);
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let ready = RwSignal::new(false);
    let submitted = StoredValue::new(false);
    let deadline_ms = StoredValue::new(0f64);

    let begin = move |view: AttemptView| {
        let mut saved = browser::load_answers(&view.id).unwrap_or_else(|| view.answers.clone());
        saved.resize(view.questions.len(), Vec::new());
        deadline_ms.set_value(browser::now_ms() + view.remaining_secs as f64 * 1000.0);
        remaining.set(view.remaining_secs);
        answers.set(saved);
        current.set(0);
        attempt.set(Some(view));
    };

    // Moving to a question, or to the check before submitting, takes the focus along.
    let go_to = move |question: usize| {
        reviewing.set(false);
        current.set(question);
        focus_after_render(PANEL);
    };
    let check = move || {
        reviewing.set(true);
        focus_after_render(PANEL);
    };

    let submit = move || {
        let Some(view) = attempt.get_untracked() else {
            return;
        };
        if submitted.get_value() {
            return;
        }
        submitted.set_value(true);
        busy.set(true);
        let given = answers.get_untracked();
        leptos::task::spawn_local(async move {
            match submit_answers(view.id.clone(), given).await {
                Ok(()) => {
                    browser::forget_answers(&view.id);
                    browser::go(&format!("/contest/result/{}", view.id));
                }
                Err(AppError::Refused(text))
                    if text.contains("已超过答题时间") || text.contains("已经交卷") =>
                {
                    browser::forget_answers(&view.id);
                    browser::go(&format!("/contest/result/{}", view.id));
                }
                Err(AppError::Refused(text)) => {
                    submitted.set_value(false);
                    message.set(Some(text));
                }
                Err(_) => {
                    submitted.set_value(false);
                    message.set(Some(
                        "网络不稳定，交卷没有成功。答案已保存在本机，请再点一次“交卷”。".into(),
                    ));
                }
            }
            busy.set(false);
        });
    };

    #[cfg(feature = "hydrate")]
    {
        leptos::task::spawn_local(async move {
            if let Ok(Some(view)) = current_attempt(contest_id).await {
                begin(view);
            }
            ready.set(true);
        });
        let _ = set_interval_with_handle(
            move || {
                if attempt.get_untracked().is_none() {
                    return;
                }
                let left = ((deadline_ms.get_value() - browser::now_ms()) / 1000.0).ceil() as i64;
                remaining.set(left.max(0));
                if left <= 0 {
                    submit();
                }
            },
            std::time::Duration::from_millis(500),
        );
    }

    let last_save_ms = StoredValue::new(0.0_f64);
    let save_waiting = StoredValue::new(false);
    let save_now = move |id: String| {
        last_save_ms.set_value(browser::now_ms());
        let given = answers.get_untracked();
        leptos::task::spawn_local(async move {
            if let Err(AppError::Refused(text)) = save_answers(id, given).await {
                message.set(Some(text));
            }
        });
    };
    let choose = move |question: usize, option: usize, multiple: bool| {
        answers.update(|all| {
            let chosen = &mut all[question];
            if multiple {
                if let Some(at) = chosen.iter().position(|&c| c == option) {
                    chosen.remove(at);
                } else {
                    chosen.push(option);
                    chosen.sort_unstable();
                }
            } else {
                *chosen = vec![option];
            }
        });
        let Some(view) = attempt.get_untracked() else {
            return;
        };
        browser::store_answers(&view.id, &answers.get_untracked());
        // The server keeps at most one save per attempt per second: quick taps are gathered
        // into one save of the latest answers, sent once the second has passed.
        let wait = last_save_ms.get_value() + SAVE_SPACING_MS - browser::now_ms();
        if wait <= 0.0 {
            save_now(view.id);
        } else if !save_waiting.get_value() {
            save_waiting.set_value(true);
            set_timeout(
                move || {
                    save_waiting.set_value(false);
                    save_now(view.id);
                },
                std::time::Duration::from_millis(wait as u64),
            );
        }
    };

    let start_form = move || {
        let nickname = NodeRef::<leptos::html::Input>::new();
        let town = NodeRef::<leptos::html::Select>::new();
        let employer = NodeRef::<leptos::html::Input>::new();
        let on_submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let entrant = Entrant {
                nickname: nickname.get().map(|i| i.value()).unwrap_or_default(),
                town: town.get().map(|s| s.value()).unwrap_or_default(),
                employer: employer.get().map(|i| i.value()).unwrap_or_default(),
            };
            busy.set(true);
            message.set(None);
            leptos::task::spawn_local(async move {
                match start_attempt(contest_id, entrant).await {
                    Ok(view) => {
                        begin(view);
                        focus_after_render(PANEL);
                    }
                    Err(AppError::Refused(text)) => message.set(Some(text)),
                    Err(_) => message.set(Some("暂时无法开始，请检查网络后再试。".into())),
                }
                busy.set(false);
            });
        };
        let towns = domain::inspections::registry::TOWNS
            .iter()
            .map(|t| view! { <option value=*t>{*t}</option> })
            .collect_view();
        view! {
            <form class="form quiz-start" on:submit=on_submit>
                <div class="field">
                    <label for="nickname">"昵称（必填，会显示在排行榜上）"</label>
                    <input id="nickname" node_ref=nickname type="text" maxlength="20" required autocomplete="nickname" />
                </div>
                {ask_town.then(|| view! {
                    <div class="field">
                        <label for="town">"所在镇街（选填）"</label>
                        <select id="town" node_ref=town><option value="">"不填写"</option>{towns}</select>
                    </div>
                })}
                {ask_employer.then(|| view! {
                    <div class="field">
                        <label for="employer">"工作单位（选填）"</label>
                        <input id="employer" node_ref=employer type="text" maxlength="50" />
                    </div>
                })}
                <p class="hint">"不收集身份证号、电话等个人信息。"</p>
                <button type="submit" class="button button--large" disabled=move || busy.get() || !ready.get()>
                    {move || if ready.get() { "开始答题" } else { "正在准备…" }}
                </button>
            </form>
        }
    };

    let question_view = move || {
        let view = attempt.get()?;
        let total = view.questions.len();
        let index = current.get().min(total.saturating_sub(1));
        let question = view.questions[index].clone();
        let multiple = question.kind == Kind::Multiple;
        let options = question
            .options
            .iter()
            .enumerate()
            .map(|(n, text)| {
                let id = format!("q{index}-o{n}");
                // Only the check follows the answers: redrawing the question on every answer
                // would take the keyboard focus away from the option just chosen.
                let checked = move || answers.with(|a| a.get(index).is_some_and(|c| c.contains(&n)));
                let kind = if multiple { "checkbox" } else { "radio" };
                let label_for = id.clone();
                view! {
                    <label class="quiz-option" for=label_for>
                        <input type=kind id=id name=format!("q{index}") prop:checked=checked on:change=move |_| choose(index, n, multiple) />
                        <span>{format!("{}. {text}", domain::contest::bank::letter(n))}</span>
                    </label>
                }
            })
            .collect_view();
        let hint = if multiple { "（可选多项）" } else { "" };
        let last = index + 1 == total;
        Some(view! {
            <fieldset class="quiz-question" id=PANEL tabindex="-1">
                <legend>
                    <span class="quiz-question__number">{format!("第 {} 题 / 共 {total} 题 · {}{hint}", index + 1, question.kind.label())}</span>
                    <span class="quiz-question__stem">{question.stem.clone()}</span>
                </legend>
                <div class="quiz-options">{options}</div>
            </fieldset>
            <div class="quiz-controls">
                <button type="button" class="button button--quiet" disabled=index == 0 on:click=move |_| go_to(index.saturating_sub(1))>"上一题"</button>
                // One button for both: a branch here would double the island's code.
                <button type="button" class="button" on:click=move |_| if last { check() } else { go_to(index + 1) }>
                    {if last { "检查并交卷" } else { "下一题" }}
                </button>
            </div>
        })
    };

    let navigator = move || {
        let total = attempt.with(|a| a.as_ref().map_or(0, |v| v.questions.len()));
        let buttons = (0..total)
            .map(|n| {
                let done = move || answers.with(|a| a.get(n).is_some_and(|c| !c.is_empty()));
                let here = move || current.get() == n && !reviewing.get();
                let label = move || format!("第 {} 题，{}", n + 1, if done() { "已答" } else { "未答" });
                view! {
                    <li>
                        <button type="button" class=move || if done() { "quiz-nav__item quiz-nav__item--done" } else { "quiz-nav__item" }
                            aria-label=label aria-current=move || here().then_some("step")
                            on:click=move |_| go_to(n)>
                            {n + 1}
                        </button>
                    </li>
                }
            })
            .collect_view();
        view! { <nav class="quiz-nav" aria-label="题目导航"><ol>{buttons}</ol></nav> }
    };

    let review = move || {
        let unanswered: Vec<usize> = answers.with(|a| {
            a.iter()
                .enumerate()
                .filter(|(_, c)| c.is_empty())
                .map(|(n, _)| n)
                .collect()
        });
        let list = if unanswered.is_empty() {
            Either::Left(view! { <p>"所有题目都已作答。"</p> })
        } else {
            let count = unanswered.len();
            let items = unanswered
                .into_iter()
                .map(|n| view! {
                    <li><button type="button" class="button button--quiet" on:click=move |_| go_to(n)>{format!("第 {} 题", n + 1)}</button></li>
                })
                .collect_view();
            Either::Right(
                view! { <p>{format!("还有 {count} 道题没有作答：")}</p><ul class="quiz-unanswered">{items}</ul> },
            )
        };
        view! {
            <section class="quiz-review" id=PANEL tabindex="-1" aria-labelledby="review-title">
                <h2 id="review-title">"交卷前检查"</h2>
                {list}
                <div class="quiz-controls">
                    <button type="button" class="button button--quiet" on:click=move |_| go_to(current.get_untracked())>"返回答题"</button>
                    <button type="button" class="button" disabled=move || busy.get() on:click=move |_| submit()>"确认交卷"</button>
                </div>
            </section>
        }
    };

    view! {
        <div class="quiz">
            {move || message.get().map(|text| view! { <p class="notice notice--error" role="alert">{text}</p> })}
            {move || match attempt.get() {
                None => Either::Left(start_form()),
                Some(view) => {
                    let total = view.questions.len();
                    // Read where it is shown: the attempt's view is drawn once, not on every answer.
                    let answered = move || answers.with(|a| a.iter().filter(|c| !c.is_empty()).count());
                    Either::Right(view! {
                        <div class="quiz-status">
                            <p class="quiz-timer" role="timer" aria-live="off">
                                "剩余时间 "<strong>{move || clock(remaining.get())}</strong>
                            </p>
                            <p class="visually-hidden" aria-live="polite">
                                {move || match remaining.get() { 60 => "还剩 1 分钟".to_string(), 300 => "还剩 5 分钟".to_string(), _ => String::new() }}
                            </p>
                            <label class="quiz-progress">
                                {move || format!("已答 {} / {total} 题", answered())}
                                <progress max=total value=answered></progress>
                            </label>
                        </div>
                        {navigator}
                        {move || if reviewing.get() { Either::Left(review()) } else { Either::Right(question_view()) }}
                    })
                }
            }}
        </div>
    }
}

/// `mm:ss`.
fn clock(secs: i64) -> String {
    format!("{:02}:{:02}", secs / 60, secs % 60)
}

/// What the quiz needs from the browser: a clock, this device's storage, navigation.
mod browser {
    #[cfg(feature = "hydrate")]
    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    fn key(id: &str) -> String {
        format!("aqxc-attempt-{id}")
    }

    pub fn now_ms() -> f64 {
        #[cfg(feature = "hydrate")]
        return js_sys::Date::now();
        #[cfg(not(feature = "hydrate"))]
        0.0
    }

    pub fn load_answers(id: &str) -> Option<Vec<Vec<usize>>> {
        #[cfg(feature = "hydrate")]
        return serde_json::from_str(&storage()?.get_item(&key(id)).ok()??).ok();
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = key(id);
            None
        }
    }

    pub fn store_answers(id: &str, answers: &[Vec<usize>]) {
        #[cfg(feature = "hydrate")]
        if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(answers)) {
            let _ = storage.set_item(&key(id), &text);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, answers);
    }

    pub fn forget_answers(id: &str) {
        #[cfg(feature = "hydrate")]
        if let Some(storage) = storage() {
            let _ = storage.remove_item(&key(id));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    }

    /// Goes to a portal path (the base path comes from `<html data-base>`).
    pub fn go(path: &str) {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let base = window
                .document()
                .and_then(|d| d.document_element())
                .and_then(|html| html.get_attribute("data-base"))
                .unwrap_or_default();
            let _ = window.location().set_href(&format!("{base}{path}"));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = path;
    }
}
