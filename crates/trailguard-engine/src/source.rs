//! Where policies come from: the built-ins embedded in the binary, and files or directories the
//! user names with `--policy`.

use crate::{Diagnostic, EngineError};
use include_dir::{include_dir, Dir};
use std::path::Path;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../policies");

/// One Rego file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySource {
    /// Its path as shown in diagnostics: `policies/...` for built-ins, as given for user files.
    pub path: String,
    /// Its text.
    pub text: String,
    /// Whether it is one of trailguard's built-in policies.
    pub builtin: bool,
}

impl PolicySource {
    /// A user's policy (not built in), from its path as shown in diagnostics and its text.
    pub fn custom(path: impl Into<String>, text: impl Into<String>) -> PolicySource {
        PolicySource {
            path: path.into(),
            text: text.into(),
            builtin: false,
        }
    }

    /// Whether this is a test file (`*_test.rego`), loaded only by the test runner.
    pub fn is_test(&self) -> bool {
        self.path.ends_with("_test.rego")
    }
}

/// The built-in policies (rules, helpers and their tests), sorted by path.
pub fn builtin_sources() -> Vec<PolicySource> {
    let mut out = Vec::new();
    collect_embedded(&BUILTIN, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn collect_embedded(dir: &Dir<'static>, out: &mut Vec<PolicySource>) {
    for file in dir.files() {
        let path = file.path();
        if path.extension().is_some_and(|e| e == "rego") {
            if let Some(text) = file.contents_utf8() {
                out.push(PolicySource {
                    path: format!("policies/{}", path.display()),
                    text: text.to_string(),
                    builtin: true,
                });
            }
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

/// Whether a user's policy may replace a built-in one of the same package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Override {
    /// It may: the user said so (`--override-builtin`, `--no-builtin`), or is testing a working
    /// copy of the built-ins (`policy test policies/`).
    Allowed,
    /// It may not: a user package that shadows a built-in is an error.
    Refused,
}

/// The built-in sources overlaid with the user's. A user rule or helper file that declares the
/// package of a built-in one replaces it when `overrides` allows, and is an error otherwise (a
/// built-in rule must never vanish without a word). A test file never replaces anything: it
/// joins its package. Files whose package cannot be read are kept for the loader to report.
pub fn overlay(
    builtin: Vec<PolicySource>,
    user: Vec<PolicySource>,
    overrides: Override,
) -> Result<Vec<PolicySource>, EngineError> {
    if user.is_empty() {
        return Ok(builtin);
    }
    let package_of = |s: &PolicySource| {
        crate::rego::parse(s)
            .ok()
            .map(|p| (p.package, p.package_line))
    };
    // Each built-in file's package, read once.
    let builtin_package: Vec<Option<String>> = builtin
        .iter()
        .map(|s| package_of(s).map(|(p, _)| p))
        .collect();
    let builtin_packages: std::collections::HashMap<&str, &str> = builtin
        .iter()
        .zip(&builtin_package)
        .filter(|(s, _)| !s.is_test())
        .filter_map(|(s, p)| Some((p.as_deref()?, s.path.as_str())))
        .collect();
    let mut replaced = std::collections::HashSet::new();
    let mut diagnostics = Vec::new();
    for source in user.iter().filter(|s| !s.is_test()) {
        let Some((package, line)) = package_of(source) else {
            continue;
        };
        if let Some(shadowed) = builtin_packages.get(package.as_str()) {
            match overrides {
                Override::Allowed => {
                    replaced.insert(package);
                }
                Override::Refused => diagnostics.push(
                    Diagnostic::new(
                        &source.path,
                        line,
                        1,
                        format!(
                            "package {package} is a built-in package ({shadowed}): this file \
                             would replace it"
                        ),
                    )
                    .hint(
                        "rename the package (custom rules live outside trailguard.*), or pass \
                         --override-builtin to replace the built-in on purpose",
                    ),
                ),
            }
        }
    }
    if !diagnostics.is_empty() {
        diagnostics.sort();
        return Err(EngineError::Policies(diagnostics));
    }
    // The user's copy of a built-in file (`policy test policies/` in a checkout) replaces it.
    let user_paths: std::collections::HashSet<&str> =
        user.iter().map(|s| s.path.as_str()).collect();
    let keep: Vec<bool> = builtin
        .iter()
        .zip(&builtin_package)
        .map(|(s, p)| {
            !user_paths.contains(s.path.as_str())
                // A replaced package's built-in tests go with it: they test the built-in version.
                && p.as_ref().is_none_or(|p| !replaced.contains(p))
        })
        .collect();
    let mut out: Vec<PolicySource> = builtin
        .into_iter()
        .zip(keep)
        .filter_map(|(s, keep)| keep.then_some(s))
        .collect();
    out.extend(user);
    Ok(out)
}

/// Reads a `.rego` file, or every `.rego` file below a directory (sorted, hidden entries skipped).
pub fn load_path(path: &Path) -> Result<Vec<PolicySource>, EngineError> {
    let display = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| EngineError::Io {
        path: display.clone(),
        message: e.to_string(),
    })?;
    let mut files = Vec::new();
    if meta.is_dir() {
        walk(path, &mut files)?;
        files.sort();
    } else {
        files.push(path.to_path_buf());
    }
    let mut out = Vec::new();
    for file in files {
        let shown = file.display().to_string();
        let text = std::fs::read_to_string(&file).map_err(|e| EngineError::Io {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        out.push(PolicySource {
            path: shown,
            text,
            builtin: false,
        });
    }
    if out.is_empty() {
        return Err(EngineError::Policies(vec![Diagnostic::new(
            &display,
            1,
            1,
            "no .rego files here",
        )
        .hint("--policy takes a .rego file or a directory holding some")]));
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<(), EngineError> {
    let io = |e: std::io::Error| EngineError::Io {
        path: dir.display().to_string(),
        message: e.to_string(),
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type().map_err(io)?.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rego") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin(path: &str, text: &str) -> PolicySource {
        PolicySource {
            builtin: true,
            ..PolicySource::custom(path, text)
        }
    }

    fn paths(sources: Vec<PolicySource>) -> Vec<(String, bool)> {
        sources.into_iter().map(|s| (s.path, s.builtin)).collect()
    }

    #[test]
    fn a_user_file_replaces_the_builtin_of_its_package_when_allowed() {
        let builtins = vec![
            builtin("policies/a.rego", "# METADATA\npackage x.a\n"),
            builtin("policies/b.rego", "package x.b\n"),
        ];
        let user = vec![PolicySource::custom(
            "mine/a.rego",
            "package x.a # patched\n",
        )];
        assert_eq!(
            paths(overlay(builtins, user, Override::Allowed).unwrap()),
            vec![
                ("policies/b.rego".into(), true),
                ("mine/a.rego".into(), false)
            ]
        );
    }

    #[test]
    fn a_user_package_that_shadows_a_builtin_is_an_error_unless_allowed() {
        let builtins = vec![builtin("policies/a.rego", "package x.a\n")];
        let user = vec![PolicySource::custom("mine/a.rego", "\npackage x.a\n")];
        let error = overlay(builtins, user, Override::Refused)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("mine/a.rego:2:1: package x.a is a built-in package (policies/a.rego)"),
            "{error}"
        );
    }

    #[test]
    fn a_user_test_file_never_replaces_a_rule() {
        // Regression: a user `_test.rego` in a built-in rule's package removed that rule.
        let builtins = vec![builtin(
            "policies/tg090.rego",
            "package trailguard.rules.tg090\n",
        )];
        let user = vec![PolicySource::custom(
            "mine/tg090_test.rego",
            "package trailguard.rules.tg090\n",
        )];
        for overrides in [Override::Allowed, Override::Refused] {
            assert_eq!(
                paths(overlay(builtins.clone(), user.clone(), overrides).unwrap()),
                vec![
                    ("policies/tg090.rego".into(), true),
                    ("mine/tg090_test.rego".into(), false)
                ]
            );
        }
    }
}
