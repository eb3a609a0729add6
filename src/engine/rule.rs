//! A rule: a metric, the materials and stages it applies to, a threshold, and the words of
//! its findings. Rules are data (see `rule_file`); nothing here knows a particular rule.

use super::metric::{Bound, Metric, OriginSet};
use crate::domain::Stage;
use crate::model::{RuleDoc, RuleOrigin};
use crate::reference::{MaterialId, Reference, Tier};

/// One rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// What reports say about it: id, name, summary, legal basis, severity, help, reading,
    /// the year it applies from, its threshold and where it was read from.
    pub(crate) doc: RuleDoc,
    /// The materials it applies to.
    pub(crate) materials: MaterialScope,
    /// Per material, or overall.
    pub(crate) aggregate: Aggregate,
    /// The stages it checks, each on its own.
    pub(crate) stages: Vec<Stage>,
    /// What it measures.
    pub(crate) metric: Metric,
    /// The threshold.
    pub(crate) bound: Bound,
    /// The finding's sentence, with placeholders.
    pub(crate) message: String,
    /// Notes for findings about a country in a set (an OCT under a cap that names third
    /// countries), with placeholders.
    pub(crate) country_notes: Vec<CountryNote>,
}

impl Rule {
    /// Its id (`CRM004`).
    pub fn id(&self) -> &str {
        &self.doc.id
    }

    /// What reports say about it.
    pub fn doc(&self) -> &RuleDoc {
        &self.doc
    }

    /// The year from which it applies, if it names one (before it, a finding is a warning).
    pub fn applies_from(&self) -> Option<u16> {
        self.doc.applies_from
    }

    /// Where it was read from.
    pub fn origin(&self) -> &RuleOrigin {
        &self.doc.origin
    }

    /// How it is computed, in words, for `explain`: its metric, scope and threshold.
    pub fn computation(&self, reference: &Reference) -> String {
        let scope = self.materials.describe(reference);
        let together = match self.aggregate {
            Aggregate::PerMaterial => String::new(),
            Aggregate::Overall => " (all of them taken together, their tonnes added up)".to_owned(),
        };
        let stages: Vec<&str> = self.stages.iter().map(|s| s.as_str()).collect();
        let stages = if !self.metric.per_stage() {
            String::new()
        } else if stages.len() == 1 {
            format!(", at {}", stages[0])
        } else {
            format!(", at each stage ({}) on its own", stages.join(", "))
        };
        let threshold = self.metric.format_threshold(self.bound.value());
        let side = match self.bound {
            Bound::Min(_) => "at least",
            Bound::Max(_) => "at most",
        };
        let what = self.metric.explain();
        let denominator = match self.metric.of_denominator() {
            Some(values) => format!(
                " {}{} are of the material's annual consumption, or of the sum of its supply lines where no consumption is given.",
                values[..1].to_uppercase(),
                &values[1..]
            ),
            None => String::new(),
        };
        format!(
            "For {scope}{together}{stages}: {what}. It must be {side} {threshold}; a value exactly at the threshold passes.{denominator} Amounts are converted to tonnes of contained material and added up exactly."
        )
    }
}

/// A note a rule adds to each finding about a country of `origins`.
#[derive(Debug, Clone)]
pub(crate) struct CountryNote {
    /// The countries it is about.
    pub(crate) origins: OriginSet,
    /// The note, with placeholders.
    pub(crate) note: String,
}

/// Which materials a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaterialScope {
    /// Strategic raw materials (Annex I).
    Strategic,
    /// Critical raw materials (Annex II), strategic ones included.
    Critical,
    /// Every material, out-of-scope ones included.
    All,
    /// The listed materials, at any tier.
    Listed(Vec<MaterialId>),
}

impl MaterialScope {
    /// Whether a row of `material` at `tier` is in scope.
    pub fn includes(&self, material: MaterialId, tier: Tier) -> bool {
        match self {
            MaterialScope::Strategic => tier == Tier::Strategic,
            MaterialScope::Critical => tier != Tier::OutOfScope,
            MaterialScope::All => true,
            MaterialScope::Listed(list) => list.contains(&material),
        }
    }

    /// In words, for `explain`.
    pub fn describe(&self, reference: &Reference) -> String {
        match self {
            MaterialScope::Strategic => "each strategic raw material (Annex I of the CRMA)".to_owned(),
            MaterialScope::Critical => "each critical raw material (Annex II of the CRMA)".to_owned(),
            MaterialScope::All => "each material".to_owned(),
            MaterialScope::Listed(list) => {
                let names: Vec<&str> = list.iter().map(|m| reference.materials.get(*m).name.as_str()).collect();
                names.join(", ")
            }
        }
    }

    /// The materials taken together, as a total row is named.
    pub fn together(&self, reference: &Reference) -> String {
        match self {
            MaterialScope::Strategic => "all strategic raw materials together".to_owned(),
            MaterialScope::Critical => "all critical raw materials together".to_owned(),
            MaterialScope::All => "all materials together".to_owned(),
            listed @ MaterialScope::Listed(_) => format!("{} together", listed.describe(reference)),
        }
    }
}

/// Whether each material is checked on its own or the materials in scope together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    /// Each material on its own.
    PerMaterial,
    /// All materials in scope, summed.
    Overall,
}

/// The placeholders a message may use.
pub(crate) const PLACEHOLDERS: &[&str] =
    &["material", "stage", "participle", "country", "origins", "value", "threshold"];

/// Fills a message template. Unknown placeholders cannot occur: rule files are checked.
pub(crate) fn fill(template: &str, value: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push_str(&value(&rest[open + 1..open + close]));
                rest = &rest[open + close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholders in a template that are not known, with their byte ranges in it.
pub(super) fn unknown_placeholders(template: &str) -> Vec<(String, usize, usize)> {
    let mut unknown = Vec::new();
    let mut from = 0;
    while let Some(open) = template[from..].find('{').map(|o| o + from) {
        let Some(close) = template[open..].find('}').map(|c| c + open) else { break };
        let name = &template[open + 1..close];
        if !PLACEHOLDERS.contains(&name) {
            unknown.push((name.to_owned(), open, close + 1));
        }
        from = close + 1;
    }
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_and_check_placeholders() {
        let filled = fill("{country} supplies {value} of {material}", |name| name.to_uppercase());
        assert_eq!(filled, "COUNTRY supplies VALUE of MATERIAL");
        assert_eq!(unknown_placeholders("{country} and {cuntry}"), vec![("cuntry".to_owned(), 14, 22)]);
        assert_eq!(fill("no { close", |_| String::new()), "no { close");
    }
}
