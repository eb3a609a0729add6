//! What one chart shows, looked up in the report: the segments of a stage's bar, the
//! colours of a material's countries, and the thresholds of the rules that checked it, each
//! with its result. Nothing here measures or judges: shares come from the share table, which
//! rules apply from the checks, and whether they pass from the findings.

use crate::domain::Stage;
use crate::model::{
    CountryRef, CountryShare, FileReport, Finding, Gauge, Report, RuleDoc, Side, StageShares, TableRow,
};

/// A third country's share below this, in percent, is drawn as part of "other", unless it is
/// the largest at a stage. (How much to name is a matter of legibility, not of any rule.)
const NAMED_MIN: f64 = 5.0;

/// Okabe–Ito, safe for the common colour-vision deficiencies: blue for the EU.
pub(super) const EU_COLOUR: &str = "#0072B2";
/// Orange, reddish purple, bluish green, vermillion and yellow for the named third countries,
/// in the order of their largest share. Sky blue is left out: beside the EU's blue it reads
/// as the EU (Greenland, an overseas territory, is not the EU).
const THIRD_COLOURS: [&str; 5] = ["#E69F00", "#CC79A7", "#009E73", "#D55E00", "#F0E442"];
/// Grey for the third countries not named.
pub(super) const OTHER_COLOUR: &str = "#BBBBBB";
/// Black stripes on white for unknown origins: a pattern, not only a colour.
pub(super) const UNKNOWN_FILL: &str = "url(#hatch-unknown)";

/// The third countries a material's charts name, each with its colour: those with
/// [`NAMED_MIN`] or more at some stage and the largest at each stage, largest first (ties by
/// code, so that the same input gives the same colours), as many as there are colours.
pub(super) fn named_countries(row: &TableRow) -> Vec<(&CountryRef, &'static str)> {
    let mut best: Vec<(&CountryRef, f64)> = Vec::new();
    for stage in &row.stages {
        for (n, c) in stage.third_countries().enumerate() {
            if c.share < NAMED_MIN && n > 0 {
                continue;
            }
            match best.iter_mut().find(|(b, _)| b.code == c.country.code) {
                Some((_, share)) => *share = share.max(c.share),
                None => best.push((&c.country, c.share)),
            }
        }
    }
    best.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.code.cmp(&b.0.code)));
    best.into_iter().zip(THIRD_COLOURS).map(|((c, _), colour)| (c, colour)).collect()
}

/// A part of a stage's bar.
#[derive(Debug, Clone, Copy)]
pub(super) enum Part<'a> {
    /// The EU's members together.
    Eu,
    /// A named third country, in its colour.
    Country(&'a CountryRef, &'static str),
    /// The third countries not named.
    Other,
    /// Unknown origin.
    Unknown,
}

impl Part<'_> {
    /// Its fill: a colour, or the hatch pattern.
    pub(super) fn fill(self) -> &'static str {
        match self {
            Part::Eu => EU_COLOUR,
            Part::Country(_, colour) => colour,
            Part::Other => OTHER_COLOUR,
            Part::Unknown => UNKNOWN_FILL,
        }
    }

    /// Its name in a few letters, for a label on the bar.
    pub(super) fn short(&self) -> &str {
        match self {
            Part::Eu => "EU",
            Part::Country(c, _) => &c.code,
            Part::Other => "other",
            Part::Unknown => "unknown",
        }
    }

    /// Its name in words.
    pub(super) fn long(&self) -> &str {
        match self {
            Part::Eu => "EU",
            Part::Country(c, _) => &c.name,
            Part::Other => "other third countries",
            Part::Unknown => "unknown origin",
        }
    }
}

/// A part of the bar and its share, in percent.
#[derive(Debug, Clone, Copy)]
pub(super) struct Segment<'a> {
    pub part: Part<'a>,
    pub share: f64,
}

/// What became of a rule's check at a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Result {
    /// No finding.
    Passes,
    /// A finding that counts.
    Fails,
    /// Findings, all waived.
    Waived,
}

/// A rule's threshold where it applies: at one stage of one material, with its result.
#[derive(Debug, Clone)]
pub(super) struct Mark<'a> {
    /// The rule.
    pub rule: &'a RuleDoc,
    /// Its result here.
    pub result: Result,
    /// The year it applies from, where that is after the reporting year.
    pub from: Option<u16>,
    /// For a threshold on each country's share: the country checked with the largest share
    /// at this stage (none where no country was checked).
    pub country: Option<&'a CountryShare>,
    /// The first of its findings here, as an index into the file's findings.
    pub finding: Option<usize>,
}

impl Mark<'_> {
    /// Whether it is drawn on the bar: a threshold on a share that starts at 0 there (the
    /// EU's, or the known share, which the EU and the third countries make up before the
    /// unknown part).
    pub(super) fn on_bar(&self) -> bool {
        matches!(self.rule.threshold.gauge, Gauge::EuShare | Gauge::KnownShare)
    }

    /// Whether it is drawn across a lane under the bar, where one country's share is drawn
    /// from 0.
    pub(super) fn on_lane(&self) -> bool {
        self.rule.threshold.gauge == Gauge::CountryShare
    }

    /// What it asks, in a few words: `EU ≥ 10%`, `recycled ≥ 16%`, `cap 65%`, `stock ≥ 60
    /// days`; `stage` is where it is drawn (none for the material as a whole).
    pub(super) fn asks(&self, stage: Option<Stage>) -> String {
        let t = &self.rule.threshold;
        let side = match t.side {
            Side::Min => "≥",
            Side::Max => "≤",
        };
        let value = &t.value.text;
        match (t.gauge, t.side) {
            (Gauge::EuShare, _) => format!("EU {side} {value}"),
            (Gauge::KnownShare, _) if stage == Some(Stage::Recycling) => format!("recycled {side} {value}"),
            (Gauge::KnownShare, _) => format!("known origin {side} {value}"),
            (Gauge::CountryShare, Side::Max) => format!("cap {value}"),
            (Gauge::CountryShare, Side::Min) => format!("each country {side} {value}"),
            (Gauge::UnknownShare, _) => format!("unknown {side} {value}"),
            (Gauge::StockDays, _) => format!("stock {side} {value}"),
            (Gauge::Other, _) => match &t.origins {
                Some(origins) => format!("{} ({origins}) {side} {value}", t.metric),
                None => format!("{} {side} {value}", t.metric),
            },
        }
    }

    /// The result in a symbol and a word or two: `✓ passes`, `✗ would fail`, `waived`.
    pub(super) fn verdict(&self) -> (&'static str, &'static str) {
        match (self.result, self.from.is_some()) {
            (Result::Passes, false) => ("✓", "passes"),
            (Result::Passes, true) => ("✓", "would pass"),
            (Result::Fails, false) => ("✗", "fails"),
            (Result::Fails, true) => ("✗", "would fail"),
            (Result::Waived, _) => ("✗", "waived"),
        }
    }

    /// The whole of it in words, for the chart's text alternative: `CRM001 EU ≥ 10%: fails`.
    pub(super) fn sentence(&self, stage: Option<Stage>) -> String {
        let from = self.from.map(|y| format!(", applies from {y}")).unwrap_or_default();
        format!("{} {}{from}: {}", self.rule.id, self.asks(stage), self.verdict().1)
    }
}

/// One stage of a material, as its chart shows it.
#[derive(Debug)]
pub(super) struct StageView<'a> {
    pub stage: Stage,
    pub shares: &'a StageShares,
    /// EU, the named third countries largest first, other, unknown; the empty ones left out
    /// (but for the EU, which the minimums are read against).
    pub segments: Vec<Segment<'a>>,
    /// The thresholds that apply here, in the order the rules ran.
    pub marks: Vec<Mark<'a>>,
}

impl<'a> StageView<'a> {
    /// The view of `row` at `stage` in `file`.
    pub(super) fn new(
        report: &'a Report,
        file: &'a FileReport,
        row: &'a TableRow,
        stage: Stage,
        named: &[(&'a CountryRef, &'static str)],
    ) -> StageView<'a> {
        let shares = &row.stages[stage.index()];
        let mut segments = vec![Segment { part: Part::Eu, share: shares.eu }];
        let mut other = 0.0;
        for c in shares.third_countries() {
            match named.iter().find(|(n, _)| n.code == c.country.code) {
                Some((n, colour)) => segments.push(Segment { part: Part::Country(n, colour), share: c.share }),
                None => other += c.share,
            }
        }
        segments.push(Segment { part: Part::Other, share: other });
        segments.push(Segment { part: Part::Unknown, share: shares.unknown });
        segments.retain(|s| s.share > 0.0 || matches!(s.part, Part::Eu));
        let marks = marks(report, file, &row.material.label, Some(stage), Some(shares));
        StageView { stage, shares, segments, marks }
    }

    /// The shares drawn, added up: more than 100 where supplies exceed consumption.
    pub(super) fn total(&self) -> f64 {
        self.segments.iter().map(|s| s.share).fold(0.0, |a, b| a + b)
    }

    /// The share not at this stage (recycled material at extraction, say), if any.
    pub(super) fn rest(&self) -> f64 {
        let rest = 100.0 - self.total();
        // Rounding of the shares may leave a trace of a rest where there is none.
        if rest < 0.005 { 0.0 } else { rest }
    }
}

/// The thresholds of the rules that checked `material` at `stage` (with its `shares`), or
/// of the material as a whole (`None`), with their results.
pub(super) fn marks<'a>(
    report: &'a Report,
    file: &'a FileReport,
    material: &str,
    stage: Option<Stage>,
    shares: Option<&'a StageShares>,
) -> Vec<Mark<'a>> {
    let here = |m: Option<&str>, s: Option<Stage>| m == Some(material) && s == stage;
    let mut rules: Vec<&str> = Vec::new();
    for check in &file.checks {
        let (rule, m, s, _) = check.key();
        if here(m, s) && !rules.contains(&rule) {
            rules.push(rule);
        }
    }
    rules
        .into_iter()
        .filter_map(|id| report.rule(id))
        .map(|rule| {
            let findings: Vec<(usize, &Finding)> = file
                .findings
                .iter()
                .enumerate()
                .filter(|(_, f)| {
                    let (r, m, s, _) = f.check.key();
                    r == rule.id && here(m, s)
                })
                .collect();
            let counting = findings.iter().find(|(_, f)| f.counts());
            let finding = counting.or(findings.first()).map(|(n, _)| *n);
            let result = if counting.is_some() {
                Result::Fails
            } else if findings.is_empty() {
                Result::Passes
            } else {
                Result::Waived
            };
            let checked: Vec<&str> = file
                .checks
                .iter()
                .filter(|c| c.rule == rule.id && here(c.key().1, c.stage))
                .filter_map(|c| c.country.as_ref().map(|c| c.code.as_str()))
                .collect();
            let country = shares
                .filter(|_| rule.threshold.gauge == Gauge::CountryShare)
                .and_then(|shares| shares.countries.iter().find(|c| checked.contains(&c.country.code.as_str())));
            let from = file.year.filter(|y| rule.pending_in(*y)).and(rule.applies_from);
            Mark { rule, result, from, country, finding }
        })
        .collect()
}
