//! What every format owes: the same exit status whatever the format, the same bytes on every
//! run, input errors visible, several files aggregated, and `--output` to a file.

mod common;

use common::{AS_OF, run};
use crma_check::report::Format;

/// The `--format` names.
fn formats() -> impl Iterator<Item = &'static str> {
    Format::ALL.into_iter().map(|f| f.name())
}

fn with(format: &str, files: &[&str]) -> common::Run {
    common::run_format(format, files, None)
}

#[test]
fn the_exit_status_does_not_depend_on_the_format() {
    for (files, status) in [
        (&["examples/compliant-2030.json"][..], 0),
        (&["examples/battery-2025.json"][..], 0),
        (&["examples/magnets-2030.json"][..], 1),
        (&["examples/broken-meaning.json"][..], 2),
        (&["examples/compliant-2030.json", "examples/magnets-2030.json"][..], 1),
    ] {
        for format in formats() {
            let run = with(format, files);
            assert_eq!(run.status, status, "{format} on {files:?}: {}", run.stderr);
            assert!(run.stderr.is_empty(), "{format}: {}", run.stderr);
        }
    }
}

#[test]
fn every_format_gives_the_same_bytes_twice() {
    let files = ["examples/battery-2025.json", "examples/magnets-2030.json", "examples/broken-meaning.json"];
    for format in formats() {
        assert_eq!(with(format, &files).stdout, with(format, &files).stdout, "{format}");
    }
}

#[test]
fn every_format_shows_input_errors() {
    for format in formats() {
        let run = with(format, &["examples/broken-meaning.json"]);
        assert!(run.stdout.contains("lithum"), "{format} hides the unknown material:\n{}", run.stdout);
    }
}

#[test]
fn every_format_reports_every_file() {
    let files = ["examples/compliant-2030.json", "examples/magnets-2030.json"];
    for format in formats() {
        let run = with(format, &files);
        // The compliant file has no findings, so formats that list only findings cannot name it.
        assert!(run.stdout.contains("magnets-2030.json"), "{format}");
    }
    for format in ["human", "json", "sarif", "junit", "markdown", "html"] {
        assert!(with(format, &files).stdout.contains("compliant-2030.json"), "{format}");
    }
}

#[test]
fn output_writes_the_report_to_a_file_and_keeps_the_human_report() {
    let path = common::temp_file("report.json", b"");
    let written_run =
        run(&["--format", "json", "--output", path.to_str().unwrap(), "--as-of", AS_OF, "examples/magnets-2030.json"]);
    assert_eq!(written_run.status, 1);
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["outcome"], "fail");
    assert!(written_run.stdout.contains("error[CRM004]"), "the human report stays on standard output");

    let unwritable = run(&["--format", "json", "--output", "/no/such/dir/report.json", "examples/compliant-2030.json"]);
    assert_eq!(unwritable.status, 2);
    assert!(unwritable.stderr.contains("cannot write the report to /no/such/dir/report.json"), "{}", unwritable.stderr);
}

#[test]
fn no_format_reports_a_file_that_could_not_be_checked_as_a_pass() {
    let files = ["examples/compliant-2030.json", "examples/broken-format.json"];
    let says_unchecked = |format: Format, out: &str| match format {
        Format::Human => out.contains("check could not be completed"),
        Format::Short => out.contains(": error["),
        Format::Json => out.contains("\"outcome\": \"unchecked\""),
        Format::Sarif => out.contains("\"executionSuccessful\": false"),
        Format::Junit => out.contains("<error"),
        Format::Github => out.contains("::error "),
        Format::Gitlab => out.contains("\"severity\": \"blocker\""),
        Format::Markdown => out.contains("could not be completed"),
        Format::Html => out.contains("could not be completed") && out.contains("could not be checked"),
    };
    for format in Format::ALL {
        let run = with(format.name(), &files);
        assert_eq!(run.status, 2, "{format:?}");
        assert!(
            says_unchecked(format, &run.stdout),
            "{format:?} does not say the check could not be made:\n{}",
            run.stdout
        );
    }
}

#[test]
fn every_format_name_is_a_format_of_the_command_line() {
    let help = run(&["--help"]).stdout;
    for format in formats() {
        assert!(help.contains(&format!("{format}:")), "--format {format} is in --help");
    }
}
