//! `crma-check lsp` as an editor sees it: a scripted client starts the binary and speaks the
//! protocol to it (initialize, open, diagnostics with their exact ranges, hover, completion,
//! code actions, shutdown), and sends it what no editor should (malformed messages,
//! half-typed and binary documents) to see it answer and live on.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::LspClient;
use serde_json::{Value, json};

const URI: &str = "file:///tmp/crma-check-lsp-test/portfolio.json";

/// A supplier with non-ASCII text before the error on its line: `é` and `è` are 2 bytes
/// and 1 UTF-16 unit, `🔋` 4 bytes and 2 units (and 1 character). `"lithum"` starts at
/// UTF-16 column 51 of line 3; a server counting bytes would say 56, characters 50.
const PORTFOLIO: &str = r#"{
  "name": "Société Minière test",
  "supplies": [
    {"supplier": "Société Minière 🔋", "material": "lithum", "amount": 10, "unit": "t", "origin": {"extraction": "AU", "processing": "CN"}},
    {"material": "cobalt", "amount": 100, "unit": "t", "origin": {"extraction": "CD", "processing": "FI"}}
  ],
  "year": 2030
}
"#;

fn start() -> LspClient {
    LspClient::start(&[])
}

/// `initialize` with `options`, then `initialized`; the result.
fn initialize(client: &mut LspClient, options: Value) -> Value {
    let params = json!({"processId": null, "rootUri": null, "capabilities": {}, "initializationOptions": options});
    let result = client.call("initialize", params);
    client.notify("initialized", json!({}));
    result
}

/// Settings that make the results the same on any day: waivers judged as of a fixed date.
fn fixed_day() -> Value {
    json!({"as_of": "2026-11-23"})
}

fn open(client: &mut LspClient, uri: &str, text: &str) -> Value {
    let document = json!({"uri": uri, "languageId": "json", "version": 1, "text": text});
    client.notify("textDocument/didOpen", json!({"textDocument": document}));
    client.notification("textDocument/publishDiagnostics")
}

fn change(client: &mut LspClient, version: i32, text: &str) -> Value {
    let document = json!({"uri": URI, "version": version});
    client.notify("textDocument/didChange", json!({"textDocument": document, "contentChanges": [{"text": text}]}));
    let published = client.notification("textDocument/publishDiagnostics");
    assert_eq!(published["version"], version);
    published
}

fn range(line: u32, start: u32, end: u32) -> Value {
    json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": end}})
}

fn at(line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}})
}

fn code_actions(client: &mut LspClient, line: u32, character: u32) -> Vec<Value> {
    let params = json!({"textDocument": {"uri": URI}, "range": range(line, character, character), "context": {"diagnostics": []}});
    client.call("textDocument/codeAction", params).as_array().cloned().unwrap_or_default()
}

/// `text` with an action's edits applied, as an editor applies them (bottom up).
fn apply(text: &str, action: &Value) -> String {
    let mut edits = action["edit"]["changes"][URI].as_array().cloned().expect("edits for the document");
    edits.sort_by_key(|e| {
        std::cmp::Reverse((e["range"]["start"]["line"].as_u64(), e["range"]["start"]["character"].as_u64()))
    });
    let mut text = text.to_owned();
    for edit in edits {
        let offset =
            |p: &Value| offset(&text, p["line"].as_u64().unwrap() as usize, p["character"].as_u64().unwrap() as usize);
        let (start, end) = (offset(&edit["range"]["start"]), offset(&edit["range"]["end"]));
        text.replace_range(start..end, edit["newText"].as_str().unwrap());
    }
    text
}

/// The byte offset of a UTF-16 position.
fn offset(text: &str, line: usize, character: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn diagnostics(published: &Value) -> Vec<Value> {
    published["diagnostics"].as_array().cloned().unwrap_or_default()
}

fn codes(published: &Value) -> Vec<String> {
    diagnostics(published).iter().map(|d| d["code"].as_str().unwrap_or_default().to_owned()).collect()
}

fn hover_text(client: &mut LspClient, line: u32, character: u32) -> (String, Value) {
    let hover = client.call("textDocument/hover", at(line, character));
    (hover["contents"]["value"].as_str().unwrap_or_default().to_owned(), hover["range"].clone())
}

#[test]
fn a_whole_session() {
    let mut client = start();
    let init = initialize(&mut client, fixed_day());
    let capabilities = &init["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["textDocumentSync"]["change"], 1, "whole texts");
    assert_eq!(capabilities["textDocumentSync"]["openClose"], true);
    assert_eq!(capabilities["hoverProvider"], true);
    assert_eq!(capabilities["codeActionProvider"]["codeActionKinds"], json!(["quickfix"]));
    assert_eq!(init["serverInfo"]["name"], "crma-check");

    // Open: the unknown material, at its exact UTF-16 range (its quotes included: the
    // library's span of a JSON value).
    let published = open(&mut client, URI, PORTFOLIO);
    assert_eq!((published["uri"].as_str(), published["version"].as_i64()), (Some(URI), Some(1)));
    let found = diagnostics(&published);
    assert_eq!(found.len(), 1, "{found:#?}");
    let unknown = &found[0];
    assert_eq!(unknown["range"], range(3, 51, 59));
    assert_eq!((unknown["severity"].as_i64(), unknown["code"].as_str()), (Some(1), Some("unknown-material")));
    assert_eq!(unknown["source"], "crma-check");
    assert_eq!(unknown["message"], "unknown material `lithum`\nhelp: did you mean `lithium`?");

    // Hover: a material and a country say their place in the Act.
    let (cobalt, cobalt_range) = hover_text(&mut client, 4, 20);
    assert!(
        cobalt.starts_with("**cobalt** (Co)") && cobalt.contains("**Strategic** raw material: Annex I"),
        "{cobalt}"
    );
    assert_eq!(cobalt_range, range(4, 17, 25));
    let (congo, _) = hover_text(&mut client, 4, 81);
    assert!(congo.starts_with("**CD**: DR Congo") && congo.contains("**Not in the EU**"), "{congo}");
    // Nothing to say on punctuation: null, not an error.
    assert_eq!(client.call("textDocument/hover", at(0, 0)), Value::Null);

    // Completion inside the misspelt name: material names, each replacing the string's text.
    let completion = client.call("textDocument/completion", at(3, 55));
    let items = completion["items"].as_array().expect("a list");
    let lithium = items.iter().find(|i| i["label"] == "lithium").expect("lithium is offered");
    assert_eq!(lithium["textEdit"], json!({"range": range(3, 52, 58), "newText": "lithium"}));
    assert!(lithium["detail"].as_str().unwrap().starts_with("Li: strategic (battery grade)"), "{lithium}");

    // The did-you-mean as a quick fix; applied, it clears the error.
    let actions = code_actions(&mut client, 3, 53);
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["title"], "Replace with \"lithium\"");
    assert_eq!((actions[0]["kind"].as_str(), actions[0]["isPreferred"].as_bool()), (Some("quickfix"), Some(true)));
    assert_eq!(actions[0]["edit"]["changes"][URI], json!([{"range": range(3, 51, 59), "newText": "\"lithium\""}]));
    let fixed = apply(PORTFOLIO, &actions[0]);
    let published = change(&mut client, 2, &fixed);
    let found = codes(&published);
    assert!(!found.contains(&"unknown-material".to_owned()), "{found:?}");

    // Now checked: the findings of a 2030 portfolio, with the supply lines behind them.
    assert!(found.iter().all(|c| c.starts_with("CRM") || c == "grade-assumed"), "{found:?}");
    let cap = diagnostics(&published)
        .into_iter()
        .find(|d| d["code"] == "CRM004" && d["message"].as_str().unwrap().starts_with("DR Congo"))
        .expect("DR Congo extracts all the cobalt");
    assert_eq!((cap["range"].clone(), cap["severity"].as_i64()), (range(4, 80, 84), Some(1)));

    // Hover on an amount: contained tonnes and the share at each stage.
    let (line, _) = hover_text(&mut client, 4, 38);
    assert!(line.starts_with("**100 t** is **100 t of cobalt**"), "{line}");
    assert!(line.contains("| extraction | DR Congo (CD) | 100.0% |"), "{line}");
    assert!(line.contains("| processing | Finland (FI) | 100.0% |"), "{line}");

    // A waiver of the finding, a year ahead of the day checked, which then waives it.
    let actions = code_actions(&mut client, 4, 81);
    let waive = actions
        .iter()
        .find(|a| a["title"] == "Add a waiver of CRM004 (cobalt, extraction, CD)")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let new_text = waive["edit"]["changes"][URI][0]["newText"].as_str().unwrap();
    assert!(
        new_text.contains(
            r#"{"rule": "CRM004", "material": "cobalt", "stage": "extraction", "country": "CD", "reason": "TODO"#
        ),
        "{new_text}"
    );
    assert!(new_text.contains(r#""expires": "2027-11-23"}"#), "{new_text}");
    let waived = apply(&fixed, waive);
    let published = change(&mut client, 3, &waived);
    let hint = diagnostics(&published)
        .into_iter()
        .find(|d| d["code"] == "CRM004" && d["message"].as_str().unwrap().starts_with("DR Congo"))
        .expect("still reported");
    assert_eq!(hint["severity"], 4, "a hint");
    assert!(hint["message"].as_str().unwrap().contains("\nwaived until 2027-11-23: TODO"), "{hint}");

    // Save re-publishes; close clears.
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": URI}}));
    assert_eq!(client.notification("textDocument/publishDiagnostics")["diagnostics"], published["diagnostics"]);
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": URI}}));
    assert_eq!(client.notification("textDocument/publishDiagnostics")["diagnostics"], json!([]));

    // shutdown → null; requests after it are refused; exit → status 0.
    assert_eq!(client.call("shutdown", Value::Null), Value::Null);
    assert_eq!(client.request("textDocument/hover", at(0, 0))["error"]["code"], -32600);
    client.notify("exit", Value::Null);
    let (status, rest) = client.wait_exit();
    assert!(rest.is_empty(), "unexpected messages: {rest:?}");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn completion_where_the_formats_take_reference_values() {
    let mut client = start();
    initialize(&mut client, fixed_day());
    // Half-typed: an open string at the end, and values not begun.
    let text = "{\"year\": 2030, \"supplies\": [\n  {\"unit\": \"k\", \"form\": , \"origin\": {\"processing\": \"Chi";
    open(&mut client, URI, text);
    let labels = |client: &mut LspClient, line, character| -> Vec<String> {
        let completion = client.call("textDocument/completion", at(line, character));
        completion["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(labels(&mut client, 1, 12), ["t", "kg", "kt", "Mt", "lb"]);
    assert!(labels(&mut client, 1, 23).contains(&"lithium-carbonate".to_owned()));
    // A country by its name, too: the filter text holds both.
    let completion = client.call("textDocument/completion", at(1, 55));
    let china = completion["items"].as_array().unwrap().iter().find(|i| i["label"] == "CN").unwrap().clone();
    assert_eq!(china["filterText"], "CN China");
    assert_eq!(china["textEdit"], json!({"range": range(1, 52, 55), "newText": "CN"}));
    // Stage keys in an origin; a value not begun gets its quotes.
    let completion = client.call("textDocument/completion", at(1, 37));
    let first = &completion["items"][0];
    assert_eq!(
        (first["label"].as_str(), first["textEdit"]["newText"].as_str()),
        (Some("extraction"), Some("\"extraction\""))
    );
    // Nothing where the formats take free text.
    assert_eq!(client.call("textDocument/completion", at(0, 3)), Value::Null);
}

#[test]
fn rule_files_are_checked_and_other_json_files_left_alone() {
    let mut client = start();
    initialize(&mut client, Value::Null);
    let rules = r#"{"rules": [{"id": "ACME-01", "name": "x", "summary": "s", "severity": "error",
  "materials": ["cobolt"], "stages": ["processing"], "metric": "country-share", "max": 50,
  "message": "{country} processes {value} of {material}", "help": "h"}]}"#;
    let rules_uri = "file:///tmp/crma-check-lsp-test/policy.json";
    let published = open(&mut client, rules_uri, rules);
    let found = diagnostics(&published);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0]["code"].as_str(), found[0]["range"].clone()), (Some("unknown-material"), range(1, 16, 24)));
    let params = json!({"textDocument": {"uri": rules_uri}, "range": range(1, 18, 18), "context": {"diagnostics": []}});
    let actions = client.call("textDocument/codeAction", params);
    assert_eq!(actions[0]["title"], "Replace with \"cobalt\"");
    // An npm manifest, an ESLint configuration: not crma-check's files.
    for other in [r#"{"name": "x", "version": "1.0.0"}"#, r#"{"rules": {"no-console": "error"}}"#] {
        assert_eq!(open(&mut client, "file:///tmp/crma-check-lsp-test/package.json", other)["diagnostics"], json!([]));
    }
}

#[test]
fn settings_that_make_no_checker_are_said_on_every_portfolio() {
    let mut client = start();
    initialize(&mut client, json!({"select": ["CRM9"]}));
    let message = client.notification("window/showMessage");
    assert_eq!(message["type"], 1);
    assert!(message["message"].as_str().unwrap().contains("no rule matches `CRM9`"), "{message}");
    let published = open(&mut client, URI, PORTFOLIO);
    let found = diagnostics(&published);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["range"], range(0, 0, 0));
    assert!(found[0]["message"].as_str().unwrap().starts_with("crma-check cannot check this file: no rule matches"));

    // A rule file that cannot be read: its error, pointing into it.
    let mut client = start();
    initialize(&mut client, json!({"rules": ["tests/fixtures/no-such-policy.json"]}));
    client.notification("window/showMessage");
    let found = diagnostics(&open(&mut client, URI, PORTFOLIO));
    assert_eq!(found[0]["code"], "io");
    assert!(found[0]["message"].as_str().unwrap().contains("no-such-policy.json cannot be read"), "{found:#?}");

    // The rules of the settings apply: this policy adds ACME-01.
    let mut client = start();
    initialize(&mut client, json!({"rules": ["examples/policies/company-policy.json"], "as_of": "2026-11-23"}));
    let published = open(&mut client, URI, &PORTFOLIO.replace("lithum", "lithium"));
    assert!(codes(&published).iter().any(|c| c.starts_with("ACME")), "{:?}", codes(&published));
}

#[test]
fn saving_a_rule_file_of_the_settings_checks_everything_again() {
    let policy = std::env::temp_dir().join(format!("crma-check-lsp-policy-{}.json", std::process::id()));
    let rule = |max: &str| {
        format!(
            r#"{{"rules": [{{"id": "ACME-01", "name": "cap", "summary": "s", "severity": "error", "materials": "critical",
            "stages": ["processing"], "metric": "country-share", "max": {max}, "message": "{{country}} at {{value}}", "help": "h"}}]}}"#
        )
    };
    std::fs::write(&policy, rule("50")).expect("a rule file");
    let mut client = start();
    initialize(&mut client, json!({"rules": [policy.to_str().expect("UTF-8")], "as_of": "2026-11-23"}));
    let portfolio = PORTFOLIO.replace("lithum", "lithium");
    assert!(codes(&open(&mut client, URI, &portfolio)).contains(&"ACME-01".to_owned()));

    // The editor saves the rule file with a mistake: every portfolio says so.
    std::fs::write(&policy, rule("\"fifty\"")).expect("saved");
    let policy_uri = format!("file://{}", policy.display());
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": policy_uri}}));
    assert!(client.notification("window/showMessage")["message"].as_str().unwrap().contains("cannot be read"));
    let published = client.notification("textDocument/publishDiagnostics");
    assert_eq!(published["uri"], URI);
    assert!(diagnostics(&published)[0]["message"].as_str().unwrap().contains("cannot be read"), "{published}");

    // And fixed again: checked again with the new rule.
    std::fs::write(&policy, rule("100")).expect("saved");
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": policy_uri}}));
    let published = client.notification("textDocument/publishDiagnostics");
    assert!(!codes(&published).contains(&"ACME-01".to_owned()), "nothing is over 100%");
    assert!(codes(&published).iter().any(|c| c.starts_with("CRM")));
    let _ = std::fs::remove_file(&policy);
}

#[test]
fn malformed_messages_get_errors_and_the_server_goes_on() {
    let mut client = start();
    initialize(&mut client, Value::Null);
    open(&mut client, URI, PORTFOLIO);

    // Not JSON → -32700 parse error, with a null id.
    client.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    let error = client.expect("a parse error", |m| m["error"]["code"] == -32700);
    assert_eq!(error["id"], Value::Null);
    // JSON but not a message → -32600 invalid request, with its id.
    client.send(&json!({"jsonrpc": "2.0", "id": 99}));
    assert_eq!(client.expect("an invalid request", |m| m["id"] == 99)["error"]["code"], -32600);
    // A header without Content-Length → -32700.
    client.send_raw(b"Content-Type: nothing\r\n\r\n");
    assert_eq!(client.expect("a header error", |m| m["error"]["code"] == -32700)["id"], Value::Null);
    // An unknown method → -32601; bad params → -32602; unknown or bad notifications → nothing.
    assert_eq!(client.request("crma/doesNotExist", json!({}))["error"]["code"], -32601);
    assert_eq!(client.request("textDocument/hover", json!({"textDocument": 5}))["error"]["code"], -32602);
    client.notify("crma/unknownNotification", json!({"x": 1}));
    client.notify("textDocument/didOpen", json!({"garbage": true}));
    // A document that is not open → null.
    let elsewhere = json!({"textDocument": {"uri": "file:///nope.json"}, "position": {"line": 0, "character": 0}});
    assert_eq!(client.call("textDocument/hover", elsewhere), Value::Null);

    // Half-typed, empty and binary documents: diagnostics for each, and answers anywhere.
    let documents = [
        "{\"year\": 2030, \"supplies\": [{\"material\": \"lith",
        "",
        "\u{0}\u{1}\u{fffd}\r\r\n\u{10ffff}\"supplies\"",
        "\u{feff}{\"year\": 2030, \"supplies\": [{\"material\": \"cobolt\", \"amount\": 1, \"unit\": \"t\"}]}",
        "{\"supplies\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    ];
    for (version, text) in (2..).zip(documents) {
        change(&mut client, version, text);
        for (line, character) in [(0, 0), (0, 20), (0, 45), (99, 99)] {
            for method in ["textDocument/hover", "textDocument/completion"] {
                let response = client.request(method, at(line, character));
                assert!(response.get("result").is_some(), "{method} on {text:?}: {response}");
            }
            let actions = json!({"textDocument": {"uri": URI}, "range": range(line, character, character), "context": {"diagnostics": []}});
            assert!(client.request("textDocument/codeAction", actions).get("result").is_some());
        }
    }
    // With a byte-order mark, ranges are still of the editor's text (it is 1 UTF-16 unit).
    let published = change(&mut client, 9, documents[3]);
    assert_eq!(diagnostics(&published)[0]["range"], range(0, 42, 50));

    assert_eq!(client.call("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().0.code(), Some(0));
}

#[test]
fn requests_before_initialize_are_refused_and_exit_without_shutdown_is_status_1() {
    let mut client = start();
    assert_eq!(client.request("textDocument/hover", json!({}))["error"]["code"], -32002, "ServerNotInitialized");
    initialize(&mut client, Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().0.code(), Some(1));
}

#[test]
fn a_closed_input_ends_the_server() {
    let mut client = start();
    initialize(&mut client, Value::Null);
    client.close_stdin();
    assert_eq!(client.wait_exit().0.code(), Some(1));
}

#[test]
fn a_typo_on_several_lines_gets_a_diagnostic_and_a_fix_at_each() {
    let mut client = start();
    initialize(&mut client, fixed_day());
    let text = r#"{"year": 2030, "supplies": [
  {"material": "cobalt", "amount": 1, "unit": "tonnes", "origin": {"extraction": "CD", "processing": "FI"}},
  {"material": "cobalt", "amount": 2, "unit": "tonnes", "origin": {"extraction": "CD", "processing": "FI"}}
]}
"#;
    let published = open(&mut client, URI, text);
    let found = diagnostics(&published);
    // One problem found at two places: one diagnostic at each, as an editor marks them.
    let lines: Vec<u64> = found.iter().map(|d| d["range"]["start"]["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [1, 2], "{found:#?}");
    for line in [1, 2] {
        let actions = code_actions(&mut client, line, 52);
        let fix = actions.iter().find(|a| a["title"].as_str().is_some_and(|t| t.contains("\"t\""))).expect("a fix");
        let fixed = apply(text, fix);
        let fixed_line = fixed.lines().nth(line as usize).unwrap();
        assert!(fixed_line.contains(r#""unit": "t""#), "the fix is on its own line: {fixed}");
    }
}
