//! The report: findings, input diagnostics and share tables of every file checked, and the
//! formats that render it.
//!
//! Everything a format needs is computed before it runs: a format chooses how to show a
//! report, never what is in it.

mod entries;
mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
mod location;
pub mod markdown;
pub mod sarif;
pub mod short;

pub use entries::Entry;
pub use fingerprint::Fingerprints;
pub use location::{Location, path_uri, repository_path};

use std::io;

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::portfolio::Stage;
use crate::quantity::Mass;
use crate::reference::Tier;
use crate::source::Source;

/// Every output format: its name, as `--format` takes it, and what it is for.
pub const FORMATS: [(&str, &str); 8] = [
    ("human", "Diagnostics with source snippets, share tables, a summary."),
    ("short", "One line per finding: path:line:col: severity[CODE]: message."),
    ("json", "The stable JSON report (schemas/report.schema.json)."),
    ("sarif", "SARIF 2.1.0, for GitHub code scanning and other SARIF viewers."),
    ("junit", "JUnit XML, for CI test reports."),
    ("github", "GitHub Actions workflow commands (annotations)."),
    ("gitlab", "GitLab Code Quality JSON."),
    ("markdown", "A Markdown summary for a pull request or a job summary."),
];

/// The format called `name` (one of [`FORMATS`]); `human` is the one given, as
/// configured (colour, width).
pub fn format_named(name: &str, human: &human::Human) -> Option<Box<dyn Format>> {
    Some(match name {
        "human" => Box::new(human.clone()),
        "short" => Box::new(short::Short),
        "json" => Box::new(json::Json),
        "sarif" => Box::new(sarif::Sarif),
        "junit" => Box::new(junit::Junit),
        "github" => Box::new(github::Github),
        "gitlab" => Box::new(gitlab::Gitlab),
        "markdown" => Box::new(markdown::Markdown),
        _ => return None,
    })
}

/// An output format: renders a whole report, every file of it, to a writer.
///
/// Formats only choose how to show a report; everything in it is computed beforehand.
pub trait Format {
    /// Writes `report`.
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()>;
}

/// A rule's verdict on one material (and stage, and country) that did not pass.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule's id, or a code of the tool's own (`waiver-expired`).
    pub code: String,
    /// The rule's short name.
    pub name: String,
    /// Its severity, after the year rule (a benchmark before it applies is a warning).
    pub severity: Severity,
    /// One sentence with the numbers.
    pub message: String,
    /// Further remarks: when the rule applies, whether unknown origins could change it.
    pub notes: Vec<String>,
    /// What to do.
    pub help: Option<String>,
    /// The supply lines and consumption entry responsible; the first is the location.
    pub labels: Vec<Label>,
    /// The material, if the finding is about one.
    pub material: Option<MaterialRef>,
    /// The stage, if any.
    pub stage: Option<Stage>,
    /// The country, if any.
    pub country: Option<CountryRef>,
    /// The measured value, if any.
    pub value: Option<Measure>,
    /// The threshold, if any.
    pub threshold: Option<Measure>,
    /// The waiver that accepts this finding, if one does.
    pub waived: Option<Waived>,
}

impl Finding {
    /// The key of the check that gave it.
    pub fn key(&self) -> CheckKey<'_> {
        (
            &self.code,
            self.material.as_ref().map(|m| m.label.as_str()),
            self.stage,
            self.country.as_ref().map(|c| c.code.as_str()),
        )
    }

    /// Whether the finding counts towards the exit status: it is not waived.
    pub fn counts(&self) -> bool {
        self.waived.is_none()
    }

    /// The finding as a diagnostic, for formats that show spans: the notes follow the
    /// message, one per line.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic {
            code: self.code.clone(),
            severity: self.severity,
            message: entries::full_message(&self.message, self.waived.as_ref(), &self.notes),
            labels: self.labels.clone(),
            help: self.help.clone(),
        }
    }
}

/// A material as reports name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialRef {
    /// The material's id (`lithium`), or `*` for a rule over all materials in scope.
    pub id: String,
    /// How reports name the row (`lithium (battery grade)`).
    pub label: String,
    /// Its tier, for a single material.
    pub tier: Option<Tier>,
}

/// A country as reports name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryRef {
    /// The ISO code.
    pub code: String,
    /// The name.
    pub name: String,
}

impl MaterialRef {
    /// The row of `key`, named as the reference data names it.
    pub fn of_row(reference: &crate::reference::Reference, key: crate::portfolio::RowKey) -> MaterialRef {
        MaterialRef {
            id: reference.materials.get(key.material).id.clone(),
            label: reference.materials.label(key.material, key.tier).to_owned(),
            tier: Some(key.tier),
        }
    }

    /// A total over the materials described by `label`.
    pub fn total(label: impl Into<String>) -> MaterialRef {
        MaterialRef { id: "*".to_owned(), label: label.into(), tier: None }
    }
}

impl CountryRef {
    /// The country of `id`.
    pub fn of(reference: &crate::reference::Reference, id: crate::reference::CountryId) -> CountryRef {
        let country = reference.countries.get(id);
        CountryRef { code: country.code.clone(), name: country.name.clone() }
    }
}

/// A number with the words it is shown in.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// The number: a share in percent, a count, an index.
    pub number: f64,
    /// The number as shown in messages (`73.9%`).
    pub text: String,
}

/// Why a finding does not fail the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waived {
    /// The waiver's reason.
    pub reason: String,
    /// Its last day.
    pub expires: jiff::civil::Date,
}

pub use crate::portfolio::Basis;

/// One stage of a material in the share table.
#[derive(Debug, Clone, PartialEq)]
pub struct StageShares {
    /// Share from the EU, in percent.
    pub eu: f64,
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

/// A share in percent, as the tables show it: one decimal.
pub fn percent(value: f64) -> String {
    format!("{value:.1}%")
}

/// The shares of every material, and of all strategic materials together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// One row per material (and tier), in order of first appearance.
    pub rows: Vec<TableRow>,
    /// All strategic raw materials together, if there are any.
    pub overall: Option<TableRow>,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Findings of severity error, not waived.
    pub errors: usize,
    /// Findings of severity warning, not waived.
    pub warnings: usize,
    /// Notes.
    pub notes: usize,
    /// Waived findings.
    pub waived: usize,
    /// Input errors (the file could not be checked).
    pub input_errors: usize,
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

/// One check a rule made: a rule on a material at a stage (for one country, for per-country
/// metrics). A check fails where a finding has the same [`CheckKey`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The rule's id.
    pub rule: String,
    /// The material (or `*` for all materials in scope).
    pub material: Option<MaterialRef>,
    /// The stage.
    pub stage: Option<Stage>,
    /// The country, for per-country metrics.
    pub country: Option<CountryRef>,
}

/// What identifies a check, and the finding it gave: rule, material label, stage, country.
pub type CheckKey<'a> = (&'a str, Option<&'a str>, Option<Stage>, Option<&'a str>);

impl Check {
    /// Its key.
    pub fn key(&self) -> CheckKey<'_> {
        (
            &self.rule,
            self.material.as_ref().map(|m| m.label.as_str()),
            self.stage,
            self.country.as_ref().map(|c| c.code.as_str()),
        )
    }
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
        for d in &self.diagnostics {
            match d.severity {
                Severity::Error => counts.input_errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Note => counts.notes += 1,
            }
        }
        for f in &self.findings {
            match (f.counts(), f.severity) {
                (false, _) => counts.waived += 1,
                (true, Severity::Error) => counts.errors += 1,
                (true, Severity::Warning) => counts.warnings += 1,
                (true, Severity::Note) => counts.notes += 1,
            }
        }
        counts
    }
}

/// The level from which findings fail the check (`--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
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
}

/// The results of every file of a run.
#[derive(Debug)]
pub struct Report {
    /// One per file, in the order given.
    pub files: Vec<FileReport>,
    /// The fail level used.
    pub fail_on: FailOn,
    /// The rules that ran, for formats that describe them (SARIF).
    pub rules: Vec<RuleInfo>,
}

/// What a format may say about a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    /// Its id.
    pub id: String,
    /// Its short name.
    pub name: String,
    /// What it checks, in a line.
    pub summary: String,
    /// What to do about a finding.
    pub help: String,
    /// Where it comes from.
    pub legal_basis: Option<String>,
    /// A link to the text it comes from.
    pub url: Option<String>,
    /// Its severity from the year it applies.
    pub severity: Severity,
    /// Paragraphs on how to read it.
    pub explain: Vec<String>,
}

impl Report {
    /// Whether a finding or diagnostic of `severity` fails the check at this report's level.
    pub fn fails(&self, severity: Severity) -> bool {
        self.fail_on.fails(severity)
    }
}

impl Report {
    /// Counts over all files.
    pub fn counts(&self) -> Counts {
        self.files.iter().map(FileReport::counts).fold(Counts::default(), |a, b| Counts {
            errors: a.errors + b.errors,
            warnings: a.warnings + b.warnings,
            notes: a.notes + b.notes,
            waived: a.waived + b.waived,
            input_errors: a.input_errors + b.input_errors,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_name_has_a_format() {
        let human = human::Human::default();
        for (name, _) in FORMATS {
            assert!(format_named(name, &human).is_some(), "{name}");
        }
        assert!(format_named("xml", &human).is_none());
    }
}
