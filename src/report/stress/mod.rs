//! The formats of a stress test (`crma-check stress`): a table per scenario for people
//! (`human`), the stable JSON document (`json`, `schemas/stress-report.schema.json`), and a
//! Markdown summary (`markdown`).

mod human;
mod json;
mod markdown;

use std::io;

use super::Style;
use super::words::cover_days;
use crate::model::{Cover, MaterialLoss, StressReport};

/// A format of a stress test's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StressFormat {
    /// A table per scenario, in plain words.
    Human,
    /// The stable JSON report (schemas/stress-report.schema.json).
    Json,
    /// A Markdown summary for a pull request or a job summary.
    Markdown,
}

impl StressFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [StressFormat; 3] = [StressFormat::Human, StressFormat::Json, StressFormat::Markdown];

    /// Its name, as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            StressFormat::Human => "human",
            StressFormat::Json => "json",
            StressFormat::Markdown => "markdown",
        }
    }

    /// What it is for, in a line.
    pub fn about(self) -> &'static str {
        match self {
            StressFormat::Human => "A table per scenario, in plain words.",
            StressFormat::Json => "The stable JSON report (schemas/stress-report.schema.json).",
            StressFormat::Markdown => "A Markdown summary for a pull request or a job summary.",
        }
    }

    /// Writes `report`; `style` says how for people.
    pub fn write(self, report: &StressReport, style: &Style, out: &mut dyn io::Write) -> io::Result<()> {
        match self {
            StressFormat::Human => human::write(report, style, out),
            StressFormat::Json => json::write(report, out),
            StressFormat::Markdown => markdown::write(report, out),
        }
    }
}

/// How long the stock bridges the loss, in words.
fn cover(loss: &MaterialLoss) -> String {
    match loss.cover {
        Cover::NoStock => "no stock".to_owned(),
        Cover::Unlimited => "unlimited".to_owned(),
        Cover::Days(d) => cover_days(d),
    }
}

/// The stock's days of cover before the cut, in words.
fn stock_days(loss: &MaterialLoss) -> String {
    match (&loss.stock, loss.stock_days) {
        (None, _) => "-".to_owned(),
        (Some(_), None) => "no demand".to_owned(),
        (Some(_), Some(d)) => cover_days(d),
    }
}
