//! `trailguard.iam.principals_that_can(input, action, resource)`: who in the snapshot may make a
//! request, answered by `trailguard-iam` over an index of the snapshot's IAM built once.
//!
//! The builtin takes `input` as an argument, so it stays a function of its arguments: a Rego
//! test's `with input as {...}` gets the answer for its own input. The index of an input is
//! built on the first call, from the parts of the input IAM questions read (each account's
//! `Iam` and `Organization`, the organisations, the buckets' and keys' policies), read in place
//! (`trailguard_iam::Json` for regorus values), and kept per input (by identity, holding the value
//! so it cannot be freed and its address reused) for a few inputs at a time, and dropped when
//! the evaluation that built it ends ([`IamIndexes::scope`]).

use regorus::Value;
use std::sync::{Arc, Mutex};
use trailguard_iam::{decision_json, Power, SnapshotIndex};

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
        if input.as_object().is_err() {
            anyhow::bail!("input must be a snapshot (an object)");
        }
        // Read in place: copying the input's IAM out first cost more than the rest.
        let index = Arc::new(SnapshotIndex::new(input)?);
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
        let answers: Vec<serde_json::Value> = index
            .principals_that_can(action, resource)
            .iter()
            .map(|power| {
                let mut answer = principal_json(power);
                answer.extend(decision_json(&power.decision));
                serde_json::Value::Object(answer)
            })
            .collect();
        Value::from_json_str(&serde_json::Value::Array(answers).to_string())
    }

    /// The builtin `trailguard.iam.holders(input, requests)`: `requests` is a list of
    /// `{"action", "resource", "name"}`; the answer groups, by principal, the requests each may
    /// make: `[{"arn", "kind", "name", "account", "granted": [{"action", "name", "answer":
    /// {"decision", "grants", "denied_by", "conditions"}}]}]`, principals in the order they are
    /// first met, requests in the order given. One call answers a rule's every request: grouping
    /// the answers in Rego cost more than answering them.
    pub(crate) fn holders(&self, args: &[Value]) -> anyhow::Result<Value> {
        let [input, requests] = args else {
            anyhow::bail!("takes two arguments: input and a list of requests");
        };
        let requests = requests
            .as_array()
            .map_err(|_| anyhow::anyhow!("the requests must be a list"))?;
        let index = self.get(input)?;
        let mut order: Vec<String> = Vec::new();
        let mut by_arn: std::collections::HashMap<String, (Fields, Vec<serde_json::Value>)> =
            std::collections::HashMap::new();
        for request in requests.iter() {
            let field = |name: &str| -> anyhow::Result<&str> {
                match request
                    .as_object()
                    .ok()
                    .and_then(|r| r.get(&Value::from(name)))
                {
                    Some(Value::String(s)) => Ok(s),
                    _ => anyhow::bail!("each request needs a string {name}: {request}"),
                }
            };
            let (action, resource, name) = (field("action")?, field("resource")?, field("name")?);
            for power in index.principals_that_can(action, resource) {
                let arn = power.entry.principal.arn.clone();
                let granted = serde_json::json!({
                    "action": action, "name": name, "answer": decision_json(&power.decision),
                });
                match by_arn.get_mut(&arn) {
                    Some((_, list)) => list.push(granted),
                    None => {
                        order.push(arn.clone());
                        by_arn.insert(arn, (principal_json(&power), vec![granted]));
                    }
                }
            }
        }
        let holders: Vec<serde_json::Value> = order
            .iter()
            .filter_map(|arn| by_arn.remove(arn))
            .map(|(mut principal, granted)| {
                principal.insert("granted".into(), serde_json::Value::Array(granted));
                serde_json::Value::Object(principal)
            })
            .collect();
        Value::from_json_str(&serde_json::Value::Array(holders).to_string())
    }
}

/// The builtin `trailguard.iam.policy_holders(input, policy_arn)`: the users and roles that
/// hold a managed policy, by account: `{ACCOUNT: [{"arn", "kind", "name", "key", "ways"}]}`,
/// `key` the principal's key in the account's `Users` or `Roles`, `ways` `"directly"` and
/// `"through group NAME"`; accounts where no one holds it are left out.
pub(crate) fn policy_holders(args: &[Value]) -> anyhow::Result<Value> {
    let [input, Value::String(policy_arn)] = args else {
        anyhow::bail!("takes two arguments: input and a policy ARN (a string)");
    };
    if input.as_object().is_err() {
        anyhow::bail!("input must be a snapshot (an object)");
    }
    let mut by_account: std::collections::BTreeMap<&str, Vec<serde_json::Value>> =
        std::collections::BTreeMap::new();
    for holder in trailguard_iam::policy_holders(input, policy_arn)? {
        let ways: Vec<String> = holder
            .ways
            .iter()
            .map(trailguard_iam::Way::describe)
            .collect();
        by_account
            .entry(holder.account)
            .or_default()
            .push(serde_json::json!({
                "arn": holder.arn, "kind": format!("{:?}", holder.kind), "name": holder.name,
                "key": holder.key, "ways": ways,
            }));
    }
    Value::from_json_str(&serde_json::json!(by_account).to_string())
}

/// The fields of a JSON object.
type Fields = serde_json::Map<String, serde_json::Value>;

/// Who an answer is about: `{"arn", "kind", "name", "account"}`.
fn principal_json(power: &Power<'_>) -> Fields {
    let p = &power.entry.principal;
    Fields::from_iter([
        ("arn".to_string(), serde_json::json!(p.arn)),
        (
            "kind".to_string(),
            serde_json::json!(format!("{:?}", p.kind)),
        ),
        ("name".to_string(), serde_json::json!(power.entry.name)),
        ("account".to_string(), serde_json::json!(p.account)),
    ])
}
