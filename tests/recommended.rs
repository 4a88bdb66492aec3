//! Real-world policies pass clean: the S3 bucket policies and KMS key policies that AWS's
//! CloudTrail documentation recommends, and those the CloudTrail console creates, kept verbatim in
//! tests/fixtures/aws-recommended/ (see its README.md), give no finding from the policy rules
//! TG024, TG025, TG030, TG036 and TG037.
//!
//! Each fixture is put into `inputs/compliant.json` (which gives no finding) in place of the log
//! bucket's or the trail key's policy, and the real binary judges the snapshot. AWS's CloudTrail
//! bucket policies carry no statement denying plain HTTP, so TG036 rightly fires on them alone;
//! with AWS's S3 TLS-only statement (deny-insecure-transport.json) added they give nothing.
//!
//! So that a substitution that missed (a wrong path, a renamed field) cannot pass silently, every
//! fixture is also judged mutated: its source conditions removed, its first Allow opened to
//! everyone, and the rule that guards against that must fire on the substituted resource.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;

use common::{root, trailguard, write};
use serde_json::Value;
use std::collections::BTreeSet;

/// The rules this file is about.
const RULES: [&str; 5] = ["TG024", "TG025", "TG030", "TG036", "TG037"];

/// The log bucket, trail and key of inputs/compliant.json, which the fixtures' placeholders are
/// filled with.
const BUCKET: &str = "org-audit-logs-555555555555";
const BUCKET_ARN: &str = "arn:aws:s3:::org-audit-logs-555555555555";
const TRAIL_ARN: &str = "arn:aws:cloudtrail:eu-central-1:444444444444:trail/org-audit-trail";
const KEY_ARN: &str =
    "arn:aws:kms:eu-central-1:555555555555:key/4e6b1f93-2c7a-4d58-a0e3-9b15c8d2f761";

/// The bucket policies: AWS's documented ones and the one the console creates.
const BUCKET_POLICIES: [&str; 3] = [
    "bucket-policy-doc.json",
    "bucket-policy-org-trail.json",
    "bucket-policy-console.json",
];

/// The key policies: AWS's documented statements and the console's default policy.
const KEY_POLICIES: [&str; 2] = ["key-policy-doc.json", "key-policy-console-default.json"];

/// AWS's S3 example policy that denies requests made without TLS.
const TLS_ONLY: &str = "deny-insecure-transport.json";

/// The condition keys that tie CloudTrail's use of a bucket or key to a trail or account.
const SOURCE_KEYS: [&str; 3] = [
    "aws:sourcearn",
    "aws:sourceaccount",
    "kms:encryptioncontext:aws:cloudtrail:arn",
];

fn fixture(name: &str) -> Value {
    let path = root().join("tests/fixtures/aws-recommended").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

fn compliant() -> Value {
    let text = std::fs::read_to_string(root().join("inputs/compliant.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The snapshot with the log bucket's policy replaced.
fn with_bucket_policy(policy: Value) -> Value {
    let mut snapshot = compliant();
    let slot = snapshot
        .pointer_mut(&format!("/buckets/{BUCKET}/Policy"))
        .expect("compliant.json has the log bucket's policy");
    *slot = policy;
    snapshot
}

/// The snapshot with the trail key's policy replaced.
fn with_key_policy(policy: Value) -> Value {
    let mut snapshot = compliant();
    let slot = snapshot
        .get_mut("kms_keys")
        .and_then(|keys| keys.get_mut(KEY_ARN))
        .and_then(|key| key.get_mut("Policy"))
        .expect("compliant.json has the trail key's policy");
    *slot = policy;
    snapshot
}

fn statements(policy: &mut Value) -> &mut Vec<Value> {
    policy["Statement"]
        .as_array_mut()
        .expect("the fixture's Statement is a list")
}

/// A bucket policy with AWS's TLS-only statement added.
fn with_tls_only(mut policy: Value) -> Value {
    let tls = fixture(TLS_ONLY)["Statement"].as_array().unwrap().clone();
    statements(&mut policy).extend(tls);
    policy
}

/// The policy with every condition on `keys` (lower case) removed, and the operator blocks and
/// Condition elements left empty by that.
fn without_condition_keys(mut policy: Value, keys: &[&str]) -> Value {
    let mut removed = 0;
    for st in statements(&mut policy) {
        let Some(condition) = st.get_mut("Condition").and_then(Value::as_object_mut) else {
            continue;
        };
        for block in condition.values_mut() {
            let block = block.as_object_mut().unwrap();
            let before = block.len();
            block.retain(|k, _| !keys.contains(&k.to_lowercase().as_str()));
            removed += before - block.len();
        }
        condition.retain(|_, block| block.as_object().is_some_and(|b| !b.is_empty()));
        if condition.is_empty() {
            st.as_object_mut().unwrap().remove("Condition");
        }
    }
    assert!(
        removed > 0,
        "the mutation removed no condition from {policy:#}"
    );
    policy
}

/// The policy with its first Allow statement granted to everyone without a condition.
fn first_allow_opened(mut policy: Value) -> Value {
    let st = statements(&mut policy)
        .iter_mut()
        .find(|st| st["Effect"] == "Allow")
        .expect("the fixture has an Allow statement");
    let st = st.as_object_mut().unwrap();
    st.insert("Principal".into(), Value::from("*"));
    st.remove("Condition");
    policy
}

/// A finding of the rules under test: (rule id, resource, message).
type Finding = (String, String, String);

/// Evaluates a snapshot with the real binary; returns the findings of the rules under test.
fn judge(snapshot: &Value) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "snapshot.json",
        &serde_json::to_string_pretty(snapshot).unwrap(),
    );
    let run = trailguard(&["eval", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        run.code, 0,
        "trailguard eval failed:\n{}{}",
        run.stdout, run.stderr
    );
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not a JSON report ({e}):\n{}", run.stdout));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap().to_string();
            (text("rule_id"), text("resource"), text("message"))
        })
        .filter(|(rule, _, _)| RULES.contains(&rule.as_str()))
        .collect()
}

/// Collects the cases whose findings (of the rules under test) are not exactly the expected
/// (rule id, resource) pairs; panics with all of them at the end.
#[derive(Default)]
struct Cases {
    failures: Vec<String>,
}

impl Cases {
    fn expect(&mut self, case: &str, snapshot: &Value, expected: &[(&str, &str)]) {
        let findings = judge(snapshot);
        let actual: BTreeSet<(&str, &str)> = findings
            .iter()
            .map(|(rule, resource, _)| (rule.as_str(), resource.as_str()))
            .collect();
        let expected: BTreeSet<(&str, &str)> = expected.iter().copied().collect();
        if actual != expected {
            let listed: Vec<String> = findings
                .iter()
                .map(|(rule, resource, message)| format!("  {rule} {resource}: {message}"))
                .collect();
            self.failures.push(format!(
                "{case}: expected {expected:?}, got:\n{}",
                if listed.is_empty() {
                    "  (no finding)".to_string()
                } else {
                    listed.join("\n")
                }
            ));
        }
    }

    fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "{} case(s) failed:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}

#[test]
fn the_snapshot_alone_gives_none_of_these_findings() {
    let mut cases = Cases::default();
    cases.expect("inputs/compliant.json", &compliant(), &[]);
    cases.finish();
}

#[test]
fn aws_bucket_policies_give_only_tg036_which_aws_tls_only_statement_settles() {
    let mut cases = Cases::default();
    for name in BUCKET_POLICIES {
        let verbatim = fixture(name);
        cases.expect(
            &format!("{name} verbatim"),
            &with_bucket_policy(verbatim.clone()),
            &[("TG036", BUCKET_ARN)],
        );
        let tls_only = with_tls_only(verbatim);
        cases.expect(
            &format!("{name} + {TLS_ONLY}"),
            &with_bucket_policy(tls_only.clone()),
            &[],
        );
        // Not vacuous: the rules read the substituted policy.
        cases.expect(
            &format!("{name} + {TLS_ONLY}, without aws:SourceArn"),
            &with_bucket_policy(without_condition_keys(tls_only.clone(), &SOURCE_KEYS)),
            &[("TG037", BUCKET_ARN)],
        );
        cases.expect(
            &format!("{name} + {TLS_ONLY}, first Allow open to \"*\""),
            &with_bucket_policy(first_allow_opened(tls_only.clone())),
            &[("TG030", BUCKET_ARN)],
        );
        cases.expect(
            &format!("{name} + {TLS_ONLY}, aws:SecureTransport condition removed"),
            &with_bucket_policy(without_condition_keys(tls_only, &["aws:securetransport"])),
            &[("TG036", BUCKET_ARN)],
        );
    }
    cases.finish();
}

#[test]
fn aws_key_policies_give_no_finding() {
    let mut cases = Cases::default();
    for name in KEY_POLICIES {
        let verbatim = fixture(name);
        cases.expect(
            &format!("{name} verbatim"),
            &with_key_policy(verbatim.clone()),
            &[],
        );
        // Not vacuous: the rules read the substituted policy.
        cases.expect(
            &format!("{name} without source conditions"),
            &with_key_policy(without_condition_keys(verbatim.clone(), &SOURCE_KEYS)),
            &[("TG025", KEY_ARN)],
        );
        cases.expect(
            &format!("{name}, first Allow open to \"*\""),
            &with_key_policy(first_allow_opened(verbatim)),
            &[("TG024", KEY_ARN)],
        );
    }
    // The console's wildcard statements are safe only through kms:CallerAccount.
    let console = "key-policy-console-default.json";
    cases.expect(
        &format!("{console} without kms:CallerAccount"),
        &with_key_policy(without_condition_keys(
            fixture(console),
            &["kms:calleraccount"],
        )),
        &[("TG024", KEY_ARN)],
    );
    cases.finish();
}

/// Every string value of a JSON document, at any depth, with the key it is under.
fn strings<'a>(value: &'a Value, key: &'a str, out: &mut Vec<(&'a str, &'a str)>) {
    match value {
        Value::String(s) => out.push((key, s)),
        Value::Array(items) => items.iter().for_each(|v| strings(v, key, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| strings(v, k, out)),
        _ => {}
    }
}

#[test]
fn fixture_placeholders_name_the_snapshots_bucket_trail_and_key() {
    let snapshot = compliant();
    assert!(snapshot.pointer(&format!("/buckets/{BUCKET}")).is_some());
    assert!(snapshot["trails"].get(TRAIL_ARN).is_some());
    assert!(snapshot["kms_keys"].get(KEY_ARN).is_some());
    let mut problems = Vec::new();
    for name in BUCKET_POLICIES
        .iter()
        .chain(&KEY_POLICIES)
        .chain(&[TLS_ONLY])
    {
        let policy = fixture(name);
        let mut values = Vec::new();
        strings(&policy, "", &mut values);
        for (key, value) in values {
            let fine = match key.to_lowercase().as_str() {
                "aws:sourcearn" => value == TRAIL_ARN,
                "resource" if name.starts_with("key-") => value == "*" || value == KEY_ARN,
                "resource" => value == BUCKET_ARN || value.starts_with(&format!("{BUCKET_ARN}/")),
                _ => true,
            };
            if !fine {
                problems.push(format!("{name}: {key} = {value}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "placeholders not filled with inputs/compliant.json's bucket, trail and key:\n{}",
        problems.join("\n")
    );
}
