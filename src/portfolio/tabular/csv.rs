//! The records of a CSV file (RFC 4180: quoted fields with doubled quotes, line breaks inside
//! quotes, `\n` or `\r\n` line ends), each field with its place in the text.
//!
//! Read by the rules of csv-core (the `csv` crate's state machine; a test compares the two),
//! over the text in memory: the text is kept anyway, for the diagnostics, so a field is its
//! place in it. A line without a quote is split at its delimiters; a record with a quote is
//! scanned by [`scan_record`], which gives each field's place inside its quotes and, where the
//! value is not the text there (`""` inside, or text after the closing quote), the value on
//! demand ([`Unescaped`]); a quote never closed runs, as csv-core reads it, to the end of the
//! file, and is noticed.

#[cfg(test)]
use std::borrow::Cow;
use std::ops::Range;

/// One field: its text (unescaped: a copy only where it held `""`) and the bytes of the file
/// it was read from (inside its quotes, if quoted).
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RawField<'t> {
    pub(super) text: Cow<'t, str>,
    pub(super) place: Range<usize>,
}

/// One record: where it starts and ends (before its line break) and whether a quote in it is
/// never closed (then at that offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Record {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) unclosed_quote: Option<usize>,
}

/// The records of a text.
pub(super) struct Records<'t> {
    text: &'t str,
    delimiter: u8,
    at: usize,
    scanned: Vec<Scanned>,
    done: bool,
}

impl<'t> Records<'t> {
    pub(super) fn new(text: &'t str, delimiter: u8) -> Self {
        Records { text, delimiter, at: 0, scanned: Vec::new(), done: false }
    }

    /// The records of `text` from `at`, which must be where a record starts (or a line
    /// break before one): a part of the text read on its own (see `rows::feed`).
    pub(super) fn starting_at(text: &'t str, delimiter: u8, at: usize) -> Self {
        Records { at, ..Records::new(text, delimiter) }
    }

    /// The delimiter it reads with.
    pub(super) fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Where the search for the next record starts: past the last record read (at its line
    /// break, or after it).
    pub(super) fn position(&self) -> usize {
        if self.done { self.text.len() } else { self.at }
    }

    /// Where the next record starts (the end of the text if there is none).
    pub(super) fn next_start(&self) -> usize {
        skip_line_breaks(self.text.as_bytes(), self.position())
    }

    /// The next record, its fields into `fields`; `None` at the end. Blank lines are skipped.
    #[cfg(test)]
    pub(super) fn next_record(&mut self, fields: &mut Vec<RawField<'t>>) -> Option<Record> {
        fields.clear();
        let text = self.text;
        self.next_record_with(|place, unescaped| {
            let value = unescaped.map_or_else(|| Cow::Borrowed(&text[place.clone()]), |u| Cow::Owned(u.value()));
            fields.push(RawField { text: value, place });
        })
    }

    /// The next record, each field handed to `field` in order: its place, and, where its
    /// value is not the text at its place (a quoted value with `""` in it), a way to make the
    /// value; `None` at the end. Blank lines are skipped (a record of one empty field, `""`,
    /// is handed over: the rows skip a row without a value, where a part of the rows ends).
    pub(super) fn next_record_with(
        &mut self,
        mut field: impl FnMut(Range<usize>, Option<Unescaped<'_>>),
    ) -> Option<Record> {
        let bytes = self.text.as_bytes();
        if self.done {
            return None;
        }
        let start = skip_line_breaks(bytes, self.at);
        if start == bytes.len() {
            self.done = true;
            return None;
        }
        // Most records are a line without a quote (or a `\r` inside): split here, as csv-core
        // would.
        let line_end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |n| start + n);
        let end = if bytes[line_end - 1] == b'\r' { line_end - 1 } else { line_end };
        if memchr::memchr2(b'"', b'\r', &bytes[start..end]).is_none() {
            self.at = (line_end + 1).min(bytes.len());
            // Fields are a few bytes long: a plain loop beats a search per field.
            let mut from = start;
            for (at, &byte) in bytes[start..end].iter().enumerate() {
                if byte == self.delimiter {
                    field(from..start + at, None);
                    from = start + at + 1;
                }
            }
            field(from..end, None);
            return Some(Record { start, end, unclosed_quote: None });
        }
        // A record with a quote: scanned, and, if every quote in it closes, read from the
        // places found.
        let scan = scan_record(bytes, start, self.delimiter, &mut self.scanned);
        self.at = scan.end;
        for scanned in &self.scanned {
            field(scanned.inner.clone(), scanned.escaped.clone().map(|raw| Unescaped(&self.text[raw])));
        }
        // A quote never closed: its field, and the record, run to the end of the text.
        let end = if scan.unclosed.is_some() { trim_line_break(bytes, start, scan.end) } else { scan.end };
        Some(Record { start, end, unclosed_quote: scan.unclosed })
    }
}

/// A field's value where it is not the text at its place, made on demand (most fields are
/// not read, and most that are have no quote): the quoted field from its opening quote to its
/// end, its quotes as written.
#[derive(Debug, Clone, Copy)]
pub(super) struct Unescaped<'a>(&'a str);

impl Unescaped<'_> {
    /// The value.
    pub(super) fn value(self) -> String {
        unquote(self.0)
    }
}

/// A quoted field's value, by csv-core's rules: inside the quotes `""` is `"`; a quote alone
/// closes them, and what follows, up to the delimiter, is kept as written (a quote never
/// closed keeps the rest of the text).
fn unquote(raw: &str) -> String {
    let mut value = String::with_capacity(raw.len());
    let mut rest = raw.strip_prefix('"').unwrap_or(raw);
    while let Some(at) = rest.find('"') {
        value.push_str(&rest[..at]);
        if rest[at + 1..].starts_with('"') {
            value.push('"');
            rest = &rest[at + 2..];
        } else {
            rest = &rest[at + 1..];
            break;
        }
    }
    value.push_str(rest);
    value
}

/// The first byte of a record whose search starts at `from`: line breaks skipped, as
/// csv-core skips them before a record.
fn skip_line_breaks(bytes: &[u8], mut from: usize) -> usize {
    while from < bytes.len() && matches!(bytes[from], b'\n' | b'\r') {
        from += 1;
    }
    from
}

/// The end of a record's last field: before the line break `start..end` ends with, if any.
fn trim_line_break(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    end
}

/// One field's place as [`scan_record`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Scanned {
    /// Inside its quotes, if quoted (with anything after the closing quote, which csv-core
    /// keeps: `"ab"c` is `abc`).
    inner: Range<usize>,
    /// For a quoted field whose value is not the text of `inner` (`""` inside, or text after
    /// the closing quote): the field from its opening quote on.
    escaped: Option<Range<usize>>,
}

/// What [`scan_record`] found about a record.
struct Scan {
    /// Where it ends: at its line break, or the end of the text.
    end: usize,
    /// The offset of a quote never closed, if any (its field then runs to the end of the text).
    unclosed: Option<usize>,
}

/// Scans the record starting at `start` with csv-core's rules (quote `"`, doubled quotes, no
/// escape character, `\r` or `\n` ending it); the place of each field into `out`.
fn scan_record(text: &[u8], start: usize, delimiter: u8, out: &mut Vec<Scanned>) -> Scan {
    out.clear();
    let n = text.len();
    let mut i = start;
    let ends_field = |b: u8| b == delimiter || b == b'\n' || b == b'\r';
    loop {
        if i < n && text[i] == b'"' {
            let open = i;
            i += 1;
            let inner_start = i;
            let (mut closed, mut doubled) = (None, false);
            while i < n {
                if text[i] == b'"' {
                    if i + 1 < n && text[i + 1] == b'"' {
                        doubled = true;
                        i += 2;
                        continue;
                    }
                    closed = Some(i);
                    i += 1;
                    break;
                }
                i += 1;
            }
            let Some(close) = closed else {
                out.push(Scanned { inner: inner_start..n, escaped: Some(open..n) });
                return Scan { end: n, unclosed: Some(open) };
            };
            while i < n && !ends_field(text[i]) {
                i += 1;
            }
            let trailing = i != close + 1;
            let inner = if trailing { inner_start..i } else { inner_start..close };
            out.push(Scanned { inner, escaped: (doubled || trailing).then_some(open..i) });
        } else {
            let field_start = i;
            while i < n && !ends_field(text[i]) {
                i += 1;
            }
            out.push(Scanned { inner: field_start..i, escaped: None });
        }
        if i < n && text[i] == delimiter {
            i += 1;
            continue;
        }
        return Scan { end: i, unclosed: None };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record read: each field's (text, text at its place), and an unclosed quote.
    type Read = (Vec<(String, String)>, Option<usize>);

    /// Every record's fields: (text, the text at its place).
    fn read(text: &str, delimiter: u8) -> Vec<Read> {
        let mut records = Records::new(text, delimiter);
        let mut fields = Vec::new();
        let mut all = Vec::new();
        while let Some(record) = records.next_record(&mut fields) {
            let row = fields.iter().map(|f| (f.text.to_string(), text[f.place.clone()].to_owned())).collect();
            all.push((row, record.unclosed_quote));
        }
        all
    }

    fn texts(text: &str, delimiter: u8) -> Vec<Vec<String>> {
        read(text, delimiter).into_iter().map(|(row, _)| row.into_iter().map(|(t, _)| t).collect()).collect()
    }

    #[test]
    fn fields_are_at_their_places() {
        let text = "id;amount\r\nPO-1;12,5\r\n\r\n\"PO;2\";\"say \"\"hi\"\"\"\nPO-3;\"multi\nline\"";
        let records = read(text, b';');
        assert_eq!(records.len(), 4);
        assert_eq!(records[1].0, [("PO-1".into(), "PO-1".into()), ("12,5".into(), "12,5".into())]);
        assert_eq!(records[2].0[0], ("PO;2".into(), "PO;2".into()));
        // Unescaped, and placed inside the quotes.
        assert_eq!(records[2].0[1], ("say \"hi\"".into(), "say \"\"hi\"\"".into()));
        assert_eq!(records[3].0[1], ("multi\nline".into(), "multi\nline".into()));
    }

    #[test]
    fn an_unclosed_quote_is_noticed() {
        let text = "id,material\nPO-1,\"lithium\nPO-2,cobalt\n";
        let records = read(text, b',');
        assert_eq!(records[1].1, Some(text.find('"').unwrap()));
    }

    #[test]
    fn empty_fields_and_blank_lines() {
        assert_eq!(texts("a;;c\n\n\n;;\n", b';'), [vec!["a", "", "c"], vec!["", "", ""]]);
        assert_eq!(texts("x", b';'), [vec!["x"]]);
        assert!(texts("", b';').is_empty());
    }

    /// The places agree with what the `csv` crate reads, on generated nasty records.
    #[test]
    fn places_agree_with_the_csv_crate() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let pieces = ["a", "é", "1,5", "\"", "\"\"", ";", ",", "\t", "\n", "\r\n", "\r", " ", "x\"y", ""];
        for _ in 0..3000 {
            let delimiter = [b',', b';', b'\t'][rng.random_range(0..3)];
            let mut text = String::new();
            for _ in 0..rng.random_range(0..12) {
                if rng.random_ratio(1, 3) {
                    text.push('"');
                    for _ in 0..rng.random_range(0..4) {
                        text.push_str(pieces[rng.random_range(0..pieces.len())]);
                    }
                    text.push('"');
                } else {
                    text.push_str(["a", "é", "12", "", " x "][rng.random_range(0..5)]);
                }
                // A lone `\r` ends a record too, as csv-core reads it.
                text.push_str([";", ",", "\t", "\n", "\r\n", "\r"][rng.random_range(0..6)]);
            }
            let expected: Vec<Vec<String>> = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes())
                .byte_records()
                .map(|r| r.unwrap().iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect())
                .filter(|r: &Vec<String>| !(r.len() == 1 && r[0].is_empty()))
                .collect();
            let got = read(&text, delimiter);
            // A record of one empty field (`""`) is left to the rows to skip, as the csv
            // crate leaves it to its callers.
            let got_texts: Vec<Vec<String>> = got
                .iter()
                .map(|(row, _)| row.iter().map(|(t, _)| t.clone()).collect())
                .filter(|r: &Vec<String>| !(r.len() == 1 && r[0].is_empty()))
                .collect();
            assert_eq!(got_texts, expected, "{text:?}");
            for (row, unclosed) in &got {
                for (field, at) in row {
                    // Unescaped, the text at a field's place is the field (but for what follows
                    // a closing quote, kept by csv-core, and an unclosed quote's rest).
                    if unclosed.is_none() && !at.contains('"') {
                        assert_eq!(field, at, "{text:?}");
                    }
                }
            }
        }
    }
}
