//! `trailguard.iam.principals_that_can(input, action, resource)`: who in the snapshot may make a
//! request, answered by `trailguard-iam` over an index of the snapshot's IAM built once.
//!
//! The index of an input is built on the first call and kept while its evaluation runs
//! ([`crate::per_input`]); it reads the parts of the input IAM questions read (each account's
//! `Iam` and `Organization`, the organisations, the buckets' and keys' policies) in place.

use crate::input::answer_value;
use crate::per_input::PerInput;
use regorus::Value;
use std::sync::Arc;
use trailguard_iam::{decision_json, Power, SnapshotIndex};

/// The IAM indexes of the inputs being evaluated.
pub(crate) type IamIndexes = PerInput<SnapshotIndex>;

impl IamIndexes {
    /// The index of `input`, built on first use.
    pub(crate) fn index(&self, input: &Value) -> anyhow::Result<Arc<SnapshotIndex>> {
        // Read in place: copying the input's IAM out first cost more than the rest.
        self.get(input, |input| Ok(SnapshotIndex::new(input)?))
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
        let index = self.index(input)?;
        let answers: Vec<serde_json::Value> = index
            .principals_that_can(action, resource)
            .iter()
            .map(|power| {
                let mut answer = principal_json(power);
                answer.extend(decision_json(&power.decision));
                serde_json::Value::Object(answer)
            })
            .collect();
        answer_value(&answers)
    }

    /// The builtin `trailguard.iam.holders(input, requests)`: `requests` is a list of
    /// `{"action", "resource", "name"}`, or `{"actions": [...], "resource", "name"}` for one
    /// request per action on the same resource (in that order); the answer groups, by principal, the requests each may
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
        let index = self.index(input)?;
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
            let (resource, name) = (field("resource")?, field("name")?);
            for action in request_actions(request)? {
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
        }
        let holders: Vec<serde_json::Value> = order
            .iter()
            .filter_map(|arn| by_arn.remove(arn))
            .map(|(mut principal, granted)| {
                principal.insert("granted".into(), serde_json::Value::Array(granted));
                serde_json::Value::Object(principal)
            })
            .collect();
        answer_value(&holders)
    }
}

/// The actions of a request to `trailguard.iam.holders`: its `action`, or each of its `actions`
/// (one of the two, strings).
fn request_actions(request: &Value) -> anyhow::Result<Vec<&str>> {
    let fields = request
        .as_object()
        .map_err(|_| anyhow::anyhow!("each request must be an object: {request}"))?;
    match (
        fields.get(&Value::from("action")),
        fields.get(&Value::from("actions")),
    ) {
        (Some(Value::String(action)), None) => Ok(vec![action]),
        (None, Some(Value::Array(actions))) => actions
            .iter()
            .map(|a| match a {
                Value::String(a) => Ok(a.as_ref()),
                _ => anyhow::bail!("each of a request's actions must be a string: {request}"),
            })
            .collect(),
        _ => anyhow::bail!(
            "each request needs a string action, or a list of actions (not both): {request}"
        ),
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
    answer_value(&by_account)
}

/// The fields of a JSON object.
type Fields = serde_json::Map<String, serde_json::Value>;

/// The builtin `trailguard.iam.outsiders(statement, owner, trusted)`: the set of whom a resource
/// or trust policy statement lets in from outside `owner`'s account (`"anyone"`, `"account ID"`),
/// `trusted` (a list of account ids) left out (`trailguard_iam::outsiders`).
pub(crate) fn outsiders(args: &[Value]) -> anyhow::Result<Value> {
    let [statement, Value::String(owner), trusted] = args else {
        anyhow::bail!("takes three arguments: a statement, its owner's account id (a string) and the trusted account ids");
    };
    let trusted = account_ids(trusted)?;
    let who = trailguard_iam::outsiders::outsiders(statement, owner, &trusted)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(who_value(who))
}

/// The builtin `trailguard.iam.open_statements(document, owner, trusted)`: the `Allow`
/// statements of a resource policy that let someone in from outside `owner`'s account, as
/// `[{"index", "statement", "who"}]` (`trailguard_iam::outsiders::open_statements`).
pub(crate) fn open_statements(args: &[Value]) -> anyhow::Result<Value> {
    let [document, Value::String(owner), trusted] = args else {
        anyhow::bail!("takes three arguments: a policy document, its owner's account id (a string) and the trusted account ids");
    };
    let trusted = account_ids(trusted)?;
    let open = trailguard_iam::outsiders::open_statements(document, owner, &trusted)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let open: Vec<Value> = open
        .into_iter()
        .map(|o| {
            let fields = [
                ("index", Value::from(o.index)),
                ("statement", o.statement.clone()),
                ("who", who_value(o.who)),
            ];
            Value::from(
                fields
                    .into_iter()
                    .map(|(k, v)| (Value::from(k), v))
                    .collect::<std::collections::BTreeMap<Value, Value>>(),
            )
        })
        .collect();
    Ok(Value::from(open))
}

/// Account ids given as a list (or set) of strings.
fn account_ids(value: &Value) -> anyhow::Result<Vec<&str>> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Set(items) => items.iter().collect(),
        _ => anyhow::bail!("the trusted account ids must be a list of strings"),
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::String(id) => Ok(id.as_ref()),
            other => anyhow::bail!("the trusted account ids must be strings, not {other}"),
        })
        .collect()
}

fn who_value(who: std::collections::BTreeSet<String>) -> Value {
    Value::from(
        who.into_iter()
            .map(Value::from)
            .collect::<std::collections::BTreeSet<Value>>(),
    )
}

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

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: fail loudly.
mod tests {
    use super::*;

    fn actions(request: &str) -> Result<Vec<String>, String> {
        let request = Value::from_json_str(request).unwrap();
        request_actions(&request)
            .map(|a| a.into_iter().map(str::to_string).collect())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_request_gives_an_action_or_a_list_of_actions_not_both() {
        assert_eq!(
            actions(r#"{"action": "s3:GetObject"}"#).unwrap(),
            ["s3:GetObject"]
        );
        assert_eq!(
            actions(r#"{"actions": ["s3:DeleteObject", "s3:DeleteBucket"]}"#).unwrap(),
            ["s3:DeleteObject", "s3:DeleteBucket"]
        );
        for wrong in [
            r#"{"action": "s3:GetObject", "actions": ["s3:GetObject"]}"#,
            r#"{"resource": "arn:aws:s3:::b"}"#,
            r#"{"action": ["s3:GetObject"]}"#,
        ] {
            let error = actions(wrong).unwrap_err();
            assert!(
                error.contains("a string action, or a list of actions"),
                "{error}"
            );
        }
        let error = actions(r#"{"actions": ["s3:GetObject", 3]}"#).unwrap_err();
        assert!(error.contains("must be a string"), "{error}");
        assert!(actions(r#""s3:GetObject""#).is_err());
    }
}
