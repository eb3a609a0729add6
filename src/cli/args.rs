//! The arguments, as clap parses them.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use crma_check::gate::Tolerance;
use crma_check::model::FailOn;
use crma_check::report::{DiffFormat, Format, StressFormat};
use crma_check::{Encoding, TableOptions};

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
    /// The project file to read, instead of the crma-check.toml found in the working
    /// directory or the nearest folder above it.
    #[arg(long, value_name = "FILE", global = true, value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Portfolio files to check ("-" reads standard input); or CSV or Excel files of supply
    /// lines (.csv, .tsv, .txt, .xlsx, .xlsm), which need --year.
    #[arg(value_name = "FILE", required = true, value_hint = ValueHint::FilePath)]
    pub files: Vec<String>,
    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = formats())]
    pub format: Format,
    /// Write the report (in --format) to this file instead of standard output; the human
    /// report then still goes to standard output, so that a CI job keeps it in its log.
    #[arg(long, short, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// Also write the report in FORMAT to PATH, from the same run (repeatable): e.g.
    /// --report sarif=crma-check.sarif --report junit=junit.xml.
    #[arg(long, value_name = "FORMAT=PATH", value_parser = report_target)]
    pub report: Vec<(Format, PathBuf)>,
    /// The level from which findings fail the check (exit status 1) [default: error].
    #[arg(long, value_name = "FAIL_ON", value_parser = fail_levels())]
    pub fail_on: Option<FailOn>,
    /// Fail only on what got worse than this baseline file: findings it accepts pass
    /// unless their value worsened by more than --tolerance.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub baseline: Option<PathBuf>,
    /// Record the findings of this run in a baseline file (replacing it), and exit 0
    /// unless a file could not be checked.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub write_baseline: Option<PathBuf>,
    /// How many percentage points a baselined share may worsen and still pass [default: 0].
    #[arg(long, value_name = "PP")]
    pub tolerance: Option<Tolerance>,
    #[command(flatten)]
    pub assess: AssessArgs,
    /// Print only diagnostics and findings: no share tables, no summary, no notes.
    #[arg(long, short)]
    pub quiet: bool,
}

/// How portfolios are assessed: in which year, with which rules, waivers as of which day.
#[derive(Debug, Args)]
pub struct AssessArgs {
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
    /// Warn of a waiver in use this many days before its last day (0: never) [default: 30].
    #[arg(long, value_name = "DAYS")]
    pub waiver_notice_days: Option<u16>,
    #[command(flatten)]
    pub tables: TableArgs,
}

/// How CSV and Excel files checked on their own are written, where they cannot say (a
/// portfolio's `supplies_from` entry declares the same for the files it takes supplies from).
#[derive(Debug, Args)]
#[command(next_help_heading = "CSV and Excel files")]
pub struct TableArgs {
    /// The worksheet to read (without it, the workbook's only visible worksheet).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// The CSV delimiter: `,`, `;` or `tab` (without it, the one the header uses).
    #[arg(long, value_name = "DELIMITER", value_parser = TableOptions::parse_delimiter)]
    pub delimiter: Option<u8>,
    /// The decimal separator of numbers written as text: `.` (the default) or `,`.
    #[arg(long, value_name = "SEPARATOR", value_parser = TableOptions::parse_decimal)]
    pub decimal: Option<char>,
    /// The thousands separator of numbers written as text, if they have one: `.`, `,`, `'` or
    /// `space`.
    #[arg(long, value_name = "SEPARATOR", value_parser = TableOptions::parse_thousands)]
    pub thousands: Option<char>,
    /// The encoding of a CSV file: `utf-8` (the default), `windows-1252` or `iso-8859-1`.
    #[arg(long, value_name = "ENCODING", value_parser = TableOptions::parse_encoding)]
    pub encoding: Option<Encoding>,
    /// The unit of every amount (`t`, `kg` …), for a file without a unit column.
    #[arg(long, value_name = "UNIT")]
    pub unit: Option<String>,
    /// A supply field under another header: FIELD=HEADER, such as `amount=Menge`
    /// (repeatable).
    #[arg(long = "column", value_name = "FIELD=HEADER", value_parser = TableOptions::parse_column)]
    pub columns: Vec<(String, String)>,
}

impl TableArgs {
    /// The options they give.
    pub fn options(&self) -> TableOptions {
        TableOptions {
            sheet: self.sheet.clone(),
            delimiter: self.delimiter,
            decimal: self.decimal,
            thousands: self.thousands,
            encoding: self.encoding,
            unit: self.unit.clone(),
            columns: self.columns.clone(),
        }
    }
}

/// `crma-check stress`: a portfolio under supply cuts.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("scenarios").required(true).args(["cut", "scenario", "each_country"]))]
pub struct StressArgs {
    /// The portfolio file ("-" reads standard input).
    #[arg(value_name = "FILE")]
    pub file: String,
    /// One scenario of these cuts, each ORIGIN[:STAGE[:MATERIAL]][@PERCENT] (repeatable):
    /// ORIGIN an ISO code or a group (EU, OCT, partners); STAGE extraction, processing,
    /// recycling, or empty for any; MATERIAL any name a portfolio accepts; PERCENT the share
    /// of the matching lines lost (default 100). E.g. CN, CN:processing:graphite, CN::gallium,
    /// CD:extraction:cobalt@50.
    #[arg(long, value_name = "SPEC", conflicts_with_all = ["scenario", "each_country"])]
    pub cut: Vec<String>,
    /// Scenarios written as data: a scenario file or a folder of them (repeatable; see
    /// schemas/scenario.schema.json and examples/scenarios/).
    #[arg(long, value_name = "FILE", conflicts_with = "each_country")]
    pub scenario: Vec<PathBuf>,
    /// Every country the portfolio names cut in turn, at every stage, ranked by the largest
    /// share of a strategic raw material lost: the single points of failure first.
    #[arg(long)]
    pub each_country: bool,
    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = stress_formats())]
    pub format: StressFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub assess: AssessArgs,
}

/// `crma-check diff`: two versions of portfolios compared.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// OLD and NEW; with --git, the files to compare with their version at REF.
    #[arg(value_name = "FILE", required = true, value_hint = ValueHint::FilePath)]
    pub files: Vec<String>,
    /// Compare each file with its version at this git revision (`git show REF:PATH`).
    #[arg(long, value_name = "REF")]
    pub git: Option<String>,
    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = diff_formats())]
    pub format: DiffFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// The level from which an introduced or worsened finding fails (exit status 1)
    /// [default: error].
    #[arg(long, value_name = "FAIL_ON", value_parser = fail_levels())]
    pub fail_on: Option<FailOn>,
    /// How many percentage points a persisting share finding may worsen and still pass
    /// [default: 0].
    #[arg(long, value_name = "PP")]
    pub tolerance: Option<Tolerance>,
    #[command(flatten)]
    pub assess: AssessArgs,
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
    /// A JSON Schema: of portfolio files (the default), rule files or stress scenario files.
    Schema {
        /// Which schema.
        #[arg(value_enum, default_value_t = SchemaKind::Portfolio)]
        which: SchemaKind,
    },
    /// The traded forms and their contained-element fractions.
    Forms,
    /// The materials: names, symbols and where the CRMA lists them.
    Materials,
    /// What a supply disruption would cost: the portfolio under supply cuts.
    ///
    /// Cuts come from the command line, scenario files, or each country in turn. A supply line
    /// is hit when its country at a cut's stage is the cut's origin and its material one the
    /// cut names: it loses the cut's share of its contained quantity at every stage. The
    /// denominators do not change. Per material: tonnes lost, share of demand, days of stock
    /// cover; and the findings that appear or clear. Exit status 0 when the analysis ran, 2 on
    /// input errors.
    Stress(Box<StressArgs>),
    /// Run a language server (LSP) over standard input and output, for editors: diagnostics
    /// as you type, hover, completion and quick fixes in portfolios and rule files.
    Lsp,
    /// What changed between two versions of portfolios: shares old and new, and the
    /// findings introduced, resolved and persisting.
    ///
    /// `diff OLD NEW` compares two files; `diff --git REF FILE...` compares each file with
    /// its version at a git revision (a file that did not exist there is all new). Exit
    /// status 1 when a finding at or above --fail-on is introduced or has worsened by more
    /// than --tolerance, 0 otherwise, 2 on input errors.
    Diff(Box<DiffArgs>),
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

/// `stress --format`: the names of [`StressFormat::ALL`], each with its description.
fn stress_formats() -> impl TypedValueParser<Value = StressFormat> {
    let names = StressFormat::ALL.map(|f| PossibleValue::new(f.name()).help(f.about()));
    PossibleValuesParser::new(names)
        .map(|name| StressFormat::ALL.into_iter().find(|f| f.name() == name).expect("one of the names listed"))
}

/// `diff --format`: the names of [`DiffFormat::ALL`], each with its description.
fn diff_formats() -> impl TypedValueParser<Value = DiffFormat> {
    let names = DiffFormat::ALL.map(|f| PossibleValue::new(f.name()).help(f.about()));
    PossibleValuesParser::new(names)
        .map(|name| DiffFormat::ALL.into_iter().find(|f| f.name() == name).expect("one of the names listed"))
}

/// `--report FORMAT=PATH`.
fn report_target(text: &str) -> Result<(Format, PathBuf), String> {
    let names = || Format::ALL.map(Format::name).join(", ");
    let Some((name, path)) = text.split_once('=') else {
        return Err(format!("write FORMAT=PATH, such as sarif=crma-check.sarif (formats: {})", names()));
    };
    let format = Format::named(name).ok_or_else(|| {
        let close = crma_check::suggest::did_you_mean(name, Format::ALL.map(Format::name));
        match close {
            Some(close) => format!("unknown format `{name}` (did you mean `{close}`?)"),
            None => format!("unknown format `{name}` (formats: {})", names()),
        }
    })?;
    if path.is_empty() {
        return Err(format!("give a path after `{name}=`"));
    }
    Ok((format, PathBuf::from(path)))
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
    /// The stress scenario file format.
    Scenario,
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
