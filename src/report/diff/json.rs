//! A diff as JSON: the stable document `schemas/diff-report.schema.json` describes.

use std::io;

use serde::Serialize;

use crate::domain::Stage;
use crate::model::{Change, DiffReport, FileDiff, FileReport, Finding, StageDiff};
use crate::quantity::round4;
use crate::report::json::{FindingHead, InputError, Largest, Tool};

/// The version of the diff report format.
const VERSION: u32 = 1;

/// Writes `report` as JSON.
pub(super) fn write(report: &DiffReport, out: &mut dyn io::Write) -> io::Result<()> {
    let outcome = report.outcome();
    let document = Document {
        version: VERSION,
        tool: Tool::THIS,
        outcome: outcome.id(),
        exit_status: outcome.exit_code(),
        fail_on: report.fail_on.name(),
        tolerance: &report.tolerance,
        as_of: report.as_of.to_string(),
        files: report.files.iter().map(file).collect(),
    };
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
    tolerance: &'a str,
    as_of: String,
    files: Vec<FileOut<'a>>,
}

#[derive(Serialize)]
struct FileOut<'a> {
    old_path: Option<&'a str>,
    new_path: &'a str,
    checked: bool,
    input_errors: Vec<InputError<'a>>,
    summary: Summary,
    introduced: Vec<FindingOut<'a>>,
    resolved: Vec<FindingOut<'a>>,
    persisting: Vec<FindingOut<'a>>,
    materials: Vec<MaterialOut<'a>>,
}

#[derive(Serialize)]
struct Summary {
    introduced: usize,
    resolved: usize,
    persisting: usize,
    worsened: usize,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    #[serde(flatten)]
    head: FindingHead<'a>,
    old_value: Option<f64>,
    new_value: Option<f64>,
    state: &'static str,
    waived: bool,
}

#[derive(Serialize)]
struct MaterialOut<'a> {
    material: &'a str,
    material_label: &'a str,
    in_old: bool,
    in_new: bool,
    stages: Stages<'a>,
}

#[derive(Serialize)]
struct Stages<'a> {
    extraction: StageOut<'a>,
    processing: StageOut<'a>,
    recycling: StageOut<'a>,
}

#[derive(Serialize)]
struct StageOut<'a> {
    eu: ChangeOut,
    largest_non_eu: LargestOut<'a>,
    unknown: ChangeOut,
    countries: Vec<CountryOut<'a>>,
}

#[derive(Serialize)]
struct ChangeOut {
    old: Option<f64>,
    new: Option<f64>,
    change: Option<f64>,
}

#[derive(Serialize)]
struct LargestOut<'a> {
    old: Option<Largest<'a>>,
    new: Option<Largest<'a>>,
    change: Option<f64>,
}

#[derive(Serialize)]
struct CountryOut<'a> {
    country: &'a str,
    country_name: &'a str,
    eu: bool,
    #[serde(flatten)]
    share: ChangeOut,
}

fn change(c: &Change) -> ChangeOut {
    ChangeOut { old: c.old.map(round4), new: c.new.map(round4), change: c.points() }
}

fn file<'a>(diff: &'a FileDiff) -> FileOut<'a> {
    let errors = |f: &'a FileReport| -> Vec<InputError<'a>> { InputError::of(f).collect() };
    FileOut {
        old_path: diff.old.as_ref().map(|o| o.path.as_str()),
        new_path: &diff.new.path,
        checked: diff.checked(),
        input_errors: diff.old.iter().chain([&diff.new]).flat_map(errors).collect(),
        summary: Summary {
            introduced: diff.introduced().count(),
            resolved: diff.resolved.len(),
            persisting: diff.persisting().count(),
            worsened: diff.worsened().count(),
        },
        introduced: diff.introduced().map(finding).collect(),
        resolved: diff
            .resolved
            .iter()
            .map(|f| FindingOut {
                state: "resolved",
                new_value: None,
                old_value: f.value.as_ref().map(|v| v.number),
                ..finding(f)
            })
            .collect(),
        persisting: diff.persisting().map(finding).collect(),
        materials: diff
            .materials
            .iter()
            .map(|m| {
                let stage = |s: Stage| stage(&m.stages[s.index()]);
                MaterialOut {
                    material: &m.material.id,
                    material_label: &m.material.label,
                    in_old: m.in_old,
                    in_new: m.in_new,
                    stages: Stages {
                        extraction: stage(Stage::Extraction),
                        processing: stage(Stage::Processing),
                        recycling: stage(Stage::Recycling),
                    },
                }
            })
            .collect(),
    }
}

fn stage<'a>(s: &'a StageDiff) -> StageOut<'a> {
    let largest = |l: &'a Option<(crate::model::CountryRef, f64)>| l.as_ref().map(|(c, share)| Largest::of(c, *share));
    let same_country = matches!(&s.largest_non_eu, [Some((a, _)), Some((b, _))] if a.code == b.code);
    StageOut {
        eu: change(&s.eu),
        largest_non_eu: LargestOut {
            old: largest(&s.largest_non_eu[0]),
            new: largest(&s.largest_non_eu[1]),
            change: if same_country { s.largest_non_eu_change().points() } else { None },
        },
        unknown: change(&s.unknown),
        countries: s
            .countries
            .iter()
            .map(|c| CountryOut {
                country: &c.country.code,
                country_name: &c.country.name,
                eu: c.eu,
                share: change(&c.share),
            })
            .collect(),
    }
}

fn finding(f: &Finding) -> FindingOut<'_> {
    FindingOut {
        head: FindingHead::of(f),
        old_value: f.baseline.as_ref().and_then(|b| b.was.as_ref()).map(|w| w.number),
        new_value: f.value.as_ref().map(|v| v.number),
        state: f.baseline.as_ref().map_or("new", |b| b.state.id()),
        waived: f.waived.is_some(),
    }
}
