//! A problem found at many places, as one diagnostic: the same mistake on a hundred thousand
//! lines is one problem to a person, and a hundred thousand entries to a tool that filters
//! them. The diagnostic keeps its first place whole and, for each further place, only the
//! spans of its labels and the number of the list item its message names ("supply line 4"),
//! so that memory stays small whatever the count. The formats decide how to show it: those
//! for people once, labelled at the first few places; those for tools once per place, each
//! as it would read alone.

use std::borrow::Cow;
use std::ops::Range;

use super::{Diagnostic, Label, Suggestion};
use crate::source::Span;

/// The further places of a [`Diagnostic`], and where its message names its list item.
#[derive(Debug, Clone, Default)]
pub(super) struct Repeats {
    /// The byte range of the item number in the message, if the message names an item.
    item: Option<Range<usize>>,
    /// The spans of each further place's labels, as many per place as the diagnostic has
    /// labels, in the same order.
    spans: Vec<Span>,
    /// The item number of each further place, where the message names an item.
    items: Vec<u32>,
    /// How many further places there are.
    further: usize,
    /// When each place was found, the first one first, where it was recorded: among places
    /// at the same character, the order of finding is the order of the file.
    found: Vec<u32>,
    /// For a diagnostic that says how many more were not shown ("and 12 more … like the ones
    /// above"): how many places it stands for.
    unshown: usize,
}

/// One place of a diagnostic, as a diagnostic of its own would say it.
#[derive(Debug, Clone)]
pub struct Place<'a> {
    /// The message, with this place's item number.
    pub message: Cow<'a, str>,
    /// The labels, at this place.
    pub labels: Cow<'a, [Label]>,
    /// The fix, at this place: a fix of the value the primary label points at moves with
    /// it; any other fix (a key to rename, say) goes with the first place only.
    pub suggestion: Option<Cow<'a, Suggestion>>,
}

impl Diagnostic {
    /// Says that the message names a list item ("supply line 4") whose number is at `range`,
    /// so that the same problem at another item can be added with [`Diagnostic::repeat`].
    pub fn with_item_number(mut self, range: Range<usize>) -> Diagnostic {
        if self.message.get(range.clone()).is_some_and(|n| n.parse::<u32>().is_ok()) {
            self.repeats.get_or_insert_default().item = Some(range);
        }
        self
    }

    /// Records when the diagnostic was found, `n`th among those of its file, so that places
    /// at the same character keep the order they were found in (see [`in_file_order`]).
    pub(crate) fn found(mut self, n: u32) -> Diagnostic {
        let repeats = self.repeats.get_or_insert_default();
        repeats.found.clear();
        repeats.found.push(n);
        self
    }

    /// Adds `other`, the same problem at another place (the same code, message but for its
    /// item number, labels and help), as a further place of this diagnostic.
    pub fn repeat(&mut self, other: &Diagnostic) {
        let spans: Vec<Span> = other.labels.iter().map(|l| l.span).collect();
        let found = other.repeats.as_ref().and_then(|r| r.found.first().copied());
        self.repeat_at(&spans, other.item_number(), found);
    }

    /// Adds a further place of the same problem: the spans of its labels (in the order of
    /// this diagnostic's), the number of its item where the message names one, and when it
    /// was found.
    pub fn repeat_at(&mut self, spans: &[Span], item: Option<u32>, found: Option<u32>) {
        let labels = self.labels.len();
        let repeats = self.repeats.get_or_insert_default();
        repeats.spans.extend(spans.iter().copied().chain(std::iter::repeat(Span::default())).take(labels));
        if repeats.item.is_some() {
            repeats.items.push(item.unwrap_or_default());
        }
        if let Some(found) = found.filter(|_| repeats.found.len() == repeats.further + 1) {
            repeats.found.push(found);
        }
        repeats.further += 1;
    }

    /// Adds every place of `other`, the same problem found elsewhere (its first place and
    /// its further ones), each by its primary span and item number, as
    /// [`Diagnostic::repeat_at`] records a place found one at a time by its primary span.
    pub(crate) fn absorb(&mut self, other: &Diagnostic) {
        let first = other.labels.first().map(|l| l.span);
        self.repeat_at(first.as_slice(), other.item_number(), None);
        let Some(repeats) = &other.repeats else { return };
        let stride = other.labels.len().max(1);
        for n in 0..repeats.further {
            let span = repeats.spans.get(n * stride).copied();
            self.repeat_at(span.as_slice(), repeats.items.get(n).copied(), None);
        }
    }

    /// Says that this diagnostic stands for `n` places of problems it does not show (a cap's
    /// "and 12 more … like the ones above"): they count, as the places of a shown one do.
    pub(crate) fn standing_for(mut self, n: usize) -> Diagnostic {
        self.repeats.get_or_insert_default().unshown = n;
        self
    }

    /// How many errors (or warnings, or notes) it counts as: one per place, or the places it
    /// stands for without showing them.
    pub fn count(&self) -> usize {
        match self.repeats.as_ref().map(|r| r.unshown) {
            Some(unshown) if unshown > 0 => unshown,
            _ => self.place_count(),
        }
    }

    /// How many places this diagnostic stands for: 1, or more for a problem found at many.
    pub fn place_count(&self) -> usize {
        1 + self.repeats.as_ref().map_or(0, |r| r.further)
    }

    /// The further places' primary spans, in the order they were added.
    pub fn repeat_spans(&self) -> impl Iterator<Item = Span> + '_ {
        let stride = self.labels.len().max(1);
        self.repeats.iter().flat_map(move |r| r.spans.iter().step_by(stride).copied())
    }

    /// Where the message names its list item: the byte range of the item number.
    pub fn item_number_range(&self) -> Option<Range<usize>> {
        self.repeats.as_ref().and_then(|r| r.item.clone())
    }

    /// Every place, the first one first, each as a diagnostic of its own would say it.
    pub fn places(&self) -> impl Iterator<Item = Place<'_>> {
        (0..self.place_count()).map(move |n| self.place(n))
    }

    /// The `n`th place (0 is the diagnostic itself), as a diagnostic of its own would say it.
    pub fn place(&self, n: usize) -> Place<'_> {
        let (Some(repeats), 1..) = (&self.repeats, n) else {
            return Place {
                message: Cow::Borrowed(&self.message),
                labels: Cow::Borrowed(&self.labels),
                suggestion: self.suggestion.as_deref().map(Cow::Borrowed),
            };
        };
        let stride = self.labels.len();
        let spans = &repeats.spans[(n - 1) * stride..n * stride];
        let labels = self.labels.iter().zip(spans).map(|(label, span)| Label::new(*span, label.text.clone())).collect();
        let message = match (&repeats.item, repeats.items.get(n - 1)) {
            (Some(range), Some(number)) => {
                Cow::Owned(format!("{}{number}{}", &self.message[..range.start], &self.message[range.end..]))
            }
            _ => Cow::Borrowed(self.message.as_str()),
        };
        let first = self.labels.first().map(|l| l.span);
        let suggestion = self
            .suggestion
            .as_deref()
            .filter(|s| Some(s.span) == first)
            .map(|s| Cow::Owned(Suggestion { span: spans[0], replacement: s.replacement.clone() }));
        Place { message, labels: Cow::Owned(labels), suggestion }
    }

    /// The primary span of the `n`th place (0 is the diagnostic itself).
    fn primary_span_of(&self, n: usize) -> Option<Span> {
        if n == 0 {
            return self.primary_span();
        }
        let stride = self.labels.len();
        self.repeats.as_ref().and_then(|r| r.spans.get((n - 1) * stride)).copied()
    }

    /// When the `n`th place was found, if that was recorded.
    fn found_at(&self, n: usize) -> Option<u32> {
        self.repeats.as_ref().and_then(|r| r.found.get(n)).copied()
    }

    /// The number of the list item the message names, if it names one.
    fn item_number(&self) -> Option<u32> {
        let range = self.item_number_range()?;
        self.message.get(range)?.parse().ok()
    }
}

/// Every place of `diagnostics` (each a diagnostic's index and a place's, as
/// [`Diagnostic::places`] counts them), in the order of the file: by their primary span, and
/// at one character in the order they were found. A diagnostic without a place (one about a
/// whole file, or a count of others) stays where it is in the list.
pub fn in_file_order(diagnostics: &[Diagnostic]) -> Vec<(usize, usize)> {
    let mut order = Vec::with_capacity(diagnostics.iter().map(Diagnostic::place_count).sum());
    let mut located = Vec::new();
    let flush = |located: &mut Vec<((u32, u32), usize, usize)>, order: &mut Vec<(usize, usize)>| {
        located.sort_unstable();
        order.extend(located.drain(..).map(|(_, d, p)| (d, p)));
    };
    for (d, diagnostic) in diagnostics.iter().enumerate() {
        if diagnostic.labels.is_empty() {
            flush(&mut located, &mut order);
            order.extend((0..diagnostic.place_count()).map(|p| (d, p)));
            continue;
        }
        for p in 0..diagnostic.place_count() {
            let start = diagnostic.primary_span_of(p).map_or(0, |span| span.start);
            located.push(((start, diagnostic.found_at(p).unwrap_or(0)), d, p));
        }
    }
    flush(&mut located, &mut order);
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    fn at_line(n: usize) -> Diagnostic {
        let message = format!("supply line {n}: `unit` must be one of t, kg; found \"kilo\"");
        let digits = n.to_string().len();
        Diagnostic::new(Code::Schema, message)
            .with_label(Span::new(n * 10, n * 10 + 6), "not one of the allowed values")
            .with_item_number(12..12 + digits)
    }

    #[test]
    fn each_place_reads_as_it_would_alone() {
        let mut group = at_line(3);
        group.repeat(&at_line(17));
        group.repeat(&at_line(120));
        assert_eq!(group.place_count(), 3);
        let places: Vec<Place<'_>> = group.places().collect();
        for (place, n) in places.iter().zip([3, 17, 120]) {
            let alone = at_line(n);
            assert_eq!(place.message, alone.message);
            assert_eq!(place.labels.as_ref(), alone.labels.as_slice());
        }
        assert_eq!(group.repeat_spans().collect::<Vec<_>>(), vec![Span::new(170, 176), Span::new(1200, 1206)]);
    }

    #[test]
    fn a_fix_of_the_value_moves_to_each_place_and_any_other_stays_with_the_first() {
        let fix = |span| Suggestion { span, replacement: "\"kg\"".to_owned() };
        let mut value = at_line(3).with_suggestion(fix(Span::new(30, 36)));
        value.repeat(&at_line(17));
        let fixes: Vec<Span> = value.places().map(|p| p.suggestion.expect("a fix at each place").span).collect();
        assert_eq!(fixes, [Span::new(30, 36), Span::new(170, 176)]);
        let mut elsewhere = at_line(3).with_suggestion(fix(Span::new(0, 2)));
        elsewhere.repeat(&at_line(17));
        let fixes: Vec<Option<Span>> = elsewhere.places().map(|p| p.suggestion.map(|s| s.span)).collect();
        assert_eq!(fixes, [Some(Span::new(0, 2)), None]);
    }

    #[test]
    fn places_are_listed_in_the_order_of_the_file_and_a_count_stays_last() {
        let mut kilo = at_line(3).found(0);
        kilo.repeat(&at_line(9).found(2));
        let amount = Diagnostic::new(Code::Schema, "supply line 5: `amount` must be greater than 0; found -1")
            .with_label(Span::new(48, 50), "must be greater than 0")
            .found(1);
        let more = Diagnostic::new(Code::Schema, "and 3 more `schema` errors like the ones above");
        let order = in_file_order(&[kilo, amount, more]);
        assert_eq!(order, [(0, 0), (1, 0), (0, 1), (2, 0)]);
    }

    #[test]
    fn a_diagnostic_alone_is_one_place() {
        let alone = Diagnostic::new(Code::Schema, "the file is empty");
        assert_eq!(alone.place_count(), 1);
        assert_eq!(alone.places().count(), 1);
    }

    #[test]
    fn a_message_without_an_item_is_the_same_at_every_place() {
        let make = |at: usize| {
            Diagnostic::new(Code::DuplicateKey, "`unit` is written twice in the same object")
                .with_label(Span::new(at, at + 6), "written again here")
                .with_label(Span::new(at - 20, at - 14), "first written here")
        };
        let mut group = make(100);
        group.repeat(&make(300));
        let second = group.places().nth(1).unwrap();
        assert_eq!(second.message, "`unit` is written twice in the same object");
        assert_eq!(second.labels.as_ref(), make(300).labels.as_slice());
    }
}
