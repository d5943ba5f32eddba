//! Backups taken while the site serves and writes, and restores into a new place.

use std::{
    path::Path,
    process::Command,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use server::{backup, config::DatabaseConfig};

use crate::{
    database::on_postgres,
    helpers::{Options, TestApp, spawn_app_with},
};

const ARTICLE: &str = "+++\ntitle = \"防汛备汛清单\"\nslug = \"flood-checklist\"\ndate = \"2026-06-01\"\n\
category = \"安全常识\"\nsummary = \"汛前准备。\"\nauthor = \"宣传股\"\n+++\n\n备好手电筒和饮用水。\n";

/// An uploaded image, as the upload handler names it (its digest).
const IMAGE_NAME: &str = "0123456789abcdef0123456789abcdef.png";
const IMAGE: &[u8] = b"\x89PNG\r\n\x1a\n pretend image bytes";

fn database(file: &Path) -> DatabaseConfig {
    DatabaseConfig {
        database_url: format!("sqlite://{}", file.display()),
        db_max_connections: 2,
    }
}

async fn portal_with_an_article_and_an_image() -> TestApp {
    let app = spawn_app_with(Options {
        content_files: &[("articles/2026-06-01-flood-checklist.md", ARTICLE)],
        ..Default::default()
    })
    .await;
    let uploads = app.data_dir().join("uploads");
    std::fs::create_dir_all(&uploads).unwrap();
    std::fs::write(uploads.join(IMAGE_NAME), IMAGE).unwrap();
    app
}

/// Writes audit rows one after another until told to stop; returns how many it wrote.
fn keep_writing(app: &TestApp, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<i64> {
    let pool = app.pool.clone();
    tokio::spawn(async move {
        let mut written = 0;
        while !stop.load(Ordering::SeqCst) {
            sqlx::query(
                "INSERT INTO audit_log (at, actor_name, action) VALUES ($1, 'load', 'tick')",
            )
            .bind(written)
            .execute(&pool)
            .await
            .expect("a write during the backup");
            written += 1;
        }
        written
    })
}

async fn ticks(database_file: &Path) -> Vec<i64> {
    ticks_at(&format!("sqlite://{}", database_file.display())).await
}

#[tokio::test]
async fn a_backup_taken_while_the_site_writes_restores_to_a_working_portal() {
    if on_postgres() {
        return; // copies a SQLite file; PostgreSQL is backed up with pg_dump (below)
    }
    let app = portal_with_an_article_and_an_image().await;
    let stop = Arc::new(AtomicBool::new(false));
    let writer = keep_writing(&app, stop.clone());
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;

    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("backup-1");
    let live = app.data_dir().join("data/test.db");
    let manifest = backup::create(&database(&live), &app.data_dir().join("uploads"), &target)
        .await
        .expect("the backup is made while the site writes");
    stop.store(true, Ordering::SeqCst);
    let written = writer.await.unwrap();

    assert_eq!(manifest.counts["articles"], 1);
    assert!(
        manifest
            .files
            .contains_key(&format!("uploads/{IMAGE_NAME}"))
    );
    // Consistent: the copy holds the writes up to one moment, in order and without a gap.
    let copied = ticks(&target.join("portal.db")).await;
    assert!(!copied.is_empty() && (copied.len() as i64) <= written);
    assert_eq!(copied, (0..copied.len() as i64).collect::<Vec<_>>());

    // Restored into a new place, it serves the article and the image.
    let restored = folder.path().join("restored");
    let restored_db = restored.join("data/aqxc.db");
    let restored_uploads = restored.join("uploads");
    backup::restore(&target, &database(&restored_db), &restored_uploads)
        .await
        .expect("the backup restores");
    let portal = spawn_app_with(Options {
        existing_data: Some((
            &format!("sqlite://{}", restored_db.display()),
            &restored_uploads,
        )),
        ..Default::default()
    })
    .await;
    let (status, page) = portal.page("/articles/flood-checklist").await;
    assert_eq!(status, 200);
    assert!(page.contains("防汛备汛清单"));
    let image = portal.get(&format!("/uploads/{IMAGE_NAME}")).await;
    assert_eq!(image.status().as_u16(), 200);
    assert_eq!(image.bytes().await.unwrap().as_ref(), IMAGE);
    assert_eq!(ticks(&restored_db).await, copied);
}

#[tokio::test]
async fn a_damaged_backup_is_refused_and_the_current_database_is_left_alone() {
    if on_postgres() {
        return; // copies a SQLite file; PostgreSQL is backed up with pg_dump (below)
    }
    let app = portal_with_an_article_and_an_image().await;
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("backup");
    let live = app.data_dir().join("data/test.db");
    let uploads = app.data_dir().join("uploads");
    backup::create(&database(&live), &uploads, &target)
        .await
        .unwrap();

    std::fs::write(target.join("uploads").join(IMAGE_NAME), b"tampered").unwrap();
    let existing = folder.path().join("current.db");
    std::fs::write(&existing, b"the current database").unwrap();
    let error = backup::restore(&target, &database(&existing), &folder.path().join("up"))
        .await
        .expect_err("a damaged backup must not be restored");
    assert!(error.to_string().contains("damaged"), "{error:#}");
    assert_eq!(std::fs::read(&existing).unwrap(), b"the current database");

    // A backup never goes into a folder that already holds something.
    let error = backup::create(&database(&live), &uploads, &target)
        .await
        .expect_err("a used folder is refused");
    assert!(error.to_string().contains("not empty"), "{error:#}");
}

#[tokio::test]
async fn the_command_line_makes_and_checks_a_backup() {
    if on_postgres() {
        return; // copies a SQLite file; PostgreSQL is backed up with pg_dump (below)
    }
    let app = portal_with_an_article_and_an_image().await;
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("nightly");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_server"))
            .args(args)
            .env(
                "AQXC_DATABASE_URL",
                format!("sqlite://{}", app.data_dir().join("data/test.db").display()),
            )
            .env("AQXC_UPLOADS_DIR", app.data_dir().join("uploads"))
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let made = run(&["backup", target.to_str().unwrap()]);
    assert!(made.status.success(), "{made:?}");
    let said = String::from_utf8_lossy(&made.stdout);
    assert!(
        said.contains("written") && said.contains("articles 1"),
        "{said}"
    );
    assert!(said.contains("1 uploaded images"), "{said}");

    let checked = run(&["backup", "--check", target.to_str().unwrap()]);
    assert!(checked.status.success(), "{checked:?}");
    assert!(String::from_utf8_lossy(&checked.stdout).contains("complete and intact"));

    std::fs::remove_file(target.join("manifest.json")).unwrap();
    let unfinished = run(&["backup", "--check", target.to_str().unwrap()]);
    assert!(!unfinished.status.success());
    assert!(String::from_utf8_lossy(&unfinished.stderr).contains("unfinished"));
}

#[tokio::test]
async fn on_postgresql_backup_and_restore_refuse_and_name_the_tools_that_do_it() {
    if !on_postgres() {
        return;
    }
    let app = portal_with_an_article_and_an_image().await;
    let folder = tempfile::tempdir().unwrap();
    let database = DatabaseConfig {
        database_url: app.database_url.clone(),
        db_max_connections: 2,
    };
    let refused = backup::create(&database, &app.data_dir().join("uploads"), folder.path())
        .await
        .expect_err("backup refuses PostgreSQL");
    assert!(refused.to_string().contains("pg_dump"), "{refused:#}");
    let refused = backup::restore(folder.path(), &database, &app.data_dir().join("uploads"))
        .await
        .expect_err("restore refuses PostgreSQL");
    assert!(refused.to_string().contains("pg_restore"), "{refused:#}");
    let (status, _) = app.page("/articles/flood-checklist").await;
    assert_eq!(status, 200, "the database is untouched");
}

/// A PostgreSQL client program of Debian's package (`pg_dump`, `pg_restore`).
fn postgres_tool(name: &str) -> std::path::PathBuf {
    let mut found: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("Debian's PostgreSQL is installed")
        .filter_map(|entry| Some(entry.ok()?.path().join("bin").join(name)))
        .filter(|path| path.exists())
        .collect();
    found.sort();
    found.pop().expect("the tool is installed")
}

async fn ticks_at(url: &str) -> Vec<i64> {
    let pool = crate::helpers::connect(url).await.unwrap();
    let ticks = sqlx::query_scalar("SELECT at FROM audit_log WHERE action = 'tick' ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    ticks
}

#[tokio::test]
async fn on_postgresql_the_readme_s_pg_dump_taken_under_load_restores_to_a_working_portal() {
    if !on_postgres() {
        return;
    }
    let app = portal_with_an_article_and_an_image().await;
    let stop = Arc::new(AtomicBool::new(false));
    let writer = keep_writing(&app, stop.clone());
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;

    // The README's commands: pg_dump while the site writes, the uploads folder after it.
    let folder = tempfile::tempdir().unwrap();
    let dump = folder.path().join("aqxc.dump");
    let dumped = Command::new(postgres_tool("pg_dump"))
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .arg(&app.database_url)
        .output()
        .unwrap();
    assert!(dumped.status.success(), "{dumped:?}");
    let uploads_copy = folder.path().join("uploads");
    std::fs::create_dir_all(&uploads_copy).unwrap();
    for entry in std::fs::read_dir(app.data_dir().join("uploads")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), uploads_copy.join(entry.file_name())).unwrap();
    }
    stop.store(true, Ordering::SeqCst);
    let written = writer.await.unwrap();

    // Restored into a new database, it serves the article and the image, and holds the writes
    // up to one moment, in order and without a gap.
    let restored = crate::database::fresh_database_url(folder.path(), "unused").await;
    let loaded = Command::new(postgres_tool("pg_restore"))
        .args(["--clean", "--if-exists", "--no-owner", "--dbname"])
        .arg(&restored)
        .arg(&dump)
        .output()
        .unwrap();
    assert!(loaded.status.success(), "{loaded:?}");
    let copied = ticks_at(&restored).await;
    assert!(!copied.is_empty() && (copied.len() as i64) <= written);
    assert_eq!(copied, (0..copied.len() as i64).collect::<Vec<_>>());
    let portal = spawn_app_with(Options {
        existing_data: Some((&restored, &uploads_copy)),
        ..Default::default()
    })
    .await;
    let (status, page) = portal.page("/articles/flood-checklist").await;
    assert_eq!(status, 200);
    assert!(page.contains("防汛备汛清单"));
    let image = portal.get(&format!("/uploads/{IMAGE_NAME}")).await;
    assert_eq!(image.bytes().await.unwrap().as_ref(), IMAGE);
    // And it searches: the trigram indexes came back with the data.
    let (_, found) = portal.page("/search?q=%E6%89%8B%E7%94%B5%E7%AD%92").await; // 手电筒
    assert!(found.contains("防汛备汛清单"), "{found}");
}

/// A backup made of the portal, and the current database a restore would replace.
struct Made {
    folder: tempfile::TempDir,
    backup: std::path::PathBuf,
    current: std::path::PathBuf,
    _app: TestApp,
}

async fn a_backup_and_a_current_database() -> Made {
    let app = portal_with_an_article_and_an_image().await;
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("backup");
    let live = app.data_dir().join("data/test.db");
    backup::create(&database(&live), &app.data_dir().join("uploads"), &target)
        .await
        .unwrap();
    let current = folder.path().join("current.db");
    std::fs::write(&current, b"the current database").unwrap();
    Made {
        folder,
        backup: target,
        current,
        _app: app,
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Adds a file to a backup's manifest with its true digest, as whoever can write into the
/// backup folder could.
fn list_in_manifest(backup: &Path, name: &str, content: &[u8]) {
    let path = backup.join("manifest.json");
    let mut manifest: backup::Manifest =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    manifest.files.insert(name.to_string(), sha256_hex(content));
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
}

#[tokio::test]
async fn a_crafted_manifest_cannot_make_restore_write_outside_the_uploads_folder() {
    if on_postgres() {
        return; // copies a SQLite file; PostgreSQL is backed up with pg_dump
    }
    let made = a_backup_and_a_current_database().await;
    let outside = made.folder.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let planted = b"* * * * * root sh -c 'id > /tmp/owned'\n";
    let escapes = [
        // `uploads/` + an absolute path: Path::join would replace the uploads folder with it.
        format!("uploads/{}", outside.join("evil").display()),
        "uploads/../outside/evil-2".to_string(),
        "uploads/sub/../../outside/evil-3".to_string(),
    ];
    for name in &escapes {
        let in_backup = made.backup.join(name);
        std::fs::create_dir_all(in_backup.parent().unwrap()).unwrap();
        std::fs::write(&in_backup, planted).unwrap();
        list_in_manifest(&made.backup, name, planted);

        let uploads = made.folder.path().join("uploads-restored");
        let error = backup::restore(&made.backup, &database(&made.current), &uploads)
            .await
            .expect_err("a manifest naming a file outside the uploads folder is refused");
        let said = format!("{error:#}");
        assert!(
            said.contains("refused") && said.contains("nothing was changed"),
            "{said}"
        );
        assert!(!said.contains('\n'), "one line: {said}");
        assert!(
            !outside.join("evil").exists(),
            "nothing written outside ({name})"
        );
        assert!(!outside.join("evil-2").exists() && !outside.join("evil-3").exists());
        assert!(!uploads.exists(), "the uploads folder is untouched");
        assert_eq!(
            std::fs::read(&made.current).unwrap(),
            b"the current database"
        );
        // The next case starts from the honest manifest again.
        let path = made.backup.join("manifest.json");
        let mut manifest: backup::Manifest =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        manifest.files.remove(name);
        std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    }
}

#[tokio::test]
async fn a_symbolic_link_in_a_backup_is_refused_and_nothing_is_restored() {
    if on_postgres() {
        return; // copies a SQLite file; PostgreSQL is backed up with pg_dump
    }
    let made = a_backup_and_a_current_database().await;
    // The image replaced by a link to a file outside the backup with the same bytes (so every
    // digest still matches): a restore would read, and publish, what the link points at.
    let secret = made.folder.path().join("secret");
    std::fs::write(&secret, IMAGE).unwrap();
    let image = made.backup.join("uploads").join(IMAGE_NAME);
    std::fs::remove_file(&image).unwrap();
    std::os::unix::fs::symlink(&secret, &image).unwrap();

    let uploads = made.folder.path().join("uploads-restored");
    let error = backup::restore(&made.backup, &database(&made.current), &uploads)
        .await
        .expect_err("a symbolic link in the backup is refused");
    let said = format!("{error:#}");
    assert!(
        said.contains(IMAGE_NAME) && said.contains("not a regular file"),
        "{said}"
    );
    assert!(!uploads.exists());
    assert_eq!(
        std::fs::read(&made.current).unwrap(),
        b"the current database"
    );

    // So is an uploads folder that is a link to a folder elsewhere.
    std::fs::remove_file(&image).unwrap();
    let elsewhere = made.folder.path().join("elsewhere");
    std::fs::rename(made.backup.join("uploads"), &elsewhere).unwrap();
    std::fs::write(elsewhere.join(IMAGE_NAME), IMAGE).unwrap();
    std::os::unix::fs::symlink(&elsewhere, made.backup.join("uploads")).unwrap();
    let error = backup::restore(&made.backup, &database(&made.current), &uploads)
        .await
        .expect_err("an uploads folder that is a link is refused");
    assert!(format!("{error:#}").contains("not a folder"), "{error:#}");
    assert!(!uploads.exists());
}

#[tokio::test]
async fn a_fresh_backup_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    if on_postgres() {
        return; // copies a SQLite file; PostgreSQL is backed up with pg_dump
    }
    let made = a_backup_and_a_current_database().await;
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&made.backup), 0o700, "the backup folder");
    assert_eq!(
        mode(&made.backup.join("uploads")),
        0o700,
        "its uploads folder"
    );
    for file in [
        "portal.db",
        "manifest.json",
        &format!("uploads/{IMAGE_NAME}"),
    ] {
        assert_eq!(mode(&made.backup.join(file)), 0o600, "{file}");
    }
}

#[tokio::test]
async fn restore_is_refused_while_a_server_serves_the_database_which_is_left_untouched() {
    if on_postgres() {
        return; // restored with pg_restore; see the README
    }
    let app = portal_with_an_article_and_an_image().await;
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("backup");
    let live = app.data_dir().join("data/test.db");
    let uploads = app.data_dir().join("uploads");
    backup::create(&database(&live), &uploads, &target)
        .await
        .unwrap();
    // Written after the backup: a restore would lose it.
    sqlx::query("INSERT INTO audit_log (at, actor_name, action) VALUES (42, 'later', 'tick')")
        .execute(&app.pool)
        .await
        .unwrap();

    let error = backup::restore(&target, &database(&live), &uploads)
        .await
        .expect_err("the database is in use");
    let said = format!("{error:#}");
    assert!(
        said.contains("in use by a running server") && said.contains("stop the site"),
        "{said}"
    );

    // The operator's view: one line, a failing exit status.
    let restore = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["restore", target.to_str().unwrap()])
        .env("AQXC_DATABASE_URL", format!("sqlite://{}", live.display()))
        .env("AQXC_UPLOADS_DIR", &uploads)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(!restore.status.success());
    let stderr = String::from_utf8_lossy(&restore.stderr);
    assert!(stderr.contains("in use by a running server"), "{stderr}");

    assert_eq!(
        ticks(&live).await,
        vec![42],
        "the later write is still there"
    );
    let (status, page) = app.page("/articles/flood-checklist").await;
    assert_eq!(status, 200);
    assert!(page.contains("防汛备汛清单"));
}
