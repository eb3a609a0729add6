//! Fuzzes loading and checking a portfolio, and rendering the report in every format: no
//! input may panic, hang or exhaust memory. Seed it with `fuzz/seed.sh` (the examples and the
//! bad-input corpus).

#![no_main]

use crma_check::{CheckOptions, Checker};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = CheckOptions { today: "2026-11-23".parse().expect("a date"), ..CheckOptions::default() };
    let checker = Checker::builtin(options);
    let file = checker.check_bytes("fuzz.json", data.to_vec());
    let checked = file.checked();
    let report = crma_check::model::Report {
        files: vec![file],
        fail_on: Default::default(),
        rules: checker.active_rules().map(|r| r.doc().clone()).collect(),
        as_of: checker.options().today,
    };
    // Fail closed: a file that could not be checked never passes.
    assert!(checked || report.outcome() == crma_check::model::Outcome::Unchecked);
    for format in crma_check::report::Format::ALL {
        let style = crma_check::report::Style::default();
        format.write(&report, &style, &mut std::io::sink()).expect("writing to a sink cannot fail");
    }
});
