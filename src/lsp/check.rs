//! Checking a document with the library, and its findings and input errors as the
//! protocol's diagnostics: the same codes, severities and messages as the command line.
//!
//! Each diagnostic's range is its primary label; the other labels (the supply lines behind
//! a finding, the first place of a duplicate) are its related information. A waived
//! finding is a hint whose message says it is waived. The fix a diagnostic suggests and
//! the check a waiver could accept are kept beside it, for code actions.

use std::ops::Range;

use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Range as LspRange,
};

use crma_check::Checker;
use crma_check::diagnostic::{Label, Severity, Suggestion};
use crma_check::model::Check;
use crma_check::source::{Source, Span};

use super::documents::{Document, Kind};
use super::position::LineIndex;
use super::settings::{Problem, Settings};

/// What checking one version of a document found, in the order published.
#[derive(Debug, Default)]
pub struct Checked {
    /// One per diagnostic published.
    pub items: Vec<Item>,
}

/// One diagnostic, and what a code action can do about it.
#[derive(Debug)]
pub struct Item {
    /// As published.
    pub diagnostic: Diagnostic,
    /// The fix its help suggests, in bytes of the document's text.
    pub fix: Option<Suggestion>,
    /// For a rule's finding that no waiver accepts: the check a waiver would name.
    pub waivable: Option<Check>,
}

impl Checked {
    /// The diagnostics to publish.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.items.iter().map(|item| item.diagnostic.clone()).collect()
    }
}

/// The name a document's diagnostics give it.
fn name(document: &Document) -> String {
    document.path.as_ref().map_or_else(|| document.uri.as_str().to_owned(), |p| p.display().to_string())
}

/// Checks a portfolio as `checker` does, or a rule file as the library reads rule files
/// (on its own, over the built-in rules, whose ids it may replace).
pub fn check(document: &Document, checker: Result<&Checker, &Problem>, settings: &Settings) -> Checked {
    let (text, shift) = document.content();
    let source = Source::new(name(document), text);
    let at = |span: Span| Span::new(span.start as usize + shift, span.end() + shift);
    let labels = |labels: &[Label]| -> Vec<Label> {
        labels.iter().map(|l| Label { span: at(l.span), text: l.text.clone() }).collect()
    };
    let fix =
        |fix: Option<&Suggestion>| fix.map(|f| Suggestion { span: at(f.span), replacement: f.replacement.clone() });
    let mut checked = Checked::default();
    match (document.kind, checker) {
        (Kind::Other, _) => {}
        (Kind::Portfolio, Err(problem)) => return settings_problem(problem),
        (Kind::Portfolio, Ok(checker)) => {
            let report = checker.check_source(source);
            for entry in report.entries() {
                let severity =
                    if entry.waived().is_some() { DiagnosticSeverity::HINT } else { severity(entry.severity) };
                let waivable = entry.finding.filter(|f| f.waived.is_none() && !f.is_own()).map(|f| f.check.clone());
                let mut message = entry.full_message();
                let in_document = report.source.as_ref().map(|s| in_document(s, &entry.labels));
                let entry_labels = in_document.as_ref().map_or(&entry.labels[..], |(l, _)| l.as_slice());
                // A fix in another file (a CSV file the portfolio reads) is not this document's.
                let mut suggestion = entry.suggestion.clone();
                if let Some((_, Some(place))) = &in_document {
                    message = format!("in {place}: {message}");
                    suggestion = None;
                }
                checked.items.push(Item {
                    diagnostic: diagnostic(document, entry.code, severity, &message, entry.help, &labels(entry_labels)),
                    fix: fix(suggestion.as_deref()),
                    waivable,
                });
            }
        }
        (Kind::Rules, _) => {
            let mut reader = Checker::builtin(settings.check_options());
            for error in reader.add_rules(&source).err().unwrap_or_default() {
                let (code, severity, help) = (error.code.id(), severity(error.severity), error.help.as_deref());
                checked.items.push(Item {
                    diagnostic: diagnostic(document, code, severity, &error.message, help, &labels(&error.labels)),
                    fix: fix(error.suggestion.as_deref()),
                    waivable: None,
                });
            }
        }
    }
    checked
}

/// The labels of a diagnostic as the document can show them: one in a file the portfolio
/// takes its supplies from (`supplies_from`) is moved to where the document names that file,
/// its place in the file said in its words. Also the place of the first label, if it was moved
/// (`purchases.csv:14:3`, or `purchases.xlsx, Purchases!C14`).
fn in_document(source: &Source, labels: &[Label]) -> (Vec<Label>, Option<String>) {
    let mut primary = None;
    let labels = labels
        .iter()
        .enumerate()
        .map(|(n, label)| {
            let file = source.file_at(label.span.start as usize);
            let Some(named_at) = file.referenced_at() else { return label.clone() };
            let place = match source.cell(label.span) {
                Some(cell) => format!("{}, {cell}", file.name()),
                None => {
                    let at = source.line_col(label.span.start as usize);
                    format!("{}:{}:{}", file.name(), at.line, at.column)
                }
            };
            let text = if label.text.is_empty() { place.clone() } else { format!("{place}: {}", label.text) };
            if n == 0 {
                primary = Some(place);
            }
            Label { span: named_at, text }
        })
        .collect();
    (labels, primary)
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Note => DiagnosticSeverity::INFORMATION,
    }
}

fn bytes(span: Span) -> Range<usize> {
    span.start as usize..span.end()
}

/// One diagnostic: at its first label (the top of the document if it has none), the
/// other labels as related information, the help as the message's last line.
fn diagnostic(
    document: &Document,
    code: &str,
    severity: DiagnosticSeverity,
    message: &str,
    help: Option<&str>,
    labels: &[Label],
) -> Diagnostic {
    let range = labels.first().map_or_else(LspRange::default, |l| document.range(bytes(l.span)));
    let related: Vec<DiagnosticRelatedInformation> = labels
        .iter()
        .skip(1)
        .map(|label| DiagnosticRelatedInformation {
            location: Location { uri: document.uri.clone(), range: document.range(bytes(label.span)) },
            message: if label.text.is_empty() { "also here".to_owned() } else { label.text.clone() },
        })
        .collect();
    Diagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String(code.to_owned())),
        source: Some("crma-check".to_owned()),
        message: match help {
            Some(help) => format!("{message}\nhelp: {help}"),
            None => message.to_owned(),
        },
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}

/// Settings that make no checker: said at the top of every portfolio, which cannot be
/// checked until they are fixed.
fn settings_problem(problem: &Problem) -> Checked {
    let mut checked = Checked::default();
    let mut push = |code: Option<&str>, message: String, related: Vec<DiagnosticRelatedInformation>| {
        checked.items.push(Item {
            diagnostic: Diagnostic {
                severity: Some(DiagnosticSeverity::ERROR),
                code: code.map(|c| NumberOrString::String(c.to_owned())),
                source: Some("crma-check".to_owned()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                ..Diagnostic::default()
            },
            fix: None,
            waivable: None,
        })
    };
    match problem {
        Problem::Invalid(message) => push(None, format!("crma-check cannot check this file: {message}"), Vec::new()),
        Problem::RuleFiles(files) => {
            for file in files {
                let uri = std::fs::canonicalize(&file.path).ok().and_then(|p| super::uri::from_path(&p));
                let index = file.source.as_ref().map(|s| LineIndex::new(s.text()));
                for error in &file.diagnostics {
                    let related = match (&uri, &file.source, &index, error.primary_span()) {
                        (Some(uri), Some(source), Some(index), Some(span)) => vec![DiagnosticRelatedInformation {
                            location: Location { uri: uri.clone(), range: index.range(source.text(), bytes(span)) },
                            message: error.message.clone(),
                        }],
                        _ => Vec::new(),
                    };
                    let what = if file.path.ends_with(crma_check::config::FILE_NAME) { "project" } else { "rule" };
                    let message = format!("the {what} file {} cannot be read: {}", file.path, error.message);
                    push(Some(error.code.id()), message, related);
                }
            }
        }
    }
    checked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_in_a_referenced_file_is_shown_where_the_portfolio_names_it() {
        let text = "{\"supplies_from\": [{\"path\": \"a.csv\"}]}";
        let mut source = Source::new("p.json", text);
        let named_at = Span::new(text.find("\"a.csv\"").unwrap(), text.find("\"a.csv\"").unwrap() + 7);
        source.attach(Source::new("a.csv", "material,amount\nlithum,12\n"), named_at).unwrap();
        let csv = source.file(1);
        let at = csv.text().find("lithum").unwrap();
        let labels =
            [Label::new(csv.span(at, at + 6), "not a known material"), Label::new(Span::new(1, 3), "in the portfolio")];
        let (labels, place) = in_document(&source, &labels);
        assert_eq!(place.as_deref(), Some("a.csv:2:1"));
        assert_eq!(labels[0].span, named_at);
        assert_eq!(labels[0].text, "a.csv:2:1: not a known material");
        assert_eq!(labels[1].span, Span::new(1, 3));
    }
}
