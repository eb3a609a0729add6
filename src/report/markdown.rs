//! The Markdown format: a summary of a run in GitHub-flavoured Markdown (GFM), for a
//! pull-request comment or a job summary
//! (`crma-check --format markdown portfolio.json >> "$GITHUB_STEP_SUMMARY"`).
//!
//! Layout, decided for a reviewer reading it on GitHub, and still readable as raw text:
//!
//! 1. A heading with the verdict (passed, failed, could not be completed), then one line with
//!    the counts, the fail level and the exit status; with several files, a table of the
//!    counts and result of each file.
//! 2. Per file, a heading with the portfolio's name and year (the path, without a name), a line
//!    with its path, counts and result, then:
//!    - its input errors, if any, each with its help right under it, since that help is
//!      particular to the mistake (``did you mean `lithium`?``); a file with input errors has
//!      no table and no findings;
//!    - the share table: one row per material and stage, with the material, denominator and
//!      verdict on the first row of each material only, as in the human format; the EU share,
//!      the largest share of a single country outside the EU (with the country) and the share
//!      of unknown origin, in percent with one decimal. Cells are padded so that the raw text
//!      lines up; numbers are right-aligned;
//!    - the findings and the file's other diagnostics, grouped by severity (errors, warnings,
//!      notes), each group in the report's order, one list item each: code, rule name,
//!      message and `path:line:col`. An item's notes are folded under it in `<details>`;
//!    - waived findings last, on their own, with their severity and the waiver's expiry and
//!      reason;
//!    - the help, once per code, folded: a rule gives the same help on each of its findings,
//!      and twenty copies of it would bury the findings.
//!
//! Escaping: text from the report (messages, names, reasons) is inline Markdown in which
//! backtick code spans, as messages write them (``unknown material `lithum` ``), are kept;
//! every other character that GFM could read as markup is backslash-escaped (`\ * _ [ ] < >
//! | ~ $ &`; `_` only where it is not inside a word; `$` because GitHub renders `$…$` as
//! maths), and so is a line-starting `#`, `-`, `+`, `=` or ordered-list number. Line breaks
//! in text become spaces. In table cells a `|`, even inside a code span, is written `\|`, as
//! the GFM table extension requires. Paths are code spans with a fence longer than any run
//! of backticks in them.
//!
//! Size: nothing is cut. GitHub keeps at most 1 MiB of job summary per step ("Workflow
//! commands for GitHub Actions", step isolation and limits), and a pull-request comment holds
//! at most 65,536 characters; the shipped examples take 5 to 10 kB (about 400 bytes per
//! finding), so a portfolio with more than about 150 findings may not fit in a comment, and
//! whatever posts it must link to the job summary instead.
//!
//! The output is the same for the same report and ends with one line break.

use std::fmt::Write as _;
use std::io;

use super::Entry;
use super::words::{counts_text, cover_days, outcome_past, percent, plural};
use crate::diagnostic::Severity;
use crate::domain::Stage;
use crate::model::{FailOn, FileReport, Outcome, Report, Verdict};

/// The Markdown summary, for a pull-request comment or `$GITHUB_STEP_SUMMARY`.
pub(super) fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut md = String::new();
    summary(&mut md, report);
    if report.files.len() > 1 {
        overview(&mut md, report);
    }
    for file in &report.files {
        file_section(&mut md, file, report.fail_on);
    }
    // One trailing line break, however the last section ended.
    while md.ends_with("\n\n") {
        md.pop();
    }
    out.write_all(md.as_bytes())
}

fn summary(md: &mut String, report: &Report) {
    let outcome = report.outcome();
    let mark = match outcome {
        Outcome::Pass => "✅",
        Outcome::Fail => "❌",
        Outcome::Unchecked => "⛔",
    };
    let _ = writeln!(md, "## {mark} crma-check {}\n", outcome_past(outcome));
    let files = report.files.len();
    let unchecked = report.files.iter().filter(|f| !f.checked()).count();
    let mut line = format!("{} in {}", counts_text(report.counts()), plural(files, "file"));
    if unchecked == 1 && files == 1 {
        line.push_str(" (not checked)");
    } else if unchecked > 0 {
        let _ = write!(line, " ({unchecked} not checked)");
    }
    let level = report.fail_on.describe();
    let _ = writeln!(md, "{line} · {level} · exit status {}\n", outcome.exit_code());
}

fn overview(md: &mut String, report: &Report) {
    let header = ["file", "result", "errors", "warnings", "notes", "waived", "input errors"];
    let align = [Align::Left, Align::Left, Align::Right, Align::Right, Align::Right, Align::Right, Align::Right];
    let rows: Vec<Vec<String>> = report
        .files
        .iter()
        .map(|file| {
            let c = file.counts();
            vec![
                code(&file.path, true),
                FileResult::of(file, report.fail_on).as_str().to_owned(),
                c.errors.to_string(),
                c.warnings.to_string(),
                c.notes.to_string(),
                c.waived.to_string(),
                c.input_errors.to_string(),
            ]
        })
        .collect();
    table(md, &header, &align, &rows);
}

/// A file's own outcome at the run's fail level.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FileResult {
    NotChecked,
    Fails,
    Passes,
}

impl FileResult {
    fn of(file: &FileReport, fail_on: FailOn) -> FileResult {
        let c = file.counts();
        let fails = fail_on.fails_with(&c);
        if !file.checked() {
            FileResult::NotChecked
        } else if fails {
            FileResult::Fails
        } else {
            FileResult::Passes
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            FileResult::NotChecked => "not checked",
            FileResult::Fails => "fails",
            FileResult::Passes => "passes",
        }
    }
}

fn file_section(md: &mut String, file: &FileReport, fail_on: FailOn) {
    let year = file.year.map(|y| format!(" ({y})")).unwrap_or_default();
    let (title, path_line) = match &file.name {
        Some(name) => (format!("{}{year}", inline(name, false)), format!("{} · ", code(&file.path, false))),
        None => (format!("{}{year}", code(&file.path, false)), String::new()),
    };
    let _ = writeln!(md, "### {title}\n");
    let c = file.counts();
    let status = if file.checked() {
        let result = match FileResult::of(file, fail_on) {
            FileResult::Fails => "**fails**",
            other => other.as_str(),
        };
        format!("{} · {} checked · {result}", counts_text(c), plural(file.supply_lines as usize, "supply line"))
    } else {
        format!("**not checked**: {}", plural(c.input_errors, "input error"))
    };
    let _ = writeln!(md, "{path_line}{status}\n");

    let entries: Vec<Entry<'_>> = file.grouped_entries().collect();
    let input_errors: Vec<&Entry<'_>> =
        entries.iter().filter(|e| e.is_input() && e.severity == Severity::Error).collect();
    if !input_errors.is_empty() {
        let _ = writeln!(md, "#### Input errors ({})\n", places(&input_errors));
        md.push_str("The file could not be checked until these are fixed.\n\n");
        for entry in input_errors {
            item(md, entry, false);
            if let Some(help) = entry.help {
                let _ = writeln!(md, "  - help: {}", inline(help, false));
            }
        }
        md.push('\n');
    }

    if file.checked() && !file.table.rows.is_empty() {
        shares(md, file);
    }

    let groups = [(Severity::Error, "❌ Errors"), (Severity::Warning, "⚠️ Warnings"), (Severity::Note, "ℹ️ Notes")];
    for (severity, heading) in groups {
        let group: Vec<&Entry<'_>> = entries
            .iter()
            .filter(|e| e.severity == severity && e.waived().is_none() && !e.baselined())
            .filter(|e| !(e.is_input() && e.severity == Severity::Error))
            .collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(md, "#### {heading} ({})\n", places(&group));
        for entry in group {
            item(md, entry, false);
            folded(md, entry);
        }
        md.push('\n');
    }

    let waived: Vec<&Entry<'_>> = entries.iter().filter(|e| e.waived().is_some()).collect();
    if !waived.is_empty() {
        let _ = writeln!(md, "#### Waived ({})\n", waived.len());
        md.push_str("Accepted by a waiver in the portfolio: they do not fail the check until the waiver expires.\n\n");
        for entry in waived {
            item(md, entry, true);
            if let Some(w) = entry.waived() {
                let _ = writeln!(md, "  - {}", inline(&w.describe(), false));
            }
            folded(md, entry);
        }
        md.push('\n');
    }

    let baselined: Vec<&Entry<'_>> = entries.iter().filter(|e| e.baselined()).collect();
    if !baselined.is_empty() {
        let _ = writeln!(md, "#### Baselined ({})\n", baselined.len());
        md.push_str("Accepted by the baseline as they stand: they fail again if they get worse.\n\n");
        for entry in baselined {
            item(md, entry, true);
            folded(md, entry);
        }
        md.push('\n');
    }

    let shown: Vec<&Entry<'_>> = entries.iter().filter(|e| !(e.is_input() && e.severity == Severity::Error)).collect();
    help_by_code(md, &shown);
}

/// How many places `entries` stand for, as the counts count them (a problem found at many
/// places is one item, and counts once per place).
fn places(entries: &[&Entry<'_>]) -> usize {
    entries.iter().map(|e| e.diagnostic.map_or(1, |d| d.count())).sum()
}

/// One list item: code, rule name, message, place (the first, and how many more where the
/// same problem was found at many).
fn item(md: &mut String, entry: &Entry<'_>, with_severity: bool) {
    let l = &entry.location;
    let name = if entry.name == entry.code { String::new() } else { format!(" {}", inline(entry.name, false)) };
    let severity = if with_severity { format!(" ({})", entry.severity) } else { String::new() };
    let more = entry.diagnostic.map_or(0, |d| d.place_count() - 1);
    let more = if more > 0 { format!(" and {}", plural(more, "more place")) } else { String::new() };
    let _ = writeln!(
        md,
        "- **{}**{name}{severity}: {} ({}{more})",
        inline(entry.code, false),
        inline(&entry.message, false),
        code(&format!("{}:{}:{}", l.path, l.line, l.column), false),
    );
    if let Some(fix) = entry.fix() {
        let _ = writeln!(md, "  - smallest fix: {}", inline(&fix.sentence, false));
    }
    if let Some(note) = baseline_note(entry) {
        let _ = writeln!(md, "  - {}", inline(note, false));
    }
}

/// How a finding compares with the baseline, for one that was in it: shown with the finding,
/// not folded.
fn baseline_note<'a>(entry: &Entry<'a>) -> Option<&'a str> {
    let baselined = entry.finding?.baseline.as_ref()?;
    let shown = baselined.state != crate::model::BaselineState::New && !baselined.words.is_empty();
    shown.then_some(baselined.words.as_str())
}

/// An entry's notes, folded (but the baseline's, shown apart).
fn folded(md: &mut String, entry: &Entry<'_>) {
    let apart = baseline_note(entry);
    let notes: Vec<&String> = entry.notes.iter().filter(|n| Some(n.as_str()) != apart).collect();
    if notes.is_empty() {
        return;
    }
    let _ = writeln!(md, "  <details><summary>{}</summary>\n", plural(notes.len(), "note"));
    for note in notes {
        let _ = writeln!(md, "  - {}", inline(note, false));
    }
    md.push_str("\n  </details>\n");
}

/// The help of every code shown, once each, folded: a rule gives the same help on each of its
/// findings.
fn help_by_code(md: &mut String, entries: &[&Entry<'_>]) {
    let mut seen: Vec<(&str, &str, &str)> = Vec::new();
    for entry in entries {
        if let Some(help) = entry.help
            && !seen.iter().any(|(code, _, h)| *code == entry.code && *h == help)
        {
            seen.push((entry.code, entry.name, help));
        }
    }
    if seen.is_empty() {
        return;
    }
    md.push_str("<details><summary>Help, by code</summary>\n\n");
    for (code, name, help) in seen {
        let name = if name == code { String::new() } else { format!(" {}", inline(name, false)) };
        let _ = writeln!(md, "- **{}**{name}: {}", inline(code, false), inline(help, false));
    }
    md.push_str("\n</details>\n\n");
}

fn shares(md: &mut String, file: &FileReport) {
    md.push_str("#### Shares by material\n\n");
    md.push_str(
        "In percent of the annual consumption, or of the supplies where none is given; \
         largest non-EU is the single country outside the EU with the largest share.",
    );
    if file.table.overall.is_some() {
        md.push_str(
            " The row _all strategic raw materials_ adds up the tonnes of every strategic material, \
             so the materials bought in the largest tonnages dominate it.",
        );
    }
    // A stock column where any material states a stock.
    let stocks = file.table.rows.iter().any(|r| r.stock.is_some());
    if stocks {
        md.push_str(" _Stock, cover_ is the stock held and the days of the denominator it covers.");
    }
    md.push_str("\n\n");
    let mut header = vec!["material", "denominator", "stage", "EU", "largest non-EU", "unknown", "verdict"];
    let mut align = vec![Align::Left, Align::Left, Align::Left, Align::Right, Align::Left, Align::Right, Align::Left];
    if stocks {
        header.insert(2, "stock, cover");
        align.insert(2, Align::Left);
    }
    let mut rows = Vec::new();
    let overall = file.table.overall.iter().map(|r| (r, true));
    for (row, is_overall) in file.table.rows.iter().map(|r| (r, false)).chain(overall) {
        for (n, stage) in Stage::ALL.iter().enumerate() {
            let s = &row.stages[n];
            let largest = s
                .top_third_country()
                .map_or("-".to_owned(), |(c, share)| format!("{} {}", inline(&c.name, true), percent(share)));
            let (material, denominator, verdict) = if n == 0 {
                let label = inline(&row.material.label, true);
                let label = if is_overall { format!("_{label}_") } else { label };
                (label, inline(&row.denominator_text(), true), verdict_text(row.verdict).to_owned())
            } else {
                (String::new(), String::new(), String::new())
            };
            let mut cells = vec![
                material,
                denominator,
                stage.as_str().to_owned(),
                percent(s.eu),
                largest,
                percent(s.unknown),
                verdict,
            ];
            if stocks {
                let stock = match (&row.stock, n) {
                    (Some(stock), 0) => format!("{}, {}", stock.mass, cover_days(stock.days)),
                    (None, 0) => "-".to_owned(),
                    _ => String::new(),
                };
                cells.insert(2, stock);
            }
            rows.push(cells);
        }
    }
    table(md, &header, &align, &rows);
}

fn verdict_text(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Fails => "**fails**",
        other => other.as_str(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Align {
    Left,
    Right,
}

/// A GFM table whose cells (already Markdown, `|` escaped) are padded to line up as text.
pub(super) fn table(md: &mut String, header: &[&str], align: &[Align], rows: &[Vec<String>]) {
    let width = |text: &str| text.chars().count();
    let widths: Vec<usize> = (0..header.len())
        .map(|n| rows.iter().map(|r| width(&r[n])).chain([width(header[n]), 3]).max().unwrap_or(3))
        .collect();
    let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    let pad = |text: &str, n: usize| {
        let fill = " ".repeat(widths[n] - width(text));
        if align[n] == Align::Right { format!("{fill}{text}") } else { format!("{text}{fill}") }
    };
    md.push_str(&line(header.iter().enumerate().map(|(n, h)| pad(h, n)).collect()));
    md.push_str(&line(
        widths
            .iter()
            .zip(align)
            .map(|(w, a)| if *a == Align::Right { format!("{}:", "-".repeat(w - 1)) } else { "-".repeat(*w) })
            .collect(),
    ));
    for row in rows {
        md.push_str(&line(row.iter().enumerate().map(|(n, c)| pad(c, n)).collect()));
    }
    md.push('\n');
}

/// `text` as a code span: a fence of backticks longer than any run in it, padded with a space
/// where it starts or ends with one. In a table cell, `|` is escaped even here.
pub(super) fn code(text: &str, in_table: bool) -> String {
    let text = text.replace(['\r', '\n'], " ");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    let span = format!("{fence}{pad}{text}{pad}{fence}");
    if in_table { span.replace('|', "\\|") } else { span }
}

/// `text` as inline Markdown: its code spans kept as they are, anything else that GFM could
/// read as markup escaped (see the module documentation). In a table cell, `|` inside code
/// spans is escaped too.
pub(super) fn inline(text: &str, in_table: bool) -> String {
    let chars: Vec<char> = text.chars().map(|c| if c == '\r' || c == '\n' { ' ' } else { c }).collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let run = run_length(&chars, i);
            match closing_run(&chars, i + run, run) {
                Some(end) => {
                    let span: String = chars[i..end + run].iter().collect();
                    out.push_str(&if in_table { span.replace('|', "\\|") } else { span });
                    i = end + run;
                }
                None => {
                    for _ in 0..run {
                        out.push_str("\\`");
                    }
                    i += run;
                }
            }
            continue;
        }
        let escape = match c {
            '\\' | '*' | '[' | ']' | '<' | '>' | '|' | '~' | '$' | '&' => true,
            '_' => {
                let word = |n: Option<&char>| n.is_some_and(|c| c.is_alphanumeric());
                !(i > 0 && word(chars.get(i - 1)) && word(chars.get(i + 1)))
            }
            '#' | '-' | '+' | '=' => i == 0,
            '.' | ')' => {
                // An ordered-list marker at the start: up to 9 digits, then `.` or `)` and a
                // space or the end.
                i > 0
                    && i <= 9
                    && chars[..i].iter().all(char::is_ascii_digit)
                    && chars.get(i + 1).is_none_or(|c| c.is_whitespace())
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        i += 1;
    }
    out
}

fn run_length(chars: &[char], from: usize) -> usize {
    chars[from..].iter().take_while(|c| **c == '`').count()
}

/// Where the first run of exactly `run` backticks at or after `from` starts.
fn closing_run(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '`' {
            let n = run_length(chars, i);
            if n == run {
                return Some(i);
            }
            i += n;
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_in_text_are_kept() {
        assert_eq!(inline("unknown material `lithum`", false), "unknown material `lithum`");
        assert_eq!(inline("a `b|c` d|e", true), "a `b\\|c` d\\|e");
        assert_eq!(inline("an odd ` backtick", false), "an odd \\` backtick");
        assert_eq!(inline("``a`b``", false), "``a`b``");
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(inline("# not a heading", false), "\\# not a heading");
        assert_eq!(inline("2030. not a list", false), "2030\\. not a list");
        assert_eq!(inline("9.8% is fine", false), "9.8% is fine");
        assert_eq!(
            inline("<b>*x*</b> [l](u) ~s~ $5 a&b", false),
            "\\<b\\>\\*x\\*\\</b\\> \\[l\\](u) \\~s\\~ \\$5 a\\&b"
        );
        assert_eq!(inline("snake_case _emph_", false), "snake_case \\_emph\\_");
        assert_eq!(inline("- item\nline", false), "\\- item line");
    }

    #[test]
    fn code_fences_outgrow_backticks() {
        assert_eq!(code("a.json", false), "`a.json`");
        assert_eq!(code("a`b.json", false), "``a`b.json``");
        assert_eq!(code("`a", false), "`` `a ``");
        assert_eq!(code("a|b", true), "`a\\|b`");
    }
}
