use clap::Parser;
use server::cli::Cli;

/// mimalloc rather than the system allocator: a request allocates and frees hundreds of small
/// values across threads, and glibc's malloc spent a quarter of the server's time on them
/// under the contest load (`bench/README.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
