//! A stress test as JSON: the stable document `schemas/stress-report.schema.json` describes.

use std::io;

use serde::Serialize;

use crate::model::{Cover, Finding, MaterialLoss, ScenarioResult, StressReport};
use crate::quantity::round4;
use crate::report::json::{FindingHead, InputError, Tool};

/// The version of the stress report format.
const VERSION: u32 = 1;

/// Writes `report` as JSON.
pub(super) fn write(report: &StressReport, out: &mut dyn io::Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Document::new(report))?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    /// `ran`, or `unchecked` where the portfolio or a scenario file could not be read.
    outcome: &'static str,
    exit_status: u8,
    path: &'a str,
    name: Option<&'a str>,
    year: Option<u16>,
    ranked: bool,
    input_errors: Vec<InputError<'a>>,
    findings_before: Vec<FindingOut<'a>>,
    scenarios: Vec<ScenarioOut<'a>>,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    #[serde(flatten)]
    head: FindingHead<'a>,
    value: Option<f64>,
    threshold: Option<f64>,
}

#[derive(Serialize)]
struct ScenarioOut<'a> {
    name: &'a str,
    origin: &'a str,
    date: Option<&'a str>,
    announced: Option<&'a str>,
    kind: Option<&'a str>,
    source: Option<&'a str>,
    url: Option<&'a str>,
    summary: Option<&'a str>,
    assumption: Option<&'a str>,
    cuts: &'a [String],
    materials: Vec<MaterialOut<'a>>,
    findings_after: Vec<FindingOut<'a>>,
    appeared: Vec<FindingOut<'a>>,
    cleared: Vec<FindingOut<'a>>,
    notes: &'a [String],
}

#[derive(Serialize)]
struct MaterialOut<'a> {
    material: &'a str,
    material_label: &'a str,
    tier: Option<&'static str>,
    denominator_t: f64,
    lost_t: f64,
    lost_percent: f64,
    stock_t: Option<f64>,
    stock_days: Option<f64>,
    cover_days: Option<f64>,
    cover: &'static str,
}

impl<'a> Document<'a> {
    fn new(report: &'a StressReport) -> Document<'a> {
        let before = &report.before;
        let input_errors = std::iter::once(before).chain(&report.unreadable).flat_map(InputError::of).collect();
        let ran = report.ran();
        let counting = |findings: &'a [Finding]| findings.iter().filter(|f| f.counts()).map(FindingOut::new).collect();
        Document {
            version: VERSION,
            tool: Tool::THIS,
            outcome: if ran { "ran" } else { "unchecked" },
            exit_status: if ran { 0 } else { 2 },
            path: &before.path,
            name: before.name.as_deref(),
            year: before.year,
            ranked: report.ranked,
            input_errors,
            findings_before: counting(&before.findings),
            scenarios: report.scenarios.iter().map(|r| ScenarioOut::new(r, &before.findings)).collect(),
        }
    }
}

impl<'a> FindingOut<'a> {
    fn new(f: &'a Finding) -> FindingOut<'a> {
        FindingOut {
            head: FindingHead::of(f),
            value: f.value.as_ref().map(|v| v.number),
            threshold: f.threshold.as_ref().map(|t| t.number),
        }
    }
}

impl<'a> ScenarioOut<'a> {
    fn new(r: &'a ScenarioResult, before: &'a [Finding]) -> ScenarioOut<'a> {
        let doc = &r.scenario;
        let cleared = |f: &&Finding| r.cleared.iter().any(|c| c.check.key() == f.check.key());
        let after = before.iter().filter(|f| f.counts()).filter(|f| !cleared(f)).chain(&r.appeared);
        ScenarioOut {
            name: &doc.name,
            origin: &doc.origin,
            date: doc.date.as_deref(),
            announced: doc.announced.as_deref(),
            kind: doc.kind.as_deref(),
            source: doc.source.as_deref(),
            url: doc.url.as_deref(),
            summary: doc.summary.as_deref(),
            assumption: doc.assumption.as_deref(),
            cuts: &doc.cuts,
            materials: r.materials.iter().map(MaterialOut::new).collect(),
            findings_after: after.map(FindingOut::new).collect(),
            appeared: r.appeared.iter().map(FindingOut::new).collect(),
            cleared: r.cleared.iter().map(FindingOut::new).collect(),
            notes: &r.notes,
        }
    }
}

impl<'a> MaterialOut<'a> {
    fn new(m: &'a MaterialLoss) -> MaterialOut<'a> {
        let (cover_days, cover) = match m.cover {
            Cover::NoStock => (None, "no-stock"),
            Cover::Unlimited => (None, "unlimited"),
            Cover::Days(days) => (Some(round4(days)), "days"),
        };
        MaterialOut {
            material: &m.material.id,
            material_label: &m.material.label,
            tier: m.material.tier.map(|t| t.id()),
            denominator_t: round4(m.denominator.tonnes_f64()),
            lost_t: round4(m.lost.tonnes_f64()),
            lost_percent: round4(m.lost_percent),
            stock_t: m.stock.as_ref().map(|s| round4(s.tonnes_f64())),
            stock_days: m.stock_days.map(round4),
            cover_days,
            cover,
        }
    }
}
