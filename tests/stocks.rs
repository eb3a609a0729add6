//! Stocks: the `stocks` of a portfolio, their days of cover in every report, the
//! `stock-days` metric at its threshold, and the shipped stockpile policies.

mod common;

use common::{AS_OF, errors, options, run, temp_file};
use crma_check::Checker;
use crma_check::diagnostic::Severity;
use crma_check::model::FileReport;
use crma_check::source::Source;
use serde_json::Value;

/// A 2030 portfolio of 100 t of cobalt from Finland, with `extra` top-level fields.
fn portfolio(extra: &str) -> String {
    format!(
        r#"{{"year": 2030, {extra}
            "supplies": [{{"material": "cobalt", "amount": 100, "unit": "t", "origin": {{"extraction": "FI", "processing": "FI"}}}}]}}"#
    )
}

/// Checks `json` against the shipped 60-day policy alone.
fn check_60(json: &str) -> FileReport {
    let mut checker =
        Checker::with_rule_files(&["examples/policies/stock-60-days.json".into()], options()).expect("valid");
    checker.select(&["STOCK-60".to_owned()], &[]).expect("the rule");
    checker.check_source(Source::new("p.json", json.to_owned()))
}

/// The STOCK-60 findings: (message, fix sentence).
fn stock_findings(report: &FileReport) -> Vec<(String, Option<String>)> {
    report
        .findings
        .iter()
        .filter(|f| f.code() == "STOCK-60")
        .map(|f| (f.message.clone(), f.fix.as_ref().map(|x| x.sentence.clone())))
        .collect()
}

#[test]
fn a_stock_exactly_at_sixty_days_passes_and_a_gram_less_fails() {
    // 730 t a year: 60 days are exactly 120 t.
    let at = portfolio(
        r#""consumption": {"cobalt": {"amount": 730, "unit": "t"}}, "stocks": {"cobalt": {"amount": 120, "unit": "t"}},"#,
    );
    let report = check_60(&at);
    assert!(errors(&report).is_empty(), "{:?}", errors(&report));
    assert_eq!(stock_findings(&report), []);
    assert_eq!(report.table.rows[0].stock.as_ref().map(|s| s.days), Some(60.0));

    let short = portfolio(
        r#""consumption": {"cobalt": {"amount": 730, "unit": "t"}}, "stocks": {"cobalt": {"amount": 119999.999, "unit": "kg"}},"#,
    );
    let report = check_60(&short);
    assert_eq!(
        stock_findings(&report),
        [(
            "the stock of cobalt covers just under 60 days of its consumption; the policy asks for at least 60 days"
                .to_owned(),
            Some("add at least 0.001 t of cobalt to the stock".to_owned())
        )]
    );
}

#[test]
fn a_stock_in_a_traded_form_at_exactly_sixty_days_passes() {
    // 365 t of lithium a year: 60 days are 60 t of lithium, 319.38 t of lithium carbonate
    // (1 t Li = 5.323 t Li2CO3), whose fraction has no finite decimal.
    let json = r#"{"year": 2030, "consumption": {"lithium": {"amount": 365, "unit": "t", "grade": "battery"}},
        "stocks": {"lithium": {"amount": 319.38, "unit": "t", "form": "lithium-carbonate", "grade": "battery"}},
        "supplies": [{"material": "lithium", "grade": "battery", "amount": 365, "unit": "t", "origin": {"extraction": "PT", "processing": "DE"}}]}"#;
    let report = check_60(json);
    assert!(errors(&report).is_empty(), "{:?}", errors(&report));
    assert_eq!(stock_findings(&report), []);
    let less = check_60(&json.replace("319.38", "319.379999"));
    assert_eq!(stock_findings(&less).len(), 1, "{:?}", stock_findings(&less));
}

#[test]
fn no_stock_is_zero_days_and_the_fix_names_the_whole_stock() {
    let report = check_60(&portfolio(r#""consumption": {"cobalt": {"amount": 365, "unit": "t"}},"#));
    assert_eq!(
        stock_findings(&report),
        [(
            "the stock of cobalt covers 0 days of its consumption; the policy asks for at least 60 days".to_owned(),
            Some("add at least 60 t of cobalt to the stock".to_owned())
        )]
    );
    assert_eq!(report.table.rows[0].stock, None);
}

#[test]
fn without_consumption_the_days_are_of_the_supplies_and_say_so() {
    let report = check_60(&portfolio(r#""stocks": {"cobalt": {"amount": 10, "unit": "t"}},"#));
    let finding = report.findings.iter().find(|f| f.code() == "STOCK-60").expect("a finding");
    assert_eq!(finding.value.as_ref().map(|v| v.text.as_str()), Some("36.5 days"));
    assert_eq!(finding.notes, ["days of cover are of the 100 t supplied: no consumption is given for this material"]);
}

#[test]
fn stock_entries_are_checked_like_consumption_entries() {
    // A misspelt material, two entries for one material, both form and content.
    let dup =
        check_60(&portfolio(r#""stocks": {"cobalt": {"amount": 10, "unit": "t"}, "Co": {"amount": 5, "unit": "t"}},"#));
    assert_eq!(errors(&dup), [("duplicate-stock".to_owned(), "two stock entries for cobalt".to_owned())]);
    let unknown = check_60(&portfolio(r#""stocks": {"cobalts": {"amount": 10, "unit": "t"}},"#));
    assert_eq!(errors(&unknown), [("unknown-material".to_owned(), "unknown material `cobalts`".to_owned())]);
    let both = check_60(&portfolio(
        r#""stocks": {"cobalt": {"amount": 10, "unit": "t", "form": "cobalt-sulfate-heptahydrate", "content": 0.2}},"#,
    ));
    assert_eq!(
        errors(&both),
        [("form-and-content".to_owned(), "a stock entry gives both `form` and `content`".to_owned())]
    );
}

#[test]
fn a_stock_of_a_material_the_portfolio_does_not_use_is_a_warning() {
    let report = check_60(&portfolio(r#""stocks": {"gallium": {"amount": 2, "unit": "t"}},"#));
    let warning = report.diagnostics.iter().find(|d| d.code.id() == "unused-stock").expect("a warning");
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(warning.message, "a stock of gallium, which the portfolio neither buys nor consumes");
    // It makes no row of its own.
    assert_eq!(report.table.rows.len(), 1);
}

#[test]
fn a_stock_days_rule_takes_no_stages() {
    let rules = r#"{"rules": [{"id": "S-1", "name": "stock", "summary": "s", "severity": "error", "metric": "stock-days",
        "stages": ["processing"], "min": 30, "message": "{value}", "help": "h"}]}"#;
    let path = temp_file("stock-stages.json", rules.as_bytes());
    let errors = Checker::with_rule_files(&[path], options()).expect_err("refused");
    assert_eq!(errors[0].diagnostics[0].message, "the metric `stock-days` takes no `stages`");
}

#[test]
fn every_report_shows_the_stock_and_its_days_of_cover() {
    let human = run(&["--as-of", AS_OF, "--color", "never", "examples/magnets-2030.json"]);
    assert!(human.stdout.contains("60.01 t, 42.1 days"), "{}", human.stdout);
    let json = run(&["--as-of", AS_OF, "--format", "json", "examples/magnets-2030.json"]);
    let report: Value = serde_json::from_str(&json.stdout).expect("JSON");
    let shares = &report["files"][0]["shares"][0];
    assert_eq!((shares["stock_t"].as_f64(), shares["stock_days"].as_f64()), (Some(60.0149), Some(42.1259)));
    assert_eq!(report["files"][0]["shares"][1]["stock_days"], Value::Null);
    let markdown = run(&["--as-of", AS_OF, "--format", "markdown", "examples/magnets-2030.json"]);
    assert!(markdown.stdout.contains("| 60.01 t, 42.1 days |"), "{}", markdown.stdout);
}

#[test]
fn the_shipped_stockpile_policies_judge_the_magnet_maker() {
    for (policy, id, days) in [("stock-60-days", "STOCK-60", "60"), ("stock-100-days", "STOCK-100", "100")] {
        let path = format!("examples/policies/{policy}.json");
        let run = run(&[
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "--rules",
            &path,
            "--select",
            id,
            "examples/magnets-2030.json",
        ]);
        let report: Value = serde_json::from_str(&run.stdout).expect("JSON");
        let findings: Vec<(&str, &str)> = report["files"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| (f["material"].as_str().unwrap_or(""), f["threshold_text"].as_str().unwrap_or("")))
            .collect();
        let wanted = format!("{days} days");
        // 42 days of rare earths, and no boron stock at all, fall short of both.
        assert_eq!(findings, [("rare-earths-for-magnets", wanted.as_str()), ("boron", wanted.as_str())], "{policy}");
        assert_eq!(run.status, 0, "the policies are warnings: {}", run.stderr);
    }
}
