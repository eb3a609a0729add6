//! What one supply line amounts to (`Checker::line_facts`, an editor's hover on an amount):
//! its contained mass after unit and form, and its share of its material at each stage it
//! counts at, computed by the library as the check computes them.

mod common;

use common::options;
use crma_check::model::{LineFacts, LineOrigin};
use crma_check::source::Source;
use crma_check::{Basis, Checker, Stage};

const PORTFOLIO: &str = r#"{
  "year": 2030,
  "consumption": {"lithium": {"amount": 1000, "unit": "t", "grade": "battery"}},
  "supplies": [
    {"material": "lithium", "grade": "battery", "amount": 2235, "unit": "t", "form": "lithium-carbonate",
     "origin": {"extraction": "AU", "processing": "CN"}},
    {"material": "lithium", "grade": "battery", "amount": 80000, "unit": "kg",
     "origin": {"recycling": "DE"}},
    {"material": "cobalt", "amount": 1000, "unit": "t", "content": 0.65, "origin": {"processing": "FI"}},
    {"material": "cobalt", "amount": 350, "unit": "t", "origin": {"extraction": "CD", "processing": "CN"}}
  ]
}"#;

/// The facts of the line whose value `marker` is written at (its first occurrence).
fn facts_at(marker: &str) -> Option<LineFacts> {
    let offset = PORTFOLIO.find(marker).expect("the marker is in the portfolio") + 1;
    Checker::builtin(options()).line_facts(&Source::new("p.json", PORTFOLIO), offset)
}

fn origins(facts: &LineFacts) -> Vec<(Stage, String)> {
    let name = |origin: &LineOrigin| match origin {
        LineOrigin::Country(country) => country.code.clone(),
        LineOrigin::Unknown => "unknown".to_owned(),
    };
    facts.stages.iter().map(|(stage, origin)| (*stage, name(origin))).collect()
}

#[test]
fn a_line_in_a_traded_form_is_its_contained_mass_as_a_share_of_consumption() {
    let facts = facts_at("2235").expect("a line's amount");
    assert_eq!(facts.material.label, "lithium (battery grade)");
    assert_eq!((facts.amount.as_str(), facts.unit.as_str()), ("2235", "t"));
    assert_eq!(facts.form.as_deref(), Some("lithium-carbonate"));
    // 2,235 t of Li2CO3 at 1 t Li = 5.323 t is 419.88 t of lithium: 42.0% of 1,000 t.
    assert_eq!(facts.contained.to_string(), "419.9 t");
    assert_eq!((facts.denominator.to_string(), facts.basis), ("1,000 t".to_owned(), Basis::Consumption));
    assert_eq!(facts.share_text, "42.0%");
    assert!((facts.share - 2235.0 / 5.323 / 10.0).abs() < 1e-9, "{}", facts.share);
    // A primary line counts at extraction and processing, not at recycling.
    assert_eq!(origins(&facts), [(Stage::Extraction, "AU".to_owned()), (Stage::Processing, "CN".to_owned())]);
}

#[test]
fn a_recycled_line_counts_where_the_check_counts_it() {
    let facts = facts_at("80000").expect("a line's amount");
    assert_eq!(facts.contained.to_string(), "80 t");
    assert_eq!(facts.share_text, "8.0%");
    // Secondary material is expected at recycling; it names no processing country, so it
    // does not count at processing (nor as unknown there).
    assert_eq!(origins(&facts), [(Stage::Recycling, "DE".to_owned())]);
}

#[test]
fn shares_are_exact_and_unknown_stages_say_so() {
    // 1,000 t at a content of 0.65 is 650 t of the 1,000 t of cobalt supplied: exactly 65%.
    let facts = facts_at("0.65").expect("a line's content");
    assert_eq!((facts.contained.to_string(), facts.share), ("650 t".to_owned(), 65.0));
    assert_eq!((facts.denominator.to_string(), facts.basis), ("1,000 t".to_owned(), Basis::Supplies));
    assert_eq!(origins(&facts), [(Stage::Extraction, "unknown".to_owned()), (Stage::Processing, "FI".to_owned())]);
}

#[test]
fn only_a_line_s_values_and_only_a_readable_portfolio_have_facts() {
    assert!(facts_at("\"lithium\", \"grade\"").is_none(), "a material name is not an amount");
    assert!(facts_at("\"year\"").is_none());
    let broken = PORTFOLIO.replace("\"FI\"", "\"QQ\"");
    let offset = broken.find("2235").unwrap();
    assert!(Checker::builtin(options()).line_facts(&Source::new("p.json", broken.as_str()), offset).is_none());
}
