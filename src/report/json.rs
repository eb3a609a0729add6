//! The JSON format: the stable, documented report (`schemas/report.schema.json`), for
//! scripts and dashboards. Its `version` changes only when a field changes meaning or goes.

use std::io;

use serde::Serialize;

use super::Location;
use crate::domain::Stage;
use crate::model::{Basis, CountryRef, Counts, FileReport, Finding, Report, StageShares, TableRow};
use crate::quantity::round4;

/// The version of the report format.
pub const REPORT_VERSION: u32 = 1;

/// The stable JSON report.
pub(super) fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let document = Document::new(report);
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    outcome: &'static str,
    exit_status: u8,
    fail_on: &'static str,
    as_of: String,
    summary: Summary,
    files: Vec<File<'a>>,
}

/// The tool that wrote a report, as every JSON report (check, stress, diff) names it.
#[derive(Serialize)]
pub(super) struct Tool {
    name: &'static str,
    version: &'static str,
}

impl Tool {
    pub(super) const THIS: Tool = Tool { name: env!("CARGO_PKG_NAME"), version: env!("CARGO_PKG_VERSION") };
}

/// What the stress and diff reports say first of each of their findings: its rule and check.
#[derive(Serialize)]
pub(super) struct FindingHead<'a> {
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    material: Option<&'a str>,
    material_label: Option<&'a str>,
    stage: Option<&'static str>,
    country: Option<&'a str>,
}

impl<'a> FindingHead<'a> {
    pub(super) fn of(f: &'a Finding) -> FindingHead<'a> {
        FindingHead {
            rule: f.code(),
            severity: f.severity.as_str(),
            message: &f.message,
            material: f.check.material.as_ref().map(|m| m.id.as_str()),
            material_label: f.check.material.as_ref().map(|m| m.label.as_str()),
            stage: f.check.stage.map(|s| s.as_str()),
            country: f.check.country.as_ref().map(|c| c.code.as_str()),
        }
    }
}

/// An input error of a file, as the stress and diff reports list them.
#[derive(Serialize)]
pub(super) struct InputError<'a> {
    path: &'a str,
    code: &'static str,
    message: &'a str,
}

impl<'a> InputError<'a> {
    /// The input errors of `file`.
    pub(super) fn of(file: &'a FileReport) -> impl Iterator<Item = InputError<'a>> {
        file.diagnostics.iter().filter(|d| d.severity == crate::diagnostic::Severity::Error).map(|d| InputError {
            path: &file.path,
            code: d.code.id(),
            message: &d.message,
        })
    }
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    waived: usize,
    baselined: usize,
    input_errors: usize,
}

impl Summary {
    fn new(files: usize, counts: Counts) -> Summary {
        Summary {
            files,
            errors: counts.errors,
            warnings: counts.warnings,
            notes: counts.notes,
            waived: counts.waived,
            baselined: counts.baselined,
            input_errors: counts.input_errors,
        }
    }
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    name: Option<&'a str>,
    year: Option<u16>,
    checked: bool,
    supply_lines: u32,
    summary: Summary,
    diagnostics: Diagnostics<'a>,
    findings: Vec<FindingOut<'a>>,
    shares: Vec<Shares<'a>>,
    overall: Option<Shares<'a>>,
}

#[derive(Serialize)]
struct Place {
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    offset: usize,
    length: usize,
}

impl From<Location> for Place {
    fn from(l: Location) -> Place {
        Place {
            path: l.path,
            line: l.line,
            column: l.column,
            end_line: l.end_line,
            end_column: l.end_column,
            offset: l.offset,
            length: l.length,
        }
    }
}

/// A file's input diagnostics, one per place, written as they are made: a file with a
/// mistake on a million lines holds one at a time.
struct Diagnostics<'a>(&'a FileReport);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.entries().filter_map(|entry| {
            entry.diagnostic.map(|d| DiagnosticOut {
                code: d.code.id(),
                severity: d.severity.as_str(),
                message: entry.message,
                help: d.help.as_deref(),
                place: entry.location.into(),
            })
        }))
    }
}

#[derive(Serialize)]
struct DiagnosticOut<'a> {
    code: &'a str,
    severity: &'static str,
    message: std::borrow::Cow<'a, str>,
    help: Option<&'a str>,
    #[serde(flatten)]
    place: Place,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'static str,
    message: &'a str,
    notes: &'a [String],
    help: Option<&'a str>,
    #[serde(flatten)]
    place: Place,
    material: Option<&'a str>,
    material_label: Option<&'a str>,
    tier: Option<&'static str>,
    stage: Option<&'static str>,
    country: Option<&'a str>,
    country_name: Option<&'a str>,
    value: Option<f64>,
    value_text: Option<&'a str>,
    threshold: Option<f64>,
    threshold_text: Option<&'a str>,
    waived: bool,
    waiver: Option<Waiver>,
    baseline: Option<BaselineOut>,
    fix: Option<FixOut<'a>>,
    evidence: Vec<Evidence<'a>>,
}

#[derive(Serialize)]
struct FixOut<'a> {
    tonnes: f64,
    from: &'a str,
    to: &'a str,
    sentence: &'a str,
}

#[derive(Serialize)]
struct Waiver {
    reason: String,
    expires: String,
    owner: Option<String>,
    reference: Option<String>,
}

/// How a finding compares with the baseline (`--baseline`), where one was given.
#[derive(Serialize)]
struct BaselineOut {
    state: &'static str,
    was: Option<f64>,
}

#[derive(Serialize)]
struct Evidence<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    label: &'a str,
}

#[derive(Serialize)]
struct Shares<'a> {
    material: &'a str,
    material_label: &'a str,
    tier: Option<&'static str>,
    denominator_t: f64,
    basis: &'static str,
    stock_t: Option<f64>,
    stock_days: Option<f64>,
    stages: StagesOut<'a>,
    verdict: &'static str,
}

#[derive(Serialize)]
struct StagesOut<'a> {
    extraction: StageOut<'a>,
    processing: StageOut<'a>,
    recycling: StageOut<'a>,
}

#[derive(Serialize)]
struct StageOut<'a> {
    eu: f64,
    eu_and_partners: f64,
    largest_non_eu: Option<Largest<'a>>,
    unknown: f64,
    countries: Vec<CountryOut<'a>>,
}

/// The largest share of a third country at a stage (in the check and diff reports).
#[derive(Serialize)]
pub(super) struct Largest<'a> {
    country: &'a str,
    country_name: &'a str,
    share: f64,
}

impl<'a> Largest<'a> {
    pub(super) fn of(country: &'a CountryRef, share: f64) -> Largest<'a> {
        Largest { country: &country.code, country_name: &country.name, share: round4(share) }
    }
}

#[derive(Serialize)]
struct CountryOut<'a> {
    country: &'a str,
    country_name: &'a str,
    share: f64,
    eu: bool,
}

impl<'a> Document<'a> {
    fn new(report: &'a Report) -> Document<'a> {
        let outcome = report.outcome();
        Document {
            version: REPORT_VERSION,
            tool: Tool::THIS,
            outcome: outcome.id(),
            exit_status: outcome.exit_code(),
            fail_on: report.fail_on.name(),
            as_of: report.as_of.to_string(),
            summary: Summary::new(report.files.len(), report.counts()),
            files: report.files.iter().map(File::new).collect(),
        }
    }
}

impl<'a> File<'a> {
    fn new(file: &'a FileReport) -> File<'a> {
        let mut findings = Vec::new();
        for entry in file.finding_entries() {
            if let Some(f) = entry.finding {
                findings.push(FindingOut {
                    rule: f.code(),
                    name: &f.name,
                    severity: f.severity.as_str(),
                    message: &f.message,
                    notes: &f.notes,
                    help: f.help.as_deref(),
                    place: entry.location.into(),
                    material: f.check.material.as_ref().map(|m| m.id.as_str()),
                    material_label: f.check.material.as_ref().map(|m| m.label.as_str()),
                    tier: f.check.material.as_ref().and_then(|m| m.tier).map(|t| t.id()),
                    stage: f.check.stage.map(Stage::as_str),
                    country: f.check.country.as_ref().map(|c| c.code.as_str()),
                    country_name: f.check.country.as_ref().map(|c| c.name.as_str()),
                    value: f.value.as_ref().map(|v| v.number),
                    value_text: f.value.as_ref().map(|v| v.text.as_str()),
                    threshold: f.threshold.as_ref().map(|t| t.number),
                    threshold_text: f.threshold.as_ref().map(|t| t.text.as_str()),
                    waived: f.waived.is_some(),
                    waiver: f.waived.as_ref().map(|w| Waiver {
                        reason: w.reason.clone(),
                        expires: w.expires.to_string(),
                        owner: w.owner.clone(),
                        reference: w.reference.clone(),
                    }),
                    baseline: f
                        .baseline
                        .as_ref()
                        .map(|b| BaselineOut { state: b.state.id(), was: b.was.as_ref().map(|w| w.number) }),
                    fix: f.fix.as_ref().map(|fix| FixOut {
                        tonnes: fix.tonnes,
                        from: &fix.from,
                        to: &fix.to,
                        sentence: &fix.sentence,
                    }),
                    evidence: f
                        .labels
                        .iter()
                        .map(|label| {
                            let l = Location::new(&file.path, file.source.as_ref(), Some(label.span));
                            Evidence {
                                line: l.line,
                                column: l.column,
                                end_line: l.end_line,
                                end_column: l.end_column,
                                label: &label.text,
                            }
                        })
                        .collect(),
                });
            }
        }
        File {
            path: &file.path,
            name: file.name.as_deref(),
            year: file.year,
            checked: file.checked(),
            supply_lines: file.supply_lines,
            summary: Summary::new(1, file.counts()),
            diagnostics: Diagnostics(file),
            findings,
            shares: file.table.rows.iter().map(Shares::new).collect(),
            overall: file.table.overall.as_ref().map(Shares::new),
        }
    }
}

impl<'a> Shares<'a> {
    fn new(row: &'a TableRow) -> Shares<'a> {
        let stage = |s: &'a StageShares| StageOut {
            eu: round4(s.eu),
            eu_and_partners: round4(s.eu_and_partners),
            largest_non_eu: s.top_third_country().map(|(c, share)| Largest::of(c, share)),
            unknown: round4(s.unknown),
            countries: s
                .countries
                .iter()
                .map(|c| CountryOut {
                    country: &c.country.code,
                    country_name: &c.country.name,
                    share: round4(c.share),
                    eu: c.eu,
                })
                .collect(),
        };
        Shares {
            material: &row.material.id,
            material_label: &row.material.label,
            tier: row.material.tier.map(|t| t.id()),
            denominator_t: round4(row.denominator.tonnes_f64()),
            basis: match row.basis {
                Basis::Consumption => "consumption",
                Basis::Supplies => "supplies",
                Basis::Mixed => "mixed",
            },
            stock_t: row.stock.as_ref().map(|s| round4(s.mass.tonnes_f64())),
            stock_days: row.stock.as_ref().map(|s| round4(s.days)),
            stages: StagesOut {
                extraction: stage(&row.stages[0]),
                processing: stage(&row.stages[1]),
                recycling: stage(&row.stages[2]),
            },
            verdict: row.verdict.id(),
        }
    }
}
