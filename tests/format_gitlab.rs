//! `--format gitlab`, read as GitLab reads a Code Quality report: validated against the
//! report's schema (tests/fixtures/gitlab/codequality.schema.json, written from GitLab's
//! documentation and validator: see its `$comment`), compared with what the library finds,
//! and two snapshots read as a merge request's reviewer reads the widget.

mod common;

use std::collections::{HashMap, HashSet};

use crma_check::diagnostic::Severity;
use crma_check::model::FailOn;
use serde_json::Value;

use common::{library, run_format};

const BATTERY: &str = "examples/battery-2025.json";
const MAGNETS: &str = "examples/magnets-2030.json";
const COMPLIANT: &str = "examples/compliant-2030.json";
const BROKEN_MEANING: &str = "examples/broken-meaning.json";
const BROKEN_FORMAT: &str = "examples/broken-format.json";
const WAIVERS: &str = "tests/fixtures/gitlab/waivers-2030.json";
const MISSING: &str = "no/such/file.json";

/// Runs `--format gitlab` on `args`; returns the status, the text and the issues.
fn gitlab(args: &[&str]) -> (i32, String, Vec<Value>) {
    gitlab_with_stdin(args, None)
}

/// The same, with `stdin` on standard input.
fn gitlab_with_stdin(args: &[&str], stdin: Option<&str>) -> (i32, String, Vec<Value>) {
    let run = run_format("gitlab", args, stdin.map(str::as_bytes));
    assert!(run.stderr.is_empty(), "nothing on stderr: {}", run.stderr);
    assert!(run.stdout.ends_with("]\n"), "ends with a newline");
    let issues: Value = serde_json::from_str(&run.stdout).expect("JSON");
    validate(&issues);
    let issues = issues.as_array().expect("an array").clone();
    (run.status, run.stdout, issues)
}

/// Validates a report against the schema, and checks what a schema cannot: fingerprints are
/// unique (GitLab keeps one issue per fingerprint).
fn validate(report: &Value) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gitlab/codequality.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator.iter_errors(report).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut fingerprints = HashSet::new();
    for issue in report.as_array().unwrap() {
        let fingerprint = issue["fingerprint"].as_str().unwrap();
        let (hash, occurrence) = fingerprint.split_once(':').expect("hash:occurrence");
        assert!(hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()), "{fingerprint}");
        assert!(occurrence.parse::<usize>().is_ok_and(|n| n >= 1), "{fingerprint}");
        assert!(fingerprints.insert(fingerprint.to_owned()), "{fingerprint} is unique: {issue}");
    }
}

/// The documented mapping.
fn severity(input: bool, severity: Severity) -> &'static str {
    match (input, severity) {
        (true, Severity::Error) => "blocker",
        (false, Severity::Error) => "critical",
        (_, Severity::Warning) => "minor",
        (_, Severity::Note) => "info",
    }
}

/// Check name, severity, path, line and description of every issue.
fn summary(issues: &[Value]) -> Vec<(String, String, String, u64, String)> {
    issues
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().unwrap().to_owned(),
                i["severity"].as_str().unwrap().to_owned(),
                i["location"]["path"].as_str().unwrap().to_owned(),
                i["location"]["lines"]["begin"].as_u64().unwrap(),
                i["description"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Every input diagnostic and every finding not waived, in order, severities mapped.
fn expected(paths: &[&str]) -> Vec<(String, String, String, u64, String)> {
    let report = library(paths, FailOn::Error);
    let mut expected = Vec::new();
    for file in &report.files {
        for entry in file.entries().filter(|e| e.waived().is_none()) {
            expected.push((
                entry.code.to_owned(),
                severity(entry.is_input(), entry.severity).to_owned(),
                file.path.trim_start_matches("./").to_owned(),
                entry.location.line as u64,
                format!("{}: {}", entry.title(), entry.message),
            ));
        }
    }
    expected
}

#[test]
fn every_example_gives_a_valid_report_of_every_entry() {
    for paths in [
        &[BATTERY][..],
        &[MAGNETS],
        &[COMPLIANT],
        &[BROKEN_MEANING],
        &[BROKEN_FORMAT],
        &[WAIVERS],
        &[MISSING],
        &[BATTERY, MAGNETS, COMPLIANT, BROKEN_MEANING, BROKEN_FORMAT, WAIVERS, MISSING],
    ] {
        let (status, _, issues) = gitlab(paths);
        assert_eq!(summary(&issues), expected(paths), "{paths:?}");
        assert_eq!(status, i32::from(library(paths, FailOn::Error).outcome().exit_code()));
    }
}

#[test]
fn a_compliant_portfolio_gives_an_empty_report() {
    let (status, text, _) = gitlab(&[COMPLIANT]);
    assert_eq!((status, text.as_str()), (0, "[]\n"));
}

#[test]
fn input_errors_are_blockers() {
    let (_, _, issues) = gitlab(&[BROKEN_MEANING, MISSING]);
    let codes: Vec<(&str, &str)> =
        issues.iter().map(|i| (i["check_name"].as_str().unwrap(), i["severity"].as_str().unwrap())).collect();
    assert_eq!(
        codes,
        [
            ("unknown-material", "blocker"),
            ("form-and-content", "blocker"),
            ("duplicate-id", "blocker"),
            ("unknown-country", "blocker"),
            ("unknown-material", "blocker"),
            ("form-mismatch", "blocker"),
            ("unknown-country", "blocker"),
            ("invalid-date", "blocker"),
            ("io", "blocker"),
        ]
    );
    let missing = issues.last().unwrap();
    assert_eq!(missing["location"]["path"], "no/such/file.json");
    assert_eq!(missing["location"]["lines"]["begin"], 1, "a file without text: its first line");
}

#[test]
fn severities_are_mapped_as_documented() {
    let (_, _, issues) = gitlab(&[BATTERY, MAGNETS, WAIVERS, BROKEN_FORMAT]);
    let mut by_severity: HashMap<&str, HashSet<&str>> = HashMap::new();
    for issue in &issues {
        by_severity
            .entry(issue["severity"].as_str().unwrap())
            .or_default()
            .insert(issue["check_name"].as_str().unwrap());
    }
    let set = |codes: &[&'static str]| codes.iter().copied().collect::<HashSet<&str>>();
    assert_eq!(by_severity["blocker"], set(&["schema"]), "input errors");
    assert_eq!(by_severity["critical"], set(&["CRM001", "CRM002", "CRM003", "CRM004", "waiver-expired"]), "errors");
    assert_eq!(by_severity["minor"], set(&["CRM001", "CRM002", "CRM003", "CRM004", "CRM005", "waiver-unused"]));
    assert_eq!(
        by_severity["info"],
        set(&["grade-assumed", "country-alias", "consumption-exceeded", "recycled-extraction"]),
        "notes"
    );
    assert!(!by_severity.contains_key("major"), "left unused");
}

#[test]
fn waived_findings_are_left_out() {
    let (_, _, issues) = gitlab(&[BATTERY, WAIVERS]);
    let descriptions: Vec<&str> = issues.iter().map(|i| i["description"].as_str().unwrap()).collect();
    assert!(!descriptions.iter().any(|d| d.contains("China supplies 68.4% of cobalt processing")), "battery's waiver");
    assert!(!descriptions.iter().any(|d| d.contains("DR Congo supplies 70.0% of cobalt extraction")), "unexpired");
    // An expired waiver waives nothing, and is an issue itself.
    assert!(
        descriptions.contains(&"CRM004 third-country-cap: China supplies 70.0% of cobalt processing; the cap is 65%")
    );
    assert!(
        descriptions.contains(&"waiver-expired: the waiver of CRM004 (cobalt, processing, CN) expired on 2026-01-31")
    );
}

#[test]
fn paths_are_relative_to_the_repository() {
    let absolute = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(MAGNETS);
    for given in ["./examples/magnets-2030.json", absolute.to_str().unwrap()] {
        let (_, _, issues) = gitlab(&[given]);
        assert!(issues.iter().all(|i| i["location"]["path"] == MAGNETS), "{given}");
    }
}

/// The issues of [`fingerprints`] as a set of check names and fingerprints, lines left out.
fn issue_set(issues: &[(String, String, u64)]) -> HashSet<(String, String)> {
    issues.iter().map(|(check, fingerprint, _)| (check.clone(), fingerprint.clone())).collect()
}

/// Check names, fingerprints and lines of a run on `text`, read from standard input (so
/// that the path, `stdin`, stays the same).
fn fingerprints(text: &str) -> Vec<(String, String, u64)> {
    let (_, _, issues) = gitlab_with_stdin(&["-"], Some(text));
    assert!(issues.iter().all(|i| i["location"]["path"] == "stdin"));
    issues
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().unwrap().to_owned(),
                i["fingerprint"].as_str().unwrap().to_owned(),
                i["location"]["lines"]["begin"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn fingerprints_do_not_move_with_lines() {
    let original = std::fs::read_to_string(WAIVERS).unwrap();
    let before = fingerprints(&original);
    assert!(!before.is_empty(), "the example has issues to follow");
    // A line inserted at the top moves every issue one line down...
    let after = fingerprints(&original.replacen("{\n", "{\n\n", 1));
    assert_eq!(before.len(), after.len());
    for ((code, fingerprint, line), (code_after, fingerprint_after, line_after)) in before.iter().zip(&after) {
        assert_eq!((code, line + 1), (code_after, *line_after), "the issue moved");
        assert_eq!(fingerprint, fingerprint_after, "{code}: the same issue");
    }
    // ... and reformatting the file moves them anywhere: still the same issues.
    let value: Value = serde_json::from_str(&original).unwrap();
    let compact = fingerprints(&serde_json::to_string(&value).unwrap());
    assert_eq!(issue_set(&compact), issue_set(&before));
    assert!(compact.iter().all(|(_, _, line)| *line == 1), "all on one line now");
}

#[test]
fn fingerprints_do_not_change_with_the_numbers() {
    let original = std::fs::read_to_string(MAGNETS).unwrap();
    let before = fingerprints(&original);
    // More rare earths from France: the shares change, the checks that fail stay the same.
    let extra = r#""supplies": [
    { "id": "RE-FR", "material": "neodymium", "grade": "magnet", "amount": 5, "unit": "t", "origin": { "extraction": "FR", "processing": "FR" } },"#;
    let changed = original.replacen(r#""supplies": ["#, extra, 1);
    assert_ne!(changed, original);
    let after = fingerprints(&changed);
    let (_, _, issues) = gitlab_with_stdin(&["-"], Some(&changed));
    assert!(
        issues.iter().any(|i| i["description"].as_str().unwrap().contains("10.9% of rare earth elements")),
        "the numbers changed: {issues:#?}"
    );
    assert_eq!(issue_set(&after), issue_set(&before));
}

#[test]
fn fingerprints_differ_between_files_and_repeats() {
    // The same portfolio under two names: issues of the same kind, told apart by the file.
    let (_, _, issues) = gitlab(&[MAGNETS, "./examples/../examples/magnets-2030.json"]);
    assert_eq!(issues.len(), 2 * expected(&[MAGNETS]).len());
    // Two identical waivers of an unknown rule: two issues, two fingerprints (checked by
    // `validate`).
    let (_, _, issues) = gitlab(&[WAIVERS]);
    assert_eq!(issues.iter().filter(|i| i["check_name"] == "waiver-unused").count(), 2);
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let paths = [BATTERY, MAGNETS, BROKEN_MEANING, WAIVERS, MISSING];
    let (_, first, _) = gitlab(&paths);
    let (_, second, _) = gitlab(&paths);
    assert_eq!(first, second);
}

#[test]
fn magnets_2030_snapshot() {
    let (status, text, _) = gitlab(&[MAGNETS]);
    assert_eq!(status, 1);
    insta::assert_snapshot!(text);
}

#[test]
fn broken_meaning_snapshot() {
    let (status, text, _) = gitlab(&[BROKEN_MEANING]);
    assert_eq!(status, 2);
    insta::assert_snapshot!(text);
}
