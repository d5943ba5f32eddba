use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::{
    admin::AdminCommand,
    backup,
    config::{Config, DatabaseConfig},
    db, demo_cli,
    draw_cli::DrawCommand,
    import_cli::{self, Registry},
    startup::Application,
};

/// 开平市应急管理局 safety publicity portal.
#[derive(Debug, Parser)]
#[command(name = "server", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Settings for `serve` when no command is given.
    #[command(flatten)]
    config: Config,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the site (the default).
    Serve {
        #[command(flatten)]
        config: Box<Config>,
    },
    /// Manage staff accounts.
    Admin {
        #[command(flatten)]
        database: DatabaseConfig,
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Import a registry from a CSV file (format: content/registries/README.md).
    Import {
        #[command(flatten)]
        database: DatabaseConfig,
        /// Which registry.
        registry: Registry,
        /// The CSV file (UTF-8, header on the first line).
        file: std::path::PathBuf,
    },
    /// Random selection by RFC 3797, and offline verification of published draws.
    Draw {
        #[command(subcommand)]
        command: DrawCommand,
    },
    /// The demo world an empty database gets on first start (AQXC_DEMO).
    Demo {
        #[command(flatten)]
        database: DatabaseConfig,
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Back up the database and the uploaded images while the site keeps serving.
    Backup {
        #[command(flatten)]
        database: DatabaseConfig,
        /// The uploads folder to back up.
        #[arg(long, env = "AQXC_UPLOADS_DIR", default_value = "data/uploads")]
        uploads_dir: PathBuf,
        /// A new (or empty) folder for the backup.
        to: PathBuf,
        /// Only check an existing backup folder given as the argument, changing nothing.
        #[arg(long)]
        check: bool,
    },
    /// Replace the database and uploads with a backup. Stop the site first.
    Restore {
        #[command(flatten)]
        database: DatabaseConfig,
        /// The uploads folder to restore into.
        #[arg(long, env = "AQXC_UPLOADS_DIR", default_value = "data/uploads")]
        uploads_dir: PathBuf,
        /// The backup folder made by `server backup`.
        from: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Remove the demo draw, contest, registries and account; refused once staff have
    /// announced a draw of their own.
    Remove,
}

impl Cli {
    /// Runs the chosen command to completion.
    pub fn run(self) -> anyhow::Result<()> {
        // Refused before anything is opened or created, the same way by every command.
        match &self.command {
            Some(Command::Serve { config }) => config.validate()?,
            None => self.config.validate()?,
            Some(
                Command::Admin { database, .. }
                | Command::Import { database, .. }
                | Command::Demo { database, .. }
                | Command::Backup { database, .. }
                | Command::Restore { database, .. },
            ) => {
                database.target()?;
            }
            Some(Command::Draw { .. }) => {}
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        match self.command {
            Some(Command::Serve { config }) => runtime.block_on(serve(*config)),
            None => runtime.block_on(serve(self.config)),
            Some(Command::Admin { database, command }) => runtime.block_on(async {
                let pool = db::connect_and_migrate(&database).await?;
                changing(&pool, command.run(&pool)).await
            }),
            Some(Command::Import {
                database,
                registry,
                file,
            }) => runtime.block_on(async {
                let pool = db::connect_and_migrate(&database).await?;
                changing(&pool, import_cli::run(&pool, registry, &file)).await
            }),
            Some(Command::Draw { command }) => command.run(),
            Some(Command::Demo {
                database,
                command: DemoCommand::Remove,
            }) => runtime.block_on(async {
                let pool = db::connect_and_migrate(&database).await?;
                changing(&pool, demo_cli::remove(&pool)).await
            }),
            Some(Command::Backup {
                database,
                uploads_dir,
                to,
                check,
            }) => runtime.block_on(async {
                let manifest = if check {
                    backup::verify(&to).await?
                } else {
                    backup::create(&database, &uploads_dir, &to).await?
                };
                let verb = if check {
                    "is complete and intact"
                } else {
                    "written"
                };
                println!(
                    "backup {} {verb}: {}",
                    to.display(),
                    backup::summary(&manifest)
                );
                Ok(())
            }),
            Some(Command::Restore {
                database,
                uploads_dir,
                from,
            }) => runtime.block_on(async {
                let manifest = backup::restore(&from, &database, &uploads_dir).await?;
                println!(
                    "restored from {}: {}",
                    from.display(),
                    backup::summary(&manifest)
                );
                Ok(())
            }),
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    app.run_until_stopped().await
}

/// Runs a command that changes the data instances serve, then counts the change, so that
/// running instances forget their copies at their next check instead of serving the old ones.
async fn changing(
    pool: &app::foundation::db::Pool,
    command: impl Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<()> {
    command.await?;
    crate::site_changes::count_change(pool, true)
        .await
        .context("telling running instances about the change")?;
    Ok(())
}
