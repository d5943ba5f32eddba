//! A SQLite database in use: every server serving it holds a shared lock on a file beside it
//! (`<database>.lock`, an advisory `flock` the kernel releases when the process ends, however it
//! ends), and `server restore` takes the lock exclusively, so it refuses to replace a database
//! that a running server still has open, and a server does not start in the middle of a restore.
//!
//! PostgreSQL databases are restored with their own tools and are not locked here.

use std::{
    fs::{File, OpenOptions, TryLockError},
    path::{Path, PathBuf},
};

use anyhow::Context;

use crate::config::{DatabaseConfig, DatabaseTarget};

/// A lock held on a database's lock file until it is dropped.
#[derive(Debug)]
pub struct ServingLock {
    _file: File,
}

/// The lock file of a SQLite database file.
fn lock_path(database_file: &Path) -> PathBuf {
    let mut name = database_file.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

fn open(lock: &Path) -> anyhow::Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock)
        .with_context(|| format!("opening the lock file {}", lock.display()))
}

impl ServingLock {
    /// The shared lock a server holds while it serves a SQLite database. `None` on PostgreSQL,
    /// and while the database's folder does not exist yet (the caller asks again once it does).
    pub fn for_serving(database: &DatabaseConfig) -> anyhow::Result<Option<ServingLock>> {
        if let DatabaseTarget::Postgres(_) = database.target()? {
            return Ok(None);
        }
        let file = crate::backup::database_path(database)?;
        if file
            .parent()
            .is_some_and(|f| !f.as_os_str().is_empty() && !f.is_dir())
        {
            return Ok(None);
        }
        let lock = lock_path(&file);
        let opened = open(&lock)?;
        match opened.try_lock_shared() {
            Ok(()) => Ok(Some(ServingLock { _file: opened })),
            Err(TryLockError::WouldBlock) => anyhow::bail!(
                "the database {} is being restored (`server restore` holds {}): start the site \
                 once the restore has finished",
                file.display(),
                lock.display()
            ),
            Err(TryLockError::Error(error)) => {
                Err(error).with_context(|| format!("locking {}", lock.display()))
            }
        }
    }

    /// The exclusive lock a restore holds while it replaces the database file `file`; refused
    /// while any server holds the file's shared lock.
    pub fn for_restoring(file: &Path) -> anyhow::Result<ServingLock> {
        let lock = lock_path(file);
        let opened = open(&lock)?;
        match opened.try_lock() {
            Ok(()) => Ok(ServingLock { _file: opened }),
            Err(TryLockError::WouldBlock) => anyhow::bail!(
                "the database {} is in use by a running server (it holds {}): stop the site \
                 first (e.g. systemctl stop aqxc), then restore; nothing was changed",
                file.display(),
                lock.display()
            ),
            Err(TryLockError::Error(error)) => {
                Err(error).with_context(|| format!("locking {}", lock.display()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restore_waits_for_no_server_and_servers_share() {
        let dir = tempfile::tempdir().unwrap();
        let database = DatabaseConfig {
            database_url: format!("sqlite://{}", dir.path().join("portal.db").display()),
            db_max_connections: 1,
        };
        let file = dir.path().join("portal.db");
        let first = ServingLock::for_serving(&database)
            .unwrap()
            .expect("a lock");
        let second = ServingLock::for_serving(&database)
            .unwrap()
            .expect("shared");
        let refused = ServingLock::for_restoring(&file).unwrap_err().to_string();
        assert!(refused.contains("in use by a running server"), "{refused}");
        drop((first, second));
        let restoring = ServingLock::for_restoring(&file).expect("no server left");
        let refused = ServingLock::for_serving(&database).unwrap_err().to_string();
        assert!(refused.contains("being restored"), "{refused}");
        drop(restoring);
    }
}
