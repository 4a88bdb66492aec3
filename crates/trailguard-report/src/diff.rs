//! `trailguard diff`: what changed between two snapshots and which findings are new, fixed or
//! unchanged, as text, JSON or Markdown (for a pull request comment).

use crate::escape::terminal;
use crate::markdown::{code, escape};
use crate::{pretty_json, Format, Options, ReportError};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use trailguard_engine::{Finding, Severity};
use trailguard_snapshot::{Changes, SnapshotDiff};

/// Findings of the old and the new snapshot, matched by rule and resource (as SARIF alerts are:
/// a reworded message is the same finding).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FindingsDiff {
    /// In the new snapshot only.
    pub new: Vec<Finding>,
    /// In the old snapshot only.
    pub fixed: Vec<Finding>,
    /// In both (as the new snapshot words them).
    pub unchanged: Vec<Finding>,
}

impl FindingsDiff {
    /// Matches the findings of two evaluations; each list keeps the order of its input.
    pub fn between(old: &[Finding], new: &[Finding]) -> FindingsDiff {
        let key = |f: &Finding| (f.rule_id.clone(), f.resource.clone());
        let old_keys: BTreeSet<_> = old.iter().map(key).collect();
        let new_keys: BTreeSet<_> = new.iter().map(key).collect();
        let (unchanged, new): (Vec<Finding>, Vec<Finding>) = new
            .iter()
            .cloned()
            .partition(|f| old_keys.contains(&key(f)));
        let fixed = old
            .iter()
            .filter(|f| !new_keys.contains(&key(f)))
            .cloned()
            .collect();
        FindingsDiff {
            new,
            fixed,
            unchanged,
        }
    }

    /// True when a new finding is at or above the threshold (`--fail-on` looks at new ones
    /// only: a pull request is judged on what it changes).
    pub fn fails(&self, threshold: Option<Severity>) -> bool {
        threshold.is_some_and(|t| self.new.iter().any(|f| f.severity >= t))
    }
}

/// Renders a diff in `format` (text, JSON or Markdown), ending with a newline.
pub fn render_diff(
    snapshots: &SnapshotDiff,
    findings: &FindingsDiff,
    format: Format,
    options: &Options,
) -> Result<String, ReportError> {
    match format {
        Format::Text => Ok(text(snapshots, findings)),
        Format::Markdown => Ok(markdown(snapshots, findings)),
        Format::Json => json(snapshots, findings, options),
        Format::Sarif => Err(ReportError::NotForDiff(format)),
    }
}

/// The resource kinds of a snapshot diff, with their names in reports.
fn kinds(d: &SnapshotDiff) -> [(&'static str, &Changes); 4] {
    [
        ("Trails", &d.trails),
        ("Log buckets", &d.buckets),
        ("KMS keys", &d.kms_keys),
        (
            "Holders of AWSCloudTrail_FullAccess",
            &d.full_access_holders,
        ),
    ]
}

fn counts(f: &FindingsDiff) -> String {
    format!(
        "{} new, {} fixed, {} unchanged",
        f.new.len(),
        f.fixed.len(),
        f.unchanged.len()
    )
}

fn text(d: &SnapshotDiff, f: &FindingsDiff) -> String {
    let mut out = String::new();
    if d.is_empty() {
        out.push_str("Configuration: no change.\n");
    } else {
        out.push_str("Configuration changes:\n");
        for (name, changes) in kinds(d).into_iter().filter(|(_, c)| !c.is_empty()) {
            let _ = writeln!(out, "  {name}:");
            for id in &changes.added {
                let _ = writeln!(out, "    + {}", terminal(id));
            }
            for id in &changes.removed {
                let _ = writeln!(out, "    - {}", terminal(id));
            }
            for c in &changes.changed {
                let _ = writeln!(
                    out,
                    "    ~ {} ({})",
                    terminal(&c.id),
                    terminal(&c.fields.join(", "))
                );
            }
        }
    }
    let _ = writeln!(out, "\nFindings: {}.", counts(f));
    for (label, list) in [("New", &f.new), ("Fixed", &f.fixed)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{label}:");
        for x in list {
            let _ = writeln!(
                out,
                "  [{}] {} {}: {}",
                x.severity,
                terminal(&x.rule_id),
                terminal(&x.resource),
                terminal(&x.message)
            );
        }
    }
    out
}

fn markdown(d: &SnapshotDiff, f: &FindingsDiff) -> String {
    let mut out = String::from("## trailguard: what changed\n\n");
    let _ = writeln!(out, "**Findings:** {}.\n", counts(f));
    for (label, list) in [("New findings", &f.new), ("Fixed findings", &f.fixed)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "### {label}\n\n| severity | rule | resource | message |\n|---|---|---|---|"
        );
        for x in list {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                x.severity,
                escape(&x.rule_id),
                code(&x.resource),
                escape(&x.message)
            );
        }
        out.push('\n');
    }
    out.push_str("### Configuration\n\n");
    if d.is_empty() {
        out.push_str("No change.\n");
        return out;
    }
    out.push_str("| kind | change | resource | fields |\n|---|---|---|---|\n");
    for (name, changes) in kinds(d) {
        for id in &changes.added {
            let _ = writeln!(out, "| {name} | added | {} | |", code(id));
        }
        for id in &changes.removed {
            let _ = writeln!(out, "| {name} | removed | {} | |", code(id));
        }
        for c in &changes.changed {
            let _ = writeln!(
                out,
                "| {name} | changed | {} | {} |",
                code(&c.id),
                escape(&c.fields.join(", "))
            );
        }
    }
    out
}

fn json(d: &SnapshotDiff, f: &FindingsDiff, options: &Options) -> Result<String, ReportError> {
    let document = serde_json::json!({
        "tool": {"name": "trailguard", "version": options.tool_version},
        "summary": {"new": f.new.len(), "fixed": f.fixed.len(), "unchanged": f.unchanged.len()},
        "changes": d,
        "findings": f,
    });
    pretty_json(&document, Format::Json)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, resource: &str, severity: Severity) -> Finding {
        Finding {
            rule_id: rule.into(),
            severity,
            resource: resource.into(),
            message: format!("{rule} on {resource}"),
            properties: Default::default(),
            location: None,
            account: None,
        }
    }

    #[test]
    fn findings_match_on_rule_and_resource() {
        let old = vec![
            finding("TG001", "a", Severity::High),
            finding("TG020", "t", Severity::Medium),
        ];
        let mut reworded = finding("TG020", "t", Severity::Medium);
        reworded.message = "said differently".into();
        let new = vec![reworded.clone(), finding("TG003", "t", Severity::High)];
        let diff = FindingsDiff::between(&old, &new);
        assert_eq!(diff.new, vec![finding("TG003", "t", Severity::High)]);
        assert_eq!(diff.fixed, vec![finding("TG001", "a", Severity::High)]);
        assert_eq!(diff.unchanged, vec![reworded]);
        assert!(diff.fails(Some(Severity::High)));
        assert!(!diff.fails(Some(Severity::Critical)));
        assert!(!diff.fails(None));
    }

    #[test]
    fn sarif_is_not_a_diff_format() {
        let error = render_diff(
            &SnapshotDiff::default(),
            &FindingsDiff::default(),
            Format::Sarif,
            &Options::default(),
        )
        .unwrap_err();
        assert!(error.to_string().contains("text, json or markdown"));
    }
}
