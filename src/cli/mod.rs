//! The command line: the arguments (`args`), what the commands other than the check print
//! (`text`), and running it all into an exit status.

mod args;
mod diff;
mod text;

use std::io::{self, IsTerminal, Write};

use clap::CommandFactory;

pub use args::Cli;
use args::{AssessArgs, CheckArgs, ColorChoice, Command, SchemaKind, StressArgs};
use crma_check::config::Config;
use crma_check::gate::Baseline;
use crma_check::model::{Outcome, Report};
use crma_check::report::{Format, Style};
use crma_check::{CheckOptions, Checker, Stresses};

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
    // Commands that check nothing themselves come before the rules are read.
    match &cli.command {
        Some(Command::Lsp) => return crate::lsp::run(&cli.rules),
        Some(Command::Completions { shell }) => {
            let mut command = Cli::command();
            let name = command.get_name().to_owned();
            // Into a buffer: the generator panics on a write error (a closed pipe).
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut command, name, &mut script);
            return print(io::stdout().lock().write_all(&script), "the completion script");
        }
        Some(Command::Man { dir }) => return man(dir.as_deref()),
        _ => {}
    }
    let stdout = io::stdout();
    let color = use_color(cli.color, stdout.is_terminal(), |name| std::env::var_os(name));
    let width = if stdout.is_terminal() { terminal_width() } else { 100 };
    let style = Style { color, width, quiet: cli.check.quiet };
    let assess = match &cli.command {
        Some(Command::Stress(args)) => &args.assess,
        Some(Command::Diff(args)) => &args.assess,
        _ => &cli.check.assess,
    };
    // The project file: its settings under the flags, its rule files before theirs.
    let config = match crma_check::config::load(cli.config.as_deref(), std::path::Path::new(".")) {
        Ok(config) => config.unwrap_or_default(),
        Err(unreadable) => {
            let report = Report {
                files: vec![*unreadable],
                fail_on: Default::default(),
                rules: Vec::new(),
                as_of: crma_check::today(),
            };
            if cli.command.is_none() {
                let _ = write_report(&cli.check, &style, &report);
            } else {
                let _ = Format::Human.write(&report, &style, &mut stdout.lock());
            }
            return 2;
        }
    };
    let fail_on = match &cli.command {
        Some(Command::Diff(args)) => args.fail_on,
        _ => cli.check.fail_on,
    };
    let options = CheckOptions {
        year: assess.year.or(config.year),
        today: assess.as_of.unwrap_or_else(crma_check::today),
        fail_on: fail_on.or(config.fail_on).unwrap_or_default(),
        waiver_notice_days: assess
            .waiver_notice_days
            .or(config.waiver_notice_days)
            .unwrap_or(crma_check::WAIVER_NOTICE_DAYS),
        tables: assess.tables.options(),
    };
    let rule_paths = config.rule_files(&cli.rules);
    let mut checker = match Checker::with_rule_files(&rule_paths, options.clone()) {
        Ok(checker) => checker,
        Err(failed) => {
            // A broken rule file stops everything: the check cannot be made. A check says so
            // in the format asked for (a pipeline reading SARIF should see where), the other
            // commands in words.
            let report = Report { files: failed, fail_on: options.fail_on, rules: Vec::new(), as_of: options.today };
            if cli.command.is_none() {
                let _ = write_report(&cli.check, &style, &report);
                return 2;
            }
            let _ = Format::Human.write(&report, &style, &mut stdout.lock());
            return 2;
        }
    };
    let text = match cli.command {
        Some(Command::Explain { rule }) => text::explain(&checker, &rule),
        Some(Command::Rules) => Ok(text::rules(&checker, &config)),
        Some(Command::Schema { which: SchemaKind::Portfolio }) => Ok(crma_check::schemas::PORTFOLIO.to_owned()),
        Some(Command::Schema { which: SchemaKind::Rules }) => Ok(crma_check::schemas::RULES.to_owned()),
        Some(Command::Schema { which: SchemaKind::Scenario }) => Ok(crma_check::schemas::SCENARIO.to_owned()),
        Some(Command::Forms) => Ok(text::forms(&checker)),
        Some(Command::Materials) => Ok(text::materials(&checker)),
        Some(Command::Stress(args)) => {
            if !select(&mut checker, &args.assess, &config) {
                return 2;
            }
            return stress(&checker, &args, &style);
        }
        Some(Command::Diff(args)) => {
            if !select(&mut checker, &args.assess, &config) {
                return 2;
            }
            let tolerance = args.tolerance.or(config.tolerance).unwrap_or_default();
            return diff::run(&checker, &args, tolerance, &style);
        }
        Some(Command::Lsp | Command::Completions { .. } | Command::Man { .. }) => unreachable!("run above"),
        None => {
            if !select(&mut checker, &cli.check.assess, &config) {
                return 2;
            }
            return check(&checker, &cli.check, &config, &style);
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

/// Selects the rules: the flags' `--select` and `--ignore` where given, else the project
/// file's; false (the error said) if one names no rule.
fn select(checker: &mut Checker, assess: &AssessArgs, config: &Config) -> bool {
    let pick = |flags: &'_ [String], file: &'_ [String]| if flags.is_empty() { file.to_vec() } else { flags.to_vec() };
    match checker.select(&pick(&assess.select, &config.select), &pick(&assess.ignore, &config.ignore)) {
        Ok(()) => true,
        Err(no_such_rule) => {
            eprintln!("error: {no_such_rule}");
            false
        }
    }
}

/// Runs a check: judged against the baseline if there is one, the reports written, the
/// baseline recorded if asked for.
fn check(checker: &Checker, args: &CheckArgs, config: &Config, style: &Style) -> u8 {
    let fail_on = checker.options().fail_on;
    let as_of = checker.options().today;
    let baseline = match args.baseline.as_ref().or(config.baseline.as_ref()) {
        None => None,
        Some(path) => match Baseline::read_path(path) {
            Ok(baseline) => Some(baseline),
            Err(unreadable) => {
                let report = Report { files: vec![*unreadable], fail_on, rules: Vec::new(), as_of };
                let _ = write_report(args, style, &report);
                return 2;
            }
        },
    };
    let mut report = checker.check_paths(args.files.iter().map(String::as_str));
    if let Some(baseline) = &baseline {
        baseline.judge(&mut report, args.tolerance.or(config.tolerance).unwrap_or_default());
    }
    if write_report(args, style, &report).is_err() {
        return 2;
    }
    let outcome = report.outcome();
    if let Some(path) = &args.write_baseline {
        if outcome == Outcome::Unchecked {
            eprintln!("error: the baseline was not written: a file could not be checked");
            return 2;
        }
        let recorded = Baseline::of_report(&report);
        if let Err(error) = std::fs::write(path, recorded.to_json()) {
            eprintln!("error: cannot write the baseline to {}: {error}", path.display());
            return 2;
        }
        let findings = if recorded.len() == 1 { "finding" } else { "findings" };
        eprintln!("crma-check: recorded {} {findings} in {}", recorded.len(), path.display());
        return 0;
    }
    outcome.exit_code()
}

/// The man page on standard output, or one page per command written into `dir`.
fn man(dir: Option<&std::path::Path>) -> u8 {
    let written = match dir {
        // The page lists the commands as crma-check-lsp(1) and so on: only this writes those.
        Some(dir) => clap_mangen::generate_to(Cli::command(), dir),
        None => clap_mangen::Man::new(Cli::command()).render(&mut io::stdout().lock()),
    };
    print(written, "the man page")
}

/// The exit status of writing `what`: a failure is said on standard error, except a pipe
/// closed early (`crma-check man | head`).
fn print(written: io::Result<()>, what: &str) -> u8 {
    match written {
        Ok(()) => 0,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(error) => {
            eprintln!("error: cannot write {what}: {error}");
            2
        }
    }
}

/// Writes the report in the format asked for, to standard output or to `--output` (and
/// then, unless the format is `human`, the human report to standard output as well), and
/// in each format of `--report` to its file (as a run with that `--format` would write it
/// into a file: without colour). A failure to write is said on standard error.
fn write_report(check: &CheckArgs, style: &Style, report: &Report) -> Result<(), ()> {
    let stdout = io::stdout();
    let said = |target: Option<&std::path::Path>, error: io::Error| {
        if error.kind() != io::ErrorKind::BrokenPipe {
            let target = target.map(|p| format!(" to {}", p.display())).unwrap_or_default();
            eprintln!("error: cannot write the report{target}: {error}");
        }
    };
    let file_style = Style { color: false, width: 100, ..*style };
    for (format, path) in &check.report {
        write_file(path, |file| format.write(report, &file_style, file)).map_err(|error| said(Some(path), error))?;
    }
    let written = match &check.output {
        None => check.format.write(report, style, &mut stdout.lock()),
        Some(path) => write_file(path, |file| check.format.write(report, style, file)).and_then(|()| {
            if check.format == Format::Human { Ok(()) } else { Format::Human.write(report, style, &mut stdout.lock()) }
        }),
    };
    written.map_err(|error| said(check.output.as_deref(), error))
}

/// Runs `crma-check stress`: exit status 0 when the analysis ran, 2 on input errors.
fn stress(checker: &Checker, args: &StressArgs, style: &Style) -> u8 {
    let stresses = if args.each_country {
        Stresses::EachCountry
    } else if !args.cut.is_empty() {
        let cuts: Result<Vec<_>, String> = args.cut.iter().map(|spec| checker.parse_cut(spec)).collect();
        match cuts {
            Ok(cuts) => Stresses::Scenarios(vec![checker.scenario_of_cuts(&args.cut, cuts)]),
            Err(problem) => {
                eprintln!("error: --cut {problem}");
                return 2;
            }
        }
    } else {
        Stresses::Files(args.scenario.clone())
    };
    let report = checker.stress_path(&args.file, &stresses);
    if !output(args.output.as_deref(), |out| args.format.write(&report, style, out)) {
        return 2;
    }
    if report.ran() { 0 } else { 2 }
}

/// Writes a report to `path`, or to standard output; whether it was written (a failure is
/// said on standard error, except a pipe closed early).
pub(super) fn output(path: Option<&std::path::Path>, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> bool {
    let written = match path {
        None => write(&mut io::stdout().lock()),
        Some(path) => write_file(path, write),
    };
    match written {
        Ok(()) => true,
        Err(error) => {
            if error.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("error: cannot write the report: {error}");
            }
            false
        }
    }
}

/// Writes a file through a buffer, in one go.
pub(super) fn write_file(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
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
