//! Principals of other accounts: a bucket or key policy that grants to another collected
//! account (or to one of its principals) lets those of its principals whose own identity
//! policies allow the request make it; AWS's "Cross-account policy evaluation logic" needs both
//! sides. Their own account's SCPs bind them, and the resource account's RCPs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use serde_json::{json, Value};
use trailguard_iam::*;

/// Owns the log bucket, the trail and the key.
const OWNER: &str = "111111111111";
/// The other account, and a third one nothing grants to.
const OTHER: &str = "222222222222";
const THIRD: &str = "333333333333";
const TRAIL: &str = "arn:aws:cloudtrail:us-east-1:111111111111:trail/main";
const KEY: &str = "arn:aws:kms:us-east-1:111111111111:key/k";
const LOG: &str = "arn:aws:s3:::logs/AWSLogs/111111111111/x.json.gz";

fn role(account: &str, name: &str, statements: Value) -> (String, Value) {
    let mut role = json!({"RoleName": name, "Arn": format!("arn:aws:iam::{account}:role/{name}")});
    if !statements.is_null() {
        role["RolePolicyList"] =
            json!([{"PolicyName": "p", "PolicyDocument": {"Statement": statements}}]);
    }
    (name.to_string(), role)
}

/// An admin, a role that may only read, and a role with a managed policy the snapshot lacks.
fn account(id: &str) -> Value {
    let roles: serde_json::Map<String, Value> = [
        role(
            id,
            "admin",
            json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
        ),
        role(
            id,
            "reader",
            json!([{"Effect": "Allow", "Action": ["s3:Get*", "kms:Describe*"], "Resource": "*"}]),
        ),
        {
            let (name, mut r) = role(id, "opaque", Value::Null);
            r["AttachedManagedPolicies"] =
                json!([{"PolicyName": "Hidden", "PolicyArn": format!("arn:aws:iam::{id}:policy/Hidden")}]);
            (name, r)
        },
    ]
    .into_iter()
    .collect();
    json!({"Organization": null, "Iam": {"Users": {}, "Groups": {}, "Policies": {}, "Roles": roles}})
}

/// Three accounts; the bucket and key policies are given (`null`: none).
fn snapshot(bucket_policy: Value, key_policy: Value) -> Value {
    json!({
        "accounts": {OWNER: account(OWNER), OTHER: account(OTHER), THIRD: account(THIRD)},
        "buckets": {"logs": {"OwnerAccount": OWNER, "Policy": bucket_policy}},
        "kms_keys": {KEY: {"Policy": key_policy}},
    })
}

fn grant(principal: &str, action: &str, resource: &str) -> Value {
    json!({"Statement": [{"Sid": "Grant", "Effect": "Allow", "Principal": {"AWS": principal},
        "Action": action, "Resource": resource}]})
}

/// The principals listed, as `account/role verdict`.
fn listed(snapshot: &Value, action: &str, resource: &str) -> Vec<String> {
    SnapshotIndex::new(snapshot)
        .unwrap()
        .principals_that_can(action, resource)
        .iter()
        .map(|p| {
            format!(
                "{}/{} {:?}",
                p.entry.principal.account, p.entry.name, p.decision.verdict
            )
        })
        .collect()
}

/// The decision for the other account's admin, which must be listed.
fn other_admin(snapshot: &Value, action: &str, resource: &str) -> Decision {
    let index = SnapshotIndex::new(snapshot).unwrap();
    let powers = index.principals_that_can(action, resource);
    let admin = powers
        .iter()
        .find(|p| p.entry.principal.arn == "arn:aws:iam::222222222222:role/admin")
        .unwrap();
    admin.decision.clone()
}

#[test]
fn a_bucket_policy_naming_another_account_lets_its_principals_whose_policies_allow() {
    let s = snapshot(
        grant(
            &format!("arn:aws:iam::{OTHER}:root"),
            "s3:DeleteObject",
            "arn:aws:s3:::logs/*",
        ),
        Value::Null,
    );
    assert_eq!(
        listed(&s, "s3:DeleteObject", LOG),
        [
            "111111111111/admin Allow",
            "111111111111/opaque Conditional",
            "222222222222/admin Allow",
            "222222222222/opaque Conditional",
        ]
    );
    // The bare account id names the account too; the grant covers no other action.
    let s = snapshot(
        grant(OTHER, "s3:DeleteObject", "arn:aws:s3:::logs/*"),
        Value::Null,
    );
    assert!(listed(&s, "s3:DeleteObject", LOG).contains(&"222222222222/admin Allow".into()));
    assert!(!listed(&s, "s3:DeleteBucket", "arn:aws:s3:::logs")
        .iter()
        .any(|p| p.starts_with(OTHER)));
}

#[test]
fn the_grant_names_the_statements_of_both_sides() {
    let s = snapshot(
        grant(OTHER, "s3:DeleteObject", "arn:aws:s3:::logs/*"),
        Value::Null,
    );
    let other = other_admin(&s, "s3:DeleteObject", LOG);
    let grants: Vec<(&str, Option<&str>)> = other
        .grants
        .iter()
        .map(|g| (g.policy.as_str(), g.sid.as_deref()))
        .collect();
    assert_eq!(
        grants,
        [
            ("role admin inline policy p", None),
            ("bucket policy of logs", Some("Grant"))
        ]
    );
}

#[test]
fn a_bucket_policy_naming_a_role_lets_only_that_role_and_only_if_its_policies_allow() {
    let named = |name: &str| {
        snapshot(
            grant(
                &format!("arn:aws:iam::{OTHER}:role/{name}"),
                "s3:DeleteObject",
                "arn:aws:s3:::logs/*",
            ),
            Value::Null,
        )
    };
    let others = |s: &Value| -> Vec<String> {
        listed(s, "s3:DeleteObject", LOG)
            .into_iter()
            .filter(|p| !p.starts_with(OWNER))
            .collect()
    };
    assert_eq!(others(&named("admin")), ["222222222222/admin Allow"]);
    // Across accounts the bucket policy alone does not grant: the reader's own policies do not
    // allow the deletion.
    assert!(others(&named("reader")).is_empty());
}

#[test]
fn a_trail_is_never_granted_across_accounts() {
    let s = snapshot(
        grant(OTHER, "*", "*"),
        grant(&format!("arn:aws:iam::{OTHER}:root"), "kms:*", "*"),
    );
    assert_eq!(
        listed(&s, "cloudtrail:StopLogging", TRAIL),
        [
            "111111111111/admin Allow",
            "111111111111/opaque Conditional"
        ]
    );
}

#[test]
fn a_key_policy_granting_another_account_lets_its_principals_use_the_key_not_manage_it() {
    let s = snapshot(
        Value::Null,
        grant(&format!("arn:aws:iam::{OTHER}:root"), "kms:*", "*"),
    );
    // The key policy does not delegate to its own account: only the other account's
    // principals may use the key.
    assert_eq!(
        listed(&s, "kms:Decrypt", KEY),
        [
            "222222222222/admin Allow",
            "222222222222/opaque Conditional"
        ]
    );
    // Disabling or deleting a key is never possible from another account ("Cross-account use:
    // No" in the KMS API reference), whatever the key policy grants.
    assert!(listed(&s, "kms:DisableKey", KEY).is_empty());
    assert!(listed(&s, "kms:ScheduleKeyDeletion", KEY).is_empty());
}

#[test]
fn a_bucket_policy_cannot_be_replaced_or_deleted_from_another_account() {
    let s = snapshot(grant(OTHER, "s3:*", "*"), Value::Null);
    let others = |action: &str, resource: &str| -> Vec<String> {
        listed(&s, action, resource)
            .into_iter()
            .filter(|p| p.starts_with(OTHER))
            .collect()
    };
    // S3 answers 405 to a caller outside the bucket owner's account.
    assert!(others("s3:PutBucketPolicy", "arn:aws:s3:::logs").is_empty());
    assert!(others("s3:DeleteBucketPolicy", "arn:aws:s3:::logs").is_empty());
    // Deleting the objects, or the bucket, is not refused that way.
    assert_eq!(
        others("s3:DeleteObject", LOG),
        [
            "222222222222/admin Allow",
            "222222222222/opaque Conditional"
        ]
    );
    assert_eq!(
        others("s3:DeleteBucket", "arn:aws:s3:::logs"),
        [
            "222222222222/admin Allow",
            "222222222222/opaque Conditional"
        ]
    );
}

#[test]
fn an_unread_or_missing_resource_policy_grants_nothing_across_accounts() {
    let mut s = snapshot(Value::Null, Value::Null);
    assert!(!listed(&s, "s3:DeleteObject", LOG)
        .iter()
        .any(|p| !p.starts_with(OWNER)));
    s["buckets"]["logs"]
        .as_object_mut()
        .unwrap()
        .remove("Policy");
    assert!(!listed(&s, "s3:DeleteObject", LOG)
        .iter()
        .any(|p| !p.starts_with(OWNER)));
}

/// `o-1`, managed by a third account: the owner and the other account are members, each
/// directly under the root, with `scps` and `rcps` attached to the root (`FullAWSAccess` and
/// its RCP counterpart are attached at every level, as AWS attaches them).
fn in_organization(mut s: Value, scps: Value, rcps: Value) -> Value {
    for id in [OWNER, OTHER] {
        s["accounts"][id]["Organization"] = json!({"Id": "o-1", "MasterAccountId": "999999999999"});
    }
    let all = json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let policies = |extra: Value| {
        let mut map =
            json!({"p-full": {"Name": "Full", "Content": all, "Targets": ["r-1", OWNER, OTHER]}});
        if !extra.is_null() {
            map["p-extra"] = json!({"Name": "Extra", "Content": extra, "Targets": ["r-1"]});
        }
        map
    };
    s["organizations"] = json!({"o-1": {
        "Root": {"Id": "r-1", "PolicyTypes": ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]},
        "Parents": {OWNER: "r-1", OTHER: "r-1"},
        "ServiceControlPolicies": policies(scps),
        "ResourceControlPolicies": policies(rcps),
    }});
    s
}

#[test]
fn the_principals_account_scps_and_the_resource_accounts_rcps_apply() {
    let granted = || {
        snapshot(
            grant(OTHER, "s3:DeleteObject", "arn:aws:s3:::logs/*"),
            Value::Null,
        )
    };
    let others = |s: &Value| -> Vec<String> {
        listed(s, "s3:DeleteObject", LOG)
            .into_iter()
            .filter(|p| p.starts_with(OTHER))
            .collect()
    };
    let deny_delete =
        json!({"Statement": [{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]});
    assert_eq!(
        others(&in_organization(granted(), Value::Null, Value::Null)),
        [
            "222222222222/admin Allow",
            "222222222222/opaque Conditional"
        ]
    );
    assert!(others(&in_organization(
        granted(),
        deny_delete.clone(),
        Value::Null
    ))
    .is_empty());
    assert!(others(&in_organization(granted(), Value::Null, deny_delete)).is_empty());
    // An RCP that keeps the bucket's objects to principals of the owner's account (a data
    // perimeter) stops the other account, and not the owner's own admin.
    let perimeter = json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalAccount": OWNER}}}]});
    let s = in_organization(granted(), Value::Null, perimeter);
    assert!(others(&s).is_empty());
    assert!(listed(&s, "s3:DeleteObject", LOG).contains(&"111111111111/admin Allow".into()));
}

#[test]
fn the_resource_accounts_unread_rcps_hold_the_answer_unless_they_deny() {
    let mut s = in_organization(
        snapshot(
            grant(OTHER, "s3:DeleteObject", "arn:aws:s3:::logs/*"),
            Value::Null,
        ),
        Value::Null,
        Value::Null,
    );
    s["organizations"]["o-1"]
        .as_object_mut()
        .unwrap()
        .remove("ResourceControlPolicies");
    let other = other_admin(&s, "s3:DeleteObject", LOG);
    assert_eq!(other.verdict, Verdict::Allow);
    assert_eq!(other.unless.iter().collect::<Vec<_>>(), [UNREAD_RCPS]);
}
