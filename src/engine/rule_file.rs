//! Rule files: rules as data, read and checked with located errors.
//!
//! A rule names a metric, the materials and stages it applies to and a threshold. This
//! module turns rule files into [`Rule`]s; it does not know what any particular rule means.

use std::sync::LazyLock;

use serde::Deserialize;

use super::HOME_GROUP;
use super::metric::{Bound, Metric, OriginSet};
use super::origins::{OriginsBuilder, closest_group};
use super::rule::{Aggregate, CountryNote, MaterialScope, PLACEHOLDERS, Rule, unknown_placeholders};
use crate::diagnostic::{Code, Diagnostic, Severity, Suggestion};
use crate::domain::Stage;
use crate::json::{self, FromRaw, Number, Schema, Spanned, Text, present};
use crate::model::{RuleDoc, RuleOrigin};
use crate::quantity::Decimal;
use crate::reference::Reference;
use crate::source::{Source, Span};

/// The rule file schema, embedded.
pub static RULES_SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
    Schema::new(
        crate::schemas::RULES,
        &[("rules", "rule")],
        "a rule file is a JSON object with a list of `rules`; see schemas/rules.schema.json",
        None,
    )
});

/// The rule file format version this build reads.
pub const RULES_FORMAT_VERSION: u64 = 1;

/// The built-in CRMA ruleset: its path in the repository and its text.
pub const BUILTIN_RULES: (&str, &str) = ("rules/crma.json", include_str!("../../rules/crma.json"));

// ---- Reading rule files -----------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFileLine<'a> {
    #[serde(rename = "$schema", default, deserialize_with = "present", borrow)]
    _schema: Option<Text<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    version: Option<Spanned<'a, Number<'a>>>,
    #[serde(default, deserialize_with = "present", borrow)]
    extends: Option<Vec<Spanned<'a, Text<'a>>>>,
    #[serde(rename = "name", default, deserialize_with = "present", borrow)]
    _name: Option<Text<'a>>,
    #[serde(rename = "title", default, deserialize_with = "present", borrow)]
    _title: Option<Text<'a>>,
    #[serde(rename = "source", default, deserialize_with = "present", borrow)]
    _source: Option<Text<'a>>,
    #[serde(borrow)]
    rules: Vec<RuleLine<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleLine<'a> {
    #[serde(borrow)]
    id: Spanned<'a, Text<'a>>,
    #[serde(borrow)]
    name: Spanned<'a, Text<'a>>,
    #[serde(borrow)]
    summary: Text<'a>,
    #[serde(default, deserialize_with = "present", borrow)]
    legal_basis: Option<Text<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    url: Option<Text<'a>>,
    #[serde(borrow)]
    severity: Text<'a>,
    #[serde(default, deserialize_with = "present", borrow)]
    applies_from: Option<Spanned<'a, Number<'a>>>,
    #[serde(default, deserialize_with = "present", borrow)]
    materials: Option<Spanned<'a, Materials<'a>>>,
    #[serde(default, deserialize_with = "present", borrow)]
    aggregate: Option<Text<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    stages: Option<Spanned<'a, Stages<'a>>>,
    #[serde(borrow)]
    metric: Spanned<'a, Text<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    origins: Option<Spanned<'a, Origins<'a>>>,
    #[serde(default, deserialize_with = "present", borrow)]
    min: Option<Spanned<'a, Number<'a>>>,
    #[serde(default, deserialize_with = "present", borrow)]
    max: Option<Spanned<'a, Number<'a>>>,
    #[serde(borrow)]
    message: Spanned<'a, Text<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    country_notes: Option<Vec<CountryNoteLine<'a>>>,
    #[serde(borrow)]
    help: Text<'a>,
    #[serde(default, deserialize_with = "present", borrow)]
    explain: Option<Vec<Text<'a>>>,
}

/// A note for findings about the countries of `origins`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CountryNoteLine<'a> {
    #[serde(borrow)]
    origins: Spanned<'a, Origins<'a>>,
    #[serde(borrow)]
    note: Spanned<'a, Text<'a>>,
}

/// `materials`: a keyword or a list of material names.
enum Materials<'a> {
    Keyword(Text<'a>),
    Listed(Vec<Spanned<'a, Text<'a>>>),
}

impl<'a> FromRaw<'a> for Materials<'a> {
    fn from_raw(raw: &'a str) -> Result<Self, &'static str> {
        if raw.starts_with('[') {
            let list: Vec<Spanned<'a, Text<'a>>> = serde_json::from_str(raw).map_err(|_| "a list of names")?;
            return if list.is_empty() { Err("a non-empty list") } else { Ok(Materials::Listed(list)) };
        }
        Text::from_raw(raw).map(Materials::Keyword)
    }
}

/// `stages`: a list of stage names.
struct Stages<'a>(Vec<Text<'a>>);

impl<'a> FromRaw<'a> for Stages<'a> {
    fn from_raw(raw: &'a str) -> Result<Self, &'static str> {
        serde_json::from_str(raw).map(Stages).map_err(|_| "a list of stages")
    }
}

/// `origins`: `{"in": [...]}` or `{"not_in": [...]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Origins<'a> {
    #[serde(rename = "in", default, deserialize_with = "present", borrow)]
    within: Option<Vec<Spanned<'a, Text<'a>>>>,
    #[serde(default, deserialize_with = "present", borrow)]
    not_in: Option<Vec<Spanned<'a, Text<'a>>>>,
}

impl<'a> FromRaw<'a> for Origins<'a> {
    fn from_raw(raw: &'a str) -> Result<Self, &'static str> {
        serde_json::from_str(raw).map_err(|_| "an object with `in` or `not_in`")
    }
}

/// A rule file read: its rules, and the files it extends (as written, with where).
#[derive(Debug)]
pub(crate) struct RuleFile {
    pub rules: Vec<Rule>,
    pub extends: Vec<(String, Span)>,
}

/// Reads a rule file (`builtin` if it is one of the tool's own); errors point into `source`.
///
/// A rule file is checked against the rules schema in full before it is read: the reading
/// relies on the schema for every closed set of words (metrics, stages, severities …), so
/// a misspelt one is an error, never a rule quietly read some other way. The built-in
/// files are checked by the tests instead, to keep every run's start-up short.
pub fn load_rules(source: &Source, reference: &Reference, builtin: bool) -> Result<RuleFile, Vec<Diagnostic>> {
    if !builtin {
        let problems = json::validate(source, &RULES_SCHEMA);
        if !problems.is_empty() {
            return Err(problems.into_iter().map(|p| p.diagnostic).collect());
        }
    }
    let file: RuleFileLine = match serde_json::from_str(source.text()) {
        Ok(file) => file,
        Err(error) => {
            return Err(json::diagnose(source, &RULES_SCHEMA, &error).into_iter().map(|p| p.diagnostic).collect());
        }
    };
    if let Some(version) = &file.version
        && version.value.integer() != Some(RULES_FORMAT_VERSION)
    {
        return Err(vec![
            Diagnostic::new(
                Code::UnsupportedVersion,
                format!(
                    "this rule file is format version {}; crma-check reads version {RULES_FORMAT_VERSION}",
                    version.value.0
                ),
            )
            .with_label(version.span(source), "unsupported version")
            .with_help(format!(
                "write `\"version\": {RULES_FORMAT_VERSION}`, or use the crma-check release that reads this version"
            )),
        ]);
    }
    let mut errors = Vec::new();
    let mut rules: Vec<Rule> = Vec::new();
    for line in &file.rules {
        match read_rule(source, reference, line, builtin) {
            Ok(rule) => {
                if let Some(first) = rules.iter().position(|r| r.id() == rule.id()) {
                    let first_span = file.rules[first].id.span(source);
                    errors.push(
                        Diagnostic::new(
                            Code::DuplicateRule,
                            format!("rule `{}` is defined twice in this file", rule.id()),
                        )
                        .with_label(line.id.span(source), "defined again here")
                        .with_label(first_span, "first defined here")
                        .with_help("give each rule its own id"),
                    );
                }
                rules.push(rule);
            }
            Err(mut rule_errors) => errors.append(&mut rule_errors),
        }
    }
    let extends = file.extends.iter().flatten().map(|e| (e.value.to_string(), e.span(source))).collect();
    if errors.is_empty() { Ok(RuleFile { rules, extends }) } else { Err(errors) }
}

/// Reads one rule, or says everything wrong with it.
fn read_rule(
    source: &Source,
    reference: &Reference,
    line: &RuleLine<'_>,
    builtin: bool,
) -> Result<Rule, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let id = line.id.value.to_string();
    let rule_span = line.id.span(source);
    if Code::find(&id).is_some() {
        errors.push(
            Diagnostic::new(Code::RuleId, format!("`{id}` is a diagnostic code of crma-check itself"))
                .with_label(rule_span, "taken")
                .with_help("give the rule another id: findings, waivers and --select would confuse the two"),
        );
    }
    let materials = read_scope(source, reference, line, &mut errors);
    let metric = read_metric(source, reference, line, &mut errors);
    let bound = read_bound(source, line, &id, rule_span, &mut errors);
    if let (Some(metric), Some(bound)) = (&metric, bound)
        && let Some(problem) = metric.threshold_problem(bound.value())
    {
        let span = line.min.as_ref().or(line.max.as_ref()).map_or(rule_span, |t| t.span(source));
        errors.push(Diagnostic::new(Code::RuleThreshold, problem.to_owned()).with_label(span, "out of range"));
    }
    check_placeholders(source, &line.message, "the message", &mut errors);
    let mut country_notes = Vec::new();
    for note in line.country_notes.iter().flatten() {
        check_placeholders(source, &note.note, "the note", &mut errors);
        match origin_set(source, reference, &note.origins) {
            Ok(origins) => country_notes.push(CountryNote { origins, note: note.note.value.to_string() }),
            Err(mut e) => errors.append(&mut e),
        }
    }

    let (Some(metric), Some(bound), true) = (metric, bound, errors.is_empty()) else {
        if errors.is_empty() {
            // The schema admits no such rule; should it ever, refuse it visibly.
            errors.push(
                Diagnostic::new(
                    Code::Schema,
                    format!("rule `{id}` cannot be read: its metric or threshold is invalid"),
                )
                .with_label(rule_span, "this rule"),
            );
        }
        return Err(errors);
    };
    let home = reference.countries.group(HOME_GROUP).map(|g| reference.countries.group_by_id(g).members().clone());
    Ok(Rule {
        doc: RuleDoc {
            id,
            name: line.name.value.to_string(),
            summary: line.summary.to_string(),
            help: line.help.to_string(),
            legal_basis: line.legal_basis.as_ref().map(Text::to_string),
            url: line.url.as_ref().map(Text::to_string),
            severity: if line.severity.as_str() == "warning" { Severity::Warning } else { Severity::Error },
            explain: line.explain.iter().flatten().map(Text::to_string).collect(),
            applies_from: line
                .applies_from
                .as_ref()
                .and_then(|y| y.value.integer())
                .and_then(|y| u16::try_from(y).ok()),
            threshold: metric.threshold(bound, &home.unwrap_or_default()),
            origin: RuleOrigin { path: source.name().to_owned(), builtin, replaces: None },
        },
        materials,
        aggregate: match line.aggregate.as_ref().map(Text::as_str) {
            Some("overall") => Aggregate::Overall,
            _ => Aggregate::PerMaterial,
        },
        stages: match &line.stages {
            None => Stage::ALL.to_vec(),
            Some(stages) => stages.value.0.iter().filter_map(|s| Stage::parse(s.as_str())).collect(),
        },
        metric,
        bound,
        message: line.message.value.to_string(),
        country_notes,
    })
}

/// `materials`: a keyword, or a list of names that must all be known.
fn read_scope(
    source: &Source,
    reference: &Reference,
    line: &RuleLine<'_>,
    errors: &mut Vec<Diagnostic>,
) -> MaterialScope {
    let Some(materials) = &line.materials else { return MaterialScope::Strategic };
    let names = match &materials.value {
        Materials::Keyword(word) => {
            return match word.as_str() {
                "strategic" => MaterialScope::Strategic,
                "critical" => MaterialScope::Critical,
                _ => MaterialScope::All,
            };
        }
        Materials::Listed(names) => names,
    };
    let mut list = Vec::new();
    for name in names {
        match reference.materials.resolve(name.value.as_str()) {
            Some(resolved) => list.push(resolved.material),
            None => match reference.materials.ambiguity(name.value.as_str()) {
                Some(ambiguous) => {
                    let covers = reference.materials.describe_ambiguity(ambiguous);
                    errors.push(
                        Diagnostic::new(
                            Code::AmbiguousMaterial,
                            format!("`{}` covers several annex entries: {covers}", name.value),
                        )
                        .with_label(name.span(source), "several annex entries")
                        .with_help(ambiguous.help.clone()),
                    );
                }
                None => {
                    let close = reference.materials.suggest(name.value.as_str());
                    let help = match close {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => "name materials as in portfolios: `lithium`, `Li`, `cobalt` …".to_owned(),
                    };
                    let span = name.span(source);
                    let mut diagnostic =
                        Diagnostic::new(Code::UnknownMaterial, format!("unknown material `{}`", name.value))
                            .with_label(span, "not a known material")
                            .with_help(help);
                    if let Some(close) = close {
                        diagnostic = diagnostic.with_suggestion(Suggestion::json_string(span, close));
                    }
                    errors.push(diagnostic);
                }
            },
        }
    }
    MaterialScope::Listed(list)
}

/// `metric` with its `origins` (every country where none are given).
fn read_metric(
    source: &Source,
    reference: &Reference,
    line: &RuleLine<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Metric> {
    let origins = match &line.origins {
        None => None,
        Some(origins) => match origin_set(source, reference, origins) {
            Ok(set) => Some(set),
            Err(mut e) => {
                errors.append(&mut e);
                None
            }
        },
    };
    let name = line.metric.value.as_str();
    let kind = Metric::kind_named(name)?;
    if !kind.takes_origins()
        && let (Some(_), Some(written)) = (&origins, &line.origins)
    {
        errors.push(
            Diagnostic::new(Code::RuleMetric, format!("the metric `{name}` takes no `origins`"))
                .with_label(written.span(source), "not used by this metric")
                .with_help("remove `origins`"),
        );
    }
    if !kind.per_stage()
        && let Some(stages) = &line.stages
    {
        errors.push(
            Diagnostic::new(Code::RuleMetric, format!("the metric `{name}` takes no `stages`"))
                .with_label(stages.span(source), "not used by this metric")
                .with_help("it is measured of the material as a whole: remove `stages`"),
        );
    }
    Some(Metric::new(kind, origins.unwrap_or_else(OriginSet::any)))
}

/// `min` or `max`: exactly one of them.
fn read_bound(
    source: &Source,
    line: &RuleLine<'_>,
    id: &str,
    rule_span: Span,
    errors: &mut Vec<Diagnostic>,
) -> Option<Bound> {
    match (&line.min, &line.max) {
        (Some(min), None) => Decimal::parse(min.value.0).ok().map(Bound::Min),
        (None, Some(max)) => Decimal::parse(max.value.0).ok().map(Bound::Max),
        (Some(min), Some(max)) => {
            errors.push(
                Diagnostic::new(Code::RuleThreshold, format!("rule `{id}` gives both `min` and `max`"))
                    .with_label(min.span(source), "min")
                    .with_label(max.span(source), "max")
                    .with_help(
                        "a rule has one threshold: give `min` (the least value that passes) or `max` (the greatest)",
                    ),
            );
            None
        }
        (None, None) => {
            errors.push(
                Diagnostic::new(Code::RuleThreshold, format!("rule `{id}` has no threshold"))
                    .with_label(rule_span, "no `min` or `max`")
                    .with_help("give `min` (the least value that passes) or `max` (the greatest)"),
            );
            None
        }
    }
}

/// Every unknown placeholder of a template (a message, a note), at its place where the
/// string allows.
fn check_placeholders(source: &Source, template: &Spanned<'_, Text<'_>>, what: &str, errors: &mut Vec<Diagnostic>) {
    let message_span = template.span(source);
    for (name, start, end) in unknown_placeholders(template.value.as_str()) {
        // Point at the placeholder itself when the string has no escapes before it.
        let raw_offset = template.raw.find(&template.value.as_str()[start..end]);
        let span = raw_offset.map_or(message_span, |o| {
            Span::new(message_span.start as usize + o, message_span.start as usize + o + end - start)
        });
        errors.push(
            Diagnostic::new(Code::RulePlaceholder, format!("unknown placeholder `{{{name}}}` in {what}"))
                .with_label(span, "not a placeholder")
                .with_help(format!(
                    "the placeholders are {}",
                    PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect::<Vec<_>>().join(", ")
                )),
        );
    }
}

fn origin_set(
    source: &Source,
    reference: &Reference,
    origins: &Spanned<'_, Origins<'_>>,
) -> Result<OriginSet, Vec<Diagnostic>> {
    let (entries, inside) = match (&origins.value.within, &origins.value.not_in) {
        (Some(entries), None) => (entries, true),
        (None, Some(entries)) => (entries, false),
        _ => {
            return Err(vec![
                Diagnostic::new(Code::RuleOrigins, "`origins` needs exactly one of `in` and `not_in`")
                    .with_label(origins.span(source), "give `in` or `not_in`")
                    .with_help(
                        "`{\"in\": [\"EU\"]}` means the EU; `{\"not_in\": [\"EU\"]}` means every country outside it",
                    ),
            ]);
        }
    };
    let mut builder = OriginsBuilder::default();
    let mut errors = Vec::new();
    for entry in entries {
        let text = entry.value.as_str();
        if let Err(help) = builder.add(reference, text) {
            let span = entry.span(source);
            let mut diagnostic = Diagnostic::new(
                Code::RuleOrigins,
                format!("`{text}` is neither a group of countries nor a country code"),
            )
            .with_label(span, "unknown")
            .with_help(help);
            if let Some(close) = closest_group(reference, text) {
                diagnostic = diagnostic.with_suggestion(Suggestion::json_string(span, close));
            }
            errors.push(diagnostic);
        }
    }
    if errors.is_empty() { Ok(builder.build(inside)) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_ruleset_loads() {
        let source = Source::new(BUILTIN_RULES.0, BUILTIN_RULES.1);
        let rules = load_rules(&source, Reference::builtin(), true).unwrap().rules;
        let ids: Vec<&str> = rules.iter().map(|r| r.id()).collect();
        assert_eq!(ids, ["CRM001", "CRM002", "CRM003", "CRM004", "CRM005"]);
        assert!(rules.iter().all(|r| r.origin().builtin));
    }

    #[test]
    fn reports_learn_each_threshold_and_the_figure_it_is_compared_with() {
        use crate::model::{Gauge, Side};
        let source = Source::new(BUILTIN_RULES.0, BUILTIN_RULES.1);
        let rules = load_rules(&source, Reference::builtin(), true).unwrap().rules;
        let thresholds: Vec<(&str, Side, f64, &str, Gauge)> = rules
            .iter()
            .map(|r| {
                let t = &r.doc().threshold;
                (r.id(), t.side, t.value.number, t.value.text.as_str(), t.gauge)
            })
            .collect();
        assert_eq!(
            thresholds,
            [
                ("CRM001", Side::Min, 10.0, "10%", Gauge::EuShare),
                ("CRM002", Side::Min, 40.0, "40%", Gauge::EuShare),
                ("CRM003", Side::Min, 25.0, "25%", Gauge::EuShare),
                ("CRM004", Side::Max, 65.0, "65%", Gauge::CountryShare),
                ("CRM005", Side::Max, 0.0, "0%", Gauge::UnknownShare),
            ]
        );
        assert_eq!(rules[3].doc().threshold.origins.as_deref(), Some("outside the EU"));
        assert_eq!(rules[0].doc().applies_from, Some(2030));
    }
}
