//! The Markdown summary format (not written yet).

use std::io;

use super::{Format, Report};

/// Markdown summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct Markdown;

impl Format for Markdown {
    fn write(&self, _report: &Report, _out: &mut dyn io::Write) -> io::Result<()> {
        Err(io::Error::other("the markdown format is not available yet"))
    }
}
