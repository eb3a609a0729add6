//! The Markdown summary: snapshots of what a reviewer reads in a pull request, tables whose
//! rows all have their header's cells, and text that cannot break out of its place.

mod common;

use common::{format_output, temp_file};

fn markdown(args: &[&str]) -> (i32, String) {
    let (status, out) = format_output("markdown", args);
    check_tables(&out);
    assert!(out.ends_with('\n') && !out.ends_with("\n\n"), "ends with one line break");
    (status, out)
}

/// The cells of a table row: split at every `|` not escaped with a backslash, without the
/// leading and trailing pipes (GFM tables, "Tables (extension)").
fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().strip_prefix('|').and_then(|r| r.strip_suffix('|')).unwrap_or_else(|| {
        panic!("a row starts and ends with a pipe: {row:?}");
    });
    let mut cells = vec![String::new()];
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let last = cells.last_mut().expect("a cell");
                last.push(c);
                if let Some(next) = chars.next() {
                    last.push(next);
                }
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().expect("a cell").push(c),
        }
    }
    cells.into_iter().map(|c| c.trim().to_owned()).collect()
}

/// Every table: a header, a delimiter row of as many cells, and rows of as many cells.
fn check_tables(md: &str) {
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].starts_with('|') {
            i += 1;
            continue;
        }
        let header = cells(lines[i]);
        let delimiter = cells(lines.get(i + 1).expect("a delimiter row after the header"));
        assert_eq!(delimiter.len(), header.len(), "delimiter row of {:?}", lines[i]);
        for cell in &delimiter {
            let dashes = cell.trim_start_matches(':').trim_end_matches(':');
            assert!(!dashes.is_empty() && dashes.chars().all(|c| c == '-'), "delimiter cell {cell:?}");
        }
        i += 2;
        while i < lines.len() && lines[i].starts_with('|') {
            assert_eq!(cells(lines[i]).len(), header.len(), "row {:?} under {:?}", lines[i], header);
            i += 1;
        }
        assert!(lines.get(i).is_none_or(|l| l.is_empty()), "a blank line after a table");
    }
}

#[test]
fn battery_2025() {
    let (status, out) = markdown(&["examples/battery-2025.json"]);
    assert_eq!(status, 0);
    assert!(out.starts_with("## ✅ crma-check passed\n"));
    insta::assert_snapshot!(out);
}

#[test]
fn magnets_2030() {
    let (status, out) = markdown(&["examples/magnets-2030.json"]);
    assert_eq!(status, 1);
    assert!(out.starts_with("## ❌ crma-check failed\n"));
    insta::assert_snapshot!(out);
}

#[test]
fn broken_meaning() {
    let (status, out) = markdown(&["examples/broken-meaning.json"]);
    assert_eq!(status, 2);
    assert!(out.starts_with("## ⛔ crma-check could not be completed\n"));
    assert!(!out.contains("Shares by material"), "no table for a file that was not checked");
    insta::assert_snapshot!(out);
}

#[test]
fn several_files() {
    let (status, out) =
        markdown(&["examples/magnets-2030.json", "examples/compliant-2030.json", "examples/broken-format.json"]);
    assert_eq!(status, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn every_table_row_has_its_headers_cells() {
    // Also checked on every run above; here on each shipped example and fail level.
    for example in ["battery-2025", "broken-format", "broken-meaning", "compliant-2030", "magnets-2030"] {
        for level in ["error", "warning", "never"] {
            let (_, out) = markdown(&["--fail-on", level, &format!("examples/{example}.json")]);
            // A file that could be checked has its share table (so there is a table to check).
            if !example.starts_with("broken") {
                assert!(out.contains("\n| material "), "{example}: the share table is there:\n{out}");
            }
        }
    }
}

#[test]
fn the_same_bytes_on_every_run() {
    let args = ["examples/battery-2025.json", "examples/magnets-2030.json", "examples/broken-meaning.json"];
    assert_eq!(markdown(&args), markdown(&args));
}

const PIPE_RULES: &str = r#"{
  "version": 1,
  "rules": [
    {
      "id": "PIPE-01",
      "name": "pipe-cap",
      "summary": "No country processes more than 50% | a pipe in the summary",
      "severity": "error",
      "materials": "critical",
      "stages": ["processing"],
      "metric": "country-share",
      "max": 50,
      "message": "{country} | {value} of {material} *emphasised* <b>bold</b>",
      "help": "one | two"
    }
  ]
}"#;

const PIPE_PORTFOLIO: &str = r#"{
  "version": 1,
  "name": "Acme | Cells # 1 <script>",
  "year": 2030,
  "supplies": [
    { "id": "P|1", "material": "cobalt", "amount": 100, "unit": "t",
      "origin": { "extraction": "CD", "processing": "CN" } }
  ]
}"#;

#[test]
fn pipes_and_markup_in_names_and_messages_are_escaped() {
    let portfolio = temp_file("pipe|name.json", PIPE_PORTFOLIO.as_bytes());
    let rules = temp_file("pipe-rules.json", PIPE_RULES.as_bytes());
    let (portfolio, rules) = (portfolio.display().to_string(), rules.display().to_string());
    // Two files, so that the path goes into the table of files too.
    let (status, out) = markdown(&["--rules", &rules, &portfolio, "examples/compliant-2030.json"]);
    assert_eq!(status, 1);
    assert!(out.contains("### Acme \\| Cells # 1 \\<script\\> (2030)\n"), "{out}");
    assert!(out.contains("China \\| 100.0% of cobalt \\*emphasised\\* \\<b\\>bold\\</b\\>"), "{out}");
    assert!(out.contains(": one \\| two\n"), "{out}");
    // In the table of files, the path's pipe is escaped even inside its code span.
    let row = out.lines().find(|l| l.starts_with('|') && l.contains("pipe")).expect("a row for the file");
    assert!(row.contains("pipe\\|name.json`"), "{row}");
    assert_eq!(cells(row).len(), 7, "{row}");
    // Outside tables a code span is literal: there the pipe stays as it is.
    assert!(out.contains("pipe|name.json:"), "{out}");
}
