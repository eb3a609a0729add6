//! The portfolio: a file read into a ledger of sums and checked for meaning.
//!
//! A reader per file format (`json`) turns the file into input-neutral records (`record`);
//! the builder (`build`) checks what they mean and sums them into the ledger (`ledger`),
//! which is all the engine reads.

mod build;
mod ids;
mod json;
mod ledger;
mod record;
mod supplies_from;
mod tabular;

#[cfg(test)]
pub(crate) use json::PORTFOLIO_SCHEMA;
#[cfg(test)]
pub(crate) use ledger::Stated;
pub use ledger::{Cell, EVIDENCE_LINES, Ledger, LineRef, Route, Row, RowKey};
pub(crate) use tabular::{Bytes, Kind as FileKind};
pub use tabular::{Encoding, TableOptions};

use crate::diagnostic::Diagnostic;
use crate::domain::Stage;
use crate::reference::{CountryId, MaterialId, Reference};
use crate::source::{Source, Span};

/// A portfolio that could not be read: every error found, and the source they point into
/// (the portfolio with the files it takes supply lines from, as far as they could be read).
#[derive(Debug)]
pub struct Unloaded {
    /// The portfolio's text, and its files'.
    pub source: Source,
    /// What is wrong.
    pub errors: Vec<Diagnostic>,
}

/// Reads and checks a portfolio, and the CSV and Excel files it takes supply lines from
/// (`supplies_from`, attached to its source). The supply line with a value written at byte
/// offset `probe`, if any, is kept whole in [`Portfolio::probed`].
pub fn load(source: Source, reference: &Reference, probe: Option<usize>) -> Result<Portfolio, Unloaded> {
    let (source, attached, mut errors) = supplies_from::attach(source, reference);
    let loaded = json::load(&source, reference, probe, &attached);
    match loaded {
        Ok(mut portfolio) if errors.is_empty() => {
            tabular::name_cells(&source, &mut portfolio.notes);
            Ok(portfolio)
        }
        Ok(_) => Err(Unloaded { source, errors }),
        Err(more) => {
            // The files that could not be read first, then the rest, in the order of the file.
            errors.extend(more);
            tabular::name_cells(&source, &mut errors);
            Err(Unloaded { source, errors })
        }
    }
}

/// Reads and checks a CSV or Excel file of supply lines (of `kind`) checked on its own, in
/// the reporting year `year`; on failure, its errors and the text they point into, if any.
pub(crate) fn load_table(
    name: &str,
    kind: FileKind,
    bytes: Bytes<'_>,
    options: &TableOptions,
    year: u16,
    reference: &'static Reference,
) -> Result<Portfolio, (Option<Source>, Vec<Diagnostic>)> {
    let spec = tabular::Spec { options, declared: None };
    let opened = tabular::open(name, kind, bytes, &spec).map_err(|failed| (failed.source, failed.errors))?;
    tabular::load(opened, &spec, year, reference).map_err(|(source, errors)| (Some(source), errors))
}

/// The reporting years a portfolio (and `--year`) may give, as the schema says.
pub const YEARS: std::ops::RangeInclusive<u16> = 2000..=2100;

/// A portfolio that was read without errors.
#[derive(Debug)]
pub struct Portfolio {
    /// The file it was read from.
    pub source: Source,
    /// Its `name`, if any.
    pub name: Option<String>,
    /// Its reporting year.
    pub year: u16,
    /// Its supplies and consumption, summed.
    pub ledger: Ledger,
    /// Its waivers.
    pub waivers: Vec<Waiver>,
    /// Notes and warnings from reading it (never errors: those stop the check).
    pub notes: Vec<Diagnostic>,
    /// How many supply lines it has.
    pub supply_lines: u32,
    /// The supply line asked about when it was read, if it was found (see [`load`]).
    pub probed: Option<ProbedLine>,
}

/// One supply line as it went into the ledger: what the ledger keeps of a line only as
/// evidence, kept whole for the one line a caller asked about (an editor's hover).
#[derive(Debug, Clone, Copy)]
pub struct ProbedLine {
    /// The row it counts in.
    pub key: RowKey,
    /// Its mass and where its values are written.
    pub line: LineRef,
    /// Its countries, which say how it counts at each stage.
    pub route: Route,
}

impl Portfolio {
    /// The same portfolio with another ledger (the one a stress test's cut leaves).
    pub fn with_ledger(&self, ledger: Ledger) -> Portfolio {
        Portfolio {
            source: self.source.clone(),
            name: self.name.clone(),
            year: self.year,
            ledger,
            waivers: self.waivers.clone(),
            notes: self.notes.clone(),
            supply_lines: self.supply_lines,
            // A line's facts are of the portfolio as read, not as cut.
            probed: None,
        }
    }
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
    /// Who is answerable for it, if given.
    pub owner: Option<String>,
    /// The ticket or approval behind it, if given.
    pub reference: Option<String>,
    /// The last day it applies.
    pub expires: jiff::civil::Date,
    /// Where the date is written.
    pub expires_span: Span,
}
