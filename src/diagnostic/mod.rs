//! Diagnostics: a code, a severity, one sentence, labelled spans and help.
//!
//! Loaders and the engine create them as values; they are rendered only at the edge, by the
//! report formats. A [`Diagnostic`] points into one [`Source`] by byte spans. The same problem
//! found at many places is grouped into one ([`Groups`]), and diagnostics are capped per code.

mod code;
mod groups;
mod render;
mod repeats;

use std::fmt;

use serde::Serialize;

pub use code::Code;
pub use groups::{Groups, SHOWN_PER_CODE, more_like_these};
pub use render::Rendered;
pub use repeats::{Place, in_file_order};

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

/// A fix a tool can apply: write `replacement` in place of the text at `span`. The
/// "did you mean" of a diagnostic, as an edit (an editor's quick fix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The text to replace: the whole value as written (a JSON string with its quotes).
    pub span: Span,
    /// What to write instead, as it is to appear in the file.
    pub replacement: String,
}

impl Suggestion {
    /// Replaces the JSON string (or key) at `span` with the string `text`, quoted.
    pub fn json_string(span: Span, text: &str) -> Suggestion {
        // Serialising a string cannot fail.
        Suggestion { span, replacement: serde_json::to_string(text).unwrap_or_default() }
    }
}

/// One message about one input file (a rule's finding is a [`crate::model::Finding`]).
///
/// A problem found at many places (the same mistake on many lines) is one diagnostic: its
/// message, labels and help say the first place, and the others are kept as their spans and
/// item numbers ([`Diagnostic::places`] gives each as it would read alone). The formats for
/// people show it once, those for tools once per place.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Its code (`unknown-material`).
    pub code: Code,
    /// How serious it is.
    pub severity: Severity,
    /// One sentence.
    pub message: String,
    /// Labelled spans; the first is the primary location. Empty for a file that has no text
    /// (a missing file, say): the location is then the file itself.
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    /// The fix the help suggests, where it is one replacement ("did you mean `lithium`?").
    pub suggestion: Option<Box<Suggestion>>,
    /// The same problem at further places, for a diagnostic that stands for many (see
    /// [`Diagnostic::places`]); and where its message names its list item.
    repeats: Option<Box<repeats::Repeats>>,
}

impl Diagnostic {
    /// A diagnostic of `code`, at the code's severity, to be given labels and help.
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            labels: Vec::new(),
            help: None,
            suggestion: None,
            repeats: None,
        }
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

    /// Sets the fix the help suggests.
    pub fn with_suggestion(mut self, suggestion: Suggestion) -> Diagnostic {
        self.suggestion = Some(Box::new(suggestion));
        self
    }

    /// The primary span, if any.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }

    /// Adapts the diagnostic to miette for rendering against `source`.
    pub fn render<'a>(&'a self, source: Option<&'a Source>) -> Rendered<'a> {
        Rendered {
            code: self.code.id(),
            severity: self.severity,
            message: self.message.as_str().into(),
            labels: &self.labels,
            help: self.help.as_deref(),
            source,
        }
    }
}
