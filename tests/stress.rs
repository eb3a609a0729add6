//! `crma-check stress`: what a supply disruption costs, through the binary and the library.

mod common;

use common::{AS_OF, run};
use crma_check::model::{Cover, MaterialLoss, StressReport};
use crma_check::source::Source;
use crma_check::{Checker, Stresses};
use serde_json::Value;

/// A 2030 portfolio of supply lines `(material, amount in t, extraction, processing)`, with
/// consumption `(material, t)`.
fn portfolio(consumption: &[(&str, &str)], lines: &[(&str, &str, &str, &str)]) -> String {
    let consumption: Vec<String> =
        consumption.iter().map(|(m, t)| format!(r#""{m}": {{"amount": {t}, "unit": "t"}}"#)).collect();
    let lines: Vec<String> = lines
        .iter()
        .map(|(m, t, e, p)| {
            format!(r#"{{"material": "{m}", "amount": {t}, "unit": "t", "origin": {{"extraction": "{e}", "processing": "{p}"}}}}"#)
        })
        .collect();
    format!(r#"{{"year": 2030, "consumption": {{{}}}, "supplies": [{}]}}"#, consumption.join(", "), lines.join(", "))
}

fn stress(json: &str, cuts: &[&str]) -> StressReport {
    let checker = Checker::builtin(common::options());
    let specs: Vec<String> = cuts.iter().map(|c| (*c).to_owned()).collect();
    let parsed = specs.iter().map(|s| checker.parse_cut(s)).collect::<Result<Vec<_>, _>>().expect("valid cuts");
    let scenario = checker.scenario_of_cuts(&specs, parsed);
    let report = checker.stress_source(Source::new("p.json", json.to_owned()), &Stresses::Scenarios(vec![scenario]));
    assert!(report.ran(), "{:?}", report.before.diagnostics);
    report
}

/// The loss of `material` (by id) in the only scenario.
fn loss<'a>(report: &'a StressReport, material: &str) -> &'a MaterialLoss {
    report.scenarios[0].materials.iter().find(|m| m.material.id == material).expect("the material")
}

#[test]
fn a_line_hit_at_two_stages_is_lost_once() {
    let json = portfolio(&[("cobalt", "100")], &[("cobalt", "60", "CN", "CN"), ("cobalt", "40", "AU", "FI")]);
    let report = stress(&json, &["CN"]);
    assert_eq!(loss(&report, "cobalt").lost.tonnes_f64(), 60.0);
    assert_eq!(loss(&report, "cobalt").lost_percent, 60.0);
}

#[test]
fn a_cut_at_processing_loses_the_line_at_extraction_too() {
    let json = portfolio(&[("cobalt", "100")], &[("cobalt", "70", "CD", "CN"), ("cobalt", "30", "AU", "FI")]);
    let before = stress(&json, &["CN:processing"]);
    // DR Congo's 70% of extraction was a CRM004 finding: it goes with the Chinese refinery.
    let cleared: Vec<String> = before.scenarios[0].cleared.iter().map(|f| f.message.clone()).collect();
    assert!(cleared.iter().any(|m| m.starts_with("DR Congo supplies 70.0% of cobalt extraction")), "{cleared:?}");
}

#[test]
fn a_partial_cut_loses_its_share_of_the_matching_lines() {
    let json = portfolio(&[("cobalt", "100")], &[("cobalt", "80", "CD", "CN"), ("cobalt", "20", "AU", "FI")]);
    let report = stress(&json, &["CD:extraction:cobalt@50"]);
    assert_eq!(loss(&report, "cobalt").lost.tonnes_f64(), 40.0);
    // The larger share of two cuts that hit a line counts, once.
    let both = stress(&json, &["CD@25", "CN:processing@50"]);
    assert_eq!(loss(&both, "cobalt").lost.tonnes_f64(), 40.0);
}

#[test]
fn without_consumption_the_denominator_stays_the_supplies_before_the_cut() {
    let json = portfolio(&[], &[("cobalt", "75", "CD", "CN"), ("cobalt", "25", "AU", "FI")]);
    let report = stress(&json, &["CN"]);
    let cobalt = loss(&report, "cobalt");
    assert_eq!((cobalt.denominator.tonnes_f64(), cobalt.lost_percent), (100.0, 75.0));
    // After the cut, Australia's 25 t are 25% of the demand, not 100% of what is left.
    assert!(report.scenarios[0].appeared.iter().all(|f| f.code() != "CRM004"), "{:?}", report.scenarios[0].appeared);
}

#[test]
fn a_country_the_file_does_not_name_costs_nothing() {
    let json = portfolio(&[("cobalt", "100")], &[("cobalt", "100", "CD", "CN")]);
    let report = stress(&json, &["BR"]);
    let cobalt = loss(&report, "cobalt");
    assert!(cobalt.lost.is_zero());
    assert_eq!(cobalt.cover, Cover::NoStock);
    assert!(report.scenarios[0].appeared.is_empty() && report.scenarios[0].cleared.is_empty());
}

#[test]
fn a_group_can_be_the_origin_cut() {
    let json = portfolio(
        &[("cobalt", "100")],
        &[("cobalt", "50", "FI", "FI"), ("cobalt", "30", "CD", "BE"), ("cobalt", "20", "AU", "CN")],
    );
    let report = stress(&json, &["EU:processing"]);
    assert_eq!(loss(&report, "cobalt").lost.tonnes_f64(), 80.0);
    let eu_findings: Vec<&str> = report.scenarios[0].appeared.iter().map(|f| f.code()).collect();
    assert!(eu_findings.contains(&"CRM002"), "{eu_findings:?}");
}

#[test]
fn a_cut_on_an_element_hits_the_lines_that_name_it() {
    let json = portfolio(
        &[("rare earths for magnets", "100")],
        &[
            ("dysprosium", "10", "CN", "CN"),
            ("neodymium", "60", "CN", "CN"),
            ("rare earths for magnets", "30", "CN", "CN"),
        ],
    );
    let report = stress(&json, &["CN::dysprosium"]);
    assert_eq!(loss(&report, "rare-earths-for-magnets").lost.tonnes_f64(), 10.0);
    let notes = &report.scenarios[0].notes;
    assert!(notes.iter().any(|n| n.starts_with("30 t of lines that name no element")), "{notes:?}");
}

#[test]
fn a_cut_on_an_element_hits_the_lines_in_its_traded_form() {
    // The group's name with neodymium oxide: the oxide tells the element.
    let json = r#"{"year": 2030, "consumption": {"rare earths for magnets": {"amount": 100, "unit": "t"}}, "supplies": [
        {"material": "rare earths for magnets", "grade": "magnet", "form": "neodymium-oxide", "amount": 10, "unit": "t", "origin": {"extraction": "CN", "processing": "CN"}},
        {"material": "dysprosium", "grade": "magnet", "amount": 5, "unit": "t", "origin": {"extraction": "CN", "processing": "CN"}}]}"#;
    let report = stress(json, &["CN::neodymium"]);
    let lost = loss(&report, "rare-earths-for-magnets").lost.tonnes_f64();
    assert!((lost - 8.57356).abs() < 1e-5, "{lost}");
}

#[test]
fn a_stock_bridges_the_loss_for_stock_times_365_over_the_tonnes_lost() {
    let json = portfolio(&[("cobalt", "365")], &[("cobalt", "200", "CD", "CN"), ("cobalt", "165", "AU", "FI")])
        .replacen(r#""supplies""#, r#""stocks": {"cobalt": {"amount": 50, "unit": "t"}}, "supplies""#, 1);
    let report = stress(&json, &["CN"]);
    let cobalt = loss(&report, "cobalt");
    // 50 t cover 50 days of 365 t a year; losing 200 t a year, they last 91.25 days.
    assert_eq!(cobalt.stock_days, Some(50.0));
    assert_eq!(cobalt.cover, Cover::Days(91.25));
}

#[test]
fn each_country_ranks_the_single_points_of_failure_first() {
    let run = run(&["stress", "--each-country", "--as-of", AS_OF, "--format", "json", "examples/magnets-2030.json"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["ranked"], true);
    let largest = |s: &Value| -> f64 {
        s["materials"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["tier"] == "strategic")
            .map(|m| m["lost_percent"].as_f64().unwrap())
            .fold(0.0, f64::max)
    };
    let ranks: Vec<f64> = report["scenarios"].as_array().unwrap().iter().map(largest).collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");
    assert_eq!(report["scenarios"][0]["name"], "Türkiye");
}

#[test]
fn the_json_report_follows_its_schema() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/stress-report.schema.json").unwrap()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    for args in [
        &["--each-country", "examples/battery-2025.json"][..],
        &["--scenario", "examples/scenarios", "examples/battery-2025.json"][..],
        &["--cut", "CN:processing:graphite@50", "examples/battery-2025.json"][..],
        &["--cut", "CN", "examples/broken-meaning.json"][..],
    ] {
        let mut all = vec!["stress", "--format", "json", "--as-of", AS_OF];
        all.extend_from_slice(args);
        let run = run(&all);
        let value: Value =
            serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", run.stdout));
        let errors: Vec<String> =
            validator.iter_errors(&value).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    }
}

#[test]
fn input_errors_stop_the_analysis_with_status_2() {
    let broken = run(&["stress", "--cut", "CN", "examples/broken-meaning.json"]);
    assert_eq!(broken.status, 2);
    assert!(broken.stdout.contains("lithum"), "the input error is shown: {}", broken.stdout);
    assert!(broken.stdout.contains("stress test could not be made"));
    let bad_cut = run(&["stress", "--cut", "CN:refining", "examples/battery-2025.json"]);
    assert_eq!(bad_cut.status, 2);
    assert!(bad_cut.stderr.contains("`refining` is not a stage"), "{}", bad_cut.stderr);
    let unknown_origin = run(&["stress", "--cut", "XX", "examples/battery-2025.json"]);
    assert_eq!(unknown_origin.status, 2);
    assert!(unknown_origin.stderr.contains("`XX` is neither a group nor a country code"), "{}", unknown_origin.stderr);
    let scenario = common::temp_file(
        "bad-scenario.json",
        br#"{"name": "x", "date": "2025-02-30", "source": "y", "cuts": [{"origin": "CN", "materials": ["cobolt"]}]}"#,
    );
    let bad_file = run(&["stress", "--scenario", scenario.to_str().unwrap(), "examples/battery-2025.json"]);
    assert_eq!(bad_file.status, 2);
    assert!(bad_file.stdout.contains("not a date in the calendar"), "{}", bad_file.stdout);
    assert!(bad_file.stdout.contains("did you mean `cobalt`?"), "{}", bad_file.stdout);
}

#[test]
fn a_stress_test_reads_as_a_table_per_scenario() {
    let run = run(&[
        "stress",
        "--as-of",
        AS_OF,
        "--scenario",
        "examples/scenarios/cn-graphite-2023.json",
        "--scenario",
        "examples/scenarios/cd-cobalt-suspension-2025.json",
        "examples/battery-2025.json",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}
