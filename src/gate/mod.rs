//! The CI gate over time: a baseline of the findings accepted as they stand, the ratchet
//! that fails only what got worse since, and the diff of two versions of a portfolio.
//!
//! Findings are matched across runs by what they are about, never by where they are written:
//! the file, the rule, the material, the stage and the country (the identity SARIF
//! fingerprints use too). The gate reads and marks a [`Report`](crate::model::Report) that the
//! checker made; it checks nothing itself.

mod baseline;
mod diff;
mod ratchet;

pub use baseline::Baseline;
pub use diff::{DiffInput, diff};
pub use ratchet::Tolerance;

use crate::domain::Stage;
use crate::model::Finding;
use crate::report::repository_path;

/// What identifies a rule's finding across runs: the file (as CI systems name it), the rule,
/// the material (its row label, with the grade), the stage and the country.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Key {
    pub path: String,
    pub rule: String,
    pub material: String,
    pub stage: Option<Stage>,
    pub country: Option<String>,
}

impl Key {
    /// The key of a finding in the file at `path`; none for the tool's own findings (about
    /// waivers), which a baseline never accepts.
    pub fn of(path: &str, finding: &Finding) -> Option<Key> {
        if finding.is_own() {
            return None;
        }
        Some(Key {
            path: repository_path(path),
            rule: finding.check.rule.clone(),
            material: finding.check.material.as_ref()?.label.clone(),
            stage: finding.check.stage,
            country: finding.check.country.as_ref().map(|c| c.code.clone()),
        })
    }

    /// In words: `CRM004 for graphite (battery grade) processing, CN, in portfolios/a.json`.
    pub fn describe(&self) -> String {
        let mut what = format!("{} for {}", self.rule, self.material);
        if let Some(stage) = self.stage {
            what.push(' ');
            what.push_str(stage.as_str());
        }
        if let Some(country) = &self.country {
            what.push_str(", ");
            what.push_str(country);
        }
        format!("{what}, in {}", self.path)
    }
}
