//! Staff changes seen by every instance at once.
//!
//! Each instance keeps its own page cache (`middleware::page_cache`) and its own copy of the
//! question bank and contests (`app::contest::catalog`). A staff change empties both on the
//! instance that made it, counts the change in the database (`site_changes`),
//! and, on PostgreSQL, tells the other instances with `NOTIFY`; each of them empties its cache
//! when told. Notifications sent while a listener reconnects are lost, and some databases that
//! speak PostgreSQL's protocol have no `LISTEN` at all (GaussDB), so every instance also reads
//! the counter every `AQXC_CHANGE_CHECK_MS` and empties its cache when it moved, and empties it
//! whenever its listener had to reconnect.

use std::{
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
    time::Duration,
};

use app::{
    foundation::db::{Backend, Pool},
    memo::Memos,
};
use sqlx::postgres::PgListener;

use crate::middleware::page_cache::PageCache;

/// The channel instances are told on.
const CHANNEL: &str = "aqxc_site_changes";

/// One instance's view of the shared change counter.
pub struct SiteChanges {
    pool: Pool,
    cache: Arc<PageCache>,
    memos: Arc<Memos>,
    /// The counter as this instance last saw it (its cache holds nothing older).
    seen: AtomicI64,
    notify: bool,
}

impl SiteChanges {
    /// `notify`: whether to use PostgreSQL's `LISTEN`/`NOTIFY` (off for databases without it).
    pub async fn new(
        pool: Pool,
        cache: Arc<PageCache>,
        memos: Arc<Memos>,
        notify: bool,
    ) -> sqlx::Result<Self> {
        let seen = current(&pool).await?;
        Ok(Self {
            notify: notify && Backend::of(&pool) == Backend::Postgres,
            pool,
            cache,
            memos,
            seen: AtomicI64::new(seen),
        })
    }

    /// After a staff change on this instance: forget what it keeps, count the change, tell the
    /// others. A database error is logged: the change itself is already made.
    pub async fn changed(&self) {
        self.forget_local();
        match count_change(&self.pool, self.notify).await {
            Ok(counter) => {
                self.seen.fetch_max(counter, Ordering::SeqCst);
            }
            Err(error) => {
                tracing::error!(%error, "counting a staff change failed; other instances see it when their copies expire");
            }
        }
    }

    /// Forgets what this instance keeps of staff-made content.
    fn forget_local(&self) {
        self.cache.forget_all();
        self.memos.forget_staff_data();
    }

    /// Empties the cache if the counter moved past what this instance saw.
    fn saw(&self, counter: i64) {
        if self.seen.fetch_max(counter, Ordering::SeqCst) < counter {
            self.forget_local();
        }
    }

    /// Watches for other instances' changes for the life of the server: the periodic check on
    /// every backend, and the listener on PostgreSQL.
    pub fn watch(self: &Arc<Self>, check_every: Duration) {
        let checker = Arc::clone(self);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(check_every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                match current(&checker.pool).await {
                    Ok(counter) => checker.saw(counter),
                    Err(error) => tracing::warn!(%error, "reading the change counter failed"),
                }
            }
        });
        if self.notify {
            let listener = Arc::clone(self);
            tokio::spawn(async move { listener.listen().await });
        }
    }

    async fn listen(&self) {
        let url = self.pool.connect_options().database_url.to_string();
        let mut listener = loop {
            match PgListener::connect(&url).await {
                Ok(mut listener) => match listener.listen(CHANNEL).await {
                    Ok(()) => break listener,
                    Err(error) => {
                        tracing::warn!(%error, "LISTEN refused; relying on the periodic check");
                        return;
                    }
                },
                Err(error) => {
                    tracing::warn!(%error, "the change listener cannot connect yet");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        };
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => match notification.payload().parse::<i64>() {
                    Ok(counter) => self.saw(counter),
                    Err(_) => self.cache.forget_all(),
                },
                // The connection was lost; the next call reconnects and listens again. Whatever
                // was said meanwhile is lost, so assume a change.
                Ok(None) => {
                    tracing::info!("the change listener reconnects");
                    self.forget_local();
                }
                Err(error) => {
                    tracing::warn!(%error, "the change listener failed; retrying");
                    self.forget_local();
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
}

/// Counts a change to what instances keep (staff-made content, the bank, the contests) and,
/// with `notify` on PostgreSQL, tells the instances listening. Called by every staff change,
/// by the start-up content import and by every command that changes data, so that no
/// running instance keeps serving what was there before. Returns the new counter.
pub async fn count_change(pool: &Pool, notify: bool) -> sqlx::Result<i64> {
    let counter: i64 = sqlx::query_scalar(
        "UPDATE site_changes SET counter = counter + 1 WHERE id = 1 RETURNING counter",
    )
    .fetch_one(pool)
    .await?;
    if notify && Backend::of(pool) == Backend::Postgres {
        let told = sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(counter.to_string())
            .execute(pool)
            .await;
        if let Err(error) = told {
            tracing::warn!(%error, "NOTIFY failed; other instances see the change at their next check");
        }
    }
    Ok(counter)
}

async fn current(pool: &Pool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT counter FROM site_changes WHERE id = 1")
        .fetch_one(pool)
        .await
}
