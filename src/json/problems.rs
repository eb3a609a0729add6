//! Schema errors in words, at their places: what a part of a document (a value, or the keys
//! of an object) breaks of its schema, said as a person would want it said, and labelled at
//! the offending value or key.
//!
//! A part is validated on its own against its sub-schema (see [`super::walk`]); the error's
//! pointers are relative to it, and a [`Locate`] finds their spans in the file.

use std::borrow::Cow;

use jsonc_parser::ast::{self, ObjectPropName};
use jsonc_parser::common::Ranged;
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic, Suggestion};
use crate::source::Span;

use super::schema::{Schema, type_words};
use super::shape::escape;

/// A diagnostic and the JSON pointer of the value it is about.
#[derive(Debug)]
pub struct Problem {
    /// The JSON pointer (`/supplies/3/unit`); empty for the whole document.
    pub pointer: String,
    /// The diagnostic.
    pub diagnostic: Diagnostic,
}

impl Problem {
    /// A problem of the whole document.
    pub(super) fn root(diagnostic: Diagnostic) -> Problem {
        Problem { pointer: String::new(), diagnostic }
    }

    /// What makes two problems the same problem at two places: the code, the place but for
    /// the number of the list item (`/supplies/#/unit`), the message but for that number,
    /// the labels' words and the help.
    pub(super) fn key(&self, words: &[(&str, &str)]) -> String {
        let d = &self.diagnostic;
        let message = match d.item_number_range() {
            Some(range) => Cow::Owned(format!("{}#{}", &d.message[..range.start], &d.message[range.end..])),
            None => Cow::Borrowed(d.message.as_str()),
        };
        let mut key = format!("{}\u{1f}{}\u{1f}{message}", d.code.id(), abstract_pointer(&self.pointer, words));
        for label in &d.labels {
            key.push('\u{1f}');
            key.push_str(&label.text);
        }
        key.push('\u{1f}');
        key.push_str(d.help.as_deref().unwrap_or_default());
        key
    }
}

/// Where the values and keys of a part of a document are written.
pub(super) trait Locate {
    /// The span to label for the value at `pointer` (relative to the part): a scalar whole,
    /// an object or a list by its opening bracket (the whole would be too big a label).
    fn value(&self, pointer: &str) -> Option<Span>;
    /// The span of the key `name` (its first writing) of the object at `pointer`.
    fn key(&self, pointer: &str, name: &str) -> Option<Span>;
}

/// The problems of a part of a document: its duplicate keys, then its schema errors,
/// `errors` of a validator run on `instance`, the part as a `Value`. `pointer` is the part's
/// pointer in the document; `schema_prefix` what makes the errors' schema paths absolute in
/// the schema document (empty where they are). In the order of the part's text.
pub(super) fn part_problems<'v>(
    schema: &Schema,
    locate: &dyn Locate,
    pointer: &str,
    schema_prefix: &str,
    instance: &Value,
    duplicates: Vec<Problem>,
    errors: impl Iterator<Item = jsonschema::ValidationError<'v>>,
) -> Vec<Problem> {
    let mut problems = duplicates;
    let mut pairs = Vec::new();
    for error in errors {
        let (problem, pair) = schema_problem(schema, locate, pointer, schema_prefix, instance, &error);
        pairs.push(pair);
        problems.push(problem);
    }
    // A misspelt field (`suplies`) also makes the real one (`supplies`) missing: say it once.
    let offset = problems.len() - pairs.len();
    let misspelt: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|p| match p {
            Pair::Misspelt(o, f) => Some((o.clone(), f.clone())),
            _ => None,
        })
        .collect();
    let mut index: usize = 0;
    problems.retain(|_| {
        let pair = index.checked_sub(offset).and_then(|n| pairs.get(n));
        let keep = !matches!(pair, Some(Pair::Missing(o, fields))
            if fields.iter().any(|f| misspelt.contains(&(o.clone(), f.clone()))));
        index += 1;
        keep
    });
    problems.sort_by_key(|p| p.diagnostic.primary_span().map(|s| s.start));
    problems
}

/// A key written twice in one object (JSON parsers disagree on which one wins).
pub(super) fn duplicate_key(object_pointer: &str, name: &str, again: Span, first: Span) -> Problem {
    Problem {
        pointer: object_pointer.to_owned(),
        diagnostic: Diagnostic::new(Code::DuplicateKey, format!("`{name}` is written twice in the same object"))
            .with_label(again, "written again here")
            .with_label(first, "first written here")
            .with_help("keep one of them: readers of JSON disagree on which one counts"),
    }
}

// ---- Locating through a syntax tree ------------------------------------------------------

/// The syntax tree of a part's text (spans in the file: the part starts at `offset`), for a
/// part that holds objects or lists.
pub(super) struct Tree<'t> {
    root: ast::Value<'t>,
    offset: usize,
}

impl<'t> Tree<'t> {
    /// The tree of `text`, a part of the file starting at `offset`.
    pub(super) fn parse(text: &'t str, offset: usize) -> Option<Tree<'t>> {
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
        let root = jsonc_parser::parse_to_ast(text, &Default::default(), &options).ok()?.value?;
        Some(Tree { root, offset })
    }

    fn span_of(&self, node: &impl Ranged) -> Span {
        let range = node.range();
        Span::new(self.offset + range.start, self.offset + range.end)
    }

    fn name_span(&self, name: &ObjectPropName<'_>) -> Span {
        match name {
            ObjectPropName::String(s) => self.span_of(s),
            ObjectPropName::Word(w) => self.span_of(w),
        }
    }

    /// The node at a JSON pointer (the last of keys written twice, as `Value` keeps).
    fn node_at(&self, pointer: &str) -> Option<&ast::Value<'t>> {
        let mut node = &self.root;
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

    /// Every key written twice in one object of the part (`pointer` is the part's).
    pub(super) fn duplicate_keys(&self, pointer: &str) -> Vec<Problem> {
        let mut problems = Vec::new();
        self.duplicates_in(&self.root, pointer, &mut problems);
        problems
    }

    fn duplicates_in(&self, node: &ast::Value<'_>, pointer: &str, problems: &mut Vec<Problem>) {
        match node {
            ast::Value::Object(object) => {
                for (n, prop) in object.properties.iter().enumerate() {
                    let name = prop_name(&prop.name);
                    if let Some(first) = object.properties[..n].iter().find(|p| prop_name(&p.name) == name) {
                        let (again, first) = (self.name_span(&prop.name), self.name_span(&first.name));
                        problems.push(duplicate_key(pointer, &name, again, first));
                    }
                    self.duplicates_in(&prop.value, &format!("{pointer}/{}", escape(&name)), problems);
                }
            }
            ast::Value::Array(array) => {
                for (n, element) in array.elements.iter().enumerate() {
                    self.duplicates_in(element, &format!("{pointer}/{n}"), problems);
                }
            }
            _ => {}
        }
    }
}

impl Locate for Tree<'_> {
    fn value(&self, pointer: &str) -> Option<Span> {
        Some(match self.node_at(pointer)? {
            ast::Value::Object(o) => Span::new(self.offset + o.range.start, self.offset + o.range.start + 1),
            ast::Value::Array(a) => Span::new(self.offset + a.range.start, self.offset + a.range.start + 1),
            other => self.span_of(other),
        })
    }

    fn key(&self, pointer: &str, name: &str) -> Option<Span> {
        match self.node_at(pointer)? {
            ast::Value::Object(o) => {
                o.properties.iter().find(|p| prop_name(&p.name) == name).map(|p| self.name_span(&p.name))
            }
            _ => None,
        }
    }
}

fn prop_name(name: &ObjectPropName<'_>) -> String {
    match name {
        ObjectPropName::String(s) => s.value.to_string(),
        ObjectPropName::Word(w) => w.value.to_string(),
    }
}

// ---- Places in words ---------------------------------------------------------------------

/// The segments of a JSON pointer, unescaped.
pub fn pointer_segments(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~"))
}

/// A pointer with the number of each named list item replaced by `#` (`/supplies/#/unit`).
fn abstract_pointer(pointer: &str, words: &[(&str, &str)]) -> String {
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    let mut out = String::with_capacity(pointer.len());
    for (i, segment) in segments.iter().enumerate() {
        out.push('/');
        let numbered =
            i > 0 && words.iter().any(|(list, _)| *list == segments[i - 1]) && segment.parse::<usize>().is_ok();
        out.push_str(if numbered { "#" } else { segment });
    }
    out
}

/// A list item a message names: "supply line 4".
struct Item<'w> {
    words: &'w str,
    number: usize,
}

impl Item<'_> {
    fn text(&self) -> String {
        format!("{} {}", self.words, self.number)
    }

    /// The range of the number in the item's text.
    fn number_range(&self) -> std::ops::Range<usize> {
        let start = self.words.len() + 1;
        start..start + self.number.to_string().len()
    }
}

/// Where a value is, in words: the list item it belongs to ("supply line 4") and the path of
/// fields within it (`origin.extraction`): "supply line 4: `origin.extraction`",
/// "supply line 4", "`year`", or nothing for the document.
fn subject_of(item: Option<&Item<'_>>, path: Option<String>) -> Option<String> {
    match (item, path) {
        (Some(item), Some(path)) => Some(format!("{}: `{path}`", item.text())),
        (Some(item), None) => Some(item.text()),
        (None, Some(path)) => Some(format!("`{path}`")),
        (None, None) => None,
    }
}

fn item_and_path<'w>(pointer: &str, words: &[(&str, &'w str)]) -> (Option<Item<'w>>, Option<String>) {
    let segments: Vec<String> = pointer_segments(pointer).collect();
    let mut item = None;
    let mut rest = 0;
    for i in 0..segments.len() {
        let index = segments.get(i + 1).and_then(|s| s.parse::<usize>().ok());
        if let (Some((_, name)), Some(index)) = (words.iter().find(|(list, _)| *list == segments[i]), index) {
            item = Some(Item { words: name, number: index + 1 });
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

// ---- Schema errors in words ----------------------------------------------------------------

/// How a schema error relates to another: a missing field, or an unknown field that is a
/// likely misspelling of an allowed one (each with the object's pointer and the field; a
/// missing field may be one of several, any of which would do).
enum Pair {
    Missing(String, Vec<String>),
    Misspelt(String, String),
    None,
}

fn schema_problem(
    schema: &Schema,
    locate: &dyn Locate,
    base: &str,
    schema_prefix: &str,
    instance_root: &Value,
    error: &jsonschema::ValidationError<'_>,
) -> (Problem, Pair) {
    use jsonschema::error::ValidationErrorKind as Kind;

    let relative = error.instance_path().as_str();
    let pointer = format!("{base}{relative}");
    let schema_path = format!("{schema_prefix}{}", error.schema_path().as_str());
    let span = locate.value(relative).unwrap_or(Span::at(0));
    if let Kind::AdditionalProperties { unexpected } = error.kind() {
        let name = unexpected.first().cloned().unwrap_or_default();
        let key_span = locate.key(relative, &name);
        return unknown_field(schema, pointer, &name, (span, key_span), parent_pointer(&schema_path));
    }
    let instance = instance_root.pointer(relative);
    let (item, path) = item_and_path(&pointer, schema.place_words());
    let subject = subject_of(item.as_ref(), path).unwrap_or_else(|| "the document".to_owned());
    let (message, label, mut help) = in_words(schema, &subject, &schema_path, instance, error);
    // The fix goes with the help that names it: the closest allowed value, unless a hint
    // says better (and then its own value, if it has one).
    let mut fix = closest_choice(instance, &allowed_values(schema, &schema_path, error));
    if let Some(advice) = instance.and_then(|v| schema.hint(&pointer, v)) {
        help = Some(advice.help);
        fix = advice.replacement;
    }
    let mut diagnostic = Diagnostic::new(Code::Schema, message).with_label(span, label);
    if let (Some(fix), Some(Value::String(_))) = (fix, instance) {
        diagnostic = diagnostic.with_suggestion(Suggestion::json_string(span, &fix));
    }
    if let Some(item) = &item {
        // Every message of `in_words` starts with its subject, and so with the item.
        diagnostic = diagnostic.with_item_number(item.number_range());
    }
    if let Some(help) = help {
        diagnostic = diagnostic.with_help(help);
    }
    let pair = match error.kind() {
        Kind::Required { property } => {
            Pair::Missing(pointer.clone(), vec![property.as_str().unwrap_or_default().to_owned()])
        }
        Kind::AnyOf { .. } | Kind::OneOfNotValid { .. } => match schema.required_alternatives(&schema_path) {
            Some(fields) => Pair::Missing(pointer.clone(), fields.into_iter().map(str::to_owned).collect()),
            None => Pair::None,
        },
        _ => Pair::None,
    };
    (Problem { pointer, diagnostic }, pair)
}

/// A field the schema does not allow, labelled at its key (where found, else at its value:
/// `spans`), with the field it is likely a misspelling of (`schema_object` is the pointer of
/// the schema object that lists them).
fn unknown_field(
    schema: &Schema,
    pointer: String,
    name: &str,
    spans: (Span, Option<Span>),
    schema_object: &str,
) -> (Problem, Pair) {
    let (value_span, key_span) = spans;
    let span = key_span.unwrap_or(value_span);
    let allowed = schema.property_names(schema_object);
    let (item, path) = item_and_path(&pointer, schema.place_words());
    let field = path.map_or(name.to_owned(), |p| format!("{p}.{name}"));
    let where_ = item.as_ref().map(|i| format!(" in {}", i.text())).unwrap_or_default();
    let close = crate::suggest::did_you_mean(name, allowed.iter().map(String::as_str));
    let pair = close.map_or(Pair::None, |c| Pair::Misspelt(pointer.clone(), c.to_owned()));
    let help = match close {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("the fields allowed here are: {}", allowed.join(", ")),
    };
    let message = format!("unknown field `{field}`{where_}");
    let mut diagnostic =
        Diagnostic::new(Code::Schema, message.clone()).with_label(span, "not a field of this object").with_help(help);
    if let (Some(close), Some(key_span)) = (close, key_span) {
        diagnostic = diagnostic.with_suggestion(Suggestion::json_string(key_span, close));
    }
    if let Some(item) = &item {
        // The message ends with the item.
        let range = item.number_range();
        let start = message.len() - item.text().len();
        diagnostic = diagnostic.with_item_number(start + range.start..start + range.end);
    }
    (Problem { pointer: format!("{pointer}/{}", escape(name)), diagnostic }, pair)
}

/// A schema error in words: the message (which starts with `subject`), the label and, where
/// one helps, the help.
fn in_words(
    schema: &Schema,
    subject: &str,
    schema_path: &str,
    instance: Option<&Value>,
    error: &jsonschema::ValidationError<'_>,
) -> (String, String, Option<String>) {
    use jsonschema::error::ValidationErrorKind as Kind;

    let found = instance.map(describe_value).unwrap_or_default();
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
            let choices = allowed_values(schema, schema_path, error);
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
        Kind::AnyOf { .. } | Kind::OneOfNotValid { .. } if schema.required_alternatives(schema_path).is_some() => {
            let fields = schema.required_alternatives(schema_path).unwrap_or_default();
            let named: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
            let either = named.join(" or ");
            // What each of them is, in the first sentence of its description.
            let object = parent_pointer(schema_path);
            let help: Vec<String> = fields
                .iter()
                .filter_map(|f| {
                    let description = schema.property_description(object, f)?;
                    Some(format!(
                        "`{f}`: {}",
                        description.split(". ").next().unwrap_or(description).trim_end_matches('.')
                    ))
                })
                .collect();
            (
                format!("{subject} has no {either}"),
                format!("{either} is required here"),
                (!help.is_empty()).then(|| help.join("; ")),
            )
        }
        Kind::AnyOf { .. } | Kind::OneOfNotValid { .. } => {
            let words = schema.alternatives(schema_path).1;
            let choices = allowed_values(schema, schema_path, error);
            let help = close_to(&choices);
            (format!("{subject} must be {words}; found {found}"), "not one of the allowed values".to_owned(), help)
        }
        _ => (format!("{subject}: {error}"), "here".to_owned(), None),
    }
}

/// The values an error about a list of allowed values allows (none for other errors);
/// `schema_path` is the error's path in the whole schema.
fn allowed_values(schema: &Schema, schema_path: &str, error: &jsonschema::ValidationError<'_>) -> Vec<String> {
    use jsonschema::error::ValidationErrorKind as Kind;

    match error.kind() {
        Kind::Enum { options } => options
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().map_or(v.to_string(), str::to_owned)).collect())
            .unwrap_or_default(),
        Kind::AnyOf { .. } | Kind::OneOfNotValid { .. } => schema.alternatives(schema_path).0,
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

    fn describe_place(pointer: &str, words: &[(&str, &str)]) -> String {
        let (item, path) = item_and_path(pointer, words);
        subject_of(item.as_ref(), path).unwrap_or_default()
    }

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
    fn the_same_problem_at_two_items_has_one_key() {
        let words = [("supplies", "supply line")];
        let at = |n: usize| {
            let message = format!("supply line {n}: `unit` must be one of t, kg; found \"kilo\"");
            let digits = n.to_string().len();
            Problem {
                pointer: format!("/supplies/{}/unit", n - 1),
                diagnostic: Diagnostic::new(Code::Schema, message)
                    .with_label(Span::new(n, n + 6), "not one of the allowed values")
                    .with_item_number(12..12 + digits),
            }
        };
        assert_eq!(at(4).key(&words), at(1234).key(&words));
        assert_eq!(abstract_pointer("/supplies/3/unit", &words), "/supplies/#/unit");
        assert_eq!(abstract_pointer("/consumption/3/unit", &words), "/consumption/3/unit");
    }
}
