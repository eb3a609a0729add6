//! The short format: one line per finding and input diagnostic, in the shape editors' problem
//! matchers parse (`path:line:col: severity[CODE]: message`).

mod common;

use common::{AS_OF, run};

/// The problem-matcher pattern the README documents, as a Rust regex would read it.
fn parse(line: &str) -> Option<(&str, usize, usize, &str, &str, &str)> {
    let (location, rest) = line.split_once(": ")?;
    let mut parts = location.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let row = parts.next()?.parse().ok()?;
    let path = parts.next()?;
    let (head, message) = rest.split_once("]: ")?;
    let (severity, code) = head.split_once('[')?;
    Some((path, row, column, severity, code, message))
}

#[test]
fn every_line_parses_and_matches_the_json_report() {
    let short =
        run(&["--format", "short", "--as-of", AS_OF, "examples/magnets-2030.json", "examples/broken-meaning.json"]);
    let json =
        run(&["--format", "json", "--as-of", AS_OF, "examples/magnets-2030.json", "examples/broken-meaning.json"]);
    assert_eq!(short.status, 2);
    assert_eq!(short.status, json.status);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let mut expected = Vec::new();
    for file in report["files"].as_array().unwrap() {
        for d in file["diagnostics"].as_array().unwrap() {
            expected.push((
                d["path"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_owned(),
            ));
        }
        for f in file["findings"].as_array().unwrap() {
            expected.push((
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_owned(),
            ));
        }
    }
    let lines: Vec<_> = short.stdout.lines().map(|l| parse(l).unwrap_or_else(|| panic!("unparsable: {l}"))).collect();
    let found: Vec<_> = lines.iter().map(|(p, l, _, _, c, _)| ((*p).to_owned(), *l as u64, (*c).to_owned())).collect();
    assert_eq!(found, expected);
    assert!(lines.iter().all(|(.., severity, _, _)| ["error", "warning", "note"].contains(severity)));
}

#[test]
fn waived_findings_are_notes() {
    let short = run(&["--format", "short", "--as-of", AS_OF, "examples/battery-2025.json"]);
    let waived: Vec<&str> = short.stdout.lines().filter(|l| l.contains("[waived until")).collect();
    assert_eq!(waived.len(), 1, "{}", short.stdout);
    assert!(waived[0].contains(": note[CRM004]: China supplies 68.4% of cobalt processing"), "{}", waived[0]);
}

#[test]
fn short_output_of_the_examples() {
    let short =
        run(&["--format", "short", "--as-of", AS_OF, "examples/battery-2025.json", "examples/broken-format.json"]);
    insta::assert_snapshot!(short.stdout);
}
