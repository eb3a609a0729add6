//! A stress test for people: per scenario, what it is, a table of what each material loses
//! and how long its stock bridges the loss, and the findings the cut brings about or clears.

use std::fmt::Write as _;
use std::io;

use super::super::Style;
use super::super::human::input_errors;
use super::super::words::{percent, plural};
use super::{cover, stock_days};
use crate::model::{Finding, ScenarioResult, StressReport};

/// Writes `report` for people.
pub(super) fn write(report: &StressReport, style: &Style, out: &mut dyn io::Write) -> io::Result<()> {
    if !report.ran() {
        // The input errors, as the check shows them.
        let mut text = String::new();
        for file in std::iter::once(&report.before).chain(&report.unreadable).filter(|f| !f.checked()) {
            input_errors(&mut text, file, style);
        }
        out.write_all(text.as_bytes())?;
        return writeln!(out, "stress test could not be made (exit status 2)");
    }
    let mut text = String::new();
    let before = &report.before;
    let title = before.name.as_deref().unwrap_or(&before.path);
    let year = before.year.map(|y| format!(", {y}")).unwrap_or_default();
    let _ = writeln!(text, "Stress test of {} ({title}{year})", before.path);
    let counting = before.findings.iter().filter(|f| f.counts()).count();
    let _ = writeln!(text, "As it is: {} not waived.\n", plural(counting, "finding"));
    if report.ranked {
        ranking(&mut text, &report.scenarios);
    }
    for result in &report.scenarios {
        scenario(&mut text, result, style.width);
    }
    out.write_all(text.as_bytes())
}

/// A paragraph wrapped at `width`, its first line after `lead`, the others indented.
fn paragraph(text: &mut String, lead: &str, body: &str, width: usize) {
    let options = textwrap::Options::new(width.max(40))
        .initial_indent(lead)
        .subsequent_indent("    ")
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(false);
    let _ = writeln!(text, "{}", textwrap::fill(body, options));
}

/// The countries ranked by the largest share of a strategic raw material their loss takes.
fn ranking(text: &mut String, results: &[ScenarioResult]) {
    let _ = writeln!(
        text,
        "Single points of failure: each country cut in turn, at every stage, ranked by the largest share"
    );
    let _ = writeln!(text, "of a strategic raw material lost\n");
    let rows: Vec<[String; 4]> = results
        .iter()
        .enumerate()
        .map(|(n, r)| {
            let largest = r
                .largest_strategic_loss()
                .filter(|m| !m.lost.is_zero())
                .map_or("no strategic raw material".to_owned(), |m| {
                    format!("{} of {}", percent(m.lost_percent), m.material.label)
                });
            [(n + 1).to_string(), r.scenario.name.clone(), largest, r.appeared.len().to_string()]
        })
        .collect();
    columns(text, ["rank", "country cut", "largest loss", "findings brought about"], &rows);
    text.push('\n');
}

fn scenario(text: &mut String, result: &ScenarioResult, width: usize) {
    let doc = &result.scenario;
    let _ = writeln!(text, "Scenario: {}", doc.name);
    let mut facts = Vec::new();
    if let Some(date) = &doc.date {
        let announced = doc.announced.as_ref().map(|a| format!(" (announced {a})")).unwrap_or_default();
        facts.push(format!("took effect {date}{announced}"));
    }
    if let Some(kind) = &doc.kind {
        let kind = match kind.as_str() {
            "licence" => "a licence regime, not a ban",
            "ban" => "a ban",
            "quota" => "a quota",
            "suspension" => "a suspension",
            other => other,
        };
        facts.push(kind.to_owned());
    }
    if !facts.is_empty() {
        let _ = writeln!(text, "  {}", facts.join("; "));
    }
    if let Some(source) = &doc.source {
        let url = doc.url.as_ref().map(|u| format!(" ({u})")).unwrap_or_default();
        paragraph(text, "  source: ", &format!("{source}{url}"), width);
    }
    if let Some(assumption) = &doc.assumption {
        paragraph(text, "  assumption: ", assumption, width);
    }
    paragraph(text, "  cuts: ", &doc.cuts.join("; "), width);
    text.push('\n');
    let hit: Vec<_> = result.materials.iter().filter(|m| !m.lost.is_zero()).collect();
    let stocks = result.materials.iter().any(|m| m.stock.is_some());
    if hit.is_empty() {
        let _ = writeln!(text, "  Nothing in this portfolio is lost.\n");
    } else {
        let mut table = String::new();
        if stocks {
            let rows: Vec<[String; 5]> = hit
                .iter()
                .map(|m| {
                    [m.material.label.clone(), m.lost.to_string(), percent(m.lost_percent), stock_days(m), cover(m)]
                })
                .collect();
            columns(&mut table, ["material", "lost", "of demand", "stock cover", "stock bridges the loss"], &rows);
        } else {
            let rows: Vec<[String; 3]> =
                hit.iter().map(|m| [m.material.label.clone(), m.lost.to_string(), percent(m.lost_percent)]).collect();
            columns(&mut table, ["material", "lost", "of demand"], &rows);
        }
        for line in table.lines() {
            let _ = writeln!(text, "  {line}");
        }
        let untouched = result.materials.len() - hit.len();
        if untouched > 0 {
            let verb = if untouched == 1 { "loses" } else { "lose" };
            let _ = writeln!(text, "  ({} {verb} nothing)", plural(untouched, "other material"));
        }
        text.push('\n');
    }
    findings(text, "Findings the cut brings about", &result.appeared);
    findings(text, "Findings the cut clears", &result.cleared);
    for note in &result.notes {
        let _ = writeln!(text, "  note: {note}");
    }
    if !result.notes.is_empty() {
        text.push('\n');
    }
}

fn findings(text: &mut String, title: &str, findings: &[Finding]) {
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(text, "  {title}:");
    for finding in findings {
        let _ = writeln!(text, "    {}[{}] {}", finding.severity, finding.code(), finding.message);
    }
    text.push('\n');
}

/// Left-aligned columns, two spaces apart, no trailing spaces.
fn columns<const N: usize>(text: &mut String, header: [&str; N], rows: &[[String; N]]) {
    let widths: Vec<usize> = (0..N)
        .map(|n| rows.iter().map(|r| r[n].chars().count()).chain([header[n].chars().count()]).max().unwrap_or(0))
        .collect();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        padded.join("  ").trim_end().to_owned()
    };
    let _ = writeln!(text, "{}", line(header.to_vec()));
    for row in rows {
        let _ = writeln!(text, "{}", line(row.iter().map(String::as_str).collect()));
    }
}
