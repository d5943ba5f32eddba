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
    number(url, "SELECT COUNT(*) FROM audit_log")
}

/// One number read from the database at `url` through the server's own pool.
fn number(url: &str, query: &'static str) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let pool = crate::helpers::connect(url).await.unwrap();
        sqlx::query_scalar(query).fetch_one(&pool).await.unwrap()
    })
}

/// Runs the binary in `dir` with `args` and the given settings (password on standard input);
/// fails the test if it is still running after 30 s.
fn run_in(dir: &std::path::Path, args: &[&str], settings: &[(&str, &str)]) -> std::process::Output {
    use std::io::Write;
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("AQXC_DATABASE_URL")
        .env_remove("AQXC_BASE_PATH")
        .env("AQXC_LISTEN", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        // A backtrace would follow the error's line.
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in settings {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("the server binary starts");
    let _ = child
        .stdin
        .take()
        .unwrap()
        .write_all(b"flood-season-drill-2026\n");
    let pid = child.id();
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match finished.recv_timeout(Duration::from_secs(30)) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("`server {}` with {settings:?} kept running", args.join(" "));
        }
    }
}

/// Asserts that a run was refused in one line naming `value`, leaving `dir` empty.
fn assert_refused(output: &std::process::Output, value: &str, dir: &std::path::Path) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "accepted {value}: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains(value), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "{value} left {left:?} behind");
}

const ADMIN_CREATE: &[&str] = &["admin", "create", "--username", "chief", "--role", "admin"];

#[test]
fn a_database_url_of_another_kind_is_refused_in_one_line_and_creates_nothing() {
    for (url, shown) in [
        ("mysql://u:p@h/db", "mysql://u:***@h/db"),
        ("oracle://u@h/db", "oracle://u@h/db"),
    ] {
        for args in [ADMIN_CREATE, &["serve"], &["backup", "to-here"]] {
            let dir = tempfile::tempdir().unwrap();
            let output = run_in(dir.path(), args, &[("AQXC_DATABASE_URL", url)]);
            assert_refused(&output, shown, dir.path());
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains("expected sqlite://PATH"), "{stderr}");
            assert!(stderr.contains("or postgres://"), "{stderr}");
        }
    }
}

#[test]
fn a_database_password_in_a_url_of_another_kind_is_never_printed() {
    for url in [
        "mysql://u:s3cretpw@h/db",
        "mysql://u:s3cretpw@h:notaport/db",
        "sqlite://u:s3cretpw@h/",
        "u:s3cretpw@h/db",
    ] {
        for args in [ADMIN_CREATE, &["serve"], &["restore", "from-here"]] {
            let dir = tempfile::tempdir().unwrap();
            let output = run_in(dir.path(), args, &[("AQXC_DATABASE_URL", url)]);
            assert!(!output.status.success(), "{url} {args:?}");
            let said = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(!said.contains("s3cretpw"), "{url} {args:?}: {said}");
            assert!(said.contains("AQXC_DATABASE_URL="), "{said}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(
        dir.path(),
        &["serve"],
        &[("AQXC_DATABASE_URL", "mysql://u:s3cretpw@h/db")],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown database scheme \"mysql\""),
        "{stderr}"
    );
}

#[test]
fn an_unreachable_postgresql_is_refused_in_one_line_that_hides_the_password() {
    // Port 1 on loopback: nothing listens there.
    let url = "postgres://aqxc:secret-word@127.0.0.1:1/aqxc";
    for args in [ADMIN_CREATE, &["serve"]] {
        let dir = tempfile::tempdir().unwrap();
        let output = run_in(dir.path(), args, &[("AQXC_DATABASE_URL", url)]);
        assert_refused(&output, "postgres://aqxc:***@127.0.0.1:1/aqxc", dir.path());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("secret-word"), "{stderr}");
    }
}

#[test]
fn a_database_in_a_folder_whose_parent_is_missing_is_refused_and_creates_nothing() {
    let url = "sqlite://no/such/aqxc.db";
    for args in [ADMIN_CREATE, &["serve"]] {
        let dir = tempfile::tempdir().unwrap();
        let output = run_in(dir.path(), args, &[("AQXC_DATABASE_URL", url)]);
        assert_refused(&output, url, dir.path());
    }
    // The database's own folder is still created when its parent exists.
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(
        dir.path(),
        &["admin", "list"],
        &[("AQXC_DATABASE_URL", "sqlite://db/aqxc.db")],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.path().join("db/aqxc.db").is_file());
}

#[test]
fn a_base_path_that_cannot_prefix_a_url_path_is_refused_in_one_line_and_creates_nothing() {
    for base in [
        "/a?b/",
        "/aqxc#x",
        "/a b/",
        "/../aqxc/",
        "/a%2fb/",
        "/a\\b/",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let output = run_in(dir.path(), &["serve"], &[("AQXC_BASE_PATH", base)]);
        assert_refused(&output, &format!("{base:?}"), dir.path());
    }
}

/// The shared change counter of the database at `url`.
fn change_counter(url: &str) -> i64 {
    number(url, "SELECT counter FROM site_changes WHERE id = 1")
}

#[test]
fn a_command_that_changes_data_counts_a_change_that_running_instances_see() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("portal.db").display());
    let created = admin(
        &url,
        &["create", "--username", "chief", "--role", "admin"],
        "flood-season-drill-2026\n",
    );
    assert!(created.status.success());
    let before = change_counter(&url);
    let imported = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["import", "enterprises"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../content/registries/enterprises.csv"
        ))
        .env("AQXC_DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    // Instances read the counter every second and forget their copies when it moved.
    assert!(change_counter(&url) > before, "the import was not counted");
}
