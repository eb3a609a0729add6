//! The share table: per material, at each stage, the EU share, the share of each country and
//! the unknown share, and the material's verdict.

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
    /// The stock held and its days of cover, where the portfolio states a stock.
    pub stock: Option<Stock>,
    /// The verdict.
    pub verdict: Verdict,
}

/// A material's stock: how much is held, and how many days of its denominator that covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Stock {
    /// The contained mass held.
    pub mass: Mass,
    /// Days of cover: stock ÷ (denominator ÷ 365).
    pub days: f64,
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
    /// Every country with a share at this stage, largest first; among equal shares, the
    /// first to appear in the file first.
    pub countries: Vec<CountryShare>,
    /// Share of unknown origin, in percent.
    pub unknown: f64,
}

impl StageShares {
    /// The largest share of one country outside the EU, and the country.
    pub fn top_third_country(&self) -> Option<(&CountryRef, f64)> {
        self.third_countries().next().map(|c| (&c.country, c.share))
    }

    /// The countries outside the EU, largest first.
    pub fn third_countries(&self) -> impl Iterator<Item = &CountryShare> {
        self.countries.iter().filter(|c| !c.eu)
    }

    /// The share of `code`, if that country has one at this stage.
    pub fn share_of(&self, code: &str) -> Option<f64> {
        self.countries.iter().find(|c| c.country.code == code).map(|c| c.share)
    }
}

/// One country's share at a stage.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryShare {
    /// The country.
    pub country: CountryRef,
    /// Its share, in percent.
    pub share: f64,
    /// Whether it is a member of the EU (its share is part of the EU share).
    pub eu: bool,
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
