//! The portal's server: one binary that serves the site and carries the staff command line.
//!
//! Reading order:

/// `server admin …`: staff accounts from the command line.
pub mod admin;
/// `server backup` / `server restore`: the database and uploads, consistent, online.
pub mod backup;
/// A passed attempt's certificate as SVG and as a PNG picture (drawn with a CJK font).
pub mod certificate;
/// The command line: `serve` (the default) and, later, admin and import commands.
pub mod cli;
/// Bodies compressed once and sent many times (site files, kept pages).
pub mod compression;
/// Typed settings with defaults that run out of the box, each overridable by environment.
pub mod config;
/// The pool on SQLite (WAL mode) or PostgreSQL, chosen by the URL; migrations run at start-up.
pub mod db;
/// `server demo remove`: the demo world out of a database.
pub mod demo_cli;
/// `server draw …`: RFC 3797 selection and offline verification.
pub mod draw_cli;
/// `server import …`: registries from CSV files.
pub mod import_cli;
/// What wraps every request: security headers, CSRF guard, staff sessions, limits.
pub mod middleware;
/// HTTP routes, one module per concern, merged in [`routes::router`].
pub mod routes;
/// The HTTP server loop: connection limit, header, idle and request timeouts, graceful stop.
pub mod serving;
/// The lock file that keeps `server restore` off a SQLite database a server is serving.
pub mod serving_lock;
/// Staff changes seen by every instance at once (a shared counter, `NOTIFY` on PostgreSQL).
pub mod site_changes;
/// Building the axum application and running it until a shutdown signal.
pub mod startup;
/// What every handler can reach ([`state::AppState`]).
pub mod state;
/// Logging through `tracing`.
pub mod telemetry;
