//! `crma-check diff`: two versions of portfolios checked with the same rules and compared.
//! With `--git REF`, the old versions come from `git show REF:PATH` (git on the PATH, run
//! without a shell).

use std::io;
use std::path::Path;
use std::process::Command;

use super::args::DiffArgs;
use super::output;
use crma_check::Checker;
use crma_check::gate::{self, DiffInput, Tolerance};
use crma_check::report::Style;

/// Runs the diff; returns the exit status: 1 when a finding at or above the fail level is
/// introduced or has worsened, 0 otherwise, 2 on input errors or when git cannot give the
/// old versions.
pub fn run(checker: &Checker, args: &DiffArgs, tolerance: Tolerance, style: &Style) -> u8 {
    let inputs = match &args.git {
        None => {
            let [old, new] = args.files.as_slice() else {
                eprintln!(
                    "error: `crma-check diff` compares two files, OLD and NEW (or each FILE with its version at a git revision: --git REF FILE...)"
                );
                return 2;
            };
            vec![DiffInput { old: Some(checker.check_path(old)), new: checker.check_path(new) }]
        }
        Some(revision) => match from_git(checker, revision, &args.files) {
            Ok(inputs) => inputs,
            Err(problem) => {
                eprintln!("error: {problem}");
                return 2;
            }
        },
    };
    let rules: Vec<_> = checker.active_rules().map(|r| r.doc().clone()).collect();
    let options = checker.options();
    let report = gate::diff(inputs, &rules, options.fail_on, tolerance, options.today);
    if !output(args.output.as_deref(), |out| args.format.write(&report, style, out)) {
        return 2;
    }
    report.outcome().exit_code()
}

/// Each file checked as it is and as it was at `revision`.
fn from_git(checker: &Checker, revision: &str, files: &[String]) -> Result<Vec<DiffInput>, String> {
    if files.iter().any(|f| f == "-") {
        return Err("`--git` compares files of the repository: standard input has no version at a revision".to_owned());
    }
    let verified = git(Path::new("."), &["rev-parse", "--verify", "--quiet", &format!("{revision}^{{commit}}")])?;
    if !verified.status.success() {
        let inside = git(Path::new("."), &["rev-parse", "--git-dir"])?;
        return Err(if inside.status.success() {
            format!(
                "`{revision}` is not a revision of this git repository (try a branch, a tag or a commit: `main`, `HEAD~1`)"
            )
        } else {
            format!("`--git {revision}` needs a git repository, and {} is not in one", current_dir())
        });
    }
    let mut inputs = Vec::new();
    for file in files {
        let path = Path::new(file);
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // `REF:./NAME` is relative to the folder git runs in, wherever the repository's root is.
        let object = format!("{revision}:./{name}");
        let exists = git(folder, &["cat-file", "-e", &object])?.status.success();
        let old = if exists {
            let shown = git(folder, &["show", &object])?;
            if !shown.status.success() {
                return Err(format!(
                    "`git show {revision}:{file}` failed: {}",
                    String::from_utf8_lossy(&shown.stderr).trim()
                ));
            }
            Some(checker.check_bytes(&format!("{revision}:{file}"), shown.stdout))
        } else {
            None
        };
        inputs.push(DiffInput { old, new: checker.check_path(file) });
    }
    Ok(inputs)
}

/// Runs git in `folder`, or says that it cannot be run.
fn git(folder: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    Command::new("git").arg("-C").arg(folder).args(args).output().map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => "`--git` needs git, which is not installed or not on the PATH".to_owned(),
        _ => format!("git cannot be run: {error}"),
    })
}

fn current_dir() -> String {
    std::env::current_dir().map_or_else(|_| "the working directory".to_owned(), |d| d.display().to_string())
}
