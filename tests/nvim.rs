//! A real editor: headless Neovim, with `tests/nvim/check.lua` as its whole configuration,
//! runs `crma-check lsp` on an example portfolio and writes what it saw; this checks it.
//!
//! Skipped where `nvim` is not installed, unless `CRMA_CHECK_NVIM=required` (which `.ci/run`
//! sets, after installing Neovim from the distribution's packages where it is missing).

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use serde_json::Value;

fn nvim_available() -> bool {
    let version = Command::new("nvim").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    version.is_ok_and(|s| s.success())
}

/// A fresh folder for one run.
fn work_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crma-check-nvim-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

#[test]
fn neovim_shows_the_diagnostics_hovers_completes_and_applies_the_fix() {
    if !nvim_available() {
        let required = std::env::var("CRMA_CHECK_NVIM").is_ok_and(|v| v == "required");
        assert!(!required, "nvim is required here (CRMA_CHECK_NVIM=required): apt-get install -y neovim");
        eprintln!("skipped: nvim is not installed");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = work_dir();
    fs::copy(root.join("examples/battery-2025.json"), work.join("battery-2025.json")).expect("the example");
    // The server's exit status, recorded by a wrapper: 0 only after shutdown and exit.
    let wrapper = work.join("server.sh");
    let server_exit = work.join("server-exit");
    let script =
        format!("#!/bin/sh\n'{}' \"$@\"\necho $? > '{}'\n", env!("CARGO_BIN_EXE_crma-check"), server_exit.display());
    fs::write(&wrapper, script).expect("the wrapper");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755)).expect("an executable wrapper");
    }

    let mut nvim = Command::new("nvim")
        .args(["--headless", "-i", "NONE", "--noplugin", "-u"])
        .arg(root.join("tests/nvim/check.lua"))
        .arg("battery-2025.json")
        .current_dir(&work)
        .env("CRMA_LSP_CMD", &wrapper)
        .env("CRMA_LSP_OUT", work.join("out.json"))
        // The user's configuration, plugins, data and logs stay out.
        .env("XDG_CONFIG_HOME", work.join("config"))
        .env("XDG_DATA_HOME", work.join("data"))
        .env("XDG_CACHE_HOME", work.join("cache"))
        .env("XDG_STATE_HOME", work.join("state"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nvim starts");
    // Neovim's standard error closes when it exits: wait for that, with a limit.
    let mut stderr = nvim.stderr.take().expect("piped");
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        let _ = done.send(text);
    });
    let Ok(stderr) = finished.recv_timeout(Duration::from_secs(120)) else {
        let _ = nvim.kill();
        panic!("nvim did not finish in 120 s");
    };
    let status = nvim.wait().expect("nvim exits");
    let out = fs::read_to_string(work.join("out.json")).unwrap_or_default();
    assert!(status.success(), "nvim exit status {status}; out: {out}; stderr: {stderr}");

    let seen: Value = serde_json::from_str(&out).expect("check.lua wrote JSON");
    assert_eq!(seen["errors"], Value::Array(Vec::new()));
    assert_eq!(seen["filetype"], "json");
    // The example's findings, as the command line finds them: one on the first line's
    // extraction country.
    let diagnostics = seen["diagnostics"].as_array().expect("diagnostics");
    let run = Command::new(env!("CARGO_BIN_EXE_crma-check"))
        .args(["--format", "short", "--as-of", "2026-11-23", "examples/battery-2025.json"])
        .current_dir(root)
        .output()
        .expect("the command line runs");
    let lines = String::from_utf8(run.stdout).expect("UTF-8").lines().count();
    assert_eq!(diagnostics.len(), lines, "as many as `--format short` prints");
    let at =
        |d: &&Value| (d["lnum"].as_u64(), d["col"].as_u64(), d["end_col"].as_u64()) == (Some(15), Some(32), Some(36));
    let australia = diagnostics.iter().find(at).unwrap_or_else(|| panic!("one on AU: {diagnostics:#?}"));
    assert_eq!((australia["code"].as_str(), australia["severity"].as_u64()), (Some("CRM001"), Some(2)));
    assert_eq!(australia["source"], "crma-check");
    let hover = seen["hover"].as_str().expect("a hover");
    assert!(hover.starts_with("**420 t** of lithium carbonate is **78.9 t of lithium** contained"), "{hover}");
    assert_eq!(seen["completion"][0], "aluminium");
    // The error after non-ASCII text lands on the right bytes: Neovim converted the
    // server's UTF-16 columns with the buffer's text.
    let unknown = &seen["unknown"];
    assert_eq!(
        (unknown["col"].clone(), unknown["end_col"].clone()),
        (seen["expected_cols"][0].clone(), seen["expected_cols"][1].clone())
    );
    assert_eq!(unknown["severity"], 1);
    assert_eq!(seen["code_action"], "Replace with \"lithium\"");
    assert!(seen["fixed_line"].as_str().unwrap().contains("\"material\": \"lithium\""), "{}", seen["fixed_line"]);
    assert_eq!(seen["diagnostics_after_fix"].as_u64(), Some(lines as u64));
    // Neovim stops its clients before it exits: the server had shutdown, then exit.
    let exit = fs::read_to_string(&server_exit).unwrap_or_default();
    assert_eq!(exit.trim(), "0", "the server's exit status");
    let _ = fs::remove_dir_all(&work);
}
