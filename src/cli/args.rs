//! The arguments, as clap parses them.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use crma_check::model::FailOn;
use crma_check::report::Format;

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
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
    /// Add rules, or replace built-in ones with the same id: a rule file or a folder of
    /// them (repeatable).
    #[arg(long = "rules", value_name = "PATH", global = true, value_hint = ValueHint::AnyPath)]
    pub rules: Vec<PathBuf>,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Portfolio files to check ("-" reads standard input).
    #[arg(value_name = "FILE", required = true, value_hint = ValueHint::FilePath)]
    pub files: Vec<String>,
    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = formats())]
    pub format: Format,
    /// Write the report (in --format) to this file instead of standard output; the human
    /// report then still goes to standard output, so that a CI job keeps it in its log.
    #[arg(long, short, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// The level from which findings fail the check (exit status 1).
    #[arg(long, value_name = "FAIL_ON", default_value = "error", value_parser = fail_levels())]
    pub fail_on: FailOn,
    /// The reporting year, instead of the portfolio's `year` (the CRMA benchmarks apply
    /// from 2030; before that, a failing benchmark is a warning).
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(u16).range(i64::from(*crma_check::YEARS.start())..=i64::from(*crma_check::YEARS.end())))]
    pub year: Option<u16>,
    /// Run only these rules (ids or prefixes of ids, comma-separated or repeated).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (ids or prefixes of ids, comma-separated or repeated).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Check waivers as of this date (YYYY-MM-DD) instead of today, for reproducible runs.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<jiff::civil::Date>,
    /// Print only diagnostics and findings: no share tables, no summary, no notes.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
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
    /// Run a language server (LSP) over standard input and output, for editors: diagnostics
    /// as you type, hover, completion and quick fixes in portfolios and rule files.
    Lsp,
    /// Print a completion script for a shell.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per command into a folder.
    Man {
        /// Write crma-check.1, crma-check-lsp.1 … into this folder instead.
        #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
        dir: Option<PathBuf>,
    },
}

/// `--format`: the names of [`Format::ALL`], each with its description in `--help`.
fn formats() -> impl TypedValueParser<Value = Format> {
    let names = Format::ALL.map(|f| PossibleValue::new(f.name()).help(f.about()));
    PossibleValuesParser::new(names).map(|name| Format::named(&name).expect("one of the names listed"))
}

/// `--fail-on`: the names of [`FailOn::ALL`], each with what it means.
fn fail_levels() -> impl TypedValueParser<Value = FailOn> {
    let names = FailOn::ALL.map(|level| {
        let help = match level {
            FailOn::Error => "Errors fail the check",
            FailOn::Warning => "Warnings and errors fail the check",
            FailOn::Never => "Only input errors fail the check (exit status 2)",
        };
        PossibleValue::new(level.name()).help(help)
    });
    PossibleValuesParser::new(names)
        .map(|name| FailOn::ALL.into_iter().find(|l| l.name() == name).expect("one of the names listed"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// The portfolio format.
    Portfolio,
    /// The rule file format.
    Rules,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// clap's own checks of the definition (conflicting names, bad defaults …), which the
    /// completion scripts and the man page are generated from.
    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
