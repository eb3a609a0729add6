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
//!    tool's remarks on how it read the file), and per place of one found at many;
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
use rustc_hash::{FxHashMap, FxHashSet};

use super::{Entry, Location, repository_path};
use crate::diagnostic::Severity;
use crate::model::{Check, CheckKey, FileReport, Report};

/// How many test cases are made and written at a time: a file with a mistake on a million
/// lines holds one batch at a time (a case takes kilobytes in memory).
const BATCH: usize = 4096;

/// Stands where a suite's cases go, in the document written around them.
const PLACEHOLDER: &str = "crma-check: the cases of suite ";

/// JUnit XML. The document is written around the suites' cases, which are made and written
/// a batch at a time; the bytes are those of the whole document written at once.
pub(super) fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut junit = quick_junit::Report::new("crma-check");
    junit.set_time(Duration::ZERO);
    for (n, file) in report.files.iter().enumerate() {
        let mut suite = TestSuite::new(file.path.as_str());
        suite.set_time(Duration::ZERO);
        count(report, file, &mut suite);
        if suite.tests > 0 {
            suite.test_cases.push(TestCase::new(format!("{PLACEHOLDER}{n}"), TestCaseStatus::success()));
        }
        junit.add_test_suite(suite);
    }
    // Serialized to memory first, so that a write error keeps its kind (a closed pipe).
    let mut frame = Vec::new();
    junit.serialize(&mut frame).map_err(io::Error::other)?;
    let frame = String::from_utf8(frame).map_err(io::Error::other)?;
    let mut rest = frame.as_str();
    for (n, file) in report.files.iter().enumerate() {
        let marker = format!("<testcase name=\"{PLACEHOLDER}{n}\"");
        let Some(at) = rest.find(&marker) else { continue };
        let line_start = rest[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = rest[at..].find('\n').map_or(rest.len(), |i| at + i + 1);
        out.write_all(&rest.as_bytes()[..line_start])?;
        let mut batch = Vec::with_capacity(BATCH);
        let mut failed = None;
        cases(report, file, &mut |case| {
            batch.push(case);
            if batch.len() == BATCH && failed.is_none() {
                failed = write_cases(&mut batch, out).err();
            }
        });
        if let Some(error) = failed {
            return Err(error);
        }
        write_cases(&mut batch, out)?;
        rest = &rest[line_end..];
    }
    out.write_all(rest.as_bytes())
}

/// Writes `cases` (and empties it) as they are written inside a suite.
fn write_cases(cases: &mut Vec<TestCase>, out: &mut dyn io::Write) -> io::Result<()> {
    if cases.is_empty() {
        return Ok(());
    }
    let mut suite = TestSuite::new("cases");
    suite.test_cases.append(cases);
    let mut document = quick_junit::Report::new("cases");
    document.test_suites.push(suite);
    let mut xml = Vec::new();
    document.serialize(&mut xml).map_err(io::Error::other)?;
    let xml = String::from_utf8(xml).map_err(io::Error::other)?;
    // The lines between the suite's start and end tags.
    let start = xml.find("<testsuite ").and_then(|at| xml[at..].find('\n').map(|i| at + i + 1));
    let end = xml.rfind("</testsuite>").and_then(|at| xml[..at].rfind('\n').map(|i| i + 1));
    match (start, end) {
        (Some(start), Some(end)) if start <= end => out.write_all(&xml.as_bytes()[start..end]),
        _ => Err(io::Error::other("quick-junit wrote a suite of another shape")),
    }
}

/// Sets the counts of the suite of `file` as its cases would: the tests, and those that are
/// skipped, errors and failures.
fn count(report: &Report, file: &FileReport, suite: &mut TestSuite) {
    let mut add = |verdict: Verdict, n: usize| {
        suite.tests += n;
        match verdict {
            Verdict::Error => suite.errors += n,
            Verdict::Skipped => suite.skipped += n,
            Verdict::Failure => suite.failures += n,
            Verdict::Success => {}
        }
    };
    // A case per place of each input diagnostic, as `cases` lists them.
    for d in &file.diagnostics {
        add(input_verdict(report, d.severity), d.place_count());
    }
    let matched = Matched::new(file);
    for finding in &matched.of_check {
        add(finding.map_or(Verdict::Success, |n| verdict(report, &matched.entries[n])), 1);
    }
    for &n in &matched.unchecked {
        add(verdict(report, &matched.entries[n]), 1);
    }
}

/// The findings of a file matched to its checks: the entry of each check's finding, if it
/// has one, and the findings no check gave (the tool's own, about waivers).
struct Matched<'a> {
    entries: Vec<Entry<'a>>,
    /// By check: its finding's entry.
    of_check: Vec<Option<usize>>,
    /// Entries of findings of no check, in order.
    unchecked: Vec<usize>,
}

impl<'a> Matched<'a> {
    fn new(file: &'a FileReport) -> Matched<'a> {
        let entries: Vec<Entry<'a>> = file.finding_entries().collect();
        let mut by_key: FxHashMap<CheckKey<'a>, usize> = FxHashMap::default();
        for (n, entry) in entries.iter().enumerate() {
            if let Some(f) = entry.finding {
                by_key.entry(f.check.key()).or_insert(n);
            }
        }
        let checked: FxHashSet<CheckKey<'a>> = file.checks.iter().map(Check::key).collect();
        let of_check = file.checks.iter().map(|c| by_key.get(&c.key()).copied()).collect();
        let unchecked = (0..entries.len())
            .filter(|&n| entries[n].finding.is_some_and(|f| !checked.contains(&f.check.key())))
            .collect();
        Matched { entries, of_check, unchecked }
    }
}

/// What a case says of an entry (see the module's list).
#[derive(Clone, Copy, PartialEq)]
enum Verdict {
    Error,
    Skipped,
    Failure,
    Success,
}

fn verdict(report: &Report, entry: &Entry) -> Verdict {
    if entry.is_input() {
        input_verdict(report, entry.severity)
    } else if entry.waived().is_some() || entry.baselined() {
        Verdict::Skipped
    } else if report.fails(entry.severity) {
        Verdict::Failure
    } else {
        Verdict::Success
    }
}

/// What a case says of an input diagnostic of `severity`.
fn input_verdict(report: &Report, severity: Severity) -> Verdict {
    if severity == Severity::Error {
        Verdict::Error
    } else if report.fails(severity) {
        Verdict::Failure
    } else {
        Verdict::Success
    }
}

/// The cases of one file, in order, each given to `each`.
fn cases(report: &Report, file: &FileReport, each: &mut dyn FnMut(TestCase)) {
    let path = repository_path(&file.path);
    let mut unique = Unique::default();
    let mut give = |mut case: TestCase| {
        unique.name(&mut case);
        each(case);
    };
    // Input entries one at a time (there may be a million places), findings all at once.
    for entry in file.entries().filter(|e| e.is_input()) {
        give(entry_case(report, file, &path, &entry, format!("{}: {}", entry.code, entry.message)));
    }
    let matched = Matched::new(file);
    for (check, finding) in file.checks.iter().zip(&matched.of_check) {
        give(match finding.map(|n| &matched.entries[n]) {
            Some(entry) => entry_case(report, file, &path, entry, check_name(check)),
            None => {
                let mut case = TestCase::new(check_name(check), TestCaseStatus::success());
                set_common(&mut case, &path, classname(&path, &check.rule, rule_name(report, check)), None);
                case
            }
        });
    }
    for &n in &matched.unchecked {
        let entry = &matched.entries[n];
        give(entry_case(report, file, &path, entry, format!("{}: {}", entry.code, entry.message)));
    }
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
    let status = match (verdict(report, entry), entry.waived()) {
        (Verdict::Error, _) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_message(entry.message.as_ref()).set_type(entry.code).set_description(text.as_str());
            status
        }
        (Verdict::Skipped, Some(waived)) => {
            let why = waived.describe();
            let mut status = TestCaseStatus::skipped();
            status.set_message(why.as_str()).set_description(format!("{why}\n\n{text}"));
            status
        }
        (Verdict::Skipped, None) => {
            // Accepted by the baseline: how it compares.
            let why = entry.finding.and_then(|f| f.baseline.as_ref()).map_or("", |b| b.words.as_str());
            let why = if why.is_empty() { "baselined" } else { why };
            let mut status = TestCaseStatus::skipped();
            status.set_message(why).set_description(format!("{why}\n\n{text}"));
            status
        }
        (Verdict::Failure, _) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(entry.message.as_ref()).set_type(entry.code).set_description(text.as_str());
            status
        }
        (Verdict::Success, _) => TestCaseStatus::success(),
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
    if let Some(fix) = entry.fix() {
        text.push_str(&format!("\nsmallest fix: {}", fix.sentence));
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
#[derive(Default)]
struct Unique {
    seen: HashMap<(String, String), usize>,
}

impl Unique {
    /// Makes a case's name unique within its suite: a repeated one gets ` (2)`.
    fn name(&mut self, case: &mut TestCase) {
        let classname = case.classname.as_deref().unwrap_or_default().to_owned();
        let count = self.seen.entry((classname, case.name.to_string())).or_insert(0);
        *count += 1;
        if *count > 1 {
            case.name = format!("{} ({count})", case.name.as_str()).into();
        }
    }
}
