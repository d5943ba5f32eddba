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
    {
        // Leptos's server integration gives every response a random nonce; pages here allow
        // their few inline scripts by hash instead (see below), so that a kept page is the
        // same bytes for everyone. The empty nonce it then writes (`nonce=""`) matches nothing.
        provide_context(leptos::nonce::Nonce::from_value(""));
        // Outside the islands nothing hydrates: no resource's data needs to be in the page.
        if let Some(context) = Owner::current_shared_context() {
            context.set_is_hydrating(false);
        }
        set_content_security_policy(interactive.then(|| bootstrap_hash(&options, &root)));
    }
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

/// Pages allow only the site's own scripts, WebAssembly compilation, and by their SHA-256 hashes
/// Leptos's two fixed data scripts and, on an interactive page, its island bootstrap. No other
/// inline script or style runs.
///
/// A hash rather than a per-response nonce: the bootstrap is the same text on every page of a
/// build, so a kept page is the same bytes for every anonymous visitor and can be sent
/// compressed as it was prepared once (`server::middleware::page_cache`).
#[cfg(feature = "ssr")]
fn set_content_security_policy(bootstrap: Option<String>) {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let mut scripts = vec!["'self'".to_owned()];
    scripts.extend(
        FRAMEWORK_DATA_SCRIPTS
            .iter()
            .map(|script| format!("'{}'", csp_hash(script))),
    );
    if let Some(hash) = bootstrap {
        scripts.push(format!("'{hash}'"));
    }
    // WebAssembly compiles on every page: the islands, and the draw verifier a revealed draw's
    // page loads from `/verifier/start.js`.
    scripts.push("'wasm-unsafe-eval'".to_owned());
    let scripts = scripts.join(" ");
    let policy = format!(
        "default-src 'self'; script-src {scripts}; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The two data scripts Leptos's server integration writes after `</html>`, as they are when
/// nothing outside the islands hydrates: the same on every page.
#[cfg(feature = "ssr")]
const FRAMEWORK_DATA_SCRIPTS: [&str; 2] = [
    "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];",
    "__INCOMPLETE_CHUNKS=[];",
];

/// The CSP source (`sha256-…`) of the island bootstrap this build writes under `root`: found
/// by rendering it once, so it is exactly the text the pages carry.
#[cfg(feature = "ssr")]
fn bootstrap_hash(options: &LeptosOptions, root: &str) -> String {
    use std::{collections::HashMap, sync::Mutex};
    static HASHES: Mutex<Option<HashMap<(String, String), String>>> = Mutex::new(None);
    let key = (root.to_owned(), options.output_name.to_string());
    let mut hashes = HASHES.lock().unwrap_or_else(|p| p.into_inner());
    hashes
        .get_or_insert_with(HashMap::new)
        .entry(key)
        .or_insert_with(|| {
            let html = view! { <HydrationScripts options=options.clone() islands=true root=root.to_owned() /> }
                .to_html();
            csp_hash_of_inline_script(&html).unwrap_or_default()
        })
        .clone()
}

/// `sha256-…` of the first inline `<script>`'s text in `html`.
#[cfg(feature = "ssr")]
fn csp_hash_of_inline_script(html: &str) -> Option<String> {
    let open = html.find("<script")?;
    let text_at = open + html[open..].find('>')? + 1;
    let text = &html[text_at..text_at + html[text_at..].find("</script>")?];
    Some(csp_hash(text))
}

/// `sha256-…` of a script's text, as CSP names it.
#[cfg(feature = "ssr")]
fn csp_hash(script: &str) -> String {
    use base64::{Engine, engine::general_purpose::STANDARD};
    use sha2::{Digest, Sha256};
    format!(
        "sha256-{}",
        STANDARD.encode(Sha256::digest(script.as_bytes()))
    )
}

#[cfg(test)]
mod tests {
    use super::page_has_islands;

    #[cfg(feature = "ssr")]
    #[test]
    fn the_hash_is_of_the_script_text_only() {
        // echo -n 'go();' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            super::csp_hash_of_inline_script(
                r#"<link rel="modulepreload" href="/pkg/a.js"><script type="module">go();</script>"#
            )
            .as_deref(),
            Some("sha256-bYOqbsii8BMz1hC57p5sZG4K4cMuk6QQDiwupM2aRMM=")
        );
        assert_eq!(super::csp_hash_of_inline_script("<p>none</p>"), None);
    }

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
