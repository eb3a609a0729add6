//! The bad-input corpus (`tests/fixtures/portfolios/`), case by case: each file is refused
//! with exit status 2 and one located, plain-language diagnostic, or accepted where valid.

mod common;

use std::path::Path;

use crma_check::diagnostic::Severity;
use crma_check::{CheckOptions, Checker};

/// (file, code of the first error, its line, words of its message). Line 0: no location
/// inside the file (it has no usable text).
const CASES: &[(&str, &str, usize, &str)] = &[
    ("syntax-missing-comma.json", "syntax", 3, "expected `,` or `}` after a field"),
    ("syntax-trailing-comma.json", "syntax", 3, "JSON does not allow trailing commas"),
    ("syntax-unclosed.json", "syntax", 5, "the file ends inside a list"),
    ("syntax-single-quotes.json", "syntax", 2, "not single quotes"),
    ("syntax-comment.json", "syntax", 2, "comments are not allowed in JSON"),
    ("syntax-trailing-text.json", "syntax", 5, "unexpected text after the end"),
    ("syntax-nan.json", "syntax", 3, "NaN and Infinity are not JSON numbers"),
    ("syntax-control-character.json", "syntax", 3, "a raw control character"),
    ("number-out-of-range-year.json", "syntax", 2, "number out of range"),
    ("number-out-of-range-amount.json", "amount-range", 3, "an amount too large"),
    ("empty.json", "syntax", 0, "the file is empty"),
    ("whitespace-only.json", "syntax", 0, "the file is empty"),
    ("invalid-utf8.json", "encoding", 3, "not valid UTF-8"),
    ("duplicate-key-supply.json", "duplicate-key", 4, "`amount` is written twice"),
    ("duplicate-key-top.json", "duplicate-key", 3, "`year` is written twice"),
    ("duplicate-key-consumption.json", "duplicate-key", 5, "`cobalt` is written twice"),
    ("type-year-string.json", "schema", 2, "`year` must be a whole number, not \"2025\""),
    ("type-year-fraction.json", "schema", 2, "`year` must be a whole number, not 2025.5"),
    ("type-amount-string.json", "schema", 6, "`amount` must be a number"),
    ("type-supplies-object.json", "schema", 3, "`supplies` must be a list, not an object"),
    ("type-root-array.json", "schema", 1, "the document must be an object, not a list"),
    ("type-null-id.json", "schema", 12, "`id` must be a string, not null"),
    ("year-out-of-range.json", "schema", 2, "`year` must be at least 2000"),
    ("unknown-field-top.json", "schema", 3, "unknown field `suplies`"),
    ("unknown-field-supply.json", "schema", 6, "unknown field `amout` in supply line 1"),
    ("missing-unit.json", "schema", 4, "supply line 1 has no `unit`"),
    ("unit-not-allowed.json", "schema", 7, "`unit` must be one of t, kg, kt, Mt, lb; found \"mt\""),
    ("repeated-mistakes.json", "schema", 3, "`year` must be a whole number, not \"2025\""),
    ("amount-negative.json", "schema", 6, "`amount` must be greater than 0; found -10"),
    ("amount-zero.json", "schema", 6, "`amount` must be greater than 0; found 0"),
    ("content-above-one.json", "schema", 12, "`content` must be at most 1"),
    ("country-not-a-code.json", "schema", 9, "must be a two-letter ISO 3166-1 country code"),
    ("grade-misspelt.json", "schema", 12, "`grade` must be one of"),
    ("version-2.json", "unsupported-version", 3, "this file is format version 2"),
    ("waiver-without-expiry.json", "schema", 4, "waiver 1 has no `expires`"),
    ("waiver-date-format.json", "schema", 7, "must be a date written YYYY-MM-DD"),
    ("waiver-stage-misspelt.json", "schema", 8, "`stage` must be one of extraction, processing, recycling"),
    ("unknown-material.json", "unknown-material", 5, "unknown material `cobolt`"),
    ("unknown-country.json", "unknown-country", 9, "`QQ` is not an ISO 3166-1 country code"),
    ("reserved-country.json", "unknown-country", 10, "`EU` is not an ISO 3166-1 country code"),
    ("unknown-form.json", "unknown-form", 12, "unknown traded form `cobalt-sulphate`"),
    ("form-mismatch.json", "form-mismatch", 12, "is a form of nickel, not of cobalt"),
    ("form-and-content.json", "form-and-content", 13, "both `form` and `content`"),
    ("content-required.json", "content-required", 5, "`bauxite` needs `content`"),
    ("duplicate-id.json", "duplicate-id", 22, "supply id `PO-1` is used twice"),
    ("duplicate-consumption.json", "duplicate-consumption", 8, "two consumption entries for cobalt"),
    ("invalid-date.json", "invalid-date", 7, "`2027-02-30` is not a date in the calendar"),
    ("amount-too-large.json", "amount-range", 6, "an amount too large"),
    ("amount-too-precise.json", "amount-range", 6, "more than 36 significant digits"),
    ("supplies-from-delimiter.json", "schema", 4, "`supplies_from[0].delimiter` must be `,`, `;`, or `\\t`"),
    ("supplies-from-unknown-key.json", "schema", 5, "unknown field `supplies_from[0].delimeter`"),
    ("supplies-from-unknown-field.json", "schema", 4, "unknown field `supplies_from[0].columns.amont`"),
    ("supplies-from-missing-file.json", "io", 5, "no-such-export.csv` does not exist"),
];

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/portfolios").join(name).display().to_string()
}

#[test]
fn every_bad_input_is_refused_with_a_located_plain_message() {
    let checker = Checker::builtin(CheckOptions::default());
    for (file, code, line, words) in CASES {
        let report = checker.check_path(&fixture(file));
        let first = report.diagnostics.iter().find(|d| d.severity == Severity::Error);
        let first = first.unwrap_or_else(|| panic!("{file}: no error in {:?}", report.diagnostics));
        assert_eq!(first.code.id(), *code, "{file}: {}", first.message);
        assert!(first.message.contains(words), "{file}: {:?} lacks {words:?}", first.message);
        let found_line = match (first.primary_span(), &report.source) {
            (Some(span), Some(source)) => source.line_col(span.start as usize).line,
            _ => 0,
        };
        assert_eq!(found_line, *line, "{file}: {}", first.message);
        assert!(report.findings.is_empty(), "{file}: a file with input errors is not checked");
    }
}

#[test]
fn the_corpus_covers_every_fixture() {
    let mut files: Vec<String> = std::fs::read_dir(fixture(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with("valid-"))
        .collect();
    files.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(file, ..)| (*file).to_owned()).collect();
    listed.sort();
    assert_eq!(files, listed, "every fixture has an expectation, and every expectation a fixture");
}

#[test]
fn valid_inputs_are_accepted() {
    let checker = Checker::builtin(CheckOptions::default());
    for file in ["valid-minimal.json", "valid-bom.json"] {
        let report = checker.check_path(&fixture(file));
        assert!(report.checked(), "{file}: {:?}", report.diagnostics);
    }
}

#[test]
fn nesting_100_000_deep_is_refused_without_overflowing_the_stack() {
    let depth = 100_000;
    for (name, text) in [
        ("deep-array.json", format!("{}{}", "[".repeat(depth), "]".repeat(depth))),
        (
            "deep-field.json",
            format!("{{\"year\": 2025, \"$schema\": {}{}, \"supplies\": []}}", "[".repeat(depth), "]".repeat(depth)),
        ),
        ("deep-unclosed.json", "{\"a\":".repeat(depth)),
    ] {
        let path = common::temp_file(name, text.as_bytes());
        let run = common::run(&["--quiet", path.to_str().unwrap()]);
        assert_eq!(run.status, 2, "{name}");
        assert!(run.stdout.contains("error["), "{name}: {}", run.stdout);
    }
}

#[test]
fn unreadable_files_are_refused() {
    let checker = Checker::builtin(CheckOptions::default());
    let missing = checker.check_path(&fixture("does-not-exist.json"));
    assert_eq!(missing.diagnostics[0].code.id(), "io");
    let folder = checker.check_path(&fixture(""));
    assert!(folder.diagnostics[0].message.contains("is a folder"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = common::temp_file("unreadable.json", b"{}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        // Root reads files whatever their permissions: only check where they bite.
        if std::fs::read(&path).is_err() {
            let report = checker.check_path(path.to_str().unwrap());
            assert!(report.diagnostics[0].message.contains("permission denied"), "{:?}", report.diagnostics);
        }
    }
}

/// Runs the binary on `path` under a 1 GiB address-space limit and a 20-second timeout.
fn run_bounded(path: &Path) -> (i32, String) {
    let command = format!(
        "ulimit -v 1048576; exec timeout 20 '{}' --quiet --color never '{}'",
        env!("CARGO_BIN_EXE_crma-check"),
        path.display()
    );
    let output = std::process::Command::new("sh").args(["-c", &command]).output().expect("sh runs");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn every_bad_input_exits_2_without_panic_hang_or_unbounded_memory() {
    for (file, code, ..) in CASES {
        let (status, stdout) = run_bounded(Path::new(&fixture(file)));
        // 124 would be the timeout, 134 or 101 a panic, a signal an exhausted limit.
        assert_eq!(status, 2, "{file}: {stdout}");
        assert!(stdout.contains(&format!("error[{code}]")), "{file}: {stdout}");
    }
}

#[test]
fn a_large_file_with_the_same_mistake_on_every_line_stays_small_and_readable() {
    // 200,000 lines, each with an unknown material and form and content together.
    let mut text = String::from("{\"year\": 2025, \"supplies\": [\n");
    for n in 0..200_000 {
        let comma = if n == 0 { "" } else { ",\n" };
        text.push_str(&format!(
            "{comma}{{\"material\": \"lithum\", \"amount\": 1, \"unit\": \"t\", \"form\": \"lithium-carbonate\", \"content\": 0.5}}"
        ));
    }
    text.push_str("]}\n");
    let path = common::temp_file("same-mistake.json", text.as_bytes());
    let (status, stdout) = run_bounded(&path);
    assert_eq!(status, 2);
    assert_eq!(stdout.matches("error[unknown-material]").count(), 1, "one diagnostic for every line with `lithum`");
    assert!(stdout.contains("and 199,997 more places"), "{}", &stdout[..stdout.len().min(3000)]);
    assert!(stdout.lines().count() < 400, "the report stays readable: {} lines", stdout.lines().count());
}

#[test]
fn a_large_file_with_the_same_schema_error_on_every_line_stays_small_and_readable() {
    // 200,000 lines, each with a unit the schema does not allow.
    let mut text = String::from("{\"year\": 2025, \"supplies\": [\n");
    for n in 0..200_000 {
        let comma = if n == 0 { "" } else { ",\n" };
        text.push_str(&format!("{comma}{{\"material\": \"cobalt\", \"amount\": {}, \"unit\": \"kilo\"}}", n + 1));
    }
    text.push_str("]}\n");
    let path = common::temp_file("same-schema-error.json", text.as_bytes());
    let (status, stdout) = run_bounded(&path);
    assert_eq!(status, 2);
    assert_eq!(stdout.matches("error[schema]").count(), 1, "one diagnostic for every line with `kilo`");
    assert!(
        stdout.contains("supply line 1 (and 199,999 more): `unit` must be one of"),
        "{}",
        &stdout[..stdout.len().min(3000)]
    );
    assert!(stdout.contains("and 199,997 more places"), "{}", &stdout[..stdout.len().min(3000)]);
    assert!(stdout.lines().count() < 40, "the report stays readable: {} lines", stdout.lines().count());
}
