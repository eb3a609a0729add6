//! The schemas are the source of truth of the formats: every data file validates against
//! its schema, every example against the portfolio or rule schema, and the fast typed loader
//! agrees with the schema on every example and every input of the bad-input corpus.

use std::path::Path;

use crma_check::diagnostic::Severity;
use crma_check::{CheckOptions, Checker};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn json(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(path)).unwrap()).unwrap()
}

fn validator(schema: &str) -> jsonschema::Validator {
    jsonschema::draft202012::new(&json(schema)).unwrap_or_else(|e| panic!("{schema} compiles: {e}"))
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator.iter_errors(instance).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

#[test]
fn every_schema_is_a_valid_2020_12_schema() {
    let meta = jsonschema::draft202012::meta::validator();
    for entry in std::fs::read_dir(root().join("schemas")).unwrap() {
        let path = entry.unwrap().path();
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert!(meta.is_valid(&schema), "{}", path.display());
    }
}

#[test]
fn reference_data_and_rules_validate_against_their_schemas() {
    for (data, schema) in [
        ("rules/materials.json", "schemas/materials.schema.json"),
        ("rules/countries.json", "schemas/countries.schema.json"),
        ("rules/forms.json", "schemas/forms.schema.json"),
        ("rules/units.json", "schemas/units.schema.json"),
        ("rules/crma.json", "schemas/rules.schema.json"),
    ] {
        assert_eq!(errors(&validator(schema), &json(data)), Vec::<String>::new(), "{data}");
    }
    for entry in std::fs::read_dir(root().join("examples/scenarios")).unwrap() {
        let path = entry.unwrap().path();
        let scenario = json(path.strip_prefix(root()).unwrap().to_str().unwrap());
        assert_eq!(
            errors(&validator("schemas/scenario.schema.json"), &scenario),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
    }
    for entry in std::fs::read_dir(root().join("examples/policies")).unwrap() {
        let path = entry.unwrap().path();
        let policy = json(path.strip_prefix(root()).unwrap().to_str().unwrap());
        assert_eq!(
            errors(&validator("schemas/rules.schema.json"), &policy),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn schema_enums_match_the_reference_data() {
    let schema = json("schemas/portfolio.schema.json");
    let strings =
        |v: &Value| -> Vec<String> { v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect() };
    let units: Vec<String> = json("rules/units.json")["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(strings(&schema["$defs"]["unit"]["enum"]), units);
    let grades: Vec<String> = json("rules/materials.json")["grades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(strings(&schema["$defs"]["grade"]["enum"]), grades);
}

/// The codes of the format layer: what the schema (and JSON itself) decides.
const FORMAT_CODES: &[&str] = &["syntax", "schema", "duplicate-key", "unsupported-version", "encoding"];

#[test]
fn the_typed_loader_agrees_with_the_schema() {
    let schema = validator("schemas/portfolio.schema.json");
    let checker = Checker::builtin(CheckOptions::default());
    let mut files = Vec::new();
    for folder in ["examples", "tests/fixtures/portfolios"] {
        for entry in std::fs::read_dir(root().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 50);
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let report = checker.check_path(path.to_str().unwrap());
        let format_errors: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && FORMAT_CODES.contains(&d.code.id()))
            .map(|d| d.code.id())
            .collect();
        let bytes = std::fs::read(&path).unwrap();
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        match serde_json::from_slice::<Value>(bytes) {
            // JSON that serde_json cannot read at all: refused, one way or another.
            Err(_) => assert!(!report.checked(), "{name}: refused"),
            Ok(value) => {
                let schema_errors = errors(&schema, &value);
                // Duplicate keys are invisible once parsed; the fixtures name them.
                let invalid = !schema_errors.is_empty() || name.starts_with("duplicate-key");
                assert_eq!(
                    !format_errors.is_empty(),
                    invalid,
                    "{name}: loader {format_errors:?}, schema {schema_errors:?}"
                );
            }
        }
    }
}

#[test]
fn the_years_of_the_schema_are_the_years_the_checker_takes() {
    let year = &json("schemas/portfolio.schema.json")["properties"]["year"];
    let years = crma_check::YEARS;
    assert_eq!(year["minimum"], u64::from(*years.start()));
    assert_eq!(year["maximum"], u64::from(*years.end()));
}
