//! The result of a stress test: a portfolio checked as it is, then under each scenario of
//! supply cuts, on the same denominators.

use super::{FileReport, Finding, MaterialRef};
use crate::quantity::Mass;

/// A stress test of one portfolio under one or more scenarios.
#[derive(Debug)]
pub struct StressReport {
    /// The portfolio checked as it is: its findings, table and any input errors.
    pub before: FileReport,
    /// Scenario files that could not be read, with their errors.
    pub unreadable: Vec<FileReport>,
    /// Each scenario's result, in the order given (ranked, for `--each-country`).
    pub scenarios: Vec<ScenarioResult>,
    /// Whether the scenarios are one cut per country, ranked by the largest share lost.
    pub ranked: bool,
    /// The day waivers were checked against.
    pub as_of: jiff::civil::Date,
}

impl StressReport {
    /// Whether the analysis ran: the portfolio and every scenario could be read.
    pub fn ran(&self) -> bool {
        self.before.checked() && self.unreadable.is_empty()
    }
}

/// What a scenario is, as its file (or the command line) states it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScenarioDoc {
    /// Its name.
    pub name: String,
    /// Where it was read from: a file, or `--cut`.
    pub origin: String,
    /// The day the measure took effect, if stated.
    pub date: Option<String>,
    /// The day it was announced, if stated.
    pub announced: Option<String>,
    /// `ban`, `licence`, `quota`, `suspension`, if stated.
    pub kind: Option<String>,
    /// Its source (the official text).
    pub source: Option<String>,
    /// A link to the source.
    pub url: Option<String>,
    /// What the measure does.
    pub summary: Option<String>,
    /// Why the shares lost are what they are.
    pub assumption: Option<String>,
    /// The cuts, in words (`CN at processing, graphite: 100% lost`).
    pub cuts: Vec<String>,
}

/// A scenario applied to a portfolio.
#[derive(Debug)]
pub struct ScenarioResult {
    /// The scenario.
    pub scenario: ScenarioDoc,
    /// Per material (in the order of the share table): what is lost and how long stocks last.
    pub materials: Vec<MaterialLoss>,
    /// Findings (not waived) that the cut brings about.
    pub appeared: Vec<Finding>,
    /// Findings (not waived) that the cut clears.
    pub cleared: Vec<Finding>,
    /// Remarks on how the scenario was applied (a cut on an element that lines of the group
    /// do not name, say).
    pub notes: Vec<String>,
}

impl ScenarioResult {
    /// The largest share of its denominator any strategic raw material loses, in percent.
    pub fn largest_strategic_loss(&self) -> Option<&MaterialLoss> {
        self.materials
            .iter()
            .filter(|m| m.material.tier == Some(crate::reference::Tier::Strategic))
            .max_by(|a, b| a.lost_percent.total_cmp(&b.lost_percent))
    }
}

/// What one material loses under a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct MaterialLoss {
    /// The material.
    pub material: MaterialRef,
    /// The denominator of its shares (unchanged by the cut).
    pub denominator: Mass,
    /// The contained tonnes lost.
    pub lost: Mass,
    /// `lost` as a share of the denominator, in percent.
    pub lost_percent: f64,
    /// The stock held, if stated.
    pub stock: Option<Mass>,
    /// Days of consumption the stock covers before the cut: stock ÷ (denominator ÷ 365).
    pub stock_days: Option<f64>,
    /// Days the stock bridges the loss: stock × 365 ÷ tonnes lost.
    pub cover: Cover,
}

/// How long a stock bridges a loss.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cover {
    /// No stock is stated.
    NoStock,
    /// Nothing is lost.
    Unlimited,
    /// So many days.
    Days(f64),
}
