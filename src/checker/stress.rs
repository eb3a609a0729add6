//! Stress tests with the checker's rules: the portfolio assessed as it is and under each
//! scenario, on the same denominators, in the same reporting year.

use std::path::PathBuf;

use super::{Checker, file_report};
use crate::engine::{self, Rule, Scenario};
use crate::model::{FileReport, ScenarioResult, StressReport};
use crate::portfolio::Portfolio;
use crate::source::Source;
use crate::{Cut, input};

/// The scenarios to run.
#[derive(Debug, Clone)]
pub enum Stresses {
    /// These, in order.
    Scenarios(Vec<Scenario>),
    /// Those of these scenario files, or folders of them, in order.
    Files(Vec<PathBuf>),
    /// One cut per country the portfolio names, all stages, ranked by the largest share of
    /// any strategic raw material lost.
    EachCountry,
}

impl Checker {
    /// A cut written `ORIGIN[:STAGE[:MATERIAL]][@PERCENT]`; `Err` says what is wrong.
    pub fn parse_cut(&self, spec: &str) -> Result<Cut, String> {
        engine::parse_cut(self.reference, spec)
    }

    /// A scenario of cuts given on the command line.
    pub fn scenario_of_cuts(&self, specs: &[String], cuts: Vec<Cut>) -> Scenario {
        let name = specs.iter().map(|spec| format!("--cut {spec}")).collect::<Vec<_>>().join(" ");
        Scenario::of_cuts(name, "--cut", cuts)
    }

    /// The scenarios of `paths` (files, or folders of `.json` files, by name); the files that
    /// cannot be read, with their errors located.
    pub fn read_scenarios(&self, paths: &[PathBuf]) -> Result<Vec<Scenario>, Vec<FileReport>> {
        let mut scenarios = Vec::new();
        let mut failed = Vec::new();
        for path in paths {
            let files = match super::json_files(path, "scenario") {
                Ok(files) => files,
                Err(diagnostic) => {
                    failed.push(FileReport::unchecked(&path.display().to_string(), None, vec![diagnostic]));
                    continue;
                }
            };
            for file in files {
                match input::read_input(&file) {
                    Ok(source) => match engine::read_scenario(&source, self.reference) {
                        Ok(scenario) => scenarios.push(scenario),
                        Err(errors) => failed.push(FileReport::unchecked(&file, Some(source), errors)),
                    },
                    Err(unreadable) => {
                        failed.push(FileReport::unchecked(&file, unreadable.source, vec![unreadable.diagnostic]))
                    }
                }
            }
        }
        if failed.is_empty() { Ok(scenarios) } else { Err(failed) }
    }

    /// Stress-tests the portfolio at `path` (`-` for standard input; a CSV or Excel file of
    /// supply lines as [`Checker::check_path`] reads them).
    pub fn stress_path(&self, path: &str, stresses: &Stresses) -> StressReport {
        self.stress(self.open_path(path), stresses)
    }

    /// Stress-tests a portfolio's text.
    pub fn stress_source(&self, source: Source, stresses: &Stresses) -> StressReport {
        self.stress(self.load(source), stresses)
    }

    /// Stress-tests a portfolio read (or the report of one that could not be).
    fn stress(&self, loaded: Result<Portfolio, Box<FileReport>>, stresses: &Stresses) -> StressReport {
        let ranked = matches!(stresses, Stresses::EachCountry);
        let (read, unreadable) = match stresses {
            Stresses::Files(paths) => match self.read_scenarios(paths) {
                Ok(scenarios) => (scenarios, Vec::new()),
                Err(failed) => (Vec::new(), failed),
            },
            _ => (Vec::new(), Vec::new()),
        };
        let portfolio = match loaded {
            Ok(portfolio) if unreadable.is_empty() => portfolio,
            Ok(portfolio) => {
                let before = FileReport::unchecked(portfolio.source.name(), Some(portfolio.source.clone()), Vec::new());
                return StressReport { before, unreadable, scenarios: Vec::new(), ranked, as_of: self.options.today };
            }
            Err(before) => {
                return StressReport {
                    before: *before,
                    unreadable,
                    scenarios: Vec::new(),
                    ranked,
                    as_of: self.options.today,
                };
            }
        };
        let active = self.active_rules().collect::<Vec<&Rule>>();
        let known = self.known_ids();
        let context = self.context(&portfolio, &active, &known);
        let assessment = engine::assess(&portfolio, &context);
        let each_country;
        let scenarios = match stresses {
            Stresses::Scenarios(scenarios) => scenarios,
            Stresses::Files(_) => &read,
            Stresses::EachCountry => {
                each_country = engine::countries_named(&portfolio, self.reference)
                    .into_iter()
                    .filter_map(|code| {
                        let cut = engine::country_cut(self.reference, &code)?;
                        let name =
                            self.reference.countries.find(&code).map(|c| self.reference.countries.get(c).name.clone());
                        Some(Scenario::of_cuts(name.unwrap_or(code), "--each-country", vec![cut]))
                    })
                    .collect::<Vec<_>>();
                &each_country
            }
        };
        let mut results: Vec<ScenarioResult> = scenarios
            .iter()
            .map(|scenario| {
                engine::outcome(scenario, &portfolio, &assessment, &context).unwrap_or_else(|| ScenarioResult {
                    scenario: scenario.doc.clone(),
                    materials: Vec::new(),
                    appeared: Vec::new(),
                    cleared: Vec::new(),
                    notes: vec!["a cut's share is too precise to combine with a traded form's fraction exactly: give it with fewer decimals".to_owned()],
                })
            })
            .collect();
        if ranked {
            // The single points of failure first.
            let largest = |r: &ScenarioResult| r.largest_strategic_loss().map_or(0.0, |m| m.lost_percent);
            results.sort_by(|a, b| largest(b).total_cmp(&largest(a)));
        }
        let year = context.year;
        StressReport {
            before: file_report(portfolio, year, assessment),
            unreadable: Vec::new(),
            scenarios: results,
            ranked,
            as_of: self.options.today,
        }
    }
}
