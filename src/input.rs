//! Reading input files: a path or standard input, as UTF-8 text, with a byte-order mark
//! accepted and every failure turned into a located diagnostic.

use std::io::Read;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Source, Span};

/// The name standard input goes by in locations.
pub const STDIN_NAME: &str = "<stdin>";

/// Why a file could not be read: a diagnostic, and the text when there is one to point into.
#[derive(Debug)]
pub struct Unreadable {
    /// What went wrong.
    pub diagnostic: Diagnostic,
    /// The text, as far as it could be shown (invalid UTF-8 replaced).
    pub source: Option<Source>,
}

/// Reads `path` (`-` for standard input) as text.
pub fn read_input(path: &str) -> Result<Source, Unreadable> {
    let (name, bytes) = if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| io_error(STDIN_NAME, &e))?;
        (STDIN_NAME.to_owned(), bytes)
    } else {
        let bytes = read_file(Path::new(path)).map_err(|e| io_error(path, &e))?;
        (path.to_owned(), bytes)
    };
    decode(name, bytes)
}

/// A file this large is read in parts, each on a thread of its own.
const READ_IN_PARTS: u64 = 8 << 20;

/// The bytes of the file at `path`. A large file is read in two halves at once: copying
/// from the page cache and mapping fresh memory is work too, as much as a tenth of checking
/// a CSV file.
pub(crate) fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size < READ_IN_PARTS || usize::try_from(size).is_err() {
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    let mut bytes = vec![0u8; size as usize];
    let half = bytes.len() / 2;
    let (first, second) = bytes.split_at_mut(half);
    let read = std::thread::scope(|scope| {
        let other = scope.spawn(|| {
            let mut file = std::fs::File::open(path)?;
            file.seek(SeekFrom::Start(half as u64))?;
            file.read_exact(second)
        });
        let read = file.read_exact(first);
        read.and(other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    match read {
        // A file that grew meanwhile: the rest too.
        Ok(()) => {
            file.seek(SeekFrom::Start(size))?;
            file.read_to_end(&mut bytes)?;
            Ok(bytes)
        }
        // One that shrank: read again, as it is now.
        Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => std::fs::read(path),
        Err(error) => Err(error),
    }
}

/// Text from bytes: UTF-8, a leading byte-order mark dropped.
pub fn decode(name: String, bytes: Vec<u8>) -> Result<Source, Unreadable> {
    match utf8_text(bytes) {
        Ok(text) => Ok(Source::new(name, text)),
        Err(not) => Err(Unreadable {
            diagnostic: Diagnostic::new(Code::Encoding, "the file is not valid UTF-8")
                .with_label(not.span(), "not UTF-8")
                .with_help("save the file as UTF-8 (JSON files must be UTF-8)"),
            source: Some(Source::new(name, not.lossy)),
        }),
    }
}

/// Bytes that are not UTF-8: the offset of the first byte that is not, and the text with
/// the bad bytes replaced.
#[derive(Debug)]
pub(crate) struct NotUtf8 {
    pub(crate) at: usize,
    pub(crate) lossy: String,
}

impl NotUtf8 {
    /// The first bad byte in the lossy text: its replacement character, three bytes long.
    pub(crate) fn span(&self) -> Span {
        Span::new(self.at, (self.at + 3).min(self.lossy.len()))
    }
}

/// UTF-8 text from bytes, a leading byte-order mark dropped.
pub(crate) fn utf8_text(mut bytes: Vec<u8>) -> Result<String, NotUtf8> {
    if bytes.starts_with(UTF8_BOM) {
        bytes.drain(..UTF8_BOM.len());
    }
    String::from_utf8(bytes).map_err(|error| NotUtf8 {
        at: error.utf8_error().valid_up_to(),
        lossy: String::from_utf8_lossy(error.as_bytes()).into_owned(),
    })
}

/// The UTF-8 byte-order mark.
pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

pub(crate) fn io_error(path: &str, error: &std::io::Error) -> Unreadable {
    let is_dir = Path::new(path).is_dir();
    let message = if is_dir {
        format!("`{path}` is a folder, not a file")
    } else {
        match error.kind() {
            std::io::ErrorKind::NotFound => format!("`{path}` does not exist"),
            std::io::ErrorKind::PermissionDenied => format!("`{path}` cannot be read: permission denied"),
            _ => format!("`{path}` cannot be read: {error}"),
        }
    };
    let help = if is_dir { "give the path of a portfolio file (a .json file)" } else { "check the path" };
    Unreadable { diagnostic: Diagnostic::new(Code::Io, message).with_help(help), source: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_mark_is_dropped() {
        let source = decode("x".into(), b"\xEF\xBB\xBF{}".to_vec()).unwrap();
        assert_eq!(source.text(), "{}");
    }

    /// A large file is read in two halves at once: the bytes are the file's, in order.
    #[test]
    fn a_large_file_is_read_whole() {
        let bytes: Vec<u8> = (0..READ_IN_PARTS as usize + 12_345).map(|n| (n % 251) as u8).collect();
        let path = std::env::temp_dir().join(format!("crma-check-read-{}", std::process::id()));
        std::fs::write(&path, &bytes).unwrap();
        let read = read_file(&path);
        std::fs::remove_file(&path).unwrap();
        assert!(read.unwrap() == bytes, "the bytes read differ from the file's");
        assert!(read_file(Path::new("/no/such/file")).is_err());
    }

    #[test]
    fn invalid_utf8_is_located() {
        let error = decode("x".into(), b"{\"a\": \"\xFF\"}".to_vec()).unwrap_err();
        let source = error.source.unwrap();
        let span = error.diagnostic.primary_span().unwrap();
        assert_eq!(span.start, 7);
        assert_eq!(source.slice(span), "\u{FFFD}");
    }
}
