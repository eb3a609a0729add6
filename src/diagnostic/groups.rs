//! Diagnostics grouped by problem and capped by code, so that a file with the same mistake on
//! a million lines gets one diagnostic, and one with a million different mistakes a readable
//! report, in bounded memory.
//!
//! A problem is what a key says it is (its code, field and message, but not its place): the
//! places of one problem are added to its first diagnostic ([`Diagnostic::repeat`]). Of each
//! code, the first [`SHOWN_PER_CODE`] problems in the order of the file are kept, each with
//! all its places; the places of the others are only counted, and said at the end ("and 12
//! more `schema` errors like the ones above").

use rustc_hash::FxHashMap;

use super::{Code, Diagnostic, Severity};
use crate::quantity::format_number;
use crate::source::Span;

/// How many problems of one code are kept before the rest are only counted.
pub const SHOWN_PER_CODE: usize = 10;

/// Diagnostics grouped by problem, each with a payload (the first place's, such as its JSON
/// pointer), and capped by code.
pub struct Groups<P> {
    /// The kept problems; `None` where one was displaced by an earlier one.
    kept: Vec<Option<Group<P>>>,
    /// The kept problem of each key.
    index: FxHashMap<String, usize>,
    /// Per code: how many problems are kept.
    per_code: FxHashMap<Code, usize>,
    /// Per code: how many places were only counted.
    hidden: FxHashMap<Code, usize>,
    /// How many diagnostics were added.
    added: u32,
}

struct Group<P> {
    key: String,
    diagnostic: Diagnostic,
    payload: P,
}

impl<P> Default for Groups<P> {
    fn default() -> Self {
        Groups {
            kept: Vec::new(),
            index: FxHashMap::default(),
            per_code: FxHashMap::default(),
            hidden: FxHashMap::default(),
            added: 0,
        }
    }
}

impl<P: Default> Groups<P> {
    /// Adds a diagnostic: a further place of the problem `key` if it is kept, a new problem
    /// if its code has room (or if it comes before a kept one of its code, which it then
    /// displaces), else a place only counted.
    pub fn add(&mut self, key: String, diagnostic: Diagnostic, payload: impl FnOnce() -> P) {
        let diagnostic = diagnostic.found(self.added);
        self.added += 1;
        if let Some(group) = self.index.get(&key).and_then(|&n| self.kept[n].as_mut()) {
            group.diagnostic.repeat(&diagnostic);
            return;
        }
        let code = diagnostic.code;
        let kept = self.per_code.entry(code).or_default();
        if *kept >= SHOWN_PER_CODE {
            // Problems come in the order of the file but for a few found at the end (the
            // fields of a whole object): one of those displaces the last kept one.
            let start = |g: &Group<P>| g.diagnostic.primary_span().map(|s| s.start);
            let last = self
                .kept
                .iter()
                .enumerate()
                .filter_map(|(n, g)| g.as_ref().filter(|g| g.diagnostic.code == code).map(|g| (n, start(g))))
                .max_by_key(|(_, start)| *start);
            match last {
                Some((n, last_start)) if diagnostic.primary_span().map(|s| s.start) < last_start => {
                    if let Some(displaced) = self.kept[n].take() {
                        self.index.remove(&displaced.key);
                        *self.hidden.entry(code).or_default() += displaced.diagnostic.place_count();
                    }
                }
                _ => {
                    *self.hidden.entry(code).or_default() += 1;
                    return;
                }
            }
        } else {
            *kept += 1;
        }
        self.index.insert(key.clone(), self.kept.len());
        self.kept.push(Some(Group { key, diagnostic, payload: payload() }));
    }

    /// Adds a further place of the problem `key` (of `code`) from the spans of its labels
    /// and its item number, as [`Groups::add`] would add a diagnostic made there; false if
    /// it cannot without the diagnostic (a new problem its code has room for).
    pub fn add_again(&mut self, key: &str, code: Code, spans: &[Span], item: Option<u32>) -> bool {
        if let Some(group) = self.index.get(key).and_then(|&n| self.kept[n].as_mut()) {
            group.diagnostic.repeat_at(spans, item, Some(self.added));
        } else if self.per_code.get(&code).is_some_and(|&kept| kept >= SHOWN_PER_CODE) {
            *self.hidden.entry(code).or_default() += 1;
        } else {
            return false;
        }
        self.added += 1;
        true
    }

    /// Counts a place of a problem of `code` that is not shown.
    pub fn hide(&mut self, code: Code) {
        *self.hidden.entry(code).or_default() += 1;
    }

    /// Whether [`Groups::add_again`] can add a place of the problem `key`.
    pub fn takes_again(&self, key: &str, code: Code) -> bool {
        self.index.get(key).is_some_and(|&n| self.kept[n].is_some())
            || self.per_code.get(&code).is_some_and(|&kept| kept >= SHOWN_PER_CODE)
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty() && self.hidden.is_empty()
    }

    /// The kept problems in the order of the file (of their first place), then a diagnostic
    /// per code whose places were only counted.
    pub fn into_diagnostics(self) -> Vec<(Diagnostic, P)> {
        let mut all: Vec<(Diagnostic, P)> =
            self.kept.into_iter().flatten().map(|g| (g.diagnostic, g.payload)).collect();
        all.sort_by_key(|(d, _)| d.primary_span().map(|s| s.start));
        let mut hidden: Vec<(Code, usize)> = self.hidden.into_iter().collect();
        hidden.sort_by_key(|(code, _)| code.id());
        for (code, count) in hidden {
            all.push((more_like_these(code, count), P::default()));
        }
        all
    }
}

/// "and 12 more `schema` errors like the ones above".
pub fn more_like_these(code: Code, count: usize) -> Diagnostic {
    let kind = match code.severity() {
        Severity::Error => "errors",
        Severity::Warning => "warnings",
        Severity::Note => "notes",
    };
    Diagnostic::new(code, format!("and {} more `{code}` {kind} like the ones above", format_number(count as f64)))
        .standing_for(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(offset: usize, message: &str) -> Diagnostic {
        Diagnostic::new(Code::Schema, message).with_label(Span::new(offset, offset + 1), "here")
    }

    #[test]
    fn the_same_problem_is_one_diagnostic_with_every_place() {
        let mut groups = Groups::<()>::default();
        for n in 0..1000 {
            groups.add("unit kilo".to_owned(), at(n * 10, "`unit` must be one of t, kg"), || ());
        }
        groups.add("year".to_owned(), at(5, "`year` must be a whole number"), || ());
        let all = groups.into_diagnostics();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].0.place_count(), 1000);
        assert_eq!(all[1].0.message, "`year` must be a whole number");
    }

    #[test]
    fn beyond_the_cap_problems_are_counted_and_an_earlier_one_displaces_the_last() {
        let mut groups = Groups::<()>::default();
        for n in 1..=12 {
            groups.add(format!("problem {n}"), at(n * 100, &format!("problem {n}")), || ());
        }
        // Found last, written first: it is kept, and the tenth problem is counted instead.
        groups.add("root".to_owned(), at(0, "the document has no `year`"), || ());
        let all = groups.into_diagnostics();
        let messages: Vec<&str> = all.iter().map(|(d, _)| d.message.as_str()).collect();
        assert_eq!(messages.len(), 11);
        assert_eq!(messages[0], "the document has no `year`");
        assert_eq!(messages[9], "problem 9");
        assert_eq!(messages[10], "and 3 more `schema` errors like the ones above");
    }
}
