//! Rendering at the edge: any diagnostic or finding as a [`miette::Diagnostic`], with its
//! labels as the snippet's underlines.

use std::borrow::Cow;
use std::fmt;

use super::{Label, Severity};
use crate::source::Source;

/// A diagnostic or finding as miette renders it: `error[CODE]`, the message, the labelled
/// snippet of `source`, the help.
pub struct Rendered<'a> {
    /// The code or rule id.
    pub code: &'a str,
    /// How serious it is.
    pub severity: Severity,
    /// The message (with its notes, for a finding).
    pub message: Cow<'a, str>,
    /// The labels; the first is the primary one.
    pub labels: &'a [Label],
    /// What to do.
    pub help: Option<&'a str>,
    /// The text the labels point into, if it could be read.
    pub source: Option<&'a Source>,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rendered").field("code", &self.code).field("message", &self.message).finish()
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        // Shown as the header, as compilers do: `error[CRM004]`.
        Some(Box::new(format!("{}[{}]", self.severity, self.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.filter(|_| !self.labels.is_empty()).map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let source = self.source.filter(|_| !self.labels.is_empty())?;
        Some(Box::new(self.labels.iter().enumerate().map(|(n, label)| {
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
