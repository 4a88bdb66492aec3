//! `trailguard.iam.principals_that_can(input, action, resource)`: who in the snapshot may make a
//! request, answered by `trailguard-iam` over an index of the snapshot's IAM built once.
//!
//! The builtin takes `input` as an argument, so it stays a function of its arguments: a Rego
//! test's `with input as {...}` gets the answer for its own input. The index of an input is
//! built on the first call, from the parts of the input IAM questions read (each account's
//! `Iam`, the buckets' and keys' policies), and kept per input (by identity, holding the value
//! so it cannot be freed and its address reused) for a few inputs at a time, and dropped when
//! the evaluation that built it ends ([`IamIndexes::scope`]).

use regorus::Value;
use std::sync::{Arc, Mutex};
use trailguard_iam::{SnapshotIndex, StatementRef, Verdict};

/// How many inputs' indexes are kept at once (tests evaluate several snapshots side by side).
const KEPT: usize = 4;

/// The IAM indexes of the inputs being evaluated, shared by every clone of an engine.
#[derive(Clone, Default)]
pub(crate) struct IamIndexes(Arc<Mutex<Vec<Kept>>>);

/// An input, held, and its index.
type Kept = (Value, Arc<SnapshotIndex>);

impl std::fmt::Debug for IamIndexes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = self.0.lock().map(|kept| kept.len());
        f.debug_struct("IamIndexes")
            .field("kept", &kept.ok())
            .finish()
    }
}

/// Drops an input's index when an evaluation ends ([`IamIndexes::scope`]).
pub(crate) struct Scope<'a> {
    indexes: &'a IamIndexes,
    input: &'a Value,
}

impl Drop for Scope<'_> {
    fn drop(&mut self) {
        self.indexes.forget(self.input);
    }
}

/// Whether two values are the same value in memory (not merely equal).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => regorus::Rc::ptr_eq(a, b),
        _ => false,
    }
}

impl IamIndexes {
    /// Drops the index of `input` when the returned guard goes: an evaluation builds the index
    /// of its input and drops it when it ends, so each evaluation pays for its own index (and
    /// a benchmark's repeated runs measure that too).
    pub(crate) fn scope<'a>(&'a self, input: &'a Value) -> Scope<'a> {
        Scope {
            indexes: self,
            input,
        }
    }

    /// Drops the index of `input` (its evaluation is over).
    fn forget(&self, input: &Value) {
        if let Ok(mut kept) = self.0.lock() {
            kept.retain(|(value, _)| !same(value, input));
        }
    }

    /// The index of `input`, built on first use. The cache stays locked while an index is
    /// built, so threads evaluating the same input build it once.
    fn get(&self, input: &Value) -> anyhow::Result<Arc<SnapshotIndex>> {
        let mut kept = self
            .0
            .lock()
            .map_err(|_| anyhow::anyhow!("the IAM index cache was poisoned by a panic"))?;
        if let Some((_, index)) = kept.iter().find(|(value, _)| same(value, input)) {
            return Ok(Arc::clone(index));
        }
        let index = Arc::new(SnapshotIndex::new(&iam_parts(input)?)?);
        if kept.len() >= KEPT {
            kept.remove(0);
        }
        kept.push((input.clone(), Arc::clone(&index)));
        Ok(index)
    }

    /// The builtin: `[{"arn", "kind", "name", "account", "decision", "grants", "denied_by",
    /// "conditions"}]` for each principal allowed, or conditionally allowed.
    pub(crate) fn principals_that_can(&self, args: &[Value]) -> anyhow::Result<Value> {
        let [input, action, resource] = args else {
            anyhow::bail!("takes three arguments: input, an action and a resource ARN");
        };
        let (Value::String(action), Value::String(resource)) = (action, resource) else {
            anyhow::bail!("the action and the resource must be strings");
        };
        let index = self.get(input)?;
        let statements = |list: &[StatementRef]| -> serde_json::Value {
            list.iter()
                .map(
                    |s| serde_json::json!({"policy": s.policy, "statement": s.index, "sid": s.sid}),
                )
                .collect()
        };
        let answers: Vec<serde_json::Value> = index
            .principals_that_can(action, resource)
            .into_iter()
            .map(|power| {
                let p = &power.entry.principal;
                serde_json::json!({
                    "arn": p.arn,
                    "kind": format!("{:?}", p.kind),
                    "name": power.entry.name,
                    "account": p.account,
                    "decision": match power.decision.verdict {
                        Verdict::Allow => "allow",
                        Verdict::Conditional => "conditional",
                        Verdict::Deny => "deny",
                        Verdict::ImplicitDeny => "implicit_deny",
                    },
                    "grants": statements(&power.decision.grants),
                    "denied_by": statements(&power.decision.denied_by),
                    "conditions": power.decision.conditions,
                })
            })
            .collect();
        Value::from_json_str(&serde_json::Value::Array(answers).to_string())
    }
}

/// The parts of the input an IAM index reads, as JSON: `accounts[*].Iam`,
/// `buckets[*].OwnerAccount` and `.Policy`, `kms_keys[*].Policy` (a field the input leaves out
/// stays out: it is a policy that was not read).
fn iam_parts(input: &Value) -> anyhow::Result<serde_json::Value> {
    let object = input
        .as_object()
        .map_err(|_| anyhow::anyhow!("input must be a snapshot (an object)"))?;
    let mut parts = serde_json::Map::new();
    for (section, fields) in [
        ("accounts", &["Iam"][..]),
        ("buckets", &["OwnerAccount", "Policy"][..]),
        ("kms_keys", &["Policy"][..]),
    ] {
        let Some(entries) = object.get(&Value::from(section)) else {
            continue;
        };
        let entries = entries
            .as_object()
            .map_err(|_| anyhow::anyhow!("input.{section} must be an object"))?;
        let mut out = serde_json::Map::new();
        for (key, entry) in entries.iter() {
            let key = key
                .as_string()
                .map_err(|_| anyhow::anyhow!("input.{section} has a key that is not a string"))?;
            let entry = entry
                .as_object()
                .map_err(|_| anyhow::anyhow!("input.{section}.{key} must be an object"))?;
            let mut kept = serde_json::Map::new();
            for field in fields {
                if let Some(value) = entry.get(&Value::from(*field)) {
                    kept.insert(field.to_string(), serde_json::to_value(value)?);
                }
            }
            out.insert(key.to_string(), serde_json::Value::Object(kept));
        }
        parts.insert(section.to_string(), serde_json::Value::Object(out));
    }
    Ok(serde_json::Value::Object(parts))
}
