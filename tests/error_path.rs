//! The error path at scale: every schema error of a large file found at its place, a mistake
//! repeated on many lines said once to people and once per line to tools.

mod common;

use common::{format_output, run, temp_file};
use serde_json::Value;

const REPEATED: &str = "tests/fixtures/portfolios/repeated-mistakes.json";

/// The input diagnostics of a `--format json` run: (code, message, line).
fn diagnostics(args: &[&str]) -> (i32, Vec<(String, String, u64)>) {
    let (status, out) = format_output("json", args);
    let report: Value = serde_json::from_str(&out).expect("JSON");
    let listed = report["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (status, listed)
}

#[test]
fn a_repeated_mistake_is_one_diagnostic_labelled_at_its_first_places() {
    let run = run(&["--color", "never", REPEATED]);
    assert_eq!(run.status, 2);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn tools_get_one_entry_per_place_each_as_it_would_read_alone() {
    let (status, listed) = diagnostics(&[REPEATED]);
    assert_eq!(status, 2);
    let kilo: Vec<(&str, u64)> = listed
        .iter()
        .filter(|(_, m, _)| m.ends_with("found \"kilo\""))
        .map(|(_, m, line)| (m.as_str(), *line))
        .collect();
    let expected: Vec<(String, u64)> = [2, 4, 6, 8, 10, 12]
        .iter()
        .map(|n| (format!("supply line {n}: `unit` must be one of t, kg, kt, Mt, lb; found \"kilo\""), n + 4))
        .collect();
    assert_eq!(kilo, expected.iter().map(|(m, l)| (m.as_str(), *l)).collect::<Vec<_>>());
    // Every place, in the order of the file, and as many as the summary counts.
    assert_eq!(listed.len(), 14);
    let lines: Vec<u64> = listed.iter().map(|(_, _, line)| *line).collect();
    assert!(lines.is_sorted(), "{lines:?}");
    let short = format_output("short", &[REPEATED]).1;
    assert_eq!(short.lines().count(), 14, "{short}");
    assert!(
        short.contains("repeated-mistakes.json:16:67: error[schema]: supply line 12: `unit` must be one of"),
        "{short}"
    );
}

/// A portfolio of `lines` supply lines, with `mistakes` (line index, JSON fields of that
/// line) and the top-level fields `top` written after the supplies.
fn portfolio(lines: usize, mistakes: &[(usize, &str)], top: &str) -> String {
    let mut text = String::from("{\n  \"year\": 2030,\n  \"supplies\": [\n");
    for n in 0..lines {
        let fields = mistakes.iter().find(|(at, _)| *at == n).map_or(
            "\"material\": \"cobalt\", \"amount\": 12.5, \"unit\": \"t\", \"origin\": {\"extraction\": \"CD\", \"processing\": \"FI\"}",
            |(_, fields)| fields,
        );
        let comma = if n + 1 < lines { "," } else { "" };
        text.push_str(&format!("    {{\"id\": \"PO-{n:07}\", {fields}}}{comma}\n"));
    }
    text.push_str(&format!("  ]{top}\n}}\n"));
    text
}

#[test]
fn every_schema_error_of_a_large_file_is_found_at_its_place() {
    let lines = 100_000;
    let text = portfolio(
        lines,
        &[
            (0, "\"material\": \"cobalt\", \"amount\": 1, \"unit\": \"kilo\""),
            (50_000, "\"material\": \"cobalt\", \"amount\": -5, \"unit\": \"t\""),
            (lines - 1, "\"material\": \"cobalt\", \"amout\": 3, \"unit\": \"t\""),
        ],
        ",\n  \"consumption\": {\"cobalt\": {\"amount\": 90, \"unit\": \"tonnes\"}},\n  \"waivers\": [{\"rule\": \"CRM004\", \"reason\": \"r\", \"expires\": \"2027-6-30\"}],\n  \"nmae\": \"x\"",
    );
    let path = temp_file("large-with-errors.json", text.as_bytes());
    let (status, listed) = diagnostics(&[path.to_str().unwrap()]);
    assert_eq!(status, 2);
    let expected = [
        ("schema", "supply line 1: `unit` must be one of t, kg, kt, Mt, lb; found \"kilo\"", 4),
        ("schema", "supply line 50001: `amount` must be greater than 0; found -5", 50_004),
        ("schema", "unknown field `amout` in supply line 100000", 100_003),
        ("schema", "`consumption.cobalt.unit` must be one of t, kg, kt, Mt, lb; found \"tonnes\"", 100_005),
        ("schema", "waiver 1: `expires` must be a date written YYYY-MM-DD; found \"2027-6-30\"", 100_006),
        ("schema", "unknown field `nmae`", 100_007),
    ];
    let expected: Vec<(String, String, u64)> =
        expected.iter().map(|(c, m, l)| ((*c).to_owned(), (*m).to_owned(), *l)).collect();
    assert_eq!(listed, expected);
}

#[test]
fn beyond_ten_different_mistakes_the_rest_are_counted() {
    let mistakes: Vec<String> =
        (1..=14).map(|n| format!("\"material\": \"cobalt\", \"amount\": -{n}, \"unit\": \"t\"")).collect();
    let at: Vec<(usize, &str)> = mistakes.iter().enumerate().map(|(n, m)| (n * 2, m.as_str())).collect();
    let path = temp_file("fourteen-mistakes.json", portfolio(40, &at, "").as_bytes());
    let run = run(&["--color", "never", "--quiet", path.to_str().unwrap()]);
    assert_eq!(run.status, 2);
    assert_eq!(run.stdout.matches("error[schema]").count(), 11, "{}", run.stdout);
    assert!(run.stdout.contains("supply line 19: `amount` must be greater than 0; found -10"), "{}", run.stdout);
    assert!(!run.stdout.contains("found -11"), "{}", run.stdout);
    assert!(run.stdout.contains("and 4 more `schema` errors like the ones above"), "{}", run.stdout);
    // The summary counts every one of them, shown or not.
    let json = common::run(&["--format", "json", path.to_str().unwrap()]);
    let report: Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(report["summary"]["input_errors"], 14, "{}", json.stdout);
}
