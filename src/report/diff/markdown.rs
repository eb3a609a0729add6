//! A diff as Markdown, for a pull-request comment: the verdict, then per file the findings
//! introduced and resolved, a compact table of the shares that moved (arrows for the
//! direction), and the persisting findings folded. Text from the input is escaped as in the
//! check's Markdown format.

use std::fmt::Write as _;
use std::io;

use super::super::markdown::{Align, code, inline, table};
use super::super::words::outcome_past;
use super::{largest, moved, moved_stages, values};
use crate::model::{DiffReport, FileDiff, Finding, Outcome};

/// Writes `report` as Markdown.
pub(super) fn write(report: &DiffReport, out: &mut dyn io::Write) -> io::Result<()> {
    let mut md = String::new();
    let outcome = report.outcome();
    let mark = match outcome {
        Outcome::Pass => "✅",
        Outcome::Fail => "❌",
        Outcome::Unchecked => "⛔",
    };
    let (introduced, resolved, worsened) = report
        .files
        .iter()
        .fold((0, 0, 0), |(i, r, w), f| (i + f.introduced().count(), r + f.resolved.len(), w + f.worsened().count()));
    let _ = writeln!(md, "## {mark} crma-check diff {}\n", outcome_past(outcome));
    let _ = writeln!(
        md,
        "{introduced} introduced · {resolved} resolved · {worsened} worsened · {} · tolerance {} · exit status {}\n",
        report.fail_on.describe(),
        report.tolerance,
        outcome.exit_code()
    );
    for file in &report.files {
        file_section(&mut md, file);
    }
    while md.ends_with("\n\n") {
        md.pop();
    }
    out.write_all(md.as_bytes())
}

fn file_section(md: &mut String, file: &FileDiff) {
    let old = file.old.as_ref().map_or_else(|| "(new file)".to_owned(), |o| code(&o.path, false));
    let _ = writeln!(md, "### {} → {}\n", old, code(&file.new.path, false));
    if !file.checked() {
        md.push_str("⛔ Not compared: a version has input errors (`crma-check` on it lists them).\n\n");
        return;
    }
    if !file.changed() {
        md.push_str("Nothing changed.\n\n");
        return;
    }
    let introduced: Vec<&Finding> = file.introduced().collect();
    list(md, "Introduced", &introduced, |_| String::new());
    let resolved: Vec<&Finding> = file.resolved.iter().collect();
    list(md, "Resolved", &resolved, |_| String::new());
    let worsened: Vec<&Finding> = file.worsened().collect();
    list(md, "Worsened", &worsened, |f| values(f).map(|v| format!(" ({})", inline(&v, false))).unwrap_or_default());

    let mut rows = Vec::new();
    for material in file.materials.iter().filter(|m| m.moved()) {
        for (stage, s) in moved_stages(material) {
            let largest = largest(s, |name| inline(name, true));
            rows.push(vec![
                inline(&material.material.label, true),
                stage.as_str().to_owned(),
                moved(&s.eu),
                largest,
                moved(&s.unknown),
            ]);
        }
    }
    if !rows.is_empty() {
        md.push_str("#### What moved\n\n");
        table(
            md,
            &["material", "stage", "EU", "largest non-EU", "unknown"],
            &[Align::Left, Align::Left, Align::Right, Align::Left, Align::Right],
            &rows,
        );
    }
    let persisting: Vec<&Finding> = file.persisting().collect();
    if !persisting.is_empty() {
        let _ = writeln!(md, "<details><summary>Persisting ({})</summary>\n", persisting.len());
        for finding in persisting {
            item(md, finding, &values(finding).map(|v| format!(" ({})", inline(&v, false))).unwrap_or_default());
        }
        md.push_str("\n</details>\n\n");
    }
}

fn list(md: &mut String, title: &str, findings: &[&Finding], extra: impl Fn(&Finding) -> String) {
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(md, "#### {title} ({})\n", findings.len());
    for finding in findings {
        item(md, finding, &extra(finding));
    }
    md.push('\n');
}

fn item(md: &mut String, finding: &Finding, extra: &str) {
    let waived = if finding.waived.is_some() { " _(waived)_" } else { "" };
    let _ = writeln!(
        md,
        "- **{}** ({}): {}{extra}{waived}",
        inline(finding.code(), false),
        finding.severity,
        inline(&finding.message, false)
    );
}
