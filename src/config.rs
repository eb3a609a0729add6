//! The project file, `crma-check.toml`: the settings a repository keeps for every run, so
//! that they are not repeated in every CI line and editor.
//!
//! It is found in the working directory or the nearest folder above it (or named with
//! `--config`). Paths in it are relative to the folder it is in. Flags given on the command
//! line override it, and so do an editor's settings in the language server, which reads it
//! through [`load`] too. A mistake in it (a syntax error, an unknown key, a value of the
//! wrong kind) is an error located in the file, with a suggestion for a misspelt key: a
//! setting is never quietly ignored.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::gate::Tolerance;
use crate::model::{FailOn, FileReport};
use crate::source::{Source, Span};

/// The file's name.
pub const FILE_NAME: &str = "crma-check.toml";

/// The settings the file may hold, in the order the help lists them.
const KEYS: &[&str] = &["rules", "select", "ignore", "fail_on", "year", "baseline", "tolerance", "waiver_notice_days"];

/// The settings of a project file; what it leaves out is `None` or empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// The file read.
    pub path: PathBuf,
    /// Rule files or folders, as `--rules` (relative to the working directory, or absolute).
    pub rules: Vec<PathBuf>,
    /// Rules to run, as `--select`.
    pub select: Vec<String>,
    /// Rules not to run, as `--ignore`.
    pub ignore: Vec<String>,
    /// The fail level, as `--fail-on`.
    pub fail_on: Option<FailOn>,
    /// The reporting year, as `--year`.
    pub year: Option<u16>,
    /// The baseline file, as `--baseline`.
    pub baseline: Option<PathBuf>,
    /// The tolerance of the baseline, as `--tolerance`.
    pub tolerance: Option<Tolerance>,
    /// How many days ahead expiring waivers are announced, as `--waiver-notice-days`.
    pub waiver_notice_days: Option<u16>,
}

impl Config {
    /// The rule files to load: the project file's, then `flags` (`--rules`, an editor's
    /// settings), so that these win over the project file's for a rule id both define.
    pub fn rule_files(&self, flags: &[PathBuf]) -> Vec<PathBuf> {
        self.rules.iter().chain(flags).cloned().collect()
    }
}

/// The project file that applies in `dir`: `crma-check.toml` there or in the nearest folder
/// above. A relative `dir` gives a relative path (`../crma-check.toml`), so that the paths
/// in it stay relative too.
pub fn find(dir: &Path) -> Option<PathBuf> {
    let absolute = std::fs::canonicalize(dir).ok()?;
    for (up, folder) in absolute.ancestors().enumerate() {
        if folder.join(FILE_NAME).is_file() {
            if dir.is_absolute() {
                return Some(folder.join(FILE_NAME));
            }
            let mut path = dir.to_path_buf();
            for _ in 0..up {
                path.push("..");
            }
            return Some(path.join(FILE_NAME));
        }
    }
    None
}

/// The project file named by `explicit` (`--config`), else the one found from `dir`; none if
/// there is none. If it cannot be read, the report of the file with its errors.
pub fn load(explicit: Option<&Path>, dir: &Path) -> Result<Option<Config>, Box<FileReport>> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => match find(dir) {
            Some(path) => path,
            None => return Ok(None),
        },
    };
    read(&path).map(Some)
}

/// Reads the project file at `path`.
pub fn read(path: &Path) -> Result<Config, Box<FileReport>> {
    let name = clean(path).display().to_string();
    let source = match crate::input::read_input(&name) {
        Ok(source) => source,
        Err(unreadable) => {
            return Err(Box::new(FileReport::unchecked(&name, unreadable.source, vec![unreadable.diagnostic])));
        }
    };
    let folder = clean(path).parent().map(Path::to_path_buf).unwrap_or_default();
    match parse(&source, &folder) {
        Ok(mut config) => {
            config.path = clean(path);
            Ok(config)
        }
        Err(errors) => Err(Box::new(FileReport::unchecked(&name, Some(source), errors))),
    }
}

/// `./crma-check.toml` as `crma-check.toml`.
fn clean(path: &Path) -> PathBuf {
    path.strip_prefix(".").map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

type Table = std::collections::BTreeMap<toml::Spanned<String>, toml::Spanned<toml::Value>>;

/// The settings of `source`, paths joined to `folder`; or every mistake in it.
pub fn parse(source: &Source, folder: &Path) -> Result<Config, Vec<Diagnostic>> {
    let span = |range: Range<usize>| Span::new(range.start, range.end);
    let table: Table = toml::from_str(source.text()).map_err(|error| {
        let mut diagnostic =
            Diagnostic::new(Code::Syntax, format!("this is not valid TOML: {}", error.message().trim()));
        if let Some(range) = error.span() {
            diagnostic = diagnostic.with_label(span(range), "here");
        }
        vec![diagnostic.with_help("fix the TOML at the place shown; the settings are `key = value` lines")]
    })?;
    let mut config = Config::default();
    let mut errors = Vec::new();
    for (key, value) in &table {
        let at = span(value.span());
        let wrong = |expected: &str| {
            Diagnostic::new(Code::Config, format!("`{}` must be {expected}", key.get_ref()))
                .with_label(at, format!("not {expected}"))
        };
        let text = source.slice(at);
        let strings = || -> Option<Vec<String>> {
            value.get_ref().as_array()?.iter().map(|v| v.as_str().map(str::to_owned)).collect()
        };
        let path = |p: &str| if folder.as_os_str().is_empty() { PathBuf::from(p) } else { folder.join(p) };
        match key.get_ref().as_str() {
            "rules" => match strings() {
                Some(paths) => config.rules = paths.iter().map(|p| path(p)).collect(),
                None => errors.push(wrong("a list of paths (rule files or folders)")),
            },
            "select" | "ignore" => match strings() {
                Some(ids) if key.get_ref() == "select" => config.select = ids,
                Some(ids) => config.ignore = ids,
                None => errors.push(wrong("a list of rule ids or prefixes")),
            },
            "fail_on" => {
                let names = FailOn::ALL.map(FailOn::name);
                match value.get_ref().as_str().and_then(|name| FailOn::ALL.into_iter().find(|l| l.name() == name)) {
                    Some(level) => config.fail_on = Some(level),
                    None => {
                        let mut diagnostic = wrong("`error`, `warning` or `never`");
                        if let Some(close) =
                            value.get_ref().as_str().and_then(|name| crate::suggest::did_you_mean(name, names))
                        {
                            diagnostic = diagnostic.with_help(format!("did you mean `{close}`?"));
                        }
                        errors.push(diagnostic);
                    }
                }
            }
            "year" => match value.get_ref().as_integer().and_then(|y| u16::try_from(y).ok()) {
                Some(year) if crate::portfolio::YEARS.contains(&year) => config.year = Some(year),
                _ => errors.push(wrong(&format!(
                    "a year from {} to {}",
                    crate::portfolio::YEARS.start(),
                    crate::portfolio::YEARS.end()
                ))),
            },
            "baseline" => match value.get_ref().as_str() {
                Some(file) => config.baseline = Some(path(file)),
                None => errors.push(wrong("a path (the baseline file)")),
            },
            // Read from the text as written, so that `0.1` is exactly a tenth.
            "tolerance" => match (value.get_ref().is_integer() || value.get_ref().is_float())
                .then(|| text.replace('_', "").parse::<Tolerance>())
            {
                Some(Ok(tolerance)) => config.tolerance = Some(tolerance),
                _ => errors.push(wrong("a number of percentage points from 0 to 100")),
            },
            "waiver_notice_days" => match value.get_ref().as_integer().and_then(|d| u16::try_from(d).ok()) {
                Some(days) => config.waiver_notice_days = Some(days),
                None => errors.push(wrong("a number of days (0 turns the warning off)")),
            },
            unknown => {
                let help = match crate::suggest::did_you_mean(unknown, KEYS.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!(
                        "the settings are {}",
                        KEYS.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    ),
                };
                errors.push(
                    Diagnostic::new(Code::Config, format!("unknown setting `{unknown}`"))
                        .with_label(span(key.span()), "unknown")
                        .with_help(help),
                );
            }
        }
    }
    errors.sort_by_key(|e| e.primary_span().map(|s| s.start));
    if errors.is_empty() { Ok(config) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Config, Vec<Diagnostic>> {
        parse(&Source::new("crma-check.toml", text), Path::new("project"))
    }

    #[test]
    fn settings_are_read_with_paths_from_the_file_s_folder() {
        let config = parsed(
            "rules = [\"policies/\"]\nselect = [\"CRM00\"]\nfail_on = \"warning\"\nyear = 2030\n\
             baseline = \"crma-baseline.json\"\ntolerance = 0.5\nwaiver_notice_days = 14\n",
        )
        .unwrap();
        assert_eq!(config.rules, [Path::new("project/policies/")]);
        assert_eq!(config.select, ["CRM00"]);
        assert_eq!(config.fail_on, Some(FailOn::Warning));
        assert_eq!(config.year, Some(2030));
        assert_eq!(config.baseline.as_deref(), Some(Path::new("project/crma-baseline.json")));
        assert_eq!(config.tolerance, Some("0.5".parse().unwrap()));
        assert_eq!(config.waiver_notice_days, Some(14));
    }

    #[test]
    fn every_mistake_is_located_and_a_misspelt_key_gets_a_suggestion() {
        let text = "yaer = 2030\nfail_on = \"warnings\"\ntolerance = \"lots\"\n";
        let errors = parsed(text).unwrap_err();
        let said: Vec<(String, Option<String>, &str)> = errors
            .iter()
            .map(|e| {
                (
                    e.message.clone(),
                    e.help.clone(),
                    &text[e.primary_span().unwrap().start as usize..e.primary_span().unwrap().end()],
                )
            })
            .collect();
        assert_eq!(
            said,
            [
                ("unknown setting `yaer`".to_owned(), Some("did you mean `year`?".to_owned()), "yaer"),
                (
                    "`fail_on` must be `error`, `warning` or `never`".to_owned(),
                    Some("did you mean `warning`?".to_owned()),
                    "\"warnings\""
                ),
                ("`tolerance` must be a number of percentage points from 0 to 100".to_owned(), None, "\"lots\""),
            ]
        );
    }

    #[test]
    fn a_syntax_error_is_located() {
        let errors = parsed("year = \n").unwrap_err();
        assert_eq!(errors[0].code, Code::Syntax);
        assert!(errors[0].primary_span().is_some());
    }
}
