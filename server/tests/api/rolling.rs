//! A deployment rolling from one build to the next: instances of both serve side by side, and
//! a page from either finds its hashed files on the other.

use std::{path::Path, process::Command};

use crate::{database::fresh_database_url, helpers::start_binary};

/// A build as cargo-leptos leaves it: the binary with its `hash.txt`, and the site's hashed
/// files. The binary is this test's server, linked under a folder of its own, since Leptos
/// reads `hash.txt` beside the running executable.
fn build(dir: &Path, hash: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let bin = dir.join(format!("build-{hash}"));
    std::fs::create_dir_all(&bin).unwrap();
    let server = bin.join("server");
    if std::fs::hard_link(env!("CARGO_BIN_EXE_server"), &server).is_err() {
        std::fs::copy(env!("CARGO_BIN_EXE_server"), &server).unwrap();
    }
    std::fs::write(
        bin.join("hash.txt"),
        format!("js: {hash}\nwasm: {hash}\ncss: {hash}\n"),
    )
    .unwrap();
    let site = dir.join(format!("site-{hash}"));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    for ext in ["js", "wasm", "css"] {
        let body = format!("/* build {hash}, {ext} */").repeat(20);
        std::fs::write(site.join(format!("pkg/aqxc.{hash}.{ext}")), body).unwrap();
    }
    (server, site)
}

fn start(server: &Path, site: &Path, database: &str, dir: &Path) -> (std::process::Child, String) {
    let mut command = Command::new(server);
    command
        .env("AQXC_LISTEN", "127.0.0.1:0")
        .env("AQXC_DATABASE_URL", database)
        .env("AQXC_SITE_ROOT", site)
        .env("AQXC_CONTENT_DIR", dir.join("content"))
        .env("AQXC_UPLOADS_DIR", dir.join("uploads"));
    let (child, url, _lines) = start_binary(command);
    (child, url)
}

#[tokio::test]
async fn while_a_deployment_rolls_each_build_serves_the_other_builds_hashed_files() {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database_url(dir.path(), "portal.db").await;
    let (old_server, old_site) = build(dir.path(), "0ld0ld0ld");
    let (new_server, new_site) = build(dir.path(), "n3wn3wn3w");
    let (mut old, old_url) = start(&old_server, &old_site, &database, dir.path());
    let (mut new, new_url) = start(&new_server, &new_site, &database, dir.path());

    for (page_from, other, hash) in [
        (&old_url, &new_url, "0ld0ld0ld"),
        (&new_url, &old_url, "n3wn3wn3w"),
    ] {
        let page = reqwest::get(format!("{page_from}/contest/practice"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains(&format!("aqxc.{hash}.js")), "{page}");
        for ext in ["js", "wasm", "css"] {
            let path = format!("/pkg/aqxc.{hash}.{ext}");
            let own = reqwest::get(format!("{page_from}{path}")).await.unwrap();
            let own_bytes = own.bytes().await.unwrap();
            let elsewhere = reqwest::Client::new()
                .get(format!("{other}{path}"))
                .header("accept-encoding", "identity")
                .send()
                .await
                .unwrap();
            assert_eq!(elsewhere.status().as_u16(), 200, "{other}{path}");
            assert!(
                elsewhere.headers()["cache-control"]
                    .to_str()
                    .unwrap()
                    .contains("immutable")
            );
            assert_eq!(elsewhere.bytes().await.unwrap(), own_bytes, "{path}");
        }
    }
    // A file no build has is still not found.
    let missing = reqwest::get(format!("{old_url}/pkg/aqxc.f0f0f0.js"))
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);

    for child in [&mut old, &mut new] {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[tokio::test]
async fn an_instance_of_the_older_build_restarts_on_a_database_the_newer_one_migrated() {
    let first = crate::helpers::spawn_app().await;
    // What a newer build's migration leaves behind: a version this build does not know.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (9999, 'from a newer build', TRUE, $1, 1)",
    )
    .bind(vec![0u8; 48])
    .execute(&first.pool)
    .await
    .unwrap();
    let uploads = first.data_dir().join("uploads");
    let again = crate::helpers::spawn_app_with(crate::helpers::Options {
        existing_data: Some((&first.database_url, &uploads)),
        ..Default::default()
    })
    .await;
    let (status, _) = again.page("/").await;
    assert_eq!(status, 200);
}
