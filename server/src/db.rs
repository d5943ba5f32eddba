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

/// A database URL with its password hidden, for messages and logs.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
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
            url: url.to_string(),
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
    }
}
