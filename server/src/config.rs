use std::{net::SocketAddr, path::PathBuf};

use clap::Args;

/// Everything the server needs to know to run. Each setting has a default that works on a
/// fresh checkout, a command-line flag, and an environment variable (see `.env.sample`).
#[derive(Clone, Debug, Args)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(long, env = "AQXC_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    #[command(flatten)]
    pub database: DatabaseConfig,

    /// Path prefix the portal is served under, e.g. `/aqxc/` when it is a section of a larger
    /// site; `/` serves it at the root of the host.
    #[arg(long, env = "AQXC_BASE_PATH", default_value = "/")]
    pub base_path: String,

    /// Folder holding the built site (`pkg/` with the WASM, JS and CSS, and public assets),
    /// as written by `cargo leptos build`.
    #[arg(long, env = "AQXC_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Folder where staff uploads (article images) are kept.
    #[arg(long, env = "AQXC_UPLOADS_DIR", default_value = "data/uploads")]
    pub uploads_dir: PathBuf,

    /// Largest image staff may upload, in bytes.
    #[arg(long, env = "AQXC_MAX_UPLOAD_BYTES", default_value_t = 5 * 1024 * 1024)]
    pub max_upload_bytes: usize,

    /// Folder of the content files (`articles/*.md`, …), imported at every start.
    #[arg(long, env = "AQXC_CONTENT_DIR", default_value = "content")]
    pub content_dir: PathBuf,

    /// Milliseconds an anonymous visitor's page is kept and sent again to the next one; 0 turns
    /// the page cache off.
    #[arg(long, env = "AQXC_PAGE_CACHE_MS", default_value_t = 2000)]
    pub page_cache_ms: u64,

    #[command(flatten)]
    pub security: SecurityConfig,
}

/// Where the data lives.
#[derive(Clone, Debug, Args)]
pub struct DatabaseConfig {
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
}

/// Sessions, origins and limits.
#[derive(Clone, Debug, Args)]
pub struct SecurityConfig {
    /// The origin visitors use, e.g. `https://www.kaiping.gov.cn`. When set, forms are only
    /// accepted from it; when it is `https://…`, cookies are `Secure` and HSTS is sent.
    #[arg(long, env = "AQXC_PUBLIC_ORIGIN")]
    pub public_origin: Option<String>,

    /// Minutes a staff session may sit unused before it ends.
    #[arg(long, env = "AQXC_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: i64,

    /// Hours after sign-in when a staff session ends, used or not.
    #[arg(long, env = "AQXC_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: i64,

    /// Take the client's address from the last `X-Forwarded-For` entry (only behind a reverse
    /// proxy that sets it); the same as `AQXC_TRUSTED_PROXIES=1`.
    #[arg(long, env = "AQXC_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,

    /// How many reverse proxies in front of the server append to `X-Forwarded-For` (e.g. 2 for
    /// a CDN and nginx); the client's address is the entry the outermost one wrote. 0: the
    /// connection's peer is the client.
    #[arg(long, env = "AQXC_TRUSTED_PROXIES", default_value_t = 0)]
    pub trusted_proxies: usize,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "AQXC_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
}

impl SecurityConfig {
    /// The number of proxies whose forwarded-for entries are believed.
    pub fn trusted_proxies(&self) -> usize {
        if self.trusted_proxies == 0 && self.trust_forwarded_for {
            1
        } else {
            self.trusted_proxies
        }
    }

    /// Whether visitors reach the site over HTTPS.
    pub fn https(&self) -> bool {
        self.public_origin
            .as_deref()
            .is_some_and(|origin| origin.starts_with("https://"))
    }
}

impl Config {
    /// Settings for tests: any free port on loopback, the given database and site root.
    pub fn for_tests(database_url: String, site_root: PathBuf, base_path: &str) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            database: DatabaseConfig {
                database_url,
                db_max_connections: 4,
            },
            base_path: base_path.to_string(),
            site_root,
            content_dir: PathBuf::from("no-content-in-tests"),
            uploads_dir: PathBuf::from("uploads-set-by-the-test"),
            max_upload_bytes: 5 * 1024 * 1024,
            page_cache_ms: 2000,
            security: SecurityConfig {
                public_origin: None,
                session_idle_minutes: 30,
                session_max_hours: 12,
                trust_forwarded_for: false,
                trusted_proxies: 0,
                max_body_bytes: 1024 * 1024,
            },
        }
    }
}
