use std::{str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::config::DatabaseConfig;

/// Migrations compiled into the binary; applied in order at every start.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Opens (creating if needed) the database, in WAL mode so readers never wait for the writer,
/// and brings its schema up to date.
pub async fn connect_and_migrate(config: &DatabaseConfig) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(&config.database_url)
        .with_context(|| {
            format!(
                "AQXC_DATABASE_URL is not a SQLite URL: {}",
                config.database_url
            )
        })?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));

    if let Some(folder) = options.get_filename().parent()
        && !folder.as_os_str().is_empty()
    {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating the database folder {}", folder.display()))?;
    }

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

/// Whether the database answers a trivial query.
pub async fn is_healthy(pool: &SqlitePool) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(pool)
        .await
        .is_ok()
}
