//! An account converted in parts: most of a large account is its IAM, and one account is one
//! resource to the threads that convert the snapshot. So an account is converted as a shell
//! (every field, with its IAM maps empty) and its IAM maps entry by entry, on every thread like
//! the other resources, then put back into the shell ([`put_iam`]).

use super::serializer::{ConvertError, Result};
use regorus::Value;
use serde::Serialize;
use std::collections::BTreeMap;
use trailguard_snapshot::{
    Account, CallerIdentity, Collected, Iam, Organization, PolicyEntities, PublicAccessBlock,
    RegionMonitoring,
};

/// The IAM maps converted apart from their account, as the account's JSON names them.
pub(super) const IAM_MAPS: [&str; 4] = ["Users", "Groups", "Roles", "Policies"];

/// An [`Account`] as its JSON is written, but with its IAM maps empty: the same field names and
/// the same fields left out. A field added to [`Account`] or [`Iam`] fails to compile in
/// [`AccountShell::new`] until it is added here; a difference in how a field is written fails
/// the conversion's differential tests (`tests/input.rs`).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct AccountShell<'a> {
    account_id: &'a String,
    #[serde(skip_serializing_if = "Option::is_none")]
    caller_identity: Option<&'a CallerIdentity>,
    #[serde(skip_serializing_if = "Collected::is_unknown")]
    organization: Collected<&'a Organization>,
    regions: &'a [String],
    trail_arns: &'a [String],
    #[serde(skip_serializing_if = "Collected::is_unknown")]
    public_access_block: Collected<&'a PublicAccessBlock>,
    #[serde(skip_serializing_if = "Collected::is_unknown")]
    iam: Collected<IamShell<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    monitoring: &'a BTreeMap<String, RegionMonitoring>,
}

/// An [`Iam`] with its users, groups, roles and policies left empty.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct IamShell<'a> {
    users: Empty,
    groups: Empty,
    roles: Empty,
    policies: Empty,
    #[serde(skip_serializing_if = "Collected::is_unknown")]
    cloud_trail_full_access: Collected<&'a PolicyEntities>,
}

/// An empty map, where [`put_iam`] puts the converted one.
#[derive(Serialize)]
struct Empty {}

/// The entries of an account's IAM maps, in [`IAM_MAPS`]' order, each in key order.
pub(super) type IamEntries<'a> = [Vec<(&'a String, &'a dyn super::ErasedResource)>; IAM_MAPS.len()];

impl<'a> AccountShell<'a> {
    /// The account's shell, and its IAM maps' entries when its IAM was read.
    pub(super) fn new(account: &'a Account) -> (AccountShell<'a>, Option<IamEntries<'a>>) {
        let Account {
            account_id,
            caller_identity,
            organization,
            regions,
            trail_arns,
            public_access_block,
            iam,
            monitoring,
        } = account;
        let (iam, entries) = match iam {
            Collected::Unknown => (Collected::Unknown, None),
            Collected::Absent => (Collected::Absent, None),
            Collected::Present(iam) => {
                let Iam {
                    users,
                    groups,
                    roles,
                    policies,
                    cloud_trail_full_access,
                } = iam;
                let shell = IamShell {
                    users: Empty {},
                    groups: Empty {},
                    roles: Empty {},
                    policies: Empty {},
                    cloud_trail_full_access: borrowed(cloud_trail_full_access),
                };
                let entries = [
                    super::entries(users),
                    super::entries(groups),
                    super::entries(roles),
                    super::entries(policies),
                ];
                (Collected::Present(shell), Some(entries))
            }
        };
        let shell = AccountShell {
            account_id,
            caller_identity: caller_identity.as_ref(),
            organization: borrowed(organization),
            regions,
            trail_arns,
            public_access_block: borrowed(public_access_block),
            iam,
            monitoring,
        };
        (shell, entries)
    }
}

fn borrowed<T>(collected: &Collected<T>) -> Collected<&T> {
    match collected {
        Collected::Unknown => Collected::Unknown,
        Collected::Absent => Collected::Absent,
        Collected::Present(value) => Collected::Present(value),
    }
}

/// Puts an account's converted IAM maps (in [`IAM_MAPS`]' order) into its converted shell. The
/// shell must hold each map, empty: anything else is an error, never a map left out.
pub(super) fn put_iam(account: &mut Value, maps: [Value; IAM_MAPS.len()]) -> Result<()> {
    let missing = |what: &str| ConvertError(format!("the account's converted shell has no {what}"));
    let account = account.as_object_mut().map_err(|_| missing("object"))?;
    let iam = account
        .get_mut(&Value::from("Iam"))
        .ok_or_else(|| missing("Iam"))?
        .as_object_mut()
        .map_err(|_| missing("Iam object"))?;
    for (name, map) in IAM_MAPS.into_iter().zip(maps) {
        let slot = iam
            .get_mut(&Value::from(name))
            .ok_or_else(|| missing(name))?;
        if !slot.as_object().is_ok_and(|map| map.is_empty()) {
            return Err(missing(&format!("empty {name}")));
        }
        *slot = map;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn maps() -> [Value; 4] {
        [0u64, 1, 2, 3].map(|n| Value::from_json_str(&format!(r#"{{"k": {n}}}"#)).unwrap())
    }

    #[test]
    fn the_iam_maps_go_into_their_empty_places() {
        let mut account = Value::from_json_str(
            r#"{"Iam": {"Users": {}, "Groups": {}, "Roles": {}, "Policies": {}}, "AccountId": "x"}"#,
        )
        .unwrap();
        put_iam(&mut account, maps()).unwrap();
        assert_eq!(account["Iam"]["Roles"]["k"], Value::from(2u64));
        assert_eq!(account["AccountId"], Value::from("x"));
    }

    #[test]
    fn a_shell_without_its_empty_iam_maps_is_an_error_not_a_map_left_out() {
        for shell in [
            r#"{"AccountId": "x"}"#,
            r#"{"Iam": null}"#,
            r#"{"Iam": {"Users": {}, "Groups": {}, "Roles": {}}}"#,
            r#"{"Iam": {"Users": {"u": 1}, "Groups": {}, "Roles": {}, "Policies": {}}}"#,
        ] {
            let mut account = Value::from_json_str(shell).unwrap();
            let error = put_iam(&mut account, maps()).unwrap_err().to_string();
            assert!(
                error.starts_with("the account's converted shell has no"),
                "{shell}: {error}"
            );
        }
    }
}
