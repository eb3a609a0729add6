//! Problems found once, said again: the same mistake on a hundred thousand lines (a unit
//! written `kilo`, a field written `qty`) is validated and put in words once.
//!
//! What a value's problems are depends only on its text and its place but for the number of
//! the list item it is in (`/supplies/#/unit`); what an object's keys' problems are, only on
//! their names and its place. So the walk remembers, for a text at a place, the problems it
//! found, each as its group's key (see [`crate::diagnostic::Groups`]) and where its labels
//! are relative to the value (or at the object or one of its keys); the next time, it adds
//! the same problems at the new place without validating anything.

use rustc_hash::FxHashMap;

use crate::diagnostic::Code;
use crate::source::Span;

use super::problems::Problem;

/// How many texts and places are remembered: enough for the mistakes a file repeats, few
/// enough that a file of a million different mistakes keeps memory bounded.
const REMEMBERED: usize = 4096;

/// How long a text may be to be remembered: a mistake repeated on many lines is short (a
/// value, a line's keys); a long text (a whole list where an object belongs) is not copied.
const LONGEST: usize = 512;

/// The problems found of texts at places.
#[derive(Default)]
pub(super) struct Memo {
    /// By place and text, joined by a NUL (which a JSON pointer cannot hold unescaped).
    index: FxHashMap<String, usize>,
    found: Vec<Vec<Remembered>>,
    /// The key of the last lookup, kept to look up without allocating.
    scratch: String,
}

/// A problem as remembered.
pub(super) struct Remembered {
    /// Its group's key.
    pub key: String,
    /// Its code.
    pub code: Code,
    /// Where its labels are.
    pub anchors: Vec<Anchor>,
}

/// Where a label is, relative to what was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Anchor {
    /// In a value: this many bytes from its start, this long.
    At(u32, u32),
    /// At the opening brace of an object.
    Object,
    /// At an object's `n`th key.
    Key(usize),
}

impl Memo {
    /// What was found of `text` at `place` (a pointer with list items' numbers left out).
    pub(super) fn get(&mut self, place: &str, text: &str) -> Option<usize> {
        if text.len() > LONGEST {
            return None;
        }
        self.scratch.clear();
        self.scratch.push_str(place);
        self.scratch.push('\0');
        self.scratch.push_str(text);
        self.index.get(self.scratch.as_str()).copied()
    }

    /// Remembers the problems found of `text` at `place`, if there is room; `anchor` says
    /// where a span is.
    pub(super) fn remember(
        &mut self,
        place: &str,
        text: &str,
        problems: &[Problem],
        words: &[(&str, &str)],
        anchor: impl Fn(Span) -> Option<Anchor>,
    ) {
        if self.found.len() >= REMEMBERED || text.len() > LONGEST {
            return;
        }
        let mut remembered = Vec::with_capacity(problems.len());
        for problem in problems {
            let anchors: Option<Vec<Anchor>> = problem.diagnostic.labels.iter().map(|l| anchor(l.span)).collect();
            // A label outside what was checked: do not remember (the walk then validates
            // this text each time).
            let Some(anchors) = anchors else { return };
            remembered.push(Remembered { key: problem.key(words), code: problem.diagnostic.code, anchors });
        }
        self.index.insert(format!("{place}\0{text}"), self.found.len());
        self.found.push(remembered);
    }

    /// The problems remembered under `n`.
    pub(super) fn problems(&self, n: usize) -> &[Remembered] {
        &self.found[n]
    }
}
