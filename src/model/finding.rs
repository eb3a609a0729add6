//! Findings: the checks a rule made, and those that did not pass, with their numbers and the
//! places behind them.

use super::Baselined;
use crate::diagnostic::{Code, Label, Severity};
use crate::domain::Stage;
use crate::reference::Tier;

/// One check a rule made: a rule on a material at a stage (for one country, for per-country
/// metrics). A check fails where a finding has the same [`CheckKey`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The rule's id, or a code of the tool's own (`waiver-expired`).
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

/// A rule's verdict on one material (and stage, and country) that did not pass; or a
/// finding of the tool's own about the portfolio's waivers.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The check that did not pass: rule, material, stage, country.
    pub check: Check,
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
    /// The measured value, if any.
    pub value: Option<Measure>,
    /// The threshold, if any.
    pub threshold: Option<Measure>,
    /// The waiver that accepts this finding, if one does.
    pub waived: Option<Waived>,
    /// The least change that makes it pass, where there is one.
    pub fix: Option<Fix>,
    /// How it compares with the baseline, where one was given.
    pub baseline: Option<Baselined>,
}

impl Finding {
    /// Whether it is of the tool's own code (made by [`Finding::of_code`]: an expired waiver,
    /// say), not of a rule.
    pub fn is_own(&self) -> bool {
        Code::find(self.code()).is_some()
    }

    /// A finding of the tool's own code (about a waiver, say), at the code's severity.
    pub fn of_code(code: Code, message: String, labels: Vec<Label>, help: &str) -> Finding {
        Finding {
            check: Check { rule: code.id().to_owned(), material: None, stage: None, country: None },
            name: code.id().to_owned(),
            severity: code.severity(),
            message,
            notes: Vec::new(),
            help: Some(help.to_owned()),
            labels,
            value: None,
            threshold: None,
            waived: None,
            fix: None,
            baseline: None,
        }
    }

    /// The rule's id, or the tool's code.
    pub fn code(&self) -> &str {
        &self.check.rule
    }

    /// Whether the finding counts towards the exit status: it is not waived, and no
    /// baseline accepts it.
    pub fn counts(&self) -> bool {
        self.waived.is_none() && self.baseline.as_ref().is_none_or(Baselined::fails)
    }

    /// Whether a baseline accepts it (it is in the baseline and no worse than allowed).
    pub fn baselined(&self) -> bool {
        self.baseline.as_ref().is_some_and(|b| !b.fails())
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

impl MaterialRef {
    /// A total over the materials described by `label`.
    pub fn total(label: impl Into<String>) -> MaterialRef {
        MaterialRef { id: "*".to_owned(), label: label.into(), tier: None }
    }
}

/// A country as reports name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryRef {
    /// The ISO code.
    pub code: String,
    /// The name.
    pub name: String,
}

/// A number with the words it is shown in.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// The number: a share in percent, a count, an index.
    pub number: f64,
    /// The number as shown in messages (`73.9%`).
    pub text: String,
}

/// The least change that makes a finding pass: tonnes moved from some origins to others,
/// the total unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    /// The tonnes, rounded up at the precision shown, so that moving them makes it pass.
    pub tonnes: f64,
    /// The tonnes as shown (`89 t`).
    pub text: String,
    /// From where: a country's name, "outside the EU", "unknown origin".
    pub from: String,
    /// To where: "other countries", "the EU", "documented origins".
    pub to: String,
    /// The change in a sentence: "move at least 89 t of cobalt processing from China to
    /// other countries".
    pub sentence: String,
}

/// Why a finding does not fail the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waived {
    /// The waiver's reason.
    pub reason: String,
    /// Its last day.
    pub expires: jiff::civil::Date,
    /// Who is answerable for it, if the waiver says.
    pub owner: Option<String>,
    /// The ticket or approval behind it, if the waiver says.
    pub reference: Option<String>,
}

impl Waived {
    /// The waiver in words: `waived until 2027-06-30: the reason (owner: Jane Doe;
    /// reference: PROC-12)`.
    pub fn describe(&self) -> String {
        let mut who = Vec::new();
        if let Some(owner) = &self.owner {
            who.push(format!("owner: {owner}"));
        }
        if let Some(reference) = &self.reference {
            who.push(format!("reference: {reference}"));
        }
        let who = if who.is_empty() { String::new() } else { format!(" ({})", who.join("; ")) };
        format!("waived until {}: {}{who}", self.expires, self.reason)
    }
}
