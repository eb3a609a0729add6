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
    /// The order `shown` and `grouped` diagnostics were made in, which decides the ones
    /// shown when two sets of problems are added up ([`Self::append`]).
    made: Vec<Made>,
    /// For problems read after others (a part of a table, see [`Self::after_others`]): the
    /// places of keys found only once their code was no longer shown, which the problems
    /// before may show (`None` where they are not kept).
    unshown: Option<Unshown>,
    /// Notes about the file as a whole, never capped.
    pub(super) notes: Vec<Diagnostic>,
}

/// The places of keys found once their code was no longer shown, up to a bound.
#[derive(Default)]
struct Unshown {
    /// By code, each key: its index, in the order first found.
    keys: FxHashMap<Code, FxHashMap<Box<str>, u32>>,
    key_count: u32,
    /// Each place: its key (an index into the keys, in the order first found) and span.
    places: Vec<(u32, Span)>,
    /// Whether places were found past the bound, and so not kept.
    overflowed: bool,
}

/// How many places of keys not shown are kept, at most (12 bytes each).
const UNSHOWN_KEPT: usize = 1 << 18;

impl Unshown {
    fn keep(&mut self, code: Code, key: &str, span: Span) {
        if self.overflowed || self.places.len() >= UNSHOWN_KEPT {
            self.overflowed = true;
            return;
        }
        let keys = self.keys.entry(code).or_default();
        let n = match keys.get(key) {
            Some(&n) => n,
            None => {
                keys.insert(key.into(), self.key_count);
                self.key_count += 1;
                self.key_count - 1
            }
        };
        self.places.push((n, span));
    }
}

/// A diagnostic made: one of `shown` or of `grouped`, by its index.
#[derive(Clone, Copy)]
enum Made {
    Shown(Code, usize),
    Group(Code, usize),
}

impl Problems {
    /// Problems to be added after others ([`Self::append`]): the places of keys not shown
    /// are kept (up to a bound), for the keys the problems before show.
    pub(super) fn after_others() -> Problems {
        Problems { unshown: Some(Unshown::default()), ..Problems::default() }
    }

    /// Counts a diagnostic of `code`, and makes it if it is among the first shown.
    pub(super) fn add(&mut self, code: Code, make: impl FnOnce(Code) -> Diagnostic) {
        let count = self.per_code.entry(code).or_default();
        *count += 1;
        if *count <= SHOWN_PER_CODE {
            self.made.push(Made::Shown(code, self.shown.len()));
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
                    if let Some(unshown) = &mut self.unshown {
                        unshown.keep(code, key, span);
                    }
                    return;
                }
                self.made.push(Made::Group(code, self.grouped.len()));
                self.grouped.push(make(code, span));
                groups.insert(key.to_owned(), self.grouped.len() - 1);
                return;
            }
        };
        self.grouped[n].repeat_at(&[span], None, None);
    }

    /// Whether [`Self::append`] can add `later` up exactly: unless `later` stopped showing a
    /// grouped code this one shows groups of, and did not keep all the places it found after
    /// (under a key shown here, they are places of its group).
    pub(super) fn can_append(&self, later: &Problems) -> bool {
        let kept = later.unshown.as_ref().is_some_and(|unshown| !unshown.overflowed);
        kept || later.group_index.keys().all(|code| {
            later.per_code.get(code).is_none_or(|&n| n <= SHOWN_PER_CODE)
                || self.group_index.get(code).is_none_or(|groups| groups.is_empty())
        })
    }

    /// Adds the problems found in what follows the text these were found in, as if found
    /// after them one by one: the first ones of each code shown, the rest counted, the
    /// places of a key grouped (see [`Self::can_append`] for when this is exact).
    pub(super) fn append(&mut self, later: Problems) {
        let mut keys = vec![""; later.grouped.len()];
        for groups in later.group_index.values() {
            for (key, &n) in groups {
                keys[n] = key;
            }
        }
        let mut made_per_code: FxHashMap<Code, usize> = FxHashMap::default();
        let mut shown: Vec<Option<Diagnostic>> = later.shown.into_iter().map(Some).collect();
        let mut grouped: Vec<Option<Diagnostic>> = later.grouped.into_iter().map(Some).collect();
        for made in later.made {
            match made {
                Made::Shown(code, n) => {
                    *made_per_code.entry(code).or_default() += 1;
                    if let Some(diagnostic) = shown[n].take() {
                        self.add(code, |_| diagnostic);
                    }
                }
                Made::Group(code, n) => {
                    *made_per_code.entry(code).or_default() += 1;
                    if let Some(diagnostic) = grouped[n].take() {
                        self.add_group(code, keys[n], diagnostic);
                    }
                }
            }
        }
        // A place `later` found once its code was no longer shown is a place here, if its key
        // is shown here (it was not shown there, so it is not one `later` showed).
        let mut placed: FxHashMap<Code, usize> = FxHashMap::default();
        if let Some(unshown) = later.unshown {
            // By key: the code and the group shown here, if there is one.
            let mut keys = vec![None; unshown.key_count as usize];
            for (code, code_keys) in &unshown.keys {
                for (key, &n) in code_keys {
                    let shown = self.group_index.get(code).and_then(|groups| groups.get(&**key));
                    keys[n as usize] = shown.map(|&g| (*code, g));
                }
            }
            for (key, span) in unshown.places {
                if let Some((code, n)) = keys[key as usize] {
                    self.grouped[n].repeat_at(&[span], None, None);
                    *placed.entry(code).or_default() += 1;
                }
            }
        }
        // What `later` only counted is counted here too: it came after what it showed.
        for (code, count) in later.per_code {
            let unmade =
                count - made_per_code.get(&code).copied().unwrap_or(0) - placed.get(&code).copied().unwrap_or(0);
            *self.per_code.entry(code).or_default() += unmade;
        }
        self.notes.extend(later.notes);
    }

    /// A group found elsewhere, with all its places, as [`Self::grouped`] would have taken
    /// them one by one.
    fn add_group(&mut self, code: Code, key: &str, diagnostic: Diagnostic) {
        let groups = self.group_index.entry(code).or_default();
        if let Some(&n) = groups.get(key) {
            self.grouped[n].absorb(&diagnostic);
            return;
        }
        let count = self.per_code.entry(code).or_default();
        if *count >= SHOWN_PER_CODE {
            // Not shown: each place counted, as a key not shown is at each place.
            *count += diagnostic.place_count();
            return;
        }
        *count += 1;
        self.made.push(Made::Group(code, self.grouped.len()));
        self.grouped.push(diagnostic);
        groups.insert(key.to_owned(), self.grouped.len() - 1);
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
