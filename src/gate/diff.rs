//! Two versions of a file compared: the old version's findings act as the baseline of the
//! new one (matched as a baseline matches them, whatever the files are called), and the
//! share tables are set side by side.

use std::collections::HashMap;

use super::baseline::decimal;
use super::ratchet::{NEW, compare_values};
use super::{Key, Tolerance};
use crate::domain::Stage;
use crate::model::{
    BaselineState, Baselined, Change, CountryChange, DiffReport, FailOn, FileDiff, FileReport, Finding, MaterialDiff,
    RuleDoc, StageDiff, StageShares, TableRow,
};

/// One file to compare: its old version (none if it did not exist then) and its new one.
#[derive(Debug)]
pub struct DiffInput {
    /// The old version, checked.
    pub old: Option<FileReport>,
    /// The new version, checked.
    pub new: FileReport,
}

/// What identifies a finding in either version: a rule's check, or else (for the tool's own
/// findings about waivers) its code and message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    Check(Key),
    Message(String, String),
}

fn identity(finding: &Finding) -> Identity {
    // The files' names differ between versions (`REF:path`): match without them.
    Key::of("", finding)
        .map_or_else(|| Identity::Message(finding.code().to_owned(), finding.message.clone()), Identity::Check)
}

/// Compares each pair of versions, with the rules that ran (`rules`), into a report.
pub fn diff(
    inputs: Vec<DiffInput>,
    rules: &[RuleDoc],
    fail_on: FailOn,
    tolerance: Tolerance,
    as_of: jiff::civil::Date,
) -> DiffReport {
    let files = inputs.into_iter().map(|input| file_diff(input, rules, tolerance)).collect();
    DiffReport { files, fail_on, tolerance: tolerance.to_string(), rules: rules.to_vec(), as_of }
}

fn file_diff(input: DiffInput, rules: &[RuleDoc], tolerance: Tolerance) -> FileDiff {
    let DiffInput { old, mut new } = input;
    let checked = new.checked() && old.as_ref().is_none_or(FileReport::checked);
    if !checked {
        return FileDiff { old, new, materials: Vec::new(), resolved: Vec::new() };
    }
    let old_findings: &[Finding] = old.as_ref().map_or(&[], |o| &o.findings);
    let mut index: HashMap<Identity, usize> = HashMap::new();
    for (n, finding) in old_findings.iter().enumerate() {
        index.entry(identity(finding)).or_insert(n);
    }
    let mut matched = vec![false; old_findings.len()];
    for finding in &mut new.findings {
        let id = identity(finding);
        let baselined = match index.get(&id) {
            Some(&n) if !matched[n] => {
                matched[n] = true;
                let was = &old_findings[n];
                match id {
                    Identity::Check(_) => {
                        let rule = rules.iter().find(|r| r.id == finding.code());
                        compare_values(was.value.as_ref().and_then(|v| decimal(v.number)), finding, rule, tolerance)
                    }
                    Identity::Message(..) => {
                        Baselined { state: BaselineState::Unchanged, was: None, words: String::new() }
                    }
                }
            }
            _ => NEW,
        };
        finding.baseline = Some(baselined);
    }
    let resolved = old_findings.iter().zip(&matched).filter(|(_, m)| !**m).map(|(f, _)| f.clone()).collect();
    let materials = materials(old.as_ref(), &new);
    FileDiff { old, new, materials, resolved }
}

/// The rows of both share tables side by side: the new version's order, then the materials
/// only the old one has.
fn materials(old: Option<&FileReport>, new: &FileReport) -> Vec<MaterialDiff> {
    let rows =
        |file: &FileReport| -> Vec<TableRow> { file.table.rows.iter().chain(&file.table.overall).cloned().collect() };
    let old_rows = old.map(rows).unwrap_or_default();
    let new_rows = rows(new);
    let mut labels: Vec<&str> = new_rows.iter().map(|r| r.material.label.as_str()).collect();
    for row in &old_rows {
        if !labels.contains(&row.material.label.as_str()) {
            labels.push(&row.material.label);
        }
    }
    labels
        .into_iter()
        .map(|label| {
            let find = |rows: &[TableRow]| rows.iter().find(|r| r.material.label == label).cloned();
            let (before, after) = (find(&old_rows), find(&new_rows));
            let material =
                after.as_ref().or(before.as_ref()).map(|r| r.material.clone()).expect("a row of one version");
            let stages = Stage::ALL.map(|stage| {
                stage_diff(
                    before.as_ref().map(|r| &r.stages[stage.index()]),
                    after.as_ref().map(|r| &r.stages[stage.index()]),
                )
            });
            MaterialDiff { material, in_old: before.is_some(), in_new: after.is_some(), stages }
        })
        .collect()
}

fn stage_diff(old: Option<&StageShares>, new: Option<&StageShares>) -> StageDiff {
    let change = |figure: fn(&StageShares) -> f64| Change { old: old.map(figure), new: new.map(figure) };
    let largest = |s: Option<&StageShares>| s.and_then(|s| s.top_third_country().map(|(c, share)| (c.clone(), share)));
    let mut countries: Vec<CountryChange> = Vec::new();
    for shares in new.iter().chain(old.iter()) {
        for c in &shares.countries {
            if !countries.iter().any(|known| known.country.code == c.country.code) {
                let share = |s: Option<&StageShares>| s.map(|s| s.share_of(&c.country.code).unwrap_or(0.0));
                countries.push(CountryChange {
                    country: c.country.clone(),
                    eu: c.eu,
                    share: Change { old: share(old), new: share(new) },
                });
            }
        }
    }
    StageDiff {
        eu: change(|s| s.eu),
        largest_non_eu: [largest(old), largest(new)],
        unknown: change(|s| s.unknown),
        countries,
    }
}
