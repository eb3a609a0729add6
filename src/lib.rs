//! crma-check: checks sourcing portfolios of critical raw materials against the EU Critical
//! Raw Materials Act (Regulation (EU) 2024/1252) and other sourcing policies written as rules.
//!
//! A [`Checker`] holds the rules; it checks portfolio files into a [`model::Report`]: every
//! finding with its numbers and the supply lines behind it, input errors located in the file,
//! and a share table per file. A [`report::Format`] renders a report (human, JSON, SARIF …).
//!
//! ```
//! use crma_check::{CheckOptions, Checker};
//! use crma_check::source::Source;
//!
//! let checker = Checker::builtin(CheckOptions::default());
//! let portfolio = r#"{"year": 2030, "supplies": [
//!     {"material": "cobalt", "amount": 100, "unit": "t",
//!      "origin": {"extraction": "CD", "processing": "CN"}}]}"#;
//! let report = checker.check_source(Source::new("portfolio.json", portfolio));
//! let codes: Vec<&str> = report.findings.iter().map(|f| f.code()).collect();
//! assert!(codes.contains(&"CRM004")); // China processes all of it; the cap is 65%
//! ```
//!
//! Inside, the pipeline is one module each: `input` and `portfolio` **load** a file into a
//! ledger of sums; [`reference`](mod@reference) **resolves** materials, countries, forms and
//! units; `engine` **evaluates** rules into the [`model`]; [`report`] **renders** it.

pub mod diagnostic;
mod domain;
mod engine;
mod input;
mod json;
pub mod model;
mod portfolio;
mod quantity;
pub mod reference;
pub mod report;
pub mod source;
pub mod suggest;

use std::fmt;
use std::path::{Path, PathBuf};

pub use domain::{Basis, Stage};
pub use engine::{Rule, RuleOrigin};
pub use portfolio::YEARS;

use diagnostic::{Code, Diagnostic};
use engine::{BUILTIN_RULES, Target};
use model::{FailOn, FileReport, Report};
use reference::Reference;
use source::Source;

/// The JSON Schemas of the input formats, as `crma-check schema` prints them.
pub mod schemas {
    /// Portfolio files.
    pub const PORTFOLIO: &str = include_str!("../schemas/portfolio.schema.json");
    /// Rule files.
    pub const RULES: &str = include_str!("../schemas/rules.schema.json");
}

/// How to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The reporting year, instead of the portfolio's own.
    pub year: Option<u16>,
    /// The day waivers are checked against (today, by default).
    pub today: jiff::civil::Date,
    /// The level from which findings fail the check.
    pub fail_on: FailOn,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions { year: None, today: today(), fail_on: FailOn::default() }
    }
}

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
        let rules = engine::load_rules(&source, reference, true).expect("the built-in rules are valid");
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
            match rule_files(path) {
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
            if let Err(errors) = checker.add_rules(&source) {
                failed.push(FileReport::unchecked(&file, Some(source), errors));
            }
        }
        if failed.is_empty() { Ok(checker) } else { Err(failed) }
    }

    /// Reads the rule file `source` into the checker (a rule with the id of an earlier one
    /// replaces it), or says everything wrong with it.
    pub fn add_rules(&mut self, source: &Source) -> Result<(), Vec<Diagnostic>> {
        for mut rule in engine::load_rules(source, self.reference, false)? {
            match self.rules.iter().position(|r| r.id() == rule.id()) {
                Some(n) => {
                    rule.origin.replaces = Some(self.rules[n].origin.path.clone());
                    self.rules[n] = rule;
                }
                None => {
                    self.rules.push(rule);
                    self.active.push(true);
                }
            }
        }
        Ok(())
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

    /// Checks one file (`-` for standard input).
    pub fn check_path(&self, path: &str) -> FileReport {
        match input::read_input(path) {
            Ok(source) => self.check_source(source),
            Err(unreadable) => FileReport::unchecked(path, unreadable.source, vec![unreadable.diagnostic]),
        }
    }

    /// Checks the bytes of a file called `name` (UTF-8, a byte-order mark allowed).
    pub fn check_bytes(&self, name: &str, bytes: Vec<u8>) -> FileReport {
        match input::decode(name.to_owned(), bytes) {
            Ok(source) => self.check_source(source),
            Err(unreadable) => FileReport::unchecked(name, unreadable.source, vec![unreadable.diagnostic]),
        }
    }

    /// Checks files, each on its own, into one report.
    pub fn check_paths<'a>(&self, paths: impl IntoIterator<Item = &'a str>) -> Report {
        Report {
            files: paths.into_iter().map(|p| self.check_path(p)).collect(),
            fail_on: self.options.fail_on,
            rules: self.active_rules().map(|r| r.doc.clone()).collect(),
        }
    }

    /// What the supply line with its amount (or unit, form or content) written at byte
    /// `offset` of a portfolio's text amounts to: its contained mass and its share of its
    /// material. `None` if no line's value is written there, or if the portfolio has input
    /// errors (its shares would be of an incomplete ledger).
    pub fn line_facts(&self, source: &Source, offset: usize) -> Option<model::LineFacts> {
        let portfolio = portfolio::load(source, self.reference, Some(offset)).ok()?;
        engine::line_facts(&portfolio, self.reference)
    }

    /// Checks a portfolio's text.
    pub fn check_source(&self, source: Source) -> FileReport {
        let portfolio = match portfolio::load(&source, self.reference, None) {
            Ok(portfolio) => portfolio,
            Err(errors) => return FileReport::unchecked(source.name(), Some(source.clone()), errors),
        };
        let year = self.options.year.unwrap_or(portfolio.year);
        let active: Vec<&Rule> = self.active_rules().collect();
        let mut evaluation = engine::evaluate(&portfolio, &active, self.reference, year);
        let active_ids: Vec<&str> = active.iter().map(|r| r.id()).collect();
        let known_ids: Vec<&str> = self.rules.iter().map(|r| r.id()).collect();
        let own = engine::apply_waivers(
            &portfolio,
            &mut evaluation.findings,
            self.reference,
            self.options.today,
            &active_ids,
            &known_ids,
        );
        let table = engine::share_table(&portfolio, self.reference, &evaluation.findings, &evaluation.checked_rows);
        // Material by material, in the order the file names them; rules in ruleset order.
        let row_order = |target: &Target| match target {
            Target::Row(key) => portfolio.ledger.rows().iter().position(|r| r.key == *key).unwrap_or(usize::MAX),
            Target::Overall => usize::MAX,
        };
        let rule_order = |code: &str| active.iter().position(|r| r.id() == code).unwrap_or(usize::MAX);
        let check_order = |target: &Target, c: &model::Check| {
            (row_order(target), rule_order(&c.rule), c.stage, c.country.as_ref().map(|c| c.code.clone()))
        };
        evaluation.findings.sort_by_key(|(target, f)| check_order(target, &f.check));
        evaluation.checks.sort_by_key(|(target, c)| check_order(target, c));
        let mut findings: Vec<_> = evaluation.findings.into_iter().map(|(_, f)| f).collect();
        findings.extend(own);
        FileReport {
            path: source.name().to_owned(),
            name: portfolio.name,
            year: Some(year),
            diagnostics: portfolio.notes,
            findings,
            table,
            supply_lines: portfolio.supply_lines,
            checks: evaluation.checks.into_iter().map(|(_, c)| c).collect(),
            source: Some(source),
        }
    }
}

/// The rule files a `--rules` path names: itself, or the `.json` files of a folder, by name.
fn rule_files(path: &Path) -> Result<Vec<String>, Diagnostic> {
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
        return Err(Diagnostic::new(Code::Io, format!("the folder `{display}` holds no .json rule files"))
            .with_help("give a rule file, or a folder of them"));
    }
    Ok(files.into_iter().map(|p| p.display().to_string()).collect())
}
