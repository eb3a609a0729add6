//! The GitHub Actions workflow commands format (not written yet).

use std::io;

use super::{Format, Report};

/// GitHub Actions workflow commands.
#[derive(Debug, Clone, Copy, Default)]
pub struct Github;

impl Format for Github {
    fn write(&self, _report: &Report, _out: &mut dyn io::Write) -> io::Result<()> {
        Err(io::Error::other("the github format is not available yet"))
    }
}
