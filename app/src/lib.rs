#![recursion_limit = "256"]
//! The portal's user interface, rendered on the server and made interactive in the browser.
//!
//! The site is built from Leptos *islands*: pages are plain server-rendered HTML, and only the
//! few interactive parts ship WebAssembly: the elderly-mode switch, and the contest's islands
//! (lazy, loaded by the contest pages only). The editor preview and the draw verifier are
//! bundles of their own (`editor-preview/`, `draw-verifier/`). See the README for the
//! measurements behind this.
//!
//! A tour of the modules:

/// Articles: import, storage, search, feeds.
pub mod articles;
/// The append-only audit log of staff actions, and the actions with their Chinese labels.
pub mod audit;
/// Unix time, and how the portal shows it (Beijing time).
pub mod clock;
/// Building blocks shared by pages: header, footer, page headings, empty states.
pub mod components;
/// The knowledge contest: attempts, scoring, leaderboards, certificates.
pub mod contest;
/// The one error type of every server function.
pub mod error;
/// HTML escaping for text written outside `view!`.
pub mod html;
/// Random inspection draws: registries, draws, results, open data.
pub mod inspections;
/// The interactive parts, hydrated in the browser.
pub mod islands;
/// Structured values kept as JSON in one column, for the stores (server only).
#[cfg(feature = "ssr")]
pub mod json_column;
/// Expensive answers remembered per process (leaderboards, revealed draws).
#[cfg(feature = "ssr")]
pub mod memo;
/// One module per page.
pub mod pages;
/// Visitor preferences kept in a cookie (elderly-friendly mode).
pub mod prefs;
/// What the server's middleware learned about the request (client address, CSRF token).
pub mod request;
/// The router: which page answers which path.
pub mod routes;
/// What server functions share: the pool, redirects, hidden errors, the audit helper.
#[cfg(feature = "ssr")]
pub mod server_support;
/// The HTML document around every page (`<html>`, `<head>`, hydration scripts).
pub mod shell;
/// Site-wide facts the pages need: the base path the portal is served under, the bureau.
pub mod site;
/// Staff accounts, roles, sessions and sign-in throttling.
pub mod staff;

pub use routes::App;
pub use shell::shell;

/// Entry point of the WASM bundle: hydrates the islands found on the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    site::point_server_functions_at_base_path();
    leptos::mount::hydrate_islands();
}
