//! Metric primitives: what can be measured of a material at a stage.
//!
//! Each metric is a function of a ledger [`Row`] and a stage; it never knows which rule asked.
//! Alongside each value it says which supply lines are behind it, and whether the mass of
//! unknown origin is large enough to change the verdict.

use std::cmp::Ordering;

use num_bigint::BigUint;
use num_rational::BigRational;
use num_traits::ToPrimitive;

use super::rules::Bound;
use crate::portfolio::{Cell, Row, Stage};
use crate::quantity::{Decimal, Mass, Percent, Share, format_number, format_share};
use crate::reference::{CountryId, CountrySet};

/// A set of countries of origin, as a rule states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginSet {
    members: CountrySet,
    inside: bool,
    words: String,
}

impl OriginSet {
    /// Every country.
    pub fn any() -> OriginSet {
        OriginSet { members: CountrySet::default(), inside: false, words: String::new() }
    }

    /// The listed countries (`words` names them: "the EU").
    pub fn within(members: CountrySet, words: String) -> OriginSet {
        OriginSet { members, inside: true, words }
    }

    /// Every country but the listed ones.
    pub fn outside(members: CountrySet, words: String) -> OriginSet {
        OriginSet { members, inside: false, words }
    }

    /// Whether `country` is in the set.
    pub fn contains(&self, country: CountryId) -> bool {
        self.members.contains(country) == self.inside
    }

    /// The set in words: "the EU", "outside the EU", "any country".
    pub fn describe(&self) -> String {
        match (self.inside, self.words.is_empty()) {
            (true, _) => self.words.clone(),
            (false, true) => "any country".to_owned(),
            (false, false) => format!("outside {}", self.words),
        }
    }
}

/// What a rule measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Metric {
    /// The share of the denominator from the set's countries.
    GroupShare(OriginSet),
    /// The share of each country of the set, each checked on its own.
    CountryShare(OriginSet),
    /// The share of unknown origin.
    UnknownShare,
    /// The number of different countries of the set.
    DistinctOrigins(OriginSet),
    /// The Herfindahl-Hirschman index of the set's countries (0 to 10,000).
    Concentration(OriginSet),
}

impl Metric {
    /// The origins the metric counts, if it takes any.
    pub fn origins(&self) -> Option<&OriginSet> {
        match self {
            Metric::GroupShare(o) | Metric::CountryShare(o) | Metric::DistinctOrigins(o) | Metric::Concentration(o) => {
                Some(o)
            }
            Metric::UnknownShare => None,
        }
    }

    /// Why `threshold` cannot be a threshold of this metric, if it cannot.
    pub fn threshold_problem(&self, threshold: Decimal) -> Option<&'static str> {
        match self {
            Metric::GroupShare(_) | Metric::CountryShare(_) | Metric::UnknownShare => (threshold > Decimal::HUNDRED
                || Percent::new(threshold).is_none())
            .then_some("a share threshold is a percentage from 0 to 100"),
            Metric::DistinctOrigins(_) => {
                threshold.to_integer().is_none().then_some("a number of countries is a whole number")
            }
            Metric::Concentration(_) => (threshold > Decimal::parse("10000").unwrap_or(Decimal::ONE))
                .then_some("the concentration index runs from 0 to 10,000"),
        }
    }

    /// How a value of this metric is written: `%` for shares, nothing otherwise.
    pub fn unit(&self) -> &'static str {
        match self {
            Metric::GroupShare(_) | Metric::CountryShare(_) | Metric::UnknownShare => "%",
            Metric::DistinctOrigins(_) | Metric::Concentration(_) => "",
        }
    }

    /// Whether the metric is a share of consumption, in percent.
    pub fn is_share(&self) -> bool {
        self.unit() == "%"
    }

    /// The threshold in words ("65%", "3", "2,500").
    pub fn format_threshold(&self, threshold: Decimal) -> String {
        match self {
            Metric::Concentration(_) => format_number(threshold.to_f64()),
            _ => format!("{threshold}{}", self.unit()),
        }
    }

    /// Measures `row` at `stage` against `bound`.
    pub fn measure(&self, row: &Row, stage: Stage, bound: Bound) -> Outcome {
        let at = row.stage(stage);
        let denominator = row.denominator();
        let open = row.open(stage);
        match self {
            Metric::GroupShare(origins) => {
                let part: Mass = at.countries().filter(|(c, _)| origins.contains(*c)).map(|(_, cell)| cell.mass).sum();
                let share = part.share_of(denominator);
                let best_or_worst = (part + open).share_of(denominator);
                let measurement =
                    share_measurement(share, bound, best_or_worst, open, Evidence::Group(origins.clone()));
                Outcome { measurements: vec![measurement], at_risk: Vec::new() }
            }
            Metric::CountryShare(origins) => {
                let mut outcome = Outcome::default();
                for (country, cell) in at.countries().filter(|(c, _)| origins.contains(*c)) {
                    let share = cell.mass.share_of(denominator);
                    let worst = (cell.mass + open).share_of(denominator);
                    let mut m = share_measurement(share, bound, worst, open, Evidence::Country(country));
                    m.country = Some(country);
                    if m.passes && m.flip.is_some() {
                        outcome.at_risk.push(Risk::Country { country, share, worst });
                    }
                    outcome.measurements.push(m);
                }
                // The unknown mass might all come from one country not yet among the origins.
                if let Bound::Max(max) = bound {
                    let unknown = open.share_of(denominator);
                    if Percent::new(max).is_some_and(|max| unknown.cmp_percent(max) == Ordering::Greater) {
                        outcome.at_risk.push(Risk::NewCountry { unknown });
                    }
                }
                outcome
            }
            Metric::UnknownShare => {
                let unknown = row.unknown(stage);
                let share = unknown.share_of(denominator);
                let m = share_measurement(share, bound, share, Mass::ZERO, Evidence::Unknown);
                Outcome { measurements: vec![m], at_risk: Vec::new() }
            }
            Metric::DistinctOrigins(origins) => {
                let count = at.countries().filter(|(c, cell)| origins.contains(*c) && !cell.mass.is_zero()).count();
                let threshold = bound.value().to_integer().unwrap_or(0);
                let passes = match bound {
                    Bound::Min(_) => count as u64 >= threshold,
                    Bound::Max(_) => count as u64 <= threshold,
                };
                // Unknown origins may be further countries: a failing minimum could pass.
                let flip = (!passes && matches!(bound, Bound::Min(_)) && !open.is_zero()).then_some(Flip { open });
                let m = Measurement {
                    value: Value::Count(count as u32),
                    country: None,
                    passes,
                    flip,
                    evidence: Evidence::Countries(origins.clone()),
                };
                Outcome { measurements: vec![m], at_risk: Vec::new() }
            }
            Metric::Concentration(origins) => {
                let masses: Vec<Mass> =
                    at.countries().filter(|(c, _)| origins.contains(*c)).map(|(_, cell)| cell.mass).collect();
                let (index, cmp) = concentration(&masses, bound.value());
                let passes = match bound {
                    Bound::Min(_) => cmp != Ordering::Less,
                    Bound::Max(_) => cmp != Ordering::Greater,
                };
                let m = Measurement {
                    value: Value::Index(index),
                    country: None,
                    passes,
                    flip: None,
                    evidence: Evidence::Countries(origins.clone()),
                };
                Outcome { measurements: vec![m], at_risk: Vec::new() }
            }
        }
    }
}

/// A share against a bound; `alternative` is the share if all the `open` mass went the way
/// that could change the verdict (towards the group for a minimum, to the country for a
/// maximum).
fn share_measurement(share: Share, bound: Bound, alternative: Share, open: Mass, evidence: Evidence) -> Measurement {
    let Some(threshold) = Percent::new(bound.value()) else {
        // Rule files are checked: a share threshold is a valid percentage.
        return Measurement { value: Value::Share(share), country: None, passes: false, flip: None, evidence };
    };
    let (passes, flips) = match bound {
        Bound::Min(_) => {
            let passes = share.cmp_percent(threshold) != Ordering::Less;
            (passes, !passes && alternative.cmp_percent(threshold) != Ordering::Less)
        }
        Bound::Max(_) => {
            let passes = share.cmp_percent(threshold) != Ordering::Greater;
            (passes, passes && alternative.cmp_percent(threshold) == Ordering::Greater)
        }
    };
    let flip = (flips && !open.is_zero()).then_some(Flip { open });
    Measurement { value: Value::Share(share), country: None, passes, flip, evidence }
}

/// The Herfindahl-Hirschman index of `masses` (each as a share of their sum, in percent,
/// squared and added), and how it compares with `threshold`, exactly.
fn concentration(masses: &[Mass], threshold: Decimal) -> (f64, Ordering) {
    let total: BigUint = masses.iter().map(|m| BigUint::from(m.picograms())).sum();
    if total == BigUint::ZERO {
        return (0.0, BigRational::from_integer(0.into()).cmp(&threshold.to_big()));
    }
    let squares: BigUint = masses.iter().map(|m| BigUint::from(m.picograms()).pow(2)).sum();
    let index = BigRational::new((squares * 10_000u32).into(), total.pow(2).into());
    (index.to_f64().unwrap_or(f64::NAN), index.cmp(&threshold.to_big()))
}

/// The value of a metric.
#[derive(Debug, Clone, Copy)]
pub enum Value {
    /// A share of the denominator.
    Share(Share),
    /// A number of countries.
    Count(u32),
    /// An index.
    Index(f64),
}

impl Value {
    /// The value as a number: a share in percent, a count, an index.
    pub fn number(self) -> f64 {
        match self {
            Value::Share(share) => share.percent_f64(),
            Value::Count(count) => f64::from(count),
            Value::Index(index) => index,
        }
    }

    /// The value in words, precise enough to be on the right side of `threshold`.
    pub fn format(self, threshold: Option<Decimal>) -> String {
        match self {
            Value::Share(share) => format_share(share, threshold.and_then(Percent::new)),
            Value::Count(count) => count.to_string(),
            Value::Index(index) => format_number(index),
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
}

/// Unknown origins large enough to change a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy)]
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
pub struct Outcome {
    /// The measurements (one, or one per country).
    pub measurements: Vec<Measurement>,
    /// Passing verdicts that unknown origins could overturn.
    pub at_risk: Vec<Risk>,
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
    };
    cells.retain(|c| c.cell.lines > 0);
    cells.sort_by_key(|c| std::cmp::Reverse(c.cell.mass));
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
