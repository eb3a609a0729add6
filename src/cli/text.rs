//! What the commands other than the check print: `explain`, `rules`, `forms`, `materials`.

use std::fmt::Write as _;

use crma_check::config::{Config, FILE_NAME};
use crma_check::diagnostic::Code;
use crma_check::reference::{GradeClaim, GradeId};
use crma_check::{Checker, Rule};

/// What a rule or a diagnostic code checks, its legal basis and how to fix a finding; or
/// why there is no such rule or code.
pub fn explain(checker: &Checker, id: &str) -> Result<String, String> {
    if let Some(rule) = checker.rule(id) {
        return Ok(explain_rule(checker, rule));
    }
    if let Some(code) = Code::find(id) {
        return Ok(format!(
            "{} ({})\n\n{}\n\nHow to fix: {}\n",
            code.id(),
            code.severity(),
            code.summary(),
            code.help()
        ));
    }
    let ids = checker.rules().iter().map(|r| r.id()).chain(Code::ALL.iter().map(|c| c.id()));
    let hint = match crma_check::suggest::did_you_mean(id, ids) {
        Some(close) => format!("; did you mean `{close}`?"),
        None => "; `crma-check rules` lists the rules".to_owned(),
    };
    Err(format!("no rule or code `{id}`{hint}"))
}

fn explain_rule(checker: &Checker, rule: &Rule) -> String {
    let doc = rule.doc();
    let mut out = String::new();
    let applies = rule.applies_from().map(|y| format!(", applies from {y}")).unwrap_or_default();
    let _ = writeln!(out, "{} {} ({}{applies})", doc.id, doc.name, doc.severity);
    let _ = writeln!(out, "{}\n", doc.summary);
    if let Some(basis) = &doc.legal_basis {
        let _ = writeln!(out, "Legal basis: {basis}");
    }
    if let Some(url) = &doc.url {
        let _ = writeln!(out, "Text: {url}");
    }
    let _ = writeln!(out, "Defined in: {}\n", origin(rule));
    let _ = writeln!(out, "How it is computed");
    let _ = writeln!(out, "{}\n", wrap(&rule.computation(checker.reference()), 2));
    if !doc.explain.is_empty() {
        let _ = writeln!(out, "Reading");
        for paragraph in &doc.explain {
            let _ = writeln!(out, "{}\n", wrap(paragraph, 2));
        }
    }
    let _ = writeln!(out, "How to fix a finding");
    let _ = writeln!(out, "{}", wrap(&doc.help, 2));
    out
}

fn origin(rule: &Rule) -> String {
    let origin = rule.origin();
    let kind = if origin.builtin { "built in" } else { "rule file" };
    match &origin.replaces {
        Some(replaced) => format!("{} ({kind}), replacing the rule of {replaced}", origin.path),
        None => format!("{} ({kind})", origin.path),
    }
}

/// Every rule, with its severity, summary and where it came from; then the project file
/// read, if any.
pub fn rules(checker: &Checker, config: &Config) -> String {
    let mut out = String::new();
    let id_width = checker.rules().iter().map(|r| r.id().len()).max().unwrap_or(2).max(2);
    for rule in checker.rules() {
        let doc = rule.doc();
        let applies = rule.applies_from().map(|y| format!(", from {y}")).unwrap_or_default();
        let _ = writeln!(out, "{:<id_width$}  {} ({}{applies})", doc.id, doc.name, doc.severity);
        let _ = writeln!(out, "{:<id_width$}  {}", "", doc.summary);
        let _ = writeln!(out, "{:<id_width$}  from {}", "", origin(rule));
    }
    match config.path.as_os_str().is_empty() {
        true => {
            let _ = writeln!(out, "\nProject file: none ({} in this folder or above it, or --config FILE)", FILE_NAME);
        }
        false => {
            let _ = writeln!(out, "\nProject file: {}", config.path.display());
        }
    }
    out
}

/// The traded forms and their fractions, each with its notes (where its real content
/// varies first: a line in that form gets a note that says so).
pub fn forms(checker: &Checker) -> String {
    let mut out = String::new();
    let forms: Vec<_> = checker.reference().forms.all().collect();
    let materials = &checker.reference().materials;
    let width = forms.iter().map(|f| f.id.len()).max().unwrap_or(0);
    let _ = writeln!(out, "{:<width$}  {:<8}  fraction  formula, and how the fraction is computed", "form", "element");
    for form in forms {
        let _ = writeln!(
            out,
            "{:<width$}  {:<8}  {:.6}  {}: {}",
            form.id,
            form.element,
            form.fraction.to_f64(),
            form.formula,
            form.basis
        );
        let grade = form.grade.iter().map(|(claim, why)| match claim {
            GradeClaim::Is(grade) => format!("grade: always {} — {why}", materials.grade_by_id(*grade).phrase),
            GradeClaim::Not(grade) => format!("grade: never {} — {why}", materials.grade_by_id(*grade).phrase),
            GradeClaim::Unknown => String::new(),
        });
        let varies = form.content_varies.iter().map(|text| format!("content varies: {text}"));
        for note in grade.chain(varies).chain(form.notes.iter().cloned()) {
            let _ = writeln!(out, "{}", wrap(&note, NOTE_INDENT));
        }
    }
    out
}

/// How far the notes under a form or material are indented.
const NOTE_INDENT: usize = 4;

/// The materials and their place in the annexes, then the grades.
pub fn materials(checker: &Checker) -> String {
    let mut out = String::new();
    let materials = &checker.reference().materials;
    let grade = |g: Option<GradeId>| g.map(|g| format!(", {}", materials.grade_by_id(g).phrase)).unwrap_or_default();
    for (id, material) in materials.all() {
        let status = match (&material.strategic, &material.critical) {
            (Some(s), _) => format!("strategic (Annex I {}){}", s.annex_i.as_deref().unwrap_or("?"), grade(s.grade)),
            (None, Some(c)) => format!("critical (Annex II){}", grade(c.grade)),
            (None, None) => "out of scope".to_owned(),
        };
        let mut names: Vec<String> = material.element.iter().cloned().collect();
        names.extend(material.members.iter().map(|m| format!("{} ({})", m.name, m.symbol)));
        let names = if names.is_empty() { String::new() } else { format!(": {}", names.join(", ")) };
        let _ = writeln!(out, "{:<32} {status}{names}", material.name);
        if let Some(note) = &material.note {
            let _ = writeln!(out, "{}", wrap(note, 33));
        }
        // Members of other materials that count here at other grades (Nd not for magnets).
        for (_, other) in materials.all() {
            let moved: Vec<&str> =
                other.members.iter().filter(|m| m.other_grades_as == Some(id)).map(|m| m.symbol.as_str()).collect();
            let listed = other.strategic.as_ref().and_then(|s| s.grade);
            if let (false, Some(listed)) = (moved.is_empty(), listed) {
                let also = format!(
                    "Also counted here: {} of {}, of a grade other than `{}`.",
                    moved.join(", "),
                    other.name,
                    materials.grade_by_id(listed).id
                );
                let _ = writeln!(out, "{}", wrap(&also, 33));
            }
        }
    }
    let _ = writeln!(out, "\nGrades (`grade` in a supply line or consumption entry):");
    for grade in materials.grades() {
        let _ = writeln!(out, "{:<32} {}", grade.id, wrap(&grade.description, 33).trim_start());
    }
    out
}

/// Wraps `text` at 96 columns, indented by `indent` spaces, breaking lines only at spaces
/// (never inside a path such as `examples/policies/crm004-literal.json` or at a hyphen).
fn wrap(text: &str, indent: usize) -> String {
    let indent = " ".repeat(indent);
    let options = textwrap::Options::new(96)
        .initial_indent(&indent)
        .subsequent_indent(&indent)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::fill(text, options)
}
