//! The JUnit XML format (not written yet).

use std::io;

use super::{Format, Report};

/// JUnit XML.
#[derive(Debug, Clone, Copy, Default)]
pub struct Junit;

impl Format for Junit {
    fn write(&self, _report: &Report, _out: &mut dyn io::Write) -> io::Result<()> {
        Err(io::Error::other("the junit format is not available yet"))
    }
}
