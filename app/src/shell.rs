use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags};

use crate::{prefs::elder_mode_requested, routes::App, site::use_site};

/// The whole HTML document. The server renders it for every page; the browser only hydrates
/// the islands inside it.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let site = use_site();
    let root = site.base.clone();
    let elder = elder_mode_requested();
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN" data-base=site.base.clone() class:elder=elder>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#b3261e" />
                <link rel="icon" href=site.href("/favicon.svg") type="image/svg+xml" />
                <HashedStylesheet options=options.clone() id="leptos" root=root.clone() />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true root />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}
