//! Evaluation: every active rule, over every material and stage it applies to, gives the
//! findings of a portfolio, each with its numbers and the supply lines behind it.

use rustc_hash::FxHashMap;

use super::metric::{Bound, End, Evidence, Measurement, Metric, Move, Risk, evidence_cells};
use super::rule::{Aggregate, Rule, fill};
use super::{country_ref, material_ref};
use crate::diagnostic::{Label, Severity};
use crate::domain::{Basis, Stage};
use crate::model::{Check, Finding, Fix, MaterialRef, Measure};
use crate::portfolio::{EVIDENCE_LINES, LineRef, Portfolio, Row, RowKey};
use crate::quantity::{Percent, format_number, format_share, round4};
use crate::reference::Reference;
use crate::source::Source;

/// What a rule was measured on: one material, or all materials in its scope together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// One row of the ledger.
    Row(RowKey),
    /// The materials in a rule's scope, together.
    Overall,
}

/// The findings of a portfolio, and which rows any rule applied to.
#[derive(Debug, Default)]
pub struct Evaluation {
    /// Findings, before waivers.
    pub findings: Vec<(Target, Finding)>,
    /// Every check made, passing or not.
    pub checks: Vec<(Target, Check)>,
    /// Rows that at least one rule applied to.
    pub checked_rows: Vec<RowKey>,
}

/// Evaluates `rules` (already filtered by `--select`/`--ignore`) on a portfolio.
pub fn evaluate(portfolio: &Portfolio, rules: &[&Rule], reference: &Reference, year: u16) -> Evaluation {
    let mut evaluation = Evaluation::default();
    // Per place measured: the passing verdicts (rule, words) unknown origins put at risk.
    let mut risks: FxHashMap<(Target, Option<Stage>), Vec<Risked>> = FxHashMap::default();
    let mut unknown_findings: Vec<(usize, Target, Option<Stage>)> = Vec::new();
    for rule in rules {
        // Strategic partners count from the year their partnership was signed.
        let metric = rule.metric.in_year(year);
        let rows: Vec<&Row> = portfolio
            .ledger
            .rows()
            .iter()
            .filter(|row| rule.materials.includes(row.key.material, row.key.tier))
            .collect();
        for row in &rows {
            if !evaluation.checked_rows.contains(&row.key) {
                evaluation.checked_rows.push(row.key);
            }
        }
        let merged;
        let targets: Vec<(Target, &Row)> = match rule.aggregate {
            Aggregate::PerMaterial => rows.iter().map(|row| (Target::Row(row.key), *row)).collect(),
            Aggregate::Overall if rows.is_empty() => Vec::new(),
            Aggregate::Overall => {
                let key = rows[0].key;
                merged = Row::merged(key, rows.iter().copied());
                vec![(Target::Overall, &merged)]
            }
        };
        // Each stage the rule names, or the material as a whole.
        let places: Vec<Option<Stage>> =
            if metric.per_stage() { rule.stages.iter().copied().map(Some).collect() } else { vec![None] };
        for (target, row) in targets {
            let material = target_material(reference, target, rule);
            for &stage in &places {
                let measured = metric.measure(row, stage, rule.bound);
                for risk in &measured.at_risk {
                    risks
                        .entry((target, stage))
                        .or_default()
                        .push((rule.id().to_owned(), describe_risk(reference, rule, risk)));
                }
                let check =
                    |country| Check { rule: rule.id().to_owned(), material: Some(material.clone()), stage, country };
                if measured.measurements.is_empty() {
                    // A per-country rule with no country at this stage: one passing check.
                    evaluation.checks.push((target, check(None)));
                }
                for measurement in &measured.measurements {
                    evaluation.checks.push((target, check(measurement.country.map(|c| country_ref(reference, c)))));
                }
                let at = Place { source: &portfolio.source, reference, row, stage, year };
                for measurement in measured.measurements.iter().filter(|m| !m.passes) {
                    let finding = finding(&at, rule, &metric, &material, measurement);
                    if rule.metric.names_risks() {
                        unknown_findings.push((evaluation.findings.len(), target, stage));
                    }
                    evaluation.findings.push((target, finding));
                }
            }
        }
    }
    // Say on each unknown-origin finding which passing verdicts its unknown mass puts at risk.
    for (index, target, stage) in unknown_findings {
        if let Some(risks) = risks.get(&(target, stage)) {
            let finding = &mut evaluation.findings[index].1;
            for (rule, risk) in risks {
                finding.notes.push(format!("{rule} passes, but {risk}"));
            }
        }
    }
    evaluation
}

/// A passing verdict at risk: its rule's id, and the risk in words.
type Risked = (String, String);

/// The material a finding is about: a row's, or the rule's materials together.
fn target_material(reference: &Reference, target: Target, rule: &Rule) -> MaterialRef {
    match target {
        Target::Row(key) => material_ref(reference, key),
        Target::Overall => MaterialRef::total(rule.materials.together(reference)),
    }
}

fn describe_risk(reference: &Reference, rule: &Rule, risk: &Risk) -> String {
    let cap = rule.metric.format_threshold(rule.bound.value());
    match risk {
        Risk::Country { country, share, worst } => {
            let name = &reference.countries.get(*country).name;
            let threshold = Percent::new(rule.bound.value());
            format!(
                "{name} is at {}; with the unknown origins it could reach {}, over the {cap} cap",
                format_share(share, threshold),
                format_share(worst, threshold),
            )
        }
        Risk::NewCountry { unknown } => format!(
            "the unknown origins ({}) are more than the {cap} cap: one country could be behind them",
            format_share(unknown, None)
        ),
    }
}

/// Where a rule was measured: the file, the row and the stage (none for a metric of the
/// material as a whole), in the reporting year.
struct Place<'a> {
    source: &'a Source,
    reference: &'a Reference,
    row: &'a Row,
    stage: Option<Stage>,
    year: u16,
}

/// The finding of a measurement that did not pass.
fn finding(at: &Place<'_>, rule: &Rule, metric: &Metric, material: &MaterialRef, measurement: &Measurement) -> Finding {
    let Place { reference, row, stage, year, .. } = *at;
    let threshold = rule.bound.value();
    let value_text = measurement.value.format(Some(threshold));
    let threshold_text = rule.metric.format_threshold(threshold);
    let country = measurement.country.map(|c| country_ref(reference, c));
    let origins = rule.metric.origins().map(|o| o.describe()).unwrap_or_default();
    let filled = |template: &str| {
        fill(template, |name| match name {
            "material" => material.label.clone(),
            "stage" => stage.map_or("", Stage::as_str).to_owned(),
            "participle" => stage.map_or("", Stage::participle).to_owned(),
            "country" => country.as_ref().map_or_else(String::new, |c| c.name.clone()),
            "origins" => origins.clone(),
            "value" => value_text.clone(),
            "threshold" => threshold_text.clone(),
            _ => String::new(),
        })
    };
    let message = filled(&rule.message);

    let mut notes = Vec::new();
    let mut severity = rule.doc.severity;
    if let Some(from) = rule.applies_from().filter(|from| year < *from) {
        severity = severity.min(Severity::Warning);
        notes.push(format!(
            "the benchmark applies from {from}; this is a {year} portfolio, so this is a warning for now"
        ));
    }
    if let Some(country) = measurement.country {
        let about = rule.country_notes.iter().filter(|n| n.origins.contains(country));
        notes.extend(about.map(|n| filled(&n.note)));
    }
    if let (Some(flip), Some(stage)) = (&measurement.flip, stage) {
        let open = &flip.open;
        let share = format_share(&open.share_of(row.denominator()), None);
        let unknown = format!("the {} country of {open} ({share}) is not known", stage.as_str());
        notes.push(rule.metric.flip_note(rule.bound, &unknown));
    }
    if let Some(values) = rule.metric.of_denominator() {
        let denominator = row.denominator();
        match row.basis() {
            Basis::Consumption => {}
            Basis::Supplies if rule.aggregate == Aggregate::Overall => notes.push(format!(
                "{values} are of the {denominator} supplied: no consumption is given for these materials"
            )),
            Basis::Supplies => notes
                .push(format!("{values} are of the {denominator} supplied: no consumption is given for this material")),
            Basis::Mixed => notes.push(format!(
                "{values} are of {denominator}: the consumption of the materials that give one, and the supplies of those that do not"
            )),
        }
    }

    Finding {
        check: Check { rule: rule.id().to_owned(), material: Some(material.clone()), stage, country },
        name: rule.doc.name.clone(),
        severity,
        message,
        notes,
        help: Some(rule.doc.help.clone()),
        labels: labels(at, measurement, rule.bound),
        value: Some(Measure { number: round4(measurement.value.number()), text: value_text }),
        threshold: Some(Measure { number: threshold.to_f64(), text: threshold_text }),
        waived: None,
        fix: metric.smallest_fix(row, stage, rule.bound, measurement).map(|m| fix(reference, material, stage, &m)),
        baseline: None,
    }
}

/// The smallest fix in words and numbers.
fn fix(reference: &Reference, material: &MaterialRef, stage: Option<Stage>, change: &Move) -> Fix {
    let (what, stage_word) = (&material.label, stage.map_or("", Stage::as_str));
    let (rounded, shown) = change.mass.rounded_up();
    // Rounded up beyond all there is, the least move is all of it.
    let (tonnes, text, least) = match &change.available {
        Some(all) if rounded > all.tonnes_f64() => (all.tonnes_f64(), all.to_string(), "all"),
        _ => (rounded, shown, "at least"),
    };
    let end = |end: &End| match end {
        End::Origins(words) => words.clone(),
        End::OutsideOrigins(words) => format!("outside {words}"),
        End::Country(country) => reference.countries.get(*country).name.clone(),
        End::OtherCountries => "other countries".to_owned(),
        End::Unknown => "unknown origin".to_owned(),
        End::Documented => "documented origins".to_owned(),
        End::NoCountry => format!("no known {stage_word} country"),
        End::AnyCountry => "any country".to_owned(),
        End::Purchases => "purchases".to_owned(),
        End::Stock => "stock".to_owned(),
    };
    let (from, to) = (end(&change.from), end(&change.to));
    let sentence = match (&change.from, &change.to) {
        (End::Unknown, _) => format!("document the {stage_word} country of {least} {text} of {what}"),
        (_, End::Stock) => format!("add {least} {text} of {what} to the stock"),
        (End::Stock, _) => format!("draw {least} {text} of {what} from the stock"),
        (_, End::AnyCountry) if stage == Some(Stage::Recycling) => {
            format!("replace {least} {text} of {what} by recycled material")
        }
        (_, End::AnyCountry) => format!("give a known {stage_word} country to {least} {text} of {what}"),
        (End::Origins(_), End::OutsideOrigins(_)) => {
            format!("move {least} {text} of {what} {stage_word} from {from} to origins outside it")
        }
        _ => format!("move {least} {text} of {what} {stage_word} from {from} to {to}"),
    };
    Fix { tonnes, text, from, to, sentence }
}

/// Labels on the lines responsible (a few, then "and N more"), or on the stock, and on the
/// consumption entry.
fn labels(at: &Place<'_>, m: &Measurement, bound: Bound) -> Vec<Label> {
    let row = at.row;
    let mut labels = match (at.stage, &row.stock) {
        (Some(stage), _) => line_labels(at, stage, m, bound),
        (None, Some(stock)) => vec![Label::new(stock.span, format!("stock held: {}", stock.mass))],
        (None, None) => Vec::new(),
    };
    if let Some(consumption) = &row.consumption {
        let uncovered = row.uncovered();
        let text = if matches!(m.evidence, Evidence::Unknown) && !uncovered.is_zero() {
            format!("annual consumption {}: {uncovered} of it is covered by no supply line", consumption.mass)
        } else {
            format!("annual consumption {}: the denominator", consumption.mass)
        };
        labels.push(Label::new(consumption.span, text));
    }
    if labels.is_empty() {
        let text = match at.stage {
            Some(stage) => format!("no line of this material counts at {}", stage.as_str()),
            None => "no stock is given for this material".to_owned(),
        };
        labels.push(Label::new(row.first, text));
    }
    labels
}

/// Labels on the lines responsible at `stage`, a few, then "and N more".
fn line_labels(at: &Place<'_>, stage: Stage, m: &Measurement, bound: Bound) -> Vec<Label> {
    let Place { source, reference, row, .. } = *at;
    let cells = evidence_cells(row, stage, &m.evidence, bound);
    // The largest lines across the cells, largest first.
    let mut lines: Vec<(&LineRef, Option<crate::reference::CountryId>)> =
        cells.iter().flat_map(|c| c.cell.top().map(move |line| (line, c.country))).collect();
    lines.sort_by(|a, b| b.0.mass.approx().cmp(&a.0.mass.approx()).then(a.0.index.cmp(&b.0.index)));
    lines.truncate(EVIDENCE_LINES);
    let total_lines: u32 = cells.iter().map(|c| c.cell.lines).sum();
    let mut labels: Vec<Label> = lines
        .iter()
        .map(|(line, country)| {
            let place = match (country, &m.evidence) {
                (_, Evidence::Country(_)) => String::new(),
                (Some(c), _) => format!(", {} in {}", stage.participle(), reference.countries.get(*c).name),
                (None, _) => format!(", no {} country", stage.as_str()),
            };
            Label::new(line.at(stage), format!("{}{place}", line_words(source, reference, line)))
        })
        .collect();
    let more = total_lines.saturating_sub(labels.len() as u32);
    if more > 0
        && let Some(last) = labels.last_mut()
    {
        let lines = if more == 1 { "line" } else { "lines" };
        last.text.push_str(&format!("; and {} more {lines}", format_number(f64::from(more))));
    }
    labels
}

/// A supply line in words: "PO-7: 419.9 t (2,235 t of lithium-carbonate)".
fn line_words(source: &Source, reference: &Reference, line: &LineRef) -> String {
    let who = match line.id {
        Some(id) => source.slice(id).trim_matches('"').to_owned(),
        None => format!("supply line {}", line.index + 1),
    };
    let written = source.slice(line.amount);
    // Read as its file writes numbers (`1.234,5` in a CSV file declared so).
    let numbers = source.numbers_at(line.amount.start as usize);
    let amount = numbers.read(written).map_or(written.to_owned(), |d| format_number(d.to_f64()));
    let unit = reference.units.get(line.unit);
    let (in_tonnes, unit) = (unit.tonnes == crate::quantity::Fraction::ONE, &unit.id);
    let gross = match (line.form, line.content) {
        (Some(form), _) => format!(" ({amount} {unit} of {})", reference.forms.get(form).id),
        (None, Some(content)) => format!(" ({amount} {unit} at content {})", source.slice(content)),
        // The amount as written, where it is not the contained tonnes shown.
        (None, None) if !in_tonnes => format!(" ({amount} {unit})"),
        (None, None) => String::new(),
    };
    format!("{who}: {}{gross}", line.mass)
}
