use leptos::prelude::*;

use crate::foundation::site::use_site;

/// The read-aloud (朗读) control: play / pause, stop and speed, reading the elements `read`
/// selects (CSS selectors, in page order). Plain HTML driven by `/read-aloud.js`, a small
/// script of its own, so that information pages still load no WebAssembly; hidden until the
/// script runs.
#[component]
pub fn ReadAloud(read: &'static str, label: &'static str) -> impl IntoView {
    let site = use_site();
    view! {
        <div class="read-aloud" data-read=read data-label=label role="group" aria-label="朗读">
            <button type="button" class="read-aloud__play" aria-pressed="false">
                {format!("▶ {label}")}
            </button>
            <button type="button" class="read-aloud__stop" hidden>"■ 停止"</button>
            <label class="read-aloud__speed">
                "语速"
                <select class="read-aloud__rate">
                    <option value="0.75">"慢"</option>
                    <option value="1" selected>"正常"</option>
                    <option value="1.25">"快"</option>
                </select>
            </label>
            // A live region without role=status: the pages' own notices are their status.
            <span class="read-aloud__status" aria-live="polite"></span>
        </div>
        <script type="module" src=site.href("/read-aloud.js")></script>
    }
}
