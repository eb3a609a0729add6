//! Diagnostics: a code, a severity, one sentence, labelled spans and help.
//!
//! Loaders and the engine create them as values; they are rendered only at the edge, by the
//! report formats. A [`Diagnostic`] points into one [`Source`] by byte spans.

use std::fmt;

use serde::Serialize;

use crate::source::{Source, Span};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information: never fails a check.
    Note,
    /// Fails the check under `--fail-on warning`.
    Warning,
    /// Fails the check under `--fail-on error` (the default).
    Error,
}

impl Severity {
    /// The lower-case word.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A span with the words shown under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there, or why it matters.
    pub text: String,
}

impl Label {
    /// A label.
    pub fn new(span: Span, text: impl Into<String>) -> Label {
        Label { span, text: text.into() }
    }
}

/// One message about one input file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// A stable code (`unknown-material`, `CRM004`).
    pub code: String,
    /// How serious it is.
    pub severity: Severity,
    /// One sentence.
    pub message: String,
    /// Labelled spans; the first is the primary location. Empty for a file that has no text
    /// (a missing file, say): the location is then the file itself.
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with a code and a message, to be given labels and help.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, message)
    }

    /// A warning.
    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, message)
    }

    /// A note.
    pub fn note(code: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Note, code, message)
    }

    /// A diagnostic of any severity.
    pub fn new(severity: Severity, code: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic { code: code.into(), severity, message: message.into(), labels: Vec::new(), help: None }
    }

    /// Adds a label (the first one added is the primary location).
    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.labels.push(Label::new(span, text));
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The primary span, if any.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }

    /// Adapts the diagnostic to miette for rendering against `source`.
    pub fn render<'a>(&'a self, source: Option<&'a Source>) -> impl miette::Diagnostic + 'a {
        Rendered { diagnostic: self, source }
    }
}

struct Rendered<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<&'a Source>,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        // Shown as the header, as compilers do: `error[CRM004]`.
        Some(Box::new(format!("{}[{}]", self.diagnostic.severity, self.diagnostic.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.filter(|_| !self.diagnostic.labels.is_empty()).map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let source = self.source.filter(|_| !self.diagnostic.labels.is_empty())?;
        Some(Box::new(self.diagnostic.labels.iter().enumerate().map(|(n, label)| {
            let text = (!label.text.is_empty()).then(|| label.text.clone());
            let span = source.displayable(label.span);
            if n == 0 {
                miette::LabeledSpan::new_primary_with_span(text, span)
            } else {
                miette::LabeledSpan::new_with_span(text, span)
            }
        })))
    }
}
