//! What reading finds wrong or noteworthy, grouped and capped: a file with the same mistake
//! on a million lines gets one readable diagnostic, and memory stays bounded.

use rustc_hash::FxHashMap;

use crate::diagnostic::{Code, Diagnostic, Severity, more_like_these};
use crate::source::Span;

/// How many diagnostics of one code are shown before the rest are only counted.
const SHOWN_PER_CODE: usize = crate::diagnostic::SHOWN_PER_CODE;

/// Everything wrong or noteworthy found while reading, grouped and capped.
#[derive(Default)]
pub(super) struct Problems {
    shown: Vec<Diagnostic>,
    /// Per code: how many diagnostics (or, for grouped codes, distinct groups) there were.
    per_code: FxHashMap<Code, usize>,
    /// Diagnostics shown once for many places ("unknown material `lithum`" on 40 lines),
    /// each with all its places (see [`Diagnostic::places`]).
    grouped: Vec<Diagnostic>,
    group_index: FxHashMap<Code, FxHashMap<String, usize>>,
    /// Notes about the file as a whole, never capped.
    pub(super) notes: Vec<Diagnostic>,
}

impl Problems {
    /// Counts a diagnostic of `code`, and makes it if it is among the first shown.
    pub(super) fn add(&mut self, code: Code, make: impl FnOnce(Code) -> Diagnostic) {
        let count = self.per_code.entry(code).or_default();
        *count += 1;
        if *count <= SHOWN_PER_CODE {
            self.shown.push(make(code));
        }
    }

    /// A diagnostic keyed by `key`, made (with its label at `span`) where the key first
    /// occurs, with every further place of the key. Distinct keys beyond the first few of a
    /// code are only counted, as [`Self::add`] does.
    pub(super) fn grouped(&mut self, code: Code, key: &str, span: Span, make: impl FnOnce(Code, Span) -> Diagnostic) {
        let groups = self.group_index.entry(code).or_default();
        let n = match groups.get(key) {
            Some(&n) => n,
            None => {
                let count = self.per_code.entry(code).or_default();
                *count += 1;
                if *count > SHOWN_PER_CODE {
                    return;
                }
                self.grouped.push(make(code, span));
                groups.insert(key.to_owned(), self.grouped.len() - 1);
                return;
            }
        };
        self.grouped[n].repeat_at(&[span], None, None);
    }

    /// The errors, and the warnings and notes, with "and N more" where some were only
    /// counted; in the order of the file.
    pub(super) fn into_diagnostics(self) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let mut all = self.shown;
        all.extend(self.notes);
        all.extend(self.grouped);
        all.sort_by_key(|d| d.primary_span().map(|s| s.start));
        let mut hidden: Vec<_> = self.per_code.into_iter().filter(|(_, n)| *n > SHOWN_PER_CODE).collect();
        hidden.sort_by_key(|(code, _)| code.id());
        for (code, count) in hidden {
            all.push(more_like_these(code, count - SHOWN_PER_CODE));
        }
        all.into_iter().partition(|d| d.severity == Severity::Error)
    }
}
