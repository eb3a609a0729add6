//! One view of everything a file's report says, for the formats: its input diagnostics, then
//! its findings, each with its location.
//!
//! A diagnostic may stand for the same problem at many places (the same mistake on every
//! line: see [`Diagnostic::places`]). The formats for tools list it once per place, each as it
//! would read alone ([`FileReport::entries`]), so that a tool can filter them; the formats for
//! people once ([`FileReport::grouped_entries`]), its message saying how many more places
//! there are, its first few places labelled and the last label saying how many more.

use std::borrow::Cow;

use super::Location;
use crate::diagnostic::{Diagnostic, Label, Severity, Suggestion, in_file_order};
use crate::model::{FileReport, Finding, Fix, Waived};
use crate::quantity::format_number;

/// How many places of a problem found at many the formats for people label.
const LABELLED_PLACES: usize = 3;

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
    pub message: Cow<'a, str>,
    /// Further remarks.
    pub notes: &'a [String],
    /// What to do.
    pub help: Option<&'a str>,
    /// Where.
    pub location: Location,
    /// The labelled places, the primary one first; none where the file has no text to
    /// point into (one that could not be read).
    pub labels: Cow<'a, [Label]>,
    /// The finding, for findings.
    pub finding: Option<&'a Finding>,
    /// The diagnostic, for input diagnostics.
    pub diagnostic: Option<&'a Diagnostic>,
    /// The fix of an input diagnostic, at this entry's place (see [`crate::diagnostic::Place::suggestion`]).
    pub suggestion: Option<Cow<'a, Suggestion>>,
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
        let mut text = self.message.to_string();
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
    /// Input diagnostics, one per place in the order of the file, then findings, each
    /// located: what the formats for tools list.
    pub fn entries<'a>(&'a self) -> impl Iterator<Item = Entry<'a>> {
        let places = in_file_order(&self.diagnostics).into_iter().map(move |(d, p)| {
            let diagnostic = &self.diagnostics[d];
            let place = diagnostic.place(p);
            self.diagnostic_entry(diagnostic, place.message, place.labels, place.suggestion)
        });
        places.chain(self.finding_entries())
    }

    /// Input diagnostics, one per problem however many places it was found at, then
    /// findings, each located: what the formats for people show.
    pub fn grouped_entries<'a>(&'a self) -> impl Iterator<Item = Entry<'a>> {
        let problems = self.diagnostics.iter().map(move |diagnostic| {
            let (message, labels) = grouped(diagnostic);
            self.diagnostic_entry(diagnostic, message, labels, diagnostic.suggestion.as_deref().map(Cow::Borrowed))
        });
        problems.chain(self.finding_entries())
    }

    fn diagnostic_entry<'a>(
        &'a self,
        d: &'a Diagnostic,
        message: Cow<'a, str>,
        labels: Cow<'a, [Label]>,
        suggestion: Option<Cow<'a, Suggestion>>,
    ) -> Entry<'a> {
        let labels = if self.source.is_some() { labels } else { Cow::Borrowed(&[][..]) };
        Entry {
            code: d.code.id(),
            name: d.code.id(),
            severity: d.severity,
            message,
            notes: &[],
            help: d.help.as_deref(),
            location: Location::new(&self.path, self.source.as_ref(), labels.first().map(|l| l.span)),
            labels,
            finding: None,
            diagnostic: Some(d),
            suggestion,
        }
    }

    /// The findings alone, each located.
    pub fn finding_entries<'a>(&'a self) -> impl Iterator<Item = Entry<'a>> {
        let located = |labels: &'a [Label]| if self.source.is_some() { labels } else { &[] };
        self.findings.iter().map(move |f| Entry {
            code: f.code(),
            name: &f.name,
            severity: f.severity,
            message: Cow::Borrowed(&f.message),
            notes: &f.notes,
            help: f.help.as_deref(),
            location: Location::new(&self.path, self.source.as_ref(), f.labels.first().map(|l| l.span)),
            labels: Cow::Borrowed(located(&f.labels)),
            finding: Some(f),
            diagnostic: None,
            suggestion: None,
        })
    }
}

/// A diagnostic as people see it: a problem found at many places says how many more after
/// the item its message names ("supply line 3 (and 1,204 more): …"), and is labelled at its
/// first few places, the last label saying how many more there are.
fn grouped(d: &Diagnostic) -> (Cow<'_, str>, Cow<'_, [Label]>) {
    let places = d.place_count();
    if places == 1 {
        return (Cow::Borrowed(&d.message), Cow::Borrowed(&d.labels));
    }
    let message = match d.item_number_range() {
        Some(range) => Cow::Owned(format!(
            "{} (and {} more){}",
            &d.message[..range.end],
            format_number((places - 1) as f64),
            &d.message[range.end..]
        )),
        None => Cow::Borrowed(d.message.as_str()),
    };
    let mut labels = d.labels.clone();
    labels.extend(d.repeat_spans().take(LABELLED_PLACES - 1).map(|span| Label::new(span, String::new())));
    let labelled = places.min(LABELLED_PLACES);
    if places > labelled
        && let Some(last) = labels.last_mut()
    {
        let more = places - labelled;
        let sep = if last.text.is_empty() { "" } else { "; " };
        let word = if more == 1 { "place" } else { "places" };
        last.text = format!("{}{sep}and {} more {word}", last.text, format_number(more as f64));
    }
    (message, Cow::Owned(labels))
}
