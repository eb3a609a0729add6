//! The open documents: their text as the editor has it (the server reads no file the
//! editor has open), and what kind of crma-check file each one is.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use lsp_types::{Range, Uri};

use super::check::Checked;
use super::position::LineIndex;
use super::syntax;

/// What a document is to crma-check, told by its content (file names are free).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A portfolio: a top-level `supplies`, `consumption` or `waivers`, or a `$schema`
    /// naming the portfolio schema.
    Portfolio,
    /// A rule file: a top-level `rules` list, or a `$schema` naming the rules schema.
    Rules,
    /// Any other JSON file (a `package.json`, say): left alone, so that the server can be
    /// attached to every JSON file.
    Other,
}

impl Kind {
    /// The kind of a document's text, from its top-level keys: read up to the first that
    /// decides (a portfolio's `$schema` or `supplies` usually comes first), not through a
    /// whole large document on every change.
    pub fn of(text: &str) -> Kind {
        let mut rules = false;
        for (key, first) in syntax::top_level_keys(text) {
            match key {
                "$schema" => match schema_name(text) {
                    Some(name) if name.contains("portfolio.schema") => return Kind::Portfolio,
                    Some(name) if name.contains("rules.schema") => return Kind::Rules,
                    _ => {}
                },
                "supplies" | "consumption" | "stocks" | "waivers" => return Kind::Portfolio,
                // ESLint's configuration has `rules` too, but as an object.
                "rules" if first == Some(b'[') => rules = true,
                _ => {}
            }
        }
        if rules { Kind::Rules } else { Kind::Other }
    }
}

/// The value of a top-level `"$schema"`, roughly (it only decides a kind).
fn schema_name(text: &str) -> Option<&str> {
    let at = text.find("\"$schema\"")? + "\"$schema\"".len();
    let rest = text[at..].trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    Some(&rest[..rest.find('"')?])
}

/// One open document (full-text sync: the client sends the whole text on each change).
#[derive(Debug)]
pub struct Document {
    /// Its URI, as the client sent it.
    pub uri: Uri,
    /// The file behind a `file:` URI; `None` for an unsaved buffer (`untitled:`).
    pub path: Option<PathBuf>,
    /// The client's version of the text.
    pub version: i32,
    /// The text.
    pub text: String,
    /// Where its lines start.
    pub index: LineIndex,
    /// What it is.
    pub kind: Kind,
    /// What checking this version found, once it has been checked.
    pub checked: Option<Arc<Checked>>,
}

impl Document {
    fn new(uri: Uri, version: i32, text: String) -> Document {
        let path = super::uri::to_path(&uri);
        let index = LineIndex::new(&text);
        let kind = Kind::of(&text);
        Document { uri, path, version, text, index, kind, checked: None }
    }

    /// The text the library reads, and the bytes before it: a byte-order mark is left out
    /// (the library takes texts without one, as it reads files), and every offset into the
    /// text read is that many bytes further into the document.
    pub fn content(&self) -> (&str, usize) {
        match self.text.strip_prefix('\u{feff}') {
            Some(text) => (text, '\u{feff}'.len_utf8()),
            None => (&self.text, 0),
        }
    }

    /// The range of a byte range of the text.
    pub fn range(&self, bytes: std::ops::Range<usize>) -> Range {
        self.index.range(&self.text, bytes)
    }

    /// The byte offset of a position.
    pub fn offset(&self, position: lsp_types::Position) -> usize {
        self.index.offset(&self.text, position)
    }

    /// A new version of the text: `changes` are the client's, each a whole text or a range
    /// replaced (the server asks for whole texts, but takes either).
    fn change(&mut self, version: i32, changes: Vec<lsp_types::TextDocumentContentChangeEvent>) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let bytes = self.index.byte_range(&self.text, range);
                    self.text.replace_range(bytes, &change.text);
                }
                None => self.text = change.text,
            }
            self.index = LineIndex::new(&self.text);
        }
        self.version = version;
        self.kind = Kind::of(&self.text);
        self.checked = None;
    }
}

/// The open documents, by URI.
#[derive(Debug, Default)]
pub struct Documents {
    /// Keyed by the URI's text: a `HashMap<lsp_types::Uri, _>` trips clippy's
    /// `mutable_key_type` (the URI type caches in a `Cell`).
    open: HashMap<String, Document>,
}

impl Documents {
    /// Opens a document (or replaces one the client opens again).
    pub fn open(&mut self, uri: Uri, version: i32, text: String) -> &Document {
        let key = uri.as_str().to_owned();
        self.open.insert(key.clone(), Document::new(uri, version, text));
        &self.open[&key]
    }

    /// Applies a change; `None` if the document is not open.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<lsp_types::TextDocumentContentChangeEvent>,
    ) -> Option<&Document> {
        let document = self.open.get_mut(uri.as_str())?;
        document.change(version, changes);
        Some(document)
    }

    /// Closes a document.
    pub fn close(&mut self, uri: &Uri) {
        self.open.remove(uri.as_str());
    }

    /// An open document.
    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri.as_str())
    }

    /// Keeps what checking a document's current version found.
    pub fn set_checked(&mut self, uri: &Uri, checked: Arc<Checked>) {
        if let Some(document) = self.open.get_mut(uri.as_str()) {
            document.checked = Some(checked);
        }
    }

    /// Forgets every result (the settings changed).
    pub fn clear_checked(&mut self) {
        self.open.values_mut().for_each(|d| d.checked = None);
    }

    /// The URIs of every open document.
    pub fn uris(&self) -> Vec<Uri> {
        self.open.values().map(|d| d.uri.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_content() {
        assert_eq!(Kind::of(r#"{"year": 2030, "supplies": []}"#), Kind::Portfolio);
        assert_eq!(Kind::of(r#"{"consumption": {"lithium": "#), Kind::Portfolio, "half-typed");
        assert_eq!(Kind::of(r#"{"rules": [{"id": "X"}]}"#), Kind::Rules);
        assert_eq!(Kind::of(r#"{"$schema": "../schemas/rules.schema.json"}"#), Kind::Rules);
        assert_eq!(Kind::of(r#"{"$schema": "https://x/portfolio.schema.json", "year": 2030}"#), Kind::Portfolio);
        assert_eq!(Kind::of(r#"{"rules": {"no-console": "error"}}"#), Kind::Other, "ESLint");
        assert_eq!(Kind::of(r#"{"name": "x", "version": "1.0.0"}"#), Kind::Other);
        assert_eq!(Kind::of(""), Kind::Other);
        assert_eq!(Kind::of(r#"{"x": {"supplies": []}}"#), Kind::Other, "only top-level keys count");
    }
}
