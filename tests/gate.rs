//! The CI gate over time, through the binary: the baseline ratchet (`--write-baseline`,
//! `--baseline`, `--tolerance`), `crma-check diff` (two files, and `--git` in a temporary
//! repository), the project file `crma-check.toml`, `--report FORMAT=PATH`, waivers with
//! owners and an expiry notice, and rule files that extend others.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{AS_OF, Run};
use serde_json::Value;

/// A fresh folder for one test.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crma-check-gate-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

/// Runs `crma-check ARGS` in `dir`, waivers judged as of [`AS_OF`].
fn run_in(dir: &Path, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend(["--as-of", AS_OF, "--color", "never"]);
    run_plain(dir, &all)
}

/// Runs `crma-check ARGS` in `dir`.
fn run_plain(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_crma-check"))
        .args(args)
        .current_dir(dir)
        .env_remove("COLUMNS")
        .output()
        .expect("the binary runs");
    Run {
        status: output.status.code().expect("exited"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8"),
    }
}

/// A 2030 cobalt portfolio of 100 t consumed, all of it mined in Australia: `processing`
/// says which country processes how many tonnes (`""`: an unknown one), 20 t are processed
/// in Germany and what is left of the 100 t in the United States.
fn cobalt(processing: &[(&str, &str)]) -> String {
    let mut supplies = Vec::new();
    let mut rest = 80.0;
    for (n, (country, tonnes)) in processing.iter().enumerate() {
        rest -= tonnes.parse::<f64>().unwrap();
        let processing = if country.is_empty() { String::new() } else { format!(r#", "processing": "{country}""#) };
        supplies.push(format!(
            r#"{{"id": "L{n}", "material": "cobalt", "amount": {tonnes}, "unit": "t", "origin": {{"extraction": "AU"{processing}}}}}"#
        ));
    }
    let mut lines = vec![("DE", 20.0)];
    if rest > 1e-9 {
        lines.push(("US", (rest * 1e6).round() / 1e6));
    }
    for (country, tonnes) in lines {
        supplies.push(format!(
            r#"{{"id": "{country}", "material": "cobalt", "amount": {tonnes}, "unit": "t", "origin": {{"extraction": "AU", "processing": "{country}"}}}}"#
        ));
    }
    format!(
        "{{\n  \"year\": 2030,\n  \"consumption\": {{\"cobalt\": {{\"amount\": 100, \"unit\": \"t\"}}}},\n  \"supplies\": [\n    {}\n  ]\n}}\n",
        supplies.join(",\n    ")
    )
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("written");
}

/// A folder with `a.json` (China processes `share` t of 100 t of cobalt) and its baseline.
fn baselined(name: &str, share: &str) -> PathBuf {
    let dir = folder(name);
    write(&dir, "a.json", &cobalt(&[("CN", share)]));
    let recorded = run_in(&dir, &["--write-baseline", "baseline.json", "a.json"]);
    assert_eq!(recorded.status, 0, "{}{}", recorded.stdout, recorded.stderr);
    assert!(recorded.stderr.contains("recorded 5 findings in baseline.json"), "{}", recorded.stderr);
    dir
}

#[test]
fn a_baseline_records_each_finding_sorted_and_matches_it_again() {
    let dir = baselined("record", "70");
    let text = std::fs::read_to_string(dir.join("baseline.json")).unwrap();
    let baseline: Value = serde_json::from_str(&text).unwrap();
    let entries: Vec<String> = baseline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {} {} {} {}", e["path"], e["rule"], e["stage"], e["country"], e["value"]))
        .collect();
    assert_eq!(
        entries,
        [
            r#""a.json" "CRM001" "extraction" null 0.0"#,
            r#""a.json" "CRM002" "processing" null 20.0"#,
            r#""a.json" "CRM003" "recycling" null 0.0"#,
            r#""a.json" "CRM004" "extraction" "AU" 100.0"#,
            r#""a.json" "CRM004" "processing" "CN" 70.0"#,
        ]
    );
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/baseline.schema.json").unwrap()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator.iter_errors(&baseline).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    // The same findings again: nothing fails, and each is marked baselined.
    let again = run_in(&dir, &["--baseline", "baseline.json", "a.json"]);
    assert_eq!(again.status, 0, "{}", again.stdout);
    assert!(again.stdout.contains("0 errors, 0 warnings, 5 baselined"), "{}", again.stdout);
    assert!(again.stdout.contains("Baselined in a.json (accepted by the baseline):"), "{}", again.stdout);
    // Written again, the file is the same bytes.
    run_in(&dir, &["--write-baseline", "again.json", "a.json"]);
    assert_eq!(std::fs::read_to_string(dir.join("again.json")).unwrap(), text);
}

#[test]
fn a_share_worse_by_exactly_the_tolerance_passes_and_a_hair_more_fails() {
    let dir = baselined("tolerance", "70");
    write(&dir, "a.json", &cobalt(&[("CN", "72")]));
    let at = run_in(&dir, &["--baseline", "baseline.json", "--tolerance", "2", "a.json"]);
    assert_eq!(at.status, 0, "{}", at.stdout);
    assert!(
        at.stdout.contains("worse than the baseline's 70%, now 72%, within the tolerance of 2 percentage points"),
        "{}",
        at.stdout
    );
    let strict = run_in(&dir, &["--baseline", "baseline.json", "a.json"]);
    assert_eq!(strict.status, 1, "no tolerance by default: {}", strict.stdout);
    write(&dir, "a.json", &cobalt(&[("CN", "72.0001")]));
    let over = run_in(&dir, &["--baseline", "baseline.json", "--tolerance", "2", "a.json"]);
    assert_eq!(over.status, 1, "{}", over.stdout);
    assert!(
        over.stdout
            .contains("worsened since the baseline: from 70% to 72.0001%, more than the tolerance of 2 percentage"),
        "{}",
        over.stdout
    );
    assert!(over.stdout.contains("1 error, 0 warnings, 4 baselined"), "{}", over.stdout);
}

#[test]
fn a_finding_that_improves_stays_baselined_and_says_so() {
    let dir = baselined("improves", "70");
    write(&dir, "a.json", &cobalt(&[("CN", "66")]));
    let run = run_in(&dir, &["--baseline", "baseline.json", "--format", "json", "a.json"]);
    assert_eq!(run.status, 0);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let cn = report["files"][0]["findings"].as_array().unwrap().iter().find(|f| f["country"] == "CN").unwrap();
    assert_eq!(cn["baseline"], serde_json::json!({"state": "improved", "was": 70.0}));
    assert_eq!(cn["notes"][0], "baselined: better than the baseline's 70%, now 66%: `--write-baseline` records it");
    assert_eq!(report["summary"]["baselined"], 5);
}

#[test]
fn a_finding_that_moves_to_another_country_is_new_and_its_entry_stale() {
    let dir = baselined("moves", "70");
    write(&dir, "a.json", &cobalt(&[("ID", "70")]));
    let run = run_in(&dir, &["--baseline", "baseline.json", "a.json"]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert!(run.stdout.contains("new: not in the baseline"), "{}", run.stdout);
    assert!(run.stdout.contains("Indonesia supplies 70.0% of cobalt processing"), "{}", run.stdout);
    assert!(run.stdout.contains("warning[baseline-stale]"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("the baseline accepts CRM004 for cobalt processing, CN, in a.json, which no longer has that"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("╭─[baseline.json:"), "the stale entry is shown in the baseline: {}", run.stdout);
}

#[test]
fn stale_entries_are_warnings_that_fail_only_at_the_warning_level() {
    let dir = baselined("stale", "70");
    write(&dir, "a.json", &cobalt(&[("CN", "60")]));
    let run = run_in(&dir, &["--baseline", "baseline.json", "--format", "short", "a.json"]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(run.stdout.contains("baseline.json:"), "{}", run.stdout);
    assert!(run.stdout.contains(": warning[baseline-stale]: the baseline accepts CRM004"), "{}", run.stdout);
    assert!(run.stdout.contains(": note[CRM001]: ") && run.stdout.contains("[baselined]"), "{}", run.stdout);
    let strict = run_in(&dir, &["--baseline", "baseline.json", "--fail-on", "warning", "a.json"]);
    assert_eq!(strict.status, 1);
}

#[test]
fn a_renamed_file_is_all_new_and_its_old_entries_are_stale() {
    let dir = baselined("renamed", "70");
    std::fs::rename(dir.join("a.json"), dir.join("b.json")).unwrap();
    let run = run_in(&dir, &["--baseline", "baseline.json", "b.json"]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert!(run.stdout.contains("in a.json, which no longer exists"), "{}", run.stdout);
    assert!(run.stdout.contains("if the file was renamed, record its findings under the new name"), "{}", run.stdout);
    assert!(run.stdout.contains("b.json: 5 errors, 0 warnings"), "{}", run.stdout);
}

#[test]
fn entries_of_files_not_checked_in_the_run_are_left_alone() {
    let dir = baselined("others", "70");
    write(&dir, "b.json", &cobalt(&[("CN", "70")]));
    let run = run_in(&dir, &["--baseline", "baseline.json", "b.json"]);
    assert!(!run.stdout.contains("baseline-stale"), "a.json exists and was not checked: {}", run.stdout);
}

#[test]
fn a_broken_baseline_is_an_input_error_in_the_baseline_with_exit_status_2() {
    let dir = folder("broken-baseline");
    write(&dir, "a.json", &cobalt(&[("CN", "70")]));
    write(&dir, "baseline.json", "{\"version\": 1, \"entries\": [{\"path\": \"a.json\", \"rule\": \"CRM004\"}]}\n");
    let run = run_in(&dir, &["--baseline", "baseline.json", "a.json"]);
    assert_eq!(run.status, 2, "{}", run.stdout);
    assert!(run.stdout.contains("baseline.json:1:"), "{}", run.stdout);
    let twice = r#"{"version": 1, "entries": [
  {"path": "a.json", "rule": "CRM004", "material": "cobalt", "stage": "processing", "country": "CN", "value": 70},
  {"path": "a.json", "rule": "CRM004", "material": "cobalt", "stage": "processing", "country": "CN", "value": 71}
]}
"#;
    write(&dir, "baseline.json", twice);
    let run = run_in(&dir, &["--baseline", "baseline.json", "--format", "short", "a.json"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stdout.contains("baseline.json:3:3: error[duplicate-entry]: the baseline lists CRM004"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_baseline_is_not_written_when_a_file_cannot_be_checked() {
    let dir = folder("unwritten");
    write(&dir, "a.json", "{\"year\": 2030, \"supplies\": [{\"material\": \"lithum\"}]}");
    let run = run_in(&dir, &["--write-baseline", "baseline.json", "a.json"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("the baseline was not written"), "{}", run.stderr);
    assert!(!dir.join("baseline.json").exists());
}

#[test]
fn sarif_gives_every_result_its_baseline_state() {
    let dir = baselined("sarif", "70");
    write(&dir, "a.json", &cobalt(&[("CN", "75"), ("ID", "1")]));
    let run = run_in(&dir, &["--baseline", "baseline.json", "--format", "sarif", "a.json"]);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    let states: Vec<String> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r["ruleId"].as_str().unwrap(), r["baselineState"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        ["CRM001 unchanged", "CRM002 unchanged", "CRM003 unchanged", "CRM004 unchanged", "CRM004 updated"],
        "{}",
        run.stdout
    );
    // A stale entry is an absent result, located in the baseline.
    write(&dir, "a.json", &cobalt(&[("ID", "70")]));
    let run = run_in(&dir, &["--baseline", "baseline.json", "--format", "sarif", "a.json"]);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let absent: Vec<&Value> = results.iter().filter(|r| r["baselineState"] == "absent").collect();
    assert_eq!(absent.len(), 1);
    assert_eq!(absent[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "baseline.json");
    assert!(results.iter().any(|r| r["baselineState"] == "new"));
}

#[test]
fn the_sarif_with_baseline_states_is_valid_against_the_oasis_schema() {
    let dir = baselined("sarif-schema", "70");
    write(&dir, "a.json", &cobalt(&[("ID", "72")]));
    let run = run_in(&dir, &["--baseline", "baseline.json", "--format", "sarif", "a.json"]);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/fixtures/sarif/sarif-schema-2.1.0.json").unwrap())
            .unwrap();
    let validator = jsonschema::draft7::new(&schema).expect("the OASIS schema compiles");
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn every_format_says_what_is_baselined_and_what_worsened() {
    let dir = baselined("formats", "70");
    write(&dir, "a.json", &cobalt(&[("CN", "75")]));
    let words = |format: &str| run_in(&dir, &["--baseline", "baseline.json", "--format", format, "a.json"]).stdout;
    let junit = words("junit");
    assert!(junit.contains("<skipped message=\"baselined: in the baseline at 0%, unchanged\""), "{junit}");
    assert!(junit.contains("worsened since the baseline: from 70% to 75%"), "{junit}");
    let github = words("github");
    assert!(github.contains("::notice ") && github.contains("baselined: in the baseline at 100%"), "{github}");
    assert!(github.contains("::error ") && github.contains("worsened since the baseline"), "{github}");
    let gitlab = words("gitlab");
    assert!(gitlab.contains("(baselined)") && gitlab.contains("(worsened since the baseline)"), "{gitlab}");
    let markdown = words("markdown");
    assert!(markdown.contains("#### Baselined (4)"), "{markdown}");
    assert!(markdown.contains("worsened since the baseline"), "{markdown}");
    let html = words("html");
    assert!(html.contains("<span class=\"tag\">baselined</span>"), "the HTML report marks them too");
}

// ---- diff ---------------------------------------------------------------------------------

#[test]
fn diff_of_two_files_lists_what_moved_and_gates_on_what_was_introduced() {
    let dir = folder("diff");
    write(&dir, "old.json", &cobalt(&[("CN", "70")]));
    write(&dir, "new.json", &cobalt(&[("CN", "72"), ("", "8")]));
    let run = run_in(&dir, &["diff", "old.json", "new.json"]);
    assert_eq!(run.status, 1, "a finding was introduced: {}", run.stdout);
    assert!(run.stdout.contains("Findings introduced (1):"), "{}", run.stdout);
    assert!(run.stdout.contains("(70% → 72%, worsened)"), "{}", run.stdout);
    assert!(run.stdout.contains("China 70.0% → 72.0% (↑2.0)"), "{}", run.stdout);
    // The same files the other way round: the finding is resolved, the share improved.
    let back = run_in(&dir, &["diff", "new.json", "old.json"]);
    assert_eq!(back.status, 0, "{}", back.stdout);
    assert!(back.stdout.contains("Findings resolved (1):"), "{}", back.stdout);
    let same = run_in(&dir, &["diff", "old.json", "old.json"]);
    assert_eq!(same.status, 0);
    assert!(same.stdout.contains("nothing changed"), "{}", same.stdout);
}

#[test]
fn diff_honours_the_tolerance_and_the_fail_level() {
    let dir = folder("diff-tolerance");
    write(&dir, "old.json", &cobalt(&[("CN", "70")]));
    write(&dir, "new.json", &cobalt(&[("CN", "72")]));
    assert_eq!(run_in(&dir, &["diff", "old.json", "new.json"]).status, 1);
    assert_eq!(run_in(&dir, &["diff", "--tolerance", "2", "old.json", "new.json"]).status, 0);
    assert_eq!(run_in(&dir, &["diff", "--fail-on", "never", "old.json", "new.json"]).status, 0);
}

#[test]
fn the_diff_json_report_follows_its_schema() {
    let dir = folder("diff-json");
    write(&dir, "old.json", &cobalt(&[("CN", "70")]));
    write(&dir, "new.json", &cobalt(&[("CN", "72"), ("ID", "8")]));
    write(&dir, "broken.json", "{\"year\": 2030}");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/diff-report.schema.json").unwrap()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    for (args, status) in
        [(["old.json", "new.json"], 1), (["new.json", "old.json"], 0), (["old.json", "broken.json"], 2)]
    {
        let mut all = vec!["diff", "--format", "json"];
        all.extend(args);
        let run = run_in(&dir, &all);
        assert_eq!(run.status, status, "{args:?}: {}", run.stdout);
        let value: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let errors: Vec<String> =
            validator.iter_errors(&value).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    }
    let run = run_in(&dir, &["diff", "--format", "json", "old.json", "new.json"]);
    let value: Value = serde_json::from_str(&run.stdout).unwrap();
    let processing = &value["files"][0]["materials"][0]["stages"]["processing"];
    assert_eq!(processing["largest_non_eu"]["change"], 2.0);
    let countries: Vec<String> = processing["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {} {} {}", c["country"], c["old"], c["new"], c["change"]))
        .collect();
    assert_eq!(
        countries,
        [r#""CN" 70.0 72.0 2.0"#, r#""DE" 20.0 20.0 0.0"#, r#""ID" 0.0 8.0 8.0"#, r#""US" 10.0 0.0 -10.0"#]
    );
}

/// Runs git in `dir`.
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
}

#[test]
fn diff_against_a_git_revision_reads_the_old_versions_with_git_show() {
    let dir = folder("git");
    git(&dir, &["init", "-q"]);
    std::fs::create_dir_all(dir.join("portfolios")).unwrap();
    write(&dir, "portfolios/a.json", &cobalt(&[("CN", "70")]));
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    write(&dir, "portfolios/a.json", &cobalt(&[("CN", "60")]));
    write(&dir, "portfolios/b.json", &cobalt(&[("CN", "70")]));
    let run = run_in(&dir, &["diff", "--git", "HEAD", "portfolios/a.json", "portfolios/b.json"]);
    assert_eq!(run.status, 1, "b.json did not exist at HEAD, so its findings are new: {}", run.stdout);
    assert!(run.stdout.contains("HEAD:portfolios/a.json → portfolios/a.json"), "{}", run.stdout);
    assert!(run.stdout.contains("Findings resolved (1):\n    error[CRM004] China supplies 70.0%"), "{}", run.stdout);
    assert!(run.stdout.contains("nothing (new file) → portfolios/b.json"), "{}", run.stdout);
    // From a folder below the root, the paths are the folder's.
    let below = run_in(&dir.join("portfolios"), &["diff", "--git", "HEAD", "a.json"]);
    assert_eq!(below.status, 0, "{}{}", below.stdout, below.stderr);
    let bad = run_in(&dir, &["diff", "--git", "no-such-branch", "portfolios/a.json"]);
    assert_eq!(bad.status, 2);
    assert!(bad.stderr.contains("`no-such-branch` is not a revision of this git repository"), "{}", bad.stderr);
    let outside = folder("not-a-repository");
    write(&outside, "a.json", &cobalt(&[("CN", "70")]));
    let none = run_in(&outside, &["diff", "--git", "HEAD", "a.json"]);
    assert_eq!(none.status, 2);
    assert!(none.stderr.contains("needs a git repository"), "{}", none.stderr);
}

#[test]
fn diff_without_git_on_the_path_says_so() {
    let dir = folder("no-git");
    write(&dir, "a.json", &cobalt(&[("CN", "70")]));
    let output = Command::new(env!("CARGO_BIN_EXE_crma-check"))
        .args(["diff", "--git", "HEAD", "a.json"])
        .current_dir(&dir)
        .env("PATH", dir.join("no-bin"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("`--git` needs git, which is not installed or not on the PATH"), "{stderr}");
}

#[test]
fn diff_takes_two_files_without_git() {
    let run = common::run(&["diff", "examples/battery-2025.json"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("compares two files, OLD and NEW"), "{}", run.stderr);
}

// ---- crma-check.toml ------------------------------------------------------------------------

#[test]
fn the_project_file_is_found_above_and_flags_override_it() {
    let dir = folder("config");
    write(&dir, "crma-check.toml", "select = [\"CRM004\"]\nfail_on = \"never\"\nyear = 2025\n");
    std::fs::create_dir_all(dir.join("portfolios")).unwrap();
    write(&dir, "portfolios/a.json", &cobalt(&[("CN", "70")]));
    let below = dir.join("portfolios");
    let run = run_in(&below, &["--format", "json", "a.json"]);
    assert_eq!(run.status, 0, "fail_on = never: {}", run.stdout);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let rules: Vec<&str> =
        report["files"][0]["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["CRM004", "CRM004"], "only the selected rule runs");
    assert_eq!(report["files"][0]["year"], 2025);
    assert_eq!(report["fail_on"], "never");
    let flags = run_in(&below, &["--fail-on", "warning", "--year", "2030", "--select", "CRM001", "a.json"]);
    assert_eq!(flags.status, 1, "the flags win: {}", flags.stdout);
    assert!(flags.stdout.contains("error[CRM001]"), "{}", flags.stdout);
    let rules = run_plain(&below, &["rules"]);
    assert!(rules.stdout.contains("Project file: ../crma-check.toml"), "{}", rules.stdout);
}

#[test]
fn the_project_file_names_rules_and_a_baseline_relative_to_itself() {
    let dir = baselined("config-paths", "70");
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::copy("examples/policies/company-policy.json", dir.join("policies/company.json")).unwrap();
    write(&dir, "ci.toml", "rules = [\"policies/\"]\nbaseline = \"baseline.json\"\ntolerance = 5\n");
    write(&dir, "a.json", &cobalt(&[("CN", "75")]));
    let run = run_in(&dir, &["--config", "ci.toml", "a.json"]);
    assert!(run.stdout.contains("within the tolerance of 5 percentage points"), "{}", run.stdout);
    assert!(run.stdout.contains("[ACME-"), "the policy's rules ran: {}", run.stdout);
}

#[test]
fn a_mistake_in_the_project_file_is_located_with_a_suggestion_and_exit_status_2() {
    let dir = folder("config-mistake");
    write(&dir, "crma-check.toml", "# the gate\nselect = [\"CRM004\"]\nfail-on = \"warning\"\nyear = \"2030\"\n");
    write(&dir, "a.json", &cobalt(&[("CN", "70")]));
    let run = run_in(&dir, &["--format", "short", "a.json"]);
    assert_eq!(run.status, 2, "{}", run.stdout);
    assert_eq!(
        run.stdout,
        "crma-check.toml:3:1: error[config]: unknown setting `fail-on`\n\
         crma-check.toml:4:8: error[config]: `year` must be a year from 2000 to 2100\n"
    );
    let human = run_in(&dir, &["a.json"]);
    assert!(human.stdout.contains("help: did you mean `fail_on`?"), "{}", human.stdout);
    let missing = run_in(&dir, &["--config", "nowhere.toml", "a.json"]);
    assert_eq!(missing.status, 2);
    assert!(missing.stdout.contains("nowhere.toml"), "{}", missing.stdout);
}

// ---- --report ------------------------------------------------------------------------------

#[test]
fn reports_written_in_one_run_are_those_of_separate_runs() {
    let dir = folder("reports");
    std::fs::copy("examples/magnets-2030.json", dir.join("magnets.json")).unwrap();
    let run = run_in(
        &dir,
        &[
            "--format",
            "github",
            "--report",
            "sarif=out.sarif",
            "--report",
            "markdown=summary.md",
            "--report",
            "junit=junit.xml",
            "--report",
            "human=log.txt",
            "magnets.json",
        ],
    );
    assert_eq!(run.status, 1, "one exit status, the check's");
    assert!(run.stdout.starts_with("::"), "--format still goes to standard output: {}", run.stdout);
    for (format, file) in
        [("sarif", "out.sarif"), ("markdown", "summary.md"), ("junit", "junit.xml"), ("human", "log.txt")]
    {
        let alone = run_in(&dir, &["--format", format, "magnets.json"]);
        assert_eq!(std::fs::read_to_string(dir.join(file)).unwrap(), alone.stdout, "{format}");
    }
    let bad = run_in(&dir, &["--report", "sraif=x", "magnets.json"]);
    assert_eq!(bad.status, 2);
    assert!(bad.stderr.contains("unknown format `sraif` (did you mean `sarif`?)"), "{}", bad.stderr);
}

// ---- waivers -------------------------------------------------------------------------------

/// `a.json` with a waiver of China's cobalt processing until `expires`.
fn waived(name: &str, expires: &str) -> PathBuf {
    let dir = folder(name);
    let text = cobalt(&[("CN", "70")]).replace(
        "\n}\n",
        &format!(
            ",\n  \"waivers\": [{{\"rule\": \"CRM004\", \"country\": \"CN\", \"reason\": \"Offtake from an EU refinery from 2027\",\n    \"owner\": \"Procurement (J. Doe)\", \"reference\": \"PROC-1234\", \"expires\": \"{expires}\"}}]\n}}\n"
        ),
    );
    write(&dir, "a.json", &text);
    dir
}

#[test]
fn a_waiver_s_owner_and_reference_are_shown_with_the_waived_finding() {
    let dir = waived("owner", "2027-06-30");
    let human = run_in(&dir, &["a.json"]).stdout;
    assert!(
        human.contains("— waived until 2027-06-30: Offtake from an EU refinery from 2027 (owner: Procurement (J. Doe); reference: PROC-1234)"),
        "{human}"
    );
    let json: Value = serde_json::from_str(&run_in(&dir, &["--format", "json", "a.json"]).stdout).unwrap();
    let finding = json["files"][0]["findings"].as_array().unwrap().iter().find(|f| f["waived"] == true).unwrap();
    assert_eq!(finding["waiver"]["owner"], "Procurement (J. Doe)");
    assert_eq!(finding["waiver"]["reference"], "PROC-1234");
    let sarif: Value = serde_json::from_str(&run_in(&dir, &["--format", "sarif", "a.json"]).stdout).unwrap();
    let suppressed =
        sarif["runs"][0]["results"].as_array().unwrap().iter().find(|r| r["suppressions"].is_array()).unwrap();
    assert_eq!(suppressed["suppressions"][0]["properties"]["reference"], "PROC-1234");
    for format in ["markdown", "junit", "github", "html"] {
        let out = run_in(&dir, &["--format", format, "a.json"]).stdout;
        assert!(out.contains("PROC-1234"), "{format}: {out}");
    }
}

#[test]
fn a_waiver_that_expires_within_the_notice_period_is_a_warning() {
    // AS_OF is 2026-11-23: a waiver to 2026-12-10 has 17 days left.
    let dir = waived("expiring", "2026-12-10");
    let run = run_in(&dir, &["--format", "short", "a.json"]);
    assert!(
        run.stdout.contains("warning[waiver-expiring]: the waiver of CRM004 (CN) expires on 2026-12-10, in 17 days"),
        "{}",
        run.stdout
    );
    let shorter = run_in(&dir, &["--format", "short", "--waiver-notice-days", "17", "a.json"]);
    assert!(!shorter.stdout.contains("waiver-expiring"), "17 days left is outside a 17-day notice: {}", shorter.stdout);
    let off = run_in(&dir, &["--format", "short", "--waiver-notice-days", "0", "a.json"]);
    assert!(!off.stdout.contains("waiver-expiring"), "{}", off.stdout);
    let last_day = waived("last-day", AS_OF);
    let run = run_in(&last_day, &["--format", "short", "a.json"]);
    assert!(run.stdout.contains("expires on 2026-11-23, today, its last day"), "{}", run.stdout);
}

// ---- rule files that extend others ------------------------------------------------------------

/// A rule file with one rule `id` capping each country's processing at `max`%.
fn policy(id: &str, max: u32, extends: &[&str]) -> String {
    let extends = extends.iter().map(|e| format!("\"{e}\"")).collect::<Vec<_>>().join(", ");
    format!(
        r#"{{
  "extends": [{extends}],
  "rules": [
    {{
      "id": "{id}", "name": "cap-{max}", "summary": "No country processes more than {max}%",
      "severity": "error", "materials": "critical", "stages": ["processing"],
      "metric": "country-share", "max": {max},
      "message": "{{country}} processes {{value}} of {{material}}; the cap is {{threshold}}",
      "help": "Diversify."
    }}
  ]
}}
"#
    )
}

#[test]
fn a_rule_file_extends_others_relative_to_itself_and_may_replace_their_rules() {
    let dir = folder("extends");
    std::fs::create_dir_all(dir.join("central")).unwrap();
    std::fs::create_dir_all(dir.join("team")).unwrap();
    write(&dir, "central/policy.json", &policy("ACME-01", 50, &[]));
    write(&dir, "team/policy.json", &policy("TEAM-01", 60, &["../central/policy.json"]));
    write(&dir, "a.json", &cobalt(&[("CN", "55")]));
    let run = run_in(&dir, &["--rules", "team/policy.json", "--select", "ACME,TEAM", "a.json"]);
    assert!(run.stdout.contains("error[ACME-01]"), "the central rule runs: {}", run.stdout);
    assert!(!run.stdout.contains("error[TEAM-01]"), "55% is under the team's 60%: {}", run.stdout);
    let rules = run_plain(&dir, &["--rules", "team/policy.json", "rules"]);
    assert!(rules.stdout.contains("from team/../central/policy.json (rule file)"), "{}", rules.stdout);
    // The team's file replaces the central rule by giving its id.
    write(&dir, "team/policy.json", &policy("ACME-01", 60, &["../central/policy.json"]));
    let replaced = run_in(&dir, &["--rules", "team/policy.json", "--select", "ACME", "a.json"]);
    assert_eq!(replaced.status, 0, "{}", replaced.stdout);
}

#[test]
fn an_extends_that_cannot_be_read_or_closes_a_circle_is_located() {
    let dir = folder("extends-bad");
    write(&dir, "a.json", &cobalt(&[("CN", "55")]));
    write(&dir, "one.json", &policy("ONE", 50, &["missing.json"]));
    let run = run_in(&dir, &["--rules", "one.json", "--format", "short", "a.json"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stdout.starts_with("one.json:2:15: error[rule-extends]: the rule file `missing.json` cannot be read"),
        "{}",
        run.stdout
    );
    write(&dir, "one.json", &policy("ONE", 50, &["two.json"]));
    write(&dir, "two.json", &policy("TWO", 50, &["one.json"]));
    let run = run_in(&dir, &["--rules", "one.json", "--format", "short", "a.json"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stdout.contains("two.json:2:15: error[rule-extends]: `one.json` extends this file again"),
        "{}",
        run.stdout
    );
}

// ---- what people read ------------------------------------------------------------------------

#[test]
fn the_ratchet_reads_well() {
    let dir = baselined("snapshot-ratchet", "70");
    write(&dir, "a.json", &cobalt(&[("CN", "72.5"), ("", "1")]));
    let run = run_in(&dir, &["--baseline", "baseline.json", "--tolerance", "2", "--quiet", "a.json"]);
    assert_eq!(run.status, 1);
    insta::assert_snapshot!(run.stdout);
    let markdown = run_in(&dir, &["--baseline", "baseline.json", "--tolerance", "2", "--format", "markdown", "a.json"]);
    insta::assert_snapshot!("the_ratchet_as_markdown", markdown.stdout);
}

#[test]
fn a_stale_entry_reads_well() {
    let dir = baselined("snapshot-stale", "70");
    write(&dir, "a.json", &cobalt(&[("CN", "60")]));
    let run = run_in(&dir, &["--baseline", "baseline.json", "a.json"]);
    let stale = run.stdout.split("warning[baseline-stale]").nth(1).expect("a stale entry");
    insta::assert_snapshot!(format!("warning[baseline-stale]{stale}"));
}

#[test]
fn a_diff_reads_well_in_each_format() {
    let dir = folder("snapshot-diff");
    write(&dir, "old.json", &cobalt(&[("CN", "70")]));
    write(&dir, "new.json", &cobalt(&[("CN", "72"), ("", "8")]));
    for format in ["human", "markdown", "json"] {
        let run = run_in(&dir, &["diff", "--format", format, "old.json", "new.json"]);
        assert_eq!(run.status, 1);
        let text = run.stdout.replace(env!("CARGO_PKG_VERSION"), "[version]");
        insta::assert_snapshot!(format!("a_diff_as_{format}"), text);
    }
}

#[test]
fn a_mistake_in_the_project_file_reads_well() {
    let dir = folder("snapshot-config");
    write(&dir, "crma-check.toml", "# the gate\nselect = [\"CRM004\"]\nfail-on = \"warning\"\ntolerance = \"2\"\n");
    write(&dir, "a.json", &cobalt(&[("CN", "70")]));
    let run = run_in(&dir, &["a.json"]);
    assert_eq!(run.status, 2);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn an_expiring_waiver_with_its_owner_reads_well() {
    let dir = waived("snapshot-expiring", "2026-12-10");
    let run = run_in(&dir, &["a.json"]);
    let warning = run.stdout.split("warning[waiver-expiring]").nth(1).expect("the warning");
    insta::assert_snapshot!(format!("warning[waiver-expiring]{warning}"));
}

#[test]
fn a_baselined_run_without_waivers_lists_no_waived_section() {
    let dir = folder("no-waived-section");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/magnets-2030.json"), dir.join("p.json"))
        .expect("copied");
    let write = run_in(&dir, &["--write-baseline", "base.json", "p.json"]);
    assert_eq!(write.status, 0, "{}", write.stderr);
    let gated = run_in(&dir, &["--baseline", "base.json", "p.json"]);
    assert_eq!(gated.status, 0, "{}", gated.stdout);
    assert!(gated.stdout.contains("Baselined in p.json"), "{}", gated.stdout);
    assert!(!gated.stdout.contains("Waived in"), "{}", gated.stdout);
}
