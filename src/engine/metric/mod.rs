//! Metric primitives: what can be measured of a material at a stage.
//!
//! Each metric is a file of this folder: its name in rule files, what it measures in words
//! (for `explain` and the rule schema), its valid thresholds, how it measures a ledger
//! [`Row`] at a stage, and its unit tests. It never knows which rule asked. Alongside each
//! value it says which supply lines are behind it, and whether the mass of unknown origin is
//! large enough to change the verdict.
//!
//! To add a metric: a file here implementing [`MetricKind`], its line in [`METRICS`], and
//! its name in `schemas/rules.schema.json` (a test checks that the schema and the registry
//! agree).

mod concentration;
mod country_share;
mod distinct_origins;
mod group_share;
mod stock_days;
mod unknown_share;

use std::cmp::Ordering;
use std::fmt;

use crate::domain::Stage;
use crate::model::{Gauge, Measure, Side, Threshold};
use crate::portfolio::{Cell, Row};
use crate::quantity::{
    DAYS_PER_YEAR, Decimal, Fraction, Mass, Percent, Share, format_days, format_number, format_share,
};
use crate::reference::{CountryId, CountrySet};

pub use super::origins::OriginSet;

/// Every metric rule files may name, in the order the rule schema lists them.
pub(crate) const METRICS: &[&dyn MetricKind] = &[
    &group_share::GroupShare,
    &country_share::CountryShare,
    &unknown_share::UnknownShare,
    &distinct_origins::DistinctOrigins,
    &concentration::Concentration,
    &stock_days::StockDays,
];

/// What the rule schema says of `metric` before it lists the metrics.
#[cfg(test)]
const SCHEMA_PREAMBLE: &str = "What is measured at each stage (or of the material as a whole), over the material's denominator (annual consumption if given, else the sum of its supplies).";

/// One kind of measurement: everything the engine knows about a metric.
pub(crate) trait MetricKind: Sync {
    /// Its name in rule files (`group-share`).
    fn name(&self) -> &'static str;

    /// What it measures, as the rule schema says after its name (one sentence).
    #[cfg_attr(not(test), expect(dead_code, reason = "the schema's text, kept in step with it by a test"))]
    fn about(&self) -> &'static str;

    /// What its values are.
    fn scale(&self) -> Scale;

    /// Whether rules may give it `origins`.
    fn takes_origins(&self) -> bool {
        true
    }

    /// Whether it is measured at each stage a rule names, or once, of the material as a
    /// whole (its rules then name no `stages`).
    fn per_stage(&self) -> bool {
        true
    }

    /// Why `threshold` cannot be one of its thresholds, if it cannot.
    fn threshold_problem(&self, threshold: Decimal) -> Option<&'static str> {
        self.scale().threshold_problem(threshold)
    }

    /// What it measures, in the words of `explain` ("the share whose country at that stage
    /// is in the EU").
    fn explain(&self, origins: &OriginSet) -> String;

    /// Measures `row` at stage `at` (`None` for a metric not [`per_stage`](Self::per_stage))
    /// against `bound`, counting the countries of `origins`.
    fn measure(&self, row: &Row, at: Option<Stage>, bound: Bound, origins: &OriginSet) -> Measured;

    /// The note on a failing finding whose verdict the `unknown` mass could change
    /// (`unknown` says how much; `origins` names the rule's countries).
    fn flip_note(&self, bound: Bound, unknown: &str, _origins: &str) -> String {
        match bound {
            Bound::Min(_) => format!("{unknown}: it may come from further countries"),
            Bound::Max(_) => format!("{unknown}: it could raise the share further"),
        }
    }

    /// Whether its findings name the passing verdicts of other rules that the unknown mass
    /// at the same stage puts at risk.
    fn names_risks(&self) -> bool {
        false
    }

    /// The least move that makes a failing measurement pass, the total unchanged; none where
    /// the metric has no such move.
    fn smallest_fix(
        &self,
        _row: &Row,
        _at: Option<Stage>,
        _bound: Bound,
        _origins: &OriginSet,
        _m: &Measurement,
    ) -> Option<Move> {
        None
    }

    /// Which figure of the share table it measures, counting `origins`; `home` is the group
    /// whose share the table shows (the EU).
    fn gauge(&self, _origins: &OriginSet, _home: &CountrySet) -> Gauge {
        Gauge::Other
    }
}

/// The stage of a per-stage metric's measurement: the rules of such a metric name their
/// stages, and evaluation measures them at each.
fn stage_of(at: Option<Stage>) -> Stage {
    at.expect("a per-stage metric is measured at a stage")
}

/// The least change that makes a failing measurement pass: a mass moved from some origins to
/// others, the total unchanged, or added to the stock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// How much, exactly.
    pub mass: Mass,
    /// All there is to move from `from`, if that is bounded: a move rounded up beyond it
    /// moves all of it.
    pub available: Option<Mass>,
    /// From where.
    pub from: End,
    /// To where.
    pub to: End,
}

/// One end of a [`Move`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The countries of a rule's origins ("the EU").
    Origins(String),
    /// Every origin outside them ("outside the EU"), unknown ones included.
    OutsideOrigins(String),
    /// One country.
    Country(CountryId),
    /// Countries other than the one capped.
    OtherCountries,
    /// Lines whose country at the stage is not known.
    Unknown,
    /// The same lines, their country documented.
    Documented,
    /// Material with no known country at the stage (for recycling: not recycled).
    NoCountry,
    /// Any country (for recycling: recycled material).
    AnyCountry,
    /// Purchases beyond the year's needs.
    Purchases,
    /// The stock held.
    Stock,
}

/// How much moves to bring `part` of `whole` to `bound`'s share: `threshold × whole − part`
/// for a minimum, `part − threshold × whole` for a maximum; `None` if it already passes.
fn needed(part: &Mass, whole: &Mass, bound: Bound) -> Option<Mass> {
    needed_for(part, whole, bound, Percent::new(bound.value())?.of_one())
}

/// How much moves to bring `part` of `whole` to `target` of it (on `bound`'s side); `None`
/// if it already passes.
fn needed_for(part: &Mass, whole: &Mass, bound: Bound, target: Fraction) -> Option<Mass> {
    let target = whole.scaled(target)?;
    let mass = match bound {
        Bound::Min(_) => target.saturating_sub(part),
        Bound::Max(_) => part.saturating_sub(&target),
    };
    (!mass.is_zero()).then_some(mass)
}

/// What a metric's values are, which decides how thresholds are checked and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scale {
    /// A share of the denominator, in percent.
    Percent,
    /// A number of things.
    Count,
    /// An index (0 to 10,000).
    Index,
    /// A number of days.
    Days,
}

impl Scale {
    fn threshold_problem(self, threshold: Decimal) -> Option<&'static str> {
        match self {
            Scale::Percent => (threshold > Decimal::HUNDRED || Percent::new(threshold).is_none())
                .then_some("a share threshold is a percentage from 0 to 100"),
            Scale::Count => threshold.to_integer().is_none().then_some("a count is a whole number"),
            Scale::Index => (threshold > Decimal::parse("10000").unwrap_or(Decimal::ONE))
                .then_some("the concentration index runs from 0 to 10,000"),
            Scale::Days => days_of_one(threshold).is_none().then_some("a number of days has at most 18 decimals"),
        }
    }
}

/// A metric as a rule uses it: its kind and the countries it counts.
#[derive(Clone)]
pub struct Metric {
    kind: &'static dyn MetricKind,
    origins: OriginSet,
}

impl fmt::Debug for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metric").field("name", &self.kind.name()).field("origins", &self.origins).finish()
    }
}

impl PartialEq for Metric {
    fn eq(&self, other: &Metric) -> bool {
        self.name() == other.name() && self.origins == other.origins
    }
}

impl Metric {
    /// The metric named `name` in a rule file, counting `origins`.
    pub(crate) fn new(kind: &'static dyn MetricKind, origins: OriginSet) -> Metric {
        Metric { kind, origins }
    }

    /// The kind of metric called `name`, if there is one.
    pub(crate) fn kind_named(name: &str) -> Option<&'static dyn MetricKind> {
        METRICS.iter().copied().find(|m| m.name() == name)
    }

    /// Its name in rule files.
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// The origins the metric counts, if it takes any.
    pub fn origins(&self) -> Option<&OriginSet> {
        self.kind.takes_origins().then_some(&self.origins)
    }

    /// What it measures, in the words of `explain`.
    pub fn explain(&self) -> String {
        self.kind.explain(&self.origins)
    }

    /// Why `threshold` cannot be a threshold of this metric, if it cannot.
    pub(crate) fn threshold_problem(&self, threshold: Decimal) -> Option<&'static str> {
        self.kind.threshold_problem(threshold)
    }

    /// Whether its values are shares in percent.
    pub fn is_share(&self) -> bool {
        self.kind.scale() == Scale::Percent
    }

    /// What its values are, where they are of the material's denominator ("shares", "days
    /// of cover"); `None` for counts and indexes.
    pub fn of_denominator(&self) -> Option<&'static str> {
        match self.kind.scale() {
            Scale::Percent => Some("shares"),
            Scale::Days => Some("days of cover"),
            Scale::Count | Scale::Index => None,
        }
    }

    /// The threshold in words ("65%", "3", "2,500").
    pub fn format_threshold(&self, threshold: Decimal) -> String {
        match self.kind.scale() {
            Scale::Percent => format!("{threshold}%"),
            Scale::Count => threshold.to_string(),
            Scale::Index => format_number(threshold.to_f64()),
            Scale::Days => format!("{threshold} days"),
        }
    }

    /// The metric as it counts in reporting year `year` (see [`OriginSet::in_year`]).
    pub fn in_year(&self, year: u16) -> Metric {
        Metric { kind: self.kind, origins: self.origins.in_year(year) }
    }

    /// Whether it is measured at each stage, or once of the material as a whole.
    pub fn per_stage(&self) -> bool {
        self.kind.per_stage()
    }

    /// Measures `row` at stage `at` (`None` unless [`Metric::per_stage`]) against `bound`.
    pub fn measure(&self, row: &Row, at: Option<Stage>, bound: Bound) -> Measured {
        self.kind.measure(row, at, bound, &self.origins)
    }

    /// The note on a failing finding whose verdict unknown origins could change.
    pub(crate) fn flip_note(&self, bound: Bound, unknown: &str) -> String {
        self.kind.flip_note(bound, unknown, &self.origins.describe())
    }

    /// Whether its findings name the verdicts the unknown mass puts at risk.
    pub(crate) fn names_risks(&self) -> bool {
        self.kind.names_risks()
    }

    /// The least move that makes `m`, a failing measurement of `row` at `stage`, pass.
    pub(crate) fn smallest_fix(&self, row: &Row, at: Option<Stage>, bound: Bound, m: &Measurement) -> Option<Move> {
        self.kind.smallest_fix(row, at, bound, &self.origins, m)
    }

    /// `bound` as reports show it, with the figure of the share table it is compared with
    /// (`home` is the group whose share the table shows).
    pub(crate) fn threshold(&self, bound: Bound, home: &CountrySet) -> Threshold {
        Threshold {
            metric: self.name().to_owned(),
            side: match bound {
                Bound::Min(_) => Side::Min,
                Bound::Max(_) => Side::Max,
            },
            value: Measure { number: bound.value().to_f64(), text: self.format_threshold(bound.value()) },
            origins: self.origins().filter(|o| !o.is_any()).map(OriginSet::describe),
            gauge: self.kind.gauge(&self.origins, home),
            share: self.is_share(),
        }
    }
}

/// The side of the threshold that passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// At least this.
    Min(Decimal),
    /// At most this.
    Max(Decimal),
}

impl Bound {
    /// The threshold.
    pub fn value(self) -> Decimal {
        match self {
            Bound::Min(v) | Bound::Max(v) => v,
        }
    }

    /// Whether `ordering` (the value's, against the threshold) passes.
    pub(super) fn passes(self, ordering: Ordering) -> bool {
        match self {
            Bound::Min(_) => ordering != Ordering::Less,
            Bound::Max(_) => ordering != Ordering::Greater,
        }
    }
}

/// A share against a bound; `alternative` is the share if all the `open` mass went the way
/// that could change the verdict (towards the group for a minimum, to the country for a
/// maximum).
fn share_measurement(share: Share, bound: Bound, alternative: &Share, open: &Mass, evidence: Evidence) -> Measurement {
    let Some(threshold) = Percent::new(bound.value()) else {
        // Rule files are checked: a share threshold is a valid percentage.
        return Measurement { value: Value::Share(share), country: None, passes: false, flip: None, evidence };
    };
    let passes = bound.passes(share.cmp_percent(threshold));
    let alternative_passes = bound.passes(alternative.cmp_percent(threshold));
    let flips = passes != alternative_passes;
    let flip = (flips && !open.is_zero()).then(|| Flip { open: open.clone() });
    Measurement { value: Value::Share(share), country: None, passes, flip, evidence }
}

/// `days` as a fraction of a year (60 days are 60/365): days of cover compare with a
/// stock's share of annual consumption. `None` if it has no exact 128-bit fraction.
fn days_of_one(days: Decimal) -> Option<Fraction> {
    days.to_fraction()?.checked_div(Fraction::new(DAYS_PER_YEAR, 1))
}

/// The value of a metric.
#[derive(Debug, Clone)]
pub enum Value {
    /// A share of the denominator.
    Share(Share),
    /// A number of countries.
    Count(u32),
    /// An index.
    Index(f64),
    /// Days of cover: a stock as a share of a year's denominator.
    Days(Share),
}

impl Value {
    /// The value as a number: a share in percent, a count, an index.
    pub fn number(&self) -> f64 {
        match self {
            Value::Share(share) => share.percent_f64(),
            Value::Count(count) => f64::from(*count),
            Value::Index(index) => *index,
            Value::Days(share) => share.ratio_f64() * DAYS_PER_YEAR as f64,
        }
    }

    /// The value in words, precise enough to be on the right side of `threshold`.
    pub fn format(&self, threshold: Option<Decimal>) -> String {
        match self {
            Value::Share(share) => format_share(share, threshold.and_then(Percent::new)),
            Value::Count(count) => count.to_string(),
            Value::Index(index) => format_number(*index),
            Value::Days(share) => format_days(share, threshold),
        }
    }
}

/// Which supply lines are behind a measurement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// The lines from one country.
    Country(CountryId),
    /// The lines inside or outside a group (which, depends on the bound).
    Group(OriginSet),
    /// The lines of unknown origin.
    Unknown,
    /// The largest line from each country of the set.
    Countries(OriginSet),
    /// The stock entry (and the consumption it is measured against).
    Stock,
}

/// Unknown origins large enough to change a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flip {
    /// The mass of unknown origin at the stage.
    pub open: Mass,
}

/// One measured value and its verdict.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// The value.
    pub value: Value,
    /// The country measured, for per-country metrics.
    pub country: Option<CountryId>,
    /// Whether it passes.
    pub passes: bool,
    /// Set if unknown origins could change the verdict.
    pub flip: Option<Flip>,
    /// The lines behind it.
    pub evidence: Evidence,
}

/// A passing verdict that unknown origins could overturn.
#[derive(Debug, Clone)]
pub enum Risk {
    /// A country under a cap that the unknown mass could push over it.
    Country {
        /// The country.
        country: CountryId,
        /// Its share now.
        share: Share,
        /// Its share if all unknown mass came from it.
        worst: Share,
    },
    /// Unknown mass larger than a cap: one country could be behind all of it.
    NewCountry {
        /// The unknown share.
        unknown: Share,
    },
}

/// Everything a metric found at one stage.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    /// The measurements (one, or one per country).
    pub measurements: Vec<Measurement>,
    /// Passing verdicts that unknown origins could overturn.
    pub at_risk: Vec<Risk>,
}

impl Measured {
    /// One measurement and no risk.
    fn one(measurement: Measurement) -> Measured {
        Measured { measurements: vec![measurement], at_risk: Vec::new() }
    }
}

/// The cells behind `evidence` that explain a failing verdict against `bound`, largest
/// first: the lines that push a share over a maximum, or those that keep it below a minimum.
pub fn evidence_cells<'r>(row: &'r Row, stage: Stage, evidence: &Evidence, bound: Bound) -> Vec<EvidenceCell<'r>> {
    let at = row.stage(stage);
    let countries_where = |keep: &dyn Fn(CountryId) -> bool| -> Vec<EvidenceCell<'r>> {
        at.countries().filter(|(c, _)| keep(*c)).map(|(c, cell)| EvidenceCell { country: Some(c), cell }).collect()
    };
    let mut cells = match evidence {
        Evidence::Country(country) => countries_where(&|c| c == *country),
        Evidence::Group(origins) => {
            let want_inside = matches!(bound, Bound::Max(_));
            let mut cells = countries_where(&|c| origins.contains(c) == want_inside);
            if cells.is_empty() && !want_inside {
                // Nothing from outside the group: show the unknown lines, or else the lines
                // that did count, so the reader can see what was counted.
                if at.unknown.lines > 0 {
                    cells.push(EvidenceCell { country: None, cell: &at.unknown });
                } else {
                    cells = countries_where(&|c| origins.contains(c));
                }
            }
            cells
        }
        Evidence::Unknown => vec![EvidenceCell { country: None, cell: &at.unknown }],
        Evidence::Countries(origins) => countries_where(&|c| origins.contains(c)),
        Evidence::Stock => Vec::new(),
    };
    cells.retain(|c| c.cell.lines > 0);
    cells.sort_by(|a, b| b.cell.mass.cmp(&a.cell.mass));
    cells
}

/// A cell of evidence and its country (none for unknown origins).
#[derive(Debug, Clone, Copy)]
pub struct EvidenceCell<'r> {
    /// The country, if known.
    pub country: Option<CountryId>,
    /// The sum and its largest lines.
    pub cell: &'r Cell,
}

#[cfg(test)]
pub(super) mod fixture {
    //! Hand-built ledger rows for the metrics' unit tests.

    use super::*;
    use crate::portfolio::{Ledger, LineRef, Route, RowKey, Stated};
    use crate::quantity::{Fraction, LineMass, product_picograms};
    use crate::reference::{Reference, Tier, UnitId};
    use crate::source::Span;

    /// `tonnes` as a mass.
    pub fn t(tonnes: &str) -> Mass {
        Mass::from_tonnes(Decimal::parse(tonnes).expect("a number"), Fraction::ONE).expect("in range")
    }

    /// The country of an ISO code.
    pub fn country(code: &str) -> CountryId {
        Reference::builtin().countries.find(code).expect("a country")
    }

    /// The origins in a group of `rules/countries.json` (`EU`).
    pub fn group(id: &str) -> OriginSet {
        let countries = &Reference::builtin().countries;
        let group = countries.group_by_id(countries.group(id).expect("a group"));
        OriginSet::within(group.members().clone(), group.name.clone())
    }

    /// A row of cobalt with `lines` at `stage`, each (country code or `None` for unknown,
    /// tonnes), and an optional consumption.
    pub fn row(stage: Stage, lines: &[(Option<&str>, &str)], consumption: Option<&str>) -> Row {
        let reference = Reference::builtin();
        let cobalt = reference.materials.resolve("cobalt").expect("cobalt").material;
        let mut ledger = Ledger::default();
        let row = ledger.row_mut(RowKey { material: cobalt, tier: Tier::Strategic }, Span::default());
        for (index, (code, tonnes)) in lines.iter().enumerate() {
            let product = product_picograms(d(tonnes), Fraction::ONE).expect("in range");
            let line = LineRef {
                mass: LineMass::new(product, None).expect("in range"),
                index: index as u32,
                material: Span::default(),
                countries: [None; 3],
                id: None,
                amount: Span::default(),
                unit: UnitId(0),
                form: None,
                content: None,
            };
            let mut countries = [None; 3];
            countries[stage.index()] = code.map(country);
            row.add_line(Route { countries, member: None }, line);
        }
        row.consumption = consumption.map(|c| Stated { mass: t(c), span: Span::default() });
        row.settle();
        row.clone()
    }

    /// A threshold.
    pub fn d(text: &str) -> Decimal {
        Decimal::parse(text).expect("a number")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema's `metric` must list exactly the registered metrics, and say of each what
    /// the metric says of itself: a metric is added in one place and the schema follows.
    #[test]
    fn the_rule_schema_lists_the_registered_metrics() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../schemas/rules.schema.json")).expect("JSON");
        let metric = &schema["$defs"]["rule"]["properties"]["metric"];
        let listed: Vec<&str> = metric["enum"].as_array().expect("an enum").iter().filter_map(|v| v.as_str()).collect();
        let registered: Vec<&str> = METRICS.iter().map(|m| m.name()).collect();
        assert_eq!(listed, registered);
        let described: Vec<String> = METRICS.iter().map(|m| format!("`{}`: {}", m.name(), m.about())).collect();
        let expected = format!("{SCHEMA_PREAMBLE} {}", described.join(" "));
        assert_eq!(metric["description"].as_str(), Some(expected.as_str()));
    }

    #[test]
    fn names_are_unique_and_found() {
        for metric in METRICS {
            assert_eq!(Metric::kind_named(metric.name()).map(|m| m.name()), Some(metric.name()));
        }
        assert!(Metric::kind_named("eu-share").is_none());
    }
}
