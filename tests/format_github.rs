//! The GitHub Actions format: escaping as actions/toolkit defines it, every line a well-formed
//! workflow command, and each command decoding back to the entry it reports (compared with the
//! JSON report of the same run).

mod common;

use std::collections::BTreeMap;

use common::{format_output, run_format};
use crma_check::diagnostic::{Code, Diagnostic};
use crma_check::model::{FailOn, FileReport, Report};
use crma_check::report::{Format, Style};
use crma_check::source::{Source, Span};
use crma_check::{CheckOptions, Checker};
use serde_json::Value;

/// How the runner (actions/runner `ActionCommand.cs`, `UnescapeData`) decodes a message:
/// `%0D`, `%0A`, and `%25` last.
fn runner_unescape_data(s: &str) -> String {
    s.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
}

/// How the runner (`UnescapeProperty`) decodes a property value.
fn runner_unescape_property(s: &str) -> String {
    s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
}

// ---------------------------------------------------------------------------------------------
// The command grammar.

/// One parsed workflow command.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Command {
    name: String,
    properties: BTreeMap<String, String>,
    message: String,
}

const NAMES: &[&str] = &["error", "warning", "notice"];
const KEYS: &[&str] = &["file", "line", "col", "endLine", "endColumn", "title"];

/// Whether every `%` in `s` starts one of `escapes`.
fn percents_are_escapes(s: &str, escapes: &[&str]) -> bool {
    s.match_indices('%').all(|(at, _)| escapes.iter().any(|e| s[at..].starts_with(e)))
}

/// Parses `line` by the grammar the runner reads (`ActionCommand.TryParseV2`), strictly:
///
/// ```text
/// line       = "::" name [ " " property *( "," property ) ] "::" message
/// name       = "error" / "warning" / "notice"
/// property   = key "=" value          ; key one of file line col endLine endColumn title
/// value      = *( any but "," ":" CR LF "%" / "%25" / "%0D" / "%0A" / "%3A" / "%2C" )
/// message    = *( any but CR LF "%" / "%25" / "%0D" / "%0A" )
/// ```
///
/// Values and message are returned decoded.
fn parse(line: &str) -> Command {
    let rest = line.strip_prefix("::").unwrap_or_else(|| panic!("starts with `::`: {line}"));
    let end = rest.find("::").unwrap_or_else(|| panic!("has a second `::`: {line}"));
    let (info, message) = (&rest[..end], &rest[end + 2..]);
    let (name, properties) = match info.split_once(' ') {
        Some((name, properties)) => (name, Some(properties)),
        None => (info, None),
    };
    assert!(NAMES.contains(&name), "command name {name:?} in {line}");
    let mut parsed = BTreeMap::new();
    for property in properties.map(|p| p.split(',').collect::<Vec<_>>()).unwrap_or_default() {
        let (key, value) = property.split_once('=').unwrap_or_else(|| panic!("key=value: {property:?} in {line}"));
        assert!(KEYS.contains(&key), "known key {key:?} in {line}");
        assert!(!value.is_empty(), "a value for {key} in {line}");
        assert!(!value.contains([':', ',', '\r', '\n']), "escaped value {value:?}");
        assert!(percents_are_escapes(value, &["%25", "%0D", "%0A", "%3A", "%2C"]), "escaped value {value:?}");
        if matches!(key, "line" | "col" | "endLine" | "endColumn") {
            assert!(value.parse::<u32>().is_ok_and(|n| n >= 1), "{key} is a positive number: {value:?}");
        }
        assert!(parsed.insert(key.to_owned(), runner_unescape_property(value)).is_none(), "{key} once in {line}");
    }
    assert!(!message.contains(['\r', '\n']), "one line: {line:?}");
    assert!(percents_are_escapes(message, &["%25", "%0D", "%0A"]), "escaped message {message:?}");
    Command { name: name.to_owned(), properties: parsed, message: runner_unescape_data(message) }
}

#[test]
fn the_parser_reads_the_documented_example() {
    // From GitHub's "Workflow commands for GitHub Actions".
    let command = parse("::error file=app.js,line=1,col=5,endColumn=7,title=Missing semicolon::Missing semicolon");
    assert_eq!(command.name, "error");
    assert_eq!(command.properties["file"], "app.js");
    assert_eq!(command.properties["title"], "Missing semicolon");
    assert_eq!(command.message, "Missing semicolon");
}

// ---------------------------------------------------------------------------------------------
// The binary's output.

fn github(args: &[&str]) -> (i32, String) {
    format_output("github", args)
}

fn json(args: &[&str]) -> (i32, Value) {
    let run = run_format("json", args, None);
    (run.status, serde_json::from_str(&run.stdout).expect("the JSON report parses"))
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_else(|| panic!("a string: {value}"))
}

/// The command the JSON report says each entry should give, in order.
fn expected(report: &Value) -> Vec<Command> {
    let mut commands = Vec::new();
    for file in report["files"].as_array().expect("files") {
        let path = text(&file["path"]);
        let diagnostics = file["diagnostics"].as_array().expect("diagnostics").iter().map(|d| (d, false));
        let findings = file["findings"].as_array().expect("findings").iter().map(|f| (f, true));
        for (entry, is_finding) in diagnostics.chain(findings) {
            let code = if is_finding { text(&entry["rule"]) } else { text(&entry["code"]) };
            let title = match entry.get("name").map(text) {
                Some(name) if name != code => format!("{code} {name}"),
                _ => code.to_owned(),
            };
            let waived = entry.get("waived").is_some_and(|w| w == true);
            let name = match (waived, text(&entry["severity"])) {
                (true, _) | (false, "note") => "notice",
                (false, severity) => severity,
            };
            let mut message = text(&entry["message"]).to_owned();
            if waived {
                let waiver = &entry["waiver"];
                message += &format!("\nwaived until {}: {}", text(&waiver["expires"]), text(&waiver["reason"]));
            }
            for note in entry.get("notes").and_then(Value::as_array).into_iter().flatten() {
                message += &format!("\n{}", text(note));
            }
            if let Some(sentence) = entry.get("fix").and_then(|fix| fix["sentence"].as_str()) {
                message += &format!("\nsmallest fix: {sentence}");
            }
            if let Some(help) = entry["help"].as_str() {
                message += &format!("\nhelp: {help}");
            }
            let mut properties = BTreeMap::new();
            properties.insert("file".to_owned(), path.to_owned());
            properties.insert("title".to_owned(), title);
            let number = |key: &str| entry[key].as_u64().expect("a number").to_string();
            properties.insert("line".to_owned(), number("line"));
            properties.insert("endLine".to_owned(), number("end_line"));
            if entry["line"] == entry["end_line"] {
                properties.insert("col".to_owned(), number("column"));
                properties.insert("endColumn".to_owned(), number("end_column"));
            }
            commands.push(Command { name: name.to_owned(), properties, message });
        }
    }
    commands
}

/// Runs `args` as github and as json, and checks that the commands decode to the entries.
fn round_trip(args: &[&str]) -> String {
    let (status, out) = github(args);
    let (json_status, report) = json(args);
    assert_eq!(status, json_status, "the same exit status as any format");
    assert!(out.ends_with('\n') || out.is_empty(), "every command ends its line");
    let commands: Vec<Command> = out.lines().map(parse).collect();
    let expected = expected(&report);
    assert_eq!(commands.len(), expected.len(), "one line per entry:\n{out}");
    for (command, expected) in commands.iter().zip(&expected) {
        assert_eq!(command, expected);
    }
    out
}

#[test]
fn battery_2025_round_trips() {
    let out = round_trip(&["examples/battery-2025.json"]);
    // The waived finding is a notice that says until when.
    let waived: Vec<&str> = out.lines().filter(|l| l.contains("waived until")).collect();
    assert_eq!(waived.len(), 1, "{out}");
    assert!(waived[0].starts_with("::notice ") && waived[0].contains("waived until 2027-06-30"), "{}", waived[0]);
    assert!(out.lines().all(|l| !l.starts_with("::error")), "benchmarks are warnings before 2030");
}

#[test]
fn magnets_2030_round_trips() {
    let out = round_trip(&["examples/magnets-2030.json"]);
    insta::assert_snapshot!(out);
}

#[test]
fn broken_meaning_round_trips_with_its_input_errors() {
    let out = round_trip(&["examples/broken-meaning.json"]);
    assert_eq!(out.lines().count(), 8);
    assert!(out.lines().all(|l| l.starts_with("::error ")));
    insta::assert_snapshot!(out);
}

#[test]
fn several_files_round_trip() {
    round_trip(&[
        "examples/battery-2025.json",
        "examples/magnets-2030.json",
        "examples/broken-meaning.json",
        "examples/broken-format.json",
        "examples/compliant-2030.json",
    ]);
}

#[test]
fn a_missing_file_is_annotated_without_a_position() {
    let (status, out) = github(&["examples/no-such-file.json"]);
    assert_eq!(status, 2);
    let command = parse(out.trim_end());
    assert_eq!(command.name, "error");
    assert_eq!(command.properties.get("file").map(String::as_str), Some("examples/no-such-file.json"));
    assert!(!command.properties.contains_key("line"), "{out}");
}

#[test]
fn standard_input_has_no_file() {
    let broken = br#"{"version": 1, "year": 2030, "supplies": [{"material": "lithum", "amount": 1, "unit": "t"}]}"#;
    let run = run_format("github", &["-"], Some(broken));
    assert_eq!(run.status, 2);
    let commands: Vec<Command> = run.stdout.lines().map(parse).collect();
    assert!(!commands.is_empty());
    for command in commands {
        assert!(!command.properties.contains_key("file"), "{command:?}");
        assert!(!command.properties.contains_key("line"), "{command:?}");
        assert!(command.properties.contains_key("title"));
    }
}

#[test]
fn the_same_bytes_on_every_run() {
    let args = ["examples/battery-2025.json", "examples/magnets-2030.json", "examples/broken-meaning.json"];
    assert_eq!(github(&args), github(&args));
}

// ---------------------------------------------------------------------------------------------
// Awkward text, through the format itself.

fn render(report: &Report) -> String {
    let mut out = Vec::new();
    Format::Github.write(report, &Style::default(), &mut out).expect("writes to memory");
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn awkward_messages_paths_and_titles_survive() {
    let text = "{\n  \"version\": 1\n}\n";
    let source = Source::new("data,q1:2025/100%.json", text);
    let diagnostic = Diagnostic::new(Code::Schema, "50%: a,b\r\nc::error::d")
        .with_label(Span::new(4, 11), "here")
        .with_help("try %0A, or: not");
    let report = Report {
        files: vec![FileReport::unchecked("data,q1:2025/100%.json", Some(source), vec![diagnostic])],
        fail_on: FailOn::Error,
        rules: Vec::new(),
        as_of: common::options().today,
    };
    let out = render(&report);
    assert_eq!(out.lines().count(), 1, "{out}");
    let command = parse(out.trim_end());
    assert_eq!(command.properties["file"], "data,q1:2025/100%.json");
    assert_eq!(command.properties["title"], "schema");
    assert_eq!(command.message, "50%: a,b\r\nc::error::d\nhelp: try %0A, or: not");
    assert_eq!(
        out,
        "::error file=data%2Cq1%3A2025/100%25.json,line=2,col=3,endLine=2,endColumn=10,title=schema\
         ::50%25: a,b%0D%0Ac::error::d%0Ahelp: try %250A, or: not\n"
    );
}

#[test]
fn a_span_over_several_lines_has_no_columns() {
    let text = "{\n  \"version\": 1,\n  \"year\": 2030\n}\n";
    let start = text.find("\"version\"").unwrap();
    let end = text.find("2030").unwrap() + 4;
    let source = Source::new("p.json", text);
    let diagnostic = Diagnostic::new(Code::EmptyPortfolio, "over two lines").with_label(Span::new(start, end), "here");
    let report = Report {
        files: vec![FileReport::unchecked("p.json", Some(source), vec![diagnostic])],
        fail_on: FailOn::Error,
        rules: Vec::new(),
        as_of: common::options().today,
    };
    let command = parse(render(&report).trim_end());
    assert_eq!(command.properties.get("line").map(String::as_str), Some("2"));
    assert_eq!(command.properties.get("endLine").map(String::as_str), Some("3"));
    assert!(!command.properties.contains_key("col") && !command.properties.contains_key("endColumn"));
}

#[test]
fn a_finding_with_awkward_notes_round_trips() {
    let checker = Checker::builtin(CheckOptions::default());
    let portfolio = r#"{"version": 1, "year": 2030, "supplies": [
        {"material": "cobalt", "amount": 100, "unit": "t",
         "origin": {"extraction": "CD", "processing": "CN"}}]}"#;
    let mut file = checker.check_source(Source::new("p.json", portfolio));
    let finding = file.findings.iter_mut().find(|f| f.code() == "CRM004").expect("a CRM004 finding");
    finding.message = "100%, all of it: over the cap".to_owned();
    finding.notes = vec!["a note\r\nwith a break".to_owned(), "%0A stays text".to_owned()];
    let report =
        Report { files: vec![file], fail_on: FailOn::Error, rules: Vec::new(), as_of: common::options().today };
    let out = render(&report);
    let command = out.lines().map(parse).find(|c| c.properties["title"].starts_with("CRM004")).expect("CRM004");
    assert!(
        command.message.starts_with(
            "100%, all of it: over the cap\na note\r\nwith a break\n%0A stays text\nsmallest fix: move at least 35 t of cobalt extraction from DR Congo to other countries\nhelp: "
        ),
        "{:?}",
        command.message
    );
}
