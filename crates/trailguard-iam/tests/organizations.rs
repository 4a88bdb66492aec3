//! Service control policies from a snapshot's `organizations` section: which apply to whom, and
//! what an unread or malformed part of it gives.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use serde_json::{json, Value};
use trailguard_iam::*;

const MEMBER: &str = "222222222222";
const MANAGEMENT: &str = "111111111111";
const TRAIL: &str = "arn:aws:cloudtrail:us-east-1:222222222222:trail/t";

fn snapshot(organization: Value, organizations: Value) -> Value {
    let everything = json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    json!({
        "accounts": {MEMBER: {
            "Organization": organization,
            "Iam": {"Users": {}, "Groups": {}, "Policies": {}, "Roles": {"admin": {
                "RoleName": "admin", "Arn": "arn:aws:iam::222222222222:role/admin",
                "RolePolicyList": [{"PolicyName": "all", "PolicyDocument": everything}],
            }}},
        }},
        "organizations": organizations,
    })
}

fn member() -> Value {
    json!({"Id": "o-1", "MasterAccountId": MANAGEMENT})
}

/// The organisation with a deny of `cloudtrail:StopLogging` attached to `targets`.
fn organization(parents: Value, targets: Value) -> Value {
    json!({"o-1": {
        "Id": "o-1",
        "Root": {"Id": "r-1", "PolicyTypes": ["SERVICE_CONTROL_POLICY"]},
        "Parents": parents,
        "ServiceControlPolicies": {
            "p-FullAWSAccess": {"Id": "p-FullAWSAccess", "Arn": "a", "Name": "FullAWSAccess",
                "Content": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
                "Targets": ["r-1", "ou-1", "ou-2", MEMBER]},
            "p-deny": {"Id": "p-deny", "Arn": "b", "Name": "protect",
                "Content": {"Statement": [{"Effect": "Deny", "Action": "cloudtrail:StopLogging", "Resource": "*"}]},
                "Targets": targets},
        },
    }})
}

/// The answer for the member account's admin role, if it is listed.
fn admin(snapshot: &Value) -> Option<(Verdict, Vec<String>)> {
    let index = SnapshotIndex::new(snapshot).unwrap();
    let powers = index.principals_that_can("cloudtrail:StopLogging", TRAIL);
    powers.first().map(|p| {
        (
            p.decision.verdict,
            p.decision.unless.iter().cloned().collect(),
        )
    })
}

#[test]
fn an_scp_denies_at_whichever_level_it_is_attached() {
    let parents = json!({"ou-2": "ou-1", "ou-1": "r-1", MEMBER: "ou-2"});
    for level in ["r-1", "ou-1", "ou-2", MEMBER] {
        let s = snapshot(member(), organization(parents.clone(), json!([level])));
        assert_eq!(admin(&s), None, "attached to {level}");
    }
    let s = snapshot(member(), organization(parents, json!(["ou-elsewhere"])));
    assert_eq!(admin(&s), Some((Verdict::Allow, vec![])));
}

#[test]
fn every_level_must_allow() {
    // FullAWSAccess detached from ou-2: nothing allows at that level.
    let mut s = snapshot(
        member(),
        organization(
            json!({"ou-2": "ou-1", "ou-1": "r-1", MEMBER: "ou-2"}),
            json!([]),
        ),
    );
    s["organizations"]["o-1"]["ServiceControlPolicies"]["p-FullAWSAccess"]["Targets"] =
        json!(["r-1", "ou-1", MEMBER]);
    assert_eq!(admin(&s), None);
}

#[test]
fn the_management_account_and_accounts_outside_any_organisation_are_not_bound() {
    let parents = json!({MEMBER: "r-1"});
    let managed = json!({"Id": "o-1", "MasterAccountId": MEMBER});
    let s = snapshot(managed, organization(parents.clone(), json!([MEMBER])));
    assert_eq!(admin(&s), Some((Verdict::Allow, vec![])));
    let s = snapshot(Value::Null, organization(parents, json!([MEMBER])));
    assert_eq!(admin(&s), Some((Verdict::Allow, vec![])));
}

#[test]
fn scps_not_enabled_on_the_root_do_not_apply() {
    let mut s = snapshot(
        member(),
        organization(json!({MEMBER: "r-1"}), json!([MEMBER])),
    );
    s["organizations"]["o-1"]["Root"]["PolicyTypes"] = json!([]);
    assert_eq!(admin(&s), Some((Verdict::Allow, vec![])));
}

#[test]
fn what_was_not_read_leaves_the_answer_standing_unless_an_scp_denies_it() {
    let unless = Some((Verdict::Allow, vec![UNREAD_SCPS.to_string()]));
    let whole = || {
        snapshot(
            member(),
            organization(json!({MEMBER: "r-1"}), json!(["ou-x"])),
        )
    };
    // The account's organisation was not read.
    let mut s = whole();
    s["accounts"][MEMBER]
        .as_object_mut()
        .unwrap()
        .remove("Organization");
    assert_eq!(admin(&s), unless);
    // The organisation was not read (a member's credentials may not).
    let mut s = whole();
    s["organizations"] = json!({});
    assert_eq!(admin(&s), unless);
    // Its root was not read.
    let mut s = whole();
    s["organizations"]["o-1"]
        .as_object_mut()
        .unwrap()
        .remove("Root");
    assert_eq!(admin(&s), unless);
    // The account's place in the tree was not read.
    let mut s = whole();
    s["organizations"]["o-1"]["Parents"] = json!({});
    assert_eq!(admin(&s), unless);
    // A policy's targets were not read: it may be attached anywhere.
    let mut s = whole();
    s["organizations"]["o-1"]["ServiceControlPolicies"]["p-deny"]
        .as_object_mut()
        .unwrap()
        .remove("Targets");
    assert_eq!(admin(&s), unless);
    // The SCPs were not listed.
    let mut s = whole();
    s["organizations"]["o-1"]
        .as_object_mut()
        .unwrap()
        .remove("ServiceControlPolicies");
    assert_eq!(admin(&s), unless);
    // An attached policy's document was not read.
    let mut s = snapshot(
        member(),
        organization(json!({MEMBER: "r-1"}), json!([MEMBER])),
    );
    s["organizations"]["o-1"]["ServiceControlPolicies"]["p-deny"]
        .as_object_mut()
        .unwrap()
        .remove("Content");
    assert_eq!(admin(&s), unless);
}

#[test]
fn a_loop_in_the_tree_is_an_error_naming_it_not_a_pass() {
    let s = snapshot(
        member(),
        organization(
            json!({MEMBER: "ou-1", "ou-1": "ou-2", "ou-2": "ou-1"}),
            json!([]),
        ),
    );
    let error = SnapshotIndex::new(&s).unwrap_err().to_string();
    assert!(error.starts_with("organizations.o-1.Parents: "), "{error}");
    assert!(error.contains("a loop"), "{error}");
}

#[test]
fn a_malformed_scp_is_an_error_naming_it() {
    let mut s = snapshot(
        member(),
        organization(json!({MEMBER: "r-1"}), json!([MEMBER])),
    );
    s["organizations"]["o-1"]["ServiceControlPolicies"]["p-deny"]["Content"] =
        json!({"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]});
    let error = SnapshotIndex::new(&s).unwrap_err().to_string();
    assert!(error.starts_with("SCP protect: "), "{error}");
}

#[test]
fn the_principals_organisation_is_known_to_conditions() {
    // An SCP that denies everyone outside the organisation leaves its own principals alone.
    let mut s = snapshot(
        member(),
        organization(json!({MEMBER: "r-1"}), json!([MEMBER])),
    );
    s["organizations"]["o-1"]["ServiceControlPolicies"]["p-deny"]["Content"] = json!({"Statement": [{
        "Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}},
    }]});
    assert_eq!(admin(&s), Some((Verdict::Allow, vec![])));
    s["organizations"]["o-1"]["ServiceControlPolicies"]["p-deny"]["Content"]["Statement"][0]
        ["Condition"]["StringNotEquals"]["aws:PrincipalOrgID"] = json!("o-other");
    assert_eq!(admin(&s), None);
}

#[test]
fn a_malformed_organisations_section_is_an_error_not_an_unknown() {
    let whole = || {
        snapshot(
            member(),
            organization(json!({MEMBER: "r-1"}), json!([MEMBER])),
        )
    };
    let mut s = whole();
    s["organizations"]["o-1"]["ServiceControlPolicies"]["p-deny"]["Targets"] = json!([MEMBER, 7]);
    let error = SnapshotIndex::new(&s).unwrap_err().to_string();
    assert!(
        error.contains("p-deny.Targets: must hold the ids"),
        "{error}"
    );
    let mut s = whole();
    s["organizations"]["o-1"]["ServiceControlPolicies"]["p-deny"] = json!("p-deny");
    let error = SnapshotIndex::new(&s).unwrap_err().to_string();
    assert!(error.ends_with("p-deny: must be an object"), "{error}");
    let mut s = whole();
    s["accounts"][MEMBER] = json!(5);
    let error = SnapshotIndex::new(&s).unwrap_err().to_string();
    assert_eq!(error, format!("accounts.{MEMBER}: must be an object"));
}
