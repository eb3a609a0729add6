//! Fuzzes reading a rule file: no input may panic, hang or exhaust memory.

#![no_main]

use crma_check::reference::Reference;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(source) = crma_check::input::decode("rules.json".to_owned(), data.to_vec()) {
        let _ = crma_check::engine::load_rules(&source, Reference::builtin(), false);
    }
});
