//! Inputs the fuzzer (`fuzz/`) found to crash the checker, each fixed: every file of
//! `tests/fixtures/fuzz/` goes through the same steps as the fuzz target (load, check,
//! every format) and must neither panic nor pass.

mod common;

use std::path::Path;

use crma_check::Checker;
use crma_check::model::{Outcome, Report};
use crma_check::report::{Format, Style};

#[test]
fn inputs_that_once_crashed_are_refused_cleanly() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let checker = Checker::builtin(common::options());
    let mut seen = 0;
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        let file = checker.check_path(path.to_str().unwrap());
        let report = Report {
            files: vec![file],
            fail_on: Default::default(),
            rules: checker.active_rules().map(|r| r.doc().clone()).collect(),
            as_of: checker.options().today,
        };
        for format in Format::ALL {
            format.write(&report, &Style::default(), &mut std::io::sink()).unwrap();
        }
        assert_eq!(report.outcome(), Outcome::Unchecked, "{}: these inputs are all invalid", path.display());
        seen += 1;
    }
    assert!(seen > 0);
}
