//! `trailguard diff`: what changed between two snapshots and which findings are new, fixed or
//! unchanged, as text, JSON or Markdown (for a pull request comment).
//!
//! A changed resource is shown with each value that changed, old → new, down to the field that
//! differs inside objects (`Status.IsLogging: true → false`); an array that differs is shown
//! whole. Values are compact JSON, cut at [`MAX_VALUE_CHARS`] characters in text and Markdown
//! (the JSON diff keeps them whole), and at most [`MAX_VALUES_SHOWN`] per resource are listed.

use crate::escape::terminal;
use crate::markdown::{code, escape};
use crate::{pretty_json, Format, Options, ReportError};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use trailguard_engine::{Finding, Severity};
use trailguard_snapshot::{Changes, Snapshot, SnapshotDiff};

/// The longest value the text and Markdown diffs show whole, in characters.
pub const MAX_VALUE_CHARS: usize = 80;

/// The most changed values the text and Markdown diffs list for one resource.
pub const MAX_VALUES_SHOWN: usize = 20;

/// What changed in the configuration between two snapshots: which resources were added, removed
/// or changed ([`SnapshotDiff`]), and, for each changed resource, every value that differs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigDiff {
    /// The resources added, removed or changed, and the top-level fields that changed.
    pub resources: SnapshotDiff,
    /// The values that changed in each changed trail, by ARN.
    pub trails: BTreeMap<String, Vec<ValueChange>>,
    /// The values that changed in each changed log bucket, by name.
    pub buckets: BTreeMap<String, Vec<ValueChange>>,
    /// The values that changed in each changed KMS key, by ARN.
    pub kms_keys: BTreeMap<String, Vec<ValueChange>>,
}

/// The changed values of each changed resource of one kind, by id.
type ValuesById = BTreeMap<String, Vec<ValueChange>>;

/// One value that differs between the old and the new copy of a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueChange {
    /// The keys from the resource down to the value (`["Status", "IsLogging"]`).
    pub path: Vec<String>,
    /// The old value; none when the key was not there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The new value; none when the key is gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

impl ConfigDiff {
    /// Compares two snapshots.
    pub fn between(old: &Snapshot, new: &Snapshot) -> Result<ConfigDiff, ReportError> {
        let resources = SnapshotDiff::between(old, new);
        Ok(ConfigDiff {
            trails: values(&resources.trails, &old.trails, &new.trails, "trails")?,
            buckets: values(
                &resources.buckets,
                &old.buckets,
                &new.buckets,
                "log buckets",
            )?,
            kms_keys: values(
                &resources.kms_keys,
                &old.kms_keys,
                &new.kms_keys,
                "KMS keys",
            )?,
            resources,
        })
    }

    /// True when the two snapshots describe the same configuration.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }
}

/// The values that changed in each resource `changes` lists as changed.
fn values<T: Serialize>(
    changes: &Changes,
    old: &BTreeMap<String, T>,
    new: &BTreeMap<String, T>,
    kind: &'static str,
) -> Result<ValuesById, ReportError> {
    let json = |resource: Option<&T>| -> Result<Option<Value>, ReportError> {
        resource
            .map(serde_json::to_value)
            .transpose()
            .map_err(|source| ReportError::Compare { kind, source })
    };
    let mut out = BTreeMap::new();
    for changed in &changes.changed {
        let (before, after) = (json(old.get(&changed.id))?, json(new.get(&changed.id))?);
        let mut found = Vec::new();
        differences(&mut Vec::new(), before.as_ref(), after.as_ref(), &mut found);
        out.insert(changed.id.clone(), found);
    }
    Ok(out)
}

/// The values that differ between `old` and `new`, descending into objects both sides have.
fn differences(
    path: &mut Vec<String>,
    old: Option<&Value>,
    new: Option<&Value>,
    out: &mut Vec<ValueChange>,
) {
    match (old, new) {
        (Some(Value::Object(before)), Some(Value::Object(after))) => {
            let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
            for key in keys {
                path.push(key.clone());
                differences(path, before.get(key), after.get(key), out);
                path.pop();
            }
        }
        (before, after) if before != after => out.push(ValueChange {
            path: path.clone(),
            old: before.cloned(),
            new: after.cloned(),
        }),
        _ => {}
    }
}

/// A value as the text and Markdown diffs show it: compact JSON, cut at [`MAX_VALUE_CHARS`];
/// `(absent)` for a key that is not there.
fn shown(value: Option<&Value>) -> String {
    let Some(value) = value else {
        return "(absent)".to_string();
    };
    let text = value.to_string();
    match text.char_indices().nth(MAX_VALUE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The changes of one resource, at most [`MAX_VALUES_SHOWN`], and how many were left out.
fn listed(changes: &[ValueChange]) -> (&[ValueChange], usize) {
    let shown = changes.len().min(MAX_VALUES_SHOWN);
    (&changes[..shown], changes.len() - shown)
}

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
    snapshots: &ConfigDiff,
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

/// The values that changed in no resource: the holders of AWSCloudTrail_FullAccess are only
/// added or removed.
static NO_VALUES: ValuesById = BTreeMap::new();

/// The resource kinds of a snapshot diff, with their names in reports and the values that changed
/// in each changed resource.
fn kinds(d: &ConfigDiff) -> [(&'static str, &Changes, &ValuesById); 4] {
    let r = &d.resources;
    [
        ("Trails", &r.trails, &d.trails),
        ("Log buckets", &r.buckets, &d.buckets),
        ("KMS keys", &r.kms_keys, &d.kms_keys),
        (
            "Holders of AWSCloudTrail_FullAccess",
            &r.full_access_holders,
            &NO_VALUES,
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

fn text(d: &ConfigDiff, f: &FindingsDiff) -> String {
    let mut out = String::new();
    if d.is_empty() {
        out.push_str("Configuration: no change.\n");
    } else {
        out.push_str("Configuration changes:\n");
        for (name, changes, values) in kinds(d).into_iter().filter(|(_, c, _)| !c.is_empty()) {
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
                let (shown_here, left_out) = listed(values.get(&c.id).map_or(&[], Vec::as_slice));
                for v in shown_here {
                    let _ = writeln!(
                        out,
                        "        {}: {} → {}",
                        terminal(&v.path.join(".")),
                        terminal(&shown(v.old.as_ref())),
                        terminal(&shown(v.new.as_ref()))
                    );
                }
                if left_out > 0 {
                    let _ = writeln!(out, "        … and {left_out} more");
                }
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

fn markdown(d: &ConfigDiff, f: &FindingsDiff) -> String {
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
    out.push_str("| kind | change | resource | fields (old → new) |\n|---|---|---|---|\n");
    for (name, changes, values) in kinds(d) {
        for id in &changes.added {
            let _ = writeln!(out, "| {name} | added | {} | |", code(id));
        }
        for id in &changes.removed {
            let _ = writeln!(out, "| {name} | removed | {} | |", code(id));
        }
        for c in &changes.changed {
            let (shown_here, left_out) = listed(values.get(&c.id).map_or(&[], Vec::as_slice));
            let mut cell: Vec<String> = shown_here
                .iter()
                .map(|v| {
                    format!(
                        "{}: {} → {}",
                        code(&v.path.join(".")),
                        code(&shown(v.old.as_ref())),
                        code(&shown(v.new.as_ref()))
                    )
                })
                .collect();
            if left_out > 0 {
                cell.push(format!("… and {left_out} more"));
            }
            if cell.is_empty() {
                cell.push(escape(&c.fields.join(", ")));
            }
            let _ = writeln!(
                out,
                "| {name} | changed | {} | {} |",
                code(&c.id),
                cell.join("<br>")
            );
        }
    }
    out
}

/// The JSON diff. It goes through a `serde_json::Value`, whose objects sort their keys: the
/// document's keys are in alphabetical order at every level.
#[derive(Serialize)]
struct JsonDiff<'a> {
    tool: JsonTool<'a>,
    summary: JsonSummary,
    changes: JsonKinds<'a>,
    findings: &'a FindingsDiff,
}

#[derive(Serialize)]
struct JsonTool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    new: usize,
    fixed: usize,
    unchanged: usize,
}

#[derive(Serialize)]
struct JsonKinds<'a> {
    trails: JsonChanges<'a>,
    buckets: JsonChanges<'a>,
    kms_keys: JsonChanges<'a>,
    full_access_holders: JsonChanges<'a>,
}

/// One kind of resource: each changed resource with its top-level fields and its values.
#[derive(Serialize)]
struct JsonChanges<'a> {
    added: &'a [String],
    removed: &'a [String],
    changed: Vec<JsonChanged<'a>>,
}

#[derive(Serialize)]
struct JsonChanged<'a> {
    id: &'a str,
    fields: &'a [String],
    values: &'a [ValueChange],
}

fn json_changes<'a>(changes: &'a Changes, values: &'a ValuesById) -> JsonChanges<'a> {
    JsonChanges {
        added: &changes.added,
        removed: &changes.removed,
        changed: changes
            .changed
            .iter()
            .map(|c| JsonChanged {
                id: &c.id,
                fields: &c.fields,
                values: values.get(&c.id).map_or(&[], Vec::as_slice),
            })
            .collect(),
    }
}

fn json(d: &ConfigDiff, f: &FindingsDiff, options: &Options) -> Result<String, ReportError> {
    let r = &d.resources;
    let document = JsonDiff {
        tool: JsonTool {
            name: "trailguard",
            version: &options.tool_version,
        },
        summary: JsonSummary {
            new: f.new.len(),
            fixed: f.fixed.len(),
            unchanged: f.unchanged.len(),
        },
        changes: JsonKinds {
            trails: json_changes(&r.trails, &d.trails),
            buckets: json_changes(&r.buckets, &d.buckets),
            kms_keys: json_changes(&r.kms_keys, &d.kms_keys),
            full_access_holders: json_changes(&r.full_access_holders, &NO_VALUES),
        },
        findings: f,
    };
    let sorted = serde_json::to_value(&document).map_err(|source| ReportError::Serialize {
        format: Format::Json,
        source,
    })?;
    pretty_json(&sorted, Format::Json)
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

    fn changes(old: Value, new: Value) -> Vec<ValueChange> {
        let mut out = Vec::new();
        differences(&mut Vec::new(), Some(&old), Some(&new), &mut out);
        out
    }

    #[test]
    fn values_differ_down_to_the_field_and_arrays_whole() {
        let found = changes(
            serde_json::json!({"Name": "t", "Status": {"IsLogging": true, "At": "1"},
                               "EventSelectors": [{"ReadWriteType": "All"}], "Gone": 1}),
            serde_json::json!({"Name": "t", "Status": {"IsLogging": false, "At": "1"},
                               "EventSelectors": [{"ReadWriteType": "WriteOnly"}], "New": null}),
        );
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            found,
            vec![
                ValueChange {
                    path: path(&["EventSelectors"]),
                    old: Some(serde_json::json!([{"ReadWriteType": "All"}])),
                    new: Some(serde_json::json!([{"ReadWriteType": "WriteOnly"}])),
                },
                ValueChange {
                    path: path(&["Gone"]),
                    old: Some(serde_json::json!(1)),
                    new: None,
                },
                ValueChange {
                    path: path(&["New"]),
                    old: None,
                    new: Some(Value::Null),
                },
                ValueChange {
                    path: path(&["Status", "IsLogging"]),
                    old: Some(Value::Bool(true)),
                    new: Some(Value::Bool(false)),
                },
            ]
        );
        assert_eq!(shown(found[1].new.as_ref()), "(absent)");
        assert_eq!(shown(found[2].new.as_ref()), "null");
    }

    #[test]
    fn long_values_and_many_changes_are_cut() {
        let long = Value::String("é".repeat(200));
        let text = shown(Some(&long));
        assert_eq!(text.chars().count(), MAX_VALUE_CHARS + 1);
        assert!(text.starts_with("\"é") && text.ends_with('…'), "{text}");
        let many: Vec<ValueChange> = (0..MAX_VALUES_SHOWN + 3)
            .map(|i| ValueChange {
                path: vec![i.to_string()],
                old: None,
                new: Some(Value::Null),
            })
            .collect();
        let (kept, left_out) = listed(&many);
        assert_eq!((kept.len(), left_out), (MAX_VALUES_SHOWN, 3));
    }

    #[test]
    fn sarif_is_not_a_diff_format() {
        let error = render_diff(
            &ConfigDiff::default(),
            &FindingsDiff::default(),
            Format::Sarif,
            &Options::default(),
        )
        .unwrap_err();
        assert!(error.to_string().contains("text, json or markdown"));
    }
}
