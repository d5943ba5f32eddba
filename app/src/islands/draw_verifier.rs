use leptos::prelude::*;

/// Most steps listed on the page; the count of the rest is given.
const STEPS_SHOWN: usize = 200;

/// What the verification found, ready to show.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    ok: bool,
    key: String,
    checks: Vec<(String, bool, String)>,
    steps: Vec<[String; 6]>,
    total_steps: usize,
    millis: f64,
}

/// Re-runs a revealed draw in the browser from its public record, with the very code the
/// server drew with (`domain::inspection`, compiled to WebAssembly), and shows every check and
/// every step: key, MD5, pool size, position.
#[island]
pub fn DrawVerifier(draw_id: i64) -> impl IntoView {
    let shown = RwSignal::new(None::<Shown>);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let verify = move |_| {
        busy.set(true);
        failure.set(None);
        leptos::task::spawn_local(async move {
            match crate::inspections::api::draw_record(draw_id).await {
                Ok(Some(record)) => shown.set(Some(check(&record))),
                Ok(None) => failure.set(Some("这次抽签还没有可复核的公开记录。".into())),
                Err(_) => failure.set(Some("公开记录暂时无法读取，请稍后再试。".into())),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="verifier">
            <button type="button" class="button" on:click=verify disabled=move || busy.get()>
                {move || if busy.get() { "正在复核…" } else { "在浏览器中复核这次抽签" }}
            </button>
            {move || failure.get().map(|message| view! { <p class="notice notice--error" role="alert">{message}</p> })}
            <div role="status" aria-live="polite">
                {move || shown.get().map(|s| view! {
                    <p class=if s.ok { "verdict verdict--ok" } else { "verdict verdict--bad" }>
                        {if s.ok { "复核通过：重新计算的结果与公开名单、抽签承诺完全一致。" } else { "复核未通过：见下面标记为“不一致”的项目。" }}
                    </p>
                })}
            </div>
            {move || shown.get().map(|s| {
                let checks = s.checks.into_iter().map(|(label, ok, detail)| view! {
                    <li class=if ok { "verify-check verify-check--ok" } else { "verify-check verify-check--bad" }>
                        <strong>{if ok { "一致 ✓ " } else { "不一致 ✗ " }}{label}</strong>
                        <br /><span class="hint">{detail}</span>
                    </li>
                }).collect_view();
                let more = s.total_steps.saturating_sub(STEPS_SHOWN);
                let steps = s.steps.into_iter().map(|[n, within, md5, remaining, position, item]| view! {
                    <tr><td>{n}</td><td>{within}</td><td><code>{md5}</code></td><td>{remaining}</td><td>{position}</td><td><code>{item}</code></td></tr>
                }).collect_view();
                view! {
                    <ul class="verify-checks">{checks}</ul>
                    <p class="hint">{format!("在本机用时 {:.1} 毫秒。", s.millis)}</p>
                    <h3>"逐步抽签"</h3>
                    <p>"密钥（按 RFC 3797 由公开数据组成）："<code>{s.key}</code></p>
                    <div class="table-scroll">
                        <table class="table">
                            <caption class="visually-hidden">"逐步抽签过程"</caption>
                            <thead><tr>
                                <th scope="col">"序号"</th><th scope="col">"分层或企业"</th><th scope="col">"MD5"</th>
                                <th scope="col">"剩余数"</th><th scope="col">"抽中位置"</th><th scope="col">"抽中"</th>
                            </tr></thead>
                            <tbody>{steps}</tbody>
                        </table>
                    </div>
                    {(more > 0).then(|| view! { <p class="hint">{format!("另有 {more} 步未列出，完整过程可用 server draw verify 离线查看。")}</p> })}
                }
            })}
        </div>
    }
}

fn check(record: &domain::inspection::record::DrawRecord) -> Shown {
    let started = now_millis();
    let report = domain::inspection::record::verify(record);
    let millis = now_millis() - started;
    let outcome = report.outcome.clone();
    let total_steps = outcome.as_ref().map_or(0, |o| o.steps.len());
    Shown {
        ok: report.all_ok(),
        key: outcome.as_ref().map(|o| o.key.clone()).unwrap_or_default(),
        checks: report
            .checks
            .into_iter()
            .map(|c| (c.label.to_string(), c.ok, c.detail))
            .collect(),
        steps: outcome
            .map(|o| {
                o.steps
                    .into_iter()
                    .take(STEPS_SHOWN)
                    .map(|p| {
                        [
                            (usize::from(p.step.counter) + 1).to_string(),
                            p.within,
                            p.step.md5_hex,
                            p.step.remaining.to_string(),
                            (p.step.remainder + 1).to_string(),
                            p.item,
                        ]
                    })
                    .collect()
            })
            .unwrap_or_default(),
        total_steps,
        millis,
    }
}

fn now_millis() -> f64 {
    #[cfg(feature = "hydrate")]
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        return performance.now();
    }
    0.0
}
