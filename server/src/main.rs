use clap::Parser;
use server::cli::Cli;

/// Errors end the process in one line, causes included (`outer: inner`), for logs and people.
fn main() -> std::process::ExitCode {
    server::telemetry::init();
    match Cli::parse().run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
