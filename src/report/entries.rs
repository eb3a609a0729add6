//! One view of everything a file's report says, for the formats: its input diagnostics, then
//! its findings, each with its location.

use super::Location;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::model::{FileReport, Finding, Fix, Waived};

/// An input diagnostic or a finding, located.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The code: a rule id, or a code of the tool (`unknown-material`).
    pub code: &'a str,
    /// The rule's short name (the code again for the tool's own codes).
    pub name: &'a str,
    /// Its severity (a waived finding keeps its own: see [`Entry::waived`]).
    pub severity: Severity,
    /// One sentence.
    pub message: &'a str,
    /// Further remarks.
    pub notes: &'a [String],
    /// What to do.
    pub help: Option<&'a str>,
    /// Where.
    pub location: Location,
    /// The labelled places, the primary one first; none where the file has no text to
    /// point into (one that could not be read).
    pub labels: &'a [Label],
    /// The finding, for findings.
    pub finding: Option<&'a Finding>,
    /// The diagnostic, for input diagnostics.
    pub diagnostic: Option<&'a Diagnostic>,
}

impl Entry<'_> {
    /// Whether this is about reading the file, not a rule's finding.
    pub fn is_input(&self) -> bool {
        self.diagnostic.is_some()
    }

    /// The waiver that accepts this finding, if any.
    pub fn waived(&self) -> Option<&Waived> {
        self.finding.and_then(|f| f.waived.as_ref())
    }

    /// Whether a baseline accepts this finding (`--baseline`): it does not count.
    pub fn baselined(&self) -> bool {
        self.finding.is_some_and(Finding::baselined)
    }

    /// A title: the code and, for rules, the name (`CRM004 third-country-cap`).
    pub fn title(&self) -> String {
        if self.name == self.code { self.code.to_owned() } else { format!("{} {}", self.code, self.name) }
    }

    /// The smallest change that makes the finding pass, if there is one.
    pub fn fix(&self) -> Option<&Fix> {
        self.finding.and_then(|f| f.fix.as_ref())
    }

    /// The message with the waiver if any, its notes and its smallest fix, one per line.
    pub fn full_message(&self) -> String {
        let mut text = self.message.to_owned();
        if let Some(waived) = self.waived() {
            text.push('\n');
            text.push_str(&waived.describe());
        }
        for note in self.notes {
            text.push('\n');
            text.push_str(note);
        }
        if let Some(fix) = self.fix() {
            text.push_str(&format!("\nsmallest fix: {}", fix.sentence));
        }
        text
    }
}

impl FileReport {
    /// Input diagnostics, then findings, each located.
    pub fn entries<'a>(&'a self) -> impl Iterator<Item = Entry<'a>> {
        let located = |labels: &'a [Label]| if self.source.is_some() { labels } else { &[] };
        let diagnostics = self.diagnostics.iter().map(move |d| Entry {
            code: d.code.id(),
            name: d.code.id(),
            severity: d.severity,
            message: &d.message,
            notes: &[],
            help: d.help.as_deref(),
            location: Location::new(&self.path, self.source.as_ref(), d.primary_span()),
            labels: located(&d.labels),
            finding: None,
            diagnostic: Some(d),
        });
        let findings = self.findings.iter().map(move |f| Entry {
            code: f.code(),
            name: &f.name,
            severity: f.severity,
            message: &f.message,
            notes: &f.notes,
            help: f.help.as_deref(),
            location: Location::new(&self.path, self.source.as_ref(), f.labels.first().map(|l| l.span)),
            labels: located(&f.labels),
            finding: Some(f),
            diagnostic: None,
        });
        diagnostics.chain(findings)
    }
}
