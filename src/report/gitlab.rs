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
//! - `fingerprint`: 32 hex digits, a 128-bit FNV-1a hash (written here, no dependency) of what
//!   the issue is about, never of where it is, so that moving lines does not turn an issue into
//!   a "fixed" one and a "new" one in the merge request widget:
//!   - a rule's finding: the file, the rule, the material, the stage and the country, but not
//!     the numbers (a share going from 9.8% to 9.5% is still the same issue);
//!   - anything else (input diagnostics, findings about waivers): the file, the code and the
//!     message.
//!
//!   Issues with the same identity (the same typo twice) are told apart by their order.
//!   GitLab keeps only one issue per fingerprint; they are unique within a report.
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

use std::collections::HashMap;
use std::io;

use serde::Serialize;

use super::{Entry, FileReport, Format, Report, path_uri};
use crate::diagnostic::Severity;

/// GitLab Code Quality.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gitlab;

impl Format for Gitlab {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        let issues: Vec<Issue> = report.files.iter().flat_map(issues).collect();
        serde_json::to_writer_pretty(&mut *out, &issues)?;
        out.write_all(b"\n")
    }
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
fn issues(file: &FileReport) -> Vec<Issue<'_>> {
    let path = repository_path(&file.path);
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut issues = Vec::new();
    for entry in file.entries() {
        if entry.waived().is_some() {
            continue;
        }
        let mut identity = identity(&path, &entry);
        let count = seen.entry(identity.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            identity.push_str(&format!("\0#{count}"));
        }
        issues.push(Issue {
            description: format!("{}: {}", entry.title(), entry.message),
            check_name: entry.code,
            fingerprint: format!("{:032x}", fnv1a_128(identity.as_bytes())),
            severity: severity(&entry),
            location: IssueLocation {
                path: path.clone(),
                lines: Lines { begin: entry.location.line, end: entry.location.end_line },
            },
        });
    }
    issues
}

/// What an entry is about, without where it is: the input of its fingerprint.
fn identity(path: &str, entry: &Entry) -> String {
    match entry.finding {
        Some(f) if f.material.is_some() || f.stage.is_some() || f.country.is_some() => {
            let (rule, material, stage, country) = f.key();
            format!(
                "finding\0{path}\0{rule}\0{}\0{}\0{}",
                material.unwrap_or(""),
                stage.map(|s| s.as_str()).unwrap_or(""),
                country.unwrap_or("")
            )
        }
        Some(_) => format!("finding\0{path}\0{}\0{}", entry.code, entry.message),
        None => format!("input\0{path}\0{}\0{}", entry.code, entry.message),
    }
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

/// FNV-1a, 128 bits (<http://www.isthe.com/chongo/tech/comp/fnv/>): stable across platforms
/// and releases, unlike the standard library's hasher.
fn fnv1a_128(bytes: &[u8]) -> u128 {
    const OFFSET_BASIS: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    bytes.iter().fold(OFFSET_BASIS, |hash, &byte| (hash ^ u128::from(byte)).wrapping_mul(PRIME))
}

/// A path as CI systems name a file of the repository: relative to the working directory,
/// `/` separators, no leading `./`, not percent-encoded (`data/my file.json`); standard input
/// is `stdin`. (It is [`path_uri`], decoded.)
pub(crate) fn repository_path(path: &str) -> String {
    let uri = path_uri(path);
    let raw = uri.as_bytes();
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = raw
            .get(i + 1..i + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (raw[i], hex) {
            (b'%', Some(value)) => {
                bytes.push(value);
                i += 3;
            }
            (byte, _) => {
                bytes.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_128_matches_the_reference_vectors() {
        // From the FNV reference test suite.
        assert_eq!(fnv1a_128(b""), 0x6c62272e07bb014262b821756295c58d);
        assert_eq!(fnv1a_128(b"a"), 0xd228cb696f1a8caf78912b704e4a8964);
        assert_eq!(fnv1a_128(b"foobar"), 0x343e1662793c64bf6f0d3597ba446f18);
    }

    #[test]
    fn repository_paths_are_relative_and_plain() {
        assert_eq!(repository_path("examples/battery-2025.json"), "examples/battery-2025.json");
        assert_eq!(repository_path("./data/my file.json"), "data/my file.json");
        assert_eq!(repository_path("data\\q1 100%.json"), "data/q1 100%.json");
        assert_eq!(repository_path("données/é.json"), "données/é.json");
        assert_eq!(repository_path("<stdin>"), "stdin");
    }
}
