//! The records of a CSV file (RFC 4180: quoted fields with doubled quotes, line breaks inside
//! quotes, `\n` or `\r\n` line ends), each field with its place in the text.
//!
//! `csv_core` reads the records (the `csv` crate's state machine, over the text in memory: the
//! text is kept anyway, for the diagnostics); it gives each field's unescaped bytes, not its
//! place. A record without a quote is laid out as read, so a field's place is its offset in
//! the record plus the delimiters before it. A record with a quote is scanned again by
//! [`scan_record`], which follows csv-core's rules and gives the place inside the quotes, and
//! notices a quote that is never closed (which csv-core reads, silently, as a field running to
//! the end of the file).

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

/// The records of a text, read with `csv_core`.
pub(super) struct Records<'t> {
    text: &'t str,
    delimiter: u8,
    core: csv_core::Reader,
    at: usize,
    /// Unescaped field bytes of the current record, and where each field ends in them.
    out: Vec<u8>,
    ends: Vec<usize>,
    scanned: Vec<Scanned>,
    done: bool,
}

impl<'t> Records<'t> {
    pub(super) fn new(text: &'t str, delimiter: u8) -> Self {
        // Quote `"`, doubled quotes, `\r`, `\n` or `\r\n` ending a record: csv-core's defaults.
        let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        // A first read of a line break, which it skips: csv-core strips a byte-order mark at
        // its first read, and its first read may be of a record in the middle of the text (see
        // `next_record_with`), where a U+FEFF is text. (The decoder has removed the file's.)
        let _ = core.read_record(b"\n", &mut [0; 1], &mut [0; 1]);
        Records {
            text,
            delimiter,
            core,
            at: 0,
            out: vec![0; 4096],
            ends: vec![0; 64],
            scanned: Vec::new(),
            done: false,
        }
    }

    /// The next record, its fields into `fields`; `None` at the end. Blank lines are skipped.
    #[cfg(test)]
    pub(super) fn next_record(&mut self, fields: &mut Vec<RawField<'t>>) -> Option<Record> {
        fields.clear();
        let text = self.text;
        self.next_record_with(|place, unescaped| {
            let value = unescaped.map_or_else(|| Cow::Borrowed(&text[place.clone()]), Cow::Owned);
            fields.push(RawField { text: value, place });
        })
    }

    /// The next record, each field handed to `field` in order: its place, and its value
    /// where that is not the text at its place (a quoted value with `""` in it); `None` at the
    /// end. Blank lines are skipped.
    pub(super) fn next_record_with(&mut self, mut field: impl FnMut(Range<usize>, Option<String>)) -> Option<Record> {
        use csv_core::ReadRecordResult::{End, InputEmpty, OutputEndsFull, OutputFull, Record as Read};
        let bytes = self.text.as_bytes();
        loop {
            if self.done {
                return None;
            }
            let start = skip_line_breaks(bytes, self.at);
            if start == bytes.len() {
                self.done = true;
                return None;
            }
            // Most records are a line without a quote (or a `\r` inside): split here, as
            // csv-core would, without copying its bytes.
            let line_end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |n| start + n);
            let end = if bytes[line_end - 1] == b'\r' { line_end - 1 } else { line_end };
            if memchr::memchr2(b'"', b'\r', &bytes[start..end]).is_none() {
                self.at = (line_end + 1).min(bytes.len());
                let mut from = start;
                for at in memchr::memchr_iter(self.delimiter, &bytes[start..end]) {
                    field(from..start + at, None);
                    from = start + at + 1;
                }
                field(from..end, None);
                return Some(Record { start, end, unclosed_quote: None });
            }
            let (mut written, mut ended) = (0, 0);
            let consumed_to = loop {
                let (result, read, out, end) =
                    self.core.read_record(&bytes[self.at..], &mut self.out[written..], &mut self.ends[ended..]);
                self.at += read;
                written += out;
                ended += end;
                match result {
                    Read => break self.at,
                    End => {
                        self.done = true;
                        return None;
                    }
                    OutputFull => self.out.resize(self.out.len() * 2, 0),
                    OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                    // All the text was given: the next call, with nothing, ends the last
                    // record if it has no line break.
                    InputEmpty => {}
                }
            };
            let end = trim_line_break(bytes, start, consumed_to);
            // A record of one empty field is a blank line (csv-core skips most of them), or `""`.
            if ended == 1 && (end == start || &bytes[start..end] == b"\"\"") {
                continue;
            }
            let unclosed_quote = self.fields(start, end, ended, &mut field);
            return Some(Record { start, end, unclosed_quote });
        }
    }

    /// The fields of the record `start..end`, read into `self.out` and `self.ends`.
    fn fields(
        &mut self,
        start: usize,
        end: usize,
        count: usize,
        field: &mut impl FnMut(Range<usize>, Option<String>),
    ) -> Option<usize> {
        let text = self.text;
        if memchr::memchr(b'"', &text.as_bytes()[start..end]).is_none() {
            // Laid out as read: field `i` is at its offset in the output, plus the `i`
            // delimiters before it.
            let mut previous_end = 0;
            for (i, &field_end) in self.ends[..count].iter().enumerate() {
                let place = start + previous_end + i..start + field_end + i;
                previous_end = field_end;
                field(place, None);
            }
            return None;
        }
        let unclosed = scan_record(text.as_bytes(), start, self.delimiter, &mut self.scanned);
        let mut previous_end = 0;
        for (scanned, &field_end) in self.scanned.iter().zip(&self.ends[..count]) {
            let unescaped = &self.out[previous_end..field_end];
            previous_end = field_end;
            let inner = &text.as_bytes()[scanned.inner.clone()];
            // `""` inside the quotes, or bytes after the closing quote: the unescaped copy
            // (UTF-8: csv-core splits only at ASCII bytes).
            let value = (inner != unescaped).then(|| String::from_utf8_lossy(unescaped).into_owned());
            field(scanned.inner.clone(), value);
        }
        unclosed
    }
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
}

/// Scans the record starting at `start` with csv-core's rules (quote `"`, doubled quotes, no
/// escape character, `\r` or `\n` ending it); the place of each field into `out`, and the
/// offset of a quote never closed, if any (its field then runs to the end of the text).
fn scan_record(text: &[u8], start: usize, delimiter: u8, out: &mut Vec<Scanned>) -> Option<usize> {
    out.clear();
    let n = text.len();
    let mut i = start;
    let ends_field = |b: u8| b == delimiter || b == b'\n' || b == b'\r';
    loop {
        if i < n && text[i] == b'"' {
            let open = i;
            i += 1;
            let inner_start = i;
            let mut closed = None;
            while i < n {
                if text[i] == b'"' {
                    if i + 1 < n && text[i + 1] == b'"' {
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
                out.push(Scanned { inner: inner_start..n });
                return Some(open);
            };
            while i < n && !ends_field(text[i]) {
                i += 1;
            }
            let inner = if i == close + 1 { inner_start..close } else { inner_start..i };
            out.push(Scanned { inner });
        } else {
            let field_start = i;
            while i < n && !ends_field(text[i]) {
                i += 1;
            }
            out.push(Scanned { inner: field_start..i });
        }
        if i < n && text[i] == delimiter {
            i += 1;
            continue;
        }
        return None;
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
            let got_texts: Vec<Vec<String>> =
                got.iter().map(|(row, _)| row.iter().map(|(t, _)| t.clone()).collect()).collect();
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
