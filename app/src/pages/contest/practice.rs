use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

use crate::{
    components::read_aloud::ReadAloud, contest::api::next_practice_question,
    foundation::site::use_site, islands::practice::Practice,
};

/// 练习模式: the whole bank, instant feedback, always open.
#[component]
pub fn PracticePage() -> impl IntoView {
    let site = use_site();
    view! {
        <Title text="练习模式" />
        <Meta name="description" content="安全知识练习：随机出题，答完立即看对错和解析。" />
        <h1>"练习模式"</h1>
        <p class="lead">"从全部题库中随机出题，每答一题立即显示对错和解析。不计时，不排名，不记录。"</p>
        // The first question comes with the page: its largest paint does not wait for WASM.
        <ReadAloud read=".quiz-question" label="朗读本题" />
        <Suspense>
            {Suspend::new(async move {
                let first = next_practice_question(Vec::new()).await.ok().flatten();
                view! { <Practice first /> }
            })}
        </Suspense>
        <noscript><p class="notice notice--error">"练习需要启用浏览器的 JavaScript。"</p></noscript>
        <p class="hint practice-offline" hidden>
            "本页已保存在这台设备上：没有网络时也可以打开练习，还可以通过浏览器菜单“添加到主屏幕”。"
        </p>
        <Link rel="manifest" href=site.href("/manifest.webmanifest") />
        <script type="module" src=site.href("/practice-offline.js")></script>
    }
}
