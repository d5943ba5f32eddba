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
