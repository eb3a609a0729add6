//! Code actions on the diagnostics at a range: the fix a diagnostic suggests ("did you
//! mean `lithium`?") as a quick fix, and, for a rule's finding, a waiver of it added to the
//! portfolio's `waivers`, with a reason to write and an expiry a year ahead.
//!
//! Actions come from what the server itself found for the document's current version, not
//! from the diagnostics the client sends back (which may be stale, or another server's).

use std::collections::HashMap;

use jsonc_parser::ast::{self, ObjectPropName};
use jsonc_parser::common::Ranged;
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit};

use crma_check::model::Check;

use super::check::{Checked, Item};
use super::documents::Document;

/// What a new waiver's `reason` says until its author writes the real one.
pub const REASON_PLACEHOLDER: &str = "TODO: why this finding is accepted, and what will end it";

/// The actions for the diagnostics whose range touches `range`.
pub fn code_actions(
    document: &Document,
    checked: &Checked,
    range: Range,
    today: jiff::civil::Date,
) -> Vec<CodeActionOrCommand> {
    let touches = |item: &&Item| item.diagnostic.range.start <= range.end && range.start <= item.diagnostic.range.end;
    let mut actions = Vec::new();
    for item in checked.items.iter().filter(touches) {
        if let Some(fix) = &item.fix {
            let edit = TextEdit {
                range: document.range(fix.span.start as usize..fix.span.end()),
                new_text: fix.replacement.clone(),
            };
            actions.push(action(document, item, format!("Replace with {}", fix.replacement), edit, true));
        }
        if let Some(check) = &item.waivable
            && let Some(edit) = waiver_edit(document, check, today)
        {
            actions.push(action(document, item, format!("Add a waiver of {}", describe(check)), edit, false));
        }
    }
    actions
}

fn action(document: &Document, item: &Item, title: String, edit: TextEdit, preferred: bool) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![item.diagnostic.clone()]),
        // `changes` is understood by every client; `documentChanges` would need a capability.
        edit: Some(WorkspaceEdit::new(HashMap::from([(document.uri.clone(), vec![edit])]))),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    })
}

/// `CRM004 (lithium, processing, CN)`.
fn describe(check: &Check) -> String {
    let parts: Vec<&str> =
        [material(check), check.stage.map(|s| s.as_str()), check.country.as_ref().map(|c| c.code.as_str())]
            .into_iter()
            .flatten()
            .collect();
    if parts.is_empty() { check.rule.clone() } else { format!("{} ({})", check.rule, parts.join(", ")) }
}

/// The material a waiver names: the finding's, unless it is about all of them together.
fn material(check: &Check) -> Option<&str> {
    check.material.as_ref().map(|m| m.id.as_str()).filter(|id| *id != "*")
}

/// The waiver of `check`, as one line of JSON.
fn waiver(check: &Check, today: jiff::civil::Date) -> String {
    let expires = today.checked_add(jiff::Span::new().years(1)).unwrap_or(today);
    let quoted = |text: &str| serde_json::to_string(text).unwrap_or_default();
    let mut fields = vec![format!("\"rule\": {}", quoted(&check.rule))];
    if let Some(material) = material(check) {
        fields.push(format!("\"material\": {}", quoted(material)));
    }
    if let Some(stage) = check.stage {
        fields.push(format!("\"stage\": {}", quoted(stage.as_str())));
    }
    if let Some(country) = &check.country {
        fields.push(format!("\"country\": {}", quoted(&country.code)));
    }
    fields.push(format!("\"reason\": {}", quoted(REASON_PLACEHOLDER)));
    fields.push(format!("\"expires\": \"{expires}\""));
    format!("{{{}}}", fields.join(", "))
}

/// The edit adding the waiver of `check`: after the last waiver, into an empty `waivers`,
/// or as a new `waivers` after the portfolio's last field; indented as the file is.
fn waiver_edit(document: &Document, check: &Check, today: jiff::civil::Date) -> Option<TextEdit> {
    let (text, shift) = document.content();
    let (at, new_text) = insertion(text, &waiver(check, today))?;
    let range = document.range(at + shift..at + shift);
    Some(TextEdit { range, new_text })
}

/// Where to insert `waiver` in a portfolio's `text`, and what to insert.
fn insertion(text: &str, waiver: &str) -> Option<(usize, String)> {
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &Default::default()).ok()?;
    let Some(ast::Value::Object(top)) = parsed.value else { return None };
    let indent = |offset: usize| -> &str {
        let line = text[..offset].rfind('\n').map_or(0, |n| n + 1);
        let before = &text[line..offset];
        if before.trim().is_empty() { before } else { "" }
    };
    let name = |prop: &ast::ObjectProp<'_>| match &prop.name {
        ObjectPropName::String(s) => s.value.to_string(),
        ObjectPropName::Word(w) => w.value.to_string(),
    };
    match top.properties.iter().find(|p| name(p) == "waivers") {
        Some(prop) => {
            let ast::Value::Array(list) = &prop.value else { return None };
            match list.elements.last() {
                Some(last) => {
                    let end = last.range().end;
                    match indent(last.range().start) {
                        // Waivers on a line each: one more line.
                        "" => Some((end, format!(", {waiver}"))),
                        indent => Some((end, format!(",\n{indent}{waiver}"))),
                    }
                }
                None => {
                    let outer = indent(prop.range.start);
                    let step = if outer.is_empty() { "  " } else { outer };
                    Some((list.range.start + 1, format!("\n{outer}{step}{waiver}\n{outer}")))
                }
            }
        }
        None => {
            let last = top.properties.last()?;
            let outer = match indent(last.range.start) {
                "" => "  ",
                indent => indent,
            };
            Some((last.range.end, format!(",\n{outer}\"waivers\": [\n{outer}{outer}{waiver}\n{outer}]")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insert(text: &str) -> String {
        let (at, new) = insertion(text, "{W}").expect("a place");
        let mut out = text.to_owned();
        out.insert_str(at, &new);
        out
    }

    #[test]
    fn waivers_go_where_a_person_would_write_them() {
        assert_eq!(
            insert("{\n  \"year\": 2030,\n  \"supplies\": []\n}\n"),
            "{\n  \"year\": 2030,\n  \"supplies\": [],\n  \"waivers\": [\n    {W}\n  ]\n}\n"
        );
        assert_eq!(
            insert("{\n    \"supplies\": [],\n    \"waivers\": [\n        {\"rule\": \"X\"}\n    ]\n}"),
            "{\n    \"supplies\": [],\n    \"waivers\": [\n        {\"rule\": \"X\"},\n        {W}\n    ]\n}"
        );
        assert_eq!(insert("{\"supplies\": [], \"waivers\": []}"), "{\"supplies\": [], \"waivers\": [\n  {W}\n]}");
        assert_eq!(insert("{\"waivers\": [{\"rule\": \"X\"}]}"), "{\"waivers\": [{\"rule\": \"X\"}, {W}]}");
        assert_eq!(insert("{\"supplies\": []}"), "{\"supplies\": [],\n  \"waivers\": [\n    {W}\n  ]}");
        assert!(insertion("{\"waivers\": 1}", "{W}").is_none(), "not a list: the schema error comes first");
        assert!(insertion("[1]", "{W}").is_none());
    }
}
