use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags};

use crate::{foundation::site::use_site, prefs::elder_mode_requested, routes::App};

/// The whole HTML document. The server renders it for every page; the browser only hydrates
/// the islands inside it.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let site = use_site();
    let root = site.base.clone();
    let elder = elder_mode_requested();
    let interactive = page_has_islands(&current_path());
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
                {interactive.then(|| view! { <HydrationScripts options islands=true root /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Whether the page at `path` (under the portal's root) has islands besides the elderly-mode
/// switch, and so needs the WASM bundle.
///
/// Pages that only show information (articles, draws, results, leaderboards) load no script at
/// all: their elderly-mode switch is a plain form that posts and comes back to the page.
/// The contest's answering and practice pages and the staff area are interactive.
pub fn page_has_islands(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        ["admin", ..] => true,
        ["contest", "practice"] => true,
        ["contest", "certificate"] => false,
        ["contest", _contest] => true,
        _ => false,
    }
}

/// The requested path under the portal's root: the server strips the base path before routing
/// (server side; the shell never runs in the browser).
fn current_path() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| parts.uri.path().to_owned())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
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

#[cfg(test)]
mod tests {
    use super::page_has_islands;

    #[test]
    fn only_the_contest_and_the_staff_area_load_the_wasm_bundle() {
        for path in [
            "/admin",
            "/admin/articles/3/edit",
            "/contest/7",
            "/contest/practice",
        ] {
            assert!(page_has_islands(path), "{path}");
        }
        for path in [
            "/",
            "/articles",
            "/articles/flood-season",
            "/inspections",
            "/inspections/draws/2026-11",
            "/contest",
            "/contest/7/leaderboard",
            "/contest/result/abc",
            "/contest/certificate",
            "/login",
        ] {
            assert!(!page_has_islands(path), "{path}");
        }
    }
}
