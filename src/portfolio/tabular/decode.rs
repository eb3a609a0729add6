//! A CSV file's bytes as the text every span points into: UTF-8 (a byte-order mark dropped),
//! or a declared windows-1252 (ISO 8859-1 is read as windows-1252, as the WHATWG Encoding
//! Standard and every browser read it), decoded with `encoding_rs`.
//!
//! Memory: a UTF-8 file becomes its text in place; a windows-1252 file read from a path is
//! decoded chunk by chunk as it is read, so that only the text is ever held whole, never the
//! bytes beside it.

use std::io::Read;
use std::path::Path;

use super::options::Encoding;
use crate::input::{NotUtf8, UTF8_BOM, utf8_text};

/// Where the bytes are: a file, or already in memory (standard input, a test, the fuzzer).
pub(crate) enum Bytes<'a> {
    /// A file, read here.
    Path(&'a Path),
    /// Bytes read already.
    Memory(Vec<u8>),
}

/// Why bytes are not text.
#[derive(Debug)]
pub(crate) enum DecodeError {
    /// The file could not be read.
    Io(std::io::Error),
    /// Not UTF-8 (and nothing else declared).
    NotUtf8(NotUtf8),
    /// A UTF-8 byte-order mark on a file declared to be windows-1252.
    BomButDeclared,
}

/// The text, and whether a file declared windows-1252 looked like UTF-8 (valid UTF-8 with
/// non-ASCII characters: probably garbled by the declaration).
pub(crate) struct Decoded {
    pub(crate) text: String,
    pub(crate) looks_like_utf8: bool,
}

/// Bytes as text, in the declared encoding (UTF-8 if none).
pub(crate) fn decode(bytes: Bytes<'_>, declared: Option<Encoding>) -> Result<Decoded, DecodeError> {
    match declared.unwrap_or(Encoding::Utf8) {
        Encoding::Utf8 => {
            let bytes = match bytes {
                Bytes::Path(path) => crate::input::read_file(path).map_err(DecodeError::Io)?,
                Bytes::Memory(bytes) => bytes,
            };
            let text = utf8_text(bytes).map_err(DecodeError::NotUtf8)?;
            Ok(Decoded { text, looks_like_utf8: false })
        }
        Encoding::Windows1252 => match bytes {
            Bytes::Path(path) => {
                let file = std::fs::File::open(path).map_err(DecodeError::Io)?;
                let size = file.metadata().map_or(0, |m| m.len() as usize);
                windows_1252(file, size).map_err(DecodeError::Io)?
            }
            Bytes::Memory(bytes) => windows_1252(bytes.as_slice(), bytes.len()).map_err(DecodeError::Io)?,
        },
    }
}

/// How much is read at a time.
const CHUNK: usize = 1 << 20;

/// Decodes windows-1252 from `reader`, chunk by chunk, straight into the text (`size` is the
/// file's length, for the text's first reservation), and checks on the way whether the bytes
/// are UTF-8 after all. `Encoding::decode` is not used: it would switch to UTF-8 on a
/// byte-order mark, silently.
fn windows_1252(mut reader: impl Read, size: usize) -> std::io::Result<Result<Decoded, DecodeError>> {
    let mut chunk = vec![0u8; CHUNK];
    // A byte of 0x80 or more becomes two or three; exports have few of them, and the text
    // grows where there are more.
    let mut text = String::with_capacity(size + size / 16 + 16);
    let mut decoder = encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling();
    let mut utf8 = Utf8Check::default();
    let mut first = true;
    loop {
        let n = read_full(&mut reader, &mut chunk)?;
        if first && chunk[..n].starts_with(UTF8_BOM) {
            return Ok(Err(DecodeError::BomButDeclared));
        }
        first = false;
        let last = n == 0;
        let mut input = &chunk[..n];
        utf8.feed(input, !input.is_ascii());
        loop {
            let (result, read, _) = decoder.decode_to_string(input, &mut text, last);
            input = &input[read..];
            match result {
                encoding_rs::CoderResult::InputEmpty => break,
                encoding_rs::CoderResult::OutputFull => {
                    text.reserve(decoder.max_utf8_buffer_length(input.len()).unwrap_or(input.len() * 3).max(CHUNK))
                }
            }
        }
        if last {
            break;
        }
    }
    utf8.valid &= utf8.carry.is_empty();
    Ok(Ok(Decoded { text, looks_like_utf8: utf8.valid && utf8.non_ascii }))
}

/// Fills `buffer` as far as the reader goes; the number of bytes read (0 at the end).
fn read_full(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// Whether bytes fed chunk by chunk are valid UTF-8 (a character may span two chunks).
struct Utf8Check {
    valid: bool,
    non_ascii: bool,
    /// The start of a character cut by the end of the last chunk.
    carry: Vec<u8>,
}

impl Default for Utf8Check {
    fn default() -> Self {
        Utf8Check { valid: true, non_ascii: false, carry: Vec::new() }
    }
}

impl Utf8Check {
    fn feed(&mut self, mut chunk: &[u8], non_ascii: bool) {
        self.non_ascii |= non_ascii;
        if !self.valid {
            return;
        }
        if !self.carry.is_empty() {
            // Complete the cut character with the continuation bytes this chunk starts with.
            let more = chunk.iter().take(3).take_while(|&&b| b & 0xC0 == 0x80).count();
            self.carry.extend_from_slice(&chunk[..more]);
            chunk = &chunk[more..];
            match std::str::from_utf8(&self.carry) {
                Ok(_) => self.carry.clear(),
                Err(error) if error.error_len().is_none() && !chunk.is_empty() => return self.valid = false,
                Err(error) if error.error_len().is_none() => return,
                Err(_) => return self.valid = false,
            }
        }
        match std::str::from_utf8(chunk) {
            Ok(_) => {}
            // A character cut by the end of the chunk: checked with the next one.
            Err(error) if error.error_len().is_none() => self.carry = chunk[error.valid_up_to()..].to_vec(),
            Err(_) => self.valid = false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8], declared: Option<Encoding>) -> Result<Decoded, DecodeError> {
        decode(Bytes::Memory(bytes.to_vec()), declared)
    }

    #[test]
    fn utf8_with_or_without_a_byte_order_mark() {
        assert_eq!(decoded(b"\xEF\xBB\xBFid;Menge\n", None).unwrap().text, "id;Menge\n");
        assert_eq!(decoded("Müller".as_bytes(), None).unwrap().text, "Müller");
    }

    #[test]
    fn a_file_that_is_not_utf8_is_located() {
        let Err(DecodeError::NotUtf8(NotUtf8 { at, lossy })) = decoded(b"id;supplier\nPO-1;M\xFCller\n", None) else {
            panic!("not UTF-8")
        };
        assert_eq!(at, 18);
        assert_eq!(&lossy[at..at + 3], "\u{FFFD}");
    }

    #[test]
    fn windows_1252_decodes_every_byte() {
        // ü, the euro sign (0x80) and a byte C1 controls would have (0x81).
        let text = decoded(b"M\xFCller \x80 \x81", Some(Encoding::Windows1252)).unwrap();
        assert_eq!(text.text, "Müller € \u{81}");
        assert!(!text.looks_like_utf8);
    }

    #[test]
    fn a_utf8_file_declared_windows_1252_is_noticed() {
        let text = decoded("Müller".as_bytes(), Some(Encoding::Windows1252)).unwrap();
        assert_eq!(text.text, "MÃ¼ller");
        assert!(text.looks_like_utf8);
        assert!(matches!(decoded(b"\xEF\xBB\xBFa", Some(Encoding::Windows1252)), Err(DecodeError::BomButDeclared)));
        // ASCII alone is no sign of anything.
        assert!(!decoded(b"plain", Some(Encoding::Windows1252)).unwrap().looks_like_utf8);
    }

    #[test]
    fn utf8_is_checked_across_chunks() {
        let mut check = Utf8Check::default();
        let bytes = "aé€𝄞b".as_bytes();
        for cut in 0..bytes.len() {
            let mut check = Utf8Check::default();
            check.feed(&bytes[..cut], true);
            check.feed(&bytes[cut..], true);
            assert!(check.valid && check.carry.is_empty(), "cut at {cut}");
        }
        check.feed(b"a\xC3", true);
        check.feed(b"(", true);
        assert!(!check.valid);
    }
}
