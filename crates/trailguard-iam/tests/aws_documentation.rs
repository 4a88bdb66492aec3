//! The cases of AWS's policy evaluation documentation, as data: `cases/aws_documentation.json`
//! holds one request per case with every policy that applies, the page it comes from, and the
//! verdict AWS documents (and, for a conditional verdict, exactly what it depends on).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use serde_json::Value;
use std::collections::BTreeSet;
use trailguard_iam::*;

const CASES: &str = include_str!("cases/aws_documentation.json");

fn policy(document: &Value) -> Policy {
    Policy::parse(document).unwrap_or_else(|e| panic!("{document}: {e}"))
}

/// A policy field of a case: absent, `"unknown"`, or a document.
enum Field<T> {
    Absent,
    Unknown,
    Is(T),
}

fn field<T>(case: &Value, name: &str, read: impl Fn(&Value) -> T) -> Field<T> {
    match case.get(name) {
        None => Field::Absent,
        Some(Value::String(s)) if s == "unknown" => Field::Unknown,
        Some(value) => Field::Is(read(value)),
    }
}

fn levels(value: &Value) -> Vec<Vec<Policy>> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|level| level.as_array().unwrap().iter().map(policy).collect())
        .collect()
}

fn named<'a>(policies: &'a [Vec<Policy>], what: &'a str) -> Vec<Vec<Source<'a>>> {
    policies
        .iter()
        .map(|list| {
            list.iter()
                .map(|policy| Source { name: what, policy })
                .collect()
        })
        .collect()
}

fn org<'a>(
    field: &Field<Vec<Vec<Policy>>>,
    sources: &'a [Vec<Source<'a>>],
    what: &'a str,
) -> OrgLevels<'a> {
    match field {
        Field::Absent => Known::None,
        Field::Unknown => Known::Unknown(what),
        Field::Is(_) => Known::Is(sources),
    }
}

fn source<'a>(field: &'a Field<Policy>, name: &'a str, what: &'a str) -> Known<'a, Source<'a>> {
    match field {
        Field::Absent => Known::None,
        Field::Unknown => Known::Unknown(what),
        Field::Is(policy) => Known::Is(Source { name, policy }),
    }
}

#[test]
fn every_documented_case_gets_the_documented_verdict() {
    let cases: Vec<Value> = serde_json::from_str(CASES).unwrap();
    assert!(cases.len() >= 30, "the table lost cases: {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let arn = case["principal"]["arn"].as_str().unwrap();
        let account = arn.split(':').nth(4).unwrap().to_string();
        let principal = Principal {
            arn: arn.to_string(),
            account: account.clone(),
            kind: match case["principal"]["kind"].as_str().unwrap() {
                "user" => PrincipalKind::User,
                "role" => PrincipalKind::Role,
                "root" => PrincipalKind::Root,
                other => panic!("{name}: principal kind {other}"),
            },
        };
        let mut context = Context::new();
        if let Some(keys) = case.get("context").and_then(Value::as_object) {
            for (key, value) in keys {
                context = match value {
                    Value::Null => context.without(key),
                    Value::String(s) => context.with(key, s.clone()),
                    Value::Array(items) => context
                        .with_values(key, items.iter().map(|i| i.as_str().unwrap().to_string())),
                    other => panic!("{name}: context value {other}"),
                };
            }
        }
        let identity: Vec<Policy> = case
            .get("identity")
            .map(|list| list.as_array().unwrap().iter().map(policy).collect())
            .unwrap_or_default();
        let identity: Vec<Source<'_>> = identity
            .iter()
            .enumerate()
            .map(|(i, policy)| Source {
                name: [
                    "identity policy 0",
                    "identity policy 1",
                    "identity policy 2",
                ][i],
                policy,
            })
            .collect();
        let boundary = field(case, "boundary", policy);
        let scps = field(case, "scps", levels);
        let rcps = field(case, "rcps", levels);
        let resource_policy = field(case, "resource_policy", policy);
        let key_policy = field(case, "key_policy", policy);
        let scp_sources = match &scps {
            Field::Is(levels) => named(levels, "SCP"),
            _ => Vec::new(),
        };
        let rcp_sources = match &rcps {
            Field::Is(levels) => named(levels, "RCP"),
            _ => Vec::new(),
        };
        let resource = match (&resource_policy, &key_policy) {
            (Field::Absent, Field::Absent) => ResourcePolicy::None,
            (_, Field::Absent) => ResourcePolicy::Resource(source(
                &resource_policy,
                "bucket policy",
                "the resource policy (not collected)",
            )),
            (Field::Absent, _) => ResourcePolicy::Key(source(
                &key_policy,
                "key policy",
                "the resource policy (not collected)",
            )),
            _ => panic!("{name}: a resource policy and a key policy"),
        };
        let policies = Policies {
            identity: &identity,
            boundary: source(
                &boundary,
                "permissions boundary",
                "the permissions boundary (not collected)",
            ),
            scps: org(
                &scps,
                &scp_sources,
                "the service control policies (not collected)",
            ),
            rcps: org(
                &rcps,
                &rcp_sources,
                "the resource control policies (not collected)",
            ),
            resource,
        };
        let resource_account = case
            .get("resource_account")
            .and_then(Value::as_str)
            .unwrap_or(&account);
        let request = Request {
            principal: &principal,
            action: case["action"].as_str().unwrap(),
            resource: case["resource"].as_str().unwrap(),
            resource_account,
            context: &context,
        };
        let decision = decide(&request, &policies);
        let expected = case["expect"].as_str().unwrap();
        if format!("{:?}", decision.verdict) != expected {
            failures.push(format!(
                "{name} ({}): expected {expected}, got {decision:?}",
                case["source"]
            ));
            continue;
        }
        if let Some(conditions) = case.get("conditions") {
            let expected: BTreeSet<String> = conditions
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect();
            if decision.conditions != expected {
                failures.push(format!(
                    "{name}: conditions {:?}, expected {expected:?}",
                    decision.conditions
                ));
            }
        }
        // What a decision names must match its verdict.
        match decision.verdict {
            Verdict::Deny if decision.denied_by.is_empty() => {
                failures.push(format!("{name}: a deny that names no statement"))
            }
            Verdict::Allow
                if decision.grants.is_empty() && principal.kind != PrincipalKind::Root =>
            {
                failures.push(format!("{name}: an allow that names no statement"))
            }
            Verdict::Conditional if decision.conditions.is_empty() => failures.push(format!(
                "{name}: a conditional verdict that names no condition"
            )),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
