//! Syntax errors: whether a document is JSON as `serde_json::Value` reads it, and where not,
//! in plain words at the offending character.
//!
//! The error path never holds a whole document as a `Value`; [`first_error`] reads one the
//! way a `Value` is read (the same recursion limit, the same checks of numbers and strings)
//! and keeps nothing, so that a syntax error is found, and said, exactly where it always was.

use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Source, Span};

/// The first syntax error of `text` as `serde_json::from_str::<Value>` finds it, if any.
pub(super) fn first_error(text: &str) -> Option<serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    Checked::deserialize(&mut deserializer).and_then(|_| deserializer.end()).err()
}

/// Any JSON value, read as a `Value` reads it, kept nowhere.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Checked, D::Error> {
        deserializer.deserialize_any(CheckedVisitor)
    }
}

struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_none<E: de::Error>(self) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        while map.next_key_seed(Key)?.is_some() {
            map.next_value::<Checked>()?;
        }
        Ok(Checked)
    }
}

/// A key, read as a `Value` reads keys.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
}

/// A `serde_json` syntax error in plain words, at its character.
pub(super) fn syntax_error(source: &Source, error: &serde_json::Error) -> Diagnostic {
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
pub(super) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn the_first_error_is_the_one_a_value_finds() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let cases = [
            "{\"a\": 1,}".to_owned(),
            "{\"a\": 1e400}".to_owned(),
            "{\"a\": \"\\ud800\"}".to_owned(),
            "{\"a\": [1, 2}".to_owned(),
            "{\"a\": 01}".to_owned(),
            "{\"a\": {\"b\": tru}}".to_owned(),
            format!("{{\"a\": {}}}", deep(127)),
            format!("{{\"a\": {}}}", deep(126)),
            format!("{{\"a\": {}", "{\"a\": ".repeat(5000)),
            "{\"$serde_json::private::RawValue\": 1e400}".to_owned(),
            "{} x".to_owned(),
            "[]".to_owned(),
        ];
        for text in cases {
            let expected = serde_json::from_str::<Value>(&text).err().map(|e| e.to_string());
            assert_eq!(first_error(&text).map(|e| e.to_string()), expected, "{text}");
        }
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
