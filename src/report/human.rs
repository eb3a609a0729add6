//! The human format: compiler-style diagnostics with source snippets (miette), a share
//! table per file and a summary line. Colour only when asked for; readable when piped.

use std::fmt::Write as _;
use std::io;

use super::words::{not_checked, outcome_past, percent, plural};
use super::{Entry, Style};
use crate::diagnostic::{Rendered, Severity};
use crate::domain::Stage;
use crate::model::{FileReport, Finding, Report, TableRow};

/// Writes `report` for people, in `style`.
pub(super) fn write(report: &Report, style: &Style, out: &mut dyn io::Write) -> io::Result<()> {
    let human = Human(*style);
    let mut text = String::new();
    for file in &report.files {
        human.file(&mut text, file);
    }
    if !style.quiet {
        human.summary(&mut text, report);
    }
    out.write_all(text.as_bytes())
}

struct Human(Style);

impl Human {
    fn handler(&self) -> miette::GraphicalReportHandler {
        let theme =
            if self.0.color { miette::GraphicalTheme::unicode() } else { miette::GraphicalTheme::unicode_nocolor() };
        miette::GraphicalReportHandler::new_themed(theme)
            .with_width(self.0.width)
            .with_links(false)
            .with_context_lines(1)
    }

    fn entry(&self, out: &mut String, file: &FileReport, entry: &Entry<'_>) {
        let handler = self.handler();
        let rendered = Rendered {
            code: entry.code,
            severity: entry.severity,
            message: entry.full_message().into(),
            labels: &entry.labels,
            help: entry.help,
            source: file.source.as_ref(),
        };
        // Rendering into a String cannot fail; a failure would be a bug in miette.
        let _ = handler.render_report(out, &rendered);
        if entry.labels.is_empty() {
            // No snippet to say which file: say it.
            let _ = writeln!(out, "  ╰─ in {}", file.path);
        }
        out.push('\n');
    }

    fn file(&self, out: &mut String, file: &FileReport) {
        for entry in file.grouped_entries() {
            let skipped = if entry.is_input() {
                self.0.quiet && entry.severity == Severity::Note
            } else {
                entry.waived().is_some()
            };
            if !skipped {
                self.entry(out, file, &entry);
            }
        }
        if self.0.quiet || !file.checked() {
            return;
        }
        let waived: Vec<&Finding> = file.findings.iter().filter(|f| !f.counts()).collect();
        if !waived.is_empty() {
            let _ = writeln!(out, "Waived in {}:", file.path);
            for finding in waived {
                if let Some(w) = &finding.waived {
                    let _ =
                        writeln!(out, "  {} {} (until {}: {})", finding.code(), finding.message, w.expires, w.reason);
                }
            }
            out.push('\n');
        }
        self.table(out, file);
    }

    fn table(&self, out: &mut String, file: &FileReport) {
        if file.table.rows.is_empty() {
            return;
        }
        let title = match (&file.name, file.year) {
            (Some(name), Some(year)) => format!("{name} ({year})"),
            (None, Some(year)) => format!("{} ({year})", file.path),
            _ => file.path.clone(),
        };
        let _ = writeln!(out, "Shares by material, {title}");
        let _ = writeln!(out, "(percent of annual consumption, or of the supplies where none is given)");
        let rows: Vec<&TableRow> = file.table.rows.iter().chain(file.table.overall.as_ref()).collect();
        let cells: Vec<[String; 2]> = rows.iter().map(|r| [r.material.label.clone(), r.denominator_text()]).collect();
        let name_width = cells.iter().map(|c| c[0].chars().count()).max().unwrap_or(0).max("material".len());
        let basis_width = cells.iter().map(|c| c[1].chars().count()).max().unwrap_or(0).max("denominator".len());
        let third_width = rows
            .iter()
            .flat_map(|r| r.stages.iter())
            .map(|s| s.top_third_country.as_ref().map_or(1, |(c, _)| c.name.chars().count() + 7))
            .max()
            .unwrap_or(0)
            .max("largest non-EU".len());
        let header = format!(
            "{:<name_width$}  {:<basis_width$}  {:<10}  {:>6}  {:<third_width$}  {:>7}  verdict",
            "material", "denominator", "stage", "EU", "largest non-EU", "unknown"
        );
        let _ = writeln!(out, "{}", header.trim_end());
        for (row, [name, basis]) in rows.iter().zip(&cells) {
            for (n, stage) in Stage::ALL.iter().enumerate() {
                let shares = &row.stages[n];
                let third = shares
                    .top_third_country
                    .as_ref()
                    .map_or("-".to_owned(), |(c, share)| format!("{} {}", c.name, percent(*share)));
                let (name, basis, verdict) =
                    if n == 0 { (name.as_str(), basis.as_str(), row.verdict.as_str()) } else { ("", "", "") };
                let line = format!(
                    "{name:<name_width$}  {basis:<basis_width$}  {:<10}  {:>6}  {third:<third_width$}  {:>7}  {verdict}",
                    stage.as_str(),
                    percent(shares.eu),
                    percent(shares.unknown),
                );
                let _ = writeln!(out, "{}", line.trim_end());
            }
        }
        out.push('\n');
    }

    fn summary(&self, out: &mut String, report: &Report) {
        for file in &report.files {
            let _ = writeln!(out, "{}: {}", file.path, counts_line(file.counts(), file.checked(), file.supply_lines));
        }
        let outcome = report.outcome();
        let verdict = outcome_past(outcome);
        let level = report.fail_on.describe();
        let line = format!("check {verdict} ({level}; exit status {})", outcome.exit_code());
        let _ = writeln!(out, "{}", if self.0.color { bold(&line) } else { line });
    }
}

fn counts_line(counts: crate::model::Counts, checked: bool, lines: u32) -> String {
    if !checked {
        return not_checked(counts.input_errors);
    }
    let mut parts = vec![plural(counts.errors, "error"), plural(counts.warnings, "warning")];
    if counts.waived > 0 {
        parts.push(format!("{} waived", counts.waived));
    }
    if counts.notes > 0 {
        parts.push(plural(counts.notes, "note"));
    }
    format!("{} ({} checked)", parts.join(", "), plural(lines as usize, "supply line"))
}

fn bold(text: &str) -> String {
    format!("\u{1b}[1m{text}\u{1b}[0m")
}
