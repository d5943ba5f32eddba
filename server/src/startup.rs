use std::{sync::Arc, time::Duration};

use anyhow::Context;
use app::foundation::db::Pool;
use leptos::config::LeptosOptions;
use tokio::net::TcpListener;

use crate::{
    config::Config,
    db,
    middleware::{
        client_ip::{ProxyTrust, TrustedAddresses},
        csrf::CsrfPolicy,
        page_cache::{CachedPages, PageCache},
    },
    routes::{self, assets::AssetStore, uploads::Uploads},
    serving::{self, Limits},
    serving_lock::ServingLock,
    site_changes::SiteChanges,
    state::AppState,
};
use app::{foundation::site::Site, staff::session::SessionPolicy};

/// How long requests in flight may take to finish once a shutdown signal arrives.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// A built server, bound to its port but not yet serving.
pub struct Application {
    listener: TcpListener,
    port: u16,
    router: axum::Router,
    site: Site,
    pool: Pool,
    memos: Arc<app::memo::Memos>,
    limits: Limits,
    pictures: Arc<crate::certificate::pictures::Pictures>,
    /// Held while serving a SQLite database, so that `server restore` refuses to replace it.
    serving_lock: Option<ServingLock>,
    /// The reverse proxies, exempt from the per-address connection cap.
    proxy_addresses: TrustedAddresses,
    page_cache: Arc<PageCache>,
}

impl Application {
    /// Opens the database, loads the static assets, binds the listener. Binding port 0 picks a
    /// free port, which is how tests run side by side.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        config.validate()?;
        // Taken before the database is opened, so a restore under way is never read half done;
        // a database whose folder is new gets its lock once the folder is made.
        let mut serving_lock = ServingLock::for_serving(&config.database)?;
        let pool = db::connect_and_migrate(&config.database).await?;
        if serving_lock.is_none() {
            serving_lock = ServingLock::for_serving(&config.database)?;
        }
        record_first_start(&pool).await?;
        import_content(&pool, &config.content_dir).await?;
        app::contest::import::import_bank(
            &pool,
            &config.content_dir.join("questions"),
            app::foundation::clock::now(),
        )
        .await;
        let calendar = app::inspections::import::import_content(&pool, &config.content_dir).await;
        if config.demo {
            app::demo::seed(&pool, &config.content_dir, app::foundation::clock::now())
                .await
                .context("making the demo world (AQXC_DEMO=false leaves it out)")?;
        }
        // What the import may have changed, instances already running must not keep serving.
        crate::site_changes::count_change(&pool, config.db_notify)
            .await
            .context("counting the content import as a change")?;
        warn_of_demo_in_draw_chain(&pool).await?;
        let site = Site {
            has_public_origin: config.security.public_origin.is_some(),
            filings: config.filings.filings(),
            ..Site::parse(&config.base_path).map_err(anyhow::Error::msg)?
        };
        let leptos_options = leptos_options(&config);
        let assets =
            AssetStore::load(&config.site_root, leptos_options.hash_files).with_context(|| {
                format!("loading the built site from {}", config.site_root.display())
            })?;
        if assets.is_empty() {
            tracing::warn!(
                site_root = %config.site_root.display(),
                "no built site found: pages render, but without styles or interactivity \
                 (run `cargo leptos build`)"
            );
        }
        let published = assets
            .publish(&pool, app::foundation::clock::now())
            .await
            .context("publishing this build's hashed files")?;
        tracing::info!(
            published,
            "hashed files published for instances of other builds"
        );
        let security = &config.security;
        if security.public_origin.is_none() {
            tracing::warn!(
                "AQXC_PUBLIC_ORIGIN is not set: feeds and the sitemap use relative links, \
                 robots.txt names no sitemap and contest QR codes cannot be made; \
                 set it in production (e.g. https://www.kaiping.gov.cn)"
            );
        }
        let proxy_addresses = security.proxy_addresses()?;
        let cookie_path = format!("{}/", site.base);
        let session_policy = SessionPolicy {
            idle_secs: security.session_idle_minutes * 60,
            absolute_secs: security.session_max_hours * 3600,
            secure_cookies: security.https(),
            cookie_path: cookie_path.clone(),
        };
        let csrf_policy = CsrfPolicy {
            public_origin: security.public_origin.clone(),
            cookie_path,
            secure_cookies: security.https(),
            max_body_bytes: security.max_body_bytes,
        };
        let page_cache = Arc::new(PageCache::new(
            Duration::from_millis(config.page_cache_ms),
            config.page_cache_max_bytes,
        ));
        let memos = Arc::new(app::memo::Memos::new(
            config.memo_mb.saturating_mul(1024 * 1024),
        ));
        let changes = Arc::new(
            SiteChanges::new(
                pool.clone(),
                page_cache.clone(),
                memos.clone(),
                config.db_notify,
            )
            .await
            .context("reading the change counter")?,
        );
        changes.watch(Duration::from_millis(config.change_check_ms));
        let painter = match crate::certificate::Painter::load(&config.certificate_font) {
            Ok(painter) => painter,
            Err(error) => {
                tracing::warn!(
                    "certificate pictures are off (the SVG certificate still works): {error}; \
                     install fonts-wqy-microhei or set AQXC_CERTIFICATE_FONT"
                );
                crate::certificate::Painter::without_font()
            }
        };
        let pictures = Arc::new(crate::certificate::pictures::Pictures::new(
            Arc::new(painter),
            crate::certificate::pictures::Limits {
                drawings: usize::try_from(config.certificate_drawings).unwrap_or(1),
                kept_bytes: usize::try_from(config.certificate_cache_mb * 1024 * 1024)
                    .unwrap_or(usize::MAX),
            },
        ));
        let state = AppState {
            leptos_options,
            pool,
            site: site.clone(),
            assets: Arc::new(assets),
            session_policy,
            uploads: Uploads {
                dir: config.uploads_dir.clone(),
                max_bytes: config.max_upload_bytes,
            },
            csrf_policy,
            public_origin: security.public_origin.clone(),
            https: security.https(),
            trusted_proxies: ProxyTrust {
                hops: security.trusted_proxies(),
                addresses: proxy_addresses.clone(),
            },
            calendar: Arc::new(calendar),
            pages: CachedPages {
                cache: page_cache.clone(),
                changes: changes.clone(),
            },
            memos,
            pictures: pictures.clone(),
        };
        let pool = state.pool.clone();
        let memos = state.memos.clone();
        let router = routes::router(state);

        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        let port = listener.local_addr()?.port();
        Ok(Self {
            listener,
            port,
            router,
            site,
            pool,
            memos,
            limits: config.connections.limits(),
            pictures,
            serving_lock,
            proxy_addresses,
            page_cache,
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The pages kept for anonymous visitors (tests look at its size).
    pub fn page_cache(&self) -> Arc<PageCache> {
        self.page_cache.clone()
    }

    /// The database pool (tests prepare data through it).
    pub fn pool(&self) -> Pool {
        self.pool.clone()
    }

    /// The certificate pictures (tests count the drawings through it).
    pub fn pictures(&self) -> Arc<crate::certificate::pictures::Pictures> {
        self.pictures.clone()
    }

    /// What this instance remembers (tests check that expensive work is done once).
    pub fn memos(&self) -> Arc<app::memo::Memos> {
        self.memos.clone()
    }

    /// Serves until SIGTERM or Ctrl-C, then lets requests in flight finish.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let _held_until_stopped = self.serving_lock;
        let address = self.listener.local_addr()?;
        tracing::info!("serving on http://{address}{}/", self.site.base);
        // The base path is stripped before routing, so it wraps the router as a whole.
        let app = routes::base_path::under_base_path(self.site, self.router);
        // Requests in flight get a grace period; a client that never lets go does not keep the
        // server (or a deploy) waiting for ever.
        let (stopping, mut stop_seen) = tokio::sync::watch::channel(false);
        let server = serving::serve(
            self.listener,
            app,
            self.limits,
            self.proxy_addresses,
            async move {
                shutdown_signal().await;
                let _ = stopping.send(true);
            },
        );
        let grace_over = async move {
            if stop_seen.changed().await.is_ok() {
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            () = server => {},
            () = grace_over => tracing::warn!("connections still open after the grace period; stopping anyway"),
        }
        tracing::info!("stopped");
        Ok(())
    }
}

/// Leptos' own settings, derived from ours. File hashing is on when `cargo leptos build` left
/// its `hash.txt` beside the binary, as a release build with `hash-files` does.
fn leptos_options(config: &Config) -> LeptosOptions {
    let hash_files = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt").is_file()))
        .unwrap_or(false);
    LeptosOptions::builder()
        .output_name(option_env!("LEPTOS_OUTPUT_NAME").unwrap_or("aqxc"))
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .hash_files(hash_files)
        .build()
}

/// Imports the content files. A bad file is reported and skipped; it never stops the start.
async fn import_content(pool: &Pool, content_dir: &std::path::Path) -> anyhow::Result<()> {
    let folder = content_dir.join("articles");
    let report = app::articles::import::import_folder(pool, &folder, app::foundation::clock::now())
        .await
        .with_context(|| format!("importing articles from {}", folder.display()))?;
    for problem in &report.problems {
        tracing::warn!("article skipped: {problem}");
    }
    tracing::info!(
        inserted = report.inserted,
        updated = report.updated,
        unchanged = report.unchanged,
        skipped = report.problems.len(),
        "articles imported from {}",
        folder.display()
    );
    Ok(())
}

async fn record_first_start(pool: &Pool) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO app_meta (key, value) VALUES ('first_started_at', $1)
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(rfc3339_utc(app::foundation::clock::now()))
    .execute(pool)
    .await
    .context("recording the first start")?;
    Ok(())
}

/// `2026-12-02T14:30:00Z` for a Unix time.
fn rfc3339_utc(unix_secs: i64) -> String {
    let date = domain::date::Date::from_days_since_epoch(unix_secs.div_euclid(86_400));
    let secs = unix_secs.rem_euclid(86_400);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing requests in flight");
}

/// Says at every start, loudly, while the demo's fictitious draw is in the official draw chain:
/// a real draw announced after it keeps it there for good.
async fn warn_of_demo_in_draw_chain(pool: &app::foundation::db::Pool) -> anyhow::Result<()> {
    let in_chain = app::demo::in_draw_chain(pool)
        .await
        .context("looking for the demo's draw in the draw log")?;
    if in_chain {
        tracing::warn!(
            "DEMO DATA IN THE OFFICIAL DRAW CHAIN: the draw log holds the demo world's \
             fictitious draw, and once staff announce a real draw it stays in the chain for \
             good. For a real deployment run `server demo remove` now and start with \
             AQXC_DEMO=false"
        );
    }
    Ok(())
}
