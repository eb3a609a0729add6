//! The short format: one line per finding and per input diagnostic,
//! `path:line:col: severity[CODE]: message`, for editors' problem matchers and grep.
//!
//! A waived finding is a `note`, its message followed by `[waived until DATE]`, so that an
//! editor does not flag what has been accepted; so is one a baseline accepts (`[baselined]`).
//! One that got worse than the baseline keeps its severity, marked `[worsened since the
//! baseline]`.

use std::io;

use crate::model::{BaselineState, Report};

/// One line per finding.
pub(super) fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    for file in &report.files {
        for entry in file.entries() {
            let l = &entry.location;
            let worsened =
                entry.finding.and_then(|f| f.baseline.as_ref()).filter(|b| b.state == BaselineState::Worsened);
            let (severity, suffix) = match entry.waived() {
                Some(waived) => ("note", format!(" [waived until {}]", waived.expires)),
                None if entry.baselined() => ("note", " [baselined]".to_owned()),
                None if worsened.is_some() => (entry.severity.as_str(), " [worsened since the baseline]".to_owned()),
                None => (entry.severity.as_str(), String::new()),
            };
            // One line each: a message never holds a line break.
            let message = entry.message.replace(['\n', '\r'], " ");
            writeln!(out, "{}:{}:{}: {severity}[{}]: {message}{suffix}", l.path, l.line, l.column, entry.code)?;
        }
    }
    Ok(())
}
