//! Byte offsets ⇄ LSP positions (zero-based line, column in UTF-16 code units).
//!
//! The protocol's default position encoding is UTF-16: a column counts UTF-16 code
//! units, so `é` is 1 (2 bytes in UTF-8) and `😀` is 2 (4 bytes). Lines end at `\n`,
//! `\r\n` or a lone `\r` (the spec allows all three).

use lsp_types::{Position, Range};

/// The start of each line of one text, to convert offsets of that text.
///
/// Build it once per version of a document (O(n)); each conversion is then a binary
/// search plus a walk over one line (ASCII lines take a fast path).
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset where each line starts; the first is always 0.
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        // memchr: a document of 10,000 lines is indexed on every change.
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                starts.push(i + 1);
            }
        }
        Self { starts }
    }

    /// The position of a byte offset. An offset past the end is clamped to the end,
    /// and one inside a multi-byte character moves back to the character's start.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        // The last line start at or before `offset` (starts[0] == 0, so never underflows).
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let before = &text[self.starts[line]..offset];
        let column = if before.is_ascii() { before.len() } else { before.chars().map(char::len_utf16).sum() };
        Position::new(to_u32(line), to_u32(column))
    }

    /// The byte offset of a position. As the spec asks, a column past the end of its line
    /// means the end of the line (before its line break); a line past the last means the
    /// end of the text. A column inside a surrogate pair moves back to the character.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return text.len();
        };
        let end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        let content = strip_line_break(&text[start..end]);
        let mut remaining = position.character as usize;
        if content.is_ascii() {
            return start + remaining.min(content.len());
        }
        for (i, c) in content.char_indices() {
            let width = c.len_utf16();
            if remaining < width {
                return start + i;
            }
            remaining -= width;
        }
        start + content.len()
    }

    /// The LSP range of a byte range.
    pub fn range(&self, text: &str, bytes: std::ops::Range<usize>) -> Range {
        Range::new(self.position(text, bytes.start), self.position(text, bytes.end))
    }

    /// The byte range of an LSP range (start ≤ end even if the client sent them swapped).
    pub fn byte_range(&self, text: &str, range: Range) -> std::ops::Range<usize> {
        let a = self.offset(text, range.start);
        let b = self.offset(text, range.end);
        a.min(b)..a.max(b)
    }
}

fn strip_line_break(line: &str) -> &str {
    line.strip_suffix("\r\n").or_else(|| line.strip_suffix('\n')).or_else(|| line.strip_suffix('\r')).unwrap_or(line)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn ascii() {
        let text = "ab\ncd";
        let ix = LineIndex::new(text);
        assert_eq!(ix.position(text, 0), pos(0, 0));
        assert_eq!(ix.position(text, 2), pos(0, 2)); // on the '\n'
        assert_eq!(ix.position(text, 3), pos(1, 0));
        assert_eq!(ix.position(text, 5), pos(1, 2)); // end of text
        assert_eq!(ix.position(text, 99), pos(1, 2)); // clamped
        assert_eq!(ix.offset(text, pos(1, 1)), 4);
        assert_eq!(ix.offset(text, pos(0, 99)), 2); // end of line 0, before '\n'
        assert_eq!(ix.offset(text, pos(7, 0)), 5); // past the last line
    }

    #[test]
    fn non_ascii_before_the_error() {
        // A supplier with accents on the line before, and on the same line.
        let text = "{\"supplier\": \"Société Minière\",\n \"s\": \"Minière\", \"material\": \"lithum\"}";
        let ix = LineIndex::new(text);
        let start = text.find("lithum").unwrap();
        let range = ix.range(text, start..start + "lithum".len());
        // Line 1: ` "s": "Minière", "material": "` is 30 UTF-16 units but 31 bytes.
        assert_eq!(range.start, pos(1, 30));
        assert_eq!(range.end, pos(1, 36));
        assert_eq!(ix.byte_range(text, range), start..start + 6);
        // On line 0 the quote after "Société Minière" is at column 29 but byte 32.
        let q = text.find("\",").unwrap();
        assert_eq!(q, 32);
        assert_eq!(ix.position(text, q), pos(0, 29));
    }

    #[test]
    fn astral_plane_counts_two() {
        let text = "😀x";
        let ix = LineIndex::new(text);
        assert_eq!(ix.position(text, 4), pos(0, 2));
        assert_eq!(ix.offset(text, pos(0, 2)), 4);
        assert_eq!(ix.offset(text, pos(0, 1)), 0); // inside the surrogate pair: back to the char
        assert_eq!(ix.position(text, 2), pos(0, 0)); // inside the UTF-8 bytes: back too
    }

    #[test]
    fn crlf_and_lone_cr() {
        let text = "a\r\nb\rc";
        let ix = LineIndex::new(text);
        assert_eq!(ix.position(text, 3), pos(1, 0));
        assert_eq!(ix.position(text, 5), pos(2, 0));
        assert_eq!(ix.offset(text, pos(0, 5)), 1); // end of line 0 is before "\r\n"
        assert_eq!(ix.offset(text, pos(1, 9)), 4);
        assert_eq!(ix.offset(text, pos(2, 1)), 6);
    }

    #[test]
    fn round_trip_on_every_char_boundary() {
        let text = "é\r\n😀a\n\nŒuvre — 中文\r\rz";
        let ix = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            if text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
                continue; // between '\r' and '\n': no LSP position means that offset
            }
            let p = ix.position(text, offset);
            assert_eq!(ix.offset(text, p), offset, "offset {offset} -> {p:?}");
        }
    }

    #[test]
    fn empty_text() {
        let ix = LineIndex::new("");
        assert_eq!(ix.position("", 0), pos(0, 0));
        assert_eq!(ix.offset("", pos(3, 3)), 0);
    }
}
