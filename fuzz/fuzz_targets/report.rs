//! What the fuzz targets of checked files share: the checker of tables checked on their own,
//! and, after a check, the report in every format, with a file that could not be checked never
//! passing. (Included by each target with `#[path]`: each is a binary of its own.)

use crma_check::model::{FileReport, Outcome, Report};
use crma_check::report::{Format, Style};
use crma_check::{CheckOptions, Checker, TableOptions};

/// A checker of tables checked on their own in 2026, written as `tables` declares.
#[allow(dead_code, reason = "the portfolio target checks no tables")]
pub fn table_checker(tables: TableOptions) -> Checker {
    let today = "2026-11-23".parse().expect("a date");
    Checker::builtin(CheckOptions { year: Some(2026), today, tables, ..CheckOptions::default() })
}

/// Renders `file`'s report in every format, and checks that it fails closed.
pub fn render(checker: &Checker, file: FileReport) {
    let checked = file.checked();
    let report = Report {
        files: vec![file],
        fail_on: Default::default(),
        rules: checker.active_rules().map(|r| r.doc().clone()).collect(),
        as_of: checker.options().today,
    };
    // Fail closed: a file that could not be checked never passes.
    assert!(checked || report.outcome() == Outcome::Unchecked);
    for format in Format::ALL {
        format.write(&report, &Style::default(), &mut std::io::sink()).expect("writing to a sink cannot fail");
    }
}
