//! The GitHub Actions format: one workflow command per input diagnostic and per finding,
//! which the runner turns into an annotation on the file and line
//! (`crma-check --format github portfolio.json` in a `run:` step).
//!
//! ```text
//! ::warning file=examples/battery-2025.json,line=16,col=33,endLine=16,endColumn=37,title=CRM001 eu-extraction::9.8% of lithium …%0Ahelp: Source more …
//! ```
//!
//! Definitions followed:
//!
//! - The command grammar, `::name key=value,key=value::message`, and the properties `file`,
//!   `line`, `col`, `endLine`, `endColumn` and `title` of the `error`, `warning` and `notice`
//!   commands are those of GitHub's "Workflow commands for GitHub Actions" and of
//!   `AnnotationProperties` in `@actions/core` (actions/toolkit, `packages/core/src/core.ts`).
//! - Escaping is that of `escapeData` and `escapeProperty` in actions/toolkit
//!   `packages/core/src/command.ts`, which the runner (actions/runner,
//!   `src/Runner.Common/ActionCommand.cs`) undoes: see [`escape_data`] and [`escape_property`].
//!
//! Decisions:
//!
//! - Every entry is one command on its own line, in the order of the other formats (a file's
//!   input diagnostics, then its findings), input errors included, so that a job that stops
//!   with exit status 2 shows why. Nothing else is printed: no groups, no summary.
//! - Severity: error → `error`, warning → `warning`, note → `notice`. A waived finding is a
//!   `notice` whatever its severity, since it does not fail the check; its message says
//!   `waived until DATE: reason`.
//! - The title is the code and rule name (`CRM004 third-country-cap`). The message is the
//!   finding's sentence, then the waiver, each note and `help: …`, one per line (escaped as
//!   `%0A`); GitHub shows the lines of an annotation's message.
//! - `file` is the path as given, with `/` separators, without a leading `./`, and made
//!   relative to the working directory when it is an absolute path under it. GitHub places an
//!   annotation on a file by its path from the repository root, so run the check from the root
//!   (the default working directory of a step). Standard input has no file: its annotations
//!   carry no `file` and no position. An entry without a place in the text (a file that could
//!   not be read) carries `file` only.
//! - Lines and columns are 1-based, columns counted in characters (Unicode scalar values);
//!   `endColumn` is the column just past the end, as in the other formats. The toolkit says
//!   that `col` and `endColumn` cannot be sent when `line` and `endLine` differ: a span over
//!   several lines carries `line` and `endLine` only.
//!
//! Limits worth knowing: GitHub shows at most 10 error and 10 warning annotations per step
//! and 50 annotations per job (actions/toolkit, `docs/problem-matchers.md`); the rest are only
//! in the log. A run with more findings than that should also write the Markdown summary
//! (`--format markdown`) to `$GITHUB_STEP_SUMMARY`, which lists all of them.

use std::fmt::Write as _;
use std::io;

use super::Entry;
use crate::diagnostic::Severity;
use crate::model::{FileReport, Report};

/// GitHub Actions workflow commands: one annotation per input diagnostic and per finding.
pub(super) fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut text = String::new();
    for file in &report.files {
        for entry in file.entries() {
            text.push_str(&command(file, &entry));
            text.push('\n');
        }
    }
    out.write_all(text.as_bytes())
}

/// Escapes a command's message as `escapeData` in actions/toolkit `command.ts` does:
/// `%` → `%25`, carriage return → `%0D`, line feed → `%0A`. The `%` goes first, so that the
/// runner, which undoes `%25` last, gets the text back.
pub(super) fn escape_data(text: &str) -> String {
    escape(text, false)
}

/// Escapes a command's property value as `escapeProperty` in actions/toolkit `command.ts`
/// does: as [`escape_data`], and also `:` → `%3A` and `,` → `%2C`, which would otherwise end
/// the properties or the value.
pub(super) fn escape_property(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, property: bool) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            ':' if property => escaped.push_str("%3A"),
            ',' if property => escaped.push_str("%2C"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// The command of one entry, without its line break.
fn command(file: &FileReport, entry: &Entry<'_>) -> String {
    let name = match (entry.waived(), entry.severity) {
        (Some(_), _) => "notice",
        (None, _) if entry.baselined() => "notice",
        (None, Severity::Error) => "error",
        (None, Severity::Warning) => "warning",
        (None, Severity::Note) => "notice",
    };
    let mut properties: Vec<(&str, String)> = Vec::new();
    if let Some(path) = workspace_path(&file.path) {
        properties.push(("file", path));
        // Only an entry with a place in the file's text has a line.
        if !entry.labels.is_empty() {
            let l = &entry.location;
            properties.push(("line", l.line.to_string()));
            if l.end_line == l.line {
                properties.push(("col", l.column.to_string()));
                properties.push(("endLine", l.end_line.to_string()));
                properties.push(("endColumn", l.end_column.to_string()));
            } else {
                properties.push(("endLine", l.end_line.to_string()));
            }
        }
    }
    properties.push(("title", entry.title()));

    let mut message = entry.full_message();
    if let Some(help) = entry.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }

    let mut line = format!("::{name} ");
    for (n, (key, value)) in properties.iter().enumerate() {
        let comma = if n == 0 { "" } else { "," };
        let _ = write!(line, "{comma}{key}={}", escape_property(value));
    }
    let _ = write!(line, "::{}", escape_data(&message));
    line
}

/// The path GitHub matches against the repository's files, or `None` for standard input.
fn workspace_path(path: &str) -> Option<String> {
    (path != crate::input::STDIN_NAME).then(|| super::repository_path(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    // ---------------------------------------------------------------------------------------------
    // The toolkit's definitions and the runner's decoding, transcribed for comparison.

    /// `escapeData` of actions/toolkit `packages/core/src/command.ts`, replace by replace.
    fn toolkit_escape_data(s: &str) -> String {
        s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
    }

    /// `escapeProperty` of actions/toolkit `packages/core/src/command.ts`, replace by replace.
    fn toolkit_escape_property(s: &str) -> String {
        toolkit_escape_data(s).replace(':', "%3A").replace(',', "%2C")
    }

    /// How the runner (actions/runner `ActionCommand.cs`, `UnescapeData`) decodes a message:
    /// `%0D`, `%0A`, and `%25` last.
    fn runner_unescape_data(s: &str) -> String {
        s.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
    }

    /// How the runner (`UnescapeProperty`) decodes a property value.
    fn runner_unescape_property(s: &str) -> String {
        s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
    }

    const AWKWARD: &[&str] = &[
        "",
        "plain",
        "100% sure",
        "%",
        "%%",
        "%25",
        "%0A is not a line break",
        "%%0A",
        "%3A%2C",
        "a:b,c",
        "::error::injected",
        "line one\nline two",
        "crlf\r\nend",
        "lone\rcarriage",
        "trailing\n",
        "Türkiye, 84.0%: over the cap",
        "key=value,other=thing",
    ];

    #[test]
    fn escaping_is_the_toolkits() {
        for s in AWKWARD {
            assert_eq!(escape_data(s), toolkit_escape_data(s), "data {s:?}");
            assert_eq!(escape_property(s), toolkit_escape_property(s), "property {s:?}");
        }
        assert_eq!(escape_data("50%: a,b\r\nc"), "50%25: a,b%0D%0Ac");
        assert_eq!(escape_property("50%: a,b\r\nc"), "50%25%3A a%2Cb%0D%0Ac");
    }

    #[test]
    fn escaped_text_holds_no_line_break_and_properties_no_delimiter() {
        for s in AWKWARD {
            let data = escape_data(s);
            assert!(!data.contains(['\r', '\n']), "{data:?}");
            let property = escape_property(s);
            assert!(!property.contains(['\r', '\n', ':', ',']), "{property:?}");
        }
    }

    #[test]
    fn the_runner_decodes_what_was_escaped() {
        for s in AWKWARD {
            assert_eq!(runner_unescape_data(&escape_data(s)), *s, "data {s:?}");
            assert_eq!(runner_unescape_property(&escape_property(s)), *s, "property {s:?}");
        }
    }

    #[test]
    fn paths_are_relative_with_slashes() {
        assert_eq!(workspace_path("./examples/a b.json").as_deref(), Some("examples/a b.json"));
        assert_eq!(workspace_path("data\\q1.json").as_deref(), Some("data/q1.json"));
        assert_eq!(workspace_path("<stdin>"), None);
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(workspace_path(&cwd.join("x.json").display().to_string()).as_deref(), Some("x.json"));
    }

    #[test]
    fn percent_goes_first() {
        assert_eq!(escape_data("%0A\n"), "%250A%0A");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
