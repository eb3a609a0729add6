//! Baseline files: the findings accepted as they stand, written by `--write-baseline` and
//! read by `--baseline` (`schemas/baseline.schema.json`).
//!
//! An entry names a finding as CI systems track it across commits (the file, the rule, the
//! material, the stage and the country: never a line), with its value when it was recorded.
//! What the entries do to a report is the ratchet's business ([`super::ratchet`]).

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::Key;
use crate::diagnostic::{Code, Diagnostic};
use crate::domain::Stage;
use crate::json::{self, FromRaw, Number, Schema, Spanned};
use crate::model::{FileReport, Report};
use crate::quantity::Decimal;
use crate::source::{Source, Span};

/// The baseline schema, embedded.
static BASELINE_SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
    Schema::new(
        crate::schemas::BASELINE,
        &[("entries", "entry")],
        "a baseline is a JSON object with `version` and `entries`; `crma-check --write-baseline FILE` writes one",
        None,
    )
});

/// The baseline format version this build reads and writes.
const BASELINE_VERSION: u64 = 1;

/// Where `--write-baseline` points editors for the format.
const SCHEMA_URI: &str = "https://example.org/crma-check/baseline.schema.json";

/// The findings accepted as they stand.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub(super) entries: Vec<Entry>,
    /// The file it was read from, which stale entries point into.
    pub(super) source: Option<Source>,
}

/// One accepted finding.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub key: Key,
    /// Its value when it was recorded (none: any value is accepted).
    pub value: Option<Decimal>,
    /// Where it is written in the baseline file.
    pub span: Option<Span>,
}

impl Baseline {
    /// The baseline of `report`: every rule's finding that no waiver accepts (a waiver is an
    /// exception with an end; a baseline must not outlive it), sorted. The findings of the
    /// tool's own codes (an expired waiver) are never recorded.
    pub fn of_report(report: &Report) -> Baseline {
        let mut entries: Vec<Entry> = report
            .files
            .iter()
            .flat_map(|file| file.findings.iter().map(move |f| (file, f)))
            .filter(|(_, f)| f.waived.is_none())
            .filter_map(|(file, f)| {
                let key = Key::of(&file.path, f)?;
                Some(Entry { key, value: f.value.as_ref().and_then(|v| decimal(v.number)), span: None })
            })
            .collect();
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        entries.dedup_by(|a, b| a.key == b.key);
        Baseline { entries, source: None }
    }

    /// How many findings it accepts.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it accepts nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The baseline file's text: pretty JSON, entries sorted, ending in a line break.
    pub fn to_json(&self) -> String {
        let document = FileOut {
            schema: SCHEMA_URI,
            version: BASELINE_VERSION,
            entries: self
                .entries
                .iter()
                .map(|e| EntryOut {
                    path: &e.key.path,
                    rule: &e.key.rule,
                    material: &e.key.material,
                    stage: e.key.stage.map(Stage::as_str),
                    country: e.key.country.as_deref(),
                    value: e.value.map(number),
                })
                .collect(),
        };
        // Serialising plain strings and numbers cannot fail.
        let mut text = serde_json::to_string_pretty(&document).expect("a baseline serialises");
        text.push('\n');
        text
    }

    /// Reads the baseline file at `path`; if it cannot be read, the report of the file with
    /// its errors.
    pub fn read_path(path: &std::path::Path) -> Result<Baseline, Box<FileReport>> {
        let name = path.display().to_string();
        match crate::input::read_input(&name) {
            Ok(source) => Baseline::read(source),
            Err(unreadable) => {
                Err(Box::new(FileReport::unchecked(&name, unreadable.source, vec![unreadable.diagnostic])))
            }
        }
    }

    /// Reads a baseline file's text; if it cannot be read, the report of the file with its
    /// errors.
    pub fn read(source: Source) -> Result<Baseline, Box<FileReport>> {
        let unreadable = |source: Source, errors: Vec<Diagnostic>| {
            Box::new(FileReport::unchecked(source.name(), Some(source.clone()), errors))
        };
        let problems = json::validate(&source, &BASELINE_SCHEMA);
        if !problems.is_empty() {
            return Err(unreadable(source, problems.into_iter().map(|p| p.diagnostic).collect()));
        }
        let file: FileLine<'_> = match serde_json::from_str(source.text()) {
            Ok(file) => file,
            Err(error) => {
                let errors = json::diagnose(&source, &BASELINE_SCHEMA, &error).into_iter().map(|p| p.diagnostic);
                return Err(unreadable(source.clone(), errors.collect()));
            }
        };
        let mut entries: Vec<Entry> = Vec::with_capacity(file.entries.len());
        let mut errors = Vec::new();
        for line in &file.entries {
            let entry = &line.value;
            let span = line.span(&source);
            let key = Key {
                path: entry.path.clone(),
                rule: entry.rule.clone(),
                material: entry.material.clone(),
                stage: Stage::parse(&entry.stage),
                country: entry.country.clone(),
            };
            if let Some(first) = entries.iter().find(|e| e.key == key) {
                let mut diagnostic =
                    Diagnostic::new(Code::DuplicateEntry, format!("the baseline lists {} twice", key.describe()))
                        .with_label(span, "listed again here");
                if let Some(first) = first.span {
                    diagnostic = diagnostic.with_label(first, "first listed here");
                }
                errors.push(diagnostic.with_help("keep one of them"));
                continue;
            }
            let value = entry.value.as_ref().and_then(|v| Decimal::parse(v.value.0).ok());
            entries.push(Entry { key, value, span: Some(span) });
        }
        drop(file);
        if !errors.is_empty() {
            return Err(unreadable(source, errors));
        }
        Ok(Baseline { entries, source: Some(source) })
    }
}

/// A decimal as the nearest f64, read from its text (which `Decimal::to_f64` only
/// approximates).
pub(super) fn number(value: Decimal) -> f64 {
    value.to_string().parse().unwrap_or_else(|_| value.to_f64())
}

/// A value as the reports write it (rounded to 4 decimals), as an exact decimal.
pub(super) fn decimal(value: f64) -> Option<Decimal> {
    // `Display` writes the shortest text that reads back as the same f64, which for a
    // number rounded to 4 decimals is those decimals.
    Decimal::parse(&value.to_string()).ok()
}

#[derive(Serialize)]
struct FileOut<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: u64,
    entries: Vec<EntryOut<'a>>,
}

#[derive(Serialize)]
struct EntryOut<'a> {
    path: &'a str,
    rule: &'a str,
    material: &'a str,
    stage: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<&'a str>,
    value: Option<f64>,
}

#[derive(Deserialize)]
struct FileLine<'a> {
    #[serde(borrow)]
    entries: Vec<Spanned<'a, EntryLine<'a>>>,
}

#[derive(Deserialize)]
struct EntryLine<'a> {
    path: String,
    rule: String,
    material: String,
    stage: String,
    country: Option<String>,
    #[serde(borrow, default)]
    value: Option<Spanned<'a, Number<'a>>>,
}

impl<'a> FromRaw<'a> for EntryLine<'a> {
    fn from_raw(raw: &'a str) -> Result<Self, &'static str> {
        serde_json::from_str(raw).map_err(|_| "a baseline entry")
    }
}
