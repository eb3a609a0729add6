//! The human format: compiler-style diagnostics with source snippets (miette), a share
//! table per file and a summary line. Colour only when asked for; readable when piped.

use std::fmt::Write as _;
use std::io;

use super::words::{cover_days, not_checked, outcome_past, percent, plural};
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

/// The input errors of a file that could not be checked, as a check shows them: for the
/// stress and diff reports, which stop there.
pub(super) fn input_errors(out: &mut String, file: &FileReport, style: &Style) {
    Human(Style { quiet: true, ..*style }).file(out, file);
}

struct Human(Style);

impl Human {
    fn handler(&self) -> miette::GraphicalReportHandler {
        let theme =
            if self.0.color { miette::GraphicalTheme::unicode() } else { miette::GraphicalTheme::unicode_nocolor() };
        miette::GraphicalReportHandler::new_themed(theme)
            .with_width(self.0.width)
            // Never break a form id or a path at its hyphens (`copper-sulfate-pentahydrate`).
            .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
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
                entry.waived().is_some() || entry.baselined()
            };
            if !skipped {
                self.entry(out, file, &entry);
            }
        }
        if self.0.quiet || !file.checked() {
            return;
        }
        let waived: Vec<&Finding> = file.findings.iter().filter(|f| f.waived.is_some()).collect();
        if !waived.is_empty() {
            let _ = writeln!(out, "Waived in {}:", file.path);
            for finding in waived {
                if let Some(w) = &finding.waived {
                    let _ = writeln!(out, "  {} {} — {}", finding.code(), finding.message, w.describe());
                }
            }
            out.push('\n');
        }
        // Accepted as they stand: one line each, with how they compare.
        let baselined: Vec<&Finding> = file.findings.iter().filter(|f| f.baselined()).collect();
        if !baselined.is_empty() {
            let _ = writeln!(out, "Baselined in {} (accepted by the baseline):", file.path);
            for finding in baselined {
                let words = finding.baseline.as_ref().map_or("", |b| b.words.as_str());
                let how = words.strip_prefix("baselined: ").unwrap_or(words);
                let _ = writeln!(out, "  {} {} ({how})", finding.code(), finding.message);
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
        if file.table.overall.is_some() {
            let _ = writeln!(
                out,
                "(all strategic raw materials: their tonnes added up, so the largest tonnages weigh most)"
            );
        }
        let rows: Vec<&TableRow> = file.table.rows.iter().chain(file.table.overall.as_ref()).collect();
        // A stock column where any material states a stock: the stock and its days of cover.
        let stocks = rows.iter().any(|r| r.stock.is_some());
        let cells: Vec<[String; 3]> = rows
            .iter()
            .map(|r| {
                let stock = r.stock.as_ref().map_or("-".to_owned(), |s| format!("{}, {}", s.mass, cover_days(s.days)));
                [
                    r.material.label.clone(),
                    r.denominator_text(),
                    if stocks { format!("{stock}  ") } else { String::new() },
                ]
            })
            .collect();
        let name_width = cells.iter().map(|c| c[0].chars().count()).max().unwrap_or(0).max("material".len());
        let basis_width = cells.iter().map(|c| c[1].chars().count()).max().unwrap_or(0).max("denominator".len());
        let stock_head = if stocks { "stock, cover  " } else { "" };
        if stocks {
            let _ = writeln!(out, "(cover: the days of the denominator the stock held covers, at 365 days a year)");
        }
        let stock_width = cells.iter().map(|c| c[2].chars().count()).max().unwrap_or(0).max(stock_head.len());
        let third_width = rows
            .iter()
            .flat_map(|r| r.stages.iter())
            .map(|s| s.top_third_country().map_or(1, |(c, _)| c.name.chars().count() + 7))
            .max()
            .unwrap_or(0)
            .max("largest non-EU".len());
        let header = format!(
            "{:<name_width$}  {:<basis_width$}  {stock_head:<stock_width$}{:<10}  {:>6}  {:<third_width$}  {:>7}  verdict",
            "material", "denominator", "stage", "EU", "largest non-EU", "unknown"
        );
        let _ = writeln!(out, "{}", header.trim_end());
        for (row, [name, basis, stock]) in rows.iter().zip(&cells) {
            for (n, stage) in Stage::ALL.iter().enumerate() {
                let shares = &row.stages[n];
                let third = shares
                    .top_third_country()
                    .map_or("-".to_owned(), |(c, share)| format!("{} {}", c.name, percent(share)));
                let (name, basis, stock, verdict) = if n == 0 {
                    (name.as_str(), basis.as_str(), stock.as_str(), row.verdict.as_str())
                } else {
                    ("", "", "", "")
                };
                let line = format!(
                    "{name:<name_width$}  {basis:<basis_width$}  {stock:<stock_width$}{:<10}  {:>6}  {third:<third_width$}  {:>7}  {verdict}",
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
            // A file that is not a portfolio (a baseline with stale entries) has no lines.
            let lines = file.year.map(|_| file.supply_lines);
            let _ = writeln!(out, "{}: {}", file.path, counts_line(file.counts(), file.checked(), lines));
        }
        let outcome = report.outcome();
        let verdict = outcome_past(outcome);
        let level = report.fail_on.describe();
        let line = format!("check {verdict} ({level}; exit status {})", outcome.exit_code());
        let _ = writeln!(out, "{}", if self.0.color { bold(&line) } else { line });
    }
}

fn counts_line(counts: crate::model::Counts, checked: bool, lines: Option<u32>) -> String {
    if !checked {
        return not_checked(counts.input_errors);
    }
    let mut parts = vec![plural(counts.errors, "error"), plural(counts.warnings, "warning")];
    if counts.waived > 0 {
        parts.push(format!("{} waived", counts.waived));
    }
    if counts.baselined > 0 {
        parts.push(format!("{} baselined", counts.baselined));
    }
    if counts.notes > 0 {
        parts.push(plural(counts.notes, "note"));
    }
    match lines {
        Some(lines) => format!("{} ({} checked)", parts.join(", "), plural(lines as usize, "supply line")),
        None => parts.join(", "),
    }
}

fn bold(text: &str) -> String {
    format!("\u{1b}[1m{text}\u{1b}[0m")
}
