//! The output formats: one module per format, each rendering a whole [`Report`] to a writer.
//!
//! Formats read the result model ([`crate::model`]) and never compute anything in it: a
//! format chooses how to show a report, never what is in it. To add a format: a module with
//! a `write` function, a variant of [`Format`] with its name and description, and its line in
//! [`Format::write`].

mod diff;
mod entries;
mod fingerprint;
mod github;
mod gitlab;
mod html;
mod human;
mod json;
mod junit;
mod location;
mod markdown;
mod sarif;
mod short;
mod stress;
mod words;

pub use diff::DiffFormat;
pub use entries::Entry;
pub use fingerprint::Fingerprints;
pub use json::REPORT_VERSION;
pub use location::{Location, path_uri, repository_path};
pub use stress::StressFormat;

use std::io::{self, Write as _};

use crate::model::Report;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Diagnostics with source snippets, share tables, a summary.
    Human,
    /// One line per finding: `path:line:col: severity[CODE]: message`.
    Short,
    /// The stable JSON report (`schemas/report.schema.json`).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML, for CI test reports.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// A Markdown summary for a pull request or a job summary.
    Markdown,
    /// One self-contained HTML page with a chart per material and stage.
    Html,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 9] = [
        Format::Human,
        Format::Short,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Gitlab,
        Format::Markdown,
        Format::Html,
    ];

    /// Its name, as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Short => "short",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    /// What it is for, in a line.
    pub fn about(self) -> &'static str {
        match self {
            Format::Human => "Diagnostics with source snippets, share tables, a summary.",
            Format::Short => "One line per finding: path:line:col: severity[CODE]: message.",
            Format::Json => "The stable JSON report (schemas/report.schema.json).",
            Format::Sarif => "SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.",
            Format::Junit => "JUnit XML, for CI test reports.",
            Format::Github => "GitHub Actions workflow commands (annotations).",
            Format::Gitlab => "GitLab Code Quality JSON.",
            Format::Markdown => "A Markdown summary for a pull request or a job summary.",
            Format::Html => {
                "One self-contained HTML page: charts of the shares with the rules' thresholds, the findings."
            }
        }
    }

    /// The format called `name`.
    pub fn named(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Writes `report` in this format; `style` says how for the formats meant for people.
    pub fn write(self, report: &Report, style: &Style, out: &mut dyn io::Write) -> io::Result<()> {
        // Buffered: the formats write an entry at a time (a report may list a million), and
        // standard output would otherwise be written at every line break.
        let mut buffered = io::BufWriter::new(out);
        self.write_unbuffered(report, style, &mut buffered)?;
        buffered.flush()
    }

    fn write_unbuffered(self, report: &Report, style: &Style, out: &mut dyn io::Write) -> io::Result<()> {
        match self {
            Format::Human => human::write(report, style, out),
            Format::Short => short::write(report, out),
            Format::Json => json::write(report, out),
            Format::Sarif => sarif::write(report, out),
            Format::Junit => junit::write(report, out),
            Format::Github => github::write(report, out),
            Format::Gitlab => gitlab::write(report, out),
            Format::Markdown => markdown::write(report, out),
            Format::Html => html::write(report, out),
        }
    }
}

/// How the formats meant for people are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Use colour (ANSI escapes).
    pub color: bool,
    /// Width to wrap messages at.
    pub width: usize,
    /// Only diagnostics and findings: no tables, no summary, no notes.
    pub quiet: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style { color: false, width: 100, quiet: false }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_found_by_name() {
        for format in Format::ALL {
            assert_eq!(Format::named(format.name()), Some(format));
        }
        assert_eq!(Format::named("xml"), None);
    }
}
