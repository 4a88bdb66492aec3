//! Rules that share an expensive helper index run in one evaluation.
//!
//! regorus clears its cache of rule values before each evaluation, so an index that a helper
//! package builds once per snapshot would be built again for every rule that uses it.
//! `trailguard.lib.powers` is such a package: it matches every policy statement of every account
//! against the account's sensitive requests, which on an account of thousands of roles and
//! policies costs more than the rules that read it. The rules that use it (TG063, TG065, TG066,
//! and custom rules that do) are therefore evaluated together, through one generated module
//! whose single rule gathers their `deny` sets.

use crate::engine::CompiledRule;
use crate::rego::Parsed;
use crate::{Diagnostic, EngineError};
use std::collections::{BTreeMap, BTreeSet};

/// Helper packages whose index is worth sharing between the rules that use it.
pub(crate) const SHARED: &[&str] = &["trailguard.lib.powers"];

/// One group of rules evaluated together.
#[derive(Debug, Clone)]
pub(crate) struct Batch {
    /// `data.PACKAGE.findings`, the generated rule: an object from rule id to its `deny` set.
    pub entry: String,
    /// Indexes of the batched rules in the engine's rule list.
    pub rules: Vec<usize>,
}

/// Groups the rules that use a shared helper package and adds the module that evaluates each
/// group together; a group of one is left alone. `modules` are every loaded (non-test) policy.
pub(crate) fn plan(
    engine: &mut regorus::Engine,
    modules: &[&Parsed],
    rules: &[CompiledRule],
) -> Result<Vec<Batch>, EngineError> {
    let mut batches = Vec::new();
    let mut taken = BTreeSet::new();
    for (index, shared) in SHARED.iter().enumerate() {
        let users = users_of(modules, shared);
        let members: Vec<usize> = rules
            .iter()
            .enumerate()
            .filter(|(i, r)| !taken.contains(i) && users.contains(r.package()))
            .map(|(i, _)| i)
            .collect();
        if members.len() < 2 {
            continue;
        }
        let named: Vec<(String, String)> = members
            .iter()
            .filter_map(|&i| rules.get(i))
            .map(|r| (r.meta.id.clone(), r.package().to_string()))
            .collect();
        let (path, text, entry) = module(index, &named);
        engine.add_policy(path.clone(), text).map_err(|e| {
            EngineError::Policies(vec![Diagnostic::from_regorus(&path, &e.to_string())])
        })?;
        taken.extend(members.iter().copied());
        batches.push(Batch {
            entry,
            rules: members,
        });
    }
    Ok(batches)
}

/// The packages that use `target`, directly or through other packages. `modules` are the loaded
/// (non-test) policies as regorus parsed them.
pub(crate) fn users_of(modules: &[&Parsed], target: &str) -> BTreeSet<String> {
    let (packages, edges) = dependencies(modules);
    packages
        .iter()
        .filter(|start| start.as_str() != target && find_reachable(&edges, start, target))
        .cloned()
        .collect()
}

/// The loaded packages, and for each the packages it refers to directly (each `data` path it
/// reads resolved to the longest loaded package that prefixes it).
type Dependencies = (BTreeSet<String>, BTreeMap<String, BTreeSet<String>>);

/// See [`Dependencies`].
fn dependencies(modules: &[&Parsed]) -> Dependencies {
    let packages: BTreeSet<String> = modules.iter().map(|m| m.package.clone()).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for module in modules {
        let out = edges.entry(module.package.clone()).or_default();
        for reference in &module.references {
            let parts: Vec<&str> = reference.split('.').collect();
            let package = (1..=parts.len())
                .rev()
                .map(|n| parts[..n].join("."))
                .find(|candidate| packages.contains(candidate));
            if let Some(package) = package.filter(|p| *p != module.package) {
                out.insert(package);
            }
        }
    }
    (packages, edges)
}

/// Whether `target` is reachable from `start` (itself excluded) along `edges`.
fn find_reachable(edges: &BTreeMap<String, BTreeSet<String>>, start: &str, target: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = edges
        .get(start)
        .map(|next| next.iter().map(String::as_str).collect())
        .unwrap_or_default();
    while let Some(p) = stack.pop() {
        if p == target {
            return true;
        }
        if seen.insert(p) {
            if let Some(next) = edges.get(p) {
                stack.extend(next.iter().map(String::as_str));
            }
        }
    }
    false
}

/// The generated module that evaluates `rules` (id, package without `data.`) together, named
/// after the `index`-th shared package; returns (path, text, entry).
pub(crate) fn module(index: usize, rules: &[(String, String)]) -> (String, String, String) {
    let package = format!("trailguard_internal.batch{index}");
    let mut text = format!(
        "# Generated by trailguard: rules that share {} evaluated together.\npackage {package}\n\nimport rego.v1\n\nfindings := {{\n",
        SHARED.get(index).copied().unwrap_or("an index"),
    );
    for (id, rule_package) in rules {
        // Ids are validated ([A-Z0-9-]), so they need no escaping.
        text.push_str(&format!("\t\"{id}\": data.{rule_package}.deny,\n"));
    }
    text.push_str("}\n");
    (
        format!("<trailguard batch {index}>"),
        text,
        format!("data.{package}.findings"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_are_found_through_imports_and_other_packages() {
        let parse = |path: &str, text: &str| {
            crate::rego::parse(&crate::PolicySource::custom(path, text)).unwrap()
        };
        let shared = parse("s.rego", "package a.shared\n\nidx := 1\n");
        let mid = parse(
            "m.rego",
            "package a.mid\n\nimport data.a.shared\n\nf(x) := shared.idx\n",
        );
        let user = parse(
            "u.rego",
            "package a.user\n\nimport data.a.mid\n\ndeny contains mid.f(1) if { true }\n",
        );
        let via_data = parse(
            "d.rego",
            "package a.direct\n\ndeny contains x if { x := data.a.shared.idx }\n",
        );
        let other = parse("o.rego", "package a.other\n\ndeny contains 1 if { true }\n");
        let users = users_of(&[&shared, &mid, &user, &via_data, &other], "a.shared");
        assert_eq!(
            users,
            ["a.direct", "a.mid", "a.user"]
                .iter()
                .map(|s| s.to_string())
                .collect()
        );
    }

    #[test]
    fn the_generated_module_gathers_each_rules_deny() {
        let (_, text, entry) = module(
            0,
            &[
                ("TG063".into(), "trailguard.rules.tg063".into()),
                ("ACME-1".into(), "acme.one".into()),
            ],
        );
        assert!(text.contains("\"TG063\": data.trailguard.rules.tg063.deny,"));
        assert!(text.contains("\"ACME-1\": data.acme.one.deny,"));
        assert_eq!(entry, "data.trailguard_internal.batch0.findings");
    }
}
