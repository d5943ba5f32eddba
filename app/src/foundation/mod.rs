//! What every feature stands on, and nothing feature-specific: where the portal is served and
//! who runs it (`site`), what the middleware learned about the request, the clock, HTML
//! escaping, the one error type of server functions, the audit log, JSON columns, and what
//! server functions share, and who is signed in with the role checks (`access`). Features depend
//! on it; it depends on no feature but for the staff member a request acts as (`access`,
//! `server_support`, `audit`: the staff types live with the staff feature).

/// Who is signed in, and the checks every staff page and server function makes.
pub mod access;
/// The append-only audit log of staff actions, and the actions with their Chinese labels.
pub mod audit;
/// Unix time, and how the portal shows it (Beijing time).
pub mod clock;
/// The database the stores speak to, SQLite or PostgreSQL, and the few dialect pairs (server only).
#[cfg(feature = "ssr")]
pub mod db;
/// The one error type of every server function.
pub mod error;
/// HTML escaping for text written outside `view!`.
pub mod html;
/// Structured values kept as JSON in one column, for the stores (server only).
#[cfg(feature = "ssr")]
pub mod json_column;
/// What the server's middleware learned about the request (client address, CSRF token).
pub mod request;
/// What server functions share: the pool, redirects, hidden errors, the audit helper.
#[cfg(feature = "ssr")]
pub mod server_support;
/// Site-wide facts the pages need: the base path the portal is served under, the bureau.
pub mod site;
