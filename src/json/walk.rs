//! The error path at scale: a document checked against its schema in one streaming pass,
//! piece by piece, and never held whole.
//!
//! The walk reads the document once with `serde_json`, guided by the split schema
//! ([`Shape`]), reading every value as a `Value` would (the same checks of numbers, strings
//! and depth) but keeping none. Each value gets the fast check of its leaf, which is sure of a
//! valid value from what the parser read; only a value it is not sure of is read again into a
//! `Value` (a few bytes: one unit, one amount) and validated against its sub-schema, its
//! errors put in words and located as those of the whole document would be. The keys of each
//! object are checked against the object's own keywords, on a stand-in with the values left
//! out, once the object is read. So a file with one error costs about one pass of the parser
//! and keeps nothing per line; the same mistake on every line is put in words once (see
//! [`Memo`]) and kept as one diagnostic with its places (see [`Groups`]).
//!
//! Places are known without a syntax tree: a string borrowed from the text is its own place,
//! and between two values JSON allows only whitespace and one `,` or `:`, so the place of
//! each value is found from the end of the one before.
//!
//! Of a key written twice in an object, the last value is checked, as a `Value` keeps it;
//! but for an object or a list written twice, whose first writing is checked as it is read
//! (holding it back would hold it whole), so that both are.
//!
//! A syntax error ends the walk: the document is then read as a `Value` would read it
//! ([`super::syntax::first_error`]) for the first one, which is the one reported.

use std::borrow::Cow;
use std::fmt;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::diagnostic::Groups;
use crate::source::{Source, Span};

use super::memo::{Anchor, Memo};
use super::problems::{Locate, Problem, Tree, duplicate_key, part_problems};
use super::schema::Schema;
use super::shape::{ANY, Node, NodeId, ObjectNode, Scalar, Shape, Verdict, escape};

/// How many texts of a leaf that the validator accepted are remembered, so that the same
/// country code on a million lines is validated once.
const REMEMBERED: usize = 1024;

/// Every duplicate key and schema error of a document, grouped by problem and in the order
/// of the file; else the syntax error that stopped the walk, which is the one a `Value`
/// meets first (the same deserializer, read the same way), or `None` for a part the walk
/// could not read that a `Value` may.
pub(super) fn walk(source: &Source, schema: &Schema) -> Result<Vec<Problem>, Option<serde_json::Error>> {
    let text = source.text();
    let shape = schema.shape();
    let mut walk = Walk {
        text,
        source,
        schema,
        nodes: shape,
        groups: Groups::default(),
        path: Vec::new(),
        accepted: FxHashMap::default(),
        spare: Vec::new(),
        held: Vec::new(),
        memo: Memo::default(),
        place: String::new(),
        malformed: false,
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let read = ValueSeed { walk: &mut walk, node: shape.root(), after: 0, duplicates: true, key: None }
        .deserialize(&mut deserializer)
        .and_then(|_| deserializer.end());
    if walk.malformed {
        return Err(None);
    }
    read.map_err(Some)?;
    let problems = walk.groups.into_diagnostics();
    Ok(problems.into_iter().map(|(diagnostic, pointer)| Problem { pointer, diagnostic }).collect())
}

struct Walk<'a, 's> {
    text: &'a str,
    source: &'s Source,
    schema: &'s Schema,
    nodes: &'s Shape,
    groups: Groups<String>,
    /// Where the walk is: the keys and indexes down to the current value.
    path: Vec<Segment<'a>>,
    /// Per leaf, texts the validator accepted.
    accepted: FxHashMap<NodeId, FxHashSet<&'a str>>,
    /// Key lists to reuse, so that reading a line allocates nothing.
    spare: Vec<Vec<Key<'a>>>,
    /// Problems of values of the objects being read, each with its key's index, held until
    /// the object is read.
    held: Vec<(usize, Held)>,
    /// The problems found of texts at places, to say again.
    memo: Memo,
    /// The place of the current value, as the memo knows places.
    place: String,
    /// Whether a value the walk had read could not be read again as a `Value` (never seen:
    /// both are read by `serde_json`); the document is then checked otherwise.
    malformed: bool,
}

/// A step of a JSON pointer.
enum Segment<'a> {
    Key(Cow<'a, str>),
    Index(usize),
}

/// A problem of a value, held until its object is read.
enum Held {
    /// Found now.
    Problem(Problem),
    /// The problems remembered under `memo`, again, for the value starting at `start` in the
    /// item numbered `item`.
    Again { memo: usize, start: usize, item: Option<u32> },
}

/// A key of an object as read: its name, where it is written, its property.
struct Key<'a> {
    name: Cow<'a, str>,
    span: Span,
    property: Option<usize>,
}

impl<'a, 's> Walk<'a, 's> {
    /// The JSON pointer of the current value.
    fn pointer(&self) -> String {
        let mut pointer = String::new();
        for segment in &self.path {
            pointer.push('/');
            match segment {
                Segment::Key(key) => pointer.push_str(&escape(key)),
                Segment::Index(index) => pointer.push_str(&index.to_string()),
            }
        }
        pointer
    }

    fn add(&mut self, problem: Problem) {
        let key = problem.key(self.schema.place_words());
        let Problem { pointer, diagnostic } = problem;
        self.groups.add(key, diagnostic, || pointer);
    }

    /// Adds the problem of a value, held until its object is read if it has a key there.
    fn report(&mut self, problem: Held, key: Option<usize>) {
        match (key, problem) {
            (Some(key), problem) => self.held.push((key, problem)),
            (None, Held::Problem(problem)) => self.add(problem),
            (None, Held::Again { memo, start, item }) => self.again(memo, start, &[], item),
        }
    }

    /// Sets `self.place` to the place of the current value: its pointer with the numbers of
    /// named list items left out (`/supplies/#/unit`).
    fn set_place(&mut self) {
        let words = self.schema.place_words();
        self.place.clear();
        let mut listed = false;
        for segment in &self.path {
            self.place.push('/');
            match segment {
                Segment::Key(key) => {
                    self.place.push_str(&escape(key));
                    listed = words.iter().any(|(list, _)| list == key);
                }
                Segment::Index(index) => {
                    if listed {
                        self.place.push('#');
                    } else {
                        self.place.push_str(&index.to_string());
                    }
                    listed = false;
                }
            }
        }
    }

    /// The number of the named list item the current value is in ("supply line 4": 4).
    fn item_number(&self) -> Option<u32> {
        let words = self.schema.place_words();
        self.path.windows(2).rev().find_map(|pair| match pair {
            [Segment::Key(list), Segment::Index(index)] if words.iter().any(|(l, _)| l == list) => {
                u32::try_from(index + 1).ok()
            }
            _ => None,
        })
    }

    /// Adds the problems remembered under `memo` at a new place: a value starting at
    /// `start`, or an object starting there whose keys are `keys`.
    fn again(&mut self, memo: usize, start: usize, keys: &[Key<'a>], item: Option<u32>) {
        let mut spans = Vec::new();
        for remembered in self.memo.problems(memo) {
            spans.clear();
            spans.extend(remembered.anchors.iter().map(|anchor| match *anchor {
                Anchor::At(offset, len) => Span::new(start + offset as usize, start + (offset + len) as usize),
                Anchor::Object => Span::new(start, start + 1),
                Anchor::Key(n) => keys.get(n).map_or(Span::at(start), |k| k.span),
            }));
            if !self.groups.add_again(&remembered.key, remembered.code, &spans, item) {
                // Cannot happen (`can_say_again` was asked first, and a code never gets room
                // again); if it did, the place is counted rather than lost.
                self.groups.hide(remembered.code);
            }
        }
    }

    /// Whether the problems remembered under `memo` can be added again (their groups are kept,
    /// or their codes have no room left).
    fn can_say_again(&self, memo: usize) -> bool {
        self.memo.problems(memo).iter().all(|r| self.groups.takes_again(&r.key, r.code))
    }

    /// Checks a value written `raw`, read as `scalar`, against `node`; `key` as in
    /// [`Walk::report`].
    fn check(&mut self, node: NodeId, raw: &'a str, scalar: &Scalar<'_>, key: Option<usize>) {
        let nodes: &'s Shape = self.nodes;
        match nodes.node(node) {
            // Its syntax and keys were checked as it was read.
            Node::Any => {}
            Node::Leaf(leaf) => {
                let verdict = leaf.fast.as_ref().map_or(Verdict::Unsure, |fast| fast.check(scalar));
                match verdict {
                    Verdict::Valid => {}
                    Verdict::AskOnce if self.accepted.get(&node).is_some_and(|texts| texts.contains(raw)) => {}
                    Verdict::AskOnce | Verdict::Unsure => self.whole(node, raw, leaf.blind, key),
                }
            }
            // An object or a list where the schema wants the other, or neither.
            Node::Object(_) | Node::Array(_) => self.whole(node, raw, true, key),
        }
    }

    /// Validates `raw` against its node's whole sub-schema. Where `stand_in`, an empty
    /// object or list stands in for one (the node looks only at its type: so a wrong type
    /// costs nothing whatever its size; its keys written twice were found as it was read).
    fn whole(&mut self, node: NodeId, raw: &'a str, stand_in: bool, key: Option<usize>) {
        let offset = self.source.span_of(raw).map_or(0, |s| s.start as usize);
        self.set_place();
        if let Some(memo) = self.memo.get(&self.place, raw)
            && self.can_say_again(memo)
        {
            let item = self.item_number();
            self.report(Held::Again { memo, start: offset, item }, key);
            return;
        }
        let container = raw.starts_with(['{', '[']);
        let stand_in = stand_in && container;
        let instance = if stand_in {
            if raw.starts_with('{') { Value::Object(Map::new()) } else { Value::Array(Vec::new()) }
        } else {
            match serde_json::from_str::<Value>(raw) {
                Ok(value) => value,
                Err(_) => {
                    self.malformed = true;
                    return;
                }
            }
        };
        let nodes: &'s Shape = self.nodes;
        let Some(validator) = nodes.whole(node) else { return };
        let errors: Vec<_> = validator.iter_errors(&instance).collect();
        let tree = (container && !stand_in).then(|| Tree::parse(raw, offset)).flatten();
        let pointer = self.pointer();
        let duplicates = tree.as_ref().map(|t| t.duplicate_keys(&pointer)).unwrap_or_default();
        if errors.is_empty() && duplicates.is_empty() {
            let texts = self.accepted.entry(node).or_default();
            if texts.len() < REMEMBERED {
                texts.insert(raw);
            }
            return;
        }
        let whole = Whole { span: Span::new(offset, offset + if container { 1 } else { raw.len() }) };
        let locate: &dyn Locate = match &tree {
            Some(tree) => tree,
            None => &whole,
        };
        let problems = part_problems(self.schema, locate, &pointer, "", &instance, duplicates, errors.into_iter());
        let end = offset + raw.len();
        self.memo.remember(&self.place, raw, &problems, self.schema.place_words(), |span| {
            (span.start as usize >= offset && span.end() <= end)
                .then(|| Anchor::At(span.start - offset as u32, span.len))
        });
        for problem in problems {
            self.report(Held::Problem(problem), key);
        }
    }

    /// Checks the keys of an object starting at `start`: the keys it requires, the keys it
    /// refuses, the keys written twice. `seen` has a bit per property written; `unusual`
    /// says a key was written twice or has no bit.
    fn keys(&mut self, object: &ObjectNode, start: usize, keys: &[Key<'a>], seen: u64, unusual: bool) {
        let has = |name: &str| keys.iter().any(|k| k.name == name);
        let chosen = object.one_of.is_empty() || object.one_of.iter().any(|k| has(k));
        let complete = object.required_mask.is_some_and(|required| seen & required == required);
        if !unusual && complete && chosen {
            return;
        }
        let repeats = repeats(keys);
        let missing = !chosen || object.required.iter().any(|r| !has(r));
        let refused = object.other.is_none() && keys.iter().any(|k| k.property.is_none());
        if repeats.is_empty() && !missing && !refused {
            return;
        }
        self.set_place();
        // Its keys' names, each after a separator no value's text starts with.
        let names: String = keys.iter().flat_map(|k| ["\u{1f}", k.name.as_ref()]).collect();
        if let Some(memo) = self.memo.get(&self.place, &names)
            && self.can_say_again(memo)
        {
            let item = self.item_number();
            self.again(memo, start, keys, item);
            return;
        }
        let pointer = self.pointer();
        let duplicates = repeats
            .iter()
            .map(|&(again, first)| duplicate_key(&pointer, &keys[again].name, keys[again].span, keys[first].span))
            .collect();
        let stand_in: Map<String, Value> = keys.iter().map(|k| (k.name.to_string(), Value::Null)).collect();
        let stand_in = Value::Object(stand_in);
        let errors: Vec<_> = object.keys.iter_errors(&stand_in).collect();
        let locate = Keys { object: Span::new(start, start + 1), keys };
        let problems =
            part_problems(self.schema, &locate, &pointer, &object.location, &stand_in, duplicates, errors.into_iter());
        self.memo.remember(&self.place, &names, &problems, self.schema.place_words(), |span| {
            if span == Span::new(start, start + 1) {
                Some(Anchor::Object)
            } else {
                keys.iter().position(|k| k.span == span).map(Anchor::Key)
            }
        });
        for problem in problems {
            self.add(problem);
        }
    }

    /// Reports the keys written twice in an object that is not checked key by key.
    fn duplicates(&mut self, keys: &[Key<'a>]) {
        let repeats = repeats(keys);
        if repeats.is_empty() {
            return;
        }
        let pointer = self.pointer();
        for (again, first) in repeats {
            let problem = duplicate_key(&pointer, &keys[again].name, keys[again].span, keys[first].span);
            self.add(problem);
        }
    }

    fn take_keys(&mut self) -> Vec<Key<'a>> {
        self.spare.pop().unwrap_or_default()
    }

    fn give_keys(&mut self, mut keys: Vec<Key<'a>>) {
        keys.clear();
        self.spare.push(keys);
    }
}

/// The pairs (written again, first written) of keys written twice.
fn repeats(keys: &[Key<'_>]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    if keys.len() <= 32 {
        for (n, key) in keys.iter().enumerate() {
            if let Some(first) = keys[..n].iter().position(|k| k.name == key.name) {
                found.push((n, first));
            }
        }
    } else {
        let mut first: FxHashMap<&str, usize> = FxHashMap::default();
        for (n, key) in keys.iter().enumerate() {
            match first.get(key.name.as_ref()) {
                Some(&f) => found.push((n, f)),
                None => {
                    first.insert(key.name.as_ref(), n);
                }
            }
        }
    }
    found
}

/// The offset of the first character at or after `from` that is not JSON whitespace.
fn skip_whitespace(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = from;
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'\n' | b'\r') {
        at += 1;
    }
    at
}

/// Where the next value (or key) starts after `from`: past whitespace and one `,` or `:`.
fn next_value(text: &str, from: usize) -> usize {
    let at = skip_whitespace(text, from);
    match text.as_bytes().get(at) {
        Some(b',' | b':') => skip_whitespace(text, at + 1),
        _ => at,
    }
}

/// Where an object or a list ends whose last item ends at `from`: past its closing bracket.
fn closed(text: &str, from: usize) -> usize {
    skip_whitespace(text, from) + 1
}

/// Where the string starting at `start` ends: past its closing quote.
fn string_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// Where the number starting at `start` ends.
fn number_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = start;
    while at < bytes.len() && matches!(bytes[at], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
        at += 1;
    }
    at
}

/// The place of a value checked whole: itself, or the opening bracket of an object or list.
struct Whole {
    span: Span,
}

impl Locate for Whole {
    fn value(&self, pointer: &str) -> Option<Span> {
        pointer.is_empty().then_some(self.span)
    }

    fn key(&self, _: &str, _: &str) -> Option<Span> {
        None
    }
}

/// The places of an object's keys.
struct Keys<'k, 'a> {
    object: Span,
    keys: &'k [Key<'a>],
}

impl Locate for Keys<'_, '_> {
    fn value(&self, pointer: &str) -> Option<Span> {
        pointer.is_empty().then_some(self.object)
    }

    fn key(&self, pointer: &str, name: &str) -> Option<Span> {
        if !pointer.is_empty() {
            return None;
        }
        self.keys.iter().find(|k| k.name == name).map(|k| k.span)
    }
}

// ---- Reading ------------------------------------------------------------------------------

/// Reads the value that starts after `after` (past whitespace and a `,` or `:`) against
/// `node`, checking it as it is read: an object or a list of the node's type item by item,
/// anything else as a whole once read (and, where `duplicates`, the keys written twice in its
/// objects). `key` is the value's key in the object being read, whose problems wait for the
/// end of the object (of a key written twice, the last value counts). Returns where it ends.
struct ValueSeed<'w, 'a, 's> {
    walk: &'w mut Walk<'a, 's>,
    node: NodeId,
    after: usize,
    duplicates: bool,
    key: Option<usize>,
}

impl<'de: 'a, 'a, 's> DeserializeSeed<'de> for ValueSeed<'_, 'a, 's> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'a, 's> ValueSeed<'_, 'a, 's> {
    /// Where the value starts.
    fn start(&self) -> usize {
        next_value(self.walk.text, self.after)
    }

    /// Checks the value written from `start` to `end`, read as `scalar`; returns `end`.
    fn checked(self, start: usize, end: usize, scalar: &Scalar<'_>) -> usize {
        let raw = &self.walk.text[start..end.min(self.walk.text.len())];
        self.walk.check(self.node, raw, scalar, self.key);
        end
    }

    /// Whether the keys written twice inside an object or a list at this node are reported
    /// as it is read (else a syntax tree of the whole finds them, where it is checked whole).
    fn duplicates_inside(&self) -> bool {
        match self.walk.nodes.node(self.node) {
            Node::Any => self.duplicates,
            Node::Leaf(leaf) => leaf.blind,
            Node::Object(_) | Node::Array(_) => true,
        }
    }
}

impl<'de: 'a, 'a, 's> Visitor<'de> for ValueSeed<'_, 'a, 's> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<usize, E> {
        let (start, end) = match self.walk.source.span_of(text) {
            Some(span) => (span.start as usize - 1, span.end() + 1),
            None => (self.start(), self.start()),
        };
        Ok(self.checked(start, end, &Scalar::Str(Cow::Borrowed(text))))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<usize, E> {
        let start = self.start();
        let end = string_end(self.walk.text, start);
        Ok(self.checked(start, end, &Scalar::Str(Cow::Borrowed(text))))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<usize, E> {
        let start = self.start();
        let end = number_end(self.walk.text, start);
        Ok(self.checked(start, end, &Scalar::Integer(value as f64)))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<usize, E> {
        let start = self.start();
        let end = number_end(self.walk.text, start);
        Ok(self.checked(start, end, &Scalar::Integer(value as f64)))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<usize, E> {
        let start = self.start();
        let end = number_end(self.walk.text, start);
        Ok(self.checked(start, end, &Scalar::Number(value)))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<usize, E> {
        let start = self.start();
        Ok(self.checked(start, start + if value { 4 } else { 5 }, &Scalar::Other))
    }

    fn visit_unit<E: de::Error>(self) -> Result<usize, E> {
        let start = self.start();
        Ok(self.checked(start, start + 4, &Scalar::Other))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<usize, A::Error> {
        let start = self.start();
        let nodes: &'s Shape = self.walk.nodes;
        match nodes.node(self.node) {
            Node::Object(object) => read_object(self.walk, object, start, map),
            _ => {
                let duplicates = self.duplicates_inside();
                let end = read_any_object(self.walk, start, duplicates, map)?;
                Ok(self.checked(start, end, &Scalar::Other))
            }
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<usize, A::Error> {
        let start = self.start();
        let nodes: &'s Shape = self.walk.nodes;
        match nodes.node(self.node) {
            Node::Array(items) => read_list(self.walk, *items, start, true, seq),
            _ => {
                let duplicates = self.duplicates_inside();
                let end = read_list(self.walk, ANY, start, duplicates, seq)?;
                Ok(self.checked(start, end, &Scalar::Other))
            }
        }
    }
}

/// Reads an object key by key against its node; returns where it ends.
fn read_object<'de: 'a, 'a, 's, A: MapAccess<'de>>(
    walk: &mut Walk<'a, 's>,
    object: &'s ObjectNode,
    start: usize,
    mut map: A,
) -> Result<usize, A::Error> {
    let text = walk.text;
    let mut keys = walk.take_keys();
    let held = walk.held.len();
    let mut end = start + 1;
    let (mut seen, mut unusual) = (0u64, false);
    while let Some((name, span)) = map.next_key_seed(KeySeed { walk: &*walk, after: end })? {
        let property = object.property(&name);
        match property {
            Some(index) if index < 64 => {
                unusual |= seen & 1 << index != 0;
                seen |= 1 << index;
            }
            _ => unusual = true,
        }
        let child = object.child(property);
        walk.path.push(Segment::Key(name.clone()));
        keys.push(Key { name, span, property });
        let seed =
            ValueSeed { walk: &mut *walk, node: child, after: span.end(), duplicates: true, key: Some(keys.len() - 1) };
        let read = map.next_value_seed(seed);
        walk.path.pop();
        end = read?;
    }
    // The problems of values read as a whole, but for those of a key written again later.
    if walk.held.len() > held {
        let problems: Vec<(usize, Held)> = walk.held.drain(held..).collect();
        for (n, problem) in problems {
            if !(unusual && keys[n + 1..].iter().any(|k| k.name == keys[n].name)) {
                walk.report(problem, None);
            }
        }
    }
    walk.keys(object, start, &keys, seen, unusual);
    walk.give_keys(keys);
    Ok(closed(text, end))
}

/// Reads an object not checked key by key, for its syntax and, where `duplicates`, its keys
/// written twice; returns where it ends.
fn read_any_object<'de: 'a, 'a, 's, A: MapAccess<'de>>(
    walk: &mut Walk<'a, 's>,
    start: usize,
    duplicates: bool,
    mut map: A,
) -> Result<usize, A::Error> {
    let text = walk.text;
    let mut keys = walk.take_keys();
    let mut end = start + 1;
    while let Some((name, span)) = map.next_key_seed(KeySeed { walk: &*walk, after: end })? {
        walk.path.push(Segment::Key(name.clone()));
        let read =
            map.next_value_seed(ValueSeed { walk: &mut *walk, node: ANY, after: span.end(), duplicates, key: None });
        walk.path.pop();
        end = read?;
        if duplicates {
            keys.push(Key { name, span, property: None });
        }
    }
    walk.duplicates(&keys);
    walk.give_keys(keys);
    Ok(closed(text, end))
}

/// Reads a list, each item against `items`; returns where it ends.
fn read_list<'de: 'a, 'a, 's, A: SeqAccess<'de>>(
    walk: &mut Walk<'a, 's>,
    items: NodeId,
    start: usize,
    duplicates: bool,
    mut seq: A,
) -> Result<usize, A::Error> {
    let mut end = start + 1;
    for index in 0.. {
        walk.path.push(Segment::Index(index));
        let read =
            seq.next_element_seed(ValueSeed { walk: &mut *walk, node: items, after: end, duplicates, key: None });
        walk.path.pop();
        match read? {
            Some(item_end) => end = item_end,
            None => break,
        }
    }
    Ok(closed(walk.text, end))
}

/// Reads a key as a `Value` reads keys; gives its name and where it is written (it starts
/// after `after`, past whitespace and a `,`).
struct KeySeed<'w, 'a, 's> {
    walk: &'w Walk<'a, 's>,
    after: usize,
}

impl<'de: 'a, 'a> DeserializeSeed<'de> for KeySeed<'_, 'a, '_> {
    type Value = (Cow<'a, str>, Span);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for KeySeed<'_, 'a, '_> {
    type Value = (Cow<'a, str>, Span);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Self::Value, E> {
        let span = match self.walk.source.span_of(name) {
            Some(s) => Span::new(s.start as usize - 1, s.end() + 1),
            None => Span::at(self.after),
        };
        Ok((Cow::Borrowed(name), span))
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
        let start = next_value(self.walk.text, self.after);
        Ok((Cow::Owned(name.to_owned()), Span::new(start, string_end(self.walk.text, start))))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::diagnostic::{Code, Diagnostic, Label};
    use crate::json::diagnose::{one_part, validate};

    /// A problem as a tool would list it: code, message, labels, help; in the order of the file.
    type Listed = (&'static str, String, Vec<Label>, Option<String>);

    fn listed(problems: &[Problem]) -> Vec<Listed> {
        let diagnostics: Vec<Diagnostic> = problems.iter().map(|p| p.diagnostic.clone()).collect();
        crate::diagnostic::in_file_order(&diagnostics)
            .into_iter()
            .map(|(d, p)| {
                let d = &diagnostics[d];
                let place = d.place(p);
                (d.code.id(), place.message.into_owned(), place.labels.into_owned(), d.help.clone())
            })
            .collect()
    }

    /// What the error path found before the walk: every problem of the document validated
    /// whole, or its syntax error.
    fn whole(source: &Source, schema: &Schema) -> Vec<Problem> {
        one_part(source, schema)
    }

    fn agree(name: &str, text: &str, schema: &Schema) {
        let source = Source::new(name, text);
        let walked = validate(&source, schema);
        if walked.iter().any(|p| p.diagnostic.message.contains("like the ones above")) {
            return;
        }
        assert_eq!(listed(&walked), listed(&whole(&source, schema)), "{name}:\n{text}");
    }

    fn portfolio() -> &'static Schema {
        &crate::portfolio::PORTFOLIO_SCHEMA
    }

    #[test]
    fn the_walk_finds_what_a_whole_validation_finds_in_every_example_and_fixture() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        for folder in ["examples", "tests/fixtures/portfolios"] {
            for entry in std::fs::read_dir(root.join(folder)).unwrap() {
                let path = entry.unwrap().path();
                let Ok(text) = std::fs::read_to_string(&path) else { continue };
                let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
                if path.extension().is_some_and(|e| e == "json") && !text.trim().is_empty() {
                    agree(&path.display().to_string(), text, portfolio());
                    checked += 1;
                }
            }
        }
        assert!(checked > 50);
    }

    #[test]
    fn a_syntax_error_is_the_one_a_value_finds_first() {
        for text in [
            "{\"year\": 2025, \"supplies\": [{\"material\": \"Li\", \"amount\": 1e400, \"unit\": \"t\"}]}",
            "{\"year\": 2025, \"supplies\": [{\"material\": \"\\ud800\", \"amount\": 1, \"unit\": \"t\"}],}",
            "{\"year\": 2025, \"supplies\": [{\"material\": \"Li\" \"amount\": 1, \"unit\": \"t\"}]}",
            "{\"year\": \"x\", \"supplies\": [], \"extra\": [[[[[[[[[[1e400]]]]]]]]]]}",
            "{\"year\": 2025, \"supplies\": [{\"material\": \"Li\", \"amount\": 1, \"unit\": \"t\", \"x\": {\"\\udc00\": 1}}]}",
        ] {
            let source = Source::new("x.json", text);
            let walked = validate(&source, portfolio());
            let error = serde_json::from_str::<Value>(text).unwrap_err();
            let expected = super::super::syntax::syntax_error(&source, &error);
            assert_eq!(walked.len(), 1, "{text}");
            assert_eq!(walked[0].diagnostic.message, expected.message, "{text}");
            assert_eq!(walked[0].diagnostic.labels, expected.labels, "{text}");
        }
    }

    #[test]
    fn depth_is_counted_from_the_root_as_a_value_counts_it() {
        for depth in [124, 125, 126, 127] {
            let nested = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
            for text in [
                format!("{{\"year\": 2025, \"supplies\": [], \"$schema\": {nested}}}"),
                format!(
                    "{{\"year\": 2025, \"supplies\": [{{\"material\": \"Li\", \"amount\": 1, \"unit\": \"t\", \"x\": {nested}}}]}}"
                ),
                format!(
                    "{{\"year\": 2025, \"supplies\": [{{\"material\": {nested}, \"amount\": 1, \"unit\": \"t\"}}]}}"
                ),
                nested.clone(),
            ] {
                let source = Source::new("x.json", text.as_str());
                let walked = validate(&source, portfolio());
                match serde_json::from_str::<Value>(&text) {
                    Err(error) => {
                        assert_eq!(walked[0].diagnostic.code, Code::Syntax, "{depth}: {text}");
                        assert_eq!(
                            walked[0].diagnostic.message,
                            super::super::syntax::syntax_error(&source, &error).message
                        );
                    }
                    Ok(_) => agree("x.json", &text, portfolio()),
                }
            }
        }
    }

    #[test]
    fn places_after_escaped_strings_and_numbers_are_exact() {
        let text = r#"{"supplies": [
  {"material": "Li", "amount": 1, "unit": "t", "supplier": "\"q\" \\"},
  {"material": "Li", "amount": 1},
  {"material": "Li", "amount": 1, "unit": "t", "supplier": -1.5e-3 },
  {"material": "Li", "amount": 1},
  {"material": "Li", "unit": "t", "amount": 1e3},{"material": "Li"},
  {"material": "Li", "unit": "t", "supplier": "\u00e9", "s\u0075pplier": true, "x": null},
  {"material": "Li", "unit": "t", "amount": 2, "x": [1, {"a": 1, "a": 2}, "\""], "\"": false}
], "year": 2025}"#;
        let source = Source::new("x.json", text);
        let found = listed(&validate(&source, portfolio()));
        assert_eq!(found, listed(&whole(&source, portfolio())));
        // Each line that misses `unit` is labelled at its own opening brace.
        let braces: Vec<&str> = found
            .iter()
            .filter(|(_, message, ..)| message.ends_with("has no `unit`"))
            .map(|(_, _, labels, _)| &text[labels[0].span.start as usize..][..20])
            .collect();
        assert_eq!(braces, ["{\"material\": \"Li\", \"", "{\"material\": \"Li\", \"", "{\"material\": \"Li\"},\n"]);
    }

    /// Mistakes to make in a supply line, each a (key, JSON text) to write, or to leave out
    /// (`None`).
    const LINE_MISTAKES: &[(&str, Option<&str>)] = &[
        ("unit", Some("\"kilo\"")),
        ("unit", Some("\"Kg\"")),
        ("unit", Some("5")),
        ("unit", Some("null")),
        ("unit", None),
        ("material", None),
        ("material", Some("\"\"")),
        ("material", Some("[\"Li\"]")),
        ("amount", Some("-5")),
        ("amount", Some("0")),
        ("amount", Some("\"12\"")),
        ("amount", Some("1e3")),
        ("amount", Some("2.50")),
        ("amout", Some("1")),
        ("id", Some("\"\"")),
        ("id", Some("7")),
        ("grade", Some("\"batery\"")),
        ("grade", Some("\"battery\"")),
        ("content", Some("2")),
        ("content", Some("0.5")),
        ("form", Some("\"\"")),
        ("supplier", Some("{\"name\": \"x\", \"name\": \"y\"}")),
        ("origin", Some("{\"extraction\": \"Chile\"}")),
        ("origin", Some("{\"procesing\": \"CN\"}")),
        ("origin", Some("\"CN\"")),
        ("origin", Some("{\"extraction\": 5, \"recycling\": \"de\"}")),
        ("origin", Some("{\"extraction\": \"C\\u004e\"}")),
        ("extra", Some("{\"a\": {\"b\": 1, \"b\": 2}}")),
        ("unit", Some("\"t\", \"unit\": \"tonnes\"")),
        ("unit", Some("\"tonnes\", \"unit\": \"t\"")),
        ("un\\u0069t", Some("\"kilo\"")),
        ("am\\u006fut", Some("1")),
        ("origin", Some("{\"extraction\": \"CN\", \"extr\\u0061ction\": \"DE\"}")),
        ("material", Some("\"lith\\u0069um\"")),
        ("material", Some("\"\\\"quoted\\\"\"")),
        ("supplier", Some("\"\\\"q\\\" \\\\\"")),
        ("supplier", Some("-1.5e-3")),
    ];

    /// Mistakes to make at the top level: a field and its JSON text, or `None` to leave it out.
    const TOP_MISTAKES: &[(&str, Option<&str>)] = &[
        ("year", Some("\"2025\"")),
        ("year", Some("1999")),
        ("year", Some("2025.5")),
        ("year", None),
        ("suplies", Some("[]")),
        ("supplies", None),
        ("supplies", Some("{\"a\": 1, \"a\": 2}")),
        ("supplies", Some("\"x\"")),
        ("version", Some("2")),
        ("name", Some("5")),
        ("consumption", Some("{\"lithium\": {\"amount\": -1, \"unit\": \"tonnes\"}, \"Li\": {\"unit\": \"t\"}}")),
        ("consumption", Some("[]")),
        (
            "consumption",
            Some("{\"lithium\": {\"amount\": 1, \"unit\": \"t\"}, \"lithium\": {\"amount\": 2, \"unit\": \"t\"}}"),
        ),
        ("waivers", Some("[{\"rule\": \"CRM004\"}]")),
        ("waivers", Some("[{\"rule\": \"\", \"reason\": \"x\", \"expires\": \"2027-1-1\", \"stage\": \"mining\"}]")),
        ("waivers", Some("{}")),
        ("extra", Some("{\"a\": [{\"b\": 1, \"b\": 2}]}")),
        ("year", Some("2025, \"year\": \"x\"")),
    ];

    /// Whitespace to write between tokens: none, spaces, or line breaks and tabs.
    const SPACING: &[(&str, &str)] = &[(",", ":"), (", ", ": "), (",\n\t ", " :\r\n ")];

    fn document(lines: usize, line_mistakes: &[(usize, usize)], top_mistakes: &[usize], spacing: usize) -> String {
        let (comma, colon) = SPACING[spacing];
        let mut top: Vec<(String, Option<String>)> = vec![
            ("$schema".into(), Some("\"x\"".into())),
            ("version".into(), Some("1".into())),
            ("name".into(), Some("\"n\"".into())),
            ("year".into(), Some("2025".into())),
            ("consumption".into(), Some("{\"lithium\": {\"amount\": 10, \"unit\": \"t\"}}".into())),
            ("supplies".into(), None),
            ("waivers".into(), Some("[{\"rule\": \"CRM004\", \"reason\": \"r\", \"expires\": \"2027-06-30\"}]".into())),
        ];
        let mut supplies = Vec::new();
        for n in 0..lines {
            let mut fields: Vec<(String, Option<String>)> = vec![
                ("id".into(), Some(format!("\"PO-{n}\""))),
                ("material".into(), Some("\"lithium\"".into())),
                ("amount".into(), Some(format!("{}.5", n + 1))),
                ("unit".into(), Some("\"t\"".into())),
                ("origin".into(), Some("{\"extraction\": \"AU\", \"processing\": \"CN\"}".into())),
            ];
            for &(line, mistake) in line_mistakes {
                if line == n {
                    let (key, value) = LINE_MISTAKES[mistake];
                    set(&mut fields, key, value);
                }
            }
            supplies.push(object(&fields, comma, colon));
        }
        top[5].1 = Some(format!("[\n    {}\n  ]", supplies.join(&format!("{comma}\n    "))));
        for &mistake in top_mistakes {
            let (key, value) = TOP_MISTAKES[mistake];
            set(&mut top, key, value);
        }
        object(&top, comma, colon)
    }

    fn set(fields: &mut Vec<(String, Option<String>)>, key: &str, value: Option<&str>) {
        match fields.iter_mut().find(|(k, _)| k == key) {
            Some(field) => field.1 = value.map(str::to_owned),
            None => fields.push((key.to_owned(), value.map(str::to_owned))),
        }
    }

    fn object(fields: &[(String, Option<String>)], comma: &str, colon: &str) -> String {
        let written: Vec<String> =
            fields.iter().filter_map(|(k, v)| v.as_ref().map(|v| format!("\"{k}\"{colon}{v}"))).collect();
        format!("{{ {} }}", written.join(comma))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1_000))]

        #[test]
        fn the_walk_finds_what_a_whole_validation_finds(
            lines in 1usize..6,
            line_mistakes in proptest::collection::vec((0usize..6, 0..LINE_MISTAKES.len()), 0..5),
            top_mistakes in proptest::collection::vec(0..TOP_MISTAKES.len(), 0..3),
            spacing in 0..SPACING.len(),
        ) {
            agree("generated.json", &document(lines, &line_mistakes, &top_mistakes, spacing), portfolio());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// The same few mistakes on many lines: said again from memory, as found.
        #[test]
        fn a_mistake_said_again_is_the_mistake_found(
            line_mistakes in proptest::collection::vec((0usize..40, prop_oneof![Just(0usize), Just(5), Just(8), Just(13), Just(22), Just(23), Just(28), Just(30), Just(31)]), 10..60),
            spacing in 0..SPACING.len(),
        ) {
            agree("repeated.json", &document(40, &line_mistakes, &[], spacing), portfolio());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Random edits of a portfolio (a fuzzer's view): whatever the text, the walk says what
        /// a whole validation says, or the syntax error a `Value` finds first.
        #[test]
        fn any_text_is_diagnosed_as_a_whole_validation_diagnoses_it(
            edits in proptest::collection::vec((0.0f64..1.0, 0usize..24), 1..4),
            mistakes in proptest::collection::vec((0usize..3, 0..LINE_MISTAKES.len()), 0..3),
        ) {
            const INSERTS: &[&str] = &["{", "}", "[", "]", ",", ":", "\"", "\\", " ", "\n", "1", "-", "e", ".", "a", "é", "\\u00e9", "true", "null", "\"x\":", "{\"a\":1,\"a\":2}", "1e400", "\\ud800"];
            let mut text = document(3, &mistakes, &[], 1);
            for (at, what) in edits {
                let mut at = (at * text.len() as f64) as usize;
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match INSERTS.get(what) {
                    Some(insert) => text.insert_str(at, insert),
                    None => {
                        if let Some(c) = text[at..].chars().next() {
                            text.replace_range(at..at + c.len_utf8(), "");
                        }
                    }
                }
            }
            let source = Source::new("edited.json", text.as_str());
            match serde_json::from_str::<Value>(&text) {
                Err(error) if !text.trim().is_empty() => {
                    let walked = validate(&source, portfolio());
                    let expected = super::super::syntax::syntax_error(&source, &error);
                    prop_assert_eq!(walked.len(), 1);
                    prop_assert_eq!(&walked[0].diagnostic.message, &expected.message);
                    prop_assert_eq!(&walked[0].diagnostic.labels, &expected.labels);
                }
                Err(_) => {}
                Ok(_) => agree("edited.json", &text, portfolio()),
            }
        }
    }

    #[test]
    fn rule_files_are_walked_as_portfolios_are() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (path, mutate) in [
            ("rules/crma.json", None),
            (
                "examples/policies/company-policy.json",
                Some(("\"metric\": \"country-share\"", "\"metric\": \"country-shares\"")),
            ),
            ("examples/policies/company-policy.json", Some(("\"severity\": \"error\"", "\"severity\": 3, \"id\": 5"))),
            (
                "examples/policies/company-policy.json",
                Some(("\"max\": 50", "\"max\": \"50\", \"origins\": {\"in\": [1], \"not_in\": []}")),
            ),
        ] {
            let mut text = std::fs::read_to_string(root.join(path)).unwrap();
            if let Some((from, to)) = mutate {
                assert!(text.contains(from), "{path}: {from}");
                text = text.replace(from, to);
            }
            agree(path, &text, &crate::engine::RULES_SCHEMA);
        }
    }
}
