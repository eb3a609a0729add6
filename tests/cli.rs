//! The command line as a pipeline sees it: exit statuses, options, subcommands, standard
//! input, several files, colour.

mod common;

use common::{AS_OF, run, run_with_env, run_with_stdin, temp_file};

const COMPLIANT: &str = "examples/compliant-2030.json";
const FAILING: &str = "examples/magnets-2030.json";
const WARNING_ONLY: &str = "examples/battery-2025.json";
const BROKEN: &str = "examples/broken-format.json";

fn check(args: &[&str]) -> common::Run {
    let mut all = vec!["--as-of", AS_OF];
    all.extend_from_slice(args);
    run(&all)
}

#[test]
fn exit_0_when_nothing_fails() {
    let run = check(&[COMPLIANT]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(run.stdout.contains("check passed (errors fail; exit status 0)"));
}

#[test]
fn exit_1_on_errors() {
    let run = check(&[FAILING]);
    assert_eq!(run.status, 1);
    assert!(run.stdout.contains("check failed (errors fail; exit status 1)"));
}

#[test]
fn exit_2_when_the_check_cannot_be_made() {
    let broken = check(&[BROKEN]);
    assert_eq!(broken.status, 2);
    assert!(broken.stdout.contains("not checked: 7 input errors"));
    assert!(broken.stdout.contains("check could not be completed"));

    let missing = check(&["no/such/file.json"]);
    assert_eq!(missing.status, 2);
    assert!(missing.stdout.contains("`no/such/file.json` does not exist"), "{}", missing.stdout);

    let folder = check(&["examples"]);
    assert_eq!(folder.status, 2);
    assert!(folder.stdout.contains("`examples` is a folder, not a file"), "{}", folder.stdout);
}

#[test]
fn exit_2_on_bad_arguments() {
    let unknown_flag = run(&["--frobnicate", COMPLIANT]);
    assert_eq!(unknown_flag.status, 2);
    assert!(unknown_flag.stderr.contains("--frobnicate"));

    let no_file = run(&[]);
    assert_eq!(no_file.status, 2);

    let bad_year = run(&["--year", "1999", COMPLIANT]);
    assert_eq!(bad_year.status, 2);

    let bad_select = check(&["--select", "CRM04", COMPLIANT]);
    assert_eq!(bad_select.status, 2);
    assert_eq!(bad_select.stderr.trim(), "error: no rule matches `CRM04` (did you mean `CRM004`?)");
}

#[test]
fn fail_on_sets_the_level_that_fails() {
    assert_eq!(check(&[WARNING_ONLY]).status, 0);
    assert_eq!(check(&["--fail-on", "warning", WARNING_ONLY]).status, 1);
    assert_eq!(check(&["--fail-on", "never", FAILING]).status, 0);
    // An input error is never a pass, whatever the fail level.
    assert_eq!(check(&["--fail-on", "never", BROKEN]).status, 2);
}

#[test]
fn year_overrides_the_portfolio_year() {
    let run = check(&["--year", "2030", "--quiet", WARNING_ONLY]);
    assert_eq!(run.status, 1, "from 2030 the benchmarks are errors");
    assert!(run.stdout.contains("error[CRM004]"));
}

#[test]
fn select_and_ignore_choose_rules() {
    let only_cap = check(&["--select", "CRM004", "--quiet", FAILING]);
    let codes: Vec<&str> =
        only_cap.stdout.lines().filter(|l| l.starts_with("error[") || l.starts_with("warning[")).collect();
    assert!(!codes.is_empty() && codes.iter().all(|c| c.contains("[CRM004]")), "{codes:?}");

    let prefix = check(&["--select", "crm00", "--ignore", "CRM001,CRM002", "--ignore", "CRM003", "--quiet", FAILING]);
    assert!(!prefix.stdout.contains("[CRM001]") && !prefix.stdout.contains("[CRM003]"));
    assert!(prefix.stdout.contains("[CRM004]") && prefix.stdout.contains("[CRM005]"));

    let nothing = check(&["--ignore", "CRM", FAILING]);
    assert_eq!(nothing.status, 0, "no rule runs, nothing fails");
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let text = std::fs::read(COMPLIANT).unwrap();
    let run = run_with_stdin(&["--as-of", AS_OF, "-"], Some(&text));
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(run.stdout.contains("<stdin>: 0 errors, 0 warnings"));

    let broken = run_with_stdin(&["-"], Some(b"{\"year\": 2025, \"supplies\": [}"));
    assert_eq!(broken.status, 2);
    assert!(broken.stdout.contains("<stdin>:1:"), "{}", broken.stdout);
}

#[test]
fn a_byte_order_mark_is_accepted_and_invalid_utf8_is_located() {
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend(std::fs::read(COMPLIANT).unwrap());
    assert_eq!(run_with_stdin(&["--as-of", AS_OF, "-"], Some(&with_bom)).status, 0);

    let invalid = run_with_stdin(&["-"], Some(b"{\"year\": 2025,\n \"name\": \"Caf\xE9\", \"supplies\": []}"));
    assert_eq!(invalid.status, 2);
    assert!(invalid.stdout.contains("the file is not valid UTF-8"), "{}", invalid.stdout);
    assert!(invalid.stdout.contains("<stdin>:2:"), "{}", invalid.stdout);
}

#[test]
fn several_files_are_reported_together() {
    let run = check(&[COMPLIANT, FAILING]);
    assert_eq!(run.status, 1, "the worst file decides");
    assert!(run.stdout.contains("examples/compliant-2030.json: 0 errors"));
    assert!(run.stdout.contains("examples/magnets-2030.json: 9 errors"));

    let with_broken = check(&[FAILING, BROKEN]);
    assert_eq!(with_broken.status, 2, "a file that could not be checked makes the run unchecked");
    assert!(with_broken.stdout.contains("examples/magnets-2030.json: 9 errors"), "the other file is still reported");
}

#[test]
fn rule_files_add_and_replace_rules() {
    let added = check(&["--rules", "examples/policies/company-policy.json", "--quiet", COMPLIANT]);
    assert_eq!(added.status, 1);
    assert!(added.stdout.contains("error[ACME-01]"));

    let folder = check(&["--rules", "examples/policies", "--quiet", COMPLIANT]);
    assert!(folder.stdout.contains("error[ACME-01]"), "a folder loads every rule file in it");

    let listed = run(&["--rules", "examples/policies/crm004-literal.json", "rules"]);
    assert_eq!(listed.status, 0);
    assert!(
        listed
            .stdout
            .contains("from examples/policies/crm004-literal.json (rule file), replacing the rule of rules/crma.json"),
        "{}",
        listed.stdout
    );
}

#[test]
fn a_broken_rule_file_is_located_in_that_file() {
    let rules = temp_file(
        "broken-rules.json",
        br#"{"rules": [{"id": "X-1", "name": "x", "summary": "s", "severity": "error", "metric": "country-share",
        "max": 50, "message": "{cuntry} has {value}", "help": "h"}]}"#,
    );
    let run = check(&["--rules", rules.to_str().unwrap(), COMPLIANT]);
    assert_eq!(run.status, 2);
    assert!(run.stdout.contains("unknown placeholder `{cuntry}` in the message"), "{}", run.stdout);
    assert!(run.stdout.contains("broken-rules.json:2:"), "{}", run.stdout);
    assert!(!run.stdout.contains("compliant-2030"), "no portfolio is checked with a broken rule file");
}

#[test]
fn country_notes_are_checked_like_messages() {
    let rule = |metric: &str, note: &str| {
        format!(
            r#"{{"rules": [{{"id": "X-1", "name": "x", "summary": "s", "severity": "error", "metric": "{metric}",
            "max": 50, "message": "{{country}} has {{value}}", "help": "h",
            "country_notes": [{{"origins": {{"in": ["OCT"]}}, "note": "{note}"}}]}}]}}"#
        )
    };
    let run_rule = |name: &str, text: String| {
        let rules = temp_file(name, text.as_bytes());
        check(&["--rules", rules.to_str().unwrap(), COMPLIANT])
    };
    // Only a per-country finding has a country to note.
    let group = run_rule("notes-group.json", rule("group-share", "{country} is an OCT"));
    assert_eq!(group.status, 2);
    assert!(group.stdout.contains(r#"`metric` must be "country-share"; found "group-share""#), "{}", group.stdout);
    assert!(group.stdout.contains("`country_notes` is given"), "{}", group.stdout);
    let placeholder = run_rule("notes-placeholder.json", rule("country-share", "{cuntry} is an OCT"));
    assert_eq!(placeholder.status, 2);
    assert!(placeholder.stdout.contains("unknown placeholder `{cuntry}` in the note"), "{}", placeholder.stdout);
    let fine = run_rule("notes-fine.json", rule("country-share", "{country} is an OCT"));
    assert_ne!(fine.status, 2, "{}", fine.stdout);
}

#[test]
fn colour_only_when_asked_for() {
    let piped = check(&[FAILING]);
    assert!(!piped.stdout.contains('\u{1b}'), "no escapes when piped");
    let forced = check(&["--color", "always", FAILING]);
    assert!(forced.stdout.contains('\u{1b}'));
    let no_color = run_with_env(&["--as-of", AS_OF, "--color", "auto", FAILING], "NO_COLOR", "1");
    assert!(!no_color.stdout.contains('\u{1b}'));
}

#[test]
fn the_overall_row_says_it_adds_up_tonnes() {
    let note = "(all strategic raw materials: their tonnes added up, so the largest tonnages weigh most)";
    let several = check(&["--color", "never", WARNING_ONLY]);
    assert!(several.stdout.contains(note), "{}", several.stdout);
    // One strategic material: no overall row, no note.
    let one = run_with_stdin(
        &["--as-of", AS_OF, "-"],
        Some(br#"{"year": 2030, "supplies": [{"material": "cobalt", "amount": 1, "unit": "t", "origin": {"extraction": "FI", "processing": "FI"}}]}"#),
    );
    assert!(one.stdout.contains("Shares by material") && !one.stdout.contains(note), "{}", one.stdout);
}

#[test]
fn quiet_prints_findings_only() {
    let run = check(&["--quiet", FAILING]);
    assert!(run.stdout.contains("error[CRM004]"));
    assert!(!run.stdout.contains("Shares by material"));
    assert!(!run.stdout.contains("check failed"));
    assert!(!run.stdout.contains("note[consumption-exceeded]"));
}

#[test]
fn explain_tells_what_a_rule_checks() {
    let explained = run(&["explain", "CRM004"]);
    assert_eq!(explained.status, 0);
    // The text is wrapped: compare with whitespace collapsed.
    let text = explained.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "CRM004 third-country-cap (error, applies from 2030)",
        "Legal basis: Regulation (EU) 2024/1252, Art. 5(1)(b)",
        "the share each single country outside the EU supplies",
        "A share exactly at 65% passes",
        "counts an OCT",
        "not a legal breach",
        "How to fix a finding",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{}", explained.stdout);
    }
    let lower = run(&["explain", "crm004"]);
    assert_eq!(lower.stdout, explained.stdout);

    let code = run(&["explain", "waiver-expired"]);
    assert_eq!(code.status, 0);
    assert!(code.stdout.starts_with("waiver-expired (error)"));

    let unknown = run(&["explain", "CRM040"]);
    assert_eq!(unknown.status, 2);
    assert!(unknown.stderr.contains("did you mean `CRM004`?"), "{}", unknown.stderr);
}

#[test]
fn legal_citations_match_the_act() {
    let collapse = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    // The mapping duty of large companies is Art. 24(2)(a), "extracted, processed or recycled".
    let crm005 = collapse(&run(&["explain", "CRM005"]).stdout);
    assert!(crm005.contains("Legal basis: Regulation (EU) 2024/1252, Art. 24(2)(a)"), "{crm005}");
    assert!(crm005.contains("extracted, processed or recycled"), "{crm005}");
    assert!(!crm005.contains("24(1)(a)"), "{crm005}");
    // Battery Regulation Art. 8(2): (a) cobalt, (b) lead, (c) lithium, (d) nickel.
    for (rule, point) in [("BATT-CO", "8(2)(a)"), ("BATT-LI", "8(2)(c)"), ("BATT-NI", "8(2)(d)")] {
        let explained = run(&["--rules", "examples/policies/battery-regulation.json", "explain", rule]);
        assert!(
            explained.stdout.contains(&format!("Legal basis: Regulation (EU) 2023/1542, Art. {point}")),
            "{rule}: {}",
            explained.stdout
        );
    }
    let cobalt = collapse(&run(&["--rules", "examples/policies/battery-regulation.json", "explain", "BATT-CO"]).stdout);
    assert!(cobalt.contains("SLI batteries"), "{cobalt}");
    assert!(cobalt.contains("Art. 8(3) raises them from 18 August 2036"), "{cobalt}");
}

#[test]
fn rules_lists_the_active_rules_with_their_origin() {
    let listed = run(&["rules"]);
    assert_eq!(listed.status, 0);
    for id in ["CRM001", "CRM002", "CRM003", "CRM004", "CRM005"] {
        assert!(listed.stdout.contains(id));
    }
    assert!(listed.stdout.contains("from rules/crma.json (built in)"));
}

#[test]
fn schema_prints_the_portfolio_schema() {
    let printed = run(&["schema"]);
    assert_eq!(printed.status, 0);
    assert_eq!(printed.stdout, std::fs::read_to_string("schemas/portfolio.schema.json").unwrap());
    let rules = run(&["schema", "rules"]);
    assert_eq!(rules.stdout, std::fs::read_to_string("schemas/rules.schema.json").unwrap());
}

#[test]
fn forms_and_materials_list_the_reference_data() {
    let forms = run(&["forms"]);
    assert!(forms.stdout.contains("lithium-carbonate"), "{}", forms.stdout);
    assert!(forms.stdout.contains("0.187864"), "the LCE convention 1/5.323");
    let materials = run(&["materials"]);
    assert!(materials.stdout.contains("strategic (Annex I h), battery grade"), "{}", materials.stdout);
    assert!(materials.stdout.contains("strategic (Annex I n), magnet grade (for permanent magnets)"));
    let collapsed = materials.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(collapsed.contains("Also counted here: Nd, Pr, Sm, Ce of rare earth elements for magnets"), "{collapsed}");
    // The notes of the data file, and what each grade means.
    assert!(materials.stdout.contains("amounts are counted as\n"), "{}", materials.stdout);
    assert!(
        materials.stdout.contains("\nmetal                            metal: the element in metallic form"),
        "{}",
        materials.stdout
    );
}

#[test]
fn forms_basis_shows_atom_counts() {
    let forms = run(&["forms"]).stdout;
    let line = |id: &str| forms.lines().find(|l| l.starts_with(&format!("{id} "))).unwrap_or_else(|| panic!("{id}"));
    assert!(line("neodymium-oxide").ends_with("0.857356  Nd2O3: 2 Nd / (2 Nd + 3 O)"), "{forms}");
    assert!(line("ammonium-paratungstate").ends_with(": 12 W / (12 W + 10 N + 50 H + 46 O)"), "{forms}");
    assert!(line("cobalt-oxide").ends_with("Co3O4: 3 Co / (3 Co + 4 O)"), "{forms}");
    assert!(line("lithium-carbonate").contains("by formula 2 Li / (2 Li + C + 3 O) = 0.187852"), "{forms}");
}

#[test]
fn forms_listing_prints_notes() {
    let forms = run(&["forms"]).stdout;
    // The notes follow their form's row, indented.
    let notes_of = |id: &str| -> String {
        let start = forms.find(&format!("\n{id} ")).unwrap_or_else(|| panic!("{id}"));
        let rest = &forms[start + 1..];
        let lines: Vec<&str> = rest.lines().skip(1).take_while(|l| l.starts_with(' ')).collect();
        lines.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
    };
    for id in ["cobalt-hydroxide", "ammonium-paratungstate", "spodumene-sc6"] {
        assert!(notes_of(id).starts_with("content varies: "), "{id}: {forms}");
    }
    assert!(notes_of("cobalt-hydroxide").contains("lots run roughly 20–40% Co"), "{forms}");
    assert!(notes_of("lithium-carbonate").contains("Market LCE convention"), "{forms}");
    assert_eq!(notes_of("neodymium-oxide"), "", "{forms}");
    assert!(notes_of("titanium-dioxide").starts_with("grade: never metal — "), "{forms}");
    assert!(notes_of("high-purity-manganese-sulfate-monohydrate").starts_with("grade: always battery grade — "));
}

#[test]
fn output_is_deterministic() {
    let first = check(&[WARNING_ONLY, FAILING]);
    let second = check(&[WARNING_ONLY, FAILING]);
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn a_rule_may_not_take_a_code_of_the_tool() {
    let rules = temp_file(
        "taken-id.json",
        br#"{"rules": [{"id": "schema", "name": "x", "summary": "s", "severity": "error", "metric": "unknown-share",
        "max": 0, "message": "m", "help": "h"}]}"#,
    );
    let run = check(&["--rules", rules.to_str().unwrap(), COMPLIANT]);
    assert_eq!(run.status, 2);
    assert!(run.stdout.contains("`schema` is a diagnostic code of crma-check itself"), "{}", run.stdout);
}

/// A minified portfolio is one long line: its snippets show the part of the line around each
/// label, with the exact column, and never the whole line.
#[test]
fn errors_on_a_minified_portfolio_are_shown_clipped() {
    let line = r#"{"material": "lithium", "amount": 1, "unit": "t", "origin": {"extraction": "CL"}}"#;
    let mut supplies = vec![r#"{"id": "A", "material": "lithium", "amount": 1, "unit": "t"}"#.to_owned()];
    supplies.extend(std::iter::repeat_n(line.to_owned(), 2000));
    supplies.push(r#"{"id": "A", "material": "lithum", "amount": 1, "unit": "t"}"#.to_owned());
    let text = format!(r#"{{"year": 2030, "supplies": [{}]}}"#, supplies.join(", "));
    let path = temp_file("minified.json", text.as_bytes());
    let run = check(&["--format", "human", path.to_str().unwrap()]);
    assert_eq!(run.status, 2, "{}", run.stdout);
    let again = text.rfind(r#""A""#).unwrap();
    let typo = text.find("\"lithum\"").unwrap();
    assert!(run.stdout.contains(&format!("minified.json:1:{}]", again + 1)), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("minified.json:1:{}]", typo + 1)), "{}", run.stdout);
    assert!(run.stdout.contains("used again here") && run.stdout.contains("did you mean `lithium`?"));
    let widest = run.stdout.lines().map(|line| line.chars().count()).max().unwrap();
    assert!(widest < 200, "a line of {widest} characters:\n{}", run.stdout);
}

/// A label at the start of a long line (a long string value) is shown with the start of that
/// line only, without the context lines it would need to print whole.
#[test]
fn a_label_at_the_start_of_a_long_line_is_shown_clipped() {
    let long = "é".repeat(70_000);
    let text = format!(
        "{{\"year\": 2030, \"supplies\": [\n  {{\"material\": \"lithium\", \"amount\": 1, \"unit\": \"t\",\n   \"origin\": [\"{long}\",\n  \"x\"]}}\n]}}\n"
    );
    let path = temp_file("long-line.json", text.as_bytes());
    let run = check(&["--format", "human", path.to_str().unwrap()]);
    assert_eq!(run.status, 2, "{}", run.stdout);
    assert!(run.stdout.contains("long-line.json:3:14]"), "{}", run.stdout);
    assert!(run.stdout.contains("`origin` must be an object, not a list"), "{}", run.stdout);
    let widest = run.stdout.lines().map(|line| line.chars().count()).max().unwrap();
    assert!(widest < 200, "a line of {widest} characters:\n{}", run.stdout);
}

/// Every closed set of words in a rule file is checked: a misspelt one is a located error,
/// never a rule read some other way (or left out).
#[test]
fn misspelt_words_in_a_rule_file_are_errors() {
    let rules = temp_file(
        "misspelt-rules.json",
        br#"{"rules": [
  {"id": "X-1", "name": "x", "summary": "s", "severity": "info", "metric": "country-shares",
   "max": 50, "message": "m", "help": "h"},
  {"id": "X-2", "name": "y", "summary": "s", "severity": "error", "metric": "country-share",
   "materials": "stratgic", "stages": ["procesing"], "aggregate": "overal", "applies_from": 2030.5,
   "max": 50, "message": "m", "help": "h"}
]}"#,
    );
    let run = check(&["--format", "short", "--rules", rules.to_str().unwrap(), COMPLIANT]);
    assert_eq!(run.status, 2, "{}", run.stdout);
    for expected in [
        "misspelt-rules.json:2:58: error[schema]: rule 1: `severity` must be one of error, warning; found \"info\"",
        "misspelt-rules.json:2:76: error[schema]: rule 1: `metric` must be one of group-share, country-share,",
        "misspelt-rules.json:5:17: error[schema]: rule 2: `materials` must be `strategic`, `critical`, `all`, or a list; found \"stratgic\"",
        "misspelt-rules.json:5:40: error[schema]: rule 2: `stages[0]` must be one of extraction, processing, recycling",
        "misspelt-rules.json:5:67: error[schema]: rule 2: `aggregate` must be one of per-material, overall",
        "misspelt-rules.json:5:93: error[schema]: rule 2: `applies_from` must be a whole number, not 2030.5",
    ] {
        assert!(run.stdout.contains(expected), "missing {expected:?} in:\n{}", run.stdout);
    }
    // A pipeline that reads SARIF sees the broken rule file there too.
    let sarif = check(&["--format", "sarif", "--rules", rules.to_str().unwrap(), COMPLIANT]);
    assert_eq!(sarif.status, 2);
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("SARIF");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 6, "{:#}", log);
    let uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
    assert!(uri.ends_with("misspelt-rules.json"), "{uri}");
}
