//! The edges of SPEC §3, checked through the library: exact thresholds, exact sums, units
//! and forms, readings of country codes, OCTs, unknown origins, waivers, the 2030 rule.

mod common;

use common::options;
use crma_check::diagnostic::Severity;
use crma_check::model::{FileReport, Verdict};
use crma_check::source::Source;
use crma_check::{CheckOptions, Checker};

/// A checker with one more rule: at least 40% of all strategic raw materials together
/// processed in the EU.
fn checker_with_an_overall_rule() -> Checker {
    let rules = r#"{"rules": [{"id": "ALL-01", "name": "overall-eu-processing", "summary": "40% of all SRMs processed in the EU",
        "severity": "error", "aggregate": "overall", "stages": ["processing"], "metric": "group-share",
        "origins": {"in": ["EU"]}, "min": 40, "message": "{value} of {material} is processed in the EU", "help": "h"}]}"#;
    // Written once: tests run in parallel, and one must not read the file while another
    // writes it.
    static PATH: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let path = PATH.get_or_init(|| common::temp_file("overall.json", rules.as_bytes()));
    Checker::with_rule_files(std::slice::from_ref(path), options()).expect("the rule file is valid")
}

fn check_with(checker: &Checker, json: &str) -> FileReport {
    let report = checker.check_source(Source::new("test.json", json.to_owned()));
    let errors: Vec<&str> =
        report.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.message.as_str()).collect();
    assert!(errors.is_empty(), "unexpected input errors: {errors:?}");
    report
}

fn check(json: &str) -> FileReport {
    check_with(&Checker::builtin(options()), json)
}

/// The input errors of a portfolio that cannot be checked: (code, message).
fn input_errors(json: &str) -> Vec<(String, String)> {
    let report = Checker::builtin(options()).check_source(Source::new("test.json", json.to_owned()));
    assert!(!report.checked(), "expected input errors");
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.code.id().to_owned(), d.message.clone()))
        .collect()
}

/// Findings as `CODE stage country`, waived ones marked.
fn findings(report: &FileReport) -> Vec<String> {
    report
        .findings
        .iter()
        .map(|f| {
            let mut s = f.code().to_owned();
            if let Some(stage) = f.check.stage {
                s.push(' ');
                s.push_str(stage.as_str());
            }
            if let Some(country) = &f.check.country {
                s.push(' ');
                s.push_str(&country.code);
            }
            if f.waived.is_some() {
                s.push_str(" (waived)");
            }
            s
        })
        .collect()
}

fn has(report: &FileReport, finding: &str) -> bool {
    findings(report).iter().any(|f| f == finding)
}

/// A 2030 portfolio of cobalt: consumption and lines `(amount, extraction, processing)`.
fn cobalt(consumption: &str, lines: &[(&str, &str, &str)]) -> String {
    let supplies: Vec<String> = lines
        .iter()
        .map(|(amount, e, p)| {
            format!(r#"{{"material": "cobalt", "amount": {amount}, "unit": "t", "origin": {{"extraction": "{e}", "processing": "{p}"}}}}"#)
        })
        .collect();
    format!(
        r#"{{"year": 2030, "consumption": {{"cobalt": {{"amount": {consumption}, "unit": "t"}}}}, "supplies": [{}]}}"#,
        supplies.join(",")
    )
}

#[test]
fn a_share_exactly_at_65_percent_passes_the_cap() {
    let at = check(&cobalt("1000", &[("650", "CD", "FI"), ("350", "AU", "BE")]));
    assert!(!has(&at, "CRM004 extraction CD"), "{:?}", findings(&at));
    let over = check(&cobalt("1000", &[("650.001", "CD", "FI"), ("349.999", "AU", "BE")]));
    assert!(has(&over, "CRM004 extraction CD"), "{:?}", findings(&over));
    let message = &over.findings.iter().find(|f| f.code() == "CRM004").unwrap().message;
    assert_eq!(message, "DR Congo supplies 65.0001% of cobalt extraction; the cap is 65%");
}

/// A 2030 portfolio of one material: its consumption (a name the portfolio accepts, an
/// amount in tonnes), and lines `(material as written, form, amount, extraction, processing)`.
fn in_forms(consumption: (&str, &str), lines: &[(&str, Option<&str>, &str, &str, &str)]) -> String {
    let supplies: Vec<String> = lines
        .iter()
        .map(|(material, form, amount, e, p)| {
            let form = form.map(|f| format!(r#", "form": "{f}""#)).unwrap_or_default();
            format!(r#"{{"material": "{material}", "grade": "battery", "amount": {amount}, "unit": "t"{form}, "origin": {{"extraction": "{e}", "processing": "{p}"}}}}"#)
        })
        .collect();
    let (name, amount) = consumption;
    format!(
        r#"{{"year": 2030, "consumption": {{"{name}": {{"amount": {amount}, "unit": "t", "grade": "battery"}}}}, "supplies": [{}]}}"#,
        supplies.join(",")
    )
}

#[test]
fn a_share_exactly_at_a_threshold_passes_whatever_the_traded_form() {
    // 650 t of 1,000 t of alumina: the contained aluminium fraction has no finite decimal
    // expansion, and the share is still exactly 65%.
    let alumina = check(&in_forms(
        ("alumina", "1000"),
        &[("alumina", None, "650", "GN", "CN"), ("alumina", None, "350", "AU", "DE")],
    ));
    assert!(!has(&alumina, "CRM004 extraction GN"), "{:?}", findings(&alumina));
    assert!(!has(&alumina, "CRM004 processing CN"), "{:?}", findings(&alumina));
    assert!(!alumina.diagnostics.iter().any(|d| d.code.id() == "consumption-exceeded"), "{:?}", alumina.diagnostics);
    // 13 lots of 2 t LCE against 40 t LCE: 26 of 40, exactly 65%.
    let lots: Vec<(&str, Option<&str>, &str, &str, &str)> =
        std::iter::repeat_n(("lithium", Some("lithium-carbonate"), "2", "CL", "CN"), 13)
            .chain(std::iter::repeat_n(("lithium", Some("lithium-carbonate"), "2", "AU", "DE"), 7))
            .collect();
    let lce = check(&in_forms(("lithium carbonate", "40"), &lots));
    assert!(!has(&lce, "CRM004 processing CN"), "{:?}", findings(&lce));
    // 10 t of 100 t of lithium hydroxide monohydrate extracted in the EU: exactly 10%.
    let hydroxide = check(&in_forms(
        ("lithium hydroxide monohydrate", "100"),
        &[
            ("lithium", Some("lithium-hydroxide-monohydrate"), "10", "PT", "DE"),
            ("lithium", Some("lithium-hydroxide-monohydrate"), "90", "AU", "DE"),
        ],
    ));
    assert!(!has(&hydroxide, "CRM001 extraction"), "{:?}", findings(&hydroxide));
    assert_eq!(hydroxide.table.rows[0].stages[0].eu, 10.0);
}

#[test]
fn two_thousand_lines_of_0_325_t_are_exactly_650_t() {
    let lines: Vec<(&str, &str, &str)> =
        std::iter::repeat_n(("0.325", "CD", "FI"), 2000).chain([("350", "AU", "BE")]).collect();
    let report = check(&cobalt("1000", &lines));
    assert!(!has(&report, "CRM004 extraction CD"), "650 t of 1000 t is not over 65%: {:?}", findings(&report));
    let one_more = check(&cobalt(
        "1000",
        &std::iter::repeat_n(("0.325", "CD", "FI"), 2001).chain([("349.675", "AU", "BE")]).collect::<Vec<_>>(),
    ));
    assert!(has(&one_more, "CRM004 extraction CD"));
}

#[test]
fn exactly_40_percent_processed_in_the_eu_meets_the_benchmark() {
    let at = check(&cobalt("1000", &[("400", "FI", "FI"), ("600", "AU", "AU")]));
    assert!(!has(&at, "CRM002 processing"), "{:?}", findings(&at));
    let under = check(&cobalt("1000", &[("399.99", "FI", "FI"), ("600.01", "AU", "AU")]));
    assert!(has(&under, "CRM002 processing"));
}

#[test]
fn exactly_10_percent_extracted_in_the_eu_meets_the_benchmark() {
    let at = check(&cobalt("1000", &[("100", "FI", "FI"), ("450", "AU", "BE"), ("450", "CA", "DE")]));
    assert!(!has(&at, "CRM001 extraction"), "{:?}", findings(&at));
    let under = check(&cobalt("1000", &[("99.9", "FI", "FI"), ("450.1", "AU", "BE"), ("450", "CA", "DE")]));
    assert!(has(&under, "CRM001 extraction"));
}

#[test]
fn exactly_25_percent_recycled_in_the_eu_meets_the_benchmark() {
    let json = |recycled: &str, primary: &str| {
        format!(
            r#"{{"year": 2030, "supplies": [
                {{"material": "copper", "amount": {recycled}, "unit": "t", "origin": {{"recycling": "DE"}}}},
                {{"material": "copper", "amount": {primary}, "unit": "t", "origin": {{"extraction": "PL", "processing": "DE"}}}}]}}"#
        )
    };
    assert!(!has(&check(&json("250", "750")), "CRM003 recycling"));
    assert!(has(&check(&json("249.9", "750.1")), "CRM003 recycling"));
}

#[test]
fn kilograms_and_tonnes_give_the_same_verdicts_and_shares() {
    let tonnes = check(&cobalt("1", &[("0.7", "CD", "CN"), ("0.3", "AU", "FI")]));
    let kilograms = check(
        r#"{"year": 2030, "consumption": {"cobalt": {"amount": 1000, "unit": "kg"}}, "supplies": [
            {"material": "cobalt", "amount": 700, "unit": "kg", "origin": {"extraction": "CD", "processing": "CN"}},
            {"material": "cobalt", "amount": 0.0003, "unit": "kt", "origin": {"extraction": "AU", "processing": "FI"}}]}"#,
    );
    assert_eq!(findings(&tonnes), findings(&kilograms));
    assert_eq!(tonnes.table, kilograms.table);
}

#[test]
fn lithium_carbonate_converts_by_the_lce_convention() {
    // 1 t Li = 5.323 t Li2CO3: 3,459.95 t of carbonate hold exactly 650 t of lithium.
    let json = |carbonate: &str| {
        format!(
            r#"{{"year": 2030, "consumption": {{"lithium": {{"amount": 1000, "unit": "t", "grade": "battery"}}}}, "supplies": [
                {{"material": "lithium", "grade": "battery", "amount": {carbonate}, "unit": "t", "form": "lithium-carbonate", "origin": {{"extraction": "AU", "processing": "CN"}}}},
                {{"material": "lithium", "grade": "battery", "amount": 350, "unit": "t", "origin": {{"extraction": "PT", "processing": "DE"}}}}]}}"#
        )
    };
    let at = check(&json("3459.95"));
    assert!(!has(&at, "CRM004 processing CN"), "{:?}", findings(&at));
    let china = at.table.rows[0].stages[1].top_third_country().unwrap();
    assert_eq!((china.0.code.as_str(), china.1), ("CN", 65.0));
    assert!(has(&check(&json("3460")), "CRM004 processing CN"));
}

#[test]
fn greece_written_el_counts_as_the_eu_with_a_note() {
    let report = check(&cobalt("100", &[("40", "EL", "EL"), ("60", "AU", "FI")]));
    assert!(!has(&report, "CRM001 extraction"), "{:?}", findings(&report));
    let note = report.diagnostics.iter().find(|d| d.code.id() == "country-alias").expect("a note");
    assert_eq!(note.severity, Severity::Note);
    assert!(note.message.contains("`EL` is read as `GR`"), "{}", note.message);
    assert_eq!(report.table.rows[0].stages[0].eu, 40.0);
}

#[test]
fn an_oct_counts_as_a_supplier_of_its_own_under_the_cap() {
    // Greenland is not the EU: it counts neither as EU extraction nor as exempt from the cap.
    let json = cobalt("100", &[("70", "GL", "FI"), ("30", "FI", "FI")]);
    let strict = check(&json);
    assert!(has(&strict, "CRM004 extraction GL"), "{:?}", findings(&strict));
    assert_eq!(strict.table.rows[0].stages[0].eu, 30.0);
    // The literal reading (third countries only) leaves Greenland out of the cap.
    let literal = Checker::with_rule_files(&["examples/policies/crm004-literal.json".into()], options()).unwrap();
    assert!(!has(&check_with(&literal, &json), "CRM004 extraction GL"));
}

#[test]
fn outermost_regions_are_the_eu() {
    let report = check(&cobalt("100", &[("100", "RE", "GP")]));
    assert_eq!(report.table.rows[0].stages[0].eu, 100.0);
    assert!(!has(&report, "CRM001 extraction"));
    assert!(!has(&report, "CRM004 extraction RE"));
}

#[test]
fn unknown_origins_never_count_as_the_eu() {
    let report = check(
        r#"{"year": 2030, "supplies": [
            {"material": "cobalt", "amount": 50, "unit": "t", "origin": {"extraction": "FI"}},
            {"material": "cobalt", "amount": 50, "unit": "t"}]}"#,
    );
    // Processing is unknown for all 100 t: 0% EU, and a warning for the unknown share.
    assert!(has(&report, "CRM002 processing"));
    assert!(has(&report, "CRM005 processing"));
    assert!(has(&report, "CRM005 extraction"));
    let unknown = report.findings.iter().find(|f| f.code() == "CRM005" && f.message.contains("processing")).unwrap();
    assert_eq!(unknown.severity, Severity::Warning);
    assert_eq!(unknown.value.as_ref().unwrap().number, 100.0);
    // The EU processing finding says the unknown origins could flip it.
    let eu = report.findings.iter().find(|f| f.code() == "CRM002").unwrap();
    assert!(
        eu.notes.iter().any(|n| n.contains("if all of it were from the EU, the benchmark would be met")),
        "{:?}",
        eu.notes
    );
}

#[test]
fn unknown_origins_that_could_break_a_cap_are_named() {
    let report = check(
        r#"{"year": 2030, "consumption": {"cobalt": {"amount": 100, "unit": "t"}}, "supplies": [
            {"material": "cobalt", "amount": 60, "unit": "t", "origin": {"extraction": "CD", "processing": "FI"}},
            {"material": "cobalt", "amount": 30, "unit": "t", "origin": {"extraction": "AU", "processing": "FI"}}]}"#,
    );
    let unknown = report
        .findings
        .iter()
        .find(|f| f.code() == "CRM005" && f.check.stage.unwrap().as_str() == "extraction")
        .unwrap();
    assert!(
        unknown
            .notes
            .iter()
            .any(|n| n
                .contains("CRM004 passes, but DR Congo is at 60.0%; with the unknown origins it could reach 70.0%")),
        "{:?}",
        unknown.notes
    );
}

#[test]
fn consumption_not_covered_by_any_line_is_of_unknown_origin() {
    let report = check(&cobalt("200", &[("100", "FI", "FI")]));
    assert_eq!(report.table.rows[0].stages[0].unknown, 50.0);
    assert_eq!(report.table.rows[0].stages[0].eu, 50.0);
    assert!(has(&report, "CRM005 extraction"));
}

#[test]
fn benchmarks_are_warnings_before_2030_and_errors_from_2030() {
    let json = |year: u16| cobalt("100", &[("100", "CD", "CN")]).replace("2030", &year.to_string());
    let before = check(&json(2029));
    let cap = before.findings.iter().find(|f| f.code() == "CRM004").unwrap();
    assert_eq!(cap.severity, Severity::Warning);
    assert!(cap.notes[0].starts_with("the benchmark applies from 2030"), "{:?}", cap.notes);
    let from = check(&json(2030));
    assert_eq!(from.findings.iter().find(|f| f.code() == "CRM004").unwrap().severity, Severity::Error);
    // --year overrides the file's year.
    let overridden =
        Checker::builtin(CheckOptions { year: Some(2030), ..options() }).check_source(Source::new("x", json(2025)));
    assert_eq!(overridden.findings.iter().find(|f| f.code() == "CRM004").unwrap().severity, Severity::Error);
}

fn with_waiver(expires: &str, country: &str) -> String {
    cobalt("100", &[("100", "CD", "FI")]).replace(
        r#""supplies""#,
        &format!(
            r#""waivers": [{{"rule": "CRM004", "material": "Co", "stage": "extraction", "country": "{country}", "reason": "new mine in 2028", "expires": "{expires}"}}], "supplies""#
        ),
    )
}

#[test]
fn a_waiver_turns_a_finding_into_a_waived_one_until_it_expires() {
    let waived = check(&with_waiver("2026-11-23", "CD"));
    assert!(has(&waived, "CRM004 extraction CD (waived)"), "{:?}", findings(&waived));
    assert_eq!(waived.counts().waived, 1);

    let expired = check(&with_waiver("2026-11-22", "CD"));
    assert!(has(&expired, "CRM004 extraction CD"), "an expired waiver waives nothing: {:?}", findings(&expired));
    // The finding counts again, and the expired waiver is an error of its own.
    assert_eq!(expired.counts().errors, waived.counts().errors + 2);
    let error = expired.findings.iter().find(|f| f.code() == "waiver-expired").expect("an error");
    assert_eq!(error.severity, Severity::Error);
    assert_eq!(error.message, "the waiver of CRM004 (cobalt, extraction, CD) expired on 2026-11-22");
}

#[test]
fn a_waiver_that_matches_nothing_is_a_warning() {
    let unused = check(&with_waiver("2027-01-01", "CN"));
    let warning = unused.findings.iter().find(|f| f.code() == "waiver-unused").expect("a warning");
    assert_eq!(warning.severity, Severity::Warning);
    assert!(has(&unused, "CRM004 extraction CD"));
    let unknown_rule = check(&with_waiver("2027-01-01", "CD").replace("\"CRM004\"", "\"CRM04\""));
    let warning = unknown_rule.findings.iter().find(|f| f.code() == "waiver-unused").unwrap();
    assert_eq!(warning.message, "the waiver names rule `CRM04`, which is not an active rule");
    assert_eq!(warning.help.as_deref(), Some("did you mean `CRM004`?"));
}

#[test]
fn an_unknown_material_is_an_error_with_a_suggestion() {
    let errors = input_errors(r#"{"year": 2025, "supplies": [{"material": "lithum", "amount": 1, "unit": "t"}]}"#);
    assert_eq!(errors, [("unknown-material".to_owned(), "unknown material `lithum`".to_owned())]);
    let report = Checker::builtin(options()).check_source(Source::new(
        "x",
        r#"{"year": 2025, "supplies": [{"material": "lithum", "amount": 1, "unit": "t"}]}"#,
    ));
    assert_eq!(report.diagnostics[0].help.as_deref(), Some("did you mean `lithium`?"));
}

#[test]
fn an_unknown_country_is_an_error_with_a_suggestion() {
    let report = Checker::builtin(options()).check_source(Source::new(
        "x",
        r#"{"year": 2025, "supplies": [{"material": "cobalt", "amount": 1, "unit": "t", "origin": {"extraction": "QQ"}}]}"#,
    ));
    assert_eq!(report.diagnostics[0].code.id(), "unknown-country");
    let schema = Checker::builtin(options()).check_source(Source::new(
        "x",
        r#"{"year": 2025, "supplies": [{"material": "cobalt", "amount": 1, "unit": "t", "origin": {"extraction": "Germany"}}]}"#,
    ));
    assert_eq!(schema.diagnostics[0].help.as_deref(), Some("write the ISO 3166-1 alpha-2 code: `DE` for Germany"));
}

#[test]
fn grades_decide_whether_a_supply_is_strategic() {
    let report = check(
        r#"{"year": 2030, "supplies": [
            {"material": "nickel", "grade": "metallurgy", "amount": 100, "unit": "t", "origin": {"extraction": "ID", "processing": "CN"}},
            {"material": "lithium", "amount": 100, "unit": "t", "origin": {"extraction": "AU", "processing": "CN"}},
            {"material": "tantalum", "amount": 1, "unit": "t", "origin": {"extraction": "CD", "processing": "CN"}}]}"#,
    );
    let verdicts: Vec<(&str, Verdict)> =
        report.table.rows.iter().map(|r| (r.material.label.as_str(), r.verdict)).collect();
    assert_eq!(
        verdicts,
        [
            ("nickel", Verdict::OutOfScope),
            ("lithium (battery grade)", Verdict::Fails),
            ("tantalum", Verdict::NoBenchmark)
        ]
    );
    assert!(report.diagnostics.iter().any(|d| d.code.id() == "grade-assumed"));
    assert!(report.findings.iter().all(|f| f.check.material.as_ref().unwrap().id == "lithium"));
}

#[test]
fn form_and_content_together_is_an_error() {
    let errors = input_errors(
        r#"{"year": 2025, "supplies": [{"material": "cobalt", "amount": 1, "unit": "t", "form": "cobalt-sulfate-heptahydrate", "content": 0.2}]}"#,
    );
    assert_eq!(errors[0].0, "form-and-content");
}

#[test]
fn an_unsupported_version_is_said_alone() {
    let errors = input_errors(r#"{"version": 2, "year": 2025, "supplies": [], "stocks": {}}"#);
    assert_eq!(
        errors,
        [(
            "unsupported-version".to_owned(),
            "this file is format version 2; crma-check reads format version 1".to_owned()
        )]
    );
}

#[test]
fn rules_over_all_materials_together_see_the_sum() {
    let checker = checker_with_an_overall_rule();
    // Cobalt 30% EU-processed and copper 50%: together exactly 40%, which passes.
    let json = r#"{"year": 2030, "supplies": [
        {"material": "cobalt", "amount": 30, "unit": "t", "origin": {"extraction": "AU", "processing": "FI"}},
        {"material": "cobalt", "amount": 70, "unit": "t", "origin": {"extraction": "AU", "processing": "CA"}},
        {"material": "copper", "amount": 50, "unit": "t", "origin": {"extraction": "CL", "processing": "DE"}},
        {"material": "copper", "amount": 50, "unit": "t", "origin": {"extraction": "CL", "processing": "CA"}}]}"#;
    let report = check_with(&checker, json);
    assert!(!report.findings.iter().any(|f| f.code() == "ALL-01"), "{:?}", findings(&report));
    assert_eq!(report.table.overall.as_ref().unwrap().stages[1].eu, 40.0);
    let more_cobalt = json.replace("\"amount\": 70", "\"amount\": 170");
    let report = check_with(&checker, &more_cobalt);
    let overall = report.findings.iter().find(|f| f.code() == "ALL-01").expect("fails together");
    assert_eq!(overall.check.material.as_ref().unwrap().id, "*");
    assert_eq!(overall.message, "26.7% of all strategic raw materials together is processed in the EU");
}

#[test]
fn consumption_keys_are_read_as_supply_materials_are() {
    // `alumina` stands for the traded form: 1,000 t of it, supplied and consumed, is the
    // same contained aluminium on both sides, so all of it is processed in the EU.
    let report = check(
        r#"{"year": 2030, "consumption": {"alumina": {"amount": 1000, "unit": "t"}}, "supplies": [
            {"material": "aluminium", "form": "alumina", "amount": 1000, "unit": "t", "origin": {"extraction": "AU", "processing": "DE"}}]}"#,
    );
    let row = &report.table.rows[0];
    assert_eq!(row.basis, crma_check::Basis::Consumption);
    assert_eq!(row.stages[1].eu, 100.0, "{row:?}");
    assert!(!report.diagnostics.iter().any(|d| d.code.id() == "consumption-exceeded"));

    // `magnesium metal` names the grade, and so the strategic row.
    let report = check(
        r#"{"year": 2030, "consumption": {"magnesium metal": {"amount": 100, "unit": "t"}}, "supplies": [
            {"material": "magnesium", "grade": "metal", "amount": 100, "unit": "t", "origin": {"extraction": "CN", "processing": "CN"}}]}"#,
    );
    assert_eq!(report.table.rows.len(), 1, "{:?}", report.table.rows);
    assert_eq!(report.table.rows[0].basis, crma_check::Basis::Consumption);

    let conflict = input_errors(
        r#"{"year": 2030, "consumption": {"magnesium metal": {"amount": 100, "unit": "t", "grade": "chemical"}}, "supplies": []}"#,
    );
    assert_eq!(conflict[0].0, "grade-conflict", "{conflict:?}");

    // An ore of variable grade cannot be a consumption figure.
    let ore =
        input_errors(r#"{"year": 2030, "consumption": {"bauxite": {"amount": 100, "unit": "t"}}, "supplies": []}"#);
    assert_eq!(
        ore,
        [(
            "content-required".to_owned(),
            "`bauxite` is of variable grade: its consumption cannot be counted as aluminium".to_owned()
        )]
    );
}

#[test]
fn a_content_too_precise_to_count_is_an_error_at_its_place() {
    let errors = input_errors(
        r#"{"year": 2030, "supplies": [{"material": "cobalt", "amount": 1, "unit": "t", "content": 0.1234567890123456789012345678901234567,
            "origin": {"extraction": "CD"}}]}"#,
    );
    assert_eq!(errors, [("amount-range".to_owned(), "a content with more than 36 significant digits".to_owned())]);
}

#[test]
fn a_total_over_materials_says_what_its_shares_are_of() {
    let checker = checker_with_an_overall_rule();
    let supplies = r#""supplies": [
        {"material": "cobalt", "amount": 100, "unit": "t", "origin": {"extraction": "AU", "processing": "CA"}},
        {"material": "copper", "amount": 100, "unit": "t", "origin": {"extraction": "CL", "processing": "CA"}}]"#;
    let notes = |json: String| {
        let report = check_with(&checker, &json);
        report.findings.iter().find(|f| f.code() == "ALL-01").expect("fails").notes.clone()
    };
    let none = notes(format!(r#"{{"year": 2030, {supplies}}}"#));
    assert!(
        none.contains(&"shares are of the 200 t supplied: no consumption is given for these materials".to_owned()),
        "{none:?}"
    );
    let some =
        notes(format!(r#"{{"year": 2030, "consumption": {{"cobalt": {{"amount": 400, "unit": "t"}}}}, {supplies}}}"#));
    assert!(
        some.contains(&"shares are of 500 t: the consumption of the materials that give one, and the supplies of those that do not".to_owned()),
        "{some:?}"
    );
    let all = notes(format!(
        r#"{{"year": 2030, "consumption": {{"cobalt": {{"amount": 400, "unit": "t"}}, "copper": {{"amount": 100, "unit": "t"}}}}, {supplies}}}"#
    ));
    assert!(!all.iter().any(|note| note.starts_with("shares are of")), "{all:?}");
}

#[test]
fn many_distinct_unknown_names_are_shown_ten_then_counted() {
    let supplies: Vec<String> = (0..30)
        .map(|n| {
            format!(r#"{{"material": "unobtainium-{n}", "amount": 1, "unit": "t", "origin": {{"extraction": "CD"}}}}"#)
        })
        .collect();
    let errors = input_errors(&format!(r#"{{"year": 2030, "supplies": [{}]}}"#, supplies.join(",")));
    assert_eq!(errors.len(), 11, "{errors:?}");
    assert_eq!(errors[0].1, "unknown material `unobtainium-0`");
    assert_eq!(
        errors[10],
        ("unknown-material".to_owned(), "and 20 more `unknown-material` errors like the ones above".to_owned())
    );
}

#[test]
fn a_strategic_partner_counts_from_the_year_its_partnership_was_signed() {
    // South Africa signed its partnership in November 2025: it counts for 2025, not for 2024.
    let path =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/policies/eu-and-partners-processing.json");
    let checker = Checker::with_rule_files(&[path], options()).expect("the policy is valid");
    let portfolio = |year: u16| {
        format!(
            r#"{{"year": {year}, "supplies": [
                {{"material": "cobalt", "amount": 70, "unit": "t", "origin": {{"extraction": "ZA", "processing": "ZA"}}}},
                {{"material": "cobalt", "amount": 30, "unit": "t", "origin": {{"extraction": "CD", "processing": "CN"}}}}]}}"#
        )
    };
    let signed = check_with(&checker, &portfolio(2025));
    assert!(!has(&signed, "PART-01 processing"), "{:?}", findings(&signed));
    assert_eq!(signed.table.rows[0].stages[1].eu_and_partners, 70.0);
    let before = check_with(&checker, &portfolio(2024));
    assert!(has(&before, "PART-01 processing"), "{:?}", findings(&before));
    assert_eq!(before.table.rows[0].stages[1].eu_and_partners, 0.0);
}
