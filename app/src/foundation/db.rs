//! The database every store speaks to: SQLite (the default) or PostgreSQL, chosen by the URL
//! at start-up and reached through sqlx's `Any` driver, so that each query is written once.
//!
//! Portable SQL is the rule: `$1` placeholders (SQLite reads them too), `INTEGER` 0/1 flags
//! compared explicitly (`active = 1`), `ON CONFLICT` upserts, `RETURNING`. A statement that
//! cannot be portable is a [`Dialects`] pair kept beside its feature's other queries, so a
//! reader sees both versions of one query in one place.

/// A pool of connections to whichever database the portal runs on.
pub type Pool = sqlx::AnyPool;
/// One connection (inside a transaction, usually).
pub type Connection = sqlx::AnyConnection;

/// Which SQL dialect a pool or connection speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a pool was opened on (from its URL's scheme).
    pub fn of(pool: &Pool) -> Backend {
        Backend::from_scheme(pool.connect_options().database_url.scheme())
    }

    fn from_scheme(scheme: &str) -> Backend {
        if scheme.starts_with("sqlite") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }
}

/// One statement in both dialects, for the few that cannot be written once.
pub struct Dialects {
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

impl Dialects {
    pub fn on(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }

    pub fn for_pool(&self, pool: &Pool) -> &'static str {
        self.on(Backend::of(pool))
    }
}

/// A write transaction, holding this process's turn to write on SQLite (see [`write_turn`]).
/// Statements run on it as on a transaction (`&mut *tx`); it ends with [`WriteTx::commit`], or
/// rolls back when dropped.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<WriteTurn>,
}

impl WriteTx {
    pub async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.tx
    }
}

/// This process's turn to write to one SQLite database.
pub type WriteTurn = tokio::sync::OwnedMutexGuard<()>;

/// Waits for this process's turn to write, on SQLite (on PostgreSQL there is none to take:
/// writers do not exclude each other). SQLite lets one writer in at a time, and one that finds
/// the lock taken sleeps and retries (1, 2, 5, 10 … ms, up to the busy timeout): under a crowd
/// that left the lock idle between sleeps and made the slowest waits ten times the median. So
/// the writers of one process queue here, first come first served, and meet SQLite's lock only
/// when another process (a command-line import, a backup) holds it.
pub async fn write_turn(pool: &Pool) -> Option<WriteTurn> {
    use std::{collections::HashMap, sync::Arc, sync::Mutex};
    type Turns = HashMap<String, Arc<tokio::sync::Mutex<()>>>;
    static TURNS: Mutex<Option<Turns>> = Mutex::new(None);
    if Backend::of(pool) != Backend::Sqlite {
        return None;
    }
    let database = pool.connect_options().database_url.to_string();
    let turn = TURNS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get_or_insert_with(HashMap::new)
        .entry(database)
        .or_default()
        .clone();
    Some(turn.lock_owned().await)
}

/// Begins a transaction that will write. On SQLite it takes this process's turn and then the
/// write lock at once: a deferred transaction that reads and then writes fails at once with
/// "database is locked" when another writer got in between.
pub async fn begin_write(pool: &Pool) -> sqlx::Result<WriteTx> {
    begin_serialized(pool, &[]).await
}

/// Begins a transaction that holds every one of `keys` until it ends: transactions holding a
/// common key run one after another, on every instance, so a check followed by a write inside
/// one is never raced. SQLite has a single writer, so taking it up front (`BEGIN IMMEDIATE`)
/// serialises them all; PostgreSQL takes one transaction-scoped advisory lock per key, in a
/// fixed order so that two holders never wait for each other.
pub async fn begin_serialized(pool: &Pool, keys: &[&str]) -> sqlx::Result<WriteTx> {
    match Backend::of(pool) {
        Backend::Sqlite => {
            let turn = write_turn(pool).await;
            Ok(WriteTx {
                tx: pool.begin_with("BEGIN IMMEDIATE").await?,
                _turn: turn,
            })
        }
        Backend::Postgres => {
            let mut tx = pool.begin().await?;
            let mut keys = keys.to_vec();
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(WriteTx { tx, _turn: None })
        }
    }
}

/// A 0/1 `INTEGER` flag column, or a boolean expression, read as a `bool`
/// (`#[sqlx(try_from = "Flag")]`): the `Any` driver decodes `bool` only from a real boolean,
/// which SQLite does not have, and PostgreSQL's `EXISTS (…)` is one.
#[derive(Clone, Copy, Debug)]
pub struct Flag(bool);

impl sqlx::Type<sqlx::Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <i64 as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <i64 as sqlx::Type<sqlx::Any>>::compatible(ty)
            || <bool as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        match <i64 as sqlx::Decode<sqlx::Any>>::decode(value.clone()) {
            Ok(number) => Ok(Flag(number != 0)),
            Err(_) => Ok(Flag(<bool as sqlx::Decode<sqlx::Any>>::decode(value)?)),
        }
    }
}

impl From<Flag> for bool {
    fn from(flag: Flag) -> bool {
        flag.0
    }
}

/// A `bool` as the 0/1 integer the flag columns hold, for binding.
pub fn flag(value: bool) -> i64 {
    i64::from(value)
}
