//! The diff of two versions of portfolios (`crma-check diff`): per file, the shares old and
//! new, and the findings introduced, resolved and persisting, the old version acting as the
//! baseline of the new one.

use super::{BaselineState, CountryRef, FailOn, FileReport, Finding, MaterialRef, Outcome, RuleDoc};
use crate::quantity::round4;

/// Every file compared in a run.
#[derive(Debug)]
pub struct DiffReport {
    /// One per file, in the order given.
    pub files: Vec<FileDiff>,
    /// The fail level used.
    pub fail_on: FailOn,
    /// The tolerance used, in words (`0 percentage points`).
    pub tolerance: String,
    /// The rules that ran.
    pub rules: Vec<RuleDoc>,
    /// The day waivers were checked against.
    pub as_of: jiff::civil::Date,
}

impl DiffReport {
    /// The outcome: a file that could not be checked (either version) is never a pass; a
    /// finding introduced, or worse than the old version's by more than the tolerance, at or
    /// above the fail level fails.
    pub fn outcome(&self) -> Outcome {
        if self.files.iter().any(|f| !f.checked()) {
            Outcome::Unchecked
        } else if self.files.iter().any(|f| self.fail_on.fails_with(&f.new.counts())) {
            Outcome::Fail
        } else {
            Outcome::Pass
        }
    }
}

/// Two versions of one file compared.
#[derive(Debug)]
pub struct FileDiff {
    /// The old version (its path is the file's, or `REF:path` for a git revision); none
    /// where the file did not exist at the revision, so that all of it is new.
    pub old: Option<FileReport>,
    /// The new version, each finding marked with how it compares with the old one.
    pub new: FileReport,
    /// The shares of each material of either version, in the order of the new one.
    pub materials: Vec<MaterialDiff>,
    /// The old version's findings that the new one no longer has.
    pub resolved: Vec<Finding>,
}

impl FileDiff {
    /// Whether both versions could be checked.
    pub fn checked(&self) -> bool {
        self.new.checked() && self.old.as_ref().is_none_or(FileReport::checked)
    }

    /// The findings of the new version that the old one did not have.
    pub fn introduced(&self) -> impl Iterator<Item = &Finding> {
        self.new.findings.iter().filter(|f| f.baseline.as_ref().is_none_or(|b| b.state == BaselineState::New))
    }

    /// The findings of both versions, with the new value.
    pub fn persisting(&self) -> impl Iterator<Item = &Finding> {
        self.new.findings.iter().filter(|f| f.baseline.as_ref().is_some_and(|b| b.state != BaselineState::New))
    }

    /// The persisting findings that got worse by more than the tolerance.
    pub fn worsened(&self) -> impl Iterator<Item = &Finding> {
        self.persisting().filter(|f| f.baseline.as_ref().is_some_and(|b| b.state == BaselineState::Worsened))
    }

    /// Whether any share moved or any finding came or went.
    pub fn changed(&self) -> bool {
        self.introduced().next().is_some()
            || !self.resolved.is_empty()
            || self.persisting().any(|f| f.baseline.as_ref().is_some_and(|b| b.state != BaselineState::Unchanged))
            || self.materials.iter().any(MaterialDiff::moved)
    }
}

/// A material's shares in both versions.
#[derive(Debug, Clone, PartialEq)]
pub struct MaterialDiff {
    /// The material (its row in the share table).
    pub material: MaterialRef,
    /// Whether the old version has it.
    pub in_old: bool,
    /// Whether the new version has it.
    pub in_new: bool,
    /// Extraction, processing, recycling.
    pub stages: [StageDiff; 3],
}

impl MaterialDiff {
    /// Whether a share moved at any stage, or the material came or went.
    pub fn moved(&self) -> bool {
        self.in_old != self.in_new || self.stages.iter().any(StageDiff::moved)
    }
}

/// The shares of a material at a stage, old and new.
#[derive(Debug, Clone, PartialEq)]
pub struct StageDiff {
    /// The EU share.
    pub eu: Change,
    /// The largest share of one country outside the EU, and the country, in each version.
    pub largest_non_eu: [Option<(CountryRef, f64)>; 2],
    /// The share of unknown origin.
    pub unknown: Change,
    /// Every country with a share in either version, largest new share first.
    pub countries: Vec<CountryChange>,
}

impl StageDiff {
    /// Whether any share at this stage moved.
    pub fn moved(&self) -> bool {
        self.eu.moved() || self.unknown.moved() || self.countries.iter().any(|c| c.share.moved())
    }

    /// The change of the largest non-EU share, where both versions have one.
    pub fn largest_non_eu_change(&self) -> Change {
        Change { old: self.largest_non_eu[0].as_ref().map(|l| l.1), new: self.largest_non_eu[1].as_ref().map(|l| l.1) }
    }
}

/// One country's share at a stage, old and new.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryChange {
    /// The country.
    pub country: CountryRef,
    /// Whether it is a member of the EU.
    pub eu: bool,
    /// Its share (0 in a version where the material has no supply from it at this stage).
    pub share: Change,
}

/// A share in percent in the old and the new version; none in a version without the
/// material.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    /// Before.
    pub old: Option<f64>,
    /// After.
    pub new: Option<f64>,
}

impl Change {
    /// The change in percentage points, rounded to 4 decimals as reports write shares;
    /// none unless both versions have a share.
    pub fn points(&self) -> Option<f64> {
        Some(round4(round4(self.new?) - round4(self.old?)))
    }

    /// Whether the share, as reports write it, moved.
    pub fn moved(&self) -> bool {
        self.points().map_or(self.old.is_some() != self.new.is_some(), |p| p != 0.0)
    }
}
