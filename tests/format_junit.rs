//! `--format junit`, read back as a CI server reads it: the XML is parsed (quick-xml, not the
//! writer's own model) and compared with what the library finds in the same files, and two
//! snapshots were read as a GitLab and Jenkins user reads a test report.

mod common;

use std::collections::{HashMap, HashSet};

use crma_check::diagnostic::Severity;
use crma_check::model::FailOn;
use quick_xml::XmlVersion;
use quick_xml::events::Event;

use common::{format_output, library};

const BATTERY: &str = "examples/battery-2025.json";
const MAGNETS: &str = "examples/magnets-2030.json";
const BROKEN_MEANING: &str = "examples/broken-meaning.json";
const BROKEN_FORMAT: &str = "examples/broken-format.json";
const WAIVERS: &str = "tests/fixtures/gitlab/waivers-2030.json";
const MISSING: &str = "no/such/file.json";

/// An element of the parsed document.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn count(&self, name: &str) -> usize {
        self.attr(name).unwrap_or_else(|| panic!("<{}> has `{name}`", self.name)).parse().expect("a count")
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// Parses a whole document into its root element.
fn parse(xml: &str) -> Element {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack = vec![Element::default()];
    let open = |e: &quick_xml::events::BytesStart| Element {
        name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
        attributes: e
            .attributes()
            .map(|a| {
                let a = a.expect("a well-formed attribute");
                let key = String::from_utf8(a.key.as_ref().to_vec()).unwrap();
                (key, a.normalized_value(XmlVersion::Explicit1_0).expect("a valid value").into_owned())
            })
            .collect(),
        ..Element::default()
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(open(&e)),
            Event::Empty(e) => stack.last_mut().unwrap().children.push(open(&e)),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml_content(XmlVersion::Explicit1_0).unwrap()),
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref().expect("a valid reference") {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().unwrap();
                        quick_xml::escape::resolve_predefined_entity(&name).expect("a predefined entity").to_owned()
                    }
                };
                stack.last_mut().unwrap().text.push_str(&text);
            }
            Event::Eof => break,
            Event::Decl(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    let mut document = stack.pop().unwrap();
    assert!(stack.is_empty(), "every element is closed");
    assert_eq!(document.children.len(), 1, "one root");
    document.children.pop().unwrap()
}

/// Runs `--format junit` on `args`; stderr must be empty.
fn junit(args: &[&str]) -> (i32, String) {
    format_output("junit", args)
}

/// Checks the document of a run on `paths` against the library's report, element by
/// element; returns the root.
fn check_against_library(xml: &str, status: i32, paths: &[&str], fail_on: FailOn) -> Element {
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    assert!(xml.ends_with("</testsuites>\n"), "ends with a newline");
    let report = library(paths, fail_on);
    let root = parse(xml);
    assert_eq!(root.name, "testsuites");
    assert_eq!(root.attr("name"), Some("crma-check"));

    let suites: Vec<&Element> = root.all("testsuite").collect();
    assert_eq!(suites.len(), paths.len(), "one suite per file");
    assert_eq!(root.children.len(), suites.len(), "nothing else under <testsuites>");
    let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    for ((suite, file), path) in suites.iter().zip(&report.files).zip(paths) {
        assert_eq!(suite.attr("name"), Some(*path), "suites are named by their file, in order");
        let cases: Vec<&Element> = suite.all("testcase").collect();
        assert_eq!(suite.children.len(), cases.len(), "a suite holds test cases only");

        // A case per place of an input diagnostic, per check, and per finding no check gave.
        let own = file.findings.iter().filter(|f| !file.checks.iter().any(|c| c.key() == f.check.key())).count();
        let places: usize = file.diagnostics.iter().map(|d| d.place_count()).sum();
        assert_eq!(cases.len(), places + file.checks.len() + own, "{path}: test cases");

        // The counts match the elements.
        let with = |element: &str| cases.iter().filter(|c| c.child(element).is_some()).count();
        assert_eq!(suite.count("tests"), cases.len());
        assert_eq!(suite.count("failures"), with("failure"), "{path}: failures");
        assert_eq!(suite.count("errors"), with("error"), "{path}: errors");
        assert_eq!(suite.count("skipped"), with("skipped"), "{path}: skipped");
        tests += cases.len();
        failures += with("failure");
        errors += with("error");
        skipped += with("skipped");

        // A failure exactly for each unwaived finding (or input warning) at the fail level,
        // an error for each input error, a skip for each waived finding.
        let mut expected_failures: Vec<(String, String)> = file
            .findings
            .iter()
            .filter(|f| f.waived.is_none() && report.fails(f.severity))
            .map(|f| (f.code().to_owned(), f.message.clone()))
            .chain(
                file.diagnostics
                    .iter()
                    .filter(|d| d.severity != Severity::Error && report.fails(d.severity))
                    .map(|d| (d.code.id().to_owned(), d.message.clone())),
            )
            .collect();
        let mut expected_errors: Vec<(String, String)> = file
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (d.code.id().to_owned(), d.message.clone()))
            .collect();
        let mut expected_skips: Vec<String> = file
            .findings
            .iter()
            .filter_map(|f| f.waived.as_ref().map(|w| format!("waived until {}: {}", w.expires, w.reason)))
            .collect();
        let outcome = |element: &str| -> Vec<(String, String)> {
            let mut found: Vec<(String, String)> = cases
                .iter()
                .filter_map(|c| c.child(element))
                .map(|e| (e.attr("type").unwrap().to_owned(), e.attr("message").unwrap().to_owned()))
                .collect();
            found.sort();
            found
        };
        expected_failures.sort();
        expected_errors.sort();
        expected_skips.sort();
        assert_eq!(outcome("failure"), expected_failures, "{path}: failures");
        assert_eq!(outcome("error"), expected_errors, "{path}: errors");
        let mut skips: Vec<String> =
            cases.iter().filter_map(|c| c.child("skipped")).map(|s| s.attr("message").unwrap().to_owned()).collect();
        skips.sort();
        assert_eq!(skips, expected_skips, "{path}: skips");

        let file_attr = path.trim_start_matches("./");
        let mut names = HashSet::new();
        for case in &cases {
            let name = case.attr("name").unwrap();
            let classname = case.attr("classname").unwrap();
            assert!(names.insert((classname, name)), "{path}: `{classname}` `{name}` is unique");
            assert!(classname.starts_with(&format!("{file_attr}.")), "{classname}: the file, then the rule");
            assert!(!classname[file_attr.len() + 1..].contains('.'), "{classname}: the rule holds no dot");
            assert_eq!(case.attr("file"), Some(file_attr));
            assert_eq!(case.attr("time"), Some("0.000"));
            let results = ["failure", "error", "skipped"].iter().filter(|e| case.child(e).is_some()).count();
            assert!(results <= 1, "{name}: one result at most");
            for result in ["failure", "error", "skipped"] {
                if let Some(element) = case.child(result) {
                    let message = element.attr("message").unwrap();
                    assert!(element.text.starts_with(message), "{name}: the text starts with the message");
                    assert!(case.child("system-out").is_none(), "{name}: the finding is in <{result}>");
                }
            }
            // A passing case with a system-out says what it found below the fail level.
            if results == 0
                && let Some(out) = case.child("system-out")
            {
                assert!(["note[", "warning[", "error["].iter().any(|p| out.text.starts_with(p)), "{}", out.text);
            }
        }
        // Each failed check's case is located at its finding (the n-th finding with a message
        // in the n-th case failing with it).
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for finding in file.findings.iter().filter(|f| f.waived.is_none() && report.fails(f.severity)) {
            let n = seen.entry(finding.message.as_str()).or_insert(0);
            *n += 1;
            let case = cases
                .iter()
                .filter(|c| c.child("failure").is_some_and(|e| e.attr("message") == Some(finding.message.as_str())))
                .nth(*n - 1)
                .unwrap();
            let entry = file.entries().find(|e| e.finding.is_some_and(|f| std::ptr::eq(f, finding))).unwrap();
            assert_eq!(case.attr("line"), Some(entry.location.line.to_string().as_str()));
            assert!(
                case.child("failure")
                    .unwrap()
                    .text
                    .contains(&format!("{file_attr}:{}:{}", entry.location.line, entry.location.column))
            );
        }
    }
    assert_eq!(root.count("tests"), tests);
    assert_eq!(root.count("failures"), failures);
    assert_eq!(root.count("errors"), errors);
    assert_eq!(root.count("skipped"), skipped);

    // Deterministic: nothing of the machine or the moment.
    for element in std::iter::once(&root).chain(suites.iter().copied()) {
        for (key, _) in &element.attributes {
            assert!(["name", "tests", "failures", "errors", "skipped", "time"].contains(&key.as_str()), "{key}");
        }
    }
    // Failures and errors are what makes the exit status non-zero.
    let expected_status = if errors > 0 {
        2
    } else if failures > 0 {
        1
    } else {
        0
    };
    assert_eq!(status, expected_status, "the exit status agrees with the report");
    assert_eq!(status, i32::from(report.outcome().exit_code()));
    root
}

#[test]
fn battery_2025_passes_with_warnings_in_system_out_and_a_waiver_skipped() {
    let (status, xml) = junit(&[BATTERY]);
    let root = check_against_library(&xml, status, &[BATTERY], FailOn::Error);
    assert_eq!((root.count("failures"), root.count("errors"), root.count("skipped")), (0, 0, 1));
    let suite = root.child("testsuite").unwrap();
    let warned =
        suite.all("testcase").filter(|c| c.child("system-out").is_some_and(|o| o.text.starts_with("warning[")));
    assert_eq!(warned.count(), 20, "each warning, in its check's system-out");
    let waived = suite.all("testcase").find(|c| c.child("skipped").is_some()).unwrap();
    assert_eq!(waived.attr("name"), Some("CRM004: cobalt at processing, China (CN)"));
    assert_eq!(waived.attr("classname"), Some("examples/battery-2025.json.CRM004 third-country-cap"));
    let skipped = waived.child("skipped").unwrap();
    assert_eq!(
        skipped.attr("message"),
        Some("waived until 2027-06-30: Offtake from an EU refinery under construction starts in 2027")
    );
    assert!(skipped.text.contains("China supplies 68.4% of cobalt processing; the cap is 65%"));
}

#[test]
fn fail_on_warning_turns_warnings_into_failures() {
    let (status, xml) = junit(&["--fail-on", "warning", BATTERY]);
    let root = check_against_library(&xml, status, &[BATTERY], FailOn::Warning);
    assert_eq!((status, root.count("failures"), root.count("skipped")), (1, 20, 1));
    let failure = root
        .child("testsuite")
        .unwrap()
        .all("testcase")
        .find(|c| c.attr("name") == Some("CRM001: lithium (battery grade) at extraction"))
        .and_then(|c| c.child("failure"))
        .expect("the warning fails");
    assert_eq!(failure.attr("type"), Some("CRM001"));
    assert_eq!(
        failure.text,
        "9.8% of lithium (battery grade) is extracted in the EU; the benchmark is at least 10%\n\
         note: the benchmark applies from 2030; this is a 2025 portfolio, so this is a warning for now\n\
         note: the extraction country of 23.12 t (14.4%) is not known: if all of it were from the EU, the \
         benchmark would be met\n\
         smallest fix: move at least 0.289 t of lithium (battery grade) extraction from outside the EU to the EU\n\
         help: Source more ores and concentrates from mines in EU member states, or record the extraction \
         country of lines where it is missing.\n\
         examples/battery-2025.json:16:33: LI-2025-001: 78.9 t (420 t of lithium-carbonate), extracted in Australia\n\
         examples/battery-2025.json:22:33: LI-2025-002: 29.77 t (180 t of lithium-hydroxide-monohydrate), extracted \
         in Chile\n\
         examples/battery-2025.json:7:28: annual consumption 160 t: the denominator"
    );
}

#[test]
fn fail_on_never_fails_nothing_but_input_errors() {
    let (status, xml) = junit(&["--fail-on", "never", MAGNETS, BROKEN_MEANING]);
    let root = check_against_library(&xml, status, &[MAGNETS, BROKEN_MEANING], FailOn::Never);
    assert_eq!((status, root.count("failures"), root.count("errors")), (2, 0, 8));
}

#[test]
fn magnets_2030_fails_its_checks() {
    let (status, xml) = junit(&[MAGNETS]);
    let root = check_against_library(&xml, status, &[MAGNETS], FailOn::Error);
    assert_eq!((status, root.count("tests"), root.count("failures")), (1, 24, 9));
    insta::assert_snapshot!(xml);
}

#[test]
fn broken_meaning_has_an_error_per_input_error() {
    let (status, xml) = junit(&[BROKEN_MEANING]);
    let root = check_against_library(&xml, status, &[BROKEN_MEANING], FailOn::Error);
    assert_eq!((status, root.count("tests"), root.count("errors")), (2, 8, 8));
    insta::assert_snapshot!(xml);
}

#[test]
fn waivers_have_cases_of_their_own() {
    let (status, xml) = junit(&[WAIVERS]);
    let root = check_against_library(&xml, status, &[WAIVERS], FailOn::Error);
    let suite = root.child("testsuite").unwrap();
    let case = |classname: &str| -> Vec<&Element> {
        suite.all("testcase").filter(|c| c.attr("classname") == Some(classname)).collect()
    };
    let expired = case("tests/fixtures/gitlab/waivers-2030.json.waiver-expired");
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].child("failure").unwrap().attr("type"), Some("waiver-expired"));
    // Two waivers of the same unknown rule: two cases, told apart.
    let unused = case("tests/fixtures/gitlab/waivers-2030.json.waiver-unused");
    let names: Vec<&str> = unused.iter().map(|c| c.attr("name").unwrap()).collect();
    assert_eq!(
        names,
        [
            "waiver-unused: the waiver names rule `CRM099`, which is not an active rule",
            "waiver-unused: the waiver names rule `CRM099`, which is not an active rule (2)"
        ]
    );
    assert!(unused.iter().all(|c| c.child("system-out").is_some_and(|o| o.text.starts_with("warning[waiver-unused]"))));
    // The finding of the expired waiver counts again; the other is waived.
    let cap = case("tests/fixtures/gitlab/waivers-2030.json.CRM004 third-country-cap");
    let named = |name: &str| cap.iter().find(|c| c.attr("name") == Some(name)).unwrap();
    assert!(named("CRM004: cobalt at processing, China (CN)").child("failure").is_some());
    assert!(named("CRM004: cobalt at extraction, DR Congo (CD)").child("skipped").is_some());
    let (status, xml) = junit(&["--fail-on", "warning", WAIVERS]);
    check_against_library(&xml, status, &[WAIVERS], FailOn::Warning);
}

#[test]
fn several_files_make_several_suites() {
    let paths = [BATTERY, MAGNETS, BROKEN_MEANING, BROKEN_FORMAT, WAIVERS, MISSING];
    let (status, xml) = junit(&paths);
    let root = check_against_library(&xml, status, &paths, FailOn::Error);
    let missing = root.all("testsuite").last().unwrap().child("testcase").unwrap();
    assert_eq!(missing.attr("name"), Some("io: `no/such/file.json` does not exist"));
    assert_eq!(missing.attr("line"), None, "a file without text has no line");
    assert!(missing.child("error").unwrap().text.ends_with("\nno/such/file.json"));

    // A path given with `./` is named as given, and located without it.
    let (status, xml) = junit(&["./examples/magnets-2030.json"]);
    check_against_library(&xml, status, &["./examples/magnets-2030.json"], FailOn::Error);
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let paths = [BATTERY, MAGNETS, BROKEN_MEANING, WAIVERS, MISSING];
    let (_, first) = junit(&paths);
    let (_, second) = junit(&paths);
    assert_eq!(first, second);
    for word in ["timestamp", "hostname", "id="] {
        assert!(!first.contains(word), "no {word}");
    }
}
