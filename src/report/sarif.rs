//! The SARIF 2.1.0 format, for GitHub code scanning and other SARIF viewers: every finding
//! and every input diagnostic as a located result, in one run, with a descriptor of every
//! rule and every code of the tool, so that an alert explains itself (legal basis, how to
//! read the rule, what to do).
//!
//! The output validates against the OASIS schema (errata 01) and follows GitHub's list of
//! supported properties ("SARIF support for code scanning"). Decisions:
//!
//! - **Input errors are results**, level `error`, at their place in the file: a pipeline
//!   that stopped shows why. A file that could not be checked also makes the invocation
//!   `executionSuccessful: false`, with a notification naming the file. No timestamps, no
//!   absolute paths of the machine: the same input gives the same bytes.
//! - **Paths.** `artifactLocation.uri` is the path relative to the directory the tool ran in
//!   ([`Location::uri`]), which GitHub reads as relative to the repository root: run
//!   `crma-check` from the root. Each such uri carries `uriBaseId: "%SRCROOT%"`, declared in
//!   `originalUriBaseIds` without an absolute uri (the spec's way of saying the consumer
//!   supplies the root), as the spec asks of relative references. A path outside the working
//!   directory stays absolute, as a `file://` URI with no base id.
//! - **Artifacts.** Every file given is listed in `run.artifacts` (role `analysisTarget`),
//!   those without results too, so that a viewer knows what was checked.
//! - **Columns** count Unicode code points (`columnKind: unicodeCodePoints`), as
//!   [`Location`] does; regions are 1-based with `endColumn` just past the end.
//! - **Fingerprints.** GitHub matches alerts across commits by
//!   `partialFingerprints.primaryLocationLineHash` only, and computes it from the text of the
//!   first line of the region when it is missing. That hash would change when the line is
//!   edited, and would be the same for two findings of one rule on one line (the extraction
//!   and processing countries of a supply line share it), which GitHub would merge into one
//!   alert. So the tool gives its own, which never depends on the line ([`Fingerprints`]),
//!   also under the tool's own key, `crmaCheck/v1`. (GitHub's upload action logs that it
//!   differs from the line hash it would have computed, and keeps it.)
//! - **Waivers.** A waived finding keeps its level and carries a suppression of kind
//!   `inSource` (waivers are written in the portfolio file), status `accepted`, with the
//!   reason and the expiry date as its justification. The message says it too, since not
//!   every viewer honours suppressions (GitHub code scanning may show the result as an
//!   open alert).
//! - **Baselines.** A run judged against a baseline (`--baseline`) gives every result a
//!   `baselineState`: `new`, `unchanged`, `updated` (a value that moved, within the tolerance
//!   or not) or `absent` (a stale entry, located in the baseline file).
//! - **Evidence.** The first label is the result's location; the others are
//!   `relatedLocations`, each with its text, and are linked from the message
//!   (`[text](id)`), the only way GitHub shows them. The message is the finding's sentence,
//!   its notes, and its specific help where that differs from the rule's.
//! - **Rule descriptors** do not depend on the input: every active rule, then every code of
//!   the tool ([`Code::ALL`]). `fullDescription` holds the summary, the legal basis and as
//!   many whole paragraphs of the rule's explanation as fit GitHub's 1,024 characters; the
//!   help (text and Markdown) holds all of them, with what to do.

use std::collections::{BTreeMap, HashMap};
use std::io;

use serde_json::json;
use serde_sarif::sarif as s;

use super::words::{not_checked, outcome_meaning};
use super::{Entry, Fingerprints, Location};
use crate::diagnostic::{Code, Severity};
use crate::model::{BaselineState, FileReport, Report, RuleDoc};

/// The JSON Schema the output declares, and validates against.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base id of every relative artifact uri: the directory the tool ran in.
pub const SRCROOT: &str = "%SRCROOT%";

/// The tool's own key in `partialFingerprints` (GitHub reads `primaryLocationLineHash`).
pub const FINGERPRINT_KEY: &str = "crmaCheck/v1";

/// GitHub's limits on a rule's `shortDescription.text` and `fullDescription.text`.
const DESCRIPTION_LIMIT: usize = 1024;

/// GitHub's limit on a rule's `name`.
const NAME_LIMIT: usize = 255;

/// SARIF 2.1.0: one run, a result per finding and input diagnostic.
///
/// The results are written one at a time into their place in the log, so that a report of a
/// million places holds one result at a time (a result takes kilobytes in memory); the bytes
/// are those of the whole log written at once.
pub(super) fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut rules = Rules::new(&report.rules);
    // Every code a result will name, described before the first result is written.
    for file in &report.files {
        for entry in file.grouped_entries() {
            rules.index(&entry);
        }
    }
    let frame = serde_json::to_string_pretty(&log(report, &rules, Vec::new()))?;
    const EMPTY: &str = "\"results\": []";
    let at = frame.find(EMPTY).ok_or_else(|| io::Error::other("a SARIF run without results"))? + EMPTY.len() - 1;
    let line_start = frame[..at].rfind('\n').map_or(0, |n| n + 1);
    let indent = " ".repeat(frame[line_start..].len() - frame[line_start..].trim_start().len());
    let item_indent = format!("\n{indent}  ");
    out.write_all(&frame.as_bytes()[..at])?;
    let mut fingerprints = Fingerprints::default();
    // Judged against a baseline: every result then says how it compares (SARIF §3.27.24).
    let baselined = report.files.iter().any(|file| {
        file.findings.iter().any(|f| f.baseline.is_some())
            || file.diagnostics.iter().any(|d| d.code == Code::BaselineStale)
    });
    let mut written = false;
    for file in &report.files {
        for entry in file.entries() {
            let result = serde_json::to_string_pretty(&result(file, &entry, &mut rules, &mut fingerprints, baselined))?;
            out.write_all(if written { b"," } else { b"" })?;
            out.write_all(item_indent.as_bytes())?;
            out.write_all(result.replace('\n', &item_indent).as_bytes())?;
            written = true;
        }
    }
    if written {
        out.write_all(format!("\n{indent}").as_bytes())?;
    }
    out.write_all(&frame.as_bytes()[at..])?;
    out.write_all(b"\n")
}

/// The SARIF log of `report`, with `results`, its rules described by `rules`.
fn log(report: &Report, rules: &Rules, results: Vec<s::Result>) -> s::Sarif {
    let driver = s::ToolComponent::builder()
        .name(env!("CARGO_PKG_NAME"))
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(rules.descriptors.clone())
        .build();
    let srcroot = s::ArtifactLocation::builder()
        .description(text(
            "The directory crma-check ran in; run it from the repository root for repository-relative paths.",
        ))
        .build();
    // Every file analysed, with or without results, so that a viewer knows what was covered.
    let artifacts: Vec<s::Artifact> = report
        .files
        .iter()
        .map(|file| {
            let location = Location::new(&file.path, None, None);
            s::Artifact::builder()
                .location(artifact(&location))
                .roles(vec![json!("analysisTarget")])
                .mime_type("application/json")
                .build()
        })
        .collect();
    let run = s::Run::builder()
        .tool(driver)
        .invocations(vec![invocation(report)])
        .artifacts(artifacts)
        .original_uri_base_ids(BTreeMap::from([(SRCROOT.to_owned(), srcroot)]))
        .column_kind(json!("unicodeCodePoints"))
        .results(results)
        .build();
    s::Sarif::builder().schema(SCHEMA_URI).version(json!("2.1.0")).runs(vec![run]).build()
}

/// The run's one invocation: whether every file could be checked, and the exit status.
fn invocation(report: &Report) -> s::Invocation {
    let outcome = report.outcome();
    let unchecked: Vec<s::Notification> = report
        .files
        .iter()
        .filter(|file| !file.checked())
        .map(|file| {
            let location = Location::new(&file.path, None, None);
            s::Notification::builder()
                .level(json!("error"))
                .message(text(&format!("{}: {}", file.path, not_checked(file.counts().input_errors))))
                .locations(vec![
                    s::Location::builder()
                        .physical_location(
                            s::PhysicalLocation::builder().artifact_location(artifact(&location)).build(),
                        )
                        .build(),
                ])
                .build()
        })
        .collect();
    let mut invocation = s::Invocation::builder()
        .execution_successful(unchecked.is_empty())
        .exit_code(i64::from(outcome.exit_code()))
        .exit_code_description(outcome_meaning(outcome))
        .build();
    if !unchecked.is_empty() {
        invocation.tool_execution_notifications = Some(unchecked);
    }
    invocation
}

/// The result's `baselineState` where the run was judged against a baseline
/// (`report_baselined`): a stale entry of the baseline is `absent`, a finding by its
/// [`BaselineState`] (improved, tolerated and worsened ones are `updated`), anything else
/// `new`.
fn baseline_state(report_baselined: bool, entry: &Entry<'_>) -> Option<s::ResultBaselineState> {
    if !report_baselined {
        return None;
    }
    if entry.code == Code::BaselineStale.id() {
        return Some(s::ResultBaselineState::Absent);
    }
    Some(match entry.finding.and_then(|f| f.baseline.as_ref()).map(|b| b.state) {
        None | Some(BaselineState::New) => s::ResultBaselineState::New,
        Some(BaselineState::Unchanged) => s::ResultBaselineState::Unchanged,
        Some(_) => s::ResultBaselineState::Updated,
    })
}

/// The result of one entry.
fn result(
    file: &FileReport,
    entry: &Entry<'_>,
    rules: &mut Rules,
    fingerprints: &mut Fingerprints,
    report_baselined: bool,
) -> s::Result {
    let index = rules.index(entry);
    let labels = entry.labels.as_ref();
    let primary_text = labels.first().map(|l| l.text.as_str()).filter(|t| !t.is_empty());
    let related: Vec<(&str, Location)> = labels
        .iter()
        .skip(1)
        .map(|label| (label.text.as_str(), Location::new(&file.path, file.source.as_ref(), Some(label.span))))
        .collect();

    let mut primary = s::Location::builder().physical_location(physical(&entry.location)).build();
    primary.message = primary_text.map(text);
    let mut result = s::Result::builder()
        .rule_id(entry.code)
        .rule_index(index as i64)
        .level(level(entry.severity))
        .message(text(&message(entry, primary_text, &related, rules.generic_help(index), rules.is_rule(index))))
        .locations(vec![primary])
        .partial_fingerprints(fingerprint(entry, fingerprints))
        .build();
    if !related.is_empty() {
        result.related_locations = Some(
            related
                .iter()
                .enumerate()
                .map(|(n, (label, location))| {
                    let mut related =
                        s::Location::builder().id(n as i64 + 1).physical_location(physical(location)).build();
                    related.message = Some(label).filter(|l| !l.is_empty()).map(|l| text(l));
                    related
                })
                .collect(),
        );
    }
    if let Some(fix) = entry.fix() {
        let fix = json!({"tonnes": fix.tonnes, "from": fix.from, "to": fix.to, "sentence": fix.sentence});
        result.properties =
            Some(s::PropertyBag::builder().additional_properties(BTreeMap::from([("fix".to_owned(), fix)])).build());
    }
    if let Some(state) = baseline_state(report_baselined, entry) {
        result.baseline_state = Some(json!(state));
    }
    if let Some(waived) = entry.waived() {
        let mut properties = BTreeMap::from([("expires".to_owned(), json!(waived.expires.to_string()))]);
        for (key, value) in [("owner", &waived.owner), ("reference", &waived.reference)] {
            if let Some(value) = value {
                properties.insert(key.to_owned(), json!(value));
            }
        }
        let properties = s::PropertyBag::builder().additional_properties(properties).build();
        result.suppressions = Some(vec![
            s::Suppression::builder()
                .kind(json!("inSource"))
                .status(json!("accepted"))
                .justification(waived.describe())
                .properties(properties)
                .build(),
        ]);
    }
    result
}

/// The message: the sentence, the waiver, the notes, the entry's own help where it says more
/// than the rule's, and links to the related locations.
fn message(
    entry: &Entry<'_>,
    primary: Option<&str>,
    related: &[(&str, Location)],
    generic_help: &str,
    is_rule: bool,
) -> String {
    let links: Vec<String> = related
        .iter()
        .enumerate()
        .filter(|(_, (label, _))| !label.is_empty())
        .map(|(n, (label, _))| format!("[{}]({})", escape(label), n + 1))
        .collect();
    // Brackets are link syntax in a message with links: escape the literal ones.
    let plain = |t: &str| if links.is_empty() { t.to_owned() } else { escape(t) };
    let mut lines = vec![plain(&entry.full_message())];
    if let Some(help) = entry.help.filter(|h| h.trim() != generic_help.trim()) {
        lines.push(format!("help: {}", plain(help)));
    }
    if is_rule {
        // A rule's labels are its evidence: the supply lines and consumption behind it.
        let evidence: Vec<String> = primary.map(plain).into_iter().chain(links).collect();
        if !evidence.is_empty() {
            lines.push(format!("evidence: {}", evidence.join("; ")));
        }
    } else if !links.is_empty() {
        lines.push(format!("see also: {}", links.join("; ")));
    }
    lines.join("\n")
}

/// Escapes what SARIF messages read as embedded-link syntax.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '[' | ']') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The result's fingerprint, under GitHub's key and the tool's own: see [`Fingerprints`].
fn fingerprint(entry: &Entry<'_>, fingerprints: &mut Fingerprints) -> BTreeMap<String, String> {
    let value = fingerprints.next(entry);
    BTreeMap::from([(FINGERPRINT_KEY.to_owned(), value.clone()), ("primaryLocationLineHash".to_owned(), value)])
}

fn level(severity: Severity) -> s::ResultLevel {
    match severity {
        Severity::Error => s::ResultLevel::Error,
        Severity::Warning => s::ResultLevel::Warning,
        Severity::Note => s::ResultLevel::Note,
    }
}

fn text(message: &str) -> s::Message {
    s::Message::builder().text(message).build()
}

fn physical(location: &Location) -> s::PhysicalLocation {
    let region = s::Region::builder()
        .start_line(location.line as i64)
        .start_column(location.column as i64)
        .end_line(location.end_line as i64)
        .end_column(location.end_column as i64)
        .build();
    s::PhysicalLocation::builder().artifact_location(artifact(location)).region(region).build()
}

/// A relative uri under `%SRCROOT%`, or an absolute `file://` one for a path outside the
/// working directory.
fn artifact(location: &Location) -> s::ArtifactLocation {
    let uri = location.uri();
    if uri.starts_with('/') {
        return s::ArtifactLocation::builder().uri(format!("file://{uri}")).build();
    }
    // A Windows path with a drive (`C:/…`, its colon percent-encoded by `path_uri`).
    let bytes = uri.as_bytes();
    if bytes.len() > 3 && bytes[0].is_ascii_alphabetic() && uri[1..].starts_with("%3A/") {
        return s::ArtifactLocation::builder().uri(format!("file:///{}:{}", &uri[..1], &uri[4..])).build();
    }
    s::ArtifactLocation::builder().uri(uri).uri_base_id(SRCROOT).build()
}

/// The reporting descriptors, and where each id is among them.
struct Rules {
    descriptors: Vec<s::ReportingDescriptor>,
    index: HashMap<String, usize>,
    /// The help of each descriptor, which a result's own help is compared with.
    help: Vec<String>,
    /// Whether each descriptor is a rule (not a code of the tool).
    rule: Vec<bool>,
}

impl Rules {
    /// Every active rule, then every code of the tool whose id no rule has taken.
    fn new(active: &[RuleDoc]) -> Rules {
        let mut rules = Rules { descriptors: Vec::new(), index: HashMap::new(), help: Vec::new(), rule: Vec::new() };
        for rule in active {
            rules.push(rule_descriptor(rule), &rule.help, true);
        }
        for &code in Code::ALL {
            rules.push(code_descriptor(code), code.help(), false);
        }
        rules
    }

    fn push(&mut self, descriptor: s::ReportingDescriptor, help: &str, rule: bool) {
        if self.index.contains_key(&descriptor.id) {
            return;
        }
        self.index.insert(descriptor.id.clone(), self.descriptors.len());
        self.descriptors.push(descriptor);
        self.help.push(help.to_owned());
        self.rule.push(rule);
    }

    /// The index of the entry's descriptor; one is made for a code nothing describes, so
    /// that every result's `ruleId` is among the rules.
    fn index(&mut self, entry: &Entry<'_>) -> usize {
        if let Some(&index) = self.index.get(entry.code) {
            return index;
        }
        let summary = format!("{} ({})", entry.name, entry.code);
        let help = entry.help.unwrap_or("See `crma-check explain`.");
        let descriptor = descriptor(
            entry.code,
            entry.name,
            entry.severity,
            &summary,
            &summary,
            s::MultiformatMessageString::builder().text(help).build(),
        );
        self.push(descriptor, help, entry.finding.is_some());
        self.index[entry.code]
    }

    fn generic_help(&self, index: usize) -> &str {
        &self.help[index]
    }

    fn is_rule(&self, index: usize) -> bool {
        self.rule[index]
    }
}

fn rule_descriptor(rule: &RuleDoc) -> s::ReportingDescriptor {
    let summary = sentence(&rule.summary);
    let url = rule.url.as_deref().filter(|u| is_absolute_uri(u));

    // The full description: summary, legal basis, and the whole paragraphs that fit.
    let mut head = summary.clone();
    if let Some(basis) = &rule.legal_basis {
        head.push_str(&format!("\n\nLegal basis: {}", sentence(basis)));
    }
    let more = format!("\n\n(More: `crma-check explain {}`.)", rule.id);
    let mut full = head.clone();
    for (n, paragraph) in rule.explain.iter().enumerate() {
        let with = format!("{full}\n\n{paragraph}");
        let room = if n + 1 == rule.explain.len() { DESCRIPTION_LIMIT } else { DESCRIPTION_LIMIT - more.len() };
        if with.chars().count() > room {
            full.push_str(&more);
            break;
        }
        full = with;
    }

    // The help: what to do first, then the basis and the whole explanation.
    let mut help_text = format!("{summary}\n\nHow to fix: {}", rule.help);
    let mut help_markdown = format!("{summary}\n\n**How to fix:** {}", rule.help);
    if let Some(basis) = &rule.legal_basis {
        help_text.push_str(&format!("\n\nLegal basis: {basis}"));
        help_markdown.push_str(&format!("\n\n**Legal basis:** {basis}"));
    }
    if let Some(url) = url {
        help_text.push_str(&format!(" ({url})"));
        help_markdown.push_str(&format!(" ([text]({url}))"));
    }
    if !rule.explain.is_empty() {
        help_text.push_str("\n\nReading:");
        help_markdown.push_str("\n\n**Reading**");
        for paragraph in &rule.explain {
            help_text.push_str(&format!("\n\n{paragraph}"));
            help_markdown.push_str(&format!("\n\n{paragraph}"));
        }
    }
    let explain = format!("\n\n`crma-check explain {}` also shows how the rule is computed.", rule.id);
    help_text.push_str(&explain);
    help_markdown.push_str(&explain);

    let help = s::MultiformatMessageString::builder().text(help_text).markdown(help_markdown).build();
    let mut descriptor = descriptor(&rule.id, &rule.name, rule.severity, &rule.summary, &full, help);
    descriptor.help_uri = url.map(str::to_owned);
    descriptor
}

fn code_descriptor(code: Code) -> s::ReportingDescriptor {
    let help = s::MultiformatMessageString::builder()
        .text(format!("{}\n\nHow to fix: {}", code.summary(), code.help()))
        .markdown(format!("{}\n\n**How to fix:** {}", code.summary(), code.help()))
        .build();
    descriptor(code.id(), code.id(), code.severity(), code.summary(), code.summary(), help)
}

fn descriptor(
    id: &str,
    name: &str,
    severity: Severity,
    short: &str,
    full: &str,
    help: s::MultiformatMessageString,
) -> s::ReportingDescriptor {
    let problem_severity = match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "recommendation",
    };
    // Findings are computed exactly from the data given: they are true of that data.
    let properties = s::PropertyBag::builder()
        .additional_properties(BTreeMap::from([
            ("precision".to_owned(), json!("very-high")),
            ("problem.severity".to_owned(), json!(problem_severity)),
        ]))
        .build();
    s::ReportingDescriptor::builder()
        .id(id)
        .name(clip(name, NAME_LIMIT))
        .short_description(s::MultiformatMessageString::builder().text(clip(short, DESCRIPTION_LIMIT)).build())
        .full_description(s::MultiformatMessageString::builder().text(clip(full, DESCRIPTION_LIMIT)).build())
        .help(help)
        .default_configuration(s::ReportingConfiguration::builder().level(json!(severity.as_str())).build())
        .properties(properties)
        .build()
}

/// The text ending in a full stop.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?']) { text.to_owned() } else { format!("{text}.") }
}

/// At most `limit` characters, an ellipsis marking a cut.
fn clip(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut clipped: String = text.chars().take(limit - 1).collect();
    clipped.push('…');
    clipped
}

/// Whether `uri` has a scheme (`https:`), as `helpUri` must.
fn is_absolute_uri(uri: &str) -> bool {
    uri.split_once(':').is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_syntax_is_escaped() {
        assert_eq!(escape(r"a [b] \c"), r"a \[b\] \\c");
    }

    #[test]
    fn absolute_paths_become_file_uris() {
        let at = |path: &str| artifact(&Location::new(path, None, None));
        let relative = at("examples/x.json");
        assert_eq!(
            (relative.uri.as_deref(), relative.uri_base_id.as_deref()),
            (Some("examples/x.json"), Some(SRCROOT))
        );
        let absolute = at("/nowhere/x y.json");
        assert_eq!((absolute.uri.as_deref(), absolute.uri_base_id), (Some("file:///nowhere/x%20y.json"), None));
    }

    #[test]
    fn only_uris_with_a_scheme_are_help_uris() {
        assert!(is_absolute_uri("https://eur-lex.europa.eu/eli/reg/2024/1252/oj"));
        assert!(!is_absolute_uri("docs/policy.md"));
        assert!(!is_absolute_uri("policy 4.1: see intranet"));
    }

    #[test]
    fn long_texts_are_clipped_to_the_limit() {
        let long = "x".repeat(2000);
        assert_eq!(clip(&long, DESCRIPTION_LIMIT).chars().count(), DESCRIPTION_LIMIT);
        assert_eq!(clip("short", DESCRIPTION_LIMIT), "short");
    }
}
