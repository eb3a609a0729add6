//! Values that remember where they were written.
//!
//! [`Spanned`] deserialises through a borrowed [`RawValue`], a slice of the input text, so its
//! span is the slice's offset in the source: free to record, and exact. Only the small values
//! that diagnostics point at are spanned (a material name, an amount, a country code).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde_json::value::RawValue;

use crate::source::{Source, Span};

/// A JSON value of type `T` and the exact text it was read from.
#[derive(Debug, Clone)]
pub struct Spanned<'de, T> {
    /// The value's JSON text, a slice of the source.
    pub raw: &'de str,
    /// The value.
    pub value: T,
}

impl<T> Spanned<'_, T> {
    /// Where the value is in `source` (an empty span at its start if the value was not
    /// borrowed from it).
    pub fn span(&self, source: &Source) -> Span {
        source.span_of(self.raw).unwrap_or_else(|| Span::new(0, 0))
    }
}

/// A type read from the raw JSON text of one value.
pub trait FromRaw<'de>: Sized {
    /// The value, or a description of the JSON type that was expected.
    fn from_raw(raw: &'de str) -> Result<Self, &'static str>;
}

impl<'de: 'a, 'a, T: FromRaw<'a>> Deserialize<'de> for Spanned<'a, T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <&'a RawValue>::deserialize(deserializer)?.get();
        let value = T::from_raw(raw).map_err(|expected| de::Error::custom(format_args!("expected {expected}")))?;
        Ok(Spanned { raw, value })
    }
}

/// A JSON string, borrowed from the source unless it holds escapes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Text<'de>(pub Cow<'de, str>);

impl<'de> Text<'de> {
    /// The string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The string, if it was borrowed from the source (it holds no escapes).
    pub fn borrowed(&self) -> Option<&'de str> {
        match self.0 {
            Cow::Borrowed(text) => Some(text),
            Cow::Owned(_) => None,
        }
    }

    /// Where the string (with its quotes) is in `source`; `None` for a string with escapes,
    /// which is decoded into a copy. Strings are read this way, not as raw values, on the
    /// hot path: one scan of the text instead of two.
    pub fn span(&self, source: &Source) -> Option<Span> {
        let content = source.span_of(self.borrowed()?)?;
        Some(Span::new(content.start as usize - 1, content.end() + 1))
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> FromRaw<'de> for Text<'de> {
    fn from_raw(raw: &'de str) -> Result<Self, &'static str> {
        let inner = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')).ok_or("a string")?;
        if !inner.contains('\\') {
            return Ok(Text(Cow::Borrowed(inner)));
        }
        serde_json::from_str::<String>(raw).map(|s| Text(Cow::Owned(s))).map_err(|_| "a string")
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(TextVisitor(std::marker::PhantomData))
    }
}

/// A JSON number, kept as its text so that it can be read exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number<'de>(pub &'de str);

impl Number<'_> {
    /// The number, if it is a whole number a `u64` holds (`2030`, `2030.0`, `2.03e3`).
    pub fn integer(self) -> Option<u64> {
        crate::quantity::Decimal::parse(self.0).ok()?.to_integer()
    }
}

impl<'de> FromRaw<'de> for Number<'de> {
    fn from_raw(raw: &'de str) -> Result<Self, &'static str> {
        match raw.as_bytes().first() {
            Some(b'-' | b'0'..=b'9') => Ok(Number(raw)),
            _ => Err("a number"),
        }
    }
}

/// Deserialises a field that may be absent but, when present, must hold a `T` (an explicit
/// `null` is an error, as the schemas say). Use with `#[serde(default)]`.
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Line<'a> {
        #[serde(borrow)]
        material: Spanned<'a, Text<'a>>,
        #[serde(borrow)]
        amount: Spanned<'a, Number<'a>>,
    }

    #[test]
    fn spans_are_offsets_into_the_source() {
        let source = Source::new("x", r#"{"material": "lithium", "amount": 0.325}"#);
        let line: Line = serde_json::from_str(source.text()).unwrap();
        assert_eq!(line.material.value.as_str(), "lithium");
        assert_eq!(source.slice(line.material.span(&source)), "\"lithium\"");
        assert_eq!(line.amount.value, Number("0.325"));
        assert_eq!(line.amount.span(&source), Span::new(34, 39));
    }

    #[test]
    fn escaped_strings_are_decoded() {
        let source = Source::new("x", r#"{"material": "lith\u0069um", "amount": 1}"#);
        let line: Line = serde_json::from_str(source.text()).unwrap();
        assert_eq!(line.material.value.as_str(), "lithium");
    }

    #[test]
    fn wrong_types_fail() {
        assert!(serde_json::from_str::<Line>(r#"{"material": 5, "amount": 1}"#).is_err());
        assert!(serde_json::from_str::<Line>(r#"{"material": "x", "amount": "1"}"#).is_err());
        assert!(serde_json::from_str::<Line>(r#"{"material": null, "amount": 1}"#).is_err());
    }
}
