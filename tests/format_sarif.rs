//! The SARIF format as its consumers see it: valid against the OASIS schema, meeting what
//! GitHub code scanning requires of an upload, stable fingerprints, suppressions for waivers,
//! input errors as results, the same bytes on every run. Snapshots of two examples were read
//! as a code scanning user reads an alert.

mod common;

use std::collections::HashSet;
use std::path::Path;

use common::{AS_OF, format_output, run, run_format};
use serde_json::Value;

const BATTERY: &str = "examples/battery-2025.json";
const MAGNETS: &str = "examples/magnets-2030.json";
const BROKEN_MEANING: &str = "examples/broken-meaning.json";
const BROKEN_FORMAT: &str = "examples/broken-format.json";

/// The SARIF of a run with `args`, and its exit status.
fn sarif(args: &[&str]) -> (i32, String) {
    format_output("sarif", args)
}

/// The SARIF of a portfolio given on standard input.
fn sarif_of_text(text: &str) -> Value {
    let run = run_format("sarif", &["-"], Some(text.as_bytes()));
    assert!(run.stderr.is_empty(), "nothing on stderr: {}", run.stderr);
    parse(&run.stdout)
}

fn parse(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("the output is JSON: {e}\n{out}"))
}

fn sarif_log(args: &[&str]) -> Value {
    parse(&sarif(args).1)
}

/// Every case the schema and GitHub checks run on.
const CASES: &[&[&str]] = &[
    &[BATTERY],
    &[MAGNETS],
    &[BROKEN_MEANING],
    &[BROKEN_FORMAT],
    &[BATTERY, BROKEN_FORMAT, MAGNETS, "examples/compliant-2030.json", BROKEN_MEANING],
];

fn the_run(log: &Value) -> &Value {
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "one run");
    &runs[0]
}

fn results(log: &Value) -> &Vec<Value> {
    the_run(log)["results"].as_array().expect("results")
}

fn rules(log: &Value) -> &Vec<Value> {
    the_run(log)["tool"]["driver"]["rules"].as_array().expect("tool.driver.rules")
}

fn text<'a>(value: &'a Value, what: &str) -> &'a str {
    value.as_str().unwrap_or_else(|| panic!("{what} is a string: {value}"))
}

fn fingerprint(result: &Value) -> &str {
    text(&result["partialFingerprints"]["primaryLocationLineHash"], "primaryLocationLineHash")
}

#[test]
fn output_validates_against_the_oasis_schema() {
    // OASIS's schema, kept with the tests so that a clean clone checks against it too.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    let schema = std::fs::read_to_string(&path).expect("the SARIF schema is in the repository");
    let schema: Value = serde_json::from_str(&schema).expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    for args in CASES {
        let log = sarif_log(args);
        let errors: Vec<String> = validator.iter_errors(&log).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert_eq!(errors, Vec::<String>::new(), "{args:?}");
    }
    // The validator does reject what the schema forbids.
    let mut broken = sarif_log(&[MAGNETS]);
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
}

/// What GitHub code scanning requires of an upload ("SARIF support for code scanning").
fn assert_github_accepts(log: &Value, case: &str) {
    assert!(text(&log["$schema"], "$schema").starts_with("https://"), "{case}");
    assert_eq!(log["version"], "2.1.0", "{case}");
    let run = the_run(log);
    assert_eq!(run["tool"]["driver"]["name"], "crma-check", "{case}");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"), "{case}");
    assert_eq!(run["columnKind"], "unicodeCodePoints", "{case}");

    let rules = rules(log);
    let mut ids = HashSet::new();
    for rule in rules {
        let id = text(&rule["id"], "rule id");
        assert!(ids.insert(id), "{case}: rule id {id} is unique");
        assert!(text(&rule["name"], "name").chars().count() <= 255, "{case}: {id}");
        for description in ["shortDescription", "fullDescription"] {
            let t = text(&rule[description]["text"], description);
            assert!(!t.is_empty() && t.chars().count() <= 1024, "{case}: {id} {description}: {t}");
        }
        assert!(!text(&rule["help"]["text"], "help.text").is_empty(), "{case}: {id}");
        assert!(
            ["note", "warning", "error"].contains(&text(&rule["defaultConfiguration"]["level"], "level")),
            "{case}: {id}"
        );
    }

    let mut fingerprints = HashSet::new();
    for result in results(log) {
        let id = text(&result["ruleId"], "ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id, "{case}: ruleIndex points at the descriptor of {id}");
        assert!(["note", "warning", "error"].contains(&text(&result["level"], "level")), "{case}: {id}");
        let message = text(&result["message"]["text"], "message.text");
        assert!(!message.is_empty(), "{case}: {id}");

        let locations = result["locations"].as_array().expect("locations");
        assert!((1..=10).contains(&locations.len()), "{case}: {id}");
        let physical = &locations[0]["physicalLocation"];
        let uri = text(&physical["artifactLocation"]["uri"], "uri");
        assert!(!uri.is_empty() && !uri.starts_with('/') && !uri.contains(':'), "{case}: {uri} is relative");
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%", "{case}");
        let region = &physical["region"];
        let [start_line, start_column, end_line, end_column] =
            ["startLine", "startColumn", "endLine", "endColumn"].map(|k| region[k].as_u64().expect(k));
        assert!(start_line >= 1 && start_column >= 1, "{case}: {id} at {region}");
        assert!((end_line, end_column) >= (start_line, start_column), "{case}: {id} at {region}");

        assert!(fingerprints.insert(fingerprint(result).to_owned()), "{case}: fingerprints are unique: {result}");

        // Links in the message point at related locations.
        let related: HashSet<u64> = result["relatedLocations"]
            .as_array()
            .map(|r| r.iter().map(|l| l["id"].as_u64().expect("id")).collect())
            .unwrap_or_default();
        for part in message.split("](").skip(1) {
            let target: u64 = part.split(')').next().unwrap().parse().expect("a link to a location id");
            assert!(related.contains(&target), "{case}: link ({target}) in {message}");
        }
    }
}

#[test]
fn every_result_meets_github_requirements() {
    for args in CASES {
        assert_github_accepts(&sarif_log(args), &format!("{args:?}"));
    }
}

#[test]
fn there_is_one_result_per_finding_and_diagnostic() {
    let json = run(&["--format", "json", "--as-of", AS_OF, BATTERY, BROKEN_FORMAT, MAGNETS]);
    let json = parse(&json.stdout);
    let log = sarif_log(&[BATTERY, BROKEN_FORMAT, MAGNETS]);
    let expected: Vec<(String, String, u64, u64)> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|file| {
            let diagnostics = file["diagnostics"].as_array().unwrap().iter().map(|d| (&d["code"], &d["severity"], d));
            let findings = file["findings"].as_array().unwrap().iter().map(|f| (&f["rule"], &f["severity"], f));
            diagnostics.chain(findings).map(|(code, severity, d)| {
                (
                    text(code, "code").to_owned(),
                    text(severity, "severity").to_owned(),
                    d["line"].as_u64().unwrap(),
                    d["column"].as_u64().unwrap(),
                )
            })
        })
        .collect();
    let actual: Vec<(String, String, u64, u64)> = results(&log)
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (
                text(&r["ruleId"], "ruleId").to_owned(),
                text(&r["level"], "level").to_owned(),
                region["startLine"].as_u64().unwrap(),
                region["startColumn"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(actual, expected, "same entries, same order, same levels and places as the JSON report");
}

#[test]
fn input_errors_are_results_and_the_run_did_not_succeed() {
    for (path, count) in [(BROKEN_MEANING, 8), (BROKEN_FORMAT, 7)] {
        let (status, out) = sarif(&[path]);
        assert_eq!(status, 2);
        let log = parse(&out);
        let results = results(&log);
        assert_eq!(results.len(), count, "{path}");
        assert!(results.iter().all(|r| r["level"] == "error"), "{path}");
        let invocation = &the_run(&log)["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false, "{path}");
        assert_eq!(invocation["exitCode"], 2, "{path}");
        let notification = text(&invocation["toolExecutionNotifications"][0]["message"]["text"], "notification");
        assert_eq!(notification, format!("{path}: not checked: {count} input errors"));
    }
    let broken = sarif_log(&[BROKEN_MEANING]);
    let unknown = &results(&broken)[0];
    assert_eq!(unknown["ruleId"], "unknown-material");
    assert!(text(&unknown["message"]["text"], "message").contains("did you mean `lithium`?"), "{unknown}");

    // A file that cannot be read is a result too, at its first line.
    let (status, out) = sarif(&["no/such/file.json"]);
    assert_eq!(status, 2);
    let missing = parse(&out);
    assert_github_accepts(&missing, "missing file");
    let result = &results(&missing)[0];
    assert_eq!((&result["ruleId"], &result["level"]), (&Value::from("io"), &Value::from("error")));
    assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "no/such/file.json");

    // A checked file succeeds, findings or not.
    let checked = sarif_log(&[MAGNETS]);
    assert_eq!(the_run(&checked)["invocations"][0]["executionSuccessful"], true);
    assert_eq!(the_run(&checked)["invocations"][0].get("toolExecutionNotifications"), None);
}

#[test]
fn waived_findings_keep_their_level_and_carry_a_suppression() {
    let log = sarif_log(&[BATTERY]);
    let (waived, open): (Vec<&Value>, Vec<&Value>) =
        results(&log).iter().partition(|r| r.get("suppressions").is_some());
    assert_eq!(waived.len(), 1, "battery-2025 waives one finding");
    assert!(!open.is_empty());
    let result = waived[0];
    assert_eq!((&result["ruleId"], &result["level"]), (&Value::from("CRM004"), &Value::from("warning")));
    let suppressions = result["suppressions"].as_array().unwrap();
    assert_eq!(suppressions.len(), 1);
    assert_eq!(suppressions[0]["kind"], "inSource");
    assert_eq!(suppressions[0]["status"], "accepted");
    assert_eq!(
        suppressions[0]["justification"],
        "waived until 2027-06-30: Offtake from an EU refinery under construction starts in 2027"
    );
    assert!(text(&result["message"]["text"], "message").contains("waived until 2027-06-30"));
}

/// The primary fingerprint and the start line of every result.
fn fingerprints_and_lines(log: &Value) -> Vec<(String, u64)> {
    results(log)
        .iter()
        .map(|r| {
            let line = r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap();
            (fingerprint(r).to_owned(), line)
        })
        .collect()
}

#[test]
fn fingerprints_stay_when_a_line_is_inserted_above() {
    for path in [MAGNETS, BATTERY, BROKEN_MEANING] {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
        let moved = text.replacen("{\n", "{\n\n", 1);
        let before = fingerprints_and_lines(&sarif_of_text(&text));
        let after = fingerprints_and_lines(&sarif_of_text(&moved));
        assert!(!before.is_empty(), "{path}");
        assert_eq!(before.len(), after.len(), "{path}");
        for ((fingerprint, line), (moved_fingerprint, moved_line)) in before.iter().zip(&after) {
            assert_eq!(moved_line, &(line + 1), "{path}: the results moved down a line");
            assert_eq!(moved_fingerprint, fingerprint, "{path}: the fingerprint did not");
        }
    }
}

#[test]
fn fingerprints_tell_apart_findings_on_one_line() {
    // magnets-2030 has two CRM004 findings on line 49 (boron extraction and processing in
    // Türkiye) and two CRM005 findings at one place: a line hash would merge each pair.
    let log = sarif_log(&[MAGNETS]);
    let on_49: Vec<&Value> = results(&log)
        .iter()
        .filter(|r| r["ruleId"] == "CRM004" && r["locations"][0]["physicalLocation"]["region"]["startLine"] == 49)
        .collect();
    assert_eq!(on_49.len(), 2);
    assert_ne!(fingerprint(on_49[0]), fingerprint(on_49[1]));
}

#[test]
fn several_files_are_one_run() {
    let (status, out) = sarif(&[BATTERY, BROKEN_FORMAT, MAGNETS]);
    assert_eq!(status, 2, "a file could not be checked");
    let log = parse(&out);
    let uris: HashSet<&str> = results(&log)
        .iter()
        .map(|r| text(&r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "uri"))
        .collect();
    assert_eq!(uris, HashSet::from([BATTERY, BROKEN_FORMAT, MAGNETS]));
    assert_eq!(the_run(&log)["invocations"][0]["executionSuccessful"], false);
}

#[test]
fn paths_are_relative_to_the_working_directory() {
    let absolute = Path::new(env!("CARGO_MANIFEST_DIR")).join(MAGNETS);
    let log = sarif_log(&[absolute.to_str().unwrap()]);
    for result in results(&log) {
        assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], MAGNETS);
    }
}

#[test]
fn rules_describe_every_active_rule_and_every_code() {
    let log = sarif_log(&[MAGNETS]);
    let ids: Vec<&str> = rules(&log).iter().map(|r| text(&r["id"], "id")).collect();
    assert_eq!(&ids[..5], ["CRM001", "CRM002", "CRM003", "CRM004", "CRM005"]);
    for code in crma_check::diagnostic::Code::ALL {
        assert!(ids.contains(&code.id()), "{}", code.id());
    }
    let crm004 = &rules(&log)[3];
    assert_eq!(crm004["helpUri"], "https://eur-lex.europa.eu/eli/reg/2024/1252/oj");
    assert!(text(&crm004["fullDescription"]["text"], "full").contains("Art. 5(1)(b)"));
    let markdown = text(&crm004["help"]["markdown"], "help.markdown");
    assert!(markdown.contains("not a legal breach"), "the whole explanation is in the help");

    // Only the selected rules are described.
    let selected = sarif_log(&["--select", "CRM004", MAGNETS]);
    let ids: Vec<&str> = rules(&selected).iter().map(|r| text(&r["id"], "id")).collect();
    assert_eq!(ids[0], "CRM004");
    assert!(!ids.contains(&"CRM001"));
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let args = [BATTERY, BROKEN_FORMAT, MAGNETS];
    let (_, first) = sarif(&args);
    let (_, second) = sarif(&args);
    assert_eq!(first, second);
    assert!(first.ends_with("}\n"), "ends with a newline");
}

#[test]
fn magnets_2030_as_sarif() {
    let (status, out) = sarif(&[MAGNETS]);
    assert_eq!(status, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn broken_meaning_as_sarif() {
    let (status, out) = sarif(&[BROKEN_MEANING]);
    assert_eq!(status, 2);
    insta::assert_snapshot!(out);
}
