//! A JSON Schema document, compiled for validation on the error path, and read for the
//! descriptions and property names that make its errors helpful.

use std::sync::OnceLock;

use serde_json::Value;

use super::shape::Shape;

/// Extra, domain-specific help for a value at a JSON pointer ("did you mean CN?").
pub type Hint = fn(pointer: &str, value: &Value) -> Option<Advice>;

/// What a [`Hint`] says about a value: the help, and the value to write instead where the
/// help names one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    /// The help line.
    pub help: String,
    /// The string to write instead, if there is one.
    pub replacement: Option<String>,
}

/// A schema and how to speak about the documents it describes.
pub struct Schema {
    document: Value,
    validator: OnceLock<jsonschema::Validator>,
    shape: OnceLock<Shape>,
    place_words: &'static [(&'static str, &'static str)],
    empty_help: &'static str,
    hint: Option<Hint>,
}

/// Regular expressions of the schemas, in words.
const PATTERN_WORDS: &[(&str, &str)] = &[
    ("^[A-Za-z]{2}$", "a two-letter ISO 3166-1 country code"),
    ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "a date written YYYY-MM-DD"),
    ("^[A-Za-z][A-Za-z0-9_-]*$", "an id of letters, digits, `-` and `_`, starting with a letter"),
    ("^[a-z0-9]+(-[a-z0-9]+)*$", "a lower-case name with words joined by `-`"),
];

impl Schema {
    /// A schema from its text. `place_words` name the items of lists in messages
    /// (`("supplies", "supply line")`); `empty_help` says what an empty file should hold.
    pub fn new(
        text: &'static str,
        place_words: &'static [(&'static str, &'static str)],
        empty_help: &'static str,
        hint: Option<Hint>,
    ) -> Schema {
        Schema {
            // The schemas are embedded in the binary and validated by the tests.
            document: serde_json::from_str(text).expect("an embedded schema is valid JSON"),
            validator: OnceLock::new(),
            shape: OnceLock::new(),
            place_words,
            empty_help,
            hint,
        }
    }

    /// The compiled validator, built on first use (the happy path never needs it).
    pub fn validator(&self) -> &jsonschema::Validator {
        self.validator.get_or_init(|| {
            jsonschema::draft202012::new(&self.document)
                // The tests compile every embedded schema.
                .expect("an embedded schema compiles")
        })
    }

    /// The schema split for the error path, built on first use.
    pub(super) fn shape(&self) -> &Shape {
        self.shape.get_or_init(|| Shape::new(&self.document))
    }

    pub(super) fn place_words(&self) -> &[(&str, &str)] {
        self.place_words
    }

    pub(super) fn empty_help(&self) -> &'static str {
        self.empty_help
    }

    pub(super) fn hint(&self, pointer: &str, value: &Value) -> Option<Advice> {
        self.hint.and_then(|hint| hint(pointer, value))
    }

    /// A pattern of the schema in words.
    pub(super) fn pattern_words(&self, pattern: &str) -> Option<&'static str> {
        PATTERN_WORDS.iter().find(|(p, _)| *p == pattern).map(|(_, words)| *words)
    }

    /// The names of the properties the schema object at `schema_pointer` allows.
    pub(super) fn property_names(&self, schema_pointer: &str) -> Vec<String> {
        self.document
            .pointer(schema_pointer)
            .and_then(|node| node.get("properties"))
            .and_then(Value::as_object)
            .map(|props| props.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The fields whose presence the `if` of the schema object at `schema_pointer` tests,
    /// in words (`` `country_notes` ``).
    pub(super) fn if_required(&self, schema_pointer: &str) -> Option<String> {
        let fields = self.document.pointer(schema_pointer)?.get("if")?.get("required")?.as_array()?;
        let names: Vec<String> = fields.iter().filter_map(Value::as_str).map(|f| format!("`{f}`")).collect();
        (!names.is_empty()).then(|| names.join(", "))
    }

    /// The description of property `name` of the schema object at `schema_pointer`.
    pub(super) fn property_description(&self, schema_pointer: &str, name: &str) -> Option<&str> {
        let property = self.document.pointer(schema_pointer)?.get("properties")?.get(name)?;
        self.describe(property)
    }

    /// The alternatives of the `anyOf` or `oneOf` at `schema_pointer`: the words they
    /// allow, and all of them in words ("strategic, critical, all, or a list").
    pub(super) fn alternatives(&self, schema_pointer: &str) -> (Vec<String>, String) {
        let mut choices = Vec::new();
        let mut words = Vec::new();
        let branches = self.document.pointer(schema_pointer).and_then(Value::as_array);
        for branch in branches.into_iter().flatten() {
            let branch = self.resolve(branch);
            if let Some(options) = branch.get("enum").and_then(Value::as_array) {
                for option in options {
                    let text = option.as_str().map_or_else(|| option.to_string(), str::to_owned);
                    words.push(format!("`{text}`"));
                    choices.push(text);
                }
            } else if let Some(constant) = branch.get("const") {
                // A control character (a tab) escaped, so that it can be seen.
                let text = constant.as_str().map_or_else(|| constant.to_string(), |s| s.escape_debug().to_string());
                words.push(format!("`{text}`"));
            } else if let Some(kind) = branch.get("type") {
                words.push(type_words(&kind.to_string()));
            }
        }
        let words = match words.split_last() {
            None => "of another form".to_owned(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{}, or {last}", rest.join(", ")),
        };
        (choices, words)
    }

    /// The fields of the `anyOf` or `oneOf` at `schema_pointer` if each of its branches only
    /// requires one field (`[{"required": ["supplies"]}, {"required": ["supplies_from"]}]`):
    /// one of them must be there.
    pub(super) fn required_alternatives(&self, schema_pointer: &str) -> Option<Vec<&str>> {
        let branches = self.document.pointer(schema_pointer)?.as_array()?;
        branches
            .iter()
            .map(|branch| match branch.as_object()?.get("required")?.as_array()?.as_slice() {
                [field] if branch.as_object()?.len() == 1 => field.as_str(),
                _ => None,
            })
            .collect()
    }

    /// A node, or the node its local `$ref` points to.
    fn resolve<'a>(&'a self, node: &'a Value) -> &'a Value {
        let target = node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#'));
        target.and_then(|t| self.document.pointer(t)).unwrap_or(node)
    }

    /// A node's description, following one local `$ref` if the node has none of its own.
    fn describe<'a>(&'a self, node: &'a Value) -> Option<&'a str> {
        if let Some(description) = node.get("description").and_then(Value::as_str) {
            return Some(description);
        }
        let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
        self.document.pointer(target)?.get("description")?.as_str()
    }
}

/// A JSON Schema type, or a list of them, in words: "a list", "a string or null".
pub(super) fn type_words(kind: &str) -> String {
    let lower = kind.to_lowercase();
    let words: Vec<&str> = ["object", "array", "string", "integer", "number", "boolean", "null"]
        .into_iter()
        .filter(|t| lower.contains(t))
        .collect();
    let word = |t: &str| match t {
        "object" => "an object",
        "array" => "a list",
        "string" => "a string",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        _ => "null",
    };
    match words.as_slice() {
        [] => "of another type".to_owned(),
        [one] => word(one).to_owned(),
        many => many.iter().map(|t| word(t)).collect::<Vec<_>>().join(" or "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(node: &Value, found: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(pattern)) = map.get("pattern") {
                    found.push(pattern.clone());
                }
                map.values().for_each(|v| patterns(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| patterns(v, found)),
            _ => {}
        }
    }

    /// A pattern without words would be shown to users as a regular expression.
    #[test]
    fn every_pattern_of_the_input_schemas_has_words() {
        for schema in [&*crate::portfolio::PORTFOLIO_SCHEMA, &*crate::engine::RULES_SCHEMA] {
            let mut found = Vec::new();
            patterns(&schema.document, &mut found);
            assert!(!found.is_empty());
            for pattern in found {
                assert!(schema.pattern_words(&pattern).is_some(), "no words for {pattern}");
            }
        }
    }
}
