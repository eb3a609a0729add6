//! "Did you mean …?" as data: a diagnostic whose help names a replacement carries it as a
//! [`Suggestion`] (the span to replace and the text to write), which an editor offers as a
//! quick fix. Applying it must make the error go away.

mod common;

use common::options;
use crma_check::Checker;
use crma_check::diagnostic::{Diagnostic, Severity, Suggestion};
use crma_check::source::Source;

/// The input errors of a portfolio, with their suggestions.
fn errors(json: &str) -> Vec<Diagnostic> {
    let report = Checker::builtin(options()).check_source(Source::new("test.json", json.to_owned()));
    report.diagnostics.into_iter().filter(|d| d.severity == Severity::Error).collect()
}

/// `json` with the suggestion applied.
fn applied(json: &str, suggestion: &Suggestion) -> String {
    let mut fixed = json.to_owned();
    fixed.replace_range(suggestion.span.start as usize..suggestion.span.end(), &suggestion.replacement);
    fixed
}

/// A portfolio with one supply line, `line` spliced into it.
fn portfolio(line: &str) -> String {
    format!(
        r#"{{"year": 2030, "supplies": [{{"material": "cobalt", "amount": 10, "unit": "t", "origin": {{"extraction": "CD", "processing": "FI"}}{line}}}]}}"#
    )
}

/// The one suggestion of the one error of `json`: (the text it replaces, its replacement).
fn the_suggestion(json: &str) -> (String, String, Suggestion) {
    let errors = errors(json);
    assert_eq!(errors.len(), 1, "{json}: {errors:#?}");
    let suggestion = errors[0].suggestion.clone().unwrap_or_else(|| panic!("a suggestion: {:#?}", errors[0]));
    assert_eq!(errors[0].primary_span(), Some(suggestion.span), "the fix is at the error");
    let written = json[suggestion.span.start as usize..suggestion.span.end()].to_owned();
    (written, suggestion.replacement.clone(), *suggestion)
}

#[test]
fn misspelt_values_and_fields_carry_their_fix_and_the_fix_clears_the_error() {
    let cases = [
        // material, country (a two-letter code), unit, form, field name
        (portfolio("").replace("\"cobalt\"", "\"cobolt\""), "\"cobolt\"", "\"cobalt\""),
        (portfolio("").replace("\"FI\"", "\"China\""), "\"China\"", "\"CN\""),
        (portfolio("").replace("\"t\"", "\"KG\""), "\"KG\"", "\"kg\""),
        (portfolio("").replace("\"t\"", "\"kgg\""), "\"kgg\"", "\"kg\""),
        (
            portfolio(r#", "form": "cobalt-sulfate-heptahydate""#),
            "\"cobalt-sulfate-heptahydate\"",
            "\"cobalt-sulfate-heptahydrate\"",
        ),
        (portfolio(r#", "suplier": "Mine""#), "\"suplier\"", "\"supplier\""),
    ];
    for (json, written, replacement) in cases {
        let (found, fix, suggestion) = the_suggestion(&json);
        assert_eq!((found.as_str(), fix.as_str()), (written, replacement), "{json}");
        let fixed = applied(&json, &suggestion);
        assert!(errors(&fixed).is_empty(), "the fix clears the error: {fixed}");
    }
}

#[test]
fn help_without_one_replacement_has_no_fix() {
    // `MT` is ambiguous (t or Mt): the help says so and offers no single fix.
    let errors = errors(&portfolio("").replace("\"t\"", "\"MT\""));
    assert_eq!(errors.len(), 1);
    assert!(errors[0].help.as_deref().unwrap_or_default().contains("ambiguous"));
    assert_eq!(errors[0].suggestion, None);
    // Nothing close to a known material: no guess.
    let errors = self::errors(&portfolio("").replace("\"cobalt\"", "\"unobtainium\""));
    assert_eq!(errors[0].suggestion, None);
}

#[test]
fn a_name_written_with_escapes_gets_no_fix_at_another_place() {
    // The label of a name with escapes falls back to the line's amount; a fix there would
    // overwrite the amount.
    let errors = errors(&portfolio("").replace("\"cobalt\"", "\"cob\\u006flt\""));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].suggestion, None);
}

#[test]
fn rule_files_carry_fixes_too() {
    let rules = r#"{"rules": [{"id": "X-01", "name": "x", "summary": "s", "severity": "error",
        "materials": ["cobolt"], "stages": ["processing"], "metric": "group-share",
        "origins": {"in": ["UE"]}, "min": 40, "message": "{value}", "help": "h"}]}"#;
    let mut checker = Checker::builtin(options());
    let errors = checker.add_rules(&Source::new("rules.json", rules)).expect_err("two errors");
    let fixes: Vec<(&str, &str)> = errors
        .iter()
        .filter_map(|d| d.suggestion.as_ref())
        .map(|s| (&rules[s.span.start as usize..s.span.end()], s.replacement.as_str()))
        .collect();
    assert_eq!(fixes, [("\"cobolt\"", "\"cobalt\""), ("\"UE\"", "\"EU\"")]);
}
