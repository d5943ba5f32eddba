//! The real binary, started as a bureau would start it: no settings at all.

use std::{
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use crate::helpers::start_binary;

/// Starts `server` in `dir` on a free port and returns it with the URL it logged.
fn start_in(dir: &std::path::Path) -> (Child, String, mpsc::Receiver<String>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .current_dir(dir)
        .env_remove("AQXC_DATABASE_URL")
        .env("AQXC_LISTEN", "127.0.0.1:0");
    start_binary(command)
}

/// Waits for the process to exit; kills it and fails the test if it takes longer than `limit`.
async fn wait_at_most(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("waiting for the server") {
            return status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not stop within {limit:?} of SIGTERM");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn with_no_settings_it_creates_its_database_under_data_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url, lines) = start_in(dir.path());

    let health = reqwest::get(format!("{url}/healthz")).await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    assert!(
        dir.path().join("data/aqxc.db").is_file(),
        "no database under data/"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_at_most(&mut child, Duration::from_secs(30)).await;
    assert!(status.success(), "exit status {status}");
    let log: Vec<String> = lines.try_iter().collect();
    assert!(log.iter().any(|line| line.contains("stopped")), "{log:#?}");
}

/// Runs `server admin …` against the database at `url`, with `stdin` as standard input.
pub(crate) fn admin(url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("admin")
        .args(args)
        .env("AQXC_DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    // The command may exit before reading (e.g. on a bad argument).
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

#[test]
fn the_first_admin_is_created_from_the_command_line_with_the_password_on_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("portal.db").display());

    let created = admin(
        &url,
        &[
            "create",
            "--username",
            "chief",
            "--role",
            "admin",
            "--display-name",
            "陈主任",
        ],
        "flood-season-drill-2026\n",
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(
        String::from_utf8_lossy(&created.stdout)
            .contains("created account `chief` with roles admin")
    );

    let listed = admin(&url, &["list"], "");
    let listing = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listing.contains("chief") && listing.contains("admin") && listing.contains("陈主任"),
        "{listing}"
    );
    assert!(
        !listing.contains("flood-season"),
        "the list shows a password"
    );

    let again = admin(
        &url,
        &["create", "--username", "chief", "--role", "editor"],
        "another-long-password-1\n",
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn a_weak_password_or_an_unknown_role_is_refused_by_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("portal.db").display());
    let weak = admin(
        &url,
        &["create", "--username", "chief", "--role", "admin"],
        "short\n",
    );
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("密码至少需要 12 个字符"));
    let role = admin(
        &url,
        &["create", "--username", "chief", "--role", "root"],
        "flood-season-drill-2026\n",
    );
    assert!(!role.status.success());
    assert!(String::from_utf8_lossy(&role.stderr).contains("unknown role"));
    let listed = admin(&url, &["list"], "");
    assert!(String::from_utf8_lossy(&listed.stdout).contains("no accounts yet"));
}

#[test]
fn a_password_reset_from_the_command_line_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("portal.db").display());
    admin(
        &url,
        &["create", "--username", "chief", "--role", "admin"],
        "flood-season-drill-2026\n",
    );
    let reset = admin(
        &url,
        &["reset-password", "--username", "chief"],
        "typhoon-signal-white-9\n",
    );
    assert!(
        reset.status.success(),
        "{}",
        String::from_utf8_lossy(&reset.stderr)
    );
    let missing = admin(
        &url,
        &["reset-password", "--username", "nobody"],
        "typhoon-signal-white-9\n",
    );
    assert!(!missing.status.success());
    let entries = audit_entries(&url);
    assert_eq!(entries, 2, "create and reset are both in the audit log");
}

/// Counts audit entries through the server's own pool (no second SQLite driver needed).
fn audit_entries(url: &str) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
            .fetch_one(&pool)
            .await
            .unwrap()
    })
}
