//! What changed between two snapshots of the same accounts: trails (their event selectors
//! among their fields), log buckets, KMS keys, and the principals that hold
//! AWSCloudTrail_FullAccess.

use crate::{Iam, Snapshot, CLOUDTRAIL_FULL_ACCESS_ARN as FULL_ACCESS_ARN};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The changes of one kind of resource, each list sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// Ids (ARNs, bucket names) only in the new snapshot.
    pub added: Vec<String>,
    /// Ids only in the old snapshot.
    pub removed: Vec<String>,
    /// Resources in both whose configuration differs, with the fields that differ.
    pub changed: Vec<Changed>,
}

impl Changes {
    /// True when nothing was added, removed or changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// One resource present in both snapshots whose configuration differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    /// Its id.
    pub id: String,
    /// The top-level fields that differ (`EventSelectors`, `Status`, `Policy`, ...), sorted.
    pub fields: Vec<String>,
}

/// Everything that changed between two snapshots.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SnapshotDiff {
    /// Trails, by ARN.
    pub trails: Changes,
    /// Log buckets, by name.
    pub buckets: Changes,
    /// KMS keys, by ARN.
    pub kms_keys: Changes,
    /// Users and roles holding AWSCloudTrail_FullAccess (directly or through a group), by ARN;
    /// `changed` is always empty.
    pub full_access_holders: Changes,
}

impl SnapshotDiff {
    /// Compares two snapshots.
    ///
    /// ```
    /// use trailguard_snapshot::{Snapshot, SnapshotDiff};
    ///
    /// let old = Snapshot::from_json(r#"{"schema_version": 1, "collected_at": "2026-11-20T00:00:00Z"}"#).unwrap();
    /// let diff = SnapshotDiff::between(&old, &old);
    /// assert!(diff.is_empty());
    /// ```
    pub fn between(old: &Snapshot, new: &Snapshot) -> SnapshotDiff {
        SnapshotDiff {
            trails: changes(&old.trails, &new.trails),
            buckets: changes(&old.buckets, &new.buckets),
            kms_keys: changes(&old.kms_keys, &new.kms_keys),
            full_access_holders: membership(&full_access_holders(old), &full_access_holders(new)),
        }
    }

    /// True when the two snapshots describe the same configuration.
    pub fn is_empty(&self) -> bool {
        self.trails.is_empty()
            && self.buckets.is_empty()
            && self.kms_keys.is_empty()
            && self.full_access_holders.is_empty()
    }
}

/// Added, removed and changed entries of two maps, compared field by field as JSON.
fn changes<T: Serialize>(old: &BTreeMap<String, T>, new: &BTreeMap<String, T>) -> Changes {
    let mut out = membership(
        &old.keys().cloned().collect(),
        &new.keys().cloned().collect(),
    );
    for (id, before) in old {
        let Some(after) = new.get(id) else { continue };
        let fields = differing_fields(&as_json(before), &as_json(after));
        if !fields.is_empty() {
            out.changed.push(Changed {
                id: id.clone(),
                fields,
            });
        }
    }
    out
}

/// Only what entered and left a set.
fn membership(old: &BTreeSet<String>, new: &BTreeSet<String>) -> Changes {
    Changes {
        added: new.difference(old).cloned().collect(),
        removed: old.difference(new).cloned().collect(),
        changed: Vec::new(),
    }
}

fn as_json<T: Serialize>(value: &T) -> serde_json::Value {
    // The snapshot types serialize to JSON without fail (string keys, no non-finite floats).
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// The top-level keys whose values differ (a key present on one side only counts).
fn differing_fields(before: &serde_json::Value, after: &serde_json::Value) -> Vec<String> {
    let empty = serde_json::Map::new();
    let (b, a) = (
        before.as_object().unwrap_or(&empty),
        after.as_object().unwrap_or(&empty),
    );
    let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .cloned()
        .collect()
}

/// The ARNs of the users (directly or through a group) and roles that hold
/// AWSCloudTrail_FullAccess, in every account whose IAM was read.
pub fn full_access_holders(snapshot: &Snapshot) -> BTreeSet<String> {
    snapshot
        .accounts
        .values()
        .filter_map(|a| a.iam.present())
        .flat_map(holders_in)
        .collect()
}

fn holders_in(iam: &Iam) -> Vec<String> {
    let holds = |attached: &[crate::AttachedPolicy]| {
        attached.iter().any(|p| p.policy_arn == FULL_ACCESS_ARN)
    };
    let groups: BTreeSet<&String> = iam
        .groups
        .iter()
        .filter(|(_, g)| holds(&g.attached_managed_policies))
        .map(|(name, _)| name)
        .collect();
    let users = iam.users.values().filter(|u| {
        holds(&u.attached_managed_policies) || u.group_list.iter().any(|g| groups.contains(g))
    });
    let roles = iam
        .roles
        .values()
        .filter(|r| holds(&r.attached_managed_policies));
    users
        .map(|u| u.arn.clone())
        .chain(roles.map(|r| r.arn.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(text: &str) -> Snapshot {
        Snapshot::from_json(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn fields_that_differ_are_named() {
        let before = serde_json::json!({"Name": "t", "IsLogging": true, "Gone": 1});
        let after = serde_json::json!({"Name": "t", "IsLogging": false, "New": 2});
        assert_eq!(
            differing_fields(&before, &after),
            vec!["Gone", "IsLogging", "New"]
        );
    }

    #[test]
    fn holders_through_groups_and_roles_are_found() {
        let s = snapshot(
            r#"{"schema_version": 1, "collected_at": "2026-11-20T00:00:00Z", "accounts": {"111111111111": {
              "AccountId": "111111111111", "Regions": [], "TrailArns": [],
              "Iam": {"Users": {
                  "a": {"UserName": "a", "Arn": "arn:aws:iam::111111111111:user/a", "Path": "/", "GroupList": ["admins"], "AttachedManagedPolicies": [], "UserPolicyList": []},
                  "b": {"UserName": "b", "Arn": "arn:aws:iam::111111111111:user/b", "Path": "/", "GroupList": [], "AttachedManagedPolicies": [], "UserPolicyList": []}},
                "Groups": {"admins": {"GroupName": "admins", "Arn": "arn:aws:iam::111111111111:group/admins", "Path": "/",
                  "AttachedManagedPolicies": [{"PolicyName": "AWSCloudTrail_FullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"}], "GroupPolicyList": []}},
                "Roles": {"r": {"RoleName": "r", "Arn": "arn:aws:iam::111111111111:role/r", "Path": "/", "AssumeRolePolicyDocument": {},
                  "AttachedManagedPolicies": [{"PolicyName": "AWSCloudTrail_FullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"}], "RolePolicyList": []}},
                "Policies": {}}}}}"#,
        );
        assert_eq!(
            full_access_holders(&s).into_iter().collect::<Vec<_>>(),
            vec![
                "arn:aws:iam::111111111111:role/r",
                "arn:aws:iam::111111111111:user/a"
            ]
        );
    }
}
