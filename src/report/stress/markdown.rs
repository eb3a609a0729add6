//! A stress test as Markdown, for a pull-request comment or a job summary: per scenario, a
//! table of what each material loses, and the findings the cut brings about or clears.
//! Text from the input is escaped as in the check's Markdown format.

use std::fmt::Write as _;
use std::io;

use super::super::markdown::{Align, code, inline, table};
use super::super::words::percent;
use super::{cover, stock_days};
use crate::model::{Finding, StressReport};

/// Writes `report` as Markdown.
pub(super) fn write(report: &StressReport, out: &mut dyn io::Write) -> io::Result<()> {
    let mut md = String::new();
    let before = &report.before;
    let _ = writeln!(md, "## Stress test of {}\n", code(&before.path, false));
    if !report.ran() {
        md.push_str("⛔ The stress test could not be made: fix the input errors (`crma-check` lists them).\n");
        return out.write_all(md.as_bytes());
    }
    if report.ranked {
        let rows: Vec<Vec<String>> = report
            .scenarios
            .iter()
            .enumerate()
            .map(|(n, r)| {
                let largest = r.largest_strategic_loss().filter(|m| !m.lost.is_zero()).map_or("–".to_owned(), |m| {
                    format!("{} of {}", percent(m.lost_percent), inline(&m.material.label, true))
                });
                vec![(n + 1).to_string(), inline(&r.scenario.name, true), largest, r.appeared.len().to_string()]
            })
            .collect();
        md.push_str("Each country cut in turn, ranked by the largest share of a strategic raw material lost.\n\n");
        table(
            &mut md,
            &["rank", "country cut", "largest loss", "findings brought about"],
            &[Align::Right, Align::Left, Align::Left, Align::Right],
            &rows,
        );
    }
    for result in &report.scenarios {
        let doc = &result.scenario;
        let _ = writeln!(md, "### {}\n", inline(&doc.name, false));
        if let Some(date) = &doc.date {
            let _ = writeln!(md, "Took effect {date}.");
        }
        if let Some(source) = &doc.source {
            let _ = writeln!(md, "Source: {}.", inline(source, false));
        }
        let _ = writeln!(md, "Cuts: {}.\n", inline(&doc.cuts.join("; "), false));
        let stocks = result.materials.iter().any(|m| m.stock.is_some());
        let rows: Vec<Vec<String>> = result
            .materials
            .iter()
            .filter(|m| !m.lost.is_zero())
            .map(|m| {
                let mut row = vec![inline(&m.material.label, true), m.lost.to_string(), percent(m.lost_percent)];
                if stocks {
                    row.extend([stock_days(m), cover(m)]);
                }
                row
            })
            .collect();
        if rows.is_empty() {
            md.push_str("Nothing in this portfolio is lost.\n\n");
        } else {
            let mut header = vec!["material", "lost", "of demand"];
            let mut align = vec![Align::Left, Align::Right, Align::Right];
            if stocks {
                header.extend(["stock cover", "stock bridges the loss"]);
                align.extend([Align::Right, Align::Right]);
            }
            table(&mut md, &header, &align, &rows);
        }
        list(&mut md, "Findings the cut brings about", &result.appeared);
        list(&mut md, "Findings the cut clears", &result.cleared);
    }
    while md.ends_with("\n\n") {
        md.pop();
    }
    out.write_all(md.as_bytes())
}

fn list(md: &mut String, title: &str, findings: &[Finding]) {
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(md, "**{title}**\n");
    for finding in findings {
        let _ = writeln!(md, "- `{}` {}", finding.code(), inline(&finding.message, false));
    }
    md.push('\n');
}
