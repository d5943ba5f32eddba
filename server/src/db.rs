use std::{path::Path, str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::config::{ConfigError, DatabaseConfig, DatabaseTarget};

/// Migrations compiled into the binary; applied in order at every start.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Opens (creating if needed) the database, in WAL mode so readers never wait for the writer,
/// and brings its schema up to date. A URL the portal cannot serve from, or a database folder
/// whose parent does not exist, is refused before anything is created.
pub async fn connect_and_migrate(config: &DatabaseConfig) -> anyhow::Result<SqlitePool> {
    let DatabaseTarget::Sqlite(url) = config.target()?;
    let options = SqliteConnectOptions::from_str(&url)
        .with_context(|| format!("AQXC_DATABASE_URL={url}: not a SQLite URL"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    create_database_folder(&url, options.get_filename())?;

    let pool = SqlitePoolOptions::new()
        .max_connections(config.db_max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .with_context(|| format!("opening the database {}", config.database_url))?;
    MIGRATOR
        .run(&pool)
        .await
        .context("applying database migrations")?;
    Ok(pool)
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
pub async fn is_healthy(pool: &SqlitePool) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(pool)
        .await
        .is_ok()
}
