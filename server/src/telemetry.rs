use tracing_subscriber::{EnvFilter, fmt};

/// Logs to standard error, filtered by `RUST_LOG` (default: `info`, with the noisy SQL
/// statement log kept at warnings).
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    // A second initialisation (as in tests) is harmless: the first subscriber stays.
    let _ = fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
