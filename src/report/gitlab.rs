//! The GitLab Code Quality format (not written yet).

use std::io;

use super::{Format, Report};

/// GitLab Code Quality.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gitlab;

impl Format for Gitlab {
    fn write(&self, _report: &Report, _out: &mut dyn io::Write) -> io::Result<()> {
        Err(io::Error::other("the gitlab format is not available yet"))
    }
}
