use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags};

use crate::{prefs::elder_mode_requested, routes::App, site::use_site};

/// The whole HTML document. The server renders it for every page; the browser only hydrates
/// the islands inside it.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let site = use_site();
    let root = site.base.clone();
    let elder = elder_mode_requested();
    #[cfg(feature = "ssr")]
    set_content_security_policy();
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

/// Pages allow only the site's own scripts, plus the one inline hydration script by its nonce,
/// and WebAssembly compilation. No inline script or style runs without the nonce.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
