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
/// Building blocks shared by pages: header, footer, page headings, empty states.
pub mod components;
/// The knowledge contest: attempts, scoring, leaderboards, certificates.
pub mod contest;
/// The demo world an empty database gets on first start, and its removal.
#[cfg(feature = "ssr")]
pub mod demo;
/// What every feature stands on: site, request, clock, HTML escaping, the error type, the
/// audit log, and what server functions share.
pub mod foundation;
/// Random inspection draws: registries, draws, results, open data.
pub mod inspections;
/// The interactive parts, hydrated in the browser.
pub mod islands;
/// Expensive answers remembered per process (leaderboards, revealed draws).
#[cfg(feature = "ssr")]
pub mod memo;
/// One module per page.
pub mod pages;
/// Visitor preferences kept in a cookie (elderly-friendly mode).
pub mod prefs;
/// The router: which page answers which path.
pub mod routes;
/// The HTML document around every page (`<html>`, `<head>`, hydration scripts).
pub mod shell;
/// Staff accounts, roles, sessions and sign-in throttling.
pub mod staff;

pub use routes::App;
pub use shell::shell;

/// Entry point of the WASM bundle: hydrates the islands found on the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    foundation::site::point_server_functions_at_base_path();
    leptos::mount::hydrate_islands();
}
