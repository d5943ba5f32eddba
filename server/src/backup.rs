//! `server backup` and `server restore`: the database and the uploaded images, together.
//!
//! A backup is a folder:
//! - `portal.db`: a consistent copy of the database made with `VACUUM INTO` while the site keeps
//!   serving (one read transaction: it sees every write committed before it began and none
//!   after);
//! - `uploads/`: the uploaded images, copied after the database. Images are named by their
//!   digest, written before any article can refer to them and never changed or deleted, so
//!   every image the copied database refers to is there;
//! - `manifest.json`: when it was made, the schema version, what it holds, and the SHA-256 of
//!   every file, which `restore` checks before it touches anything.
//!
//! The folder is readable by its owner only (0700, files 0600). Restoring is done with the site
//! stopped, and refused while a server holds the database (see [`crate::serving_lock`]).

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use anyhow::{Context, bail, ensure};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{Connection, SqliteConnection, sqlite::SqliteConnectOptions};

use crate::{
    config::{DatabaseConfig, DatabaseTarget},
    db,
    serving_lock::ServingLock,
};

const DATABASE_FILE: &str = "portal.db";
const UPLOADS_FOLDER: &str = "uploads";
const MANIFEST_FILE: &str = "manifest.json";
const FORMAT: &str = "aqxc-backup/1";

/// What a backup holds, written last: a folder without it is an unfinished backup.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
    /// The newest migration applied to the copied database.
    pub schema_version: i64,
    /// Rows of the tables people care about, for a quick look before restoring.
    pub counts: BTreeMap<String, i64>,
    /// SHA-256 (hex) of every file, by its path inside the backup folder.
    pub files: BTreeMap<String, String>,
}

/// Makes a backup of the live database and uploads folder into `target`, which must not exist
/// yet or be empty.
pub async fn create(
    database: &DatabaseConfig,
    uploads: &Path,
    target: &Path,
) -> anyhow::Result<Manifest> {
    sqlite_only(database)?;
    prepare_empty_folder(target)?;
    let pool = db::connect_and_migrate(database).await?;
    let copy = target.join(DATABASE_FILE);
    let copy_path = copy
        .to_str()
        .context("the backup folder's path is not valid UTF-8")?;
    sqlx::query("VACUUM INTO $1")
        .bind(copy_path)
        .execute(&pool)
        .await
        .context("copying the database")?;
    pool.close().await;
    private(&copy, FILE_MODE)?;

    let mut files = BTreeMap::new();
    files.insert(DATABASE_FILE.to_owned(), sha256_of(&copy)?);
    if uploads.is_dir() {
        let folder = target.join(UPLOADS_FOLDER);
        fs::create_dir_all(&folder)?;
        private(&folder, FOLDER_MODE)?;
        for entry in fs::read_dir(uploads).context("reading the uploads folder")? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str().filter(|n| !n.starts_with('.')) else {
                continue; // an image still being written, or a stray file
            };
            if !entry.file_type()?.is_file() {
                continue;
            }
            let to = folder.join(name);
            fs::copy(entry.path(), &to).with_context(|| format!("copying upload {name}"))?;
            private(&to, FILE_MODE)?;
            files.insert(format!("{UPLOADS_FOLDER}/{name}"), sha256_of(&to)?);
        }
    }

    let (schema_version, counts) = inspect(&copy).await?;
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        created_at: app::foundation::clock::now(),
        schema_version,
        counts,
        files,
    };
    let manifest_file = target.join(MANIFEST_FILE);
    fs::write(&manifest_file, serde_json::to_vec_pretty(&manifest)?)?;
    private(&manifest_file, FILE_MODE)?;
    Ok(manifest)
}

/// Checks a backup folder completely (manifest, every file's digest, the database's own
/// integrity check) without changing anything.
pub async fn verify(backup: &Path) -> anyhow::Result<Manifest> {
    let manifest_path = backup.join(MANIFEST_FILE);
    let text = fs::read(&manifest_path).with_context(|| {
        format!(
            "{} has no {MANIFEST_FILE}: not a backup, or an unfinished one",
            backup.display()
        )
    })?;
    let manifest: Manifest =
        serde_json::from_slice(&text).context("the backup's manifest is not readable")?;
    ensure!(
        manifest.format == FORMAT,
        "unknown backup format {:?}",
        manifest.format
    );
    ensure!(
        manifest.files.contains_key(DATABASE_FILE),
        "the backup's manifest lists no database"
    );
    for name in manifest.files.keys() {
        check_entry(backup, name)?;
    }
    for (name, expected) in &manifest.files {
        let actual = sha256_of(&backup.join(name))
            .with_context(|| format!("the backup is missing {name}"))?;
        ensure!(
            &actual == expected,
            "{name} in the backup is damaged (its SHA-256 differs from the manifest)"
        );
    }
    let (schema_version, _) = inspect(&backup.join(DATABASE_FILE)).await?;
    ensure!(
        schema_version == manifest.schema_version,
        "the backup's database is at schema {schema_version}, its manifest says {}",
        manifest.schema_version
    );
    Ok(manifest)
}

/// Replaces the database and uploads with a verified backup. The site must be stopped.
///
/// The database file is written beside its destination and renamed over it, so an interrupted
/// restore leaves the old database in place.
pub async fn restore(
    backup: &Path,
    database: &DatabaseConfig,
    uploads: &Path,
) -> anyhow::Result<Manifest> {
    sqlite_only(database)?;
    let manifest = verify(backup).await?;
    let latest = db::latest_version();
    ensure!(
        manifest.schema_version <= latest,
        "the backup comes from a newer version of the portal (schema {}, this one knows {latest})",
        manifest.schema_version
    );
    let destination = database_path(database)?;
    if let Some(folder) = destination.parent().filter(|f| !f.as_os_str().is_empty()) {
        fs::create_dir_all(folder)?;
    }
    // Held to the end: no server starts on the database while it is replaced.
    let _no_server = ServingLock::for_restoring(&destination)?;
    let staging = destination.with_extension("restoring");
    fs::copy(backup.join(DATABASE_FILE), &staging).context("copying the database")?;
    for suffix in ["-wal", "-shm"] {
        let stale = PathBuf::from(format!("{}{suffix}", destination.display()));
        if stale.exists() {
            fs::remove_file(&stale)
                .with_context(|| format!("removing the old {}", stale.display()))?;
        }
    }
    fs::rename(&staging, &destination).context("putting the restored database in place")?;

    fs::create_dir_all(uploads)?;
    for name in manifest.files.keys() {
        if let Some(image) = name.strip_prefix(&format!("{UPLOADS_FOLDER}/")) {
            restore_upload(&backup.join(name), uploads, image)?;
        }
    }
    // Opening it applies any migration newer than the backup.
    db::connect_and_migrate(database).await?.close().await;
    Ok(manifest)
}

/// Whether `name` is one the backup writes: the database, or an uploaded image as the upload
/// handler names it (`uploads/` + 32 lowercase hex digits + an image extension). Nothing else
/// can be restored, so a manifest cannot steer a restore outside the uploads folder.
fn is_backed_up_name(name: &str) -> bool {
    if name == DATABASE_FILE {
        return true;
    }
    let Some(image) = name
        .strip_prefix(UPLOADS_FOLDER)
        .and_then(|n| n.strip_prefix('/'))
    else {
        return false;
    };
    let Some((stem, extension)) = image.split_once('.') else {
        return false;
    };
    stem.len() == 32
        && stem.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && matches!(extension, "png" | "jpg" | "gif" | "webp")
}

/// Refuses a manifest entry the server never writes, and one that is not a regular file in the
/// backup (a symbolic link would make the restore read, or write through, a place the backup
/// does not own); the uploads folder itself must be a real folder too.
fn check_entry(backup: &Path, name: &str) -> anyhow::Result<()> {
    ensure!(
        is_backed_up_name(name),
        "the backup's manifest names {name:?}, which is not a file a backup holds (only \
         {DATABASE_FILE} and {UPLOADS_FOLDER}/<digest>.<png|jpg|gif|webp>): refused, nothing \
         was changed"
    );
    if name != DATABASE_FILE {
        let folder = fs::symlink_metadata(backup.join(UPLOADS_FOLDER))
            .with_context(|| format!("the backup is missing {name}"))?;
        ensure!(
            folder.is_dir(),
            "{UPLOADS_FOLDER} in the backup is not a folder (a symbolic link?): refused, nothing \
             was changed"
        );
    }
    let file = fs::symlink_metadata(backup.join(name))
        .with_context(|| format!("the backup is missing {name}"))?;
    ensure!(
        file.file_type().is_file(),
        "{name} in the backup is not a regular file (a symbolic link?): refused, nothing was \
         changed"
    );
    Ok(())
}

/// Copies a verified upload into the uploads folder under a hidden name, then renames it into
/// place: a symbolic link already standing at the destination is replaced, never followed.
fn restore_upload(from: &Path, uploads: &Path, image: &str) -> anyhow::Result<()> {
    let staging = uploads.join(format!(".{image}.restoring"));
    let _ = fs::remove_file(&staging);
    fs::copy(from, &staging).with_context(|| format!("restoring upload {image}"))?;
    fs::rename(&staging, uploads.join(image)).with_context(|| format!("restoring upload {image}"))
}

/// One line saying what a backup holds.
pub fn summary(manifest: &Manifest) -> String {
    let counts: Vec<String> = manifest
        .counts
        .iter()
        .map(|(table, count)| format!("{table} {count}"))
        .collect();
    let uploads = manifest.files.len() - 1;
    format!(
        "schema {}, {}, {uploads} uploaded images",
        manifest.schema_version,
        counts.join(", ")
    )
}

/// `backup` and `restore` copy a SQLite file; a PostgreSQL database is backed up with its own
/// tools, as the README says.
fn sqlite_only(database: &DatabaseConfig) -> anyhow::Result<()> {
    if let DatabaseTarget::Postgres(_) = database.target()? {
        bail!(
            "`server backup` and `server restore` copy a SQLite database; on PostgreSQL use \
             `pg_dump --format=custom --file=portal.dump DATABASE` (and copy the uploads \
             folder after it), and `pg_restore --clean --if-exists --dbname=DATABASE \
             portal.dump`: see the README, \"Running on PostgreSQL\""
        );
    }
    Ok(())
}

fn prepare_empty_folder(target: &Path) -> anyhow::Result<()> {
    if target.exists() {
        let mut entries = fs::read_dir(target)
            .with_context(|| format!("{} is not a folder", target.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty: a backup goes into a new folder",
                target.display()
            );
        }
    }
    fs::create_dir_all(target).with_context(|| format!("creating {}", target.display()))?;
    private(target, FOLDER_MODE)
}

/// A backup holds the whole database (staff password hashes, sessions, participants' names):
/// only the account that made it may read it.
const FOLDER_MODE: u32 = 0o700;
const FILE_MODE: u32 = 0o600;

fn private(path: &Path, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .with_context(|| format!("making {} private", path.display()))
}

/// The file of a SQLite database.
pub(crate) fn database_path(database: &DatabaseConfig) -> anyhow::Result<PathBuf> {
    let options: SqliteConnectOptions = database
        .database_url
        .parse()
        .context("AQXC_DATABASE_URL is not a SQLite URL")?;
    let path = options.get_filename();
    ensure!(
        !path.as_os_str().is_empty() && path != Path::new(":memory:"),
        "the database is not a file"
    );
    Ok(path.to_path_buf())
}

/// The schema version and row counts of a database file, after SQLite's integrity check.
async fn inspect(file: &Path) -> anyhow::Result<(i64, BTreeMap<String, i64>)> {
    let options = SqliteConnectOptions::new().filename(file).read_only(true);
    let mut connection = SqliteConnection::connect_with(&options)
        .await
        .with_context(|| format!("opening {}", file.display()))?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut connection)
        .await?;
    ensure!(
        integrity == "ok",
        "the database in the backup fails SQLite's integrity check: {integrity}"
    );
    let schema_version: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
            .fetch_one(&mut connection)
            .await
            .context("the backup's database has no migration table")?;
    let mut counts = BTreeMap::new();
    for table in [
        "articles",
        "staff_users",
        "draws",
        "inspection_results",
        "attempts",
        "questions",
    ] {
        let exists: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
        )
        .bind(table)
        .fetch_one(&mut connection)
        .await?;
        if exists == 1 {
            // The name comes from the fixed list above, never from input.
            let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&mut connection)
                .await?;
            counts.insert(table.to_owned(), count);
        }
    }
    connection.close().await?;
    Ok((schema_version, counts))
}

fn sha256_of(file: &Path) -> anyhow::Result<String> {
    let mut hasher = Sha256::new();
    let mut reader = fs::File::open(file)?;
    std::io::copy(&mut reader, &mut hasher)?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_names_a_backup_writes_are_restorable() {
        let image = "0123456789abcdef0123456789abcdef";
        for name in [
            "portal.db".to_string(),
            format!("uploads/{image}.png"),
            format!("uploads/{image}.webp"),
        ] {
            assert!(is_backed_up_name(&name), "{name}");
        }
        for name in [
            "uploads//etc/cron.d/evil".to_string(),
            "uploads/../../etc/passwd".to_string(),
            format!("uploads/{image}.png/../../x"),
            format!("uploads/{}.png", image.to_uppercase()),
            format!("uploads/{image}.svg"),
            format!("uploads/sub/{image}.png"),
            format!("/uploads/{image}.png"),
            "uploadsx/a.png".to_string(),
            "portal.db-wal".to_string(),
            "manifest.json".to_string(),
        ] {
            assert!(!is_backed_up_name(&name), "{name}");
        }
    }
}
