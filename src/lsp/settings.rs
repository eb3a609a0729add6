//! The server's settings, and the checker they make.
//!
//! Layers, lowest first: the built-in rules; `--rules` given to `crma-check lsp` on its
//! command line; the project file (`crma-check.toml` in the workspace folder or above it,
//! read by the library as the command line reads it: its `rules`, `select`, `ignore`, `year`
//! and `waiver_notice_days`); the client's `initializationOptions`, which win. Settings are
//! read once, at `initialize`; a rule file they name is read again when the editor saves it.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crma_check::model::FileReport;
use crma_check::{CheckOptions, Checker, YEARS};

/// What the client may send as `initializationOptions` (Neovim's `init_options`, Helix's
/// `config`, VS Code generic clients' `initializationOptions`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientOptions {
    /// Rule files or folders of them, as `--rules` takes them.
    #[serde(default)]
    rules: Vec<PathBuf>,
    /// The reporting year, as `--year`.
    year: Option<u16>,
    /// Rules to run, as `--select`.
    #[serde(default)]
    select: Vec<String>,
    /// Rules not to run, as `--ignore`.
    #[serde(default)]
    ignore: Vec<String>,
    /// The day waivers are checked against, as `--as-of` (today by default).
    as_of: Option<String>,
}

/// How documents are checked.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Rule files and folders, absolute or relative to the server's working directory.
    pub rules: Vec<PathBuf>,
    /// The reporting year, instead of each portfolio's.
    pub year: Option<u16>,
    /// Rules to run (all if empty).
    pub select: Vec<String>,
    /// Rules not to run.
    pub ignore: Vec<String>,
    /// The day waivers are checked against, if not today.
    pub as_of: Option<jiff::civil::Date>,
    /// How many days ahead expiring waivers are announced, if not the default.
    pub waiver_notice_days: Option<u16>,
}

/// Why the settings cannot make a checker.
#[derive(Debug)]
pub enum Problem {
    /// A setting is malformed: the message says which.
    Invalid(String),
    /// Rule files that could not be read, with their errors.
    RuleFiles(Vec<FileReport>),
}

impl Settings {
    /// The settings from `--rules` on the command line and the client's
    /// `initializationOptions`; paths in the latter are relative to `root` (the workspace
    /// the client opened), if it sent one.
    pub fn new(command_line_rules: &[PathBuf], options: &Value, root: Option<&Path>) -> Result<Settings, Problem> {
        // The project file, found from the workspace upwards; `--rules` and the client's
        // options below override it, as flags override it on the command line.
        let project = crma_check::config::load(None, root.unwrap_or(Path::new(".")))
            .map_err(|unreadable| Problem::RuleFiles(vec![*unreadable]))?
            .unwrap_or_default();
        let mut settings = Settings { rules: project.rule_files(command_line_rules), ..Settings::default() };
        settings.year = project.year;
        settings.select = project.select;
        settings.ignore = project.ignore;
        settings.waiver_notice_days = project.waiver_notice_days;
        let client: ClientOptions = match options {
            Value::Null => ClientOptions::default(),
            options => serde_json::from_value(options.clone())
                .map_err(|error| Problem::Invalid(format!("the initialization options are invalid: {error}")))?,
        };
        let base = |path: PathBuf| match root {
            Some(root) if path.is_relative() => root.join(path),
            _ => path,
        };
        settings.rules.extend(client.rules.into_iter().map(base));
        if let Some(year) = client.year {
            if !YEARS.contains(&year) {
                return Err(Problem::Invalid(format!(
                    "the year {year} is out of range: years from {} to {} are checked",
                    YEARS.start(),
                    YEARS.end()
                )));
            }
            settings.year = Some(year);
        }
        if !client.select.is_empty() {
            settings.select = client.select;
        }
        if !client.ignore.is_empty() {
            settings.ignore = client.ignore;
        }
        if let Some(date) = client.as_of {
            let date = date.parse().map_err(|error| {
                Problem::Invalid(format!("`as_of` must be a date written YYYY-MM-DD, not {date:?}: {error}"))
            })?;
            settings.as_of = Some(date);
        }
        Ok(settings)
    }

    /// The options of a check.
    pub fn check_options(&self) -> CheckOptions {
        CheckOptions {
            year: self.year,
            today: self.as_of.unwrap_or_else(crma_check::today),
            waiver_notice_days: self.waiver_notice_days.unwrap_or(crma_check::WAIVER_NOTICE_DAYS),
            ..CheckOptions::default()
        }
    }

    /// The checker these settings make: the built-in rules and the rule files, selected.
    pub fn checker(&self) -> Result<Checker, Problem> {
        let mut checker = Checker::with_rule_files(&self.rules, self.check_options()).map_err(Problem::RuleFiles)?;
        checker.select(&self.select, &self.ignore).map_err(|no_such| Problem::Invalid(no_such.to_string()))?;
        Ok(checker)
    }

    /// Whether `path` is one of the rule files the settings read (itself, or in a folder
    /// they name), however either is written.
    pub fn reads(&self, path: &Path) -> bool {
        let real = |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        let path = real(path);
        self.rules.iter().map(|rules| real(rules)).any(|rules| path == rules || path.parent() == Some(rules.as_path()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn options_are_read_strictly_and_paths_against_the_root() {
        let root = Path::new("/work/project");
        let settings =
            Settings::new(&[], &json!({"rules": ["policies/"], "year": 2030, "select": ["CRM00"]}), Some(root))
                .unwrap();
        assert_eq!(settings.rules, [root.join("policies/")]);
        assert_eq!((settings.year, settings.select.as_slice()), (Some(2030), ["CRM00".to_owned()].as_slice()));
        assert!(Settings::new(&[], &Value::Null, None).is_ok());
        for wrong in [json!({"yaer": 2030}), json!({"year": "2030"}), json!({"year": 1999}), json!({"as_of": "soon"})] {
            assert!(matches!(Settings::new(&[], &wrong, None), Err(Problem::Invalid(_))), "{wrong}");
        }
    }

    #[test]
    fn the_project_file_is_read_under_the_client_s_options() {
        let root = std::env::temp_dir().join(format!("crma-check-lsp-settings-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("crma-check.toml"), "rules = [\"policies/\"]\nyear = 2030\nselect = [\"CRM004\"]\n")
            .unwrap();
        let settings = Settings::new(&[], &json!({"year": 2031}), Some(&root)).unwrap();
        assert_eq!(settings.rules, [root.join("policies/")]);
        assert_eq!((settings.year, settings.select.as_slice()), (Some(2031), ["CRM004".to_owned()].as_slice()));
        std::fs::write(root.join("crma-check.toml"), "yaer = 2030\n").unwrap();
        let Err(Problem::RuleFiles(files)) = Settings::new(&[], &Value::Null, Some(&root)) else {
            panic!("an unknown key in the project file is a problem");
        };
        assert_eq!(files[0].diagnostics[0].help.as_deref(), Some("did you mean `year`?"));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_unknown_selector_is_a_problem_not_a_silent_no_op() {
        let settings = Settings::new(&[], &json!({"select": ["CRM9"]}), None).unwrap();
        assert!(matches!(settings.checker(), Err(Problem::Invalid(message)) if message.contains("CRM9")));
    }
}
