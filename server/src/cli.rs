use clap::{Parser, Subcommand};

use crate::{config::Config, startup::Application};

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
        config: Config,
    },
}

impl Cli {
    /// Runs the chosen command to completion.
    pub fn run(self) -> anyhow::Result<()> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        match self.command {
            Some(Command::Serve { config }) => runtime.block_on(serve(config)),
            None => runtime.block_on(serve(self.config)),
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    app.run_until_stopped().await
}
