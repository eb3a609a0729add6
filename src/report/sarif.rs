//! The SARIF 2.1.0 format (not written yet).

use std::io;

use super::{Format, Report};

/// SARIF 2.1.0.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sarif;

impl Format for Sarif {
    fn write(&self, _report: &Report, _out: &mut dyn io::Write) -> io::Result<()> {
        Err(io::Error::other("the sarif format is not available yet"))
    }
}
