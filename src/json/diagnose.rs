//! The error path: why a document failed the fast typed reading, said at the exact places.
//!
//! The loaders read documents with typed, borrowing deserialisers that stop at the first
//! problem. When that happens, and only then, this module reads the document again, slowly
//! and thoroughly: a syntax error is located at its character; otherwise every schema error
//! and every duplicate key is reported at once, each labelled at the offending value, found
//! through a syntax tree with spans. Valid documents never come here.

use jsonc_parser::ast::{self, ObjectPropName};
use jsonc_parser::common::Ranged;
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic, Suggestion};
use crate::source::{Source, Span};

use super::schema::{Schema, type_words};

/// Turns a document that the typed reading refused into located diagnostics.
///
/// `typed_error` is what the typed reading said; it is reported as a last resort, should the
/// schema find nothing wrong (which the tests rule out for every case they know).
pub fn diagnose(source: &Source, schema: &Schema, typed_error: &serde_json::Error) -> Vec<Problem> {
    let mut problems = validate(source, schema);
    if problems.is_empty() {
        let offset = source.offset_of_line_byte_column(typed_error.line(), typed_error.column());
        problems.push(Problem::root(
            Diagnostic::new(Code::Schema, strip_position(&typed_error.to_string()))
                .with_label(Span::at(offset), "here"),
        ));
    }
    problems
}

/// Every syntax error, duplicate key and schema error of a document, located; empty if it
/// is valid. For documents small enough to check in full before reading them (rule files).
pub fn validate(source: &Source, schema: &Schema) -> Vec<Problem> {
    let text = source.text();
    if text.trim().is_empty() {
        return vec![Problem::root(Diagnostic::new(Code::Syntax, "the file is empty").with_help(schema.empty_help()))];
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => return vec![Problem::root(syntax_error(source, &error))],
    };
    let tree = parse_tree(text);
    let mut problems = Vec::new();
    if let Some(tree) = &tree {
        duplicate_keys(tree, &mut problems);
    }
    let mut pairs = Vec::new();
    for error in schema.validator().iter_errors(&value) {
        let (problem, pair) = schema_problem(schema, tree.as_ref(), &value, &error);
        pairs.push(pair);
        problems.push(problem);
    }
    // A misspelt field (`suplies`) also makes the real one (`supplies`) missing: say it once.
    let misspelt: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|p| match p {
            Pair::Misspelt(o, f) => Some((o.clone(), f.clone())),
            _ => None,
        })
        .collect();
    let mut index = 0;
    problems.retain(|_| {
        let keep =
            !matches!(&pairs.get(index), Some(Pair::Missing(o, f)) if misspelt.contains(&(o.clone(), f.clone())));
        index += 1;
        keep
    });
    problems.sort_by_key(|p| p.diagnostic.primary_span().map(|s| s.start));
    problems
}

/// A diagnostic and the JSON pointer of the value it is about.
#[derive(Debug)]
pub struct Problem {
    /// The JSON pointer (`/supplies/3/unit`); empty for the whole document.
    pub pointer: String,
    /// The diagnostic.
    pub diagnostic: Diagnostic,
}

impl Problem {
    fn root(diagnostic: Diagnostic) -> Problem {
        Problem { pointer: String::new(), diagnostic }
    }
}

/// A `serde_json` syntax error in plain words, at its character.
pub fn syntax_error(source: &Source, error: &serde_json::Error) -> Diagnostic {
    let text = source.text();
    let raw = strip_position(&error.to_string());
    // serde_json's line and column (1-based, in bytes) point at the character it refused.
    let at = if error.is_eof() { text.len() } else { source.offset_of_line_byte_column(error.line(), error.column()) };
    let (mut message, mut label) = plain_syntax_message(&raw);
    // Name the habits of other formats that JSON does not allow.
    let rest = &text[at.min(text.len())..];
    let habit = if rest.starts_with("//") || rest.starts_with("/*") {
        Some(("comments are not allowed in JSON", "a comment"))
    } else if rest.starts_with('\'') {
        Some(("JSON strings and keys are written in double quotes, not single quotes", "single quote"))
    } else if ["NaN", "Infinity", "-Infinity"].iter().any(|w| rest.starts_with(w)) {
        Some(("NaN and Infinity are not JSON numbers", "not a number"))
    } else {
        None
    };
    if let Some((habit_message, habit_label)) = habit {
        message = habit_message.to_owned();
        label = habit_label;
    }
    let span = match raw.as_str() {
        // Point at the comma, not at the bracket after it.
        "trailing comma" => text[..at].rfind(',').map_or(Span::at(at), |comma| Span::new(comma, comma + 1)),
        // Cover the whole number or word, which serde_json has read up to its last character.
        "invalid number" | "number out of range" | "expected ident" => {
            let token = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-');
            // By characters, not bytes: the text around may hold any character.
            let next = text[at..].chars().next();
            let end = match next {
                Some(c) if token(c) => at + c.len_utf8(),
                _ => at,
            };
            let start = text[..end].trim_end_matches(token).len();
            let end = if end > start { end } else { next.map_or(at, |c| at + c.len_utf8()) };
            Span::new(start, end)
        }
        _ => Span::new(at, text[at..].chars().next().map_or(at, |c| at + c.len_utf8())),
    };
    Diagnostic::new(Code::Syntax, message).with_label(span, label)
}

fn plain_syntax_message(raw: &str) -> (String, &'static str) {
    let (message, label) = match raw {
        "EOF while parsing a list" => ("the file ends inside a list: a `]` is missing", "the file ends here"),
        "EOF while parsing an object" => ("the file ends inside an object: a `}` is missing", "the file ends here"),
        "EOF while parsing a string" => {
            ("the file ends inside a string: a closing `\"` is missing", "the file ends here")
        }
        "EOF while parsing a value" => ("the file ends where a value was expected", "the file ends here"),
        "expected `:`" => ("expected `:` between a key and its value", "expected `:` here"),
        "expected `,` or `]`" => ("expected `,` or `]` after an item of a list", "expected `,` or `]` here"),
        "expected `,` or `}`" => {
            ("expected `,` or `}` after a field (is a comma missing?)", "expected `,` or `}` here")
        }
        "expected ident" => {
            ("not a JSON value: the only bare words JSON knows are true, false and null", "not a value")
        }
        "expected value" => {
            ("expected a value: a string, a number, an object, a list, true, false or null", "expected a value here")
        }
        "expected `\"`" => ("expected a key in double quotes", "expected `\"` here"),
        "trailing comma" => {
            ("a comma before a closing bracket: JSON does not allow trailing commas", "remove this comma")
        }
        "invalid escape" => ("invalid escape sequence in a string", "invalid escape"),
        "invalid number" => ("invalid number", "not a number"),
        "number out of range" => ("number out of range: too large for a JSON number", "out of range"),
        "invalid unicode code point" => ("invalid Unicode code point in a string escape", "invalid code point"),
        "key must be a string" => ("keys must be strings in double quotes", "expected a quoted key"),
        "lone leading surrogate in hex escape" => ("unpaired surrogate in a `\\u` escape", "unpaired surrogate"),
        "unexpected end of hex escape" => ("incomplete `\\u` escape", "incomplete escape"),
        "trailing characters" => ("unexpected text after the end of the JSON document", "unexpected text"),
        "recursion limit exceeded" => ("nested too deeply: more than 128 levels of objects and lists", "too deep"),
        other if other.starts_with("control character") => (
            "a raw control character (a tab or a line break) inside a string: write it as an escape such as `\\n`",
            "control character",
        ),
        _ => return (format!("invalid JSON: {raw}"), "here"),
    };
    (message.to_owned(), label)
}

/// Drops serde_json's " at line L column C" suffix: the span says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

fn parse_tree(text: &str) -> Option<ast::Value<'_>> {
    let options = jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        ..Default::default()
    };
    jsonc_parser::parse_to_ast(text, &Default::default(), &options).ok()?.value
}

fn span_of(node: &impl Ranged) -> Span {
    let range = node.range();
    Span::new(range.start, range.end)
}

fn prop_name(name: &ObjectPropName<'_>) -> String {
    match name {
        ObjectPropName::String(s) => s.value.to_string(),
        ObjectPropName::Word(w) => w.value.to_string(),
    }
}

fn name_span(name: &ObjectPropName<'_>) -> Span {
    match name {
        ObjectPropName::String(s) => span_of(s),
        ObjectPropName::Word(w) => span_of(w),
    }
}

/// Every key written twice in one object (JSON parsers disagree on which one wins).
fn duplicate_keys(node: &ast::Value<'_>, problems: &mut Vec<Problem>) {
    match node {
        ast::Value::Object(object) => {
            for (n, prop) in object.properties.iter().enumerate() {
                let name = prop_name(&prop.name);
                if let Some(first) = object.properties[..n].iter().find(|p| prop_name(&p.name) == name) {
                    problems.push(Problem::root(
                        Diagnostic::new(Code::DuplicateKey, format!("`{name}` is written twice in the same object"))
                            .with_label(name_span(&prop.name), "written again here")
                            .with_label(name_span(&first.name), "first written here")
                            .with_help("keep one of them: readers of JSON disagree on which one counts"),
                    ));
                }
                duplicate_keys(&prop.value, problems);
            }
        }
        ast::Value::Array(array) => array.elements.iter().for_each(|e| duplicate_keys(e, problems)),
        _ => {}
    }
}

/// The node at a JSON pointer.
fn node_at<'t, 'a>(tree: &'t ast::Value<'a>, pointer: &str) -> Option<&'t ast::Value<'a>> {
    let mut node = tree;
    for segment in pointer_segments(pointer) {
        node = match node {
            ast::Value::Object(object) => {
                &object.properties.iter().rev().find(|p| prop_name(&p.name) == segment)?.value
            }
            ast::Value::Array(array) => array.elements.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The segments of a JSON pointer, unescaped.
pub fn pointer_segments(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~"))
}

/// Where a value is, in words: the list item it belongs to ("supply line 4") and the path of
/// fields within it (`origin.extraction`). `words` name the items of lists by the list's key.
pub fn describe_place(pointer: &str, words: &[(&str, &str)]) -> String {
    let (item, path) = item_and_path(pointer, words);
    match (item, path) {
        (Some(item), Some(path)) => format!("{item}: `{path}`"),
        (Some(item), None) => item,
        (None, Some(path)) => format!("`{path}`"),
        (None, None) => String::new(),
    }
}

fn item_and_path(pointer: &str, words: &[(&str, &str)]) -> (Option<String>, Option<String>) {
    let segments: Vec<String> = pointer_segments(pointer).collect();
    let mut item = None;
    let mut rest = 0;
    for i in 0..segments.len() {
        let index = segments.get(i + 1).and_then(|s| s.parse::<usize>().ok());
        if let (Some((_, name)), Some(index)) = (words.iter().find(|(list, _)| *list == segments[i]), index) {
            item = Some(format!("{name} {}", index + 1));
            rest = i + 2;
        }
    }
    // `origin.extraction`, `stages[0]`: as jq and JSONPath write them.
    let mut path = String::new();
    for segment in &segments[rest..] {
        if !path.is_empty() && segment.parse::<usize>().is_ok() {
            path.push_str(&format!("[{segment}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(segment);
        }
    }
    (item, (!path.is_empty()).then_some(path))
}

/// How a schema error relates to another: a missing field, or an unknown field that is a
/// likely misspelling of an allowed one (each with the object's pointer and the field).
enum Pair {
    Missing(String, String),
    Misspelt(String, String),
    None,
}

fn schema_problem(
    schema: &Schema,
    tree: Option<&ast::Value<'_>>,
    document: &Value,
    error: &jsonschema::ValidationError<'_>,
) -> (Problem, Pair) {
    use jsonschema::error::ValidationErrorKind as Kind;

    let pointer = error.instance_path().as_str().to_owned();
    let node = tree.and_then(|t| node_at(t, &pointer));
    let span = node.map_or(Span::at(0), |n| match n {
        // A whole object is too big a label: point at its opening brace.
        ast::Value::Object(o) => Span::new(o.range.start, o.range.start + 1),
        ast::Value::Array(a) => Span::new(a.range.start, a.range.start + 1),
        other => span_of(other),
    });
    if let Kind::AdditionalProperties { unexpected } = error.kind() {
        let name = unexpected.first().cloned().unwrap_or_default();
        return unknown_field(schema, node, pointer, &name, span, parent_pointer(error.schema_path().as_str()));
    }
    let instance = document.pointer(&pointer);
    let (message, label, mut help) = in_words(schema, &pointer, instance, error);
    // The fix goes with the help that names it: the closest allowed value, unless a hint
    // says better (and then its own value, if it has one).
    let mut fix = closest_choice(instance, &allowed_values(schema, error));
    if let Some(advice) = instance.and_then(|v| schema.hint(&pointer, v)) {
        help = Some(advice.help);
        fix = advice.replacement;
    }
    let mut diagnostic = Diagnostic::new(Code::Schema, message).with_label(span, label);
    if let (Some(fix), Some(ast::Value::StringLit(_))) = (fix, node) {
        diagnostic = diagnostic.with_suggestion(Suggestion::json_string(span, &fix));
    }
    if let Some(help) = help {
        diagnostic = diagnostic.with_help(help);
    }
    let pair = match error.kind() {
        Kind::Required { property } => Pair::Missing(pointer.clone(), property.as_str().unwrap_or_default().to_owned()),
        _ => Pair::None,
    };
    (Problem { pointer, diagnostic }, pair)
}

/// A field the schema does not allow, labelled at its key, with the field it is likely a
/// misspelling of (`schema_object` is the pointer of the schema object that lists them).
fn unknown_field(
    schema: &Schema,
    node: Option<&ast::Value<'_>>,
    pointer: String,
    name: &str,
    span: Span,
    schema_object: &str,
) -> (Problem, Pair) {
    let allowed = schema.property_names(schema_object);
    let key_span = match node {
        Some(ast::Value::Object(o)) => {
            o.properties.iter().find(|p| prop_name(&p.name) == name).map(|p| name_span(&p.name))
        }
        _ => None,
    };
    let (item, path) = item_and_path(&pointer, schema.place_words());
    let field = path.map_or(name.to_owned(), |p| format!("{p}.{name}"));
    let where_ = item.map(|i| format!(" in {i}")).unwrap_or_default();
    let close = crate::suggest::did_you_mean(name, allowed.iter().map(String::as_str));
    let pair = close.map_or(Pair::None, |c| Pair::Misspelt(pointer.clone(), c.to_owned()));
    let help = match close {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("the fields allowed here are: {}", allowed.join(", ")),
    };
    let mut diagnostic = Diagnostic::new(Code::Schema, format!("unknown field `{field}`{where_}"))
        .with_label(key_span.unwrap_or(span), "not a field of this object")
        .with_help(help);
    if let (Some(close), Some(key_span)) = (close, key_span) {
        diagnostic = diagnostic.with_suggestion(Suggestion::json_string(key_span, close));
    }
    (Problem { pointer: format!("{pointer}/{name}"), diagnostic }, pair)
}

/// A schema error in words: the message, the label and, where one helps, the help.
fn in_words(
    schema: &Schema,
    pointer: &str,
    instance: Option<&Value>,
    error: &jsonschema::ValidationError<'_>,
) -> (String, String, Option<String>) {
    use jsonschema::error::ValidationErrorKind as Kind;

    let place = describe_place(pointer, schema.place_words());
    let subject = if place.is_empty() { "the document".to_owned() } else { place };
    let found = instance.map(describe_value).unwrap_or_default();
    let schema_path = error.schema_path().as_str();
    let close_to =
        |choices: &[String]| closest_choice(instance, choices).map(|close| format!("did you mean `{close}`?"));
    match error.kind() {
        Kind::Required { property } => {
            let name = property.as_str().unwrap_or_default().to_owned();
            let description = schema.property_description(parent_pointer(schema_path), &name);
            (
                format!("{subject} has no `{name}`"),
                format!("`{name}` is required here"),
                description.map(|d| format!("`{name}`: {d}")),
            )
        }
        Kind::Type { kind } => {
            let expected = type_words(&format!("{kind:?}"));
            (format!("{subject} must be {expected}, not {found}"), format!("expected {expected}"), None)
        }
        Kind::Enum { .. } => {
            let choices = allowed_values(schema, error);
            let help = close_to(&choices);
            (
                format!("{subject} must be one of {}; found {found}", choices.join(", ")),
                "not one of the allowed values".to_owned(),
                help,
            )
        }
        Kind::Constant { expected_value } => {
            // A constant asked for by an `if`/`then` of the schema: say which field asks.
            let help = schema_path
                .split_once("/then/")
                .and_then(|(owner, _)| schema.if_required(owner))
                .map(|fields| format!("{fields} is given, which only such a value allows"));
            (format!("{subject} must be {expected_value}; found {found}"), format!("expected {expected_value}"), help)
        }
        Kind::ExclusiveMinimum { limit } => (
            format!("{subject} must be greater than {limit}; found {found}"),
            format!("must be greater than {limit}"),
            None,
        ),
        Kind::Minimum { limit } => {
            (format!("{subject} must be at least {limit}; found {found}"), format!("must be at least {limit}"), None)
        }
        Kind::ExclusiveMaximum { limit } => {
            (format!("{subject} must be less than {limit}; found {found}"), format!("must be less than {limit}"), None)
        }
        Kind::Maximum { limit } => {
            (format!("{subject} must be at most {limit}; found {found}"), format!("must be at most {limit}"), None)
        }
        Kind::MinLength { .. } => (format!("{subject} must not be empty"), "empty".to_owned(), None),
        Kind::MinItems { limit } => (
            format!("{subject} must have at least {limit} item{}", if *limit == 1 { "" } else { "s" }),
            "too few items".to_owned(),
            None,
        ),
        Kind::Pattern { pattern } => {
            let expected = schema.pattern_words(pattern).unwrap_or("of another form");
            (format!("{subject} must be {expected}; found {found}"), format!("not {expected}"), None)
        }
        Kind::AnyOf { .. } | Kind::OneOfNotValid { .. } => {
            let words = schema.alternatives(schema_path).1;
            let choices = allowed_values(schema, error);
            let help = close_to(&choices);
            (format!("{subject} must be {words}; found {found}"), "not one of the allowed values".to_owned(), help)
        }
        _ => (format!("{subject}: {error}"), "here".to_owned(), None),
    }
}

/// The values an error about a list of allowed values allows (none for other errors).
fn allowed_values(schema: &Schema, error: &jsonschema::ValidationError<'_>) -> Vec<String> {
    use jsonschema::error::ValidationErrorKind as Kind;

    match error.kind() {
        Kind::Enum { options } => options
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().map_or(v.to_string(), str::to_owned)).collect())
            .unwrap_or_default(),
        Kind::AnyOf { .. } | Kind::OneOfNotValid { .. } => schema.alternatives(error.schema_path().as_str()).0,
        _ => Vec::new(),
    }
}

/// The choice a string value is likely a misspelling of.
fn closest_choice(instance: Option<&Value>, choices: &[String]) -> Option<String> {
    let text = instance.and_then(Value::as_str)?;
    crate::suggest::did_you_mean(text, choices.iter().map(String::as_str)).map(str::to_owned)
}

fn parent_pointer(pointer: &str) -> &str {
    pointer.rfind('/').map_or("", |at| &pointer[..at])
}

/// A value in words, for "…; found a string \"12\"".
pub fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() > 40 => {
            format!("a string \"{}…\"", s.chars().take(40).collect::<String>())
        }
        Value::String(s) => format!("\"{s}\""),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_in_words() {
        let words = [("supplies", "supply line"), ("waivers", "waiver")];
        assert_eq!(describe_place("/supplies/3/unit", &words), "supply line 4: `unit`");
        assert_eq!(describe_place("/supplies/3/origin/extraction", &words), "supply line 4: `origin.extraction`");
        assert_eq!(describe_place("/supplies/3", &words), "supply line 4");
        assert_eq!(describe_place("/consumption/lithium", &words), "`consumption.lithium`");
        assert_eq!(describe_place("", &words), "");
    }

    #[test]
    fn syntax_errors_in_plain_words() {
        let source = Source::new("x.json", "{\n  \"a\": 1\n  \"b\": 2\n}");
        let error = serde_json::from_str::<Value>(source.text()).unwrap_err();
        let diagnostic = syntax_error(&source, &error);
        assert_eq!(diagnostic.message, "expected `,` or `}` after a field (is a comma missing?)");
        assert_eq!(source.slice(diagnostic.primary_span().unwrap()), "\"");
        assert_eq!(source.line_col(diagnostic.primary_span().unwrap().start as usize).line, 3);
    }

    #[test]
    fn syntax_errors_cover_the_offending_token() {
        for (text, expected) in [
            ("[1,2,]", ","),
            ("{\"a\": 1e400}", "1e400"),
            ("{\"a\": tru}", "tru"),
            ("{\"a\": 01}", "01"),
            ("{\"a\": 1} x", "x"),
        ] {
            let source = Source::new("x.json", text);
            let error = serde_json::from_str::<Value>(text).unwrap_err();
            let diagnostic = syntax_error(&source, &error);
            assert_eq!(source.slice(diagnostic.primary_span().unwrap()), expected, "{text}");
        }
    }
}
