//! Helpers shared by the integration tests: running the real binary.

#![allow(dead_code, reason = "each test crate uses a part of the helpers")]

use std::io::Write;
use std::process::{Command, Stdio};

/// What a run of `crma-check` did.
#[derive(Debug)]
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The fixed date tests check waivers against, so that outputs do not change with the day.
pub const AS_OF: &str = "2026-11-23";

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crma-check"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("COLUMNS")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    command
}

/// Runs `crma-check` with `args` from the crate root.
pub fn run(args: &[&str]) -> Run {
    run_with_stdin(args, None)
}

/// Runs `crma-check` with `args` in the folder `dir`, so that paths are relative to it.
pub fn run_in(dir: &std::path::Path, args: &[&str]) -> Run {
    let output = command(args).current_dir(dir).output().expect("the binary runs");
    Run {
        status: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs `crma-check` with `args`, feeding `stdin`.
pub fn run_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = command(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(input) = stdin {
        child.stdin.take().expect("piped").write_all(input).expect("stdin accepts the input");
    }
    let output = child.wait_with_output().expect("the binary finishes");
    Run {
        status: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs `crma-check --format FORMAT --as-of AS_OF --color never ARGS`, feeding `stdin`.
pub fn run_format(format: &str, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut all = vec!["--format", format, "--as-of", AS_OF, "--color", "never"];
    all.extend_from_slice(args);
    run_with_stdin(&all, stdin)
}

/// The exit status and output of [`run_format`], which must write nothing on stderr.
pub fn format_output(format: &str, args: &[&str]) -> (i32, String) {
    let run = run_format(format, args, None);
    assert!(run.stderr.is_empty(), "nothing on stderr: {}", run.stderr);
    (run.status, run.stdout)
}

/// The checker's options in tests: waivers judged as of [`AS_OF`], errors fail.
pub fn options() -> crma_check::CheckOptions {
    crma_check::CheckOptions { today: AS_OF.parse().expect("a date"), ..crma_check::CheckOptions::default() }
}

/// What the library finds in `paths`, as the binary does with `--as-of AS_OF --fail-on`.
pub fn library(paths: &[&str], fail_on: crma_check::model::FailOn) -> crma_check::model::Report {
    crma_check::Checker::builtin(crma_check::CheckOptions { fail_on, ..options() }).check_paths(paths.iter().copied())
}

/// The errors among a report's diagnostics: (code, message).
pub fn errors(report: &crma_check::model::FileReport) -> Vec<(String, String)> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity == crma_check::diagnostic::Severity::Error)
        .map(|d| (d.code.id().to_owned(), d.message.clone()))
        .collect()
}

/// Runs with an environment variable set.
pub fn run_with_env(args: &[&str], key: &str, value: &str) -> Run {
    let output = command(args).env(key, value).output().expect("the binary runs");
    Run {
        status: output.status.code().expect("exited"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8"),
    }
}

/// Writes `text` to a temporary file named `name` and returns its path.
pub fn temp_file(name: &str, text: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("crma-check-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("temp file");
    path
}
