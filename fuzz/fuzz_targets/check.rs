//! Fuzzes loading and checking a portfolio, and rendering the report in every format: no
//! input may panic, hang or exhaust memory. Seed it with `fuzz/seed.sh` (the examples and the
//! bad-input corpus).

#![no_main]

use crma_check::{CheckOptions, Checker};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = CheckOptions { today: "2026-11-23".parse().expect("a date"), ..CheckOptions::default() };
    let checker = Checker::builtin(options);
    let file = match crma_check::input::decode("fuzz.json".to_owned(), data.to_vec()) {
        Ok(source) => checker.check_source(source),
        Err(unreadable) => {
            crma_check::report::FileReport::unchecked("fuzz.json", unreadable.source, vec![unreadable.diagnostic])
        }
    };
    let checked = file.checked();
    let report = crma_check::report::Report { files: vec![file], fail_on: Default::default(), rules: Vec::new() };
    // Fail closed: a file that could not be checked never passes.
    assert!(checked || report.outcome() == crma_check::report::Outcome::Unchecked);
    let human = crma_check::report::human::Human::default();
    for (name, _) in crma_check::report::FORMATS {
        let format = crma_check::report::format_named(name, &human).expect("a format");
        format.write(&report, &mut std::io::sink()).expect("writing to a sink cannot fail");
    }
});
