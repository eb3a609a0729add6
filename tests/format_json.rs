//! The JSON report: it validates against `schemas/report.schema.json` and carries what the
//! human report shows.

mod common;

use common::{AS_OF, run};
use serde_json::Value;

fn report(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--format", "json", "--as-of", AS_OF];
    all.extend_from_slice(args);
    let run = run(&all);
    (run.status, serde_json::from_str(&run.stdout).expect("JSON"))
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/report.schema.json")).unwrap(),
    )
    .unwrap();
    jsonschema::draft202012::options().should_validate_formats(true).build(&schema).unwrap()
}

#[test]
fn real_reports_validate_against_the_report_schema() {
    let validator = validator();
    for args in [
        vec!["examples/battery-2025.json"],
        vec!["examples/magnets-2030.json"],
        vec!["examples/compliant-2030.json"],
        vec!["examples/broken-format.json"],
        vec!["examples/broken-meaning.json"],
        vec![
            "examples/battery-2025.json",
            "examples/magnets-2030.json",
            "examples/broken-meaning.json",
            "no-such-file.json",
        ],
        vec!["--rules", "examples/policies", "examples/battery-2025.json"],
    ] {
        let (_, value) = report(&args);
        let errors: Vec<String> =
            validator.iter_errors(&value).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    }
}

#[test]
fn the_report_says_the_outcome_and_the_numbers() {
    let (status, value) = report(&["examples/magnets-2030.json"]);
    assert_eq!(status, 1);
    assert_eq!(value["outcome"], "fail");
    assert_eq!(value["exit_status"], 1);
    assert_eq!(value["summary"]["errors"], 9);
    let cap = value["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "CRM004" && f["stage"] == "processing" && f["material"] == "rare-earths-for-magnets")
        .expect("the China cap finding");
    assert_eq!(cap["country"], "CN");
    assert_eq!(cap["threshold"], 65.0);
    assert_eq!(cap["value_text"], "66.4%");
    assert_eq!(cap["line"], 15);
    let shares = &value["files"][0]["shares"][0];
    assert_eq!(shares["material"], "rare-earths-for-magnets");
    assert_eq!(shares["stages"]["processing"]["largest_non_eu"]["country"], "CN");
    assert_eq!(shares["verdict"], "fails");
}

#[test]
fn input_errors_are_in_the_report() {
    let (status, value) = report(&["examples/broken-meaning.json", "no-such-file.json"]);
    assert_eq!(status, 2);
    assert_eq!(value["outcome"], "unchecked");
    assert_eq!(value["files"][0]["checked"], false);
    assert_eq!(value["files"][0]["diagnostics"][0]["code"], "unknown-material");
    assert_eq!(value["files"][1]["diagnostics"][0]["code"], "io");
    assert_eq!(value["summary"]["input_errors"], 9);
}

#[test]
fn waived_findings_say_so() {
    let (_, value) = report(&["examples/battery-2025.json"]);
    let waived: Vec<&Value> =
        value["files"][0]["findings"].as_array().unwrap().iter().filter(|f| f["waived"] == true).collect();
    assert_eq!(waived.len(), 1);
    assert_eq!(waived[0]["waiver"]["expires"], "2027-06-30");
    assert_eq!(value["summary"]["waived"], 1);
}

#[test]
fn json_report_of_a_failing_and_a_broken_portfolio() {
    let run =
        run(&["--format", "json", "--as-of", AS_OF, "examples/magnets-2030.json", "examples/broken-meaning.json"]);
    insta::assert_snapshot!(run.stdout);
}
