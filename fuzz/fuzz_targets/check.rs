//! Fuzzes loading and checking a portfolio, and rendering the report in every format: no
//! input may panic, hang or exhaust memory. Seed it with `fuzz/seed.sh` (the examples and the
//! bad-input corpus).

#![no_main]

use crma_check::{CheckOptions, Checker};
use libfuzzer_sys::fuzz_target;

#[path = "report.rs"]
mod report;

fuzz_target!(|data: &[u8]| {
    let options = CheckOptions { today: "2026-11-23".parse().expect("a date"), ..CheckOptions::default() };
    let checker = Checker::builtin(options);
    let file = checker.check_bytes("fuzz.json", data.to_vec());
    report::render(&checker, file);
});
