//! A schema split into the pieces the error path checks on their own.
//!
//! JSON Schema checks an object's keywords (`type`, `required`, `additionalProperties`) on
//! its keys, and each property's sub-schema on that property's value alone; a list's `items`
//! on each item alone. Where a schema says nothing else, a document can be checked piece by
//! piece and nothing is lost: the keys of each object against the object's own keywords, each
//! value against its sub-schema. This module finds those places in a schema: an [`Node`] per
//! sub-schema, an object or a list split, or a leaf checked whole (a string, a number, or
//! anything the split does not understand, such as `anyOf`).
//!
//! Each node is validated by `jsonschema` itself, so that every error is the one a whole
//! document's validation would give, with the same schema path: a leaf by a validator that
//! reaches it through a `$ref` (whose errors carry absolute schema paths), an object's keys
//! by a validator of its keywords alone, with the values left out. A leaf may also have a
//! fast check, derived from its keywords, that tells a value it surely accepts without
//! building anything: the error path runs it on every value of a million-line file.

use rustc_hash::FxHashMap;
use serde_json::{Map, Value, json};

/// A node of the split schema.
pub(super) type NodeId = usize;

/// Keywords that say nothing about the values they describe.
const ANNOTATIONS: &[&str] =
    &["description", "title", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly", "$defs"];

/// The schema, split.
pub(super) struct Shape {
    nodes: Vec<Node>,
    /// A validator of each node's whole sub-schema, by node (`None` for `Any`).
    wholes: Vec<Option<String>>,
    validators: jsonschema::ValidatorMap,
}

/// How the values at a place of the document are checked.
pub(super) enum Node {
    /// Anything goes: the value is only read, for its syntax and its duplicate keys.
    Any,
    /// An object: its keys against the object's keywords, each value against its node.
    Object(ObjectNode),
    /// A list: each item against its node.
    Array(NodeId),
    /// A value checked whole.
    Leaf(LeafNode),
}

/// An object checked key by key.
pub(super) struct ObjectNode {
    /// Where its schema is in the schema document (`/$defs/supply`).
    pub location: String,
    /// Its own keywords, for a stand-in of the object with every value `null`.
    pub keys: jsonschema::Validator,
    /// Its properties' nodes.
    pub properties: Vec<(String, NodeId)>,
    /// The node of the values of other keys; `None` where other keys are not allowed.
    pub other: Option<NodeId>,
    /// The keys it requires.
    pub required: Vec<String>,
    /// Keys of which it requires at least one (an `anyOf` of `required` alone:
    /// `supplies` or `supplies_from`); empty where there is no such choice.
    pub one_of: Vec<String>,
    /// The properties it requires, as a bit per property (`None` if it requires a key it has
    /// no property for, or has more properties than a mask holds).
    pub required_mask: Option<u64>,
}

impl ObjectNode {
    /// The index of `key`'s property, if it has one.
    pub fn property(&self, key: &str) -> Option<usize> {
        let first = key.as_bytes().first();
        self.properties
            .iter()
            .position(|(name, _)| name.len() == key.len() && name.as_bytes().first() == first && name == key)
    }

    /// The node of the value of a key with the property `property` (from
    /// [`ObjectNode::property`]): its property's, or that of other keys (`Any` where they are
    /// refused: the refusal is the keys' problem).
    pub fn child(&self, property: Option<usize>) -> NodeId {
        match property {
            Some(index) => self.properties[index].1,
            None => self.other.unwrap_or(ANY),
        }
    }
}

/// A value checked whole.
pub(super) struct LeafNode {
    /// A check that tells values it surely accepts, where its keywords allow one.
    pub fast: Option<Fast>,
    /// Whether its keywords never look inside an object or a list (only at its type), so that
    /// an empty one of the same type stands in for any.
    pub blind: bool,
}

/// The node of values that anything goes for.
pub(super) const ANY: NodeId = 0;

impl Shape {
    /// The schema `document`, split.
    pub(super) fn new(document: &Value) -> Shape {
        let mut builder = Builder { document, nodes: vec![Node::Any], by_location: FxHashMap::default() };
        let root = builder.node(document, String::new(), true);
        debug_assert_eq!(root, 1, "the root is the first node after `Any`");
        // A validator per node, reached through a `$ref` so that its errors' schema paths are
        // absolute, as in a whole document's validation.
        let mut with_refs = document.clone();
        let mut wholes = vec![None; builder.nodes.len()];
        if let Value::Object(root) = &mut with_refs {
            let defs = root.entry("$defs").or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(defs) = defs {
                for (location, &node) in &builder.by_location {
                    if node == ANY {
                        continue;
                    }
                    let name = format!("crma-check-node-{node}");
                    defs.insert(name.clone(), json!({ "$ref": format!("#{location}") }));
                    wholes[node] = Some(format!("#/$defs/{name}"));
                }
            }
        }
        let validators = jsonschema::draft202012::options()
            .build_map(&with_refs)
            // The tests compile every embedded schema.
            .expect("an embedded schema compiles");
        Shape { nodes: builder.nodes, wholes, validators }
    }

    /// The node of the whole document.
    pub(super) fn root(&self) -> NodeId {
        1
    }

    /// A node.
    pub(super) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// The validator of a node's whole sub-schema.
    pub(super) fn whole(&self, id: NodeId) -> Option<&jsonschema::Validator> {
        self.wholes.get(id)?.as_deref().and_then(|pointer| self.validators.get(pointer))
    }
}

struct Builder<'d> {
    document: &'d Value,
    nodes: Vec<Node>,
    by_location: FxHashMap<String, NodeId>,
}

impl Builder<'_> {
    /// The node of `schema`, found at `location` in the document.
    fn node(&mut self, schema: &Value, location: String, root: bool) -> NodeId {
        // A `$ref` with only annotations beside it is its target, at the target's location
        // (which is where a validator's errors say they are).
        if let Some(target) = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#'))
            && only(schema, &["$ref"])
            && let Some(resolved) = self.document.pointer(target)
        {
            return self.node(resolved, target.to_owned(), false);
        }
        if let Some(&id) = self.by_location.get(&location) {
            return id;
        }
        if schema == &Value::Bool(true) || (schema.is_object() && only(schema, &[])) {
            return ANY;
        }
        let id = self.nodes.len();
        self.nodes.push(Node::Any);
        self.by_location.insert(location.clone(), id);
        let root_keys: &[&str] = if root { &["$schema", "$id"] } else { &[] };
        let node = if let Some(object) = self.object(schema, &location, root_keys) {
            object
        } else if is_type(schema, "array") && only(schema, &["type", "items"]) {
            let items = match schema.get("items") {
                Some(items) => self.node(items, format!("{location}/items"), false),
                None => ANY,
            };
            Node::Array(items)
        } else {
            Node::Leaf(LeafNode { fast: Fast::of(schema), blind: blind(schema) })
        };
        self.nodes[id] = node;
        id
    }

    /// An object node, if `schema` says nothing of objects but their keys and values.
    fn object(&mut self, schema: &Value, location: &str, root_keys: &[&str]) -> Option<Node> {
        let mut allowed = vec!["type", "properties", "required", "additionalProperties", "anyOf"];
        allowed.extend_from_slice(root_keys);
        if !is_type(schema, "object") || !only(schema, &allowed) {
            return None;
        }
        // An `anyOf` is about keys alone where each branch requires one key and says nothing else.
        let one_of: Vec<String> = match schema.get("anyOf") {
            None => Vec::new(),
            Some(branches) => branches
                .as_array()?
                .iter()
                .map(|branch| match branch.get("required")?.as_array()?.as_slice() {
                    [key] if only(branch, &["required"]) => key.as_str().map(str::to_owned),
                    _ => None,
                })
                .collect::<Option<_>>()?,
        };
        let required: Vec<String> = match schema.get("required") {
            None => Vec::new(),
            Some(list) => list.as_array()?.iter().map(|r| r.as_str().map(str::to_owned)).collect::<Option<_>>()?,
        };
        let names: Vec<(String, Value)> = match schema.get("properties") {
            None => Vec::new(),
            Some(properties) => properties.as_object()?.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        };
        let additional = schema.get("additionalProperties");
        let mut keys = Map::new();
        if schema.get("type").is_some() {
            keys.insert("type".to_owned(), json!("object"));
        }
        if !required.is_empty() {
            keys.insert("required".to_owned(), json!(required));
        }
        if let Some(any_of) = schema.get("anyOf") {
            keys.insert("anyOf".to_owned(), any_of.clone());
        }
        if additional == Some(&Value::Bool(false)) {
            keys.insert("additionalProperties".to_owned(), json!(false));
            let listed: Map<String, Value> = names.iter().map(|(name, _)| (name.clone(), json!(true))).collect();
            keys.insert("properties".to_owned(), Value::Object(listed));
        }
        let keys = jsonschema::draft202012::new(&Value::Object(keys)).ok()?;
        let properties = names
            .iter()
            .map(|(name, sub)| {
                let node = self.node(sub, format!("{location}/properties/{}", escape(name)), false);
                (name.clone(), node)
            })
            .collect();
        let other = match additional {
            None | Some(Value::Bool(true)) => Some(ANY),
            Some(Value::Bool(false)) => None,
            Some(sub) => Some(self.node(sub, format!("{location}/additionalProperties"), false)),
        };
        let required_mask = required.iter().try_fold(0u64, |mask, name| {
            let index = names.iter().position(|(n, _)| n == name).filter(|&i| i < 64)?;
            Some(mask | 1 << index)
        });
        Some(Node::Object(ObjectNode {
            location: location.to_owned(),
            keys,
            properties,
            other,
            required,
            one_of,
            required_mask,
        }))
    }
}

/// A key as a segment of a JSON pointer.
pub(super) fn escape(key: &str) -> std::borrow::Cow<'_, str> {
    if key.contains(['~', '/']) {
        std::borrow::Cow::Owned(key.replace('~', "~0").replace('/', "~1"))
    } else {
        std::borrow::Cow::Borrowed(key)
    }
}

/// Whether `schema` has no keywords but annotations and `keywords`.
fn only(schema: &Value, keywords: &[&str]) -> bool {
    schema
        .as_object()
        .is_some_and(|o| o.keys().all(|k| keywords.contains(&k.as_str()) || ANNOTATIONS.contains(&k.as_str())))
}

/// Whether `schema`'s `type`, if it has one, is `kind`.
fn is_type(schema: &Value, kind: &str) -> bool {
    schema.get("type").is_none_or(|t| t == kind)
}

/// Whether a leaf's keywords look only at a value's type when the value is an object or a
/// list (and at its text or number otherwise).
fn blind(schema: &Value) -> bool {
    const BLIND: &[&str] = &[
        "type",
        "enum",
        "const",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
    ];
    let scalar = |v: &Value| !v.is_object() && !v.is_array();
    only(schema, BLIND)
        && schema.get("enum").is_none_or(|e| e.as_array().is_some_and(|a| a.iter().all(scalar)))
        && schema.get("const").is_none_or(scalar)
}

/// A check that tells values a leaf surely accepts, from what the parser read of them,
/// without building them: strings (their type, length, allowed values) and numbers (their
/// type and bounds). Anything it is not sure of, it leaves to the validator.
pub(super) struct Fast {
    kind: Kind,
    strings: Option<Vec<String>>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    bounds: Vec<(Bound, f64)>,
    /// A keyword the check cannot decide (`pattern`): a value is then accepted only once the
    /// validator has accepted the same text (see [`Verdict::AskOnce`]).
    undecided: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    String,
    Number,
    Integer,
}

#[derive(Clone, Copy)]
enum Bound {
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
}

/// A value as the parser read it: what a fast check looks at.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Scalar<'v> {
    /// A string, its escapes decoded.
    Str(std::borrow::Cow<'v, str>),
    /// A number written without a fraction or an exponent.
    Integer(f64),
    /// Any other number.
    Number(f64),
    /// `true`, `false`, `null`, an object or a list.
    Other,
}

/// What a fast check says of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// The leaf accepts it.
    Valid,
    /// The leaf accepts it if the validator accepted the same text before.
    AskOnce,
    /// Only the validator can tell.
    Unsure,
}

impl Fast {
    /// The fast check of a leaf's schema, if its keywords allow one.
    fn of(schema: &Value) -> Option<Fast> {
        let object = schema.as_object()?;
        let mut fast = Fast {
            kind: Kind::String,
            strings: None,
            min_length: None,
            max_length: None,
            bounds: Vec::new(),
            undecided: false,
        };
        let mut typed = false;
        for (keyword, value) in object {
            match keyword.as_str() {
                "type" => {
                    typed = true;
                    fast.kind = match value.as_str()? {
                        "string" => Kind::String,
                        "number" => Kind::Number,
                        "integer" => Kind::Integer,
                        _ => return None,
                    };
                }
                "enum" => {
                    let strings =
                        value.as_array()?.iter().map(|v| v.as_str().map(str::to_owned)).collect::<Option<_>>()?;
                    fast.strings = Some(strings);
                }
                "minLength" => fast.min_length = Some(usize::try_from(value.as_u64()?).ok()?),
                "maxLength" => fast.max_length = Some(usize::try_from(value.as_u64()?).ok()?),
                "pattern" => fast.undecided = true,
                "minimum" => fast.bounds.push((Bound::Minimum, value.as_f64()?)),
                "maximum" => fast.bounds.push((Bound::Maximum, value.as_f64()?)),
                "exclusiveMinimum" => fast.bounds.push((Bound::ExclusiveMinimum, value.as_f64()?)),
                "exclusiveMaximum" => fast.bounds.push((Bound::ExclusiveMaximum, value.as_f64()?)),
                other if ANNOTATIONS.contains(&other) => {}
                _ => return None,
            }
        }
        let strings_only = fast.min_length.is_some() || fast.max_length.is_some() || fast.undecided;
        if !typed && fast.strings.is_none() {
            return None;
        }
        match fast.kind {
            Kind::String if fast.bounds.is_empty() => Some(fast),
            Kind::Number | Kind::Integer if fast.strings.is_none() && !strings_only => Some(fast),
            _ => None,
        }
    }

    /// What the check says of a value.
    pub(super) fn check(&self, value: &Scalar<'_>) -> Verdict {
        match (self.kind, value) {
            (Kind::String, Scalar::Str(text)) => self.check_string(text),
            // A validator reads a number as a double, or as a whole number where it is
            // written as one; so does the parser, and so the bounds compare alike. Whether a
            // number written `2.0` is an integer is left to the validator.
            (Kind::Integer, Scalar::Integer(value))
            | (Kind::Number, Scalar::Integer(value) | Scalar::Number(value)) => {
                let within = self.bounds.iter().all(|&(bound, limit)| match bound {
                    Bound::Minimum => *value >= limit,
                    Bound::Maximum => *value <= limit,
                    Bound::ExclusiveMinimum => *value > limit,
                    Bound::ExclusiveMaximum => *value < limit,
                });
                if within { Verdict::Valid } else { Verdict::Unsure }
            }
            _ => Verdict::Unsure,
        }
    }

    fn check_string(&self, text: &str) -> Verdict {
        if self.strings.as_ref().is_some_and(|allowed| !allowed.iter().any(|a| a == text)) {
            return Verdict::Unsure;
        }
        // A string of n bytes has between n / 4 and n characters: count only in between.
        let bytes = text.len();
        let too_short =
            self.min_length.is_some_and(|min| bytes < min || (bytes / 4 < min && text.chars().count() < min));
        let too_long = self.max_length.is_some_and(|max| bytes > max && text.chars().count() > max);
        if too_short || too_long {
            return Verdict::Unsure;
        }
        if self.undecided { Verdict::AskOnce } else { Verdict::Valid }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn portfolio() -> Shape {
        Shape::new(&serde_json::from_str(crate::schemas::PORTFOLIO).unwrap())
    }

    fn object(shape: &Shape, id: NodeId) -> &ObjectNode {
        match shape.node(id) {
            Node::Object(object) => object,
            _ => panic!("node {id} is not an object"),
        }
    }

    /// The split reaches every value of a supply line, each with a fast check: the walk
    /// over a million lines builds nothing for a valid one.
    #[test]
    fn the_portfolio_schema_splits_down_to_every_field_of_a_supply_line() {
        let shape = portfolio();
        let root = object(&shape, shape.root());
        assert_eq!(root.location, "");
        assert_eq!(root.one_of, ["supplies", "supplies_from"]);
        let supplies = root.child(root.property("supplies"));
        let Node::Array(items) = shape.node(supplies) else { panic!("supplies is a list") };
        let supply = object(&shape, *items);
        assert_eq!(supply.location, "/$defs/supply");
        assert_eq!(supply.required, ["material", "amount", "unit"]);
        assert!(supply.other.is_none());
        for (name, node) in &supply.properties {
            if name == "origin" {
                let origin = object(&shape, *node);
                for (_, country) in &origin.properties {
                    assert!(matches!(shape.node(*country), Node::Leaf(LeafNode { fast: Some(_), .. })));
                }
            } else {
                assert!(matches!(shape.node(*node), Node::Leaf(LeafNode { fast: Some(_), .. })), "{name}");
            }
        }
        let consumption = object(&shape, root.child(root.property("consumption")));
        assert!(matches!(shape.node(consumption.other.unwrap()), Node::Object(_)));
    }

    #[test]
    fn fast_checks_are_sure_only_of_what_the_schema_accepts() {
        use std::borrow::Cow;
        let text = |s: &'static str| Scalar::Str(Cow::Borrowed(s));
        let check = |schema: Value, value: Scalar<'_>| Fast::of(&schema).unwrap().check(&value);
        let amount = json!({"type": "number", "exclusiveMinimum": 0});
        assert_eq!(check(amount.clone(), Scalar::Number(12.5)), Verdict::Valid);
        assert_eq!(check(amount.clone(), Scalar::Integer(3.0)), Verdict::Valid);
        for unsure in [Scalar::Integer(0.0), Scalar::Number(-1.0), Scalar::Number(0.0), text("12"), Scalar::Other] {
            assert_eq!(check(amount.clone(), unsure.clone()), Verdict::Unsure, "{unsure:?}");
        }
        let year = json!({"type": "integer", "minimum": 2000, "maximum": 2100});
        assert_eq!(check(year.clone(), Scalar::Integer(2030.0)), Verdict::Valid);
        assert_eq!(check(year.clone(), Scalar::Number(2030.0)), Verdict::Unsure);
        assert_eq!(check(year, Scalar::Integer(1999.0)), Verdict::Unsure);
        let unit = json!({"enum": ["t", "kg"]});
        assert_eq!(check(unit.clone(), text("kg")), Verdict::Valid);
        assert_eq!(check(unit.clone(), text("kilo")), Verdict::Unsure);
        assert_eq!(check(unit, Scalar::Integer(5.0)), Verdict::Unsure);
        let country = json!({"type": "string", "pattern": "^[A-Za-z]{2}$"});
        assert_eq!(check(country, text("CN")), Verdict::AskOnce);
        let id = json!({"type": "string", "minLength": 2, "maxLength": 3});
        assert_eq!(check(id.clone(), text("")), Verdict::Unsure);
        assert_eq!(check(id.clone(), text("é")), Verdict::Unsure);
        assert_eq!(check(id.clone(), text("éé")), Verdict::Valid);
        assert_eq!(check(id.clone(), text("ééé")), Verdict::Valid);
        assert_eq!(check(id, text("éééé")), Verdict::Unsure);
        assert!(Fast::of(&json!({"anyOf": [{"type": "string"}]})).is_none());
        assert!(Fast::of(&json!({"const": 1})).is_none());
    }
}
