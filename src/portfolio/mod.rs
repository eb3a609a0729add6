//! The portfolio: the input format, read into a ledger of sums and checked for meaning.

mod ids;
mod ledger;
mod lines;
mod load;

pub use ledger::{Basis, Cell, Consumption, EVIDENCE_LINES, Ledger, LineRef, Row, RowKey, Stage, StageLedger};
pub use load::{FORMAT_VERSION, PORTFOLIO_SCHEMA, YEARS, load};

use crate::diagnostic::Diagnostic;
use crate::reference::{CountryId, MaterialId};
use crate::source::{Source, Span};

/// A portfolio that was read without errors.
#[derive(Debug)]
pub struct Portfolio {
    /// The file it was read from.
    pub source: Source,
    /// Its `name`, if any.
    pub name: Option<String>,
    /// Its reporting year.
    pub year: u16,
    /// Where the year is written.
    pub year_span: Span,
    /// Its supplies and consumption, summed.
    pub ledger: Ledger,
    /// Its waivers.
    pub waivers: Vec<Waiver>,
    /// Notes and warnings from reading it (never errors: those stop the check).
    pub notes: Vec<Diagnostic>,
    /// How many supply lines it has.
    pub supply_lines: u32,
}

/// An accepted, time-limited exception to a rule.
#[derive(Debug, Clone)]
pub struct Waiver {
    /// The rule id waived.
    pub rule: String,
    /// Where the rule id is written.
    pub span: Span,
    /// The material it is limited to, if any.
    pub material: Option<MaterialId>,
    /// The stage it is limited to, if any.
    pub stage: Option<Stage>,
    /// The country it is limited to, if any.
    pub country: Option<CountryId>,
    /// Why it was accepted.
    pub reason: String,
    /// The last day it applies.
    pub expires: jiff::civil::Date,
    /// Where the date is written.
    pub expires_span: Span,
}
