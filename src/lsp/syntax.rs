//! Where an offset is in a JSON document that may be half-typed: the keys and indexes that
//! lead to it, whether it is in a key or a value, and the token it is in.
//!
//! A tolerant scan of tokens, never a parse: a document being typed is rarely valid JSON,
//! and hover and completion must still know that the cursor is in a supply line's
//! `material`. Missing commas and colons, stray words and unclosed strings are stepped
//! over; a string left open ends at the end of its line, as JSON strings cannot hold line
//! breaks. Nothing here allocates more than the nesting depth and the keys on the way.

use std::ops::Range;

/// A step on the way from the top of a document to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An object's member, by its key as written (escapes are not decoded).
    Key(String),
    /// A list's item, from 0.
    Index(usize),
}

/// Whether an offset is where a key or a value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A key of an object.
    Key,
    /// A value: an object member's or a list item.
    Value,
}

/// A string, number or word of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// All of it, the quotes of a string included.
    pub range: Range<usize>,
    /// A string's text between its quotes (to the end of its line if it is left open); all
    /// of it for a number or word.
    pub content: Range<usize>,
    /// Whether it is a string.
    pub string: bool,
    /// Whether it is complete: a string with its closing quote, or any other token.
    pub closed: bool,
}

/// Where an offset is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spot {
    /// The way to the value at the offset; for a key, the way to its object.
    pub path: Vec<Segment>,
    /// Whether the offset is in (or where one would write) a key or a value.
    pub role: Role,
    /// The token the offset is in, or just after; `None` between tokens.
    pub token: Option<Token>,
}

impl Spot {
    /// The path with `*` for every index (`["supplies", "*", "origin"]`): what the places
    /// of the formats are matched against.
    pub fn place(&self) -> Vec<&str> {
        self.path
            .iter()
            .map(|s| match s {
                Segment::Key(key) => key.as_str(),
                Segment::Index(_) => "*",
            })
            .collect()
    }
}

/// A lexical token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Open(u8),
    Close(u8),
    Colon,
    Comma,
    /// A string; whether it has its closing quote.
    Str(bool),
    /// A number, a word (`true`), or anything else that is not JSON.
    Scalar,
}

/// The tokens of `text` with their byte ranges (always on character boundaries: every
/// delimiter is ASCII).
fn tokens(text: &str) -> Tokens<'_> {
    Tokens { bytes: text.as_bytes(), i: 0 }
}

/// The tokens of a text, from a position (cloned to look ahead).
#[derive(Clone)]
struct Tokens<'a> {
    bytes: &'a [u8],
    i: usize,
}

impl Iterator for Tokens<'_> {
    type Item = (Kind, Range<usize>);

    fn next(&mut self) -> Option<(Kind, Range<usize>)> {
        let bytes = self.bytes;
        let mut i = self.i;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        let kind = match *bytes.get(i)? {
            b @ (b'{' | b'[') => Kind::Open(b),
            b @ (b'}' | b']') => Kind::Close(b),
            b':' => Kind::Colon,
            b',' => Kind::Comma,
            b'"' => {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None | Some(b'\n' | b'\r') => break Kind::Str(false),
                        Some(b'"') => {
                            i += 1;
                            break Kind::Str(true);
                        }
                        Some(b'\\') => i = (i + 2).min(bytes.len()),
                        Some(_) => i += 1,
                    }
                }
            }
            _ => {
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"{}[]:,\"".contains(&bytes[i]) {
                    i += 1;
                }
                Kind::Scalar
            }
        };
        if matches!(kind, Kind::Open(_) | Kind::Close(_) | Kind::Colon | Kind::Comma) {
            i += 1;
        }
        self.i = i;
        Some((kind, start..i))
    }
}

/// What an open object or list expects next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Key,
    Colon,
    Value,
    Comma,
}

/// An open object (with its current key) or list (with its current index).
#[derive(Debug)]
struct Frame {
    list: bool,
    key: String,
    index: usize,
    expect: Expect,
}

impl Frame {
    fn segment(&self) -> Segment {
        if self.list { Segment::Index(self.index) } else { Segment::Key(self.key.clone()) }
    }

    /// A value has been written in this frame.
    fn value_done(&mut self) {
        if self.list && self.expect == Expect::Comma {
            // Two items without a comma between them: count the second anyway.
            self.index += 1;
        }
        self.expect = Expect::Comma;
    }
}

/// Where `offset` is in `text`.
pub fn spot(text: &str, offset: usize) -> Spot {
    let mut frames: Vec<Frame> = Vec::new();
    for (kind, range) in tokens(text) {
        let is_string = matches!(kind, Kind::Str(_));
        if matches!(kind, Kind::Str(_) | Kind::Scalar) && range.start < offset && offset <= range.end {
            let closed = !matches!(kind, Kind::Str(false));
            let content = match kind {
                Kind::Str(true) => range.start + 1..range.end - 1,
                Kind::Str(false) => range.start + 1..range.end,
                _ => range.clone(),
            };
            let role = match frames.last() {
                Some(f) if !f.list && matches!(f.expect, Expect::Key | Expect::Comma | Expect::Colon) => Role::Key,
                _ => Role::Value,
            };
            let mut path = path_to(&frames, role);
            if role == Role::Key {
                // A key's path is its object's: drop the key being written.
                path.pop();
            }
            return Spot { path, role, token: Some(Token { range, content, string: is_string, closed }) };
        }
        if range.start >= offset {
            break;
        }
        match (kind, frames.last_mut()) {
            (Kind::Open(b), _) => {
                if let Some(parent) = frames.last_mut()
                    && parent.list
                    && parent.expect == Expect::Comma
                {
                    parent.index += 1;
                }
                let list = b == b'[';
                let expect = if list { Expect::Value } else { Expect::Key };
                frames.push(Frame { list, key: String::new(), index: 0, expect });
            }
            (Kind::Close(_), _) => {
                frames.pop();
                if let Some(parent) = frames.last_mut() {
                    parent.expect = Expect::Comma;
                }
            }
            (Kind::Colon, Some(frame)) if !frame.list => frame.expect = Expect::Value,
            (Kind::Comma, Some(frame)) => {
                if frame.list {
                    frame.index += 1;
                    frame.expect = Expect::Value;
                } else {
                    frame.key.clear();
                    frame.expect = Expect::Key;
                }
            }
            (Kind::Str(closed), Some(frame)) if !frame.list && frame.expect != Expect::Value => {
                // A key (after a missing comma or colon, too).
                let end = if closed { range.end - 1 } else { range.end };
                frame.key = text[range.start + 1..end].to_owned();
                frame.expect = Expect::Colon;
            }
            (Kind::Str(_) | Kind::Scalar, Some(frame)) => frame.value_done(),
            _ => {}
        }
    }
    let role = match frames.last() {
        Some(f) if !f.list && f.expect != Expect::Value => Role::Key,
        _ => Role::Value,
    };
    let mut path = path_to(&frames, role);
    if role == Role::Key {
        path.pop();
    }
    Spot { path, role, token: None }
}

/// The segments of every open frame; the innermost one's names the key or item being
/// written (a key of its own before a value, the next index in a list).
fn path_to(frames: &[Frame], role: Role) -> Vec<Segment> {
    let mut path: Vec<Segment> = frames.iter().map(Frame::segment).collect();
    if let (Some(last), Some(Segment::Index(index))) = (frames.last(), path.last_mut())
        && role == Role::Value
        && last.expect == Expect::Comma
    {
        // After an item and before its comma: still that item.
        *index = last.index;
    }
    path
}

/// The keys of the top-level object, each with the first byte of its value (`[` for a
/// list), in the order written: what tells a portfolio from a rule file. Lazy, so that a
/// caller can stop at the key that decides, without reading the rest of a large document.
pub fn top_level_keys(text: &str) -> impl Iterator<Item = (&str, Option<u8>)> {
    let mut tokens = tokens(text);
    let mut depth = 0usize;
    let mut pending: Option<&str> = None;
    std::iter::from_fn(move || {
        loop {
            let Some((kind, range)) = tokens.next() else {
                // A key at the very end, its value not begun.
                return pending.take().map(|key| (key, None));
            };
            match kind {
                Kind::Open(_) => depth += 1,
                Kind::Close(_) => depth = depth.saturating_sub(1),
                Kind::Str(true) if depth == 1 => pending = Some(&text[range.start + 1..range.end - 1]),
                Kind::Colon if depth == 1 => {
                    if let Some(key) = pending.take() {
                        let first = tokens.clone().next().map(|(_, r)| text.as_bytes()[r.start]);
                        return Some((key, first));
                    }
                }
                _ => pending = None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.to_owned())
    }

    /// The spot at the `|` in `marked` (which is removed).
    fn at(marked: &str) -> Spot {
        let offset = marked.find('|').expect("a marker");
        let text = marked.replacen('|', "", 1);
        spot(&text, offset)
    }

    #[test]
    fn values_and_keys_in_a_valid_document() {
        let s = at(r#"{"supplies": [{"material": "lith|ium", "amount": 1}, {"origin": {"processing": "CN"}}]}"#);
        assert_eq!((s.path, s.role), (vec![key("supplies"), Segment::Index(0), key("material")], Role::Value));
        let token = s.token.unwrap();
        assert!(token.string && token.closed);
        let s = at(r#"{"supplies": [{"material": "lithium"}, {"origin": {"proc|essing": "CN"}}]}"#);
        assert_eq!((s.place().join("/"), s.role), ("supplies/*/origin".to_owned(), Role::Key));
        let s = at(r#"{"supplies": [{"material": "lithium"}, {"origin": {"processing": "C|N"}}]}"#);
        assert_eq!(s.path, [key("supplies"), Segment::Index(1), key("origin"), key("processing")]);
        let s = at(r#"{"supplies": [{"amount": 12|34}]}"#);
        assert_eq!((s.place().join("/"), s.token.map(|t| t.string)), ("supplies/*/amount".to_owned(), Some(false)));
    }

    #[test]
    fn half_typed_documents() {
        // An open string ends the document: still the material's value.
        let s = at("{\"supplies\": [{\"material\": \"li|");
        assert_eq!((s.place().join("/"), s.role), ("supplies/*/material".to_owned(), Role::Value));
        assert_eq!(s.token.map(|t| (t.closed, t.content)), Some((false, 28..30)));
        // Between a colon and a value: a value, no token.
        let s = at("{\"supplies\": [{\"unit\": |");
        assert_eq!((s.place().join("/"), s.role, s.token), ("supplies/*/unit".to_owned(), Role::Value, None));
        // Where a key goes.
        let s = at("{\"supplies\": [{\"origin\": {|}}]}");
        assert_eq!((s.place().join("/"), s.role), ("supplies/*/origin".to_owned(), Role::Key));
        // A missing comma between items still counts the items.
        let s = at(r#"{"supplies": [{"a": 1} {"material": "|"}]}"#);
        assert_eq!(s.path[1], Segment::Index(1));
        // An open string ends at its line's end, so the next line is read as before.
        let s = at("{\"x\": \"open\n, \"waivers\": [{\"country\": \"|\"}]}");
        assert_eq!(s.place().join("/"), "waivers/*/country");
    }

    #[test]
    fn anything_at_all_is_a_spot() {
        for text in ["", "}}]]", "\"", "\\", "{\"a\\", "[[[[", "\u{0}\u{fffd}é😀", "{\"é\": \"😀\", 1 2 3 :::"] {
            for offset in 0..=text.len() {
                if text.is_char_boundary(offset) {
                    let _ = spot(text, offset);
                }
            }
            let _ = top_level_keys(text).count();
        }
    }

    #[test]
    fn top_level_keys_with_the_first_byte_of_their_values() {
        let keys: Vec<_> =
            top_level_keys(r#"{"year": 2030, "rules": [{"rules": 1}], "x": {"supplies": []}}"#).collect();
        assert_eq!(keys, [("year", Some(b'2')), ("rules", Some(b'[')), ("x", Some(b'{'))]);
        assert_eq!(top_level_keys(r#"{"supplies":"#).collect::<Vec<_>>(), [("supplies", None)]);
        assert_eq!(top_level_keys(r#"{"supplies""#).collect::<Vec<_>>(), [("supplies", None)], "no colon yet");
    }
}
