//! Store tests: each store's queries run directly against a fresh database with the server's
//! own migrations, no HTTP in between. They state what the callers rely on, so that another
//! backend can be proven one store at a time.

mod articles;
mod audit;
mod contest;
mod inspections;
mod staff;

use app::foundation::db::Pool;
use server::config::DatabaseConfig;

use app::staff::{Role, store};

/// A moment in 2027, the "now" of every store test unless it says otherwise.
pub const NOW: i64 = 1_800_000_000;

/// A fresh, migrated database in its own temporary folder (kept as long as this is).
pub struct Db {
    pub pool: Pool,
    _dir: tempfile::TempDir,
}

pub async fn fresh_db() -> Db {
    let dir = tempfile::tempdir().expect("temporary folder");
    let config = DatabaseConfig {
        database_url: crate::database::fresh_database_url(dir.path(), "store.db").await,
        db_max_connections: 4,
    };
    let pool = server::db::connect_and_migrate(&config)
        .await
        .expect("the database opens and migrates");
    Db { pool, _dir: dir }
}

/// A staff account (with a placeholder hash: stores never check it); returns its id.
pub async fn staff_user(pool: &Pool, username: &str, roles: &[Role]) -> i64 {
    let account = store::NewAccount {
        username,
        display_name: username,
        password_hash: "hash-of-a-password",
        roles,
    };
    store::create(pool, account, NOW)
        .await
        .expect("account created")
}
