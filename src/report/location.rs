//! Where a diagnostic is, in the forms consumers want: a path, a URI, 1-based lines and
//! columns (columns in characters), a byte range.

use crate::source::{Source, Span};

/// A location in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The path as given on the command line.
    pub path: String,
    /// 1-based first line (1 for a file without usable text).
    pub line: usize,
    /// 1-based first column, in characters.
    pub column: usize,
    /// 1-based last line.
    pub end_line: usize,
    /// 1-based column just past the end, in characters.
    pub end_column: usize,
    /// Byte offset.
    pub offset: usize,
    /// Length in bytes.
    pub length: usize,
}

impl Location {
    /// The location of `span` in `source`, or the start of `path` without either. A span in
    /// a file attached to the source (a CSV file a portfolio takes its supplies from) is in
    /// that file, by its path; in a sheet, the line is the row and the column the cell's.
    pub fn new(path: &str, source: Option<&Source>, span: Option<Span>) -> Location {
        match (source, span) {
            (Some(source), Some(span)) => {
                let start = source.line_col(span.start as usize);
                let end = source.end_line_col(span);
                let file = source.file_at(span.start as usize);
                let path = if file.base() == 0 { path } else { file.name() };
                Location {
                    path: path.to_owned(),
                    line: start.line,
                    column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                    offset: span.start as usize - file.base(),
                    length: span.len as usize,
                }
            }
            _ => {
                Location { path: path.to_owned(), line: 1, column: 1, end_line: 1, end_column: 1, offset: 0, length: 0 }
            }
        }
    }

    /// The path as a relative URI reference with `/` separators and percent-encoding, as
    /// SARIF and GitLab want (`examples/battery-2025.json`); standard input is `stdin`.
    pub fn uri(&self) -> String {
        path_uri(&self.path)
    }
}

/// A path as CI systems name a file of the repository: relative to the working directory,
/// `/` separators, no leading `./`, not percent-encoded (`data/my file.json`); standard input
/// is `stdin`. An absolute path outside the working directory stays absolute.
pub fn repository_path(path: &str) -> String {
    if path == crate::input::STDIN_NAME {
        return "stdin".to_owned();
    }
    let mut path = path.replace('\\', "/");
    if std::path::Path::new(&path).is_absolute()
        && let Ok(cwd) = std::env::current_dir()
        && let Ok(relative) = std::path::Path::new(&path).strip_prefix(&cwd)
    {
        path = relative.to_string_lossy().replace('\\', "/");
    }
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.to_owned();
    }
    path
}

/// [`repository_path`] as a URI reference, reserved characters percent-encoded, as SARIF
/// wants (`data/my%20file.json`).
pub fn path_uri(path: &str) -> String {
    // RFC 3986's unreserved characters, and `/` between segments, stay as they are.
    const KEPT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');
    percent_encoding::utf8_percent_encode(&repository_path(path), KEPT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_paths_are_relative_and_plain() {
        assert_eq!(repository_path("./data/my file.json"), "data/my file.json");
        assert_eq!(repository_path("data\\q1 100%.json"), "data/q1 100%.json");
        assert_eq!(repository_path("données/é.json"), "données/é.json");
        assert_eq!(repository_path("<stdin>"), "stdin");
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(path_uri("examples/battery-2025.json"), "examples/battery-2025.json");
        assert_eq!(path_uri("./data/my file.json"), "data/my%20file.json");
        assert_eq!(path_uri("data\\q1.json"), "data/q1.json");
        assert_eq!(path_uri("<stdin>"), "stdin");
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(path_uri(&cwd.join("x.json").display().to_string()), "x.json");
    }

    #[test]
    fn locations_count_columns_in_characters() {
        let source = Source::new("a.json", "{\n  \"é\": \"CN\"\n}");
        let at = source.text().find("\"CN\"").unwrap();
        let location = Location::new("a.json", Some(&source), Some(Span::new(at, at + 4)));
        assert_eq!((location.line, location.column, location.end_line, location.end_column), (2, 8, 2, 12));
    }
}
