//! The GitLab Code Quality format: a JSON array of issues, for the `codequality` report
//! artifact of a GitLab CI job (the merge request widget, the changes view and the pipeline's
//! Code Quality tab).
//!
//! The format is GitLab's subset of the Code Climate issue format
//! (<https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>). Each issue
//! has the fields GitLab documents, and only `location.lines.end` besides (Code Climate's):
//!
//! - `description`: the rule id and name, then the message
//!   (`CRM004 third-country-cap: DR Congo supplies 84.6% of cobalt extraction; the cap is 65%`).
//!   GitLab shows the description and not `check_name`, so the rule goes in both. A finding's
//!   notes and help are left out: GitLab shows one line per issue; the other formats carry them.
//! - `check_name`: the rule id (`CRM004`), or the tool's own code (`unknown-material`).
//! - `fingerprint`: what the issue is about, never where it is or its numbers, so that moving
//!   lines does not turn an issue into a "fixed" one and a "new" one in the merge request
//!   widget; unique within a report, as GitLab keeps one issue per fingerprint. The same
//!   fingerprints as SARIF's: see [`Fingerprints`].
//! - `severity`, from ours, the same whatever `--fail-on` is:
//!
//!   | ours                                       | GitLab     |
//!   |--------------------------------------------|------------|
//!   | input error (the file could not be checked)| `blocker`  |
//!   | error (a rule's finding, `waiver-expired`) | `critical` |
//!   | warning                                    | `minor`    |
//!   | note                                       | `info`     |
//!
//!   `major` is left unused, so that the gap between `minor` and `critical` keeps apart what
//!   fails a check by default (errors) and what does not (warnings).
//! - `location.path`: the path relative to the working directory (GitLab's jobs run at the
//!   repository root), with `/` separators and no leading `./`; `stdin` for standard input; a
//!   file outside the working directory keeps its absolute path, which GitLab cannot link.
//!   Not percent-encoded: GitLab compares it with the paths of the repository's files, and
//!   builds its links itself.
//! - `location.lines.begin` and `.end`: the lines of the primary location; 1 for a file without
//!   usable text.
//!
//! What is in the report:
//!
//! - Every input diagnostic, so that a merge request shows why a file could not be checked.
//! - Every finding that is not waived, and every note (as `info`: each says something to fix
//!   or confirm, such as a grade the tool had to assume).
//! - No waived finding: a waiver accepts a finding, so it must not show as a degradation.
//!   Adding a waiver in a merge request shows the finding as resolved; a waiver that expires
//!   brings the finding back, along with a `waiver-expired` issue.
//!
//! The output is deterministic (the order of the files and of their entries, no times) and
//! ends with a newline. A run without any issue writes `[]`.

use std::io;

use serde::Serialize;

use super::{Entry, Fingerprints, repository_path};
use crate::diagnostic::Severity;
use crate::model::{BaselineState, FileReport, Report};

/// GitLab Code Quality.
pub(super) fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut fingerprints = Fingerprints::default();
    let issues: Vec<Issue> = report.files.iter().flat_map(|file| issues(file, &mut fingerprints)).collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// The issues of one file, in the order of its entries: input diagnostics, then findings.
fn issues<'a>(file: &'a FileReport, fingerprints: &mut Fingerprints) -> Vec<Issue<'a>> {
    let path = repository_path(&file.path);
    let mut issues = Vec::new();
    for entry in file.entries() {
        if entry.waived().is_some() {
            continue;
        }
        // A baseline's state in words: a reviewer sees what was accepted and what got worse.
        let state = entry.finding.and_then(|f| f.baseline.as_ref()).map_or("", |b| match b.state {
            BaselineState::Worsened => " (worsened since the baseline)",
            BaselineState::New => "",
            _ => " (baselined)",
        });
        issues.push(Issue {
            description: format!("{}: {}{state}", entry.title(), entry.message),
            check_name: entry.code,
            fingerprint: fingerprints.next(&entry),
            severity: if entry.baselined() { "info" } else { severity(&entry) },
            location: IssueLocation {
                path: path.clone(),
                lines: Lines { begin: entry.location.line, end: entry.location.end_line },
            },
        });
    }
    issues
}

/// GitLab's severity for an entry (see the module's table).
fn severity(entry: &Entry) -> &'static str {
    match (entry.is_input(), entry.severity) {
        (true, Severity::Error) => "blocker",
        (false, Severity::Error) => "critical",
        (_, Severity::Warning) => "minor",
        (_, Severity::Note) => "info",
    }
}
