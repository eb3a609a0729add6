//! The checker: the rules loaded and selected, and the checks and stress tests of portfolio
//! files made with them.

mod stress;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::engine::{self, BUILTIN_RULES, Rule};
use crate::model::{FailOn, FileReport, Report};
use crate::portfolio::{self, FileKind, Portfolio, TableOptions};
use crate::reference::Reference;
use crate::source::Source;
use crate::{input, suggest};

pub use stress::Stresses;

/// How to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The reporting year, instead of the portfolio's own.
    pub year: Option<u16>,
    /// The day waivers are checked against (today, by default).
    pub today: jiff::civil::Date,
    /// The level from which findings fail the check.
    pub fail_on: FailOn,
    /// How many days before its last day a waiver in use is a `waiver-expiring` warning
    /// (0: never).
    pub waiver_notice_days: u16,
    /// How CSV and Excel files checked on their own are written, where they cannot say
    /// (`--sheet`, `--decimal` …; a portfolio's `supplies_from` entry says it for the files
    /// it references).
    pub tables: TableOptions,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            year: None,
            today: today(),
            fail_on: FailOn::default(),
            waiver_notice_days: WAIVER_NOTICE_DAYS,
            tables: TableOptions::default(),
        }
    }
}

/// How many days before its last day a waiver is announced as expiring, by default.
pub const WAIVER_NOTICE_DAYS: u16 = 30;

/// Today's date in UTC.
pub fn today() -> jiff::civil::Date {
    jiff::tz::Offset::UTC.to_datetime(jiff::Timestamp::now()).date()
}

/// A rule file that could not be read: its report, with the errors located in it.
pub type RuleFileErrors = Vec<FileReport>;

/// A `--select` or `--ignore` selector that matches no rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoSuchRule {
    /// The selector as given.
    pub selector: String,
    /// A rule id close to it, if any.
    pub suggestion: Option<String>,
    /// The ids of the rules there are.
    pub rules: Vec<String>,
}

impl fmt::Display for NoSuchRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.suggestion {
            Some(close) => write!(f, "no rule matches `{}` (did you mean `{close}`?)", self.selector),
            None => write!(f, "no rule matches `{}` (the rules are {})", self.selector, self.rules.join(", ")),
        }
    }
}

impl std::error::Error for NoSuchRule {}

/// Checks portfolios against a set of rules.
#[derive(Debug)]
pub struct Checker {
    reference: &'static Reference,
    rules: Vec<Rule>,
    active: Vec<bool>,
    options: CheckOptions,
}

impl Checker {
    /// A checker with the built-in CRMA rules only.
    pub fn builtin(options: CheckOptions) -> Checker {
        let reference = Reference::builtin();
        let source = Source::new(BUILTIN_RULES.0, BUILTIN_RULES.1);
        // The built-in rules are loaded by the tests.
        let rules = engine::load_rules(&source, reference, true).expect("the built-in rules are valid").rules;
        let active = vec![true; rules.len()];
        Checker { reference, rules, active, options }
    }

    /// A checker with the built-in rules and those of `paths` (files, or folders of `.json`
    /// files): a rule with the id of an earlier one replaces it.
    pub fn with_rule_files(paths: &[PathBuf], options: CheckOptions) -> Result<Checker, RuleFileErrors> {
        let mut checker = Checker::builtin(options);
        let mut failed = Vec::new();
        let mut files = Vec::new();
        for path in paths {
            match json_files(path, "rule") {
                Ok(mut found) => files.append(&mut found),
                Err(diagnostic) => {
                    failed.push(FileReport::unchecked(&path.display().to_string(), None, vec![diagnostic]))
                }
            }
        }
        for file in files {
            let source = match input::read_input(&file) {
                Ok(source) => source,
                Err(unreadable) => {
                    failed.push(FileReport::unchecked(&file, unreadable.source, vec![unreadable.diagnostic]));
                    continue;
                }
            };
            failed.append(&mut checker.add_rule_file(source, &mut Vec::new()));
        }
        if failed.is_empty() { Ok(checker) } else { Err(failed) }
    }

    /// Reads the rule file `source` into the checker, after the files it `extends` (a rule
    /// with the id of an earlier one replaces it), or says everything wrong with it. The
    /// errors of an extended file are said at the place that names it.
    pub fn add_rules(&mut self, source: &Source) -> Result<(), Vec<Diagnostic>> {
        let failed = self.add_rule_file(source.clone(), &mut Vec::new());
        let mut errors = Vec::new();
        for file in failed {
            if file.path == source.name() {
                errors.extend(file.diagnostics);
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// Reads a rule file and, first, those it extends (`chain`: the files being read, to
    /// refuse a cycle); the reports of the files with errors.
    fn add_rule_file(&mut self, source: Source, chain: &mut Vec<PathBuf>) -> Vec<FileReport> {
        let file = source.name().to_owned();
        let loaded = match engine::load_rules(&source, self.reference, false) {
            Ok(loaded) => loaded,
            Err(errors) => return vec![FileReport::unchecked(&file, Some(source), errors)],
        };
        let here = Path::new(&file);
        chain.push(std::fs::canonicalize(here).unwrap_or_else(|_| here.to_path_buf()));
        let mut failed = Vec::new();
        let mut errors = Vec::new();
        for (written, span) in &loaded.extends {
            let path = here.parent().map_or_else(|| PathBuf::from(written), |folder| folder.join(written));
            let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            let error =
                |message: String| Diagnostic::new(Code::RuleExtends, message).with_label(*span, "extended here");
            if chain.contains(&real) {
                errors.push(
                    error(format!("`{written}` extends this file again: a chain of `extends` may not lead back"))
                        .with_help("remove one of the `extends` that close the circle"),
                );
                continue;
            }
            let name = path.display().to_string();
            match input::read_input(&name) {
                Ok(extended) => {
                    let mut theirs = self.add_rule_file(extended, chain);
                    if !theirs.is_empty() {
                        errors.push(
                            error(format!("the rule file `{written}` that this file extends has errors"))
                                .with_help(format!("fix {name}: its errors are reported with it")),
                        );
                        failed.append(&mut theirs);
                    }
                }
                Err(unreadable) => errors.push(
                    error(format!("the rule file `{written}` cannot be read: {}", unreadable.diagnostic.message))
                        .with_help("give a path relative to this rule file"),
                ),
            }
        }
        chain.pop();
        if !errors.is_empty() {
            failed.insert(0, FileReport::unchecked(&file, Some(source), errors));
            return failed;
        }
        self.add_loaded(loaded.rules);
        failed
    }

    /// Adds rules read from a file: a rule with the id of an earlier one replaces it.
    fn add_loaded(&mut self, rules: Vec<Rule>) {
        for mut rule in rules {
            match self.rules.iter().position(|r| r.id() == rule.id()) {
                Some(n) => {
                    rule.doc.origin.replaces = Some(self.rules[n].origin().path.clone());
                    self.rules[n] = rule;
                }
                None => {
                    self.rules.push(rule);
                    self.active.push(true);
                }
            }
        }
    }

    /// Keeps only the rules matching `select` (all if empty) and not matching `ignore`. A
    /// selector is a rule id or the start of one (`CRM00`), in any case. A selector that
    /// matches no rule is an error, with a suggestion.
    pub fn select(&mut self, select: &[String], ignore: &[String]) -> Result<(), NoSuchRule> {
        let matches = |selector: &str, rule: &Rule| rule.id().to_lowercase().starts_with(&selector.to_lowercase());
        for selector in select.iter().chain(ignore) {
            if !self.rules.iter().any(|r| matches(selector, r)) {
                let rules: Vec<String> = self.rules.iter().map(|r| r.id().to_owned()).collect();
                let suggestion = suggest::did_you_mean(selector, rules.iter().map(String::as_str)).map(str::to_owned);
                return Err(NoSuchRule { selector: selector.clone(), suggestion, rules });
            }
        }
        for (rule, active) in self.rules.iter().zip(&mut self.active) {
            *active = (select.is_empty() || select.iter().any(|s| matches(s, rule)))
                && !ignore.iter().any(|s| matches(s, rule));
        }
        Ok(())
    }

    /// Every loaded rule, active or not, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this id (in any case), if there is one.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id().eq_ignore_ascii_case(id))
    }

    /// The rules that run.
    pub fn active_rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().zip(&self.active).filter(|(_, a)| **a).map(|(r, _)| r)
    }

    /// The reference facts used.
    pub fn reference(&self) -> &'static Reference {
        self.reference
    }

    /// The options used.
    pub fn options(&self) -> &CheckOptions {
        &self.options
    }

    /// Checks one file (`-` for standard input): a portfolio, or a CSV or Excel file of
    /// supply lines (told by its name and its first bytes), which needs `year`.
    pub fn check_path(&self, path: &str) -> FileReport {
        match self.open_path(path) {
            Ok(portfolio) => self.assess(portfolio),
            Err(unchecked) => *unchecked,
        }
    }

    /// Checks the bytes of a file called `name`: a portfolio (UTF-8, a byte-order mark
    /// allowed), or a CSV or Excel file, as [`Self::check_path`] tells them.
    pub fn check_bytes(&self, name: &str, bytes: Vec<u8>) -> FileReport {
        let kind = FileKind::of(name, &bytes[..bytes.len().min(8)]);
        let loaded = if kind.is_table() {
            self.load_table(name, kind, portfolio::Bytes::Memory(bytes))
        } else {
            match input::decode(name.to_owned(), bytes) {
                Ok(source) => self.load(source),
                Err(unreadable) => {
                    return FileReport::unchecked(name, unreadable.source, vec![unreadable.diagnostic]);
                }
            }
        };
        match loaded {
            Ok(portfolio) => self.assess(portfolio),
            Err(unchecked) => *unchecked,
        }
    }

    /// Checks files, each on its own, into one report.
    pub fn check_paths<'a>(&self, paths: impl IntoIterator<Item = &'a str>) -> Report {
        Report {
            files: paths.into_iter().map(|p| self.check_path(p)).collect(),
            fail_on: self.options.fail_on,
            rules: self.active_rules().map(|r| r.doc.clone()).collect(),
            as_of: self.options.today,
        }
    }

    /// Checks a portfolio's text.
    pub fn check_source(&self, source: Source) -> FileReport {
        match self.load(source) {
            Ok(portfolio) => self.assess(portfolio),
            Err(unchecked) => *unchecked,
        }
    }

    /// Assesses a portfolio read without errors.
    fn assess(&self, portfolio: Portfolio) -> FileReport {
        let active = self.active_rules().collect::<Vec<&Rule>>();
        let known = self.known_ids();
        let context = self.context(&portfolio, &active, &known);
        let assessment = engine::assess(&portfolio, &context);
        file_report(portfolio, context.year, assessment)
    }

    /// What the supply line with its amount (or unit, form or content) written at byte
    /// `offset` of a portfolio's text amounts to: its contained mass and its share of its
    /// material. `None` if no line's value is written there, or if the portfolio has input
    /// errors (its shares would be of an incomplete ledger).
    pub fn line_facts(&self, source: &Source, offset: usize) -> Option<crate::model::LineFacts> {
        let portfolio = portfolio::load(source.clone(), self.reference, Some(offset)).ok()?;
        engine::line_facts(&portfolio, self.reference)
    }

    /// Reads the file at `path` (`-` for standard input) into a portfolio, or the report of a
    /// file that could not be checked.
    fn open_path(&self, path: &str) -> Result<Portfolio, Box<FileReport>> {
        if path != "-" {
            let kind = FileKind::of_path(Path::new(path));
            if kind.is_table() {
                return self.load_table(path, kind, portfolio::Bytes::Path(Path::new(path)));
            }
        }
        match input::read_input(path) {
            Ok(source) => self.load(source),
            Err(unreadable) => {
                Err(Box::new(FileReport::unchecked(path, unreadable.source, vec![unreadable.diagnostic])))
            }
        }
    }

    /// Reads a portfolio (and the files it takes its supply lines from), or the report of a
    /// file that could not be checked.
    fn load(&self, source: Source) -> Result<Portfolio, Box<FileReport>> {
        portfolio::load(source, self.reference, None).map_err(|unloaded| {
            let name = unloaded.source.name().to_owned();
            Box::new(FileReport::unchecked(&name, Some(unloaded.source), unloaded.errors))
        })
    }

    /// Reads a CSV or Excel file of supply lines, checked on its own in the year `--year`
    /// gives (without one, nothing is read: the check cannot be made).
    fn load_table(
        &self,
        name: &str,
        kind: FileKind,
        bytes: portfolio::Bytes<'_>,
    ) -> Result<Portfolio, Box<FileReport>> {
        let Some(year) = self.options.year else {
            let what = if kind == FileKind::Csv { "a CSV file" } else { "a workbook" };
            let diagnostic = Diagnostic::new(Code::YearRequired, format!("`{name}` is {what}, which has no reporting year"))
                .with_help(format!(
                    "give the year its supply lines are of: `crma-check {name} --year 2026`; or check a portfolio that names its year and takes its supply lines from the file (`supplies_from`)"
                ));
            return Err(Box::new(FileReport::unchecked(name, None, vec![diagnostic])));
        };
        portfolio::load_table(name, kind, bytes, &self.options.tables, year, self.reference)
            .map_err(|(source, errors)| Box::new(FileReport::unchecked(name, source, errors)))
    }

    /// Every rule id, active or not.
    fn known_ids(&self) -> Vec<&str> {
        self.rules.iter().map(|r| r.id()).collect()
    }

    /// What assessing `portfolio` with `active` rules takes: its reporting year (`--year`,
    /// else the file's) and the day waivers are judged on.
    fn context<'a>(
        &'a self,
        portfolio: &Portfolio,
        active: &'a [&'a Rule],
        known: &'a [&'a str],
    ) -> engine::Context<'a> {
        let year = self.options.year.unwrap_or(portfolio.year);
        let waivers = engine::WaiverDates { today: self.options.today, notice_days: self.options.waiver_notice_days };
        engine::Context { active, known, reference: self.reference, year, waivers }
    }
}

/// The report of a checked file.
fn file_report(portfolio: Portfolio, year: u16, assessment: engine::Assessment) -> FileReport {
    let source = portfolio.source;
    let mut findings = assessment.findings;
    // A place in a worksheet is named as spreadsheets name it, beside the label's words.
    for label in findings.iter_mut().flat_map(|f| f.labels.iter_mut()) {
        if let Some(cell) = source.cell(label.span) {
            label.text = if label.text.is_empty() { cell } else { format!("{} ({cell})", label.text) };
        }
    }
    FileReport {
        path: source.name().to_owned(),
        name: portfolio.name,
        year: Some(year),
        diagnostics: portfolio.notes,
        findings,
        table: assessment.table,
        supply_lines: portfolio.supply_lines,
        checks: assessment.checks,
        source: Some(source),
    }
}

/// The files a `--rules` or `--scenario` path names: itself, or the `.json` files of a
/// folder, by name; `what` names them in the error (`rule`, `scenario`).
fn json_files(path: &Path, what: &str) -> Result<Vec<String>, Diagnostic> {
    let display = path.display().to_string();
    if !path.is_dir() {
        return Ok(vec![display]);
    }
    let entries = std::fs::read_dir(path)
        .map_err(|error| Diagnostic::new(Code::Io, format!("`{display}` cannot be read: {error}")))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Diagnostic::new(Code::Io, format!("the folder `{display}` holds no .json {what} files"))
            .with_help(format!("give a {what} file, or a folder of them")));
    }
    Ok(files.into_iter().map(|p| p.display().to_string()).collect())
}
