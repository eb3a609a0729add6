//! The error path: why a document failed the fast typed reading, said at the exact places.
//!
//! The loaders read documents with typed, borrowing deserialisers that stop at the first
//! problem. When that happens, and only then, this module reads the document again,
//! thoroughly: a syntax error is located at its character; otherwise every schema error and
//! every duplicate key is reported at once, each labelled at the offending value, and the same
//! mistake at many places once, with all its places (see [`crate::diagnostic::Groups`]).
//! The reading streams (see [`super::walk`]), so that a file of any size is diagnosed in
//! about the time and memory it takes to parse. Valid documents never come here.

use crate::diagnostic::{Code, Diagnostic, Groups};
use crate::source::{Source, Span};

use super::problems::{Problem, Tree, part_problems};
use super::schema::Schema;
use super::syntax::{first_error, strip_position, syntax_error};
use super::walk::walk;

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

/// Every syntax error, duplicate key and schema error of a document, located, the same
/// problem at many places as one; empty if the document is valid.
pub fn validate(source: &Source, schema: &Schema) -> Vec<Problem> {
    let text = source.text();
    if text.trim().is_empty() {
        return vec![Problem::root(Diagnostic::new(Code::Syntax, "the file is empty").with_help(schema.empty_help()))];
    }
    let walked = match walk(source, schema) {
        Ok(problems) => return problems,
        // Read once: the walk's syntax error is the one a `Value` meets first.
        Err(Some(error)) => Some(error),
        Err(None) => first_error(text),
    };
    match walked {
        Some(error) => vec![Problem::root(syntax_error(source, &error))],
        // The walk met something it cannot read that a `Value` can (never seen): check the
        // document whole, so that nothing is lost.
        None => {
            let mut groups = Groups::default();
            for problem in one_part(source, schema) {
                let key = problem.key(schema.place_words());
                groups.add(key, problem.diagnostic, || problem.pointer);
            }
            groups.into_diagnostics().into_iter().map(|(diagnostic, pointer)| Problem { pointer, diagnostic }).collect()
        }
    }
}

/// Every problem of a syntactically valid document, found by validating it whole, one
/// diagnostic per place: what the walk must find, at a cost in memory the walk avoids.
pub(super) fn one_part(source: &Source, schema: &Schema) -> Vec<Problem> {
    let text = source.text();
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => return vec![Problem::root(syntax_error(source, &error))],
    };
    let tree = Tree::parse(text, 0);
    let duplicates = tree.as_ref().map(|t| t.duplicate_keys("")).unwrap_or_default();
    let errors = schema.validator().iter_errors(&value);
    match &tree {
        Some(tree) => part_problems(schema, tree, "", "", &value, duplicates, errors),
        None => part_problems(schema, &Nowhere, "", "", &value, duplicates, errors),
    }
}

/// No place for anything (a document the syntax tree could not read).
struct Nowhere;

impl super::problems::Locate for Nowhere {
    fn value(&self, _: &str) -> Option<Span> {
        None
    }

    fn key(&self, _: &str, _: &str) -> Option<Span> {
        None
    }
}
