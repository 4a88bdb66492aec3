//! One request and every policy that applies to it, written as JSON: the form
//! `trailguard.iam.decide` takes in Rego and the documented cases are written in.
//!
//! ```json
//! {
//!   "principal": {"arn": "arn:aws:iam::222222222222:role/admin", "kind": "role"},
//!   "action": "cloudtrail:StopLogging",
//!   "resource": "arn:aws:cloudtrail:us-east-1:222222222222:trail/org",
//!   "resource_account": "222222222222",
//!   "context": {"aws:MultiFactorAuthPresent": "true", "aws:SourceIp": null},
//!   "identity": [{"Statement": [...]}, {"name": "role admin inline policy ops", "document": {...}}],
//!   "boundary": {...},
//!   "scps": [[root level policies], [OU level policies], [account level policies]],
//!   "rcps": [[...]],
//!   "resource_policy": {...}   or   "key_policy": {...}
//! }
//! ```
//!
//! `kind` is `user`, `role`, `root` or `service` (an AWS service principal acting for itself,
//! `{"arn": "cloudtrail.amazonaws.com", "kind": "service"}`: only the resource's policy grants
//! it, SCPs do not apply, and `resource_account` is required); `resource_account` defaults to
//! the principal's account (the fifth field of its ARN). In `context`, a string or a list of strings is the key's value
//! in the request, `null` says the request does not carry the key, and a key not listed is
//! unknown. Any policy field may be the string `"unknown"`: a policy that exists but was not
//! read, on which the verdict is then conditional (`"scps"` and `"rcps"` excepted: they can only
//! deny, so the verdict stands and `unless` names them). The answer ([`answer`]) is
//! `{"decision": "allow" | "deny" | "conditional" | "implicit_deny", "grants": [...],
//! "denied_by": [...], "conditions": [...], "unless": [...]}`, each statement as
//! `{"policy", "statement", "sid"}`.

use crate::condition::Context;
use crate::evaluate::{
    decide, Decision, Known, OrgLevels, Policies, Principal, PrincipalKind, Request,
    ResourcePolicy, Source, StatementRef, Verdict, UNREAD_RCPS, UNREAD_SCPS,
};
use crate::policy::{Policy, PolicyError};
use crate::Json;
use crate::SnapshotIndex;
use serde_json::{json, Map, Value};

/// Why a question could not be asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    /// A field is missing or of the wrong type.
    #[error("{field}: {message}")]
    Field {
        /// The field, as a path (`identity[1]`, `scps[0][2]`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A policy document is malformed.
    #[error("{field}: {source}")]
    Policy {
        /// The field holding the policy.
        field: String,
        /// What is wrong with it.
        source: PolicyError,
    },
}

fn field_error(field: &str, message: impl Into<String>) -> QuestionError {
    QuestionError::Field {
        field: field.to_string(),
        message: message.into(),
    }
}

/// A policy of a question: its name and document.
struct Named {
    name: String,
    policy: Policy,
}

/// A policy field: absent, `"unknown"`, or policies.
enum Field<T> {
    Absent,
    Unknown,
    Is(T),
}

/// Answers a question written as JSON (see the module documentation).
///
/// ```
/// let answer = trailguard_iam::answer(&serde_json::json!({
///     "principal": {"arn": "arn:aws:iam::111111111111:user/jane", "kind": "user"},
///     "action": "cloudtrail:StopLogging",
///     "resource": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org",
///     "identity": [{"Statement": [{"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "*"}]}],
///     "boundary": "unknown"
/// })).unwrap();
/// assert_eq!(answer["decision"], "conditional");
/// assert_eq!(answer["conditions"][0], "the permissions boundary (not collected)");
/// ```
pub fn answer(question: &Value) -> Result<Value, QuestionError> {
    Ok(Value::Object(decision_json(&ask(question)?)))
}

/// Answers a question written as JSON, as a [`Decision`].
pub fn ask(question: &Value) -> Result<Decision, QuestionError> {
    ask_with(question, None)
}

/// [`ask`], in a snapshot: the control policies a question leaves out are the snapshot's (its
/// IAM `index`): the SCPs of the principal's account and the RCPs of the resource's account,
/// read, unread or none, as [`SnapshotIndex::principals_that_can`] applies them. A question
/// that gives `scps` or `rcps` (a list, `"unknown"`) keeps its own.
///
/// ```
/// use serde_json::json;
/// let index = trailguard_iam::SnapshotIndex::new(&json!({})).unwrap();
/// let question = json!({
///     "principal": {"arn": "cloudtrail.amazonaws.com", "kind": "service"},
///     "action": "s3:PutObject", "resource": "arn:aws:s3:::logs/x", "resource_account": "111111111111",
///     "resource_policy": {"Statement": [{"Effect": "Allow",
///         "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "*"}]}
/// });
/// // The account was not collected: its RCPs may deny.
/// let decision = trailguard_iam::ask_in(&question, &index).unwrap();
/// assert_eq!(decision.verdict, trailguard_iam::Verdict::Allow);
/// assert!(decision.unless.contains(trailguard_iam::UNREAD_RCPS));
/// ```
pub fn ask_in(question: &Value, index: &SnapshotIndex) -> Result<Decision, QuestionError> {
    ask_with(question, Some(index))
}

fn ask_with(question: &Value, index: Option<&SnapshotIndex>) -> Result<Decision, QuestionError> {
    let q = question.as_object().ok_or_else(|| {
        field_error(
            "question",
            format!("must be an object, not {}", question.describe()),
        )
    })?;
    for key in q.keys() {
        if !KEYS.contains(&key.as_str()) {
            return Err(field_error(
                key,
                format!("unknown field; the fields are {}", KEYS.join(", ")),
            ));
        }
    }
    let principal = principal(q)?;
    let text = |name: &str| -> Result<&str, QuestionError> {
        match q.get(name) {
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(field_error(
                name,
                format!("must be a string, not {}", other.describe()),
            )),
            None => Err(field_error(name, "is required")),
        }
    };
    let action = text("action")?;
    let resource = text("resource")?;
    let resource_account = match q.get("resource_account") {
        None => principal.account.as_str(),
        Some(_) => text("resource_account")?,
    };
    let context = context(q.get("context"))?;
    let mut identity = Vec::new();
    let mut unread_identity = Vec::new();
    match q.get("identity") {
        None => {}
        Some(Value::Array(list)) => {
            for (i, v) in list.iter().enumerate() {
                let default_name = format!("identity policy {i}");
                match (v, v.get("document")) {
                    (Value::String(s), _) if s == "unknown" => {
                        unread_identity.push(format!("{default_name} (not collected)"))
                    }
                    (_, Some(Value::String(s))) if s == "unknown" => {
                        let name = v.get("name").and_then(Value::as_str);
                        let name = name.unwrap_or(&default_name);
                        unread_identity.push(format!("{name} (not collected)"))
                    }
                    _ => identity.push(named(&format!("identity[{i}]"), v, &default_name)?),
                }
            }
        }
        Some(other) => {
            return Err(field_error(
                "identity",
                format!("must be a list, not {}", other.describe()),
            ))
        }
    }
    let boundary = one(q, "boundary", "permissions boundary")?;
    let scps = levels(q, "scps", "SCP")?;
    let rcps = levels(q, "rcps", "RCP")?;
    let resource_policy = one(q, "resource_policy", "resource policy")?;
    let key_policy = one(q, "key_policy", "key policy")?;

    let identity_sources: Vec<Source<'_>> = identity.iter().map(source).collect();
    let scp_sources = level_sources(&scps);
    let rcp_sources = level_sources(&rcps);
    let own_policy = match (&resource_policy, &key_policy) {
        (Field::Absent, Field::Absent) => ResourcePolicy::None,
        (field, Field::Absent) => ResourcePolicy::Resource(known(field, UNREAD_RESOURCE)),
        (Field::Absent, field) => ResourcePolicy::Key(known(field, UNREAD_RESOURCE)),
        _ => {
            return Err(field_error(
                "key_policy",
                "a question has a resource_policy or a key_policy, not both",
            ))
        }
    };
    let request = Request {
        principal: &principal,
        action,
        resource,
        resource_account,
        context: &context,
    };
    let decide_under = |scps: OrgLevels<'_>, rcps: OrgLevels<'_>| {
        decide(
            &request,
            &Policies {
                identity: &identity_sources,
                unread_identity: &unread_identity,
                boundary: known(&boundary, UNREAD_BOUNDARY),
                scps,
                rcps,
                resource: own_policy,
            },
        )
    };
    let given_scps = org(&scps, &scp_sources, UNREAD_SCPS);
    let given_rcps = org(&rcps, &rcp_sources, UNREAD_RCPS);
    Ok(match index {
        None => decide_under(given_scps, given_rcps),
        Some(index) => index.with_scps(&principal.account, |snapshot_scps| {
            index.with_rcps(resource_account, |snapshot_rcps| {
                let scps = match scps {
                    Field::Absent => snapshot_scps,
                    _ => given_scps,
                };
                let rcps = match rcps {
                    Field::Absent => snapshot_rcps,
                    _ => given_rcps,
                };
                decide_under(scps, rcps)
            })
        }),
    })
}

/// The fields of a question.
const KEYS: &[&str] = &[
    "principal",
    "action",
    "resource",
    "resource_account",
    "context",
    "identity",
    "boundary",
    "scps",
    "rcps",
    "resource_policy",
    "key_policy",
];

/// What an unread policy of each kind is called in a decision's conditions.
pub const UNREAD_BOUNDARY: &str = "the permissions boundary (not collected)";
/// See [`UNREAD_BOUNDARY`].
pub const UNREAD_RESOURCE: &str = "the resource policy (not collected)";

fn principal(q: &Map<String, Value>) -> Result<Principal, QuestionError> {
    let p = q
        .get("principal")
        .ok_or_else(|| field_error("principal", "is required"))?;
    let arn = p
        .get("arn")
        .and_then(Value::as_str)
        .ok_or_else(|| field_error("principal.arn", "is required, a string"))?;
    if p.get("kind").and_then(Value::as_str) == Some("service") {
        // A service principal is named by itself and acts in the resource's account.
        if !arn.ends_with(".amazonaws.com") || arn.contains(':') {
            return Err(field_error(
                "principal.arn",
                format!("{arn} is not a service principal (such as cloudtrail.amazonaws.com)"),
            ));
        }
        let account = match q.get("resource_account") {
            Some(Value::String(account)) => account,
            _ => {
                return Err(field_error(
                    "resource_account",
                    "is required (a string) when the principal is a service",
                ))
            }
        };
        return Ok(Principal {
            arn: arn.to_string(),
            account: account.clone(),
            kind: PrincipalKind::Service,
        });
    }
    let account = arn
        .split(':')
        .nth(4)
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            field_error(
                "principal.arn",
                format!("{arn} is not an IAM ARN with an account"),
            )
        })?;
    let kind = match p.get("kind").and_then(Value::as_str) {
        Some("user") => PrincipalKind::User,
        Some("role") => PrincipalKind::Role,
        Some("root") => PrincipalKind::Root,
        _ => {
            return Err(field_error(
                "principal.kind",
                "must be \"user\", \"role\", \"root\" or \"service\"",
            ))
        }
    };
    Ok(Principal {
        arn: arn.to_string(),
        account: account.to_string(),
        kind,
    })
}

fn context(value: Option<&Value>) -> Result<Context, QuestionError> {
    let mut context = Context::new();
    let Some(value) = value else {
        return Ok(context);
    };
    let keys = value.as_object().ok_or_else(|| {
        field_error(
            "context",
            format!("must be an object, not {}", value.describe()),
        )
    })?;
    for (key, value) in keys {
        context = match value {
            Value::Null => context.without(key),
            Value::String(s) => context.with(key, s.clone()),
            Value::Bool(b) => context.with(key, b.to_string()),
            Value::Number(n) => context.with(key, n.to_string()),
            Value::Array(items) => context.with_values(
                key,
                items
                    .iter()
                    .map(|i| match i {
                        Value::String(s) => Ok(s.clone()),
                        other => Err(field_error(
                            &format!("context.{key}"),
                            format!("must hold strings, not {}", other.describe()),
                        )),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Value::Object(_) => {
                return Err(field_error(
                    &format!("context.{key}"),
                    "must be a string, a list of strings or null",
                ))
            }
        };
    }
    Ok(context)
}

/// A policy: a document, or `{"name", "document"}`.
fn named(field: &str, value: &Value, default_name: &str) -> Result<Named, QuestionError> {
    let (name, document) = match (value.get("name"), value.get("document")) {
        (Some(Value::String(name)), Some(document)) => (name.clone(), document),
        _ => (default_name.to_string(), value),
    };
    let policy = Policy::parse(document).map_err(|source| QuestionError::Policy {
        field: field.to_string(),
        source,
    })?;
    Ok(Named { name, policy })
}

fn one(q: &Map<String, Value>, field: &str, name: &str) -> Result<Field<Named>, QuestionError> {
    Ok(match q.get(field) {
        None | Some(Value::Null) => Field::Absent,
        Some(Value::String(s)) if s == "unknown" => Field::Unknown,
        Some(value) => Field::Is(named(field, value, name)?),
    })
}

fn levels(
    q: &Map<String, Value>,
    field: &str,
    name: &str,
) -> Result<Field<Vec<Vec<Named>>>, QuestionError> {
    Ok(match q.get(field) {
        None | Some(Value::Null) => Field::Absent,
        Some(Value::String(s)) if s == "unknown" => Field::Unknown,
        Some(Value::Array(levels)) => Field::Is(
            levels
                .iter()
                .enumerate()
                .map(|(l, level)| match level {
                    Value::Array(list) => list
                        .iter()
                        .enumerate()
                        .map(|(i, v)| {
                            named(&format!("{field}[{l}][{i}]"), v, &format!("{name} {l}.{i}"))
                        })
                        .collect(),
                    other => Err(field_error(
                        &format!("{field}[{l}]"),
                        format!("must be a list of policies, not {}", other.describe()),
                    )),
                })
                .collect::<Result<_, _>>()?,
        ),
        Some(other) => {
            return Err(field_error(
                field,
                format!(
                    "must be a list of levels or \"unknown\", not {}",
                    other.describe()
                ),
            ))
        }
    })
}

fn source(named: &Named) -> Source<'_> {
    Source {
        name: &named.name,
        policy: &named.policy,
    }
}

fn level_sources(field: &Field<Vec<Vec<Named>>>) -> Vec<Vec<Source<'_>>> {
    match field {
        Field::Is(levels) => levels
            .iter()
            .map(|l| l.iter().map(source).collect())
            .collect(),
        Field::Absent | Field::Unknown => Vec::new(),
    }
}

fn known<'a>(field: &'a Field<Named>, unread: &'a str) -> Known<'a, Source<'a>> {
    match field {
        Field::Absent => Known::None,
        Field::Unknown => Known::Unknown(unread),
        Field::Is(named) => Known::Is(source(named)),
    }
}

fn org<'a>(
    field: &Field<Vec<Vec<Named>>>,
    sources: &'a [Vec<Source<'a>>],
    unread: &'a str,
) -> Known<'a, &'a [Vec<Source<'a>>]> {
    match field {
        Field::Absent => Known::None,
        Field::Unknown => Known::Unknown(unread),
        Field::Is(_) => Known::Is(sources),
    }
}

/// A decision as the fields of a JSON object: `decision` (`allow`, `deny`, `conditional`,
/// `implicit_deny`), `grants` and `denied_by` (each statement as `{"policy", "statement",
/// "sid"}`), `conditions` and `unless`. The one JSON form of a decision: `trailguard.iam.decide` answers
/// with it, and the snapshot builtins add the principal's fields to it.
pub fn decision_json(decision: &Decision) -> Map<String, Value> {
    let statements = |list: &[StatementRef]| -> Value {
        list.iter()
            .map(|s| json!({"policy": s.policy, "statement": s.index, "sid": s.sid}))
            .collect()
    };
    let verdict = match decision.verdict {
        Verdict::Allow => "allow",
        Verdict::Deny => "deny",
        Verdict::Conditional => "conditional",
        Verdict::ImplicitDeny => "implicit_deny",
    };
    Map::from_iter([
        ("decision".to_string(), json!(verdict)),
        ("grants".to_string(), statements(&decision.grants)),
        ("denied_by".to_string(), statements(&decision.denied_by)),
        ("conditions".to_string(), json!(decision.conditions)),
        ("unless".to_string(), json!(decision.unless)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_question_names_its_field() {
        let base = json!({
            "principal": {"arn": "arn:aws:iam::111111111111:user/jane", "kind": "user"},
            "action": "s3:DeleteObject",
            "resource": "arn:aws:s3:::b/k"
        });
        assert_eq!(answer(&base).unwrap()["decision"], "implicit_deny");
        for (change, expected) in [
            (
                json!({"principal": {"arn": "jane", "kind": "user"}}),
                "principal.arn: jane is not an IAM ARN",
            ),
            (
                json!({"principal": {"arn": "arn:aws:iam::111111111111:user/jane", "kind": "group"}}),
                "principal.kind",
            ),
            (json!({"action": 1}), "action: must be a string"),
            (
                json!({"identity": [{"Statement": [{"Effect": "Allow"}]}]}),
                "identity[0]: statement 0: a statement must have an Action",
            ),
            (
                json!({"scps": [{"Statement": []}]}),
                "scps[0]: must be a list of policies",
            ),
            (
                json!({"resource_policy": {"Statement": []}, "key_policy": {"Statement": []}}),
                "not both",
            ),
            (json!({"identiy": []}), "identiy: unknown field"),
            (json!({"context": {"k": {"a": 1}}}), "context.k"),
        ] {
            let mut q = base.clone();
            for (k, v) in change.as_object().unwrap() {
                q[k] = v.clone();
            }
            let error = answer(&q).unwrap_err().to_string();
            assert!(error.contains(expected), "{change}: {error}");
        }
    }

    #[test]
    fn in_a_snapshot_the_control_policies_left_out_are_the_snapshots() {
        // Account 222222222222 is a member whose root has an SCP denying StopLogging and an RCP
        // denying s3:*; both types are enabled, each with AWS's full-access policy everywhere.
        let full = |name: &str, principal: bool| {
            let mut statement = json!({"Effect": "Allow", "Action": "*", "Resource": "*"});
            if principal {
                statement["Principal"] = json!("*");
            }
            json!({"Name": name, "Targets": ["r-1", "222222222222"], "Content": {"Statement": [statement]}})
        };
        let snapshot = json!({
            "accounts": {"222222222222": {"Organization": {"Id": "o-1", "MasterAccountId": "999999999999"}}},
            "organizations": {"o-1": {
                "Root": {"Id": "r-1", "PolicyTypes": ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]},
                "Parents": {"222222222222": "r-1"},
                "ServiceControlPolicies": {"full": full("FullAWSAccess", false), "deny": {
                    "Name": "no-stop", "Targets": ["r-1"], "Content": {"Statement": [
                        {"Effect": "Deny", "Action": "cloudtrail:StopLogging", "Resource": "*"}]}}},
                "ResourceControlPolicies": {"full": full("RCPFullAWSAccess", true), "deny": {
                    "Name": "no-s3", "Targets": ["r-1"], "Content": {"Statement": [
                        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}}},
            }},
        });
        let index = SnapshotIndex::new(&snapshot).unwrap();
        let admin = json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
        let stop = json!({
            "principal": {"arn": "arn:aws:iam::222222222222:role/admin", "kind": "role"},
            "action": "cloudtrail:StopLogging",
            "resource": "arn:aws:cloudtrail:us-east-1:222222222222:trail/t",
            "identity": [admin],
        });
        let verdict = |q: &Value| ask_in(q, &index).unwrap().verdict;
        assert_eq!(ask(&stop).unwrap().verdict, Verdict::Allow);
        assert_eq!(verdict(&stop), Verdict::Deny);
        let mut delete = stop.clone();
        delete["action"] = json!("s3:DeleteObject");
        delete["resource"] = json!("arn:aws:s3:::b/k");
        assert_eq!(verdict(&delete), Verdict::Deny);
        // A question's own control policies stand: none at all, or unread.
        delete["rcps"] = json!([]);
        assert_eq!(verdict(&delete), Verdict::Allow);
        delete["rcps"] = json!("unknown");
        let decision = ask_in(&delete, &index).unwrap();
        assert_eq!(decision.verdict, Verdict::Allow);
        assert!(decision.unless.contains(UNREAD_RCPS));
    }
}
