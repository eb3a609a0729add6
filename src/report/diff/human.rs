//! A diff for people: per file, the findings introduced, resolved and persisting, then a
//! table of the shares that moved; a summary line per file and the verdict.

use std::fmt::Write as _;
use std::io;

use super::super::Style;
use super::super::human::input_errors;
use super::super::words::{outcome_past, plural};
use super::{largest, moved, moved_stages, values};
use crate::model::{DiffReport, FileDiff, FileReport, Finding};

/// Writes `report` for people.
pub(super) fn write(report: &DiffReport, style: &Style, out: &mut dyn io::Write) -> io::Result<()> {
    let mut text = String::new();
    for file in &report.files {
        if !file.checked() {
            // The input errors, as the check shows them.
            for version in file.old.iter().chain([&file.new]).filter(|f| !f.checked()) {
                input_errors(&mut text, version, style);
            }
            continue;
        }
        file_section(&mut text, file);
    }
    for file in &report.files {
        let _ = writeln!(text, "{}", summary_line(file));
    }
    let outcome = report.outcome();
    let _ = writeln!(
        text,
        "diff {} ({}; a persisting share may worsen by {}; exit status {})",
        outcome_past(outcome),
        report.fail_on.describe(),
        report.tolerance,
        outcome.exit_code()
    );
    out.write_all(text.as_bytes())
}

fn file_section(text: &mut String, file: &FileDiff) {
    let old = file.old.as_ref().map_or_else(|| "nothing (new file)".to_owned(), |o| o.path.clone());
    let _ = writeln!(text, "{} → {}\n", old, file.new.path);
    if !file.changed() {
        text.push_str("  nothing changed: the same findings and shares\n\n");
        return;
    }
    let introduced: Vec<&Finding> = file.introduced().collect();
    findings(text, "Findings introduced", &introduced, |f| located(&file.new, f));
    let resolved: Vec<&Finding> = file.resolved.iter().collect();
    findings(text, "Findings resolved", &resolved, |_| String::new());
    let persisting: Vec<&Finding> = file.persisting().collect();
    findings(text, "Findings persisting", &persisting, |f| values(f).map(|v| format!(" ({v})")).unwrap_or_default());
    shares(text, file);
}

/// `  (path:81:33)`: where a finding of the new version is.
fn located(file: &FileReport, finding: &Finding) -> String {
    match (&file.source, finding.labels.first()) {
        (Some(source), Some(label)) => {
            let at = source.line_col(label.span.start as usize);
            format!(" ({}:{}:{})", file.path, at.line, at.column)
        }
        _ => String::new(),
    }
}

fn findings(text: &mut String, title: &str, findings: &[&Finding], extra: impl Fn(&Finding) -> String) {
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(text, "  {title} ({}):", findings.len());
    for finding in findings {
        let waived = if finding.waived.is_some() { " [waived]" } else { "" };
        let _ = writeln!(
            text,
            "    {}[{}] {}{waived}{}",
            finding.severity,
            finding.code(),
            finding.message,
            extra(finding)
        );
    }
    text.push('\n');
}

/// The stages whose shares moved, one line each.
fn shares(text: &mut String, file: &FileDiff) {
    let mut rows: Vec<[String; 5]> = Vec::new();
    for material in file.materials.iter().filter(|m| m.moved()) {
        let mut first = true;
        for (stage, shares) in moved_stages(material) {
            let name = if first { material.material.label.clone() } else { String::new() };
            first = false;
            let largest = largest(shares, str::to_owned);
            rows.push([name, stage.as_str().to_owned(), moved(&shares.eu), largest, moved(&shares.unknown)]);
        }
    }
    let unchanged = file.materials.iter().filter(|m| !m.moved()).count();
    if rows.is_empty() {
        return;
    }
    text.push_str("  Shares that moved (percent of the denominator; change in percentage points):\n");
    let header = ["material", "stage", "EU", "largest non-EU", "unknown"];
    let widths: Vec<usize> =
        (0..5).map(|n| rows.iter().map(|r| r[n].chars().count()).chain([header[n].len()]).max().unwrap_or(0)).collect();
    let line = |cells: [&str; 5]| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        format!("    {}", padded.join("  ").trim_end())
    };
    let _ = writeln!(text, "{}", line(header));
    for row in &rows {
        let _ = writeln!(text, "{}", line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
    }
    if unchanged > 0 {
        let _ = writeln!(text, "    ({} unchanged)", plural(unchanged, "other material"));
    }
    text.push('\n');
}

/// `examples/a.json: 1 introduced, 1 resolved, 3 persisting (1 worsened)`.
fn summary_line(file: &FileDiff) -> String {
    if !file.checked() {
        return format!("{}: not checked: input errors", file.new.path);
    }
    let worsened = file.worsened().count();
    let worsened = if worsened > 0 { format!(" ({worsened} worsened)") } else { String::new() };
    format!(
        "{}: {} introduced, {} resolved, {} persisting{worsened}",
        file.new.path,
        file.introduced().count(),
        file.resolved.len(),
        file.persisting().count()
    )
}
