//! The `crma-check` command: parses arguments, runs the library, exits with its status.

mod cli;
mod lsp;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    std::process::ExitCode::from(cli::run(args))
}
