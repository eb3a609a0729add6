//! The result model: what a check of portfolios produces and every output format reads.
//!
//! The engine writes it and the formats in [`crate::report`] read it; it depends on neither,
//! and knows nothing of the command line. Everything a format needs is in it, computed
//! beforehand: a format chooses how to show a report, never what is in it.

mod baseline;
mod diff;
mod finding;
mod line;
mod rule;
mod stress;
mod table;

pub use baseline::{BaselineState, Baselined};
pub use diff::{Change, CountryChange, DiffReport, FileDiff, MaterialDiff, StageDiff};
pub use finding::{Check, CheckKey, CountryRef, Finding, Fix, MaterialRef, Measure, Waived};
pub use line::{LineFacts, LineOrigin};
pub use rule::{Gauge, RuleDoc, RuleOrigin, Side, Threshold};
pub use stress::{Cover, MaterialLoss, ScenarioDoc, ScenarioResult, StressReport};
pub use table::{Basis, CountryShare, StageShares, Stock, Table, TableRow, Verdict};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Source;

/// The results of every file of a run.
#[derive(Debug)]
pub struct Report {
    /// One per file, in the order given.
    pub files: Vec<FileReport>,
    /// The fail level used.
    pub fail_on: FailOn,
    /// The rules that ran, for formats that describe them (SARIF, HTML).
    pub rules: Vec<RuleDoc>,
    /// The day waivers were checked against (`--as-of`, or the day of the run).
    pub as_of: jiff::civil::Date,
}

impl Report {
    /// Whether a finding or diagnostic of `severity` fails the check at this report's level.
    pub fn fails(&self, severity: Severity) -> bool {
        self.fail_on.fails(severity)
    }

    /// Counts over all files.
    pub fn counts(&self) -> Counts {
        self.files.iter().map(FileReport::counts).fold(Counts::default(), |a, b| Counts {
            errors: a.errors + b.errors,
            warnings: a.warnings + b.warnings,
            notes: a.notes + b.notes,
            waived: a.waived + b.waived,
            baselined: a.baselined + b.baselined,
            input_errors: a.input_errors + b.input_errors,
        })
    }

    /// The rule with this id, among those that ran.
    pub fn rule(&self, id: &str) -> Option<&RuleDoc> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The outcome: a file that could not be checked is never a pass.
    pub fn outcome(&self) -> Outcome {
        let counts = self.counts();
        if counts.input_errors > 0 {
            return Outcome::Unchecked;
        }
        if self.fail_on.fails_with(&counts) { Outcome::Fail } else { Outcome::Pass }
    }
}

/// The result for one file.
#[derive(Debug)]
pub struct FileReport {
    /// The path as given.
    pub path: String,
    /// The text, when it could be read.
    pub source: Option<Source>,
    /// The portfolio's name, if it has one.
    pub name: Option<String>,
    /// The reporting year used.
    pub year: Option<u16>,
    /// Input errors, warnings and notes about the file itself.
    pub diagnostics: Vec<Diagnostic>,
    /// Rule findings, waived ones included.
    pub findings: Vec<Finding>,
    /// The share table (empty if the file could not be checked).
    pub table: Table,
    /// Supply lines read.
    pub supply_lines: u32,
    /// Every check a rule made, passing or not, in the order of the findings.
    pub checks: Vec<Check>,
}

impl FileReport {
    /// The report of a file that could not be checked: its input errors, nothing else.
    pub fn unchecked(path: &str, source: Option<Source>, diagnostics: Vec<Diagnostic>) -> FileReport {
        FileReport {
            path: path.to_owned(),
            source,
            name: None,
            year: None,
            diagnostics,
            findings: Vec::new(),
            table: Table::default(),
            supply_lines: 0,
            checks: Vec::new(),
        }
    }

    /// Whether the file could be checked: no input error.
    pub fn checked(&self) -> bool {
        !self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    /// Counts of this file's findings and diagnostics.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        // A diagnostic found at many places counts once per place, as tools list it; one
        // that says how many more were not shown counts as those.
        for d in &self.diagnostics {
            let places = d.count();
            match d.severity {
                Severity::Error => counts.input_errors += places,
                Severity::Warning => counts.warnings += places,
                Severity::Note => counts.notes += places,
            }
        }
        for f in &self.findings {
            match (f.counts(), f.severity) {
                (false, _) if f.waived.is_some() => counts.waived += 1,
                (false, _) => counts.baselined += 1,
                (true, Severity::Error) => counts.errors += 1,
                (true, Severity::Warning) => counts.warnings += 1,
                (true, Severity::Note) => counts.notes += 1,
            }
        }
        counts
    }
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Findings of severity error, neither waived nor accepted by a baseline.
    pub errors: usize,
    /// Findings of severity warning, not waived.
    pub warnings: usize,
    /// Notes.
    pub notes: usize,
    /// Waived findings.
    pub waived: usize,
    /// Findings a baseline accepts (not waived ones).
    pub baselined: usize,
    /// Input errors (the file could not be checked).
    pub input_errors: usize,
}

/// The level from which findings fail the check (`--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Errors fail the check.
    #[default]
    Error,
    /// Warnings and errors fail the check.
    Warning,
    /// Only input errors fail the check (exit status 2).
    Never,
}

impl FailOn {
    /// Every level, as `--fail-on` lists them.
    pub const ALL: [FailOn; 3] = [FailOn::Error, FailOn::Warning, FailOn::Never];

    /// Whether a finding of `severity` fails the check.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Never => false,
        }
    }

    /// Whether findings counted in `counts` (waived ones are not) fail the check.
    pub fn fails_with(self, counts: &Counts) -> bool {
        (counts.errors > 0 && self.fails(Severity::Error)) || (counts.warnings > 0 && self.fails(Severity::Warning))
    }

    /// Its name, as `--fail-on` and the JSON report write it.
    pub fn name(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Never => "never",
        }
    }

    /// In words, for the summary line of reports.
    pub fn describe(self) -> &'static str {
        match self {
            FailOn::Error => "errors fail",
            FailOn::Warning => "warnings and errors fail",
            FailOn::Never => "only input errors fail",
        }
    }
}

/// The outcome of a run, as an exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: no finding at or above the fail level.
    Pass,
    /// 1: findings at or above the fail level.
    Fail,
    /// 2: a file could not be checked.
    Unchecked,
}

impl Outcome {
    /// The process exit status.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Pass => 0,
            Outcome::Fail => 1,
            Outcome::Unchecked => 2,
        }
    }

    /// An identifier for machine formats (`pass`, `fail`, `unchecked`).
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Unchecked => "unchecked",
        }
    }
}
