//! The formats of a diff (`crma-check diff`): a summary for people (`human`), the stable
//! JSON document (`json`, `schemas/diff-report.schema.json`), and Markdown for a pull-request
//! comment (`markdown`).

mod human;
mod json;
mod markdown;

use std::io;

use super::Style;
use super::words::percent;
use crate::domain::Stage;
use crate::model::{Change, CountryRef, Finding, MaterialDiff, StageDiff};

/// A format of a diff's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiffFormat {
    /// What moved and the findings that came, went and stayed, in plain words.
    Human,
    /// The stable JSON report (schemas/diff-report.schema.json).
    Json,
    /// Markdown for a pull-request comment.
    Markdown,
}

impl DiffFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [DiffFormat; 3] = [DiffFormat::Human, DiffFormat::Json, DiffFormat::Markdown];

    /// Its name, as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            DiffFormat::Human => "human",
            DiffFormat::Json => "json",
            DiffFormat::Markdown => "markdown",
        }
    }

    /// What it is for, in a line.
    pub fn about(self) -> &'static str {
        match self {
            DiffFormat::Human => "What moved, and the findings introduced, resolved and persisting.",
            DiffFormat::Json => "The stable JSON report (schemas/diff-report.schema.json).",
            DiffFormat::Markdown => "Markdown for a pull-request comment: the findings, then a table of what moved.",
        }
    }

    /// Writes `report`; `style` says how for people.
    pub fn write(self, report: &crate::model::DiffReport, style: &Style, out: &mut dyn io::Write) -> io::Result<()> {
        match self {
            DiffFormat::Human => human::write(report, style, out),
            DiffFormat::Json => json::write(report, out),
            DiffFormat::Markdown => markdown::write(report, out),
        }
    }
}

/// A share before and after, with an arrow for the direction and the change in percentage
/// points: `62.0% → 70.1% (↑8.1)`; `–` for a version without the material.
fn moved(change: &Change) -> String {
    let side = |v: Option<f64>| v.map_or("–".to_owned(), |v| format!("{v:.1}%"));
    match change.points() {
        Some(0.0) => side(change.new),
        Some(points) => format!("{} → {} ({})", side(change.old), side(change.new), points_text(points)),
        None => format!("{} → {}", side(change.old), side(change.new)),
    }
}

/// The largest non-EU share before and after, naming the country (through `name`, which
/// escapes it for the format) once where it is the same, on each side where it changed;
/// `–` where neither version has one.
fn largest(stage: &StageDiff, name: impl Fn(&str) -> String) -> String {
    match &stage.largest_non_eu {
        [Some((a, _)), Some((b, _))] if a.code == b.code => {
            format!("{} {}", name(&a.name), moved(&stage.largest_non_eu_change()))
        }
        [None, None] => "–".to_owned(),
        [old, new] => {
            let side = |l: &Option<(CountryRef, f64)>| {
                l.as_ref().map_or("–".to_owned(), |(c, share)| format!("{} {}", name(&c.name), percent(*share)))
            };
            format!("{} → {}", side(old), side(new))
        }
    }
}

/// The stages of a material whose shares moved (all of them for a material in one version
/// only).
fn moved_stages(material: &MaterialDiff) -> impl Iterator<Item = (Stage, &StageDiff)> {
    Stage::ALL
        .into_iter()
        .map(|stage| (stage, &material.stages[stage.index()]))
        .filter(|(_, shares)| shares.moved() || material.in_old != material.in_new)
}

/// A change in percentage points with its arrow: `↑8.1`, `↓0.4`, `↑<0.1`.
fn points_text(points: f64) -> String {
    let arrow = if points > 0.0 { '↑' } else { '↓' };
    let size = points.abs();
    if size < 0.05 { format!("{arrow}<0.1") } else { format!("{arrow}{size:.1}") }
}

/// A persisting finding's value before and after (`70% → 72.5%`), if it has one.
fn values(finding: &Finding) -> Option<String> {
    let baselined = finding.baseline.as_ref()?;
    let now = finding.value.as_ref()?;
    let was = baselined.was.as_ref()?;
    let share = was.text.ends_with('%');
    let now = if share { format!("{}%", now.number) } else { now.number.to_string() };
    Some(if was.text == now {
        format!("{now}, unchanged")
    } else {
        format!("{} → {now}, {}", was.text, baselined.state.id())
    })
}
