//! The real binary, started as a bureau would start it: no settings at all.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

/// Starts `server` in `dir` on a free port and returns it with the URL it logged.
fn start_in(dir: &std::path::Path) -> (Child, String, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .current_dir(dir)
        .env_remove("AQXC_DATABASE_URL")
        .env("AQXC_LISTEN", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let stderr = child.stderr.take().expect("stderr");
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let url = loop {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
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
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "exit status {status}");
    let log: Vec<String> = lines.try_iter().collect();
    assert!(log.iter().any(|line| line.contains("stopped")), "{log:#?}");
}
