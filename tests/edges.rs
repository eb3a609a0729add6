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
    common::errors(&report)
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
fn kosovo_is_a_third_country() {
    for code in ["XK", "xk"] {
        let report = check(&cobalt("100", &[("70", code, "FI"), ("30", "CD", "FI")]));
        let cap = report.findings.iter().find(|f| f.code() == "CRM004").expect("Kosovo is capped");
        assert_eq!(cap.message, "Kosovo supplies 70.0% of cobalt extraction; the cap is 65%");
        assert_eq!(cap.severity, Severity::Error);
        let notes = notes_of(&report, "user-assigned-country");
        assert_eq!(notes.len(), 1, "{:?}", report.diagnostics);
        assert_eq!(notes[0].message, "`XK` is read as Kosovo, a user-assigned code");
        assert!(notes[0].help.as_deref().unwrap().contains("counts as a third country"));
    }
}

#[test]
fn codes_for_parts_of_countries_say_which_to_write() {
    let help = |code: &str| {
        let report = Checker::builtin(options()).check_source(Source::new("x", cobalt("1", &[("1", code, "FI")])));
        assert!(!report.checked(), "{code} is refused");
        assert_eq!(report.diagnostics[0].code.id(), "unknown-country");
        report.diagnostics[0].help.clone().unwrap()
    };
    assert!(help("XI").contains("write `GB`"), "Northern Ireland: {}", help("XI"));
    assert!(help("IC").contains("write `ES`"), "Canary Islands: {}", help("IC"));
    assert!(help("EA").contains("write `ES`"), "Ceuta and Melilla: {}", help("EA"));
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
fn an_oct_finding_says_it_is_the_stricter_reading() {
    let nickel = |first: &str, second: &str| {
        format!(
            r#"{{"year": 2030, "supplies": [
            {{"material": "nickel", "grade": "battery", "amount": 70, "unit": "t", "origin": {{"extraction": "{first}", "processing": "FI"}}}},
            {{"material": "nickel", "grade": "battery", "amount": 30, "unit": "t", "origin": {{"extraction": "{second}", "processing": "FI"}}}}]}}"#
        )
    };
    let cap = |report: &FileReport| report.findings.iter().find(|f| f.code() == "CRM004").cloned();
    let oct = check(&nickel("NC", "ID"));
    let finding = cap(&oct).expect("New Caledonia is capped");
    assert_eq!(finding.message, "New Caledonia supplies 70.0% of nickel (battery grade) extraction; the cap is 65%");
    let note = finding.notes.iter().find(|n| n.contains("(OCT)")).expect("an OCT note");
    assert!(note.starts_with("New Caledonia is an overseas country or territory (OCT), not a third country"), "{note}");
    assert!(note.contains("--rules examples/policies/crm004-literal.json"), "{note}");
    // A third country gets no such note.
    let third = cap(&check(&nickel("ID", "NC"))).expect("Indonesia is capped");
    assert!(third.notes.iter().all(|n| !n.contains("OCT")), "{:?}", third.notes);
    // The literal reading has no finding to explain.
    let literal = Checker::with_rule_files(&["examples/policies/crm004-literal.json".into()], options()).unwrap();
    assert!(cap(&check_with(&literal, &nickel("NC", "ID"))).is_none());
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

/// The notes of a report with this code.
fn notes_of<'a>(report: &'a FileReport, code: &str) -> Vec<&'a crma_check::diagnostic::Diagnostic> {
    report.diagnostics.iter().filter(|d| d.code.id() == code).collect()
}

#[test]
fn cobalt_hydroxide_form_gets_a_content_note() {
    let report = check(
        r#"{"year": 2030, "supplies": [{"material": "cobalt", "amount": 100, "unit": "t", "form": "cobalt-hydroxide",
            "origin": {"extraction": "CD", "processing": "CN"}}]}"#,
    );
    // Counted as pure Co(OH)2, and said so where the form is written.
    assert_eq!(report.table.rows[0].denominator_text(), "63.41 t supplied");
    let notes = notes_of(&report, "content-varies");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].severity, Severity::Note);
    assert_eq!(
        notes[0].message,
        "`cobalt-hydroxide` is counted at 0.634050 Co, as cobalt hydroxide (pure Co(OH)2); the traded product's content varies"
    );
    assert!(notes[0].help.as_deref().unwrap().contains("replace `form` by `content`"), "{:?}", notes[0].help);
    assert_eq!(notes[0].labels[0].text, "taken as 0.634050 Co");
}

#[test]
fn content_instead_of_form_is_quiet() {
    let report = check(
        r#"{"year": 2030, "supplies": [{"material": "cobalt", "amount": 100, "unit": "t", "content": 0.3,
            "origin": {"extraction": "CD", "processing": "CN"}}]}"#,
    );
    assert_eq!(report.table.rows[0].denominator_text(), "30 t supplied");
    assert!(notes_of(&report, "content-varies").is_empty());
}

#[test]
fn apt_and_sc6_get_a_content_note_each() {
    let line = |material: &str, form: &str| {
        format!(
            r#"{{"material": "{material}", "grade": "battery", "amount": 10, "unit": "t", "form": "{form}", "origin": {{"extraction": "CN", "processing": "CN"}}}}"#
        )
    };
    let mut lines = vec![line("lithium", "spodumene-sc6")];
    lines.extend(std::iter::repeat_n(line("tungsten", "APT"), 10));
    let report = check(&format!(r#"{{"year": 2030, "supplies": [{}]}}"#, lines.join(",")));
    let notes = notes_of(&report, "content-varies");
    assert_eq!(notes.len(), 2, "one note per form: {notes:?}");
    assert!(notes[0].message.starts_with("`spodumene-sc6` is counted at 0.027872 Li"), "{}", notes[0].message);
    assert!(notes[1].message.starts_with("`ammonium-paratungstate` is counted at 0.704254 W"), "{}", notes[1].message);
    assert_eq!(notes[1].place_count(), 10, "one note for the ten lines in APT");
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
fn a_recycled_line_is_not_counted_at_extraction() {
    let lines = |line: &str, n: usize| {
        let supplies = vec![line; n].join(",");
        format!(r#"{{"year": 2030, "supplies": [{supplies}]}}"#)
    };
    let recycled =
        r#"{"material": "copper", "amount": 100, "unit": "t", "origin": {"recycling": "DE", "extraction": "CL"}}"#;
    let report = check(&lines(recycled, 1));
    // Nothing was mined for it: no share at extraction, and Chile is not capped.
    let extraction = &report.table.rows[0].stages[0];
    assert_eq!((extraction.eu, extraction.unknown, extraction.top_third_country()), (0.0, 0.0, None));
    assert!(!has(&report, "CRM004 extraction CL"), "{:?}", findings(&report));
    let notes = notes_of(&report, "recycled-extraction");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].message, "a recycled supply is not counted at extraction: its extraction country is ignored");
    assert_eq!(notes[0].labels[0].text, "ignored: this line is recycled");
    // One note for many lines.
    let many = check(&lines(recycled, 5));
    let notes = notes_of(&many, "recycled-extraction");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].place_count(), 5);
}

#[test]
fn a_recycled_line_in_the_eu_does_not_raise_eu_extraction() {
    let report = check(
        r#"{"year": 2030, "supplies": [
            {"material": "cobalt", "amount": 10, "unit": "t", "origin": {"recycling": "FR", "extraction": "PT", "processing": "BE"}},
            {"material": "cobalt", "amount": 90, "unit": "t", "origin": {"extraction": "AU", "processing": "CN"}}]}"#,
    );
    let row = &report.table.rows[0];
    assert_eq!(row.stages[0].eu, 0.0, "recycled in France is not mined in Portugal");
    // Its processing country still counts.
    assert_eq!(row.stages[1].eu, 10.0);
    assert!(has(&report, "CRM001 extraction"));
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
fn the_statistics_names_for_rare_earths_say_which_entries_they_cover() {
    for name in ["REE", "Rare Earth Elements", "rare-earths", "TREO"] {
        let json = one_line(name, "");
        let report = Checker::builtin(options()).check_source(Source::new("x", json));
        assert!(!report.checked(), "{name}");
        let error = &report.diagnostics[0];
        assert_eq!(error.code.id(), "ambiguous-material", "{name}");
        assert_eq!(
            error.message,
            format!(
                "`{name}` covers several annex entries: rare earth elements for magnets (strategic), light rare earth elements and heavy rare earth elements (critical)"
            )
        );
        let help = error.help.as_deref().unwrap();
        for entry in ["`rare earths for magnets`", "`light rare earths`", "`heavy rare earths`"] {
            assert!(help.contains(entry), "{name}: {help}");
        }
    }
    // As a consumption key, and in a rule file's list, the same.
    let consumption =
        input_errors(r#"{"year": 2030, "consumption": {"rare earths": {"amount": 1, "unit": "t"}}, "supplies": []}"#);
    assert_eq!(consumption[0].0, "ambiguous-material");
    let rules = common::temp_file(
        "ree-rule.json",
        br#"{"rules": [{"id": "R-1", "name": "r", "summary": "s", "severity": "error", "materials": ["REE"],
        "metric": "group-share", "min": 10, "message": "m", "help": "h"}]}"#,
    );
    let Err(refused) = Checker::with_rule_files(&[rules], options()) else { panic!("the rule file is refused") };
    assert_eq!(refused[0].diagnostics[0].code.id(), "ambiguous-material");
}

#[test]
fn promethium_is_out_of_scope() {
    let report = check(
        r#"{"year": 2030, "supplies": [{"material": "Pm", "amount": 1, "unit": "kg", "origin": {"extraction": "CN", "processing": "CN"}}]}"#,
    );
    assert_eq!(rows(&report), [("promethium", Verdict::OutOfScope)]);
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

/// A 2030 portfolio of one line: `material`, then the line's other fields.
fn one_line(material: &str, fields: &str) -> String {
    format!(
        r#"{{"year": 2030, "supplies": [{{"material": "{material}", "amount": 100, "unit": "t", {fields}
            "origin": {{"extraction": "AU", "processing": "CN"}}}}]}}"#
    )
}

/// The rows of a report: (label, verdict).
fn rows(report: &FileReport) -> Vec<(&str, Verdict)> {
    report.table.rows.iter().map(|r| (r.material.label.as_str(), r.verdict)).collect()
}

#[test]
fn titanium_dioxide_is_out_of_scope() {
    let report = check(&one_line("titanium", r#""form": "titanium-dioxide","#));
    assert_eq!(rows(&report), [("titanium", Verdict::OutOfScope)]);
    assert_eq!(report.table.rows[0].denominator_text(), "59.93 t supplied");
    assert!(report.findings.is_empty(), "{:?}", findings(&report));
    let notes = notes_of(&report, "grade-from-form");
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0].message,
        "titanium as `titanium-dioxide` is not titanium metal: out of scope, on neither annex list"
    );
    assert!(notes_of(&report, "grade-assumed").is_empty(), "the form settles the grade");
    // Declared another grade: the same, and nothing to say.
    let chemical = check(&one_line("titanium", r#""form": "TiO2", "grade": "chemical","#));
    assert_eq!(rows(&chemical), [("titanium", Verdict::OutOfScope)]);
    assert!(notes_of(&chemical, "grade-from-form").is_empty());
}

#[test]
fn titanium_dioxide_declared_metal_is_a_grade_conflict() {
    let json = one_line("titanium", r#""form": "titanium-dioxide", "grade": "metal","#);
    assert_eq!(
        input_errors(&json),
        [(
            "grade-conflict".to_owned(),
            "the form `titanium-dioxide` is not metal, but `grade` says `metal`".to_owned()
        )]
    );
    // Located at the grade, with the form as the second place.
    let report = Checker::builtin(options()).check_source(Source::new("x", json.clone()));
    let labels = &report.diagnostics[0].labels;
    assert_eq!(&json[labels[0].span.start as usize..labels[0].span.end()], "\"metal\"");
    assert_eq!(labels[1].text, "never metal");
    // A name that says metal, with the form.
    let named = input_errors(&one_line("titanium metal", r#""form": "titanium-dioxide","#));
    assert_eq!(named[0].1, "`titanium metal` is metal, but the form `titanium-dioxide` is not metal");
}

#[test]
fn hpmsm_is_battery_grade_and_msm_says_nothing() {
    for material in [r#"manganese", "form": "HPMSM"#, "HPMSM"] {
        let report = check(&one_line(material, ""));
        assert_eq!(rows(&report)[0].0, "manganese (battery grade)");
        assert!(notes_of(&report, "grade-assumed").is_empty(), "{material}: the form settles the grade");
    }
    let conflict = input_errors(&one_line("manganese", r#""form": "HPMSM", "grade": "chemical","#));
    assert_eq!(conflict[0].0, "grade-conflict");
    // Standard MSM is the same compound of any grade: the grade decides.
    let msm = check(&one_line("manganese", r#""form": "manganese-sulfate-monohydrate","#));
    assert_eq!(rows(&msm)[0].0, "manganese (battery grade)");
    assert_eq!(notes_of(&msm, "grade-assumed").len(), 1);
    let chemical = check(&one_line("manganese", r#""form": "MSM", "grade": "chemical","#));
    assert_eq!(rows(&chemical), [("manganese (other grades)", Verdict::NoBenchmark)]);
}

#[test]
fn lithium_carbonate_of_a_technical_grade_is_critical() {
    let report = check(&one_line("lithium", r#""form": "lithium-carbonate", "grade": "chemical","#));
    assert_eq!(rows(&report), [("lithium (other grades)", Verdict::NoBenchmark)]);
}

#[test]
fn a_rare_earth_of_another_grade_is_a_critical_light_or_heavy_rare_earth() {
    let gadolinium = check(&one_line("gadolinium", r#""grade": "other","#));
    assert_eq!(rows(&gadolinium), [("heavy rare earth elements", Verdict::NoBenchmark)]);
    assert!(gadolinium.findings.is_empty(), "{:?}", findings(&gadolinium));
    let notes = notes_of(&gadolinium, "not-for-magnets");
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].message.starts_with("gadolinium of grade `other` is not magnet grade (for permanent magnets): counted as heavy rare earth elements"),
        "{}",
        notes[0].message
    );
    let cerium = check(&one_line("Ce", r#""grade": "chemical","#));
    assert_eq!(rows(&cerium), [("light rare earth elements", Verdict::NoBenchmark)]);
    // NdPr is light; the group's name with a form takes the form's element.
    assert_eq!(rows(&check(&one_line("NdPr", r#""grade": "other","#)))[0].0, "light rare earth elements");
    let dysprosium = check(&one_line("rare earths for magnets", r#""form": "dysprosium-oxide", "grade": "other","#));
    assert_eq!(rows(&dysprosium)[0].0, "heavy rare earth elements");
    assert_eq!(dysprosium.table.rows[0].denominator_text(), "87.13 t supplied");
}

#[test]
fn a_magnet_rare_earth_without_a_grade_is_taken_as_strategic_with_a_note() {
    let assumed = check(&one_line("neodymium", r#""form": "neodymium-oxide","#));
    assert_eq!(rows(&assumed)[0].0, "rare earth elements for magnets");
    let notes = notes_of(&assumed, "grade-assumed");
    assert_eq!(notes.len(), 1);
    assert!(notes[0].message.contains("taken as magnet grade (for permanent magnets)"), "{}", notes[0].message);
    let magnet = check(&one_line("neodymium", r#""form": "neodymium-oxide", "grade": "magnet","#));
    assert_eq!(rows(&magnet)[0].0, "rare earth elements for magnets");
    assert!(magnet.diagnostics.is_empty(), "{:?}", magnet.diagnostics);
}

#[test]
fn rare_earths_of_another_grade_need_the_element() {
    for json in [
        one_line("rare earths for magnets", r#""grade": "other","#),
        one_line("NdFeB", r#""content": 0.3, "grade": "other","#),
    ] {
        let errors = input_errors(&json);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, "element-needed", "{errors:?}");
    }
    // A consumption entry the same way.
    let consumption = input_errors(
        r#"{"year": 2030, "consumption": {"rare earth elements for magnets": {"amount": 1, "unit": "t", "grade": "other"}}, "supplies": []}"#,
    );
    assert_eq!(consumption[0].0, "element-needed");
}

#[test]
fn non_magnet_consumption_counts_as_light_rare_earths() {
    let report = check(
        r#"{"year": 2030, "consumption": {"light rare earths": {"amount": 100, "unit": "t"}}, "supplies": [
            {"material": "La", "amount": 50, "unit": "t", "origin": {"extraction": "CN", "processing": "CN"}},
            {"material": "cerium", "grade": "other", "amount": 50, "unit": "t", "origin": {"extraction": "CN", "processing": "CN"}}]}"#,
    );
    assert_eq!(rows(&report), [("light rare earth elements", Verdict::NoBenchmark)]);
    assert_eq!(report.table.rows[0].denominator_text(), "100 t consumed");
    assert_eq!(report.table.rows[0].stages[0].unknown, 0.0);
    assert!(notes_of(&report, "consumption-exceeded").is_empty());
}

#[test]
fn a_grade_without_effect_is_noted() {
    let line = r#"{"material": "cobalt", "grade": "battery", "amount": 10, "unit": "t", "origin": {"extraction": "CD", "processing": "CN"}}"#;
    let report = check(&format!(r#"{{"year": 2030, "supplies": [{}]}}"#, [line; 5].join(",")));
    let notes = notes_of(&report, "grade-no-effect");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].message, "`grade` has no effect on cobalt: the annexes list cobalt at any grade");
    assert_eq!(notes[0].place_count(), 5);
    assert!(notes[0].help.as_deref().unwrap().contains("rare earth elements for magnets (`magnet`)"));
    assert_eq!(rows(&report), [("cobalt", Verdict::Fails)]);
    let iron = check(&one_line("iron", r#""grade": "other","#));
    assert_eq!(
        notes_of(&iron, "grade-no-effect")[0].message,
        "`grade` has no effect on iron: iron is on neither annex list"
    );
}

#[test]
fn a_magnet_rare_earth_form_on_the_light_group_says_how_to_write_it() {
    let json = one_line("light rare earths", r#""form": "neodymium-oxide","#);
    let report = Checker::builtin(options()).check_source(Source::new("x", json));
    assert_eq!(report.diagnostics[0].code.id(), "form-mismatch");
    let help = report.diagnostics[0].help.as_deref().unwrap();
    assert!(help.contains(r#"write `"material": "neodymium"` with a `grade` other than `magnet`"#), "{help}");
}

#[test]
fn a_rare_earth_form_on_another_element_is_a_form_mismatch() {
    let json = one_line("dysprosium", r#""form": "neodymium-oxide","#);
    assert_eq!(
        input_errors(&json),
        [("form-mismatch".to_owned(), "`neodymium-oxide` is a form of neodymium, not of dysprosium".to_owned())]
    );
    let report = Checker::builtin(options()).check_source(Source::new("x", json));
    let help = report.diagnostics[0].help.as_deref().unwrap();
    assert!(help.contains("for dysprosium use `dysprosium-oxide`, or give `content`"), "{help}");
    // Copper with a lithium form: the same error.
    assert_eq!(input_errors(&one_line("copper", r#""form": "lithium-carbonate","#))[0].0, "form-mismatch");
    // The element's own form, by symbol; and any member's form on the group's name.
    let dy = check(&one_line("Dy", r#""form": "dysprosium-oxide","#));
    assert_eq!(dy.table.rows[0].denominator_text(), "87.13 t supplied");
    let group = check(&one_line("rare earths for magnets", r#""form": "terbium-oxide","#));
    assert_eq!(group.table.rows[0].denominator_text(), "85.02 t supplied");
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
fn the_overall_row_is_weighted_by_tonnes() {
    let report = check(
        r#"{"year": 2030, "supplies": [
            {"material": "copper", "amount": 1000, "unit": "t", "origin": {"extraction": "PL", "processing": "DE"}},
            {"material": "gallium", "amount": 1, "unit": "t", "origin": {"extraction": "CN", "processing": "CN"}}]}"#,
    );
    // 1,000 t of 1,001 t, not the average of 100% and 0%.
    let overall = report.table.overall.as_ref().expect("two strategic materials");
    assert!((overall.stages[0].eu - 100_000.0 / 1001.0).abs() < 1e-9, "{}", overall.stages[0].eu);
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

    // An ore of variable grade needs its content, as on a supply line.
    let ore =
        input_errors(r#"{"year": 2030, "consumption": {"bauxite": {"amount": 100, "unit": "t"}}, "supplies": []}"#);
    assert_eq!(
        ore,
        [(
            "content-required".to_owned(),
            "`bauxite` needs `content`, the fraction of the amount that is the material".to_owned()
        )]
    );
}

#[test]
fn consumption_may_be_stated_in_a_traded_form_or_at_a_content() {
    let supplies = r#""supplies": [{"material": "cobalt", "amount": 50, "unit": "t", "origin": {"extraction": "CD", "processing": "FI"}}]"#;
    // 480 t of cobalt sulfate heptahydrate (CoSO4·7H2O, 20.97% Co) contain about 100.6 t of cobalt.
    let sulfate = check(&format!(
        r#"{{"year": 2030, "consumption": {{"cobalt": {{"amount": 480, "unit": "t", "form": "cobalt-sulfate-heptahydrate"}}}}, {supplies}}}"#
    ));
    let denominator = sulfate.table.rows[0].denominator.tonnes_f64();
    assert!((denominator - 480.0 * 58.933194 / 281.103).abs() < 0.01, "{denominator}");
    // 400 t of hydroxide at 25% content: 100 t of cobalt, so 50 t are half of it.
    let hydroxide = check(&format!(
        r#"{{"year": 2030, "consumption": {{"cobalt": {{"amount": 400, "unit": "t", "content": 0.25}}}}, {supplies}}}"#
    ));
    assert_eq!(hydroxide.table.rows[0].denominator.tonnes_f64(), 100.0);
    assert_eq!(hydroxide.table.rows[0].stages[0].unknown, 50.0);
    // Both at once is an error, as on a supply line.
    let both = input_errors(&format!(
        r#"{{"year": 2030, "consumption": {{"cobalt": {{"amount": 400, "unit": "t", "content": 0.25, "form": "cobalt-sulfate-heptahydrate"}}}}, {supplies}}}"#
    ));
    assert_eq!(
        both,
        [("form-and-content".to_owned(), "a consumption entry gives both `form` and `content`".to_owned())]
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
