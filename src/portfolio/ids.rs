//! Supply ids, kept until all lines are read, to find the ones used twice.
//!
//! Exports list lines by order number, so ids usually come in increasing order, and then
//! none can repeat: only where each id is gets kept (8 bytes an id), and nothing is hashed.
//! From the first id out of order on, each id is kept with its hash (16 bytes an id), on
//! the builder's thread beside the parser, for one sort at the end.

use rustc_hash::{FxHashMap, FxHasher};

use super::record::Field;
use crate::source::{Source, Span};

/// The supply ids of a file.
pub(super) struct SupplyIds<'de> {
    source: &'de Source,
    texts: Texts,
    order: Order<'de>,
}

/// How an id kept by its span is read back.
#[derive(Default)]
struct Texts {
    /// The few ids written with escapes, which have no span to read them back from, by the
    /// start of the span kept for them instead.
    escaped: FxHashMap<u32, String>,
    /// The files (by the offset of their first byte) whose id spans take in the id's quotes
    /// (a portfolio's JSON strings); a table cell's span is its value alone, with any quote
    /// that is part of it (`PO-12"`).
    quoted_files: Vec<usize>,
}

impl Texts {
    /// The id kept by `span`.
    fn text<'a>(&'a self, source: &'a Source, span: Span) -> &'a str {
        if let Some(id) = self.escaped.get(&span.start) {
            return id;
        }
        let text = source.slice(span);
        if self.quoted_files.contains(&source.file_at(span.start as usize).base()) {
            text.get(1..text.len().saturating_sub(1)).unwrap_or(text)
        } else {
            text
        }
    }

    /// Says that the ids of the file starting at `base` are kept with their quotes.
    fn quoted(&mut self, base: usize) {
        if !self.quoted_files.contains(&base) {
            self.quoted_files.push(base);
        }
    }

    /// Ids kept by their spans, each with its hash.
    fn hashed(&self, source: &Source, spans: &[Span]) -> Vec<(u64, Span)> {
        spans.iter().map(|&span| (hash(self.text(source, span)), span)).collect()
    }
}

enum Order<'de> {
    /// Every id so far greater than the one before; `last` is the latest.
    Increasing { last: Field<'de>, spans: Vec<Span> },
    /// Not so: every id's hash and place.
    Unordered(Vec<(u64, Span)>),
}

/// A supply id used again: where, the id, and where it was first used.
pub(super) struct Repeat {
    pub(super) again: Span,
    pub(super) id: String,
    pub(super) first: Span,
}

impl<'de> SupplyIds<'de> {
    pub(super) fn new(source: &'de Source) -> Self {
        let order = Order::Increasing { last: Field { text: "".into(), span: None }, spans: Vec::new() };
        SupplyIds { source, texts: Texts::default(), order }
    }

    /// Keeps `id` (not empty), found at its own span or, for an id written with escapes,
    /// kept by `fallback`. Returns the id's own span, if it has one.
    pub(super) fn add(&mut self, id: &Field<'de>, fallback: Span) -> Option<Span> {
        let own = id.span.filter(|_| id.borrowed_text().is_some());
        match own {
            None => {
                self.texts.escaped.insert(fallback.start, id.as_str().to_owned());
            }
            // A span two bytes longer than its text takes in its quotes: a JSON string.
            Some(span) if span.len as usize == id.as_str().len() + 2 => {
                self.texts.quoted(self.source.file_at(span.start as usize).base());
            }
            Some(_) => {}
        }
        let span = own.unwrap_or(fallback);
        match &mut self.order {
            Order::Increasing { last, spans } if last.as_str() < id.as_str() => {
                *last = id.clone();
                spans.push(span);
            }
            Order::Increasing { spans, .. } => {
                let mut records = self.texts.hashed(self.source, spans);
                records.push((hash(id.as_str()), span));
                self.order = Order::Unordered(records);
            }
            Order::Unordered(records) => records.push((hash(id.as_str()), span)),
        }
        own
    }

    /// Adds the ids of `later`, kept from the lines that follow this one's, as if added one
    /// by one.
    pub(super) fn append(&mut self, later: SupplyIds<'de>) {
        self.texts.escaped.extend(later.texts.escaped);
        for base in later.texts.quoted_files {
            self.texts.quoted(base);
        }
        let later_first = match &later.order {
            Order::Increasing { spans, .. } => spans.first().map(|&span| self.texts.text(self.source, span)),
            Order::Unordered(_) => None,
        };
        let order = std::mem::replace(&mut self.order, Order::Unordered(Vec::new()));
        self.order = match (order, later.order) {
            (Order::Increasing { last, mut spans }, Order::Increasing { last: later_last, spans: later_spans })
                if later_first.is_none_or(|first| last.as_str() < first) =>
            {
                let last = if later_spans.is_empty() { last } else { later_last };
                spans.extend(later_spans);
                Order::Increasing { last, spans }
            }
            (order, later_order) => {
                let mut records = self.hashed(order);
                records.extend(self.hashed(later_order));
                Order::Unordered(records)
            }
        };
    }

    /// The ids kept in `order`, each with its hash.
    fn hashed(&self, order: Order<'de>) -> Vec<(u64, Span)> {
        match order {
            Order::Increasing { spans, .. } => self.texts.hashed(self.source, &spans),
            Order::Unordered(records) => records,
        }
    }

    /// Every id used again, at each use after the first, in file order.
    pub(super) fn repeats(&mut self) -> Vec<Repeat> {
        let Order::Unordered(records) = &mut self.order else { return Vec::new() };
        records.sort_unstable_by_key(|&(hash, span)| (hash, span.start));
        let mut repeats = Vec::new();
        for run in records.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
            // Equal hashes are almost always equal ids; the texts decide.
            let mut firsts: Vec<(&str, Span)> = Vec::new();
            for &(_, span) in run {
                let id = self.texts.text(self.source, span);
                match firsts.iter().find(|(first, _)| *first == id) {
                    Some(&(_, first)) => repeats.push(Repeat { again: span, id: id.to_owned(), first }),
                    None => firsts.push((id, span)),
                }
            }
        }
        repeats.sort_by_key(|r| r.again.start);
        repeats
    }
}

fn hash(id: &str) -> u64 {
    let mut hasher = FxHasher::default();
    std::hash::Hash::hash(id, &mut hasher);
    std::hash::Hasher::finish(&hasher)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The repeats among the string values of `text` (each read as an id at its place).
    fn repeats(text: &str) -> Vec<(String, usize, usize)> {
        let source = Source::new("ids", text.to_owned());
        let values: Vec<crate::json::Text<'_>> = serde_json::from_str(source.text()).unwrap();
        let mut ids = SupplyIds::new(&source);
        let mut escaped_at = 0;
        for value in values {
            escaped_at += 1;
            let span = value.span(&source);
            ids.add(&Field { text: value.0, span }, Span::at(100_000 + escaped_at));
        }
        // Which value a span is at (an escaped id's stand-in span is past the end: the last).
        let at = |span: Span| {
            let before = source.text().get(..span.start as usize).unwrap_or(source.text());
            before.matches(',').count()
        };
        ids.repeats().into_iter().map(|r| (r.id, at(r.again), at(r.first))).collect()
    }

    #[test]
    fn increasing_ids_cannot_repeat() {
        assert!(repeats(r#"["PO-1", "PO-2", "PO-3"]"#).is_empty());
    }

    #[test]
    fn repeats_are_found_before_and_after_the_order_breaks() {
        // `A` was kept while the ids still increased; `C` only once they no longer did.
        let found = repeats(r#"["A", "C", "B", "A", "C", "C"]"#);
        assert_eq!(found, [("A".to_owned(), 3, 0), ("C".to_owned(), 4, 1), ("C".to_owned(), 5, 1)]);
    }

    /// The repeats among the ids of `text` kept in two parts, the second from value `cut` on
    /// (each part kept by its own `SupplyIds`, then appended).
    fn repeats_in_parts(text: &str, cut: usize) -> Vec<(usize, usize)> {
        let source = Source::new("ids", text.to_owned());
        let values: Vec<crate::json::Text<'_>> = serde_json::from_str(source.text()).unwrap();
        let (mut first, mut later) = (SupplyIds::new(&source), SupplyIds::new(&source));
        let mut spans = Vec::new();
        for (n, value) in values.into_iter().enumerate() {
            let span = value.span(&source);
            spans.push(span.unwrap().start);
            let ids = if n < cut { &mut first } else { &mut later };
            ids.add(&Field { text: value.0, span }, Span::at(100_000 + n));
        }
        first.append(later);
        let at = |span: Span| spans.iter().position(|&s| s == span.start).unwrap();
        first.repeats().into_iter().map(|r| (at(r.again), at(r.first))).collect()
    }

    /// Two parts, each in increasing order: the order goes on only if the second starts
    /// above the first's end; else an id of the first may be used again in the second.
    #[test]
    fn parts_keep_their_repeats() {
        let ids = r#"["A", "B", "C", "A", "B", "D"]"#;
        assert_eq!(repeats_in_parts(ids, 3), [(3, 0), (4, 1)]);
        assert_eq!(repeats_in_parts(r#"["A", "B", "C", "D"]"#, 2), []);
        assert_eq!(repeats_in_parts(r#"["A", "C", "B", "C"]"#, 2), [(3, 1)]);
        assert_eq!(repeats_in_parts(r#"["A", "B", "B"]"#, 0), [(2, 1)]);
        assert_eq!(repeats_in_parts(r#"["A", "B", "B"]"#, 3), [(2, 1)]);
    }

    #[test]
    fn an_id_written_with_escapes_is_the_same_id() {
        assert_eq!(repeats(r#"["A", "B", "\u0041"]"#), [("A".to_owned(), 2, 0)]);
    }
}
