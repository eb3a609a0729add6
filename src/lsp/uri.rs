//! `file:` URIs ⇄ paths.
//!
//! lsp-types 0.96+ replaced `url::Url` by its own `Uri` (a wrapper of `fluent_uri` 0.1)
//! that has no `to_file_path`/`from_file_path`. These two functions work on the URI
//! text, with the percent-encoding crate the library already uses for SARIF.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// The path of a `file:` URI (`file:///a/b`, `file://localhost/a/b`), percent-decoded;
/// `None` for other schemes (`untitled:`), other hosts, or a path that is not UTF-8.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let scheme = text.get(..7)?;
    if !scheme.eq_ignore_ascii_case("file://") {
        return None;
    }
    let rest = &text[7..];
    let slash = rest.find('/')?;
    let (host, path) = rest.split_at(slash);
    if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    // Windows: "/C:/x" or "/c%3A/x" (VS Code encodes the colon) is "C:/x".
    let decoded = match decoded.as_bytes() {
        [b'/', drive, b':', ..] if cfg!(windows) && drive.is_ascii_alphabetic() => &decoded[1..],
        _ => &decoded[..],
    };
    Some(PathBuf::from(decoded))
}

/// Characters escaped in a path segment (everything that is not a `pchar` or `/`).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The `file:` URI of an absolute path (for related information in another file).
pub fn from_path(path: &Path) -> Option<Uri> {
    let text = path.to_str()?.replace('\\', "/");
    let text = if text.starts_with('/') { text } else { format!("/{text}") };
    Uri::from_str(&format!("file://{}", utf8_percent_encode(&text, PATH))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        Uri::from_str(s).unwrap()
    }

    #[test]
    fn file_uris() {
        assert_eq!(
            to_path(&uri("file:///tmp/a%20b/Soci%C3%A9t%C3%A9.json")),
            Some(PathBuf::from("/tmp/a b/Société.json"))
        );
        assert_eq!(to_path(&uri("file://localhost/tmp/x.json")), Some(PathBuf::from("/tmp/x.json")));
        assert_eq!(to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(to_path(&uri("file://server/share/x")), None);
    }

    #[test]
    fn round_trip() {
        let p = Path::new("/tmp/a b/Société #1.json");
        let u = from_path(p).unwrap();
        assert_eq!(u.as_str(), "file:///tmp/a%20b/Soci%C3%A9t%C3%A9%20%231.json");
        assert_eq!(to_path(&u).as_deref(), Some(p));
    }
}
