//! The server killed with SIGKILL in the middle of contest submissions and article saves loses
//! nothing it acknowledged, and its database comes back intact.

use std::{
    path::Path,
    process::Command,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use app::foundation::db::Pool;
use serde_json::{Value, json};

use crate::{binary::admin, helpers::start_binary};

pub const PASSWORD: &str = "flood-season-drill-2026";
const PARTICIPANTS_AT_ONCE: usize = 12;

/// The real binary on the database in `dir`, with the demo question bank, trusting
/// `X-Forwarded-For` so that each participant has an address (and a daily limit) of its own.
fn start(dir: &Path) -> (std::process::Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env("AQXC_LISTEN", "127.0.0.1:0")
        .env("AQXC_DATABASE_URL", database_url(dir))
        .env(
            "AQXC_CONTENT_DIR",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"),
        )
        .env("AQXC_SITE_ROOT", dir.join("site"))
        .env("AQXC_UPLOADS_DIR", dir.join("uploads"))
        .env("AQXC_TRUST_FORWARDED_FOR", "true")
        .env("AQXC_DEMO", "false");
    let (child, url, _lines) = start_binary(command);
    (child, url)
}

fn database_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("portal.db").display())
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Posts a staff form as the browser does; returns the `Location` it was sent to (empty when
/// the request failed, as it does once the server is killed).
/// `http://host:port` of a URL that may carry the base path.
pub fn origin_of(url: &str) -> String {
    url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/")
}

pub async fn post_form(
    client: &reqwest::Client,
    url: &str,
    path: &str,
    form: &[(&str, &str)],
) -> String {
    let sent = client
        .post(format!("{url}{path}"))
        .header("origin", origin_of(url))
        .header("accept", "text/html")
        .form(form)
        .send()
        .await;
    sent.ok()
        .and_then(|response| {
            response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok().map(str::to_owned))
        })
        .unwrap_or_default()
}

/// One participant starts and submits; returns the attempt id once the server acknowledged it.
pub async fn take_part(url: &str, n: usize) -> Option<String> {
    let client = client();
    let address = format!("10.9.{}.{}", n / 256 % 256, n % 256);
    let call = |endpoint: &str, body: Value| {
        client
            .post(format!("{url}/api/{endpoint}"))
            .header("origin", origin_of(url))
            .header("x-forwarded-for", address.clone())
            .json(&body)
            .send()
    };
    let started: Value = call(
        "attempt_start",
        json!({ "contest_id": 1, "entrant": { "nickname": format!("居民{n}"), "town": "长沙街道" } }),
    )
    .await
    .ok()?
    .json()
    .await
    .ok()?;
    let view = &started;
    let attempt = view["id"].as_str()?.to_owned();
    let count = view["questions"].as_array()?.len();
    let answers: Vec<Vec<usize>> = (0..count).map(|i| vec![i % 2]).collect();
    let submitted: Value = call(
        "attempt_submit",
        json!({ "attempt_id": attempt, "answers": answers }),
    )
    .await
    .ok()?
    .json()
    .await
    .ok()?;
    (submitted == Value::Null).then_some(attempt)
}

/// Participants taking part one after another on several connections, and an editor saving a
/// new version of an article again and again; each records what the server acknowledged (one
/// refused or cut off is not acknowledged, and need not be kept).
pub struct Stream {
    /// The article the editor saves, created by [`Stream::start`].
    pub article: i64,
    stop: Arc<AtomicBool>,
    attempts: Arc<Mutex<Vec<String>>>,
    saves: Arc<Mutex<Vec<i64>>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Stream {
    /// Creates the article (as `staff`, signed in as an editor), then starts the stream.
    pub async fn start(url: &str, staff: &reqwest::Client, participants: usize) -> Stream {
        let to = post_form(
            staff,
            url,
            "/api/staff/article_create",
            &[
                ("title", "停电时的安全"),
                ("slug", "power-cut"),
                ("category", "安全常识"),
            ],
        )
        .await;
        let article: i64 = to
            .rsplit('/')
            .next()
            .and_then(|last| last.trim_end_matches("?done=created").parse().ok())
            .unwrap_or_else(|| panic!("the article was not created: {to}"));
        let stop = Arc::new(AtomicBool::new(false));
        let attempts = Arc::new(Mutex::new(Vec::new()));
        let saves = Arc::new(Mutex::new(Vec::new()));
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..participants {
            let (url, stop, acked, next) =
                (url.to_owned(), stop.clone(), attempts.clone(), next.clone());
            tasks.push(tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if let Some(attempt) = take_part(&url, n).await {
                        acked.lock().unwrap().push(attempt);
                    }
                }
            }));
        }
        let (url, stop_saving, saved, staff) =
            (url.to_owned(), stop.clone(), saves.clone(), staff.clone());
        tasks.push(tokio::spawn(async move {
            let id = article.to_string();
            for version in 1.. {
                if stop_saving.load(Ordering::SeqCst) {
                    break;
                }
                let body = format!("停电时先关闭电器开关。第 {version} 版。");
                let to = post_form(
                    &staff,
                    &url,
                    "/api/staff/article_save",
                    &[
                        ("id", &id),
                        ("title", "停电时的安全"),
                        ("category", "安全常识"),
                        ("tags", "停电"),
                        ("summary", ""),
                        ("body", &body),
                    ],
                )
                .await;
                if to.ends_with("done=saved") {
                    saved.lock().unwrap().push(version);
                }
            }
        }));
        Stream {
            article,
            stop,
            attempts,
            saves,
            tasks,
        }
    }

    /// Acknowledged (submissions, saves) so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.attempts.lock().unwrap().len(),
            self.saves.lock().unwrap().len(),
        )
    }

    /// Waits until at least this many submissions and saves were acknowledged.
    pub async fn wait_for(&self, attempts: usize, saves: usize, otherwise: &str) {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let (acked, saved) = self.counts();
            if acked >= attempts && saved >= saves {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "{otherwise}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the stream; returns the acknowledged attempts and saved versions.
    pub async fn stop(self) -> (Vec<String>, Vec<i64>) {
        self.stop.store(true, Ordering::SeqCst);
        for task in self.tasks {
            task.await.unwrap();
        }
        let attempts = self.attempts.lock().unwrap().clone();
        let saves = self.saves.lock().unwrap().clone();
        (attempts, saves)
    }
}

/// Every acknowledged attempt is scored, and every acknowledged save is a version of the article.
pub async fn assert_kept(pool: &Pool, article: i64, attempts: &[String], saves: &[i64]) {
    for attempt in attempts {
        let scored: Option<(Option<i64>, Option<i64>)> =
            sqlx::query_as("SELECT submitted_at, score FROM attempts WHERE id = $1")
                .bind(attempt)
                .fetch_optional(pool)
                .await
                .unwrap();
        assert!(
            matches!(scored, Some((Some(_), Some(_)))),
            "acknowledged attempt {attempt} lost: {scored:?}"
        );
    }
    let versions: Vec<String> = sqlx::query_scalar(
        "SELECT body_md FROM article_versions WHERE article_id = $1 AND reason = 'save'",
    )
    .bind(article)
    .fetch_all(pool)
    .await
    .unwrap();
    for version in saves {
        let text = format!("第 {version} 版。");
        assert!(
            versions.iter().any(|body| body.contains(&text)),
            "acknowledged save {version} lost"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_killed_mid_stream_keeps_every_acknowledged_submission_and_save() {
    let dir = tempfile::tempdir().unwrap();
    let created = admin(
        &database_url(dir.path()),
        &[
            "create",
            "--username",
            "duty",
            "--role",
            "editor",
            "--role",
            "contest_admin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(created.status.success(), "{created:?}");
    let (mut server, url) = start(dir.path());

    // A contest open now, and an article in the editor.
    let staff = client();
    let to = post_form(
        &staff,
        &url,
        "/api/sign_in",
        &[("username", "duty"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(to, "/admin");
    let to = post_form(
        &staff,
        &url,
        "/api/staff/contest_create",
        &[
            ("form[title]", "断电演练竞赛"),
            ("form[opens_at]", "2026-01-01T00:00"),
            ("form[closes_at]", "2099-12-31T23:00"),
            ("form[question_count]", "10"),
            ("form[time_limit_minutes]", "20"),
            ("form[pass_percent]", "60"),
            ("form[attempts_per_day]", "3"),
            ("form[ask_town]", "on"),
        ],
    )
    .await;
    assert!(to.contains("/admin/contests/1"), "{to}");
    let stream = Stream::start(&url, &staff, PARTICIPANTS_AT_ONCE).await;
    let article = stream.article;
    // Kill it once the stream is well under way.
    stream
        .wait_for(40, 10, "the stream did not get going")
        .await;
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    let (acked, saved) = stream.stop().await;
    let last_saved = saved.last().copied().unwrap_or_default();

    // Restarted on the same database, it starts, and everything acknowledged is there.
    let (mut server, url) = start(dir.path());
    let health = reqwest::get(format!("{url}/healthz")).await.unwrap();
    assert_eq!(health.status().as_u16(), 200);

    let pool = crate::helpers::connect(&database_url(dir.path()))
        .await
        .unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    let broken_references: Vec<(String, i64)> = sqlx::query_as("PRAGMA foreign_key_check")
        .fetch_all(&pool)
        .await
        .unwrap_or_default();
    assert!(broken_references.is_empty(), "{broken_references:?}");

    assert_kept(&pool, article, &acked, &saved).await;
    let current: String = sqlx::query_scalar("SELECT body_md FROM articles WHERE id = $1")
        .bind(article)
        .fetch_one(&pool)
        .await
        .unwrap();
    let current_version: i64 = current
        .split("第 ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(
        current_version >= last_saved,
        "the article went back to version {current_version}"
    );

    // And the site works on it: the leaderboard shows the contest.
    let board = reqwest::get(format!("{url}/contest/1/leaderboard"))
        .await
        .unwrap();
    assert_eq!(board.status().as_u16(), 200);
    eprintln!(
        "killed after {} acknowledged submissions and {} acknowledged saves (the last at version {last_saved}): none lost",
        acked.len(),
        saved.len()
    );
    server.kill().unwrap();
    server.wait().unwrap();
}
