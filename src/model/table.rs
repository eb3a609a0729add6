//! The share table: per material, at each stage, the EU share, the largest share of one
//! country outside it and the unknown share, and the material's verdict.

pub use crate::domain::Basis;

use super::{CountryRef, MaterialRef};
use crate::quantity::Mass;

/// The shares of every material, and of all strategic materials together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// One row per material (and tier), in order of first appearance.
    pub rows: Vec<TableRow>,
    /// All strategic raw materials together, if there are any.
    pub overall: Option<TableRow>,
}

/// One row of the share table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// The material.
    pub material: MaterialRef,
    /// The denominator.
    pub denominator: Mass,
    /// How it was obtained.
    pub basis: Basis,
    /// Extraction, processing, recycling.
    pub stages: [StageShares; 3],
    /// The verdict.
    pub verdict: Verdict,
}

impl TableRow {
    /// The denominator in words: `160 t consumed`, `605 t supplied`, `1,400 t in all`.
    pub fn denominator_text(&self) -> String {
        match self.basis {
            Basis::Consumption => format!("{} consumed", self.denominator),
            Basis::Supplies => format!("{} supplied", self.denominator),
            Basis::Mixed => format!("{} in all", self.denominator),
        }
    }
}

/// One stage of a material in the share table.
#[derive(Debug, Clone, PartialEq)]
pub struct StageShares {
    /// Share from the EU, in percent.
    pub eu: f64,
    /// Share from the EU and its strategic partners (each from the year it signed), in
    /// percent.
    pub eu_and_partners: f64,
    /// The largest share of one country outside the EU, in percent, and the country.
    pub top_third_country: Option<(CountryRef, f64)>,
    /// Share of unknown origin, in percent.
    pub unknown: f64,
}

/// The verdict of a material in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// An error finding that is not waived.
    Fails,
    /// Warnings only.
    Warnings,
    /// Every rule that applies passes (or its findings are waived).
    Passes,
    /// No rule applies: a critical raw material that is not strategic.
    NoBenchmark,
    /// No rule applies: not a critical raw material.
    OutOfScope,
}

impl Verdict {
    /// An identifier for machine formats (`no-benchmark`).
    pub fn id(self) -> &'static str {
        match self {
            Verdict::NoBenchmark => "no-benchmark",
            Verdict::OutOfScope => "out-of-scope",
            other => other.as_str(),
        }
    }

    /// The verdict in words.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Fails => "fails",
            Verdict::Warnings => "warnings",
            Verdict::Passes => "passes",
            Verdict::NoBenchmark => "no benchmark",
            Verdict::OutOfScope => "out of scope",
        }
    }
}
