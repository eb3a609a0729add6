//! The HTML format: one self-contained page for people, to read on screen, print to PDF or
//! attach to an audit file.
//!
//! Layout:
//!
//! 1. The run: the outcome in words, symbol and colour, the counts, the fail level, the day
//!    waivers were checked against; with several files, a table of contents.
//! 2. A section per file (a page break before each when printed): its verdict, path,
//!    reporting year, counts and the rules that ran, with their thresholds and the files
//!    they came from; then
//!    - the input errors with their excerpts, when the file could not be checked;
//!    - per material (and all strategic materials together), a chart per stage: a 100% bar
//!      of the EU share, each third country with a meaningful share (named, the rest as
//!      "other") and the unknown share (hatched), the share not at the stage left empty; the
//!      threshold of every rule that checked it drawn where it applies (a minimum on the EU
//!      or the known share as a mark on the bar, a cap on each country across a lane that
//!      draws the largest country checked from 0); the numbers beside it, with each
//!      threshold's result in words; the stock held and its days of cover, with the result
//!      of each threshold on them, in the line of facts under the material's name.
//!    - the findings and the file's other diagnostics, errors first: rule, message, notes,
//!      the lines behind them as text, help; then the waived findings with their waivers.
//!
//! How it is built:
//!
//! - One file that loads nothing: the CSS and the SVG are inline, there are no fonts,
//!   scripts or images, and a Content Security Policy forbids loading anything
//!   (`default-src 'none'`, inline styles allowed). It reads without JavaScript.
//! - Every string goes into the markup through maud's `( )`, which escapes `& < > "`, in
//!   text and in attribute values (always double-quoted). The one `PreEscaped` is the
//!   stylesheet, a constant. Ids come from indices, never from input.
//! - The report is only read, never recomputed: the shares from the share table, where a
//!   rule applies from the checks, its threshold from the rule, its result from the
//!   findings ([`view`]).
//! - Accessible: each chart is an `<svg role="img">` whose `<title>` says everything it
//!   draws; the numbers are also in a table; the palette (Okabe–Ito) is safe for colour-blind
//!   readers, unknown origins are hatched, verdicts have a symbol and a word besides their
//!   colour; sizes are relative, and a narrow window (or a large zoom) stacks each stage.
//! - Deterministic: no clock (the date shown is the as-of date), orders from the report,
//!   numbers through fixed formats, coordinates rounded to two decimals.

mod chart;
mod excerpt;
mod view;

use std::io;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::Entry;
use super::words::percent;
use super::words::{counts_text, cover_days, outcome_past, plural};
use crate::diagnostic::Severity;
use crate::domain::Stage;
use crate::model::{FileReport, Gauge, Outcome, Report, RuleDoc, Side, TableRow, Verdict};
use crate::reference::Tier;
use chart::Key;
use view::{StageView, named_countries};

/// Loads nothing: no scripts, images, fonts, frames or connections; inline styles only.
/// `base-uri` and `form-action` do not fall back to `default-src`, so they are named.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const CSS: &str = include_str!("style.css");

/// Writes the page.
pub(super) fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    out.write_all(page(report).into_string().as_bytes())?;
    out.write_all(b"\n")
}

fn page(report: &Report) -> Markup {
    let title = match report.files.as_slice() {
        [one] => format!("crma-check: {}", file_title(one)),
        files => format!("crma-check: {} files", files.len()),
    };
    let outcome = report.outcome();
    let (symbol, class) = match outcome {
        Outcome::Pass => ("✓", "v-pass"),
        Outcome::Fail => ("✗", "v-fail"),
        Outcome::Unchecked => ("✗", "v-unchecked"),
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CSP);
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content={ "crma-check " (env!("CARGO_PKG_VERSION")) };
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                (chart::defs())
                header.run {
                    h1 {
                        "Sourcing check "
                        span.verdict.big.(class) { span aria-hidden="true" { (symbol) } " " (outcome_past(outcome)) }
                    }
                    p {
                        (counts_text(report.counts())) " in " (plural(report.files.len(), "file"))
                        " · " (report.fail_on.describe()) " · exit status " (outcome.exit_code())
                    }
                    p.muted {
                        "Waivers checked as of " (report.as_of) ". Shares are in percent of each material's annual consumption, or of its supplies where no consumption is given. "
                        "Written by crma-check " (env!("CARGO_PKG_VERSION")) "."
                    }
                }
                @if report.files.len() > 1 {
                    nav.toc aria-labelledby="toc-h" {
                        h2 #toc-h { "Files" }
                        ol {
                            @for (i, file) in report.files.iter().enumerate() {
                                li { a href={ "#file-" (i) } { (file_title(file)) } " " (file_verdict(report, file, false)) }
                            }
                        }
                    }
                }
                main {
                    @for (i, file) in report.files.iter().enumerate() {
                        (file_section(report, i, file))
                    }
                }
                footer {
                    p {
                        "crma-check applies the benchmarks of the Critical Raw Materials Act (Regulation (EU) 2024/1252) to a portfolio as policy benchmarks: a finding is not a claim of a legal breach."
                    }
                }
            }
        }
    }
}

/// A file's name as a title: the portfolio's name, else its path.
fn file_title(file: &FileReport) -> &str {
    file.name.as_deref().unwrap_or(&file.path)
}

/// A file's verdict at the run's fail level, as a badge: symbol, word and colour.
fn file_verdict(report: &Report, file: &FileReport, big: bool) -> Markup {
    let counts = file.counts();
    let (symbol, words, class) = if !file.checked() {
        ("✗", "could not be checked", "v-unchecked")
    } else if report.fail_on.fails_with(&counts) {
        ("✗", "fails", "v-fail")
    } else if counts.warnings > 0 {
        ("!", "passes, with warnings", "v-warn")
    } else {
        ("✓", "passes", "v-pass")
    };
    badge(symbol, words, class, big)
}

fn badge(symbol: &str, words: &str, class: &str, big: bool) -> Markup {
    html! {
        span.verdict.big[big].(class) { span aria-hidden="true" { (symbol) } " " (words) }
    }
}

fn material_verdict(verdict: Verdict) -> Markup {
    let (symbol, class) = match verdict {
        Verdict::Fails => ("✗", "v-fail"),
        Verdict::Warnings => ("!", "v-warn"),
        Verdict::Passes => ("✓", "v-pass"),
        Verdict::NoBenchmark | Verdict::OutOfScope => ("–", "v-none"),
    };
    badge(symbol, verdict.as_str(), class, false)
}

fn file_section(report: &Report, i: usize, file: &FileReport) -> Markup {
    let id = format!("file-{i}");
    // Numbered in the order of `FileReport::entries`: its diagnostics, then its findings.
    let entries: Vec<(usize, Entry<'_>)> = file.grouped_entries().enumerate().collect();
    let input_errors: Vec<&(usize, Entry<'_>)> =
        entries.iter().filter(|(_, e)| e.is_input() && e.severity == Severity::Error).collect();
    let others = |severity: Severity| -> Vec<&(usize, Entry<'_>)> {
        entries
            .iter()
            .filter(|(_, e)| e.severity == severity && e.waived().is_none() && !e.baselined())
            .filter(|(_, e)| !(e.is_input() && e.severity == Severity::Error))
            .collect()
    };
    let (errors, warnings, notes) = (others(Severity::Error), others(Severity::Warning), others(Severity::Note));
    let waived: Vec<&(usize, Entry<'_>)> = entries.iter().filter(|(_, e)| e.waived().is_some()).collect();
    let baselined: Vec<&(usize, Entry<'_>)> = entries.iter().filter(|(_, e)| e.baselined()).collect();
    let counts = file.counts();
    html! {
        section.file #(id) aria-labelledby={ (id) "-h" } {
            h2 #{ (id) "-h" } {
                (file_title(file))
                @if let Some(year) = file.year { " " span.year { "(" (year) ")" } }
            }
            p { (file_verdict(report, file, true)) }
            dl.facts {
                dt { "File" } dd { code { (file.path) } }
                @if let Some(year) = file.year { dt { "Reporting year" } dd { (year) } }
                dt { "Waivers checked as of" } dd { (report.as_of) }
                dt { "Counts" }
                dd {
                    (counts_text(counts))
                    @if file.checked() { "; " (plural(file.supply_lines as usize, "supply line")) " checked" }
                }
                dt { "Fail level" } dd { (report.fail_on.describe()) }
            }
            @if !input_errors.is_empty() {
                h3 { "Input errors (" (input_errors.len()) ")" }
                p { "The file could not be checked until these are fixed: nothing in it was measured, and it does not pass." }
                (entry_list(file, &id, &input_errors))
            }
            @if file.checked() && !file.table.rows.is_empty() {
                h3 { "Shares by material" }
                p.muted {
                    "Each bar is 100% of the material's denominator at one stage. The thresholds of the rules that checked it are drawn where they apply: "
                    "a minimum as a mark on the bar, a cap on each country as a line across the lane under it, which draws the country with the largest share checked from 0."
                }
                @for (j, row) in file.table.rows.iter().enumerate() {
                    (material(report, file, &id, &format!("f{i}-m{j}"), row, false))
                }
                @if let Some(overall) = &file.table.overall {
                    (material(report, file, &id, &format!("f{i}-all"), overall, true))
                }
            }
            @for (heading, list) in [("Errors", &errors), ("Warnings", &warnings), ("Notes", &notes)] {
                @if !list.is_empty() {
                    h3 { (heading) " (" (list.len()) ")" }
                    (entry_list(file, &id, list))
                }
            }
            @if !waived.is_empty() {
                h3 { "Waived (" (waived.len()) ")" }
                p { "Accepted by a waiver in the portfolio: they do not fail the check until the waiver expires." }
                (entry_list(file, &id, &waived))
            }
            @if !baselined.is_empty() {
                h3 { "Baselined (" (baselined.len()) ")" }
                p { "Accepted by the baseline as they stand: they fail again if they get worse." }
                (entry_list(file, &id, &baselined))
            }
            @if file.checked() {
                (rules_table(report, file))
            }
        }
    }
}

/// The rules that ran, what each checks, its threshold, when it applies and where it came
/// from, and how often it checked this file.
fn rules_table(report: &Report, file: &FileReport) -> Markup {
    html! {
        h3 { "Rules" }
        div.scroll {
            table.rules {
                thead {
                    tr {
                        th scope="col" { "Rule" }
                        th scope="col" { "What it checks" }
                        th scope="col" { "Threshold" }
                        th scope="col" { "Applies" }
                        th scope="col" { "Defined in" }
                        th.num scope="col" { "Checks" }
                        th.num scope="col" { "Findings" }
                    }
                }
                tbody {
                    @for rule in &report.rules {
                        @let checks = file.checks.iter().filter(|c| c.rule == rule.id).count();
                        @let findings = file.findings.iter().filter(|f| f.code() == rule.id && f.counts()).count();
                        tr {
                            th scope="row" { span.code { (rule.id) } br; span.muted { (rule.name) } }
                            td {
                                (rule.summary)
                                @if let Some(basis) = &rule.legal_basis { br; span.muted { (basis) } }
                                // A link the reader may follow; only to a web page (a rule file
                                // could name a `javascript:` URL).
                                @if let Some(url) = rule.url.as_deref().filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
                                    br; a.source href=(url) rel="noreferrer" { (url) }
                                }
                            }
                            td.nowrap { (threshold_words(rule)) }
                            td { (applies(rule, file.year)) }
                            td {
                                code { (rule.origin.path) }
                                @if rule.origin.builtin { " (built in)" }
                                @if let Some(replaced) = &rule.origin.replaces { br; span.muted { "replaces the rule of " code { (replaced) } } }
                            }
                            td.num { (checks) }
                            td.num { (findings) }
                        }
                    }
                }
            }
        }
    }
}

/// A threshold as a rule states it: `≥ 10%`, with the metric and its countries.
fn threshold_words(rule: &RuleDoc) -> Markup {
    let t = &rule.threshold;
    let side = match t.side {
        Side::Min => "≥",
        Side::Max => "≤",
    };
    html! {
        (side) " " (t.value.text)
        br;
        span.muted {
            (t.metric)
            @if let Some(origins) = &t.origins { ", " (origins) }
        }
    }
}

/// When a rule applies: always, or from a year (and what it is before then).
fn applies(rule: &RuleDoc, year: Option<u16>) -> Markup {
    html! {
        (rule.severity)
        @if let Some(from) = rule.applies_from {
            " from " (from)
            @if let Some(year) = year.filter(|y| rule.pending_in(*y)) { br; span.muted { "a warning in " (year) } }
        }
    }
}

/// A material's charts: a heading with its verdict, a legend and a row per stage.
fn material(report: &Report, file: &FileReport, file_id: &str, id: &str, row: &TableRow, overall: bool) -> Markup {
    let named = named_countries(row);
    let views: Vec<StageView<'_>> = Stage::ALL.map(|s| StageView::new(report, file, row, s, &named)).into();
    let label = &row.material.label;
    let any = |p: &dyn Fn(&view::Segment<'_>) -> bool| views.iter().any(|v| v.segments.iter().any(p));
    let any_other = any(&|s| matches!(s.part, view::Part::Other));
    let any_unknown = any(&|s| matches!(s.part, view::Part::Unknown));
    let any_rest = views.iter().any(|v| v.rest() > 0.0);
    let marks = || views.iter().flat_map(|v| v.marks.iter());
    let whole = view::marks(report, file, label, None, None);
    let finding_id = |n: usize| entry_id(file_id, file.diagnostics.len() + n);
    let any_min = marks().any(|m| m.on_bar());
    let any_cap = marks().any(|m| m.on_lane());
    let pending: Vec<u16> = {
        let mut years: Vec<u16> = marks().filter_map(|m| m.from).collect();
        years.sort_unstable();
        years.dedup();
        years
    };
    let tier = match row.material.tier {
        Some(Tier::Strategic) => "strategic raw material",
        Some(Tier::Critical) => "critical raw material, not strategic",
        Some(Tier::OutOfScope) => "not a critical raw material",
        None => "strategic raw materials together",
    };
    html! {
        section.material #(id) aria-labelledby={ (id) "-h" } {
            h4 #{ (id) "-h" } { span { (label) } " " (material_verdict(row.verdict)) }
            // The material's facts, with the thresholds on the material as a whole.
            p.muted {
                (tier) " · " (row.denominator_text())
                @if let Some(stock) = &row.stock { " · stock " (stock.mass) ": " (cover_days(stock.days)) " of cover" }
                @if overall { " · shown for reference: the rules here apply to each material on its own, unless a rule file says otherwise" }
                @for mark in &whole { " " (mark_note(mark, None, &finding_id)) }
            }
            ul.legend aria-label="Legend" {
                li { (chart::swatch(view::EU_COLOUR)) "EU" }
                @for (country, colour) in &named {
                    li { (chart::swatch(colour)) (country.name) " (" (country.code) ")" }
                }
                @if any_other { li { (chart::swatch(view::OTHER_COLOUR)) "other third countries" } }
                @if any_unknown { li { (chart::swatch(view::UNKNOWN_FILL)) "unknown origin (hatched)" } }
                @if any_rest { li { (chart::swatch("#f4f4f4")) "not at this stage" } }
                @if any_min { li { (chart::key(Key::Minimum)) "minimum" } }
                @if any_cap { li { (chart::key(Key::Cap)) "cap on each country (lane: the largest checked)" } }
                @if !pending.is_empty() {
                    li { (chart::key(Key::Pending)) "dashed: applies only from " (years_text(&pending)) }
                }
            }
            div.scroll {
                table.shares {
                    colgroup { col.c-stage; col.c-chart; col.c-eu; col.c-third; col.c-unknown; col.c-rest; }
                    caption.sr-only { "Shares of " (label) " by stage, in percent of " (row.denominator_text()) }
                    thead {
                        tr {
                            th.stage scope="col" { "Stage" }
                            th.chart scope="col" { span.sr-only { "Chart" } (chart::axis()) }
                            th.num scope="col" { "EU" }
                            th.num scope="col" { "Third countries" }
                            th.num scope="col" { "Unknown" }
                            th.num scope="col" { "Not at this stage" }
                        }
                    }
                    tbody {
                        @for view in &views {
                            (stage_row(id, label, view, &finding_id))
                        }
                    }
                }
            }
        }
    }
}

/// `2030`, `2030 and 2031`.
fn years_text(years: &[u16]) -> String {
    let words: Vec<String> = years.iter().map(u16::to_string).collect();
    crate::text::and_list(&words)
}

/// A threshold's result in a line: `✗ stock ≥ 60 days (STOCK-60)`, linked to its finding.
fn mark_note(mark: &view::Mark<'_>, stage: Option<Stage>, finding_id: &dyn Fn(usize) -> String) -> Markup {
    let (symbol, words) = mark.verdict();
    let class = match (mark.from, mark.result) {
        (Some(_), _) => "pending",
        (None, view::Result::Passes) => "passes",
        (None, view::Result::Fails) => "fails",
        (None, view::Result::Waived) => "waived",
    };
    // The symbol says it to the eye; the word, hidden but for screen readers, to the ear.
    html! {
        small class=(class) {
            span aria-hidden="true" { (symbol) } " "
            @if mark.result == view::Result::Waived { (words) ": " } @else { span.sr-only { (words) ": " } }
            (mark.asks(stage))
            @if let Some(from) = mark.from { " from " (from) }
            " ("
            @match mark.finding {
                Some(n) => a href={ "#" (finding_id(n)) } { (mark.rule.id) },
                None => (mark.rule.id),
            }
            ")"
        }
    }
}

/// A stage: its chart and its numbers, each threshold's result under the number it concerns.
fn stage_row(id: &str, label: &str, view: &StageView<'_>, finding_id: &dyn Fn(usize) -> String) -> Markup {
    let notes = |keep: &dyn Fn(Gauge) -> bool| -> Markup {
        html! {
            @for mark in view.marks.iter().filter(|m| keep(m.rule.threshold.gauge)) {
                (mark_note(mark, Some(view.stage), finding_id))
            }
        }
    };
    let named: Vec<_> = view
        .segments
        .iter()
        .filter_map(|s| match s.part {
            view::Part::Country(c, _) => Some((c.name.as_str(), s.share)),
            _ => None,
        })
        .collect();
    let other = view.segments.iter().find(|s| matches!(s.part, view::Part::Other));
    let others: Vec<&str> = view
        .shares
        .third_countries()
        .map(|c| c.country.name.as_str())
        .filter(|name| !named.iter().any(|(n, _)| n == name))
        .collect();
    let total = view.total();
    html! {
        tr {
            th.stage scope="row" { (view.stage.as_str()) }
            td.chart { (chart::bar(&format!("{id}-{}", view.stage.as_str()), label, view)) }
            td.num data-label="EU" {
                span.big { (percent(view.shares.eu)) }
                (notes(&|g| matches!(g, Gauge::EuShare | Gauge::KnownShare)))
            }
            td.num data-label="Third countries" {
                @if named.is_empty() && other.is_none() { span.big { "–" } }
                @for (name, share) in &named { span.line { (name) " " (percent(*share)) } }
                @if let Some(other) = other {
                    span.line { "other " (percent(other.share)) }
                    small.countries { (list_words(&others)) }
                }
                (notes(&|g| matches!(g, Gauge::CountryShare | Gauge::Other)))
            }
            td.num data-label="Unknown" {
                span.big { (percent(view.shares.unknown)) }
                (notes(&|g| g == Gauge::UnknownShare))
            }
            td.num data-label="Not at this stage" {
                @if total > 100.05 {
                    span.big { "–" } small { "shares add up to " (percent(total)) }
                } @else if view.rest() > 0.0 {
                    span.big { (percent(view.rest())) } small { (chart::rest_words(view.stage)) }
                } @else {
                    span.big { (percent(0.0)) }
                }
            }
        }
    }
}

/// A few names, then how many more: `Myanmar, Laos and 3 more`.
fn list_words(names: &[&str]) -> String {
    const SHOWN: usize = 3;
    match names.len() {
        0 => String::new(),
        n if n <= SHOWN => names.join(", "),
        n => format!("{} and {} more", names[..SHOWN].join(", "), n - SHOWN),
    }
}

/// The id of the `n`th entry of file `file_id`, for links from the charts to findings.
fn entry_id(file_id: &str, n: usize) -> String {
    format!("{file_id}-e{n}")
}

/// Findings or diagnostics, each with its place, the lines behind it and its help.
fn entry_list(file: &FileReport, file_id: &str, entries: &[&(usize, Entry<'_>)]) -> Markup {
    html! {
        ul.entries {
            @for (n, entry) in entries.iter().map(|e| (e.0, &e.1)) {
                @let (symbol, class) = match entry.severity {
                    Severity::Error => ("✗", "sev-error"),
                    Severity::Warning => ("!", "sev-warning"),
                    Severity::Note => ("i", "sev-note"),
                };
                li.entry.(class) id=(entry_id(file_id, n)) {
                    p.head {
                        span.sev { span aria-hidden="true" { (symbol) } " " (entry.severity) }
                        " " span.code { (entry.code) }
                        @if entry.name != entry.code { " " span.name { (entry.name) } }
                        @if entry.waived().is_some() { " " span.tag { "waived" } }
                        @if entry.baselined() { " " span.tag { "baselined" } }
                    }
                    p.message { (with_code(&entry.message)) }
                    @if let Some(waived) = entry.waived() {
                        p.waiver { strong { "Waived until " (waived.expires) ": " } (waived.reason)
                            @if let Some(owner) = &waived.owner { " (owner: " (owner) ")" }
                            @if let Some(reference) = &waived.reference { " (reference: " (reference) ")" } }
                    }
                    @if !entry.notes.is_empty() {
                        ul.notes { @for note in entry.notes { li { (with_code(note)) } } }
                    }
                    p.where { code { (entry.location.path) ":" (entry.location.line) ":" (entry.location.column) } }
                    (excerpt::excerpt(file.source.as_ref(), &entry.labels))
                    @if let Some(help) = entry.help { p.help { strong { "Help: " } (with_code(help)) } }
                }
            }
        }
    }
}

/// Text whose backtick spans, as messages write names and values (``unknown material
/// `lithum` ``), become `<code>`; everything is escaped. A lone backtick stays as it is.
fn with_code(text: &str) -> Markup {
    let parts: Vec<&str> = text.split('`').collect();
    // An even number of backticks: every other part is code.
    let paired = parts.len() % 2 == 1;
    html! {
        @if paired {
            @for (n, part) in parts.iter().enumerate() {
                @if n % 2 == 1 { code { (part) } } @else { (part) }
            }
        } @else {
            (text)
        }
    }
}
