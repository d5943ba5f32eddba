use std::path::Path;

use server::{config::Config, startup::Application};

/// A running portal and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT` (no base path).
    pub origin: String,
    pub client: reqwest::Client,
    /// Keeps the database and the site folder alive for the test.
    _dir: tempfile::TempDir,
}

/// What a test may ask of the app it spawns.
#[derive(Default)]
pub struct Options<'a> {
    pub base_path: &'a str,
    /// Files to place in the site root before start-up: (relative path, content).
    pub site_files: &'a [(&'a str, &'a str)],
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
    let database_url = format!("sqlite://{}", dir.path().join("data/test.db").display());
    let base_path = if options.base_path.is_empty() {
        "/"
    } else {
        options.base_path
    };
    let app = Application::build(Config::for_tests(database_url, site_root, base_path))
        .await
        .expect("the app builds");
    let origin = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("http client");
    TestApp {
        origin,
        client,
        _dir: dir,
    }
}

impl TestApp {
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
        (status, response.text().await.expect("a body"))
    }
}

fn write_file(path: &Path, content: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("site folder");
    std::fs::write(path, content).expect("site file");
}
