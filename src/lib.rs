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

mod checker;
pub mod config;
pub mod diagnostic;
mod domain;
mod engine;
pub mod gate;
mod input;
mod json;
pub mod model;
mod portfolio;
mod quantity;
pub mod reference;
pub mod report;
pub mod source;
pub mod suggest;
mod text;

pub use checker::{CheckOptions, Checker, NoSuchRule, RuleFileErrors, Stresses, WAIVER_NOTICE_DAYS, today};
pub use domain::{Basis, Stage};
pub use engine::{Cut, Rule, Scenario};
pub use model::RuleOrigin;
pub use portfolio::{Encoding, TableOptions, YEARS};

/// The JSON Schemas of the input formats, as `crma-check schema` prints them.
pub mod schemas {
    /// Portfolio files.
    pub const PORTFOLIO: &str = include_str!("../schemas/portfolio.schema.json");
    /// Rule files.
    pub const RULES: &str = include_str!("../schemas/rules.schema.json");
    /// Stress scenario files.
    pub const SCENARIO: &str = include_str!("../schemas/scenario.schema.json");
    /// Baseline files (`--write-baseline`, `--baseline`).
    pub const BASELINE: &str = include_str!("../schemas/baseline.schema.json");
}
