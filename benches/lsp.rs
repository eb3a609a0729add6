//! The language server's budget: a 10,000-line portfolio re-checked on every change "in
//! well under 50 ms". Measures, through the real protocol, the time from sending a change
//! (the whole text, as the server asks) to receiving its diagnostics, and the answers to a
//! hover on an amount (which reads the portfolio again), a completion and code actions;
//! beside it, the library's check of the same text in this process, for the share of the
//! transport and the protocol's JSON.
//!
//! ```text
//! cargo bench --bench lsp                        # 10,000 supply lines, 21 rounds
//! cargo bench --bench lsp -- --lines 100000 --rounds 11
//! ```
//!
//! Times are printed, never asserted (a shared machine's times vary); run it in a release
//! build, as `cargo bench` does.

#[path = "../tests/common/lsp_client.rs"]
mod lsp_client;
#[path = "common/portfolio.rs"]
mod portfolio;

use std::time::Instant;

use lsp_client::LspClient;
use serde_json::{Value, json};

const URI: &str = "file:///bench/portfolio.json";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let mut lines = 10_000;
    let mut rounds = 21;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--lines" => lines = iter.next().expect("a number").parse().expect("a number of lines"),
            "--rounds" => rounds = iter.next().expect("a number").parse().expect("a number of rounds"),
            other => panic!("unknown argument {other}"),
        }
    }
    let mut bytes = Vec::new();
    portfolio::generate(lines, false, portfolio::Mistake::None, &mut bytes).expect("generated");
    let text = String::from_utf8(bytes).expect("UTF-8");
    // Two versions that differ by one amount, so that each change is a real one.
    let amount = text.find("\"amount\": ").expect("an amount") + "\"amount\": ".len();
    let mut other = text.clone();
    other.insert(amount, '1');
    println!(
        "{} supply lines, {} text lines, {:.2} MB, {rounds} rounds",
        lines,
        text.lines().count(),
        text.len() as f64 / 1e6
    );

    // The library alone, in this process.
    let options = crma_check::CheckOptions { today: "2026-11-23".parse().expect("a date"), ..Default::default() };
    let checker = crma_check::Checker::builtin(options);
    let library = time(rounds, |n| {
        let text = if n % 2 == 0 { &other } else { &text };
        let report = checker.check_source(crma_check::source::Source::new("p.json", text.as_str()));
        assert!(report.checked(), "the generated portfolio is valid");
    });

    let mut client = LspClient::start(&[]);
    client.call("initialize", json!({"capabilities": {}, "initializationOptions": {"as_of": "2026-11-23"}}));
    client.notify("initialized", json!({}));
    let document = json!({"uri": URI, "languageId": "json", "version": 1, "text": text});
    client.notify("textDocument/didOpen", json!({"textDocument": document}));
    client.notification("textDocument/publishDiagnostics");
    let change = time(rounds, |n| {
        let version = n as i32 + 2;
        let text = if n % 2 == 0 { &other } else { &text };
        let params = json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"text": text}]});
        client.notify("textDocument/didChange", params);
        let published = client.notification("textDocument/publishDiagnostics");
        assert_eq!(published["version"], version);
    });
    // The first supply line: its amount, and its material.
    let (line, first) = text.lines().enumerate().find(|(_, l)| l.contains("\"id\": \"PO-")).expect("a supply line");
    let at = |needle: &str| {
        let character = first.find(needle).expect("in the first line") + needle.len() + 1;
        json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}})
    };
    let hover = time(rounds, |_| {
        let result = client.call("textDocument/hover", at("\"amount\": "));
        assert!(result["contents"]["value"].as_str().is_some_and(|v| v.contains("at each stage")), "{result}");
    });
    let completion = time(rounds, |_| {
        assert!(client.call("textDocument/completion", at("\"material\": \"")).is_object());
    });
    let actions = time(rounds, |_| {
        let range = json!({"start": {"line": line, "character": 0}, "end": {"line": line, "character": 200}});
        let params = json!({"textDocument": {"uri": URI}, "range": range, "context": {"diagnostics": []}});
        assert!(client.call("textDocument/codeAction", params).is_array());
    });
    client.call("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let _ = client.wait_exit();

    println!("| what | median | min | max |");
    println!("| --- | ---: | ---: | ---: |");
    for (what, times) in [
        ("change → diagnostics (the server, through the protocol)", change),
        ("the library's check alone (in process)", library),
        ("hover on an amount", hover),
        ("completion of a material", completion),
        ("code actions on a line", actions),
    ] {
        let mut times = times;
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!("| {what} | {median:.1} ms | {:.1} ms | {:.1} ms |", times[0], times[times.len() - 1]);
    }
}

/// The milliseconds of each of `rounds` runs of `job` (given the round's number).
fn time(rounds: usize, mut job: impl FnMut(usize)) -> Vec<f64> {
    (0..rounds)
        .map(|n| {
            let start = Instant::now();
            job(n);
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}
