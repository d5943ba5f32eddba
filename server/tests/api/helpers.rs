use std::{path::Path, sync::Arc};

use app::foundation::db::Pool;
use server::{config::Config, startup::Application};

use app::staff::{Role, password, store};

/// A running portal and a client for it (with its own cookie jar, like one browser).
pub struct TestApp {
    /// `http://127.0.0.1:PORT` (no base path).
    pub origin: String,
    pub client: reqwest::Client,
    pub pool: Pool,
    /// The database it serves (a SQLite file in [`TestApp::data_dir`], or a PostgreSQL database).
    pub database_url: String,
    /// What the instance remembers (to check that expensive work is done once).
    pub memos: Arc<app::memo::Memos>,
    /// Keeps the database and the site folder alive for the test.
    _dir: Arc<tempfile::TempDir>,
}

/// What a test may ask of the app it spawns.
#[derive(Default)]
pub struct Options<'a> {
    pub base_path: &'a str,
    /// Files to place in the site root before start-up: (relative path, content).
    pub site_files: &'a [(&'a str, &'a str)],
    /// `AQXC_PUBLIC_ORIGIN`.
    pub public_origin: Option<&'a str>,
    /// Files to place in the content folder before start-up: (relative path, content).
    pub content_files: &'a [(&'a str, &'a str)],
    /// An existing database (its URL: see [`TestApp::database_url`]) and uploads folder to
    /// serve instead of fresh ones.
    pub existing_data: Option<(&'a str, &'a Path)>,
    /// How long anonymous pages are kept, if not the default.
    pub page_cache_ms: Option<u64>,
    /// `AQXC_TRUSTED_PROXIES`: tests then give each request its address in `X-Forwarded-For`.
    pub trusted_proxies: usize,
    /// `AQXC_HEADER_TIMEOUT_SECS`, if not the default.
    pub header_timeout_secs: Option<u64>,
    /// `AQXC_MAX_CONNECTIONS`, if not the default.
    pub max_connections: Option<u64>,
    /// `AQXC_CHANGE_CHECK_MS`, if not the default.
    pub change_check_ms: Option<u64>,
    /// `AQXC_PROXY_ADDRESSES`, if not the default (loopback, where tests connect from).
    pub proxy_addresses: Option<&'a str>,
    /// `AQXC_MAX_CONNECTIONS_PER_ADDRESS`, if not the default.
    pub max_connections_per_address: Option<u64>,
    /// `AQXC_MIN_BODY_BYTES_PER_SEC`, if not the default.
    pub min_body_bytes_per_sec: Option<u64>,
    /// `AQXC_MIN_ANSWER_BYTES_PER_SEC`, if not the default.
    pub min_answer_bytes_per_sec: Option<u64>,
    /// `AQXC_SLOW_CLIENT_GRACE_SECS`, if not the default.
    pub slow_client_grace_secs: Option<u64>,
    /// `AQXC_DB_NOTIFY=false`: no `LISTEN`/`NOTIFY`, as on a database without them.
    pub without_notify: bool,
    /// Serve the repository's own `content/` (and not `content_files`).
    pub shipped_content: bool,
    /// `AQXC_DEMO` (off in tests unless asked for).
    pub demo: bool,
    /// The footer's filing facts (`AQXC_SITE_CODE` …), if any.
    pub filings: Option<server::config::FilingsConfig>,
}

/// Starts the portal at the root of the host with a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// Starts the portal with the given options, on a free port, with a fresh database.
pub async fn spawn_app_with(options: Options<'_>) -> TestApp {
    // Server logs are noise in a passing run; `TEST_LOG=1` shows them.
    if std::env::var_os("TEST_LOG").is_some() {
        server::telemetry::init();
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let site_root = dir.path().join("site");
    for (relative, content) in options.site_files {
        write_file(&site_root.join(relative), content);
    }
    let (database_url, uploads) = match options.existing_data {
        Some((database, uploads)) => (database.to_string(), uploads.to_path_buf()),
        None => (
            crate::database::fresh_database_url(dir.path(), "data/test.db").await,
            dir.path().join("uploads"),
        ),
    };
    let base_path = if options.base_path.is_empty() {
        "/"
    } else {
        options.base_path
    };
    let content_dir = dir.path().join("content");
    for (relative, content) in options.content_files {
        write_file(&content_dir.join(relative), content);
    }
    let mut config = Config::for_tests(database_url, site_root, base_path);
    config.content_dir = content_dir;
    if options.shipped_content {
        config.content_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    }
    config.demo = options.demo;
    if let Some(filings) = options.filings {
        config.filings = filings;
    }
    config.uploads_dir = uploads;
    if let Some(ms) = options.page_cache_ms {
        config.page_cache_ms = ms;
    }
    if let Some(ms) = options.change_check_ms {
        config.change_check_ms = ms;
    }
    config.db_notify = !options.without_notify;
    config.security.public_origin = options.public_origin.map(str::to_owned);
    config.security.trusted_proxies = options.trusted_proxies;
    if let Some(secs) = options.header_timeout_secs {
        config.connections.header_timeout_secs = secs;
    }
    if let Some(max) = options.max_connections {
        config.connections.max_connections = max;
    }
    if let Some(addresses) = options.proxy_addresses {
        config.security.proxy_addresses = addresses.to_owned();
    }
    let connections = &mut config.connections;
    if let Some(max) = options.max_connections_per_address {
        connections.max_connections_per_address = max;
    }
    if let Some(rate) = options.min_body_bytes_per_sec {
        connections.min_body_bytes_per_sec = rate;
    }
    if let Some(rate) = options.min_answer_bytes_per_sec {
        connections.min_answer_bytes_per_sec = rate;
    }
    if let Some(secs) = options.slow_client_grace_secs {
        connections.slow_client_grace_secs = secs;
    }
    let database_url = config.database.database_url.clone();
    let app = Application::build(config).await.expect("the app builds");
    let origin = format!("http://127.0.0.1:{}", app.port());
    let pool = app.pool();
    let memos = app.memos();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        origin,
        client: new_client(),
        pool,
        database_url,
        memos,
        _dir: Arc::new(dir),
    }
}

/// A pool on an existing database, without migrating it (to look at what a server left).
pub async fn connect(url: &str) -> sqlx::Result<Pool> {
    sqlx::any::install_default_drivers();
    Pool::connect(url).await
}

fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        // A page that never finishes must fail its test, not hang the suite. Generous: every
        // test server of this process shares one password-hashing slot on a two-core machine,
        // and the sign-in burst tests queue two hundred hashes on it.
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("http client")
}

impl TestApp {
    /// After a change made straight in the database (as another tool would): counts it as a
    /// staff change does, and waits for the instance's next look at the counter (once a
    /// second by default), after which it has forgotten what it kept.
    pub async fn count_a_change_made_outside(&self) {
        sqlx::query("UPDATE site_changes SET counter = counter + 1 WHERE id = 1")
            .execute(&self.pool)
            .await
            .expect("counting the change");
        tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    }

    /// The database file (`data/test.db`) and uploads folder (`uploads/`) live in this folder.
    pub fn data_dir(&self) -> &Path {
        self._dir.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.origin, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// GETs a page and returns its status and body.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        let body = response
            .text()
            .await
            .unwrap_or_else(|e| panic!("{path}: no complete body: {e}"));
        (status, body)
    }

    /// The same portal seen from a second browser (a cookie jar of its own).
    pub fn another_browser(&self) -> TestApp {
        TestApp {
            origin: self.origin.clone(),
            client: new_client(),
            pool: self.pool.clone(),
            database_url: self.database_url.clone(),
            memos: self.memos.clone(),
            _dir: Arc::clone(&self._dir),
        }
    }

    /// This browser's CSRF token, as the portal renders it into its forms (the login form, or
    /// the sign-out form of the staff area once signed in).
    pub async fn csrf_token(&self) -> String {
        let marker = r#"name="csrf_token" value=""#;
        for path in ["/login", "/admin"] {
            let (_, html) = self.page(path).await;
            if let Some(at) = html.find(marker) {
                let start = at + marker.len();
                return html[start..start + 43].to_string();
            }
        }
        panic!("no form carries a CSRF token")
    }

    /// Posts a form as a browser does without JavaScript: with the CSRF token, wanting HTML.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf_token().await;
        self.post_form_with_token(path, fields, &token).await
    }

    /// Posts a form with a CSRF token fetched before (so that racing posts leave together).
    pub async fn post_form_with_token(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        token: &str,
    ) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", token));
        self.client
            .post(self.url(path))
            .header("accept", "text/html")
            .form(&form)
            .send()
            .await
            .expect("request sent")
    }

    /// Creates a staff account directly in the database.
    pub async fn create_staff(&self, username: &str, password: &str, roles: &[Role]) -> i64 {
        let hash = password::hash(password).expect("hash");
        let account = store::NewAccount {
            username,
            display_name: username,
            password_hash: &hash,
            roles,
        };
        store::create(&self.pool, account, app::foundation::clock::now())
            .await
            .expect("account created")
    }

    /// Signs in through the login form; returns where the portal sent the browser.
    pub async fn sign_in(&self, username: &str, password: &str) -> String {
        let response = self
            .post_form(
                "/api/sign_in",
                &[("username", username), ("password", password)],
            )
            .await;
        assert!(
            response.status().is_redirection(),
            "sign-in answered {}",
            response.status()
        );
        location(&response)
    }

    /// Creates an account with the given roles and signs this browser in as it.
    pub async fn signed_in_as(&self, username: &str, roles: &[Role]) -> i64 {
        let id = self.create_staff(username, STAFF_PASSWORD, roles).await;
        let to = self.sign_in(username, STAFF_PASSWORD).await;
        assert_eq!(to, "/admin", "{username} was not signed in");
        id
    }

    /// The actions in the audit log, oldest first.
    pub async fn audit_actions(&self) -> Vec<(String, String, String)> {
        sqlx::query_as("SELECT actor_name, action, target FROM audit_log ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .expect("audit log")
    }
}

/// A password that satisfies the policy.
pub const STAFF_PASSWORD: &str = "flood-season-drill-2026";

/// The `Location` of a redirect.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn write_file(path: &Path, content: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("site folder");
    std::fs::write(path, content).expect("site file");
}

/// Spawns the real `server` binary as configured by `command` (logging at info level) and waits
/// until it logs the address it serves on; returns it with that URL and its log lines.
pub fn start_binary(
    mut command: std::process::Command,
) -> (
    std::process::Child,
    String,
    std::sync::mpsc::Receiver<String>,
) {
    use std::io::{BufRead, BufReader};
    let mut child = command
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let stderr = child.stderr.take().expect("stderr");
    let (lines_tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let url = loop {
        let line = lines
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the server logs its address");
        if let Some(at) = line.find("serving on ") {
            break line[at + "serving on ".len()..]
                .trim()
                .trim_end_matches('/')
                .to_owned();
        }
    };
    (child, url, lines)
}
