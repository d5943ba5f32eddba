//! The portal's own rules, in plain Rust with no web framework, so that the server and the
//! browser (compiled to WebAssembly) run exactly the same code, and so that they are tested
//! natively.

/// Articles as files: typed front matter and its validation.
pub mod article;
/// The knowledge contest: question bank, papers, scoring.
pub mod contest;
/// Calendar dates.
pub mod date;
/// Escaping text for HTML written by hand.
pub mod html;
/// Random inspection draws: registries, RFC 3797, strata and teams, verification.
pub mod inspections;
/// Markdown to safe HTML, with a table of contents, a summary and a reading time.
pub mod markdown;
