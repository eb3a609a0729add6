//! `crma-check completions SHELL` and `crma-check man`: generated from the command line's
//! own definition, so they offer every command, option and value the binary takes.

mod common;

use common::run;

#[test]
fn every_shell_gets_a_script_that_knows_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = run(&["completions", shell]);
        assert_eq!(run.status, 0, "{shell}: {}", run.stderr);
        for word in ["crma-check", "lsp", "explain", "--format"] {
            assert!(run.stdout.contains(word), "{shell}: no {word}");
        }
    }
}

#[test]
fn bash_completes_commands_and_the_values_of_options() {
    let script = common::temp_file("crma-check.bash", run(&["completions", "bash"]).stdout.as_bytes());
    // What bash does on TAB: the completion function with the words typed so far.
    let complete = |words: &str, current: usize| {
        let program = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD={current}; _crma__check crma-check \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"; echo \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let Ok(output) = std::process::Command::new("bash").args(["--norc", "-c", &program]).output() else {
            return None; // no bash here
        };
        Some(String::from_utf8(output.stdout).expect("UTF-8").trim().to_owned())
    };
    if let Some(formats) = complete("crma-check --format s", 2) {
        assert_eq!(formats, "short sarif");
        assert_eq!(complete("crma-check l", 1).as_deref(), Some("lsp"));
    }
}

#[test]
fn an_unknown_shell_is_refused_with_the_ones_there_are() {
    let run = run(&["completions", "tcsh"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("[possible values: bash, elvish, fish, powershell, zsh]"), "{}", run.stderr);
}

#[test]
fn the_man_page_is_roff_and_names_every_command() {
    let run = run(&["man"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains(".TH crma-check 1"), "{}", &run.stdout[..200]);
    for command in ["explain", "lsp", "completions", "man"] {
        assert!(run.stdout.contains(&format!("crma\\-check\\-{command}(1)")), "no {command}");
    }
}

#[test]
fn the_man_pages_of_every_command_go_into_a_folder() {
    let dir = common::temp_file("placeholder", b"").with_file_name("man1");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder");
    let run = run(&["man", "--dir", dir.to_str().expect("a UTF-8 path")]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for page in ["crma-check.1", "crma-check-lsp.1", "crma-check-explain.1", "crma-check-completions.1"] {
        let text = std::fs::read_to_string(dir.join(page)).unwrap_or_else(|_| panic!("{page} is written"));
        assert!(text.contains(".TH"), "{page}");
    }
}
