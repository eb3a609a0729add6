//! Stress tests: a portfolio under supply cuts.
//!
//! A cut names an origin (a country or a group), the stages at which it is matched (any, by
//! default), the materials it hits (all, by default) and the share of the matching supply
//! that is lost. A supply line is hit when any cut matches it: its country at one of the
//! cut's stages is in the cut's origin, and its material is one the cut names. A hit line
//! loses that share of its contained quantity at every stage (material that never gets
//! extracted never gets processed either); a line hit by several cuts is lost once, by the
//! largest share. Lines are kept by route in the ledger (the country of each stage), so a cut
//! is applied to routes and the ledger settled again. Denominators do not change: demand
//! does not fall because a supplier fails.

use serde::Deserialize;

use super::origins::{OriginSet, OriginsBuilder};
use crate::diagnostic::{Code, Diagnostic};
use crate::domain::Stage;
use crate::json::{self, Number, Schema, Spanned, Text, present};
use crate::model::{CheckKey, Cover, Finding, MaterialLoss, ScenarioDoc, ScenarioResult};
use crate::portfolio::{Portfolio, Route, Row};
use crate::quantity::{DAYS_PER_YEAR, Decimal, Fraction, Mass};
use crate::reference::{MaterialId, Reference};
use crate::source::Source;

/// The scenario file schema, embedded.
pub(crate) static SCENARIO_SCHEMA: std::sync::LazyLock<Schema> = std::sync::LazyLock::new(|| {
    Schema::new(
        crate::schemas::SCENARIO,
        &[("cuts", "cut")],
        "a scenario file is a JSON object with a `name`, a `date`, a `source` and `cuts`; see schemas/scenario.schema.json",
        None,
    )
});

/// The most decimals a percentage lost may have (keeps every fraction of a mass small).
const PERCENT_DECIMALS: i32 = 6;

/// A material a cut names: the material, and the member element if one was named.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    material: MaterialId,
    member: Option<u8>,
    /// As written.
    name: String,
}

/// One cut: what it hits, and the share of it that is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    origin: OriginSet,
    origin_written: String,
    stages: Vec<Stage>,
    materials: Vec<Target>,
    /// The share lost, of one.
    lost: Fraction,
    percent: Decimal,
}

impl Cut {
    /// Whether the cut hits the lines of `row` on `route`, in reporting `year`.
    fn hits(&self, row: &Row, route: &Route, year: u16) -> bool {
        let stages: &[Stage] = if self.stages.is_empty() { &Stage::ALL } else { &self.stages };
        let at_origin = stages.iter().any(|&s| route.at(s).is_some_and(|c| self.origin.contains_in(c, year)));
        let material = self.materials.is_empty()
            || self
                .materials
                .iter()
                .any(|t| t.material == row.key.material && (t.member.is_none() || t.member == route.member));
        at_origin && material
    }

    /// The cut in words: `CN at processing, graphite: 100% lost`.
    fn describe(&self) -> String {
        let mut words = self.origin_written.clone();
        if !self.stages.is_empty() {
            let stages: Vec<&str> = self.stages.iter().map(|s| s.as_str()).collect();
            words.push_str(&format!(" at {}", stages.join(" or ")));
        }
        if !self.materials.is_empty() {
            let names: Vec<&str> = self.materials.iter().map(|t| t.name.as_str()).collect();
            words.push_str(&format!(", {}", names.join(", ")));
        }
        format!("{words}: {}% lost", self.percent)
    }
}

/// A scenario: what it is, and its cuts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub(crate) doc: ScenarioDoc,
    cuts: Vec<Cut>,
}

impl Scenario {
    /// A scenario of the cuts given on the command line.
    pub(crate) fn of_cuts(name: String, origin: &str, cuts: Vec<Cut>) -> Scenario {
        let doc = ScenarioDoc {
            name,
            origin: origin.to_owned(),
            cuts: cuts.iter().map(Cut::describe).collect(),
            ..ScenarioDoc::default()
        };
        Scenario { doc, cuts }
    }

    /// The share of the lines of `row` on `route` that is lost: the largest of the cuts that
    /// hit them, or none.
    fn lost(&self, row: &Row, route: &Route, year: u16) -> Fraction {
        let hits = self.cuts.iter().filter(|cut| cut.hits(row, route, year)).map(|cut| cut.lost);
        hits.max().unwrap_or(Fraction::new(0, 1))
    }

    /// The portfolio after the cuts, with the remarks on how they applied; `None` if a
    /// product overflows (a percentage too precise to combine with a form's fraction).
    pub(crate) fn apply(&self, portfolio: &Portfolio, year: u16) -> Option<(Portfolio, Vec<String>)> {
        let ledger = portfolio.ledger.cut(|row, route| self.lost(row, route, year))?;
        Some((portfolio.with_ledger(ledger), self.unattributed(portfolio, year)))
    }

    /// Where a cut names an element of a group material, the lines that name only the group
    /// and would otherwise be hit: they cannot be attributed to the element.
    fn unattributed(&self, portfolio: &Portfolio, year: u16) -> Vec<String> {
        let mut notes = Vec::new();
        for cut in &self.cuts {
            for target in cut.materials.iter().filter(|t| t.member.is_some()) {
                let general = Cut { materials: vec![Target { member: None, ..target.clone() }], ..cut.clone() };
                let rows = portfolio.ledger.rows().iter().filter(|r| r.key.material == target.material);
                let mass: Mass = rows
                    .flat_map(|row| row.routes().map(move |(route, cell)| (row, route, cell)))
                    .filter(|(row, route, _)| route.member.is_none() && general.hits(row, route, year))
                    .map(|(_, _, cell)| &cell.mass)
                    .sum();
                if !mass.is_zero() {
                    notes.push(format!(
                        "{mass} of lines that name no element of the group are not hit by the cut on {}: name the element on those lines to count them",
                        target.name
                    ));
                }
            }
        }
        notes
    }
}

/// A cut on every line from `country`, at any stage, of any material: one scenario of
/// `--each-country`.
pub(crate) fn country_cut(reference: &Reference, code: &str) -> Option<Cut> {
    let mut origin = OriginsBuilder::default();
    origin.add(reference, code).ok()?;
    Some(Cut {
        origin: origin.build(true),
        origin_written: code.to_owned(),
        stages: Vec::new(),
        materials: Vec::new(),
        lost: Fraction::ONE,
        percent: Decimal::HUNDRED,
    })
}

/// Reads a cut written `ORIGIN[:STAGE[:MATERIAL]][@PERCENT]`; `Err` says what is wrong.
pub(crate) fn parse_cut(reference: &Reference, spec: &str) -> Result<Cut, String> {
    let (place, percent) = match spec.rsplit_once('@') {
        Some((place, percent)) => (place, Some(percent)),
        None => (spec, None),
    };
    let mut parts = place.splitn(3, ':');
    let origin = parts.next().unwrap_or_default();
    let stage = parts.next().unwrap_or_default();
    let material = parts.next().unwrap_or_default();
    let stages = match stage {
        "" => Vec::new(),
        name => vec![Stage::parse(name).ok_or_else(|| {
            format!("`{name}` is not a stage: write extraction, processing or recycling, or nothing for any stage")
        })?],
    };
    let materials = match material {
        "" => Vec::new(),
        name => vec![target(reference, name).map_err(|help| format!("unknown material `{name}`: {help}"))?],
    };
    let percent = match percent {
        None => Decimal::HUNDRED,
        Some(text) => Decimal::parse(text).map_err(|_| format!("`{text}` is not a percentage"))?,
    };
    cut(reference, origin, stages, materials, percent).map_err(|problem| format!("in `{spec}`: {problem}"))
}

/// A cut from its parts, checked: a known origin, a percentage in (0, 100].
fn cut(
    reference: &Reference,
    origin: &str,
    stages: Vec<Stage>,
    materials: Vec<Target>,
    percent: Decimal,
) -> Result<Cut, String> {
    let mut builder = OriginsBuilder::default();
    builder
        .add(reference, origin)
        .map_err(|help| format!("`{origin}` is neither a group nor a country code ({help})"))?;
    let lost = lost_share(percent)?;
    Ok(Cut { origin: builder.build(true), origin_written: origin.to_owned(), stages, materials, lost, percent })
}

/// A percentage in (0, 100] with at most six decimals, as a fraction of one.
fn lost_share(percent: Decimal) -> Result<Fraction, String> {
    let fraction = percent.to_fraction().filter(|_| !percent.is_zero() && percent <= Decimal::HUNDRED);
    let fraction = fraction.ok_or_else(|| format!("{percent}% is not a share from 0 (excluded) to 100"))?;
    if percent.decimals() > PERCENT_DECIMALS {
        return Err(format!("{percent}% has more than {PERCENT_DECIMALS} decimals"));
    }
    fraction.checked_div(Fraction::new(100, 1)).ok_or_else(|| format!("{percent}% is out of range"))
}

/// The material of a name, with the member element if the name is one.
fn target(reference: &Reference, name: &str) -> Result<Target, String> {
    let materials = &reference.materials;
    let resolved = materials.resolve(name).ok_or_else(|| match materials.suggest(name) {
        Some(close) => format!("did you mean `{close}`?"),
        None => "`crma-check materials` lists the names".to_owned(),
    })?;
    let members = &materials.get(resolved.material).members;
    let member = resolved.member.and_then(|named| members.iter().position(|m| std::ptr::eq(m, named)));
    Ok(Target { material: resolved.material, member: member.map(|n| n as u8), name: name.to_owned() })
}

// ---- Scenario files -----------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile<'a> {
    #[serde(rename = "$schema", default, deserialize_with = "present", borrow)]
    _schema: Option<Text<'a>>,
    #[serde(rename = "version", default, deserialize_with = "present", borrow)]
    _version: Option<Spanned<'a, Number<'a>>>,
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    date: Spanned<'a, Text<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    announced: Option<Spanned<'a, Text<'a>>>,
    #[serde(default, deserialize_with = "present", borrow)]
    kind: Option<Text<'a>>,
    #[serde(borrow)]
    source: Text<'a>,
    #[serde(default, deserialize_with = "present", borrow)]
    url: Option<Text<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    summary: Option<Text<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    assumption: Option<Text<'a>>,
    #[serde(borrow)]
    cuts: Vec<CutLine<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CutLine<'a> {
    #[serde(borrow)]
    origin: Spanned<'a, Text<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    stages: Option<Vec<Text<'a>>>,
    #[serde(default, deserialize_with = "present", borrow)]
    materials: Option<Vec<Spanned<'a, Text<'a>>>>,
    #[serde(default, deserialize_with = "present", borrow)]
    percent: Option<Spanned<'a, Number<'a>>>,
}

/// Reads a scenario file, checked against its schema in full first; errors point into it.
pub(crate) fn read_scenario(source: &Source, reference: &Reference) -> Result<Scenario, Vec<Diagnostic>> {
    let problems = json::validate(source, &SCENARIO_SCHEMA);
    if !problems.is_empty() {
        return Err(problems.into_iter().map(|p| p.diagnostic).collect());
    }
    let file: ScenarioFile = serde_json::from_str(source.text()).map_err(|error| {
        json::diagnose(source, &SCENARIO_SCHEMA, &error).into_iter().map(|p| p.diagnostic).collect::<Vec<_>>()
    })?;
    let mut errors = Vec::new();
    for date in std::iter::once(&file.date).chain(&file.announced) {
        if date.value.as_str().parse::<jiff::civil::Date>().is_err() {
            errors.push(
                Diagnostic::new(Code::InvalidDate, format!("`{}` is not a date in the calendar", date.value))
                    .with_label(date.span(source), "no such day"),
            );
        }
    }
    let mut cuts = Vec::new();
    for line in &file.cuts {
        let stages = line.stages.iter().flatten().filter_map(|s| Stage::parse(s.as_str())).collect();
        let mut materials = Vec::new();
        for name in line.materials.iter().flatten() {
            match target(reference, name.value.as_str()) {
                Ok(target) => materials.push(target),
                Err(help) => errors.push(
                    Diagnostic::new(Code::UnknownMaterial, format!("unknown material `{}`", name.value))
                        .with_label(name.span(source), "not a known material")
                        .with_help(help),
                ),
            }
        }
        let percent = line.percent.as_ref().map_or(Ok(Decimal::HUNDRED), |p| Decimal::parse(p.value.0));
        let origin = line.origin.value.as_str();
        match percent.map_err(|_| "not a number".to_owned()).and_then(|p| cut(reference, origin, stages, materials, p))
        {
            Ok(cut) => cuts.push(cut),
            Err(problem) => {
                let at = match (&line.percent, problem.contains('%')) {
                    (Some(percent), true) => percent.span(source),
                    _ => line.origin.span(source),
                };
                errors.push(Diagnostic::new(Code::ScenarioCut, problem).with_label(at, "here"));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let text = |t: &Option<Text<'_>>| t.as_ref().map(Text::to_string);
    let doc = ScenarioDoc {
        name: file.name.to_string(),
        origin: source.name().to_owned(),
        date: Some(file.date.value.to_string()),
        announced: file.announced.as_ref().map(|a| a.value.to_string()),
        kind: text(&file.kind),
        source: Some(file.source.to_string()),
        url: text(&file.url),
        summary: text(&file.summary),
        assumption: text(&file.assumption),
        cuts: cuts.iter().map(Cut::describe).collect(),
    };
    Ok(Scenario { doc, cuts })
}

// ---- Applying a scenario ------------------------------------------------------------------

/// What `scenario` does to `portfolio`, assessed in `context` as `before` was; `None` if a
/// cut's share is too precise to combine with a traded form's fraction.
pub(crate) fn outcome(
    scenario: &Scenario,
    portfolio: &Portfolio,
    before: &super::Assessment,
    context: &super::Context<'_>,
) -> Option<ScenarioResult> {
    let (cut, notes) = scenario.apply(portfolio, context.year)?;
    let after = super::findings(&cut, context);
    let materials = portfolio
        .ledger
        .rows()
        .iter()
        .zip(cut.ledger.rows())
        .map(|(row, cut_row)| {
            let lost = row.supplied.saturating_sub(&cut_row.supplied);
            let denominator = row.denominator();
            let stock = row.stock.as_ref().map(|s| &s.mass);
            let cover = match (stock, lost.is_zero()) {
                (None, _) => Cover::NoStock,
                (Some(_), true) => Cover::Unlimited,
                (Some(stock), false) => Cover::Days(stock.share_of(&lost).ratio_f64() * DAYS_PER_YEAR as f64),
            };
            MaterialLoss {
                material: super::material_ref(context.reference, row.key),
                denominator: denominator.clone(),
                lost_percent: lost.share_of(denominator).percent_f64(),
                lost,
                stock: stock.cloned(),
                stock_days: row.stock_days(),
                cover,
            }
        })
        .collect();
    // Rule findings that count; the tool's own (about waivers) are not the cut's doing.
    Some(ScenarioResult {
        scenario: scenario.doc.clone(),
        materials,
        appeared: missing_from(&after, &before.findings),
        cleared: missing_from(&before.findings, &after),
        notes,
    })
}

/// The rule findings of `these` that count and that `others` has none of (by their check);
/// the tool's own findings (about waivers) are not a cut's doing.
fn missing_from(these: &[Finding], others: &[Finding]) -> Vec<Finding> {
    let counting = |f: &&Finding| f.counts() && !f.is_own();
    let keys: rustc_hash::FxHashSet<CheckKey<'_>> = others.iter().filter(counting).map(|f| f.check.key()).collect();
    these.iter().filter(counting).filter(|f| !keys.contains(&f.check.key())).cloned().collect()
}

/// Every country some line of the portfolio names, at any stage, in order of first
/// appearance.
pub(crate) fn countries_named(portfolio: &Portfolio, reference: &Reference) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for row in portfolio.ledger.rows() {
        for (route, _) in row.routes() {
            for country in route.countries.iter().flatten() {
                let code = &reference.countries.get(*country).code;
                if !codes.contains(code) {
                    codes.push(code.clone());
                }
            }
        }
    }
    codes
}
