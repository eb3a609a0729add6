//! The layout's rules, checked on the source: the dependencies between the modules of
//! `src/` point one way. The engine writes the result model and never imports the formats;
//! no two files import each other; no cycle runs among the top-level modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every module of the library (`engine::metric::group_share`), with the modules it names
/// in `crate::`, `super::` and `self::` paths outside comments and unit tests.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut texts = BTreeMap::new();
    collect(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut Vec::new(), &mut texts);
    let modules: BTreeSet<String> = texts.keys().cloned().collect();
    texts
        .iter()
        .map(|(module, text)| {
            let named = paths(text)
                .into_iter()
                .filter_map(|path| resolve(module, &path, &modules))
                .filter(|target| target != module && !target.is_empty() && !module.starts_with(&format!("{target}::")))
                .collect();
            (module.clone(), named)
        })
        .collect()
}

fn collect(dir: &Path, prefix: &mut Vec<String>, texts: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("an entry").path();
        let name = path.file_stem().and_then(|n| n.to_str()).expect("a UTF-8 name").to_owned();
        if path.is_dir() {
            prefix.push(name);
            collect(&path, prefix, texts);
            prefix.pop();
        } else if path.extension().is_some_and(|e| e == "rs") {
            // The binary's own modules (`main.rs`, `cli/`, `lsp/`) are not the library's.
            if prefix.first().is_some_and(|p| p == "cli" || p == "lsp") || (prefix.is_empty() && name == "main") {
                continue;
            }
            let mut module = prefix.clone();
            if name != "mod" && name != "lib" {
                module.push(name);
            }
            let text = std::fs::read_to_string(&path).expect("a source file");
            texts.insert(module.join("::"), code_of(&text));
        }
    }
}

/// The text without comments and without the unit tests at the end of a file.
fn code_of(text: &str) -> String {
    let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
    code.lines().map(|line| line.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// Every `crate::…`, `super::…` or `self::…` path in `code`, as segments; a group
/// (`crate::{input, report::Format}`) gives one path per member.
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::", "self::"].iter().flat_map(|p| code.match_indices(p).map(|(i, _)| i)) {
        if start > 0
            && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_' || bytes[start - 1] == b':')
        {
            continue;
        }
        expand(&code[start..], Vec::new(), &mut found);
    }
    found
}

/// The paths written at the start of `text`, after `prefix`.
fn expand(text: &str, mut prefix: Vec<String>, found: &mut Vec<Vec<String>>) {
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).unwrap_or(text.len());
    prefix.extend(text[..end].split("::").filter(|s| !s.is_empty()).map(str::to_owned));
    let Some(group) = text[end..].strip_prefix('{').filter(|_| text[..end].ends_with("::")) else {
        found.push(prefix);
        return;
    };
    // The members of the group, split at the commas outside nested groups.
    let mut depth = 0;
    let mut member_start = 0;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                expand(group[member_start..i].trim_start(), prefix.clone(), found);
                return;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                expand(group[member_start..i].trim_start(), prefix.clone(), found);
                member_start = i + 1;
            }
            _ => {}
        }
    }
}

/// The module a path names, by its longest prefix that is a module.
fn resolve(module: &str, path: &[String], modules: &BTreeSet<String>) -> Option<String> {
    let mut base: Vec<String> =
        if module.is_empty() { Vec::new() } else { module.split("::").map(str::to_owned).collect() };
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => base.clear(),
        Some("self") => {}
        Some("super") => {
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
            base.extend(rest.iter().cloned());
            return longest_module(base, modules);
        }
        _ => return None,
    }
    base.extend(rest[1..].iter().cloned());
    longest_module(base, modules)
}

fn longest_module(full: Vec<String>, modules: &BTreeSet<String>) -> Option<String> {
    (0..=full.len()).rev().map(|n| full[..n].join("::")).find(|m| modules.contains(m))
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or_default()
}

#[test]
fn the_engine_never_imports_the_formats_and_the_model_neither_side() {
    for (module, named) in imports() {
        let forbidden: &[&str] = match top(&module) {
            "engine" => &["report"],
            "model" => &["report", "engine"],
            _ => &[],
        };
        let wrong: Vec<&String> = named.iter().filter(|n| forbidden.contains(&top(n))).collect();
        assert!(wrong.is_empty(), "{module} imports {wrong:?}");
    }
}

#[test]
fn no_two_files_import_each_other() {
    let imports = imports();
    for (module, named) in &imports {
        for other in named {
            let back = imports.get(other).is_some_and(|n| n.contains(module));
            assert!(!back, "{module} and {other} import each other");
        }
    }
}

#[test]
fn no_cycle_runs_among_the_top_level_modules() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, named) in imports() {
        for other in named.iter().filter(|n| top(n) != top(&module)) {
            edges.entry(top(&module).to_owned()).or_default().insert(top(other).to_owned());
        }
    }
    // Kahn's algorithm: what cannot be ordered is on a cycle.
    let mut remaining = edges.clone();
    loop {
        let leaves: Vec<String> =
            remaining.keys().filter(|m| remaining[*m].iter().all(|n| !remaining.contains_key(n))).cloned().collect();
        if leaves.is_empty() {
            break;
        }
        for leaf in leaves {
            remaining.remove(&leaf);
        }
    }
    assert!(remaining.is_empty(), "top-level modules on a cycle: {remaining:?}");
    assert!(edges.contains_key("engine"), "the scan found the imports: {edges:?}");
}
