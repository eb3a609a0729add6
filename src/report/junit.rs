//! The JUnit XML format, for the test reports of GitLab (`artifacts:reports:junit`), Jenkins
//! (the JUnit plugin) and GitHub actions that read JUnit (dorny/test-reporter,
//! mikepenz/action-junit-report, EnricoMi/publish-unit-test-result-action). Written with
//! quick-junit.
//!
//! # Layout
//!
//! `<testsuites name="crma-check">` holds one `<testsuite>` per file, named by its path as
//! given. A suite holds, in this order:
//!
//! 1. one test case per input diagnostic (the reasons a file could not be checked, and the
//!    tool's remarks on how it read the file);
//! 2. one test case per check a rule made (rule × material × stage, × country for per-country
//!    rules), passing or not, in the order of [`FileReport::checks`];
//! 3. one test case per finding that no check gave: those about waivers (`waiver-expired`,
//!    `waiver-unused`).
//!
//! # Results
//!
//! - An input error: `<error>` (the check could not be made; the run exits with 2).
//! - A finding that is waived: `<skipped message="waived until DATE: reason">`.
//! - A finding (or input warning) at or above the `--fail-on` level: `<failure>`, its
//!   `message` the finding's message and its `type` the rule id.
//! - A finding below that level, or a note: the case passes, and says what was found in
//!   `<system-out>`.
//! - A check without a finding: passes.
//!
//! So the failures and errors of a report are exactly what makes the exit status non-zero.
//!
//! The text of `<failure>`, `<error>` and `<skipped>` is the message, the notes (`note: ...`),
//! the help (`help: ...`) and the locations, one per line: `path:line:col`, followed by what
//! is there (the supply lines behind a share). The message comes first although it is also
//! the `message` attribute: GitLab shows only the element's text.
//!
//! # Names
//!
//! - `classname`: `{path}.{rule} {rule name}` (`examples/battery-2025.json.CRM004
//!   third-country-cap`), or `{path}.{code}` for the tool's own codes. Jenkins splits a
//!   classname at its last dot into a package and a class, and rule ids, rule names and codes
//!   hold no dot: so Jenkins shows the file as the package and the rule as the class. GitLab
//!   shows the classname in its "Suite" column, dorny/test-reporter groups a suite's cases by
//!   it, and EnricoMi's action identifies a test by classname and name: each sees file and
//!   rule.
//! - `name`: what was checked, led by the rule id, so that it reads on its own where a list
//!   shows names only (GitLab's merge request widget): `CRM004: cobalt at extraction, DR Congo
//!   (CD)`; for the others, the code and the message (``unknown-material: unknown material
//!   `lithum` ``). Names are unique within a suite (GitLab keeps one case per suite, classname
//!   and name): a repeated one gets ` (2)`.
//! - `file` (every case) and `line` (cases with a finding or diagnostic located in the file's
//!   text): the path relative to the working directory, and the line of the primary location,
//!   for GitLab's "Filename" column and the actions that annotate files on GitHub.
//!
//! # Determinism
//!
//! No timestamps, hostnames or ids. Every `time` is `0.000`: nothing is timed, and
//! dorny/test-reporter reads a missing `time` as NaN. The document ends with a newline.

use std::collections::HashMap;
use std::io;
use std::time::Duration;

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

use super::{Entry, Location, repository_path};
use crate::diagnostic::Severity;
use crate::model::{Check, FileReport, Report};

/// JUnit XML.
pub(super) fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut junit = quick_junit::Report::new("crma-check");
    junit.set_time(Duration::ZERO);
    for file in &report.files {
        junit.add_test_suite(suite(report, file));
    }
    // Serialized to memory first, so that a write error keeps its kind (a closed pipe).
    let mut xml = Vec::new();
    junit.serialize(&mut xml).map_err(io::Error::other)?;
    out.write_all(&xml)
}

/// The suite of one file.
fn suite(report: &Report, file: &FileReport) -> TestSuite {
    let path = repository_path(&file.path);
    let entries: Vec<Entry> = file.entries().collect();
    let mut cases = Vec::new();
    for entry in entries.iter().filter(|e| e.is_input()) {
        cases.push(entry_case(report, file, &path, entry, format!("{}: {}", entry.code, entry.message)));
    }
    for check in &file.checks {
        let finding = entries.iter().find(|e| e.finding.is_some_and(|f| f.check.key() == check.key()));
        cases.push(match finding {
            Some(entry) => entry_case(report, file, &path, entry, check_name(check)),
            None => {
                let mut case = TestCase::new(check_name(check), TestCaseStatus::success());
                set_common(&mut case, &path, classname(&path, &check.rule, rule_name(report, check)), None);
                case
            }
        });
    }
    for entry in &entries {
        if entry.finding.is_some_and(|f| !file.checks.iter().any(|c| c.key() == f.check.key())) {
            cases.push(entry_case(report, file, &path, entry, format!("{}: {}", entry.code, entry.message)));
        }
    }
    uniquify(&mut cases);
    let mut suite = TestSuite::new(file.path.as_str());
    suite.set_time(Duration::ZERO);
    suite.add_test_cases(cases);
    suite
}

/// The name of a check's rule (its id, should the rule be unknown).
fn rule_name<'a>(report: &'a Report, check: &'a Check) -> &'a str {
    report.rules.iter().find(|r| r.id == check.rule).map_or(check.rule.as_str(), |r| r.name.as_str())
}

/// A check in words, led by its rule: `CRM004: cobalt at extraction, DR Congo (CD)`.
fn check_name(check: &Check) -> String {
    let mut name = check.rule.clone();
    if let Some(material) = &check.material {
        name.push_str(": ");
        name.push_str(&material.label);
        if let Some(stage) = check.stage {
            name.push_str(" at ");
            name.push_str(stage.as_str());
        }
    } else if let Some(stage) = check.stage {
        name.push_str(": ");
        name.push_str(stage.as_str());
    }
    if let Some(country) = &check.country {
        name.push_str(&format!(", {} ({})", country.name, country.code));
    }
    name
}

/// `{path}.{code} {name}`: Jenkins reads the file as the package and the rule as the class.
fn classname(path: &str, code: &str, name: &str) -> String {
    if name == code { format!("{path}.{code}") } else { format!("{path}.{code} {name}") }
}

/// The case of an input diagnostic or a finding.
fn entry_case(report: &Report, file: &FileReport, path: &str, entry: &Entry, name: String) -> TestCase {
    let text = details(file, path, entry);
    let status = if entry.is_input() && entry.severity == Severity::Error {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status.set_message(entry.message.as_ref()).set_type(entry.code).set_description(text.as_str());
        status
    } else if let Some(waived) = entry.waived() {
        let why = format!("waived until {}: {}", waived.expires, waived.reason);
        let mut status = TestCaseStatus::skipped();
        status.set_message(why.as_str()).set_description(format!("{why}\n\n{text}"));
        status
    } else if report.fails(entry.severity) {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status.set_message(entry.message.as_ref()).set_type(entry.code).set_description(text.as_str());
        status
    } else {
        TestCaseStatus::success()
    };
    let passed = matches!(status, TestCaseStatus::Success { .. });
    let mut case = TestCase::new(name, status);
    let line = (!entry.labels.is_empty()).then_some(entry.location.line);
    set_common(&mut case, path, classname(path, entry.code, entry.name), line);
    if passed {
        case.set_system_out(format!("{}[{}]: {text}", entry.severity, entry.code));
    }
    case
}

/// Classname, time, and the `file` and `line` attributes.
fn set_common(case: &mut TestCase, path: &str, classname: String, line: Option<usize>) {
    case.set_classname(classname);
    case.set_time(Duration::ZERO);
    case.extra.insert("file".into(), path.into());
    if let Some(line) = line {
        case.extra.insert("line".into(), line.to_string().into());
    }
}

/// The message, notes, help and locations, one per line. A location is `path:line:col`, then
/// what is there; the first is the primary one.
fn details(file: &FileReport, path: &str, entry: &Entry) -> String {
    let mut text = entry.message.to_string();
    for note in entry.notes {
        text.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = entry.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    let labels = entry.labels.as_ref();
    if labels.is_empty() {
        // About the whole file (one that could not be read, say).
        text.push('\n');
        text.push_str(path);
    }
    for label in labels {
        let l = Location::new(&file.path, file.source.as_ref(), Some(label.span));
        text.push_str(&format!("\n{path}:{}:{}", l.line, l.column));
        if !label.text.is_empty() {
            text.push_str(&format!(": {}", label.text));
        }
    }
    text
}

/// Makes names unique within a suite: GitLab keeps one case per suite, classname and name.
fn uniquify(cases: &mut [TestCase]) {
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for case in cases {
        let classname = case.classname.as_deref().unwrap_or_default().to_owned();
        let count = seen.entry((classname, case.name.to_string())).or_insert(0);
        *count += 1;
        if *count > 1 {
            case.name = format!("{} ({count})", case.name.as_str()).into();
        }
    }
}
