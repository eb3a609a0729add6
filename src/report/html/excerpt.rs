//! The lines behind a finding or an input error, as text: each labelled line with its number
//! and the line before it, the labelled part marked, the label's words under it. Labels close
//! together share one excerpt. Long lines (a minified file) are cut around the label, as in
//! the human report.

use maud::{Markup, html};
use miette::SourceCode;

use crate::diagnostic::Label;
use crate::source::{Source, Span};

/// One excerpt: a window of whole lines (or the part of a long line around a label) and the
/// labels in it.
struct Window<'a> {
    start: usize,
    end: usize,
    labels: Vec<(Span, &'a str, bool)>,
}

/// The excerpts of `labels` in `source`; nothing without a source or labels.
pub(super) fn excerpt(source: Option<&Source>, labels: &[Label]) -> Markup {
    let Some(source) = source else { return html! {} };
    let mut windows: Vec<Window<'_>> = Vec::new();
    let mut placed: Vec<(Span, &str, bool)> = labels
        .iter()
        .enumerate()
        .map(|(n, label)| (source.displayable(label.span), label.text.as_str(), n == 0))
        .collect();
    placed.sort_by_key(|(span, _, _)| (span.start, span.len));
    for (span, text, primary) in placed {
        // The line before the label's, and the label's lines, as the human report shows them.
        // The source shows every span `displayable` gives; were one refused, its label would
        // still be shown, on the span alone.
        let (start, end) = match source.read_span(&span.into(), 1, 0) {
            Ok(contents) => (contents.span().offset(), contents.span().offset() + contents.span().len()),
            Err(_) => (span.start as usize, span.end()),
        };
        match windows.last_mut() {
            // Overlapping or on the next line (of the same file): one excerpt.
            Some(last) if start <= last.end + 1 && source.file_at(start).base() <= last.start => {
                last.end = last.end.max(end);
                last.labels.push((span, text, primary));
            }
            _ => windows.push(Window { start, end, labels: vec![(span, text, primary)] }),
        }
    }
    if windows.is_empty() {
        return html! {};
    }
    // A window in another file than the one before it (a CSV file the portfolio takes supply
    // lines from) is headed by the file's name.
    let file_of = |window: &Window<'_>| source.file_at(window.start).name();
    html! {
        pre.excerpt {
            code {
                @for (k, window) in windows.iter().enumerate() {
                    @let other_file = if k == 0 { source.file_at(window.start).base() > 0 } else { file_of(window) != file_of(&windows[k - 1]) };
                    @if k > 0 { span.gap { "⋮" } "\n" }
                    @if other_file { span.file { (file_of(window)) } "\n" }
                    (lines(source, window))
                }
            }
        }
    }
}

/// The lines of a window: number, text with the labelled parts marked, then the labels that
/// end on the line, each under its start. (In the text of the file the window is in: a
/// portfolio's attached CSV file, say.)
fn lines(source: &Source, window: &Window<'_>) -> Markup {
    let first = source.line_col(window.start).line;
    let file = source.file_at(window.start);
    let base = file.base();
    let local = |span: Span| Span::new(span.start as usize - base, span.end() - base);
    let labels: Vec<(Span, &str, bool)> =
        window.labels.iter().map(|&(span, text, primary)| (local(span), text, primary)).collect();
    let window = &Window { start: window.start - base, end: window.end - base, labels };
    let text = file.text();
    let bytes = text.as_bytes();
    let cut_before = window.start > 0 && bytes[window.start - 1] != b'\n';
    let cut_after = window.end < bytes.len() && !matches!(bytes[window.end], b'\n' | b'\r');
    let last = first + text[window.start..window.end].matches('\n').count();
    let width = last.to_string().len();
    let mut rows = Vec::new();
    let mut line_start = window.start;
    for (k, line) in text[window.start..window.end].split('\n').enumerate() {
        let line_end = line_start + line.len();
        let shown_end = line_start + line.trim_end_matches('\r').len();
        let prefix = if k == 0 && cut_before { "…" } else { "" };
        let suffix = if line_end == window.end && cut_after { "…" } else { "" };
        // The marked parts of this line, in order, merged where labels overlap.
        let mut marks: Vec<(usize, usize, bool)> = Vec::new();
        for (span, _, primary) in &window.labels {
            let (a, b) = (span.start as usize, span.end());
            let (a, b) = (a.max(line_start), b.min(shown_end));
            let empty_here = span.len == 0 && (line_start..=shown_end).contains(&(span.start as usize));
            if a < b || empty_here {
                marks.push((a, b.max(a), *primary));
            }
        }
        marks.sort();
        let mut merged: Vec<(usize, usize, bool)> = Vec::new();
        for (a, b, primary) in marks {
            match merged.last_mut() {
                Some(m) if a <= m.1 => {
                    m.1 = m.1.max(b);
                    m.2 |= primary;
                }
                _ => merged.push((a, b, primary)),
            }
        }
        let mut pieces: Vec<(&str, Option<bool>)> = Vec::new();
        let mut at = line_start;
        for (a, b, primary) in &merged {
            pieces.push((&text[at..*a], None));
            pieces.push((&text[*a..*b], Some(*primary)));
            at = *b;
        }
        pieces.push((&text[at..shown_end], None));
        // The labels whose span ends on this line (or starts there, if empty), under it.
        let notes: Vec<(usize, &str)> = window
            .labels
            .iter()
            .filter(|(span, words, _)| {
                // The line of its last byte (or of its place, if empty).
                let end = if span.len == 0 { span.start as usize } else { span.end() - 1 };
                !words.is_empty() && (line_start..=line_end).contains(&end)
            })
            .map(|(span, words, _)| {
                let from = (span.start as usize).max(line_start);
                let column = prefix.chars().count() + text[line_start..from].chars().count();
                (column, *words)
            })
            .collect();
        rows.push((first + k, prefix, pieces, suffix, notes));
        line_start = line_end + 1;
    }
    html! {
        @for (number, prefix, pieces, suffix, notes) in &rows {
            span.ln { (format!("{number:>width$}")) } " " (prefix)
            @for (piece, marked) in pieces {
                @match marked {
                    Some(true) => mark.primary { (piece) },
                    Some(false) => mark { (piece) },
                    None => (piece),
                }
            }
            (suffix) "\n"
            @for (column, words) in notes {
                span.ln { (" ".repeat(width)) } " " (" ".repeat(*column)) span.label { "╰ " (words) } "\n"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn label(source: &Source, part: &str, text: &str) -> Label {
        let start = source.text().find(part).expect("in the text");
        Label::new(Span::new(start, start + part.len()), text)
    }

    #[test]
    fn a_label_is_marked_on_its_line_with_its_words_under_it() {
        let source =
            Source::new("p.json", "{\n  \"supplier\": \"<b>&\",\n  \"origin\": { \"extraction\": \"CN\" }\n}\n");
        let out = excerpt(Some(&source), &[label(&source, "\"CN\"", "PO-1: 10 t")]).into_string();
        // Under the mark: the gutter, a space, and 28 columns to the mark's start.
        let expected = format!(
            "<pre class=\"excerpt\"><code><span class=\"ln\">2</span>   &quot;supplier&quot;: &quot;&lt;b&gt;&amp;&quot;,\n\
             <span class=\"ln\">3</span>   &quot;origin&quot;: {{ &quot;extraction&quot;: <mark class=\"primary\">&quot;CN&quot;</mark> }}\n\
             <span class=\"ln\"> </span> {}<span class=\"label\">╰ PO-1: 10 t</span>\n\
             </code></pre>",
            " ".repeat(28)
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn labels_far_apart_get_excerpts_of_their_own_in_one_block() {
        let text: String = (1..=9).map(|n| format!("line {n}\n")).collect();
        let source = Source::new("p.json", text);
        let labels = [label(&source, "line 2", "first"), label(&source, "line 8", "second")];
        let out = excerpt(Some(&source), &labels).into_string();
        assert_eq!(out.matches("<pre").count(), 1);
        assert_eq!(out.matches("<span class=\"gap\">⋮</span>").count(), 1);
        assert!(out.contains("<span class=\"ln\">7</span> line 7\n<span class=\"ln\">8</span> <mark>line 8</mark>\n"));
    }

    #[test]
    fn a_label_in_an_attached_file_is_shown_in_its_lines_under_its_name() {
        let mut source = Source::new("p.json", "{\"supplies_from\": [{\"path\": \"a.csv\"}]}");
        source.attach(Source::new("a.csv", "material,amount\nlithium,12\n"), Span::new(30, 37)).unwrap();
        let csv = source.file(1);
        let at = csv.text().find("12").unwrap();
        let out = excerpt(Some(&source), &[Label::new(csv.span(at, at + 2), "here")]).into_string();
        assert!(
            out.contains("<span class=\"file\">a.csv</span>\n<span class=\"ln\">1</span> material,amount\n"),
            "{out}"
        );
        assert!(out.contains("<span class=\"ln\">2</span> lithium,<mark class=\"primary\">12</mark>"), "{out}");
    }

    #[test]
    fn nothing_without_a_text_or_labels() {
        let source = Source::new("p.json", "{}");
        assert_eq!(excerpt(None, &[Label::new(Span::new(0, 1), "x")]).into_string(), "");
        assert_eq!(excerpt(Some(&source), &[]).into_string(), "");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Any labels on any text (long lines, multi-byte characters, empty spans) make an
        /// excerpt without a panic, each label's words in it.
        #[test]
        fn any_labels_make_an_excerpt(
            text in proptest::collection::vec(prop_oneof![3 => "[a-z \"{}:,é€]{0,60}", 1 => "[a-zé ]{200,400}"], 1..6)
                .prop_map(|lines| lines.join("\n")),
            spans in proptest::collection::vec((0.0f64..1.0, 0.0f64..1.0), 1..4),
        ) {
            let source = Source::new("p.json", text.clone());
            let at = |f: f64| {
                let mut o = (f * text.len() as f64) as usize;
                while !text.is_char_boundary(o) { o -= 1; }
                o
            };
            let labels: Vec<Label> = spans
                .iter()
                .enumerate()
                .map(|(n, (a, b))| Label::new(Span::new(at(a.min(*b)), at(a.max(*b))), format!("label{n}")))
                .collect();
            let out = excerpt(Some(&source), &labels).into_string();
            for n in 0..labels.len() {
                prop_assert!(out.contains(&format!("╰ label{n}")), "label{} missing: {}", n, out);
            }
        }
    }
}
