//! Which rules may run on regorus's RVM.
//!
//! regorus 0.14's RVM gives silently wrong answers for two Rego constructs that the interpreter
//! handles correctly (found by the differential test in `tests/backends.rs`, reproduced in
//! isolation in `tests/rvm_known_bugs.rs`):
//!
//! 1. a multi-value rule with a ref head, `index[key] contains value if { ... }`, evaluates to
//!    nothing;
//! 2. the `else` of a rule or function whose body iterates (`some x in xs`) and finds nothing is
//!    not taken, so the rule is undefined instead of the `else` value.
//!
//! A rule runs on the RVM only when neither construct appears in its own package or in any
//! package it references, directly or through other packages. The check is conservative (any
//! `else` counts); the interpreter gives the same answers, only more slowly.

use crate::PolicySource;
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// Why a package cannot run on the RVM, if it cannot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hazard {
    /// The file with the construct.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// Which construct.
    pub construct: &'static str,
}

fn multi_value_ref_head() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])+\s+contains\b")
            .unwrap_or_else(|_| unreachable!())
    })
}

fn else_keyword() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\belse\b").unwrap_or_else(|_| unreachable!()))
}

fn reference() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\b([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
            .unwrap_or_else(|_| unreachable!())
    })
}

/// A line's code: its comment (from a `#` outside a string) dropped and the contents of its
/// string literals blanked, so neither can look like a construct.
fn code(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_string {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => {
                    in_string = false;
                    out.push('"');
                }
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '#' => break,
            '"' => {
                in_string = true;
                out.push('"');
            }
            _ => out.push(c),
        }
    }
    out
}

/// The first RVM hazard in a file's text.
fn hazard_in(source: &PolicySource) -> Option<Hazard> {
    source.text.lines().enumerate().find_map(|(i, line)| {
        let line_code = code(line);
        let construct = if multi_value_ref_head().is_match(&line_code) {
            "a multi-value rule with a ref head (`x[k] contains v`)"
        } else if else_keyword().is_match(&line_code) {
            "`else`"
        } else {
            return None;
        };
        Some(Hazard {
            file: source.path.clone(),
            line: i + 1,
            construct,
        })
    })
}

/// The packages a file refers to: through `data.` paths and import aliases, each resolved to the
/// longest loaded package that prefixes the path.
pub(crate) fn references(
    source: &PolicySource,
    own: &str,
    packages: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    for line in source.text.lines() {
        let line = code(line);
        if let Some(rest) = line.trim().strip_prefix("import data.") {
            let mut parts = rest.split_whitespace();
            let path = parts.next().unwrap_or_default().to_string();
            let alias = match (parts.next(), parts.next()) {
                (Some("as"), Some(alias)) => alias.to_string(),
                _ => path.rsplit('.').next().unwrap_or_default().to_string(),
            };
            aliases.insert(alias, path);
        }
    }
    let resolve = |path: &str| -> Option<String> {
        let parts: Vec<&str> = path.split('.').collect();
        (1..=parts.len())
            .rev()
            .map(|n| parts[..n].join("."))
            .find(|candidate| packages.contains(candidate))
    };
    let mut out = BTreeSet::new();
    for line in source.text.lines() {
        let line = code(line);
        if line.trim_start().starts_with("package ") {
            continue;
        }
        for m in reference().captures_iter(&line) {
            let path = &m[1];
            let (head, rest) = path.split_once('.').unwrap_or((path, ""));
            let full = if head == "data" {
                rest.to_string()
            } else if let Some(target) = aliases.get(head) {
                format!("{target}.{rest}")
            } else {
                continue;
            };
            if let Some(package) = resolve(&full) {
                if package != own {
                    out.insert(package);
                }
            }
        }
    }
    out
}

/// The loaded packages, and for each the packages it refers to directly. `modules` are the
/// loaded (non-test) sources with their package paths (`data.` prefix removed).
pub(crate) type Dependencies = (BTreeSet<String>, BTreeMap<String, BTreeSet<String>>);

/// See [`Dependencies`].
pub(crate) fn dependencies(modules: &[(&PolicySource, String)]) -> Dependencies {
    let packages: BTreeSet<String> = modules.iter().map(|(_, p)| p.clone()).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (source, package) in modules {
        edges
            .entry(package.clone())
            .or_default()
            .extend(references(source, package, &packages));
    }
    (packages, edges)
}

/// The first package, depth-first from `start` (itself included) along the references of
/// `edges`, for which `found` holds.
pub(crate) fn find_reachable(
    edges: &BTreeMap<String, BTreeSet<String>>,
    start: &str,
    mut found: impl FnMut(&str) -> bool,
) -> Option<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![start.to_string()];
    while let Some(p) = stack.pop() {
        if !seen.insert(p.clone()) {
            continue;
        }
        if found(&p) {
            return Some(p);
        }
        if let Some(next) = edges.get(&p) {
            stack.extend(next.iter().cloned());
        }
    }
    None
}

/// For each package, the hazard that keeps it off the RVM (its own or a dependency's), if any.
/// `modules` are the loaded (non-test) sources with their package paths (`data.` prefix removed).
pub(crate) fn hazards(modules: &[(&PolicySource, String)]) -> BTreeMap<String, Hazard> {
    let (packages, edges) = dependencies(modules);
    let mut direct: BTreeMap<String, Hazard> = BTreeMap::new();
    for (source, package) in modules {
        if let Some(h) = hazard_in(source) {
            direct.entry(package.clone()).or_insert(h);
        }
    }
    packages
        .iter()
        .filter_map(|package| {
            let hazardous = find_reachable(&edges, package, |p| direct.contains_key(p))?;
            Some((package.clone(), direct.get(&hazardous)?.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hazards_propagate_through_imports_and_data_paths() {
        let lib = PolicySource::custom(
            "lib.rego",
            "package a.lib\n\nidx[k] contains v if {\n\tsome k, v in input.m\n}\n",
        );
        let clean = PolicySource::custom(
            "clean.rego",
            "package a.clean\n\n# idx[k] contains v, else: only in a comment\nf(x) := \"else\"\n",
        );
        let via_alias = PolicySource::custom(
            "r1.rego",
            "package a.r1\n\nimport data.a.lib\n\ndeny contains x if x := lib.idx[1]\n",
        );
        let via_data = PolicySource::custom(
            "r2.rego",
            "package a.r2\n\ndeny contains x if x := data.a.lib.idx[1]\n",
        );
        let via_clean = PolicySource::custom(
            "r3.rego",
            "package a.r3\n\nimport data.a.clean as c\n\ndeny contains x if x := c.f(1)\n",
        );
        let modules = vec![
            (&lib, "a.lib".to_string()),
            (&clean, "a.clean".to_string()),
            (&via_alias, "a.r1".to_string()),
            (&via_data, "a.r2".to_string()),
            (&via_clean, "a.r3".to_string()),
        ];
        let found = hazards(&modules);
        assert_eq!(
            found.keys().cloned().collect::<Vec<_>>(),
            vec!["a.lib", "a.r1", "a.r2"]
        );
        assert_eq!(found["a.r1"].line, 3);
        assert_eq!(found["a.r1"].file, "lib.rego");
    }

    #[test]
    fn else_is_a_hazard() {
        let f = PolicySource::custom(
            "f.rego",
            "package f\n\nf(x) := 1 if {\n\tsome y in x\n} else := 2\n",
        );
        assert_eq!(hazards(&[(&f, "f".to_string())])["f"].construct, "`else`");
    }
}
