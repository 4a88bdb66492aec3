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

/// The built-in sources overlaid with the user's: a user file that declares the package of a
/// built-in file replaces that file. So `policy test policies/` in a checkout tests the working
/// copy instead of loading every package twice, and a team can ship a patched built-in.
pub fn overlay(builtin: Vec<PolicySource>, user: Vec<PolicySource>) -> Vec<PolicySource> {
    let replaced: std::collections::HashSet<&str> =
        user.iter().filter_map(|s| package_of(&s.text)).collect();
    let mut out: Vec<PolicySource> = builtin
        .iter()
        .filter(|s| package_of(&s.text).is_none_or(|p| !replaced.contains(p)))
        .cloned()
        .collect();
    out.extend(user);
    out
}

/// The package a Rego file declares: the path after its first `package` keyword.
fn package_of(text: &str) -> Option<&str> {
    text.lines()
        .find_map(|line| line.trim_start().strip_prefix("package "))
        .and_then(|rest| rest.split_whitespace().next())
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

    #[test]
    fn a_user_file_replaces_the_builtin_of_its_package() {
        let builtin = vec![
            PolicySource {
                builtin: true,
                ..PolicySource::custom("policies/a.rego", "# METADATA\npackage x.a\n")
            },
            PolicySource {
                builtin: true,
                ..PolicySource::custom("policies/b.rego", "package x.b\n")
            },
        ];
        let user = vec![PolicySource::custom(
            "mine/a.rego",
            "package x.a # patched\n",
        )];
        let paths: Vec<(String, bool)> = overlay(builtin, user)
            .into_iter()
            .map(|s| (s.path, s.builtin))
            .collect();
        assert_eq!(
            paths,
            vec![
                ("policies/b.rego".into(), true),
                ("mine/a.rego".into(), false)
            ]
        );
    }
}
