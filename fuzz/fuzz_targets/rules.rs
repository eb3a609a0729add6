//! Fuzzes reading a rule file: no input may panic, hang or exhaust memory.

#![no_main]

use crma_check::{CheckOptions, Checker};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut checker = Checker::builtin(CheckOptions::default());
        let _ = checker.add_rules(&crma_check::source::Source::new("rules.json", text));
    }
});
