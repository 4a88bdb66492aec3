//! Reading OPA-style `# METADATA` annotations from Rego source.
//!
//! regorus drops comments, so [`crate::rego`] finds the block between the statements it parsed:
//! a `# METADATA` line, then the comment lines right below it, whose text (without `# `) is YAML.
//! Every problem is reported with the file, line and column where it is.

use crate::rego::{MetadataBlock, Parsed};
use crate::{Diagnostic, PolicySource, RuleMeta, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The annotation keys OPA defines; unknown keys are rejected so typos surface.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Annotation {
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    custom: Option<Custom>,
    #[serde(default)]
    related_resources: Option<serde_yaml_ng::Value>,
    #[serde(default)]
    authors: Option<serde_yaml_ng::Value>,
    #[serde(default)]
    organizations: Option<serde_yaml_ng::Value>,
    #[serde(default)]
    schemas: Option<serde_yaml_ng::Value>,
    #[serde(default)]
    entrypoint: Option<bool>,
}

/// trailguard's keys under `custom`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Custom {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    controls: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    remediation: Option<String>,
}

/// The block's YAML as an annotation.
fn parse_annotation(block: &MetadataBlock) -> Result<Annotation, serde_yaml_ng::Error> {
    serde_yaml_ng::from_str(&block.yaml)
}

/// The `custom.id` a METADATA block declares, with its line, if it declares one (a block that
/// does not parse declares none).
pub(crate) fn declared_id(block: &MetadataBlock) -> Option<(String, usize)> {
    let id = parse_annotation(block).ok()?.custom?.id?;
    let line = block
        .yaml
        .lines()
        .position(|l| l.trim_start().starts_with("id:"))
        .map_or(block.line, |i| block.line + 1 + i);
    Some((id, line))
}

const KNOWN_KEYS_HINT: &str = "METADATA keys: title, description, custom.id, custom.severity \
(critical|high|medium|low), custom.controls (framework: [ids]; CIS ids name their benchmark \
versions, such as \"v3.0.0-v5.0.0/3.5\"), custom.remediation";

const CIS_ID_HINT: &str = "CIS AWS Foundations Benchmark versions number the same recommendation \
differently: write each cis id as VERSION/NUMBER, or FIRST-LAST/NUMBER for the versions FIRST to \
LAST that share the number, such as \"v1.4.0-v2.0.0/3.7\", \"v3.0.0-v5.0.0/3.5\", \"v6.0.0/4.5\"";

/// A CIS benchmark version, `v1.4.0`, as its three numbers.
fn cis_version(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.strip_prefix('v')?.split('.').map(|part| {
        if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse::<u32>().ok()
        } else {
            None
        }
    });
    let version = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(version)
}

/// What is wrong with a `custom.controls.cis` id, if anything. A CIS id names the benchmark
/// versions whose numbering it uses, since the same recommendation moves between versions
/// (CloudTrail encryption is 3.7 in v1.4.0, 3.5 in v3.0.0, 4.5 in v6.0.0): `v3.0.0/3.5`, or
/// `v3.0.0-v5.0.0/3.5` for every version from v3.0.0 to v5.0.0.
fn cis_id_problem(id: &str) -> Option<String> {
    let Some((versions, number)) = id.split_once('/') else {
        return Some(format!(
            "CIS id `{id}` does not name the benchmark versions whose numbering it uses"
        ));
    };
    let (first, last) = versions.split_once('-').unwrap_or((versions, versions));
    for version in [first, last] {
        if cis_version(version).is_none() {
            return Some(format!(
                "CIS id `{id}`: `{version}` is not a benchmark version such as v3.0.0"
            ));
        }
    }
    if versions.contains('-') && cis_version(first) >= cis_version(last) {
        return Some(format!(
            "CIS id `{id}`: the versions {versions} do not go from an older to a newer version"
        ));
    }
    let numbered = !number.is_empty()
        && number
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    if !numbered {
        return Some(format!(
            "CIS id `{id}`: `{number}` is not a recommendation number such as 3.5"
        ));
    }
    None
}

/// Reads and validates the METADATA of a rule file (one that declares `deny`). Diagnostics
/// point at the package when the block is missing altogether.
pub(crate) fn rule_meta(
    source: &PolicySource,
    parsed: &Parsed,
) -> Result<RuleMeta, Vec<Diagnostic>> {
    let path = source.path.as_str();
    let package_line = parsed.package_line;
    let package = format!("data.{}", parsed.package);
    let Some(block) = parsed.rule_metadata() else {
        return Err(vec![Diagnostic::new(
            path,
            package_line,
            1,
            "this file declares `deny` but has no `# METADATA` block, so it is not a valid rule",
        )
        .hint(format!(
            "put a METADATA comment block above `package`; {KNOWN_KEYS_HINT}"
        ))]);
    };
    // A YAML position (line 1 is the line below `# METADATA`) as a position in the file. The end
    // of the YAML is the end of the block's last line, not the line after the block (found by
    // fuzzing: an error at the end of the YAML pointed past the end of the next line).
    let rows = block.yaml.lines().count();
    let at = |offset_line: usize, column: usize| {
        let line = block.line + offset_line.min(rows);
        let width = source
            .text
            .lines()
            .nth(line - 1)
            .map_or(0, |l| l.chars().count());
        let column = if offset_line > rows {
            width + 1
        } else {
            (column + block.prefix).min(width + 1)
        };
        (line, column)
    };
    let annotation = match parse_annotation(block) {
        Ok(a) => a,
        Err(e) => {
            let (line, column) = e
                .location()
                .map(|l| at(l.line(), l.column()))
                .unwrap_or((block.line, 1));
            let message = e.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_string();
            return Err(vec![Diagnostic::new(
                path,
                line,
                column,
                format!("invalid METADATA: {message}"),
            )
            .hint(KNOWN_KEYS_HINT)]);
        }
    };
    let _ = (
        &annotation.scope,
        &annotation.related_resources,
        &annotation.authors,
        &annotation.organizations,
        &annotation.schemas,
        &annotation.entrypoint,
    );
    let mut errors = Vec::new();
    let here = |key: &str| -> (usize, usize) {
        // Point at the line of the key when it is there, else at the block.
        block
            .yaml
            .lines()
            .position(|l| l.trim_start().starts_with(&format!("{key}:")))
            .map(|i| {
                let indent = block
                    .yaml
                    .lines()
                    .nth(i)
                    .map_or(0, |l| l.len() - l.trim_start().len());
                at(i + 1, indent + 1)
            })
            .unwrap_or((block.line, 1))
    };
    let mut missing = |key: &str, what: &str| {
        // Point at the key's parent (`custom:`) when the key itself is missing.
        let (line, column) = match key.split_once('.') {
            Some((parent, _)) => here(parent),
            None => here(key),
        };
        errors.push(
            Diagnostic::new(path, line, column, format!("METADATA has no {key}: {what}"))
                .hint(KNOWN_KEYS_HINT),
        );
    };
    let title = annotation.title.clone().filter(|t| !t.trim().is_empty());
    if title.is_none() {
        missing("title", "every rule needs a one-line title");
    }
    let custom = annotation.custom.as_ref();
    let id = custom
        .and_then(|c| c.id.clone())
        .filter(|i| !i.trim().is_empty());
    if id.is_none() {
        missing(
            "custom.id",
            "every rule needs a stable id such as TG020 or ACME001",
        );
    }
    let severity_text = custom.and_then(|c| c.severity.clone());
    if severity_text.is_none() {
        missing("custom.severity", "critical, high, medium or low");
    }
    let mut errors_after = Vec::new();
    if let Some(id) = &id {
        let ok = id.len() <= 32
            && id.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && id
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        if !ok {
            let (line, column) = here("id");
            errors_after.push(
                Diagnostic::new(path, line, column, format!("rule id `{id}` is not valid"))
                    .hint("ids are upper-case letters and digits, such as TG020 or ACME-001"),
            );
        }
    }
    let severity = match severity_text.as_deref().map(str::parse::<Severity>) {
        Some(Ok(s)) => Some(s),
        Some(Err(message)) => {
            let (line, column) = here("severity");
            errors_after.push(Diagnostic::new(path, line, column, message));
            None
        }
        None => None,
    };
    let cis_ids = custom
        .and_then(|c| c.controls.as_ref())
        .and_then(|controls| controls.get("cis"));
    for id in cis_ids.into_iter().flatten() {
        if let Some(message) = cis_id_problem(id) {
            let (line, column) = here("cis");
            errors_after.push(Diagnostic::new(path, line, column, message).hint(CIS_ID_HINT));
        }
    }
    errors.extend(errors_after);
    match (title, id, severity) {
        (Some(title), Some(id), Some(severity)) if errors.is_empty() => Ok(RuleMeta {
            id,
            title: title.trim().to_string(),
            description: annotation
                .description
                .unwrap_or_default()
                .trim()
                .to_string(),
            severity,
            controls: custom.and_then(|c| c.controls.clone()).unwrap_or_default(),
            remediation: custom
                .and_then(|c| c.remediation.clone())
                .unwrap_or_default()
                .trim()
                .to_string(),
            package,
            source: source.path.clone(),
            builtin: source.builtin,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(text: &str) -> Result<RuleMeta, Vec<Diagnostic>> {
        let source = PolicySource::custom("custom/r.rego", text);
        let parsed = crate::rego::parse(&source).unwrap();
        rule_meta(&source, &parsed)
    }

    #[test]
    fn reads_a_complete_block() {
        let text = "# METADATA\n# title: Trail is not tagged\n# description: Tags matter.\n# custom:\n#   id: ACME001\n#   severity: low\n#   controls:\n#     securityhub: [CloudTrail.9]\n#   remediation: Tag it.\npackage acme.r\n";
        let meta = meta(text).unwrap();
        assert_eq!(meta.id, "ACME001");
        assert_eq!(meta.severity, Severity::Low);
        assert_eq!(meta.control_tags(), vec!["securityhub/CloudTrail.9"]);
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let text = "package acme.r\n# METADATA\n# custom:\n#   severity: severe\n";
        let errors = meta(text).unwrap_err();
        let shown: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
        assert_eq!(errors.len(), 3, "{shown:#?}");
        assert!(shown[0].starts_with("custom/r.rego:2:1: METADATA has no title"));
        assert!(shown[1].starts_with("custom/r.rego:3:3: METADATA has no custom.id"));
        assert!(shown[2].starts_with("custom/r.rego:4:5: unknown severity `severe`"));
    }

    #[test]
    fn unknown_keys_are_rejected_at_their_line() {
        let text =
            "# METADATA\n# title: t\n# custom:\n#   id: X1\n#   severty: low\npackage acme.r\n";
        let errors = meta(text).unwrap_err();
        assert_eq!(errors.len(), 1);
        let shown = errors[0].to_string();
        assert!(shown.starts_with("custom/r.rego:5:"), "{shown}");
        assert!(shown.contains("severty"), "{shown}");
    }

    #[test]
    fn an_error_at_the_end_of_the_yaml_points_into_the_block() {
        // Regression (fuzzing): this was reported at 3:3, on the empty line after the block.
        let text = "# METADATA\n# title: \"abc\n\npackage acme.r\n";
        let errors = meta(text).unwrap_err();
        let shown = errors[0].to_string();
        assert!(
            shown.starts_with("custom/r.rego:2:14: invalid METADATA"),
            "{shown}"
        );
    }

    #[test]
    fn cis_ids_name_their_benchmark_versions() {
        let with = |ids: &str| {
            format!(
                "# METADATA\n# title: t\n# custom:\n#   id: X1\n#   severity: low\n#   controls:\n\
                 #     securityhub: [CloudTrail.2]\n#     cis: {ids}\npackage acme.r\n"
            )
        };
        let good = meta(&with(
            r#"["v1.4.0-v2.0.0/3.7", "v3.0.0-v5.0.0/3.5", "v6.0.0/4.5"]"#,
        ))
        .unwrap();
        assert_eq!(
            good.control_tags(),
            vec![
                "cis/v1.4.0-v2.0.0/3.7",
                "cis/v3.0.0-v5.0.0/3.5",
                "cis/v6.0.0/4.5",
                "securityhub/CloudTrail.2"
            ]
        );
        assert!(meta(&with(r#"["v1.4.0/2.1.5", "v10.0.12-v11.0.0/12.34"]"#)).is_ok());

        // A bare number is ambiguous: 3.5 is CloudTrail encryption in v3.0.0 but AWS Config in
        // v1.4.0. Every bad id is reported, at the `cis:` line.
        let bad = [
            (
                "3.5",
                "does not name the benchmark versions whose numbering it uses",
            ),
            ("v3.0/3.5", "`v3.0` is not a benchmark version"),
            ("3.0.0/3.5", "`3.0.0` is not a benchmark version"),
            ("v3.0.0-/3.5", "`` is not a benchmark version"),
            (
                "v5.0.0-v3.0.0/3.5",
                "do not go from an older to a newer version",
            ),
            (
                "v3.0.0-v3.0.0/3.5",
                "do not go from an older to a newer version",
            ),
            ("v3.0.0/", "`` is not a recommendation number"),
            ("v3.0.0/3.", "`3.` is not a recommendation number"),
            ("v3.0.0/3.5a", "`3.5a` is not a recommendation number"),
            ("v3.0.0 3.5", "does not name the benchmark versions"),
        ];
        let ids: Vec<String> = bad.iter().map(|(id, _)| format!("{id:?}")).collect();
        let errors = meta(&with(&format!("[{}]", ids.join(", ")))).unwrap_err();
        assert_eq!(errors.len(), bad.len(), "{errors:#?}");
        for (error, (id, why)) in errors.iter().zip(bad) {
            let shown = error.to_string();
            assert!(shown.starts_with("custom/r.rego:8:7: CIS id `"), "{shown}");
            assert!(shown.contains(&format!("`{id}`")), "{id}: {shown}");
            assert!(shown.contains(why), "{id}: {shown}");
            assert!(shown.contains("v3.0.0-v5.0.0/3.5"), "no hint: {shown}");
        }
        // Other frameworks keep their own ids.
        assert!(meta(&with("[]").replace("[CloudTrail.2]", "[\"3.5\"]")).is_ok());
    }

    #[test]
    fn missing_block_points_at_the_package() {
        let errors = meta("package acme.r\ndeny contains 1\n").unwrap_err();
        assert!(errors[0]
            .to_string()
            .starts_with("custom/r.rego:1:1: this file declares `deny`"));
    }
}
