use clap::Parser;
use server::cli::Cli;

fn main() -> anyhow::Result<()> {
    server::telemetry::init();
    Cli::parse().run()
}
