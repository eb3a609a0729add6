//! The human report of every shipped example, as a user sees it (colours off), in insta
//! snapshots. Each snapshot was read as a compliance analyst would read it.

mod common;

use common::{AS_OF, run};

fn report(args: &[&str]) -> (i32, String) {
    let mut all = vec!["--color", "never", "--as-of", AS_OF];
    all.extend_from_slice(args);
    let run = run(&all);
    assert!(run.stderr.is_empty(), "nothing on stderr: {}", run.stderr);
    (run.status, run.stdout)
}

#[test]
fn battery_maker_2025_warns_before_2030() {
    let (status, out) = report(&["examples/battery-2025.json"]);
    assert_eq!(status, 0, "benchmarks are warnings before 2030");
    insta::assert_snapshot!(out);
}

#[test]
fn magnet_maker_2030_fails() {
    let (status, out) = report(&["examples/magnets-2030.json"]);
    assert_eq!(status, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn compliant_portfolio_passes() {
    let (status, out) = report(&["examples/compliant-2030.json"]);
    assert_eq!(status, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn compliant_example_counts_antimony_trioxide_as_antimony() {
    let (_, out) = report(&["examples/compliant-2030.json"]);
    // 12 t of Sb2O3 hold 12 × 0.835354 = 10.02 t of antimony.
    let row = out.lines().find(|l| l.starts_with("antimony ")).expect("an antimony row");
    assert!(row.contains("10.02 t supplied"), "{row}");
    let (_, policy) =
        report(&["--quiet", "--rules", "examples/policies/company-policy.json", "examples/compliant-2030.json"]);
    assert!(policy.contains("SB-2030-01: 10.02 t (12 t of antimony-trioxide)"), "{policy}");
}

#[test]
fn broken_format_reports_every_schema_error() {
    let (status, out) = report(&["examples/broken-format.json"]);
    assert_eq!(status, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn broken_meaning_reports_every_error_of_meaning() {
    let (status, out) = report(&["examples/broken-meaning.json"]);
    assert_eq!(status, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn company_policy_adds_rules() {
    let (status, out) =
        report(&["--quiet", "--rules", "examples/policies/company-policy.json", "examples/compliant-2030.json"]);
    assert_eq!(status, 1, "the policy's 50% processing cap fails where the CRMA passes");
    insta::assert_snapshot!(out);
}

#[test]
fn battery_regulation_applies_from_2031() {
    let (status, out) = report(&[
        "--quiet",
        "--select",
        "BATT",
        "--rules",
        "examples/policies/battery-regulation.json",
        "--year",
        "2031",
        "examples/battery-2025.json",
    ]);
    assert_eq!(status, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn an_erp_export_and_a_workbook_are_read_as_the_portfolio_declares() {
    // A windows-1252 CSV export (`;`, decimal comma, thousands point, German headers) and a
    // worksheet of recycled supplies, beside the portfolio that takes its supply lines from them.
    let (status, out) = report(&["examples/erp-export/portfolio-2026.json"]);
    assert_eq!(status, 0);
    insta::assert_snapshot!(out);
}
