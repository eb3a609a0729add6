//! Fuzzes reading a CSV file of supply lines, checked on its own as `crma-check FILE.csv
//! --year 2026` checks it, and rendering the report in every format: no input may panic, hang
//! or exhaust memory, and every diagnostic's place must be in the text. The first byte
//! chooses what is declared (delimiter, decimal and thousands separators, encoding, unit), so
//! that every path of the reader is reached. Seed it with `fuzz/seed.sh`.

#![no_main]

use crma_check::report::Location;
use crma_check::{Encoding, TableOptions};
use libfuzzer_sys::fuzz_target;

#[path = "report.rs"]
mod report;

/// The declarations the first byte chooses.
fn declared(choice: u8) -> TableOptions {
    TableOptions {
        delimiter: [None, Some(b','), Some(b';'), Some(b'\t')][usize::from(choice & 3)],
        decimal: (choice & 4 != 0).then_some(','),
        thousands: [None, Some('.'), Some(' '), Some('\'')][usize::from(choice >> 3 & 3)],
        encoding: (choice & 32 != 0).then_some(Encoding::Windows1252),
        unit: (choice & 64 != 0).then(|| "t".to_owned()),
        columns: if choice & 128 != 0 { vec![("amount".to_owned(), "Menge".to_owned())] } else { Vec::new() },
        sheet: None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, text)) = data.split_first() else { return };
    let mut tables = declared(choice);
    if tables.decimal == tables.thousands {
        tables.thousands = None;
    }
    let checker = report::table_checker(tables);
    let file = checker.check_bytes("fuzz.csv", text.to_vec());
    // Every place is in the text, on character boundaries.
    if let Some(source) = &file.source {
        for label in file.diagnostics.iter().flat_map(|d| &d.labels) {
            let text = source.file_at(label.span.start as usize).text();
            let local = label.span.start as usize - source.file_at(label.span.start as usize).base();
            assert!(local + label.span.len as usize <= text.len(), "a label past the end of the text");
            let _ = Location::new(&file.path, Some(source), Some(label.span));
        }
    }
    report::render(&checker, file);
});
