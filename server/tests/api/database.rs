//! Which database the suite runs on: SQLite files by default, or, when
//! `AQXC_TEST_POSTGRES_URL` names a PostgreSQL server (`scripts/test.sh` starts a throwaway
//! one), a new database on it for every test.

use std::path::Path;

use sqlx::Connection as _;

/// The PostgreSQL server the suite runs on, if any (its maintenance database's URL).
pub fn postgres_server() -> Option<String> {
    std::env::var("AQXC_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// Whether this run is on PostgreSQL (tests of SQLite files skip themselves then).
pub fn on_postgres() -> bool {
    postgres_server().is_some()
}

/// The URL of a new, empty database: a file in `dir`, or a database of its own on the
/// PostgreSQL server.
pub async fn fresh_database_url(dir: &Path, file_name: &str) -> String {
    let Some(server) = postgres_server() else {
        return format!("sqlite://{}", dir.join(file_name).display());
    };
    let name = format!("t_{:016x}", rand::random::<u64>());
    let mut admin = sqlx::PgConnection::connect(&server)
        .await
        .expect("the test PostgreSQL server answers");
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("a test database is created");
    admin.close().await.ok();
    let (base, _) = server
        .rsplit_once('/')
        .expect("the PostgreSQL URL names a database");
    format!("{base}/{name}")
}
