//! The `crma-check` command: parses arguments, runs the library, exits with its status.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = crma_check::cli::Cli::parse();
    std::process::ExitCode::from(crma_check::cli::run(cli))
}
