//! The short format: one line per finding and per input diagnostic,
//! `path:line:col: severity[CODE]: message`, for editors' problem matchers and grep.
//!
//! A waived finding is a `note`, its message followed by `[waived until DATE]`, so that an
//! editor does not flag what has been accepted.

use std::io;

use crate::model::Report;

/// One line per finding.
pub(super) fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    for file in &report.files {
        for entry in file.entries() {
            let l = &entry.location;
            let (severity, suffix) = match entry.waived() {
                Some(waived) => ("note", format!(" [waived until {}]", waived.expires)),
                None => (entry.severity.as_str(), String::new()),
            };
            // One line each: a message never holds a line break.
            let message = entry.message.replace(['\n', '\r'], " ");
            writeln!(out, "{}:{}:{}: {severity}[{}]: {message}{suffix}", l.path, l.line, l.column, entry.code)?;
        }
    }
    Ok(())
}
