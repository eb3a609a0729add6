//! The command line: arguments (clap), and what each command prints.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::engine::{Bound, Metric, Rule};
use crate::report::human::Human;
use crate::report::{FailOn, Format};
use crate::{CheckOptions, Checker, codes};

/// Checks sourcing portfolios of critical raw materials against the EU Critical Raw
/// Materials Act (Regulation (EU) 2024/1252, Art. 5(1)) and other sourcing policies.
///
/// Exit status: 0 no finding at or above the fail level; 1 findings at or above it;
/// 2 the check could not be made (an unreadable or invalid file, a bad rule file, bad
/// arguments).
#[derive(Debug, Parser)]
#[command(name = "crma-check", version, subcommand_negates_reqs = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
    /// Add rules, or replace built-in ones with the same id: a rule file or a folder of
    /// them (repeatable).
    #[arg(long = "rules", value_name = "PATH", global = true)]
    rules: Vec<PathBuf>,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Portfolio files to check ("-" reads standard input).
    #[arg(value_name = "FILE", required = true)]
    files: Vec<String>,
    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = format_names())]
    format: String,
    /// Write the report (in --format) to this file instead of standard output; the human
    /// report then still goes to standard output, so that a CI job keeps it in its log.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The level from which findings fail the check (exit status 1).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// The reporting year, instead of the portfolio's `year` (the CRMA benchmarks apply
    /// from 2030; before that, a failing benchmark is a warning).
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(u16).range(i64::from(*crate::portfolio::YEARS.start())..=i64::from(*crate::portfolio::YEARS.end())))]
    year: Option<u16>,
    /// Run only these rules (ids or prefixes of ids, comma-separated or repeated).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    select: Vec<String>,
    /// Do not run these rules (ids or prefixes of ids, comma-separated or repeated).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    ignore: Vec<String>,
    /// Check waivers as of this date (YYYY-MM-DD) instead of today, for reproducible runs.
    #[arg(long, value_name = "DATE")]
    as_of: Option<jiff::civil::Date>,
    /// Print only diagnostics and findings: no share tables, no summary, no notes.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// What a rule (or a diagnostic code) checks, its legal basis, and how to fix a finding.
    Explain {
        /// A rule id such as CRM004, or a code such as unknown-material.
        #[arg(value_name = "RULE")]
        rule: String,
    },
    /// The active rules, with where each came from.
    Rules,
    /// A JSON Schema: the portfolio format (the default), or the rule file format.
    Schema {
        /// Which schema.
        #[arg(value_enum, default_value_t = SchemaKind::Portfolio)]
        which: SchemaKind,
    },
    /// The traded forms and their contained-element fractions.
    Forms,
    /// The materials: names, symbols and where the CRMA lists them.
    Materials,
}

/// The `--format` values: the names of [`crate::report::FORMATS`], each with its description.
fn format_names() -> clap::builder::PossibleValuesParser {
    crate::report::FORMATS
        .iter()
        .map(|(name, about)| clap::builder::PossibleValue::new(name).help(about))
        .collect::<Vec<_>>()
        .into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SchemaKind {
    /// The portfolio format.
    Portfolio,
    /// The rule file format.
    Rules,
}

/// Whether to colour: as asked, or with `auto` on a terminal unless `NO_COLOR` is set (to
/// anything but the empty string, as no-color.org says) or `TERM` is `dumb`.
fn use_color(choice: ColorChoice, terminal: bool, env: impl Fn(&str) -> Option<std::ffi::OsString>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            terminal && env("NO_COLOR").is_none_or(|v| v.is_empty()) && env("TERM").is_none_or(|t| t != "dumb")
        }
    }
}

/// Runs a command line; returns the exit status.
pub fn run(cli: Cli) -> u8 {
    let stdout = io::stdout();
    let color = use_color(cli.color, stdout.is_terminal(), |name| std::env::var_os(name));
    let options = CheckOptions {
        year: cli.check.year,
        today: cli.check.as_of.unwrap_or_else(crate::today),
        fail_on: cli.check.fail_on,
    };
    let width = if stdout.is_terminal() { terminal_width() } else { 100 };
    let human = Human { color, width, quiet: cli.check.quiet };
    let mut checker = match Checker::with_rule_files(&cli.rules, options.clone()) {
        Ok(checker) => checker,
        Err(failed) => {
            // A broken rule file stops everything: the check cannot be made. A check says so
            // in the format asked for (a pipeline reading SARIF should see where), the other
            // commands in words.
            let report = crate::report::Report { files: failed, fail_on: options.fail_on, rules: Vec::new() };
            if cli.command.is_none() {
                let _ = write_report(&cli.check, &human, &report);
                return 2;
            }
            let _ = human.write(&report, &mut stdout.lock());
            return 2;
        }
    };
    let text = match cli.command {
        Some(Command::Explain { rule }) => explain(&checker, &rule),
        Some(Command::Rules) => Ok(list_rules(&checker)),
        Some(Command::Schema { which: SchemaKind::Portfolio }) => {
            Ok(crate::portfolio::PORTFOLIO_SCHEMA.text().to_owned())
        }
        Some(Command::Schema { which: SchemaKind::Rules }) => Ok(crate::engine::RULES_SCHEMA.text().to_owned()),
        Some(Command::Forms) => Ok(list_forms(&checker)),
        Some(Command::Materials) => Ok(list_materials(&checker)),
        None => {
            if let Err(message) = checker.select(&cli.check.select, &cli.check.ignore) {
                eprintln!("error: {message}");
                return 2;
            }
            let report = checker.check_paths(cli.check.files.iter().map(String::as_str));
            return match write_report(&cli.check, &human, &report) {
                Ok(()) => report.outcome().exit_code(),
                Err(()) => 2,
            };
        }
    };
    match text {
        Ok(text) => {
            let mut out = stdout.lock();
            let _ = out.write_all(text.as_bytes());
            if !text.ends_with('\n') {
                let _ = out.write_all(b"\n");
            }
            0
        }
        Err(message) => {
            eprintln!("error: {message}");
            2
        }
    }
}

/// Writes the report in the format asked for, to standard output or to `--output` (and
/// then, unless the format is `human`, the human report to standard output as well).
/// A failure to write is said on standard error.
fn write_report(check: &CheckArgs, human: &Human, report: &crate::report::Report) -> Result<(), ()> {
    // `--format` only takes the names of `FORMATS`.
    let format = crate::report::format_named(&check.format, human).expect("a format of FORMATS");
    let stdout = io::stdout();
    let written = match &check.output {
        None => format.write(report, &mut stdout.lock()),
        Some(path) => write_file(path, |file| format.write(report, file))
            .and_then(|()| if check.format == "human" { Ok(()) } else { human.write(report, &mut stdout.lock()) }),
    };
    written.map_err(|error| {
        if error.kind() != io::ErrorKind::BrokenPipe {
            let target = check.output.as_ref().map(|p| format!(" to {}", p.display())).unwrap_or_default();
            eprintln!("error: cannot write the report{target}: {error}");
        }
    })
}

/// Writes a file through a buffer, in one go.
fn write_file(path: &std::path::Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut buffer = Vec::new();
    write(&mut buffer)?;
    std::fs::write(path, buffer)
}

/// The terminal's width (at least 60 columns), for wrapping messages.
fn terminal_width() -> usize {
    let columns = terminal_size::terminal_size().map(|(w, _)| usize::from(w.0));
    let columns = columns.or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()));
    columns.unwrap_or(100).max(60)
}

fn explain(checker: &Checker, id: &str) -> Result<String, String> {
    if let Some(rule) = checker.rules().iter().find(|r| r.id.eq_ignore_ascii_case(id)) {
        return Ok(explain_rule(checker, rule));
    }
    if let Some(code) = codes::find(id) {
        return Ok(format!("{} ({})\n\n{}\n\nHow to fix: {}\n", code.id, code.severity, code.summary, code.help));
    }
    let ids = checker.rules().iter().map(|r| r.id.as_str()).chain(codes::CODES.iter().map(|c| c.id));
    let hint = match crate::reference::suggest::did_you_mean(id, ids) {
        Some(close) => format!("; did you mean `{close}`?"),
        None => "; `crma-check rules` lists the rules".to_owned(),
    };
    Err(format!("no rule or code `{id}`{hint}"))
}

fn explain_rule(checker: &Checker, rule: &Rule) -> String {
    let mut out = String::new();
    let applies = rule.applies_from.map(|y| format!(", applies from {y}")).unwrap_or_default();
    let _ = writeln!(out, "{} {} ({}{applies})", rule.id, rule.name, rule.severity);
    let _ = writeln!(out, "{}\n", rule.summary);
    if let Some(basis) = &rule.legal_basis {
        let _ = writeln!(out, "Legal basis: {basis}");
    }
    if let Some(url) = &rule.url {
        let _ = writeln!(out, "Text: {url}");
    }
    let _ = writeln!(out, "Defined in: {}\n", origin(rule));
    let _ = writeln!(out, "How it is computed");
    let _ = writeln!(out, "{}\n", wrap(&computation(checker, rule), 2));
    if !rule.explain.is_empty() {
        let _ = writeln!(out, "Reading");
        for paragraph in &rule.explain {
            let _ = writeln!(out, "{}\n", wrap(paragraph, 2));
        }
    }
    let _ = writeln!(out, "How to fix a finding");
    let _ = writeln!(out, "{}", wrap(&rule.help, 2));
    out
}

/// How a rule is computed, from its metric, scope and threshold.
fn computation(checker: &Checker, rule: &Rule) -> String {
    let scope = rule.materials.describe(checker.reference());
    let together = match rule.aggregate {
        crate::engine::Aggregate::PerMaterial => String::new(),
        crate::engine::Aggregate::Overall => " (all of them taken together, their tonnes added up)".to_owned(),
    };
    let stages: Vec<&str> = rule.stages.iter().map(|s| s.as_str()).collect();
    let stages = if stages.len() == 1 {
        format!("at {}", stages[0])
    } else {
        format!("at each stage ({}) on its own", stages.join(", "))
    };
    let threshold = rule.metric.format_threshold(rule.bound.value());
    let side = match rule.bound {
        Bound::Min(_) => "at least",
        Bound::Max(_) => "at most",
    };
    let what = match &rule.metric {
        Metric::GroupShare(origins) => format!("the share whose country at that stage is in {}", origins.describe()),
        Metric::CountryShare(origins) => {
            format!("the share each single country {} supplies, each country on its own", origins.describe())
        }
        Metric::UnknownShare => "the share whose country at that stage is not known (an expected stage left empty, or consumption no supply line covers)".to_owned(),
        Metric::DistinctOrigins(origins) => format!("the number of different countries {} supplying it", origins.describe()),
        Metric::Concentration(origins) => format!(
            "the Herfindahl-Hirschman index (0 to 10,000) of the shares of the countries {} supplying it, unknown origins left out",
            origins.describe()
        ),
    };
    let denominator = if rule.metric.is_share() {
        " Shares are of the material's annual consumption, or of the sum of its supply lines where no consumption is given."
    } else {
        ""
    };
    format!(
        "For {scope}{together}, {stages}: {what}. It must be {side} {threshold}; a value exactly at the threshold passes.{denominator} Amounts are converted to tonnes of contained material and added up exactly."
    )
}

fn origin(rule: &Rule) -> String {
    let kind = if rule.origin.builtin { "built in" } else { "rule file" };
    match &rule.origin.replaces {
        Some(replaced) => format!("{} ({kind}), replacing the rule of {replaced}", rule.origin.path),
        None => format!("{} ({kind})", rule.origin.path),
    }
}

fn list_rules(checker: &Checker) -> String {
    let mut out = String::new();
    let id_width = checker.rules().iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    for rule in checker.rules() {
        let applies = rule.applies_from.map(|y| format!(", from {y}")).unwrap_or_default();
        let _ = writeln!(out, "{:<id_width$}  {} ({}{applies})", rule.id, rule.name, rule.severity);
        let _ = writeln!(out, "{:<id_width$}  {}", "", rule.summary);
        let _ = writeln!(out, "{:<id_width$}  from {}", "", origin(rule));
    }
    out
}

fn list_forms(checker: &Checker) -> String {
    let mut out = String::new();
    let forms: Vec<_> = checker.reference().forms.all().collect();
    let width = forms.iter().map(|f| f.id.len()).max().unwrap_or(0);
    let _ = writeln!(out, "{:<width$}  {:<8}  fraction  formula, and how the fraction is computed", "form", "element");
    for form in forms {
        let _ = writeln!(
            out,
            "{:<width$}  {:<8}  {:.6}  {}: {}",
            form.id,
            form.element,
            form.fraction.to_f64(),
            form.formula,
            form.basis
        );
    }
    out
}

fn list_materials(checker: &Checker) -> String {
    let mut out = String::new();
    for (_, material) in checker.reference().materials.all() {
        let status = match (&material.strategic, &material.critical) {
            (Some(s), _) => format!(
                "strategic (Annex I {}){}",
                s.annex_i.as_deref().unwrap_or("?"),
                s.grade
                    .map(|g| format!(", {} grade", checker.reference().materials.grade_by_id(g).id))
                    .unwrap_or_default()
            ),
            (None, Some(c)) => format!(
                "critical (Annex II){}",
                c.grade
                    .map(|g| format!(", {} grade", checker.reference().materials.grade_by_id(g).id))
                    .unwrap_or_default()
            ),
            (None, None) => "out of scope".to_owned(),
        };
        let mut names: Vec<String> = material.element.iter().cloned().collect();
        names.extend(material.members.iter().map(|m| format!("{} ({})", m.name, m.symbol)));
        let names = if names.is_empty() { String::new() } else { format!(": {}", names.join(", ")) };
        let _ = writeln!(out, "{:<32} {status}{names}", material.name);
        if let Some(note) = &material.note {
            let _ = writeln!(out, "{}", wrap(note, 33));
        }
    }
    let _ = writeln!(out, "\nGrades (`grade` in a supply line or consumption entry):");
    for grade in checker.reference().materials.grades() {
        let _ = writeln!(out, "{:<32} {}", grade.id, wrap(&grade.description, 33).trim_start());
    }
    out
}

/// Wraps `text` at 96 columns, indented by `indent` spaces, breaking lines only at spaces
/// (never inside a path such as `examples/policies/crm004-literal.json` or at a hyphen).
fn wrap(text: &str, indent: usize) -> String {
    let indent = " ".repeat(indent);
    let options = textwrap::Options::new(96)
        .initial_indent(&indent)
        .subsequent_indent(&indent)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::fill(text, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_on_a_terminal_unless_the_environment_says_no() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| std::ffi::OsString::from(v))
        };
        assert!(use_color(ColorChoice::Auto, true, env(&[])));
        assert!(!use_color(ColorChoice::Auto, false, env(&[])), "not on a pipe");
        assert!(!use_color(ColorChoice::Auto, true, env(&[("NO_COLOR", "1")])));
        assert!(use_color(ColorChoice::Auto, true, env(&[("NO_COLOR", "")])), "an empty NO_COLOR is unset");
        assert!(!use_color(ColorChoice::Auto, true, env(&[("TERM", "dumb")])));
        assert!(use_color(ColorChoice::Always, false, env(&[("NO_COLOR", "1")])), "asked for explicitly");
        assert!(!use_color(ColorChoice::Never, true, env(&[])));
    }
}
