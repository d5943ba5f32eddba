use std::{net::SocketAddr, path::PathBuf};

use clap::Args;

use crate::middleware::client_ip::TrustedAddresses;

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

    /// Bytes the page cache may hold, every byte of a kept page counted (its URL, headers and
    /// body); beyond it the cache starts again empty.
    #[arg(long, env = "AQXC_PAGE_CACHE_MAX_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub page_cache_max_bytes: usize,
    /// Megabytes of memory for decoded draws and their prepared open-data records (three
    /// quarters draws, one quarter records); the least recently used go first when full.
    #[arg(long, env = "AQXC_MEMO_MB", default_value_t = app::memo::DEFAULT_MEMO_MB)]
    pub memo_mb: usize,

    /// Milliseconds between checks of the shared change counter, which empty this instance's
    /// page cache after another instance's staff change (on PostgreSQL, `NOTIFY` tells it
    /// at once, and this check catches what a reconnecting listener missed).
    #[arg(long, env = "AQXC_CHANGE_CHECK_MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..))]
    pub change_check_ms: u64,

    /// Whether to use PostgreSQL's `LISTEN`/`NOTIFY` for staff changes; `false` for databases
    /// that speak PostgreSQL's protocol without it (e.g. GaussDB): the periodic check remains.
    #[arg(long, env = "AQXC_DB_NOTIFY", default_value_t = true, action = clap::ArgAction::Set)]
    pub db_notify: bool,

    #[command(flatten)]
    pub security: SecurityConfig,

    #[command(flatten)]
    pub connections: ConnectionConfig,

    #[command(flatten)]
    pub filings: FilingsConfig,

    /// The CJK font certificate pictures are drawn with (TTF, OTF or TTC); `scripts/setup.sh`
    /// installs Debian's fonts-wqy-microhei. Without it, certificates are offered as SVG only.
    #[arg(
        long,
        env = "AQXC_CERTIFICATE_FONT",
        default_value = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    )]
    pub certificate_font: PathBuf,

    /// Certificate pictures drawn at the same time, at most (each takes a core and about 10 MB
    /// for a moment); a phone asking past that is told to try again in a few seconds.
    #[arg(long, env = "AQXC_CERTIFICATE_DRAWINGS", default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub certificate_drawings: u64,

    /// Megabytes of finished certificate pictures kept in memory (a picture is about 100 KB and
    /// never changes, so it is drawn once while kept); 0 keeps none.
    #[arg(long, env = "AQXC_CERTIFICATE_CACHE_MB", default_value_t = 32, value_parser = clap::value_parser!(u64).range(0..=4096))]
    pub certificate_cache_mb: u64,

    /// Whether an empty database gets the demo world (registries, a finished draw, an open
    /// contest with a few attempts, all marked 演示数据); `false` for a real deployment.
    /// `server demo remove` takes an existing demo out.
    #[arg(long, env = "AQXC_DEMO", default_value_t = true, action = clap::ArgAction::Set)]
    pub demo: bool,
}

/// The filing facts a government site shows in its footer; each one left unset is not shown.
#[derive(Clone, Debug, Default, Args)]
pub struct FilingsConfig {
    /// 网站标识码 (the government site code), e.g. 4407830001.
    #[arg(long, env = "AQXC_SITE_CODE")]
    pub site_code: Option<String>,

    /// ICP filing number, e.g. 粤ICP备12345678号.
    #[arg(long, env = "AQXC_ICP_FILING")]
    pub icp_filing: Option<String>,

    /// Public security filing number, e.g. 粤公网安备 44078302000123号.
    #[arg(long, env = "AQXC_POLICE_FILING")]
    pub police_filing: Option<String>,

    /// The site's page on the national 我为政府网站找错 platform, e.g.
    /// https://zfwzzc.www.gov.cn/check_web/errorInfo/jcInfoNew?sitecode=4407830001.
    #[arg(long, env = "AQXC_ERROR_REPORT_URL")]
    pub error_report_url: Option<String>,
}

impl FilingsConfig {
    /// The facts as pages show them; blank values count as unset.
    pub fn filings(&self) -> app::foundation::site::Filings {
        let set = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        app::foundation::site::Filings {
            site_code: set(&self.site_code),
            icp: set(&self.icp_filing),
            police: set(&self.police_filing),
            error_report_url: set(&self.error_report_url),
        }
    }
}

/// How long the server waits for clients, and how many it serves at once. The defaults leave
/// a phone on a slow network plenty of time.
#[derive(Clone, Debug, Args)]
pub struct ConnectionConfig {
    /// Seconds a client has to send a request's header, from the connection's start or from the
    /// request's first byte.
    #[arg(long, env = "AQXC_HEADER_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_secs: u64,

    /// Seconds a request may take to be answered, counted from the last byte of its body that
    /// arrived: an upload that keeps sending is never cut, one that stalls this long is.
    #[arg(long, env = "AQXC_REQUEST_TIMEOUT_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_secs: u64,

    /// Seconds an idle connection is kept open for the client's next request (longer than a
    /// reverse proxy's own keep-alive, so the proxy is the one that closes).
    #[arg(long, env = "AQXC_KEEP_ALIVE_SECS", default_value_t = 75, value_parser = clap::value_parser!(u64).range(1..))]
    pub keep_alive_secs: u64,

    /// Connections served at once; beyond it a client is answered 503 and asked to retry.
    #[arg(long, env = "AQXC_MAX_CONNECTIONS", default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: u64,

    /// Connections one address may hold open at once (a whole office behind one NAT address
    /// counts as one); beyond it that address is answered 503. The reverse proxies of
    /// `AQXC_PROXY_ADDRESSES` are exempt. 0: no cap.
    #[arg(long, env = "AQXC_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 256)]
    pub max_connections_per_address: u64,

    /// Slowest average rate, in bytes a second, at which a request body may arrive once the
    /// grace period is over; a slower one is answered 408 and the connection closed. 0: no
    /// minimum.
    #[arg(long, env = "AQXC_MIN_BODY_BYTES_PER_SEC", default_value_t = 256)]
    pub min_body_bytes_per_sec: u64,

    /// Slowest average rate, in bytes a second, at which a client must take an answer while
    /// the server waits on it, once the grace period is over; a client that stops reading is
    /// disconnected. 0: no minimum.
    #[arg(long, env = "AQXC_MIN_ANSWER_BYTES_PER_SEC", default_value_t = 256)]
    pub min_answer_bytes_per_sec: u64,

    /// Seconds a slow transfer is left alone before the two minimum rates above apply (a phone
    /// passing through a tunnel gets this long to come back).
    #[arg(long, env = "AQXC_SLOW_CLIENT_GRACE_SECS", default_value_t = 30)]
    pub slow_client_grace_secs: u64,
}

impl ConnectionConfig {
    /// The limits the server loop enforces.
    pub fn limits(&self) -> crate::serving::Limits {
        crate::serving::Limits {
            header_timeout: std::time::Duration::from_secs(self.header_timeout_secs),
            request_timeout: std::time::Duration::from_secs(self.request_timeout_secs),
            keep_alive: std::time::Duration::from_secs(self.keep_alive_secs),
            max_connections: usize::try_from(self.max_connections)
                .unwrap_or(usize::MAX)
                .min(tokio::sync::Semaphore::MAX_PERMITS),
            max_connections_per_address: usize::try_from(self.max_connections_per_address)
                .unwrap_or(usize::MAX),
            body_rate: crate::serving::MinimumRate {
                bytes_per_sec: self.min_body_bytes_per_sec,
                grace: std::time::Duration::from_secs(self.slow_client_grace_secs),
            },
            answer_rate: crate::serving::MinimumRate {
                bytes_per_sec: self.min_answer_bytes_per_sec,
                grace: std::time::Duration::from_secs(self.slow_client_grace_secs),
            },
        }
    }
}

/// Where the data lives.
#[derive(Clone, Debug, Args)]
pub struct DatabaseConfig {
    /// The database: a SQLite file (`sqlite://PATH`, the default; the file and its folder are
    /// created on first start, the folder's own parent must exist) or a PostgreSQL database
    /// (`postgres://USER:PASSWORD@HOST/DATABASE`, created beforehand: see the README).
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

    /// The reverse proxies' own addresses, comma-separated IP addresses or CIDR ranges (e.g.
    /// `127.0.0.1,::1,10.0.0.0/8`): `X-Forwarded-For` is only believed from a connection of one
    /// of them, and they are exempt from the per-address connection cap. Empty: nobody.
    #[arg(long, env = "AQXC_PROXY_ADDRESSES", default_value = "127.0.0.1,::1")]
    pub proxy_addresses: String,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "AQXC_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
}

/// What the server refuses to start with, each said in one line that names the value given and
/// what is expected.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("AQXC_DATABASE_URL={url}: unknown database scheme \"{scheme}\"; {EXPECTED_DATABASE}")]
    UnknownDatabaseScheme { url: String, scheme: String },
    #[error("AQXC_DATABASE_URL={0}: not a database URL; {EXPECTED_DATABASE}")]
    NotADatabaseUrl(String),
    #[error("AQXC_DATABASE_URL={0}: names no database file; {EXPECTED_DATABASE}")]
    NoDatabaseFile(String),
    #[error(
        "AQXC_DATABASE_URL={url}: the folder \"{parent}\" does not exist (only the database's own \
         folder is created); create it or choose another path"
    )]
    NoParentFolder { url: String, parent: String },
    #[error(
        "AQXC_BASE_PATH={value:?}: {reason}; expected / or a path such as /aqxc/ made of letters, \
         digits, \"-\", \"_\", \".\" and \"~\" between slashes"
    )]
    BadBasePath { value: String, reason: String },
    #[error(
        "AQXC_PROXY_ADDRESSES={value:?}: {reason}; expected IP addresses or CIDR ranges separated \
         by commas, e.g. 127.0.0.1,::1,10.0.0.0/8"
    )]
    BadProxyAddresses { value: String, reason: String },
}

/// What every database error message ends with.
const EXPECTED_DATABASE: &str =
    "expected sqlite://PATH (e.g. sqlite://data/aqxc.db) or postgres://USER@HOST/DATABASE";

/// A database URL as an error message may show it: with its password hidden.
fn shown(url: &str) -> String {
    crate::db::redacted(url)
}

/// A database the portal can serve from, told by the URL's scheme; another backend is one more
/// variant and one more arm in [`DatabaseTarget::parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// A SQLite file: the URL as sqlx reads it (`sqlite://data/aqxc.db`, `sqlite:///srv/aqxc.db`,
    /// with `?…` options if any).
    Sqlite(String),
    /// A PostgreSQL (or PostgreSQL-compatible) database: the URL as sqlx reads it.
    Postgres(String),
}

impl DatabaseTarget {
    /// Reads a database URL, refusing schemes the portal cannot serve and URLs without a file.
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let Some((scheme, rest)) = url.split_once(':') else {
            return Err(ConfigError::NotADatabaseUrl(shown(url)));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => {
                let path = rest.strip_prefix("//").unwrap_or(rest);
                let path = path.split_once('?').map_or(path, |(path, _)| path);
                if path.is_empty() || path.starts_with(':') || path.ends_with('/') {
                    return Err(ConfigError::NoDatabaseFile(shown(url)));
                }
                Ok(Self::Sqlite(url.to_string()))
            }
            "postgres" | "postgresql" => {
                let rest = rest.strip_prefix("//").unwrap_or(rest);
                if rest.is_empty() {
                    return Err(ConfigError::NotADatabaseUrl(shown(url)));
                }
                Ok(Self::Postgres(url.to_string()))
            }
            "" => Err(ConfigError::NotADatabaseUrl(shown(url))),
            other => Err(ConfigError::UnknownDatabaseScheme {
                url: shown(url),
                scheme: other.to_string(),
            }),
        }
    }
}

impl DatabaseConfig {
    /// The database named by `AQXC_DATABASE_URL`, or why it cannot be served from.
    pub fn target(&self) -> Result<DatabaseTarget, ConfigError> {
        DatabaseTarget::parse(&self.database_url)
    }
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

    /// The reverse proxies trusted by address (`AQXC_PROXY_ADDRESSES`).
    pub fn proxy_addresses(&self) -> Result<TrustedAddresses, ConfigError> {
        TrustedAddresses::parse(&self.proxy_addresses).map_err(|reason| {
            ConfigError::BadProxyAddresses {
                value: self.proxy_addresses.clone(),
                reason,
            }
        })
    }

    /// Whether visitors reach the site over HTTPS.
    pub fn https(&self) -> bool {
        self.public_origin
            .as_deref()
            .is_some_and(|origin| origin.starts_with("https://"))
    }
}

impl Config {
    /// Checks what can be checked before anything is opened or created: the database URL and the
    /// base path.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.database.target()?;
        self.security.proxy_addresses()?;
        app::foundation::site::Site::parse(&self.base_path).map_err(|reason| {
            ConfigError::BadBasePath {
                value: self.base_path.clone(),
                reason,
            }
        })?;
        Ok(())
    }

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
            page_cache_max_bytes: 64 * 1024 * 1024,
            memo_mb: app::memo::DEFAULT_MEMO_MB,
            change_check_ms: 1000,
            db_notify: true,
            security: SecurityConfig {
                public_origin: None,
                session_idle_minutes: 30,
                session_max_hours: 12,
                trust_forwarded_for: false,
                trusted_proxies: 0,
                proxy_addresses: "127.0.0.1,::1".to_string(),
                max_body_bytes: 1024 * 1024,
            },
            connections: ConnectionConfig {
                header_timeout_secs: 30,
                request_timeout_secs: 60,
                keep_alive_secs: 75,
                max_connections: 4096,
                max_connections_per_address: 256,
                min_body_bytes_per_sec: 256,
                min_answer_bytes_per_sec: 256,
                slow_client_grace_secs: 30,
            },
            filings: FilingsConfig::default(),
            certificate_font: PathBuf::from("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
            certificate_drawings: 2,
            certificate_cache_mb: 32,
            demo: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_that_name_a_file_are_accepted() {
        for url in [
            "sqlite://data/aqxc.db",
            "sqlite:///srv/aqxc/aqxc.db",
            "sqlite:data/aqxc.db",
            "SQLITE://aqxc.db?mode=rwc",
        ] {
            assert_eq!(
                DatabaseTarget::parse(url),
                Ok(DatabaseTarget::Sqlite(url.to_string()))
            );
        }
    }

    #[test]
    fn postgres_urls_are_accepted() {
        for url in [
            "postgres://aqxc@127.0.0.1/aqxc",
            "postgresql://aqxc:secret@db:5432/aqxc",
        ] {
            assert_eq!(
                DatabaseTarget::parse(url),
                Ok(DatabaseTarget::Postgres(url.to_string()))
            );
        }
        assert_eq!(
            DatabaseTarget::parse("postgres://"),
            Err(ConfigError::NotADatabaseUrl("postgres://".to_string()))
        );
    }

    #[test]
    fn other_schemes_and_urls_without_a_file_are_refused_naming_the_value() {
        let refused = DatabaseTarget::parse("mysql://u@h/db").unwrap_err();
        assert_eq!(
            refused.to_string(),
            "AQXC_DATABASE_URL=mysql://u@h/db: unknown database scheme \"mysql\"; \
             expected sqlite://PATH (e.g. sqlite://data/aqxc.db) or postgres://USER@HOST/DATABASE"
        );
        assert!(matches!(
            DatabaseTarget::parse("mysql://u:p@h/db"),
            Err(ConfigError::UnknownDatabaseScheme { .. })
        ));
        for url in ["data/aqxc.db", ":memory:"] {
            assert_eq!(
                DatabaseTarget::parse(url),
                Err(ConfigError::NotADatabaseUrl(url.to_string()))
            );
        }
        for url in [
            "sqlite://",
            "sqlite:",
            "sqlite::memory:",
            "sqlite://data/",
            "sqlite://?mode=rwc",
        ] {
            assert_eq!(
                DatabaseTarget::parse(url),
                Err(ConfigError::NoDatabaseFile(url.to_string()))
            );
        }
    }

    #[test]
    fn proxy_addresses_that_are_not_addresses_are_refused_naming_the_value() {
        let mut config = Config::for_tests("sqlite://x.db".into(), PathBuf::from("site"), "/");
        config.security.proxy_addresses = "127.0.0.1,nginx".into();
        let refused = config.validate().unwrap_err();
        assert!(
            refused
                .to_string()
                .starts_with("AQXC_PROXY_ADDRESSES=\"127.0.0.1,nginx\": \"nginx\" is neither"),
            "{refused}"
        );
    }

    #[test]
    fn a_bad_base_path_is_refused_by_validation() {
        let mut config = Config::for_tests("sqlite://x.db".into(), PathBuf::from("site"), "/a b/");
        let refused = config.validate().unwrap_err();
        assert!(
            refused
                .to_string()
                .starts_with("AQXC_BASE_PATH=\"/a b/\": "),
            "{refused}"
        );
        config.base_path = "/aqxc/".into();
        assert_eq!(config.validate(), Ok(()));
    }
}
