use std::{path::Path, str::FromStr, time::Duration};

use anyhow::Context;
use app::foundation::db::{Backend, Pool};
use sqlx::{
    ConnectOptions, Connection as _, Executor,
    any::AnyPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode},
};

use crate::config::{ConfigError, DatabaseConfig, DatabaseTarget};

/// The migrations compiled into the binary for a backend: one folder per backend with the
/// same version numbers (so `backup`/`restore` and the schema check compare versions whatever
/// the backend), applied in order at every start.
///
/// Migrations only ever add (see `migrations/README.md`), and one a newer build applied is
/// ignored by an older build: while a deployment rolls, an instance of the old build that
/// restarts on the migrated database keeps working.
pub fn migrator(backend: Backend) -> sqlx::migrate::Migrator {
    let mut migrator = match backend {
        Backend::Sqlite => sqlx::migrate!("../migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("../migrations/postgres"),
    };
    migrator.set_ignore_missing(true);
    migrator
}

/// The schema version this build brings (the same number on both backends).
pub fn latest_version() -> i64 {
    migrator(Backend::Sqlite)
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

/// Opens the database named by the URL and brings its schema up to date. SQLite files (and
/// their folder) are created if needed, in WAL mode so readers never wait for the writer; a
/// PostgreSQL database must exist. A URL the portal cannot serve from, or a database folder
/// whose parent does not exist, is refused before anything is created.
pub async fn connect_and_migrate(config: &DatabaseConfig) -> anyhow::Result<Pool> {
    sqlx::any::install_default_drivers();
    let target = config.target()?;
    let (url, backend) = match &target {
        DatabaseTarget::Sqlite(url) => {
            prepare_sqlite_file(url).await?;
            (url.clone(), Backend::Sqlite)
        }
        DatabaseTarget::Postgres(url) => (url.clone(), Backend::Postgres),
    };
    let pool = AnyPoolOptions::new()
        .max_connections(config.db_max_connections)
        .acquire_timeout(Duration::from_secs(5))
        // A ping before every use is one more trip to SQLite's connection thread per query,
        // for a file that cannot go away; a PostgreSQL connection can, and is checked.
        .test_before_acquire(backend == Backend::Postgres)
        .after_connect(move |connection, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // Per connection: WAL's safe-enough durability, foreign keys enforced, a
                    // writer waits for the lock instead of failing at once, and pages read
                    // through memory mapping, not a read() per page (each connection's page
                    // cache starts over whenever another connection wrote).
                    connection
                        .execute(
                            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                             PRAGMA busy_timeout = 5000;",
                        )
                        .await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await
        .with_context(|| format!("opening the database {}", redacted(&config.database_url)))?;
    migrator(backend)
        .run(&pool)
        .await
        .context("applying database migrations")?;
    Ok(pool)
}

/// Creates the SQLite file (and its folder) if missing and switches it to WAL, which the file
/// remembers, before the pool opens it through the `Any` driver.
async fn prepare_sqlite_file(url: &str) -> anyhow::Result<()> {
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("AQXC_DATABASE_URL={url}: not a SQLite URL"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal);
    create_database_folder(url, options.get_filename())?;
    options
        .connect()
        .await
        .with_context(|| format!("opening the database {url}"))?
        .close()
        .await?;
    Ok(())
}

/// A database URL with its password hidden, for messages and logs, whatever its scheme.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            if parsed.set_password(Some("***")).is_ok() {
                parsed.to_string()
            } else {
                without_user_info(url)
            }
        }
        // `user:password@host` with no `//` reads as a scheme and a path, not as a password.
        Ok(parsed) if parsed.cannot_be_a_base() => without_user_info(url),
        Ok(_) => url.to_string(),
        // A URL the parser refuses may still carry a password.
        Err(_) => without_user_info(url),
    }
}

/// `url` with everything before the host's `@` hidden (`scheme://***@host/…`): for URLs too
/// malformed to find the password in exactly.
fn without_user_info(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_string();
    };
    let separator = if scheme.is_empty() { "" } else { "://" };
    format!("{scheme}{separator}***{}", &rest[at..])
}

/// Creates the database file's own folder when missing (`data/` on a fresh checkout); a folder
/// whose parent is missing too is more likely a mistyped path, and is refused.
fn create_database_folder(url: &str, file: &Path) -> anyhow::Result<()> {
    let Some(folder) = file.parent().filter(|f| !f.as_os_str().is_empty()) else {
        return Ok(());
    };
    if folder.is_dir() {
        return Ok(());
    }
    if let Some(parent) = folder.parent()
        && !parent.as_os_str().is_empty()
        && !parent.is_dir()
    {
        return Err(ConfigError::NoParentFolder {
            url: redacted(url),
            parent: parent.display().to_string(),
        }
        .into());
    }
    std::fs::create_dir(folder)
        .with_context(|| format!("creating the database folder {}", folder.display()))
}

/// Whether the database answers a trivial query.
pub async fn is_healthy(pool: &Pool) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(pool)
        .await
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migration_versions() {
        let versions = |backend| -> Vec<(i64, String)> {
            migrator(backend)
                .iter()
                .map(|m| (m.version, m.description.to_string()))
                .collect()
        };
        assert_eq!(versions(Backend::Sqlite), versions(Backend::Postgres));
        assert!(latest_version() >= 11);
    }

    #[test]
    fn a_password_in_a_database_url_is_hidden() {
        assert_eq!(
            redacted("postgres://aqxc:s3cret@db/aqxc"),
            "postgres://aqxc:***@db/aqxc"
        );
        assert_eq!(redacted("sqlite://data/aqxc.db"), "sqlite://data/aqxc.db");
        assert_eq!(redacted("mysql://u:s3cret@h/db"), "mysql://u:***@h/db");
        // Too malformed for the URL parser (a port that is no number), yet the password hides.
        assert_eq!(
            redacted("mysql://u:s3cret@h:port/db"),
            "mysql://***@h:port/db"
        );
        assert_eq!(redacted("u:s3cret@h/db"), "***@h/db");
    }
}
