use std::{net::SocketAddr, path::PathBuf};

use clap::Args;

/// Everything the server needs to know to run. Each setting has a default that works on a
/// fresh checkout, a command-line flag, and an environment variable (see `.env.sample`).
#[derive(Clone, Debug, Args)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(long, env = "AQXC_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// SQLite database; the file and its folder are created on first start.
    #[arg(
        long,
        env = "AQXC_DATABASE_URL",
        default_value = "sqlite://data/aqxc.db"
    )]
    pub database_url: String,

    /// Most connections the pool keeps open.
    #[arg(long, env = "AQXC_DB_MAX_CONNECTIONS", default_value_t = 8)]
    pub db_max_connections: u32,

    /// Path prefix the portal is served under, e.g. `/aqxc/` when it is a section of a larger
    /// site; `/` serves it at the root of the host.
    #[arg(long, env = "AQXC_BASE_PATH", default_value = "/")]
    pub base_path: String,

    /// Folder holding the built site (`pkg/` with the WASM, JS and CSS, and public assets),
    /// as written by `cargo leptos build`.
    #[arg(long, env = "AQXC_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
}

impl Config {
    /// Settings for tests: any free port on loopback, the given database and site root.
    pub fn for_tests(database_url: String, site_root: PathBuf, base_path: &str) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url,
            db_max_connections: 4,
            base_path: base_path.to_string(),
            site_root,
        }
    }
}
