//! Fuzzes reading an Excel workbook of supply lines, checked on its own as `crma-check
//! FILE.xlsx --year 2026` checks it: no input may panic, hang or exhaust memory (calamine
//! reads the zip; the sheet is streamed and drawn as text, under a cap). Seed it with
//! `fuzz/seed.sh`, which copies the example workbook.

#![no_main]

use crma_check::TableOptions;
use libfuzzer_sys::fuzz_target;

#[path = "report.rs"]
mod report;

fuzz_target!(|data: &[u8]| {
    let tables = TableOptions { sheet: Some("2026".to_owned()), unit: Some("t".to_owned()), ..TableOptions::default() };
    let checker = report::table_checker(tables);
    let file = checker.check_bytes("fuzz.xlsx", data.to_vec());
    report::render(&checker, file);
});
