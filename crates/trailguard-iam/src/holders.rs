//! Who holds a managed policy, from a snapshot's `accounts[*].Iam`: its users (the policy
//! attached to the user itself, or to a group the user is in) and its roles (attached to the
//! role). This is attachment, not evaluation: the rules on AWSCloudTrail_FullAccess (TG060 to
//! TG064) ask who holds it, whatever the policy's document says and whether or not it was
//! collected.
//!
//! ```
//! use trailguard_iam::{policy_holders, Way};
//!
//! let snapshot = serde_json::json!({"accounts": {"111111111111": {"Iam": {
//!     "Groups": {"ops": {"AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/P"}]}},
//!     "Users": {"bob": {"UserName": "bob", "Arn": "arn:aws:iam::111111111111:user/bob",
//!         "GroupList": ["ops"], "AttachedManagedPolicies": []}},
//!     "Roles": {},
//! }}}});
//! let holders = policy_holders(&snapshot, "arn:aws:iam::aws:policy/P").unwrap();
//! assert_eq!(holders[0].name, "bob");
//! assert_eq!(holders[0].ways, [Way::Group("ops")]);
//! ```

use crate::evaluate::PrincipalKind;
use crate::snapshot::{entries, field_error, list, text, IndexError};
use crate::{Json, Kind};
use std::collections::BTreeSet;

/// How a principal holds the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Way<'a> {
    /// Attached to the user or role itself.
    Directly,
    /// Attached to this group, which the user is in.
    Group(&'a str),
}

impl Way<'_> {
    /// `directly`, or `through group NAME`.
    pub fn describe(&self) -> String {
        match self {
            Way::Directly => "directly".to_string(),
            Way::Group(name) => format!("through group {name}"),
        }
    }
}

/// A user or role that holds the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder<'a> {
    /// Its account.
    pub account: &'a str,
    /// [`PrincipalKind::User`] or [`PrincipalKind::Role`].
    pub kind: PrincipalKind,
    /// Its key in the account's `Users` or `Roles`.
    pub key: &'a str,
    /// Its `UserName` or `RoleName`.
    pub name: &'a str,
    /// Its ARN.
    pub arn: &'a str,
    /// How it holds the policy: at least one way, `Directly` first, then groups by name.
    pub ways: Vec<Way<'a>>,
}

/// Every user and role of every account that holds the managed policy `policy_arn`, in the
/// snapshot's order (accounts, then users, then roles). An account whose `Iam` was not read
/// (left out or `null`) holds nothing here (its gap is TG090's); a malformed entry (an `Iam`
/// that is not an object, an attachment without its `PolicyArn`, a holder without its name or
/// ARN) is an error naming it.
pub fn policy_holders<'a, J: Json>(
    snapshot: &'a J,
    policy_arn: &str,
) -> Result<Vec<Holder<'a>>, IndexError> {
    let mut holders = Vec::new();
    for (account, a) in entries(snapshot, "accounts")? {
        let iam = match a.get_field("Iam") {
            None => continue,
            Some(iam) if iam.kind() == Kind::Null => continue,
            Some(iam) if iam.kind() == Kind::Object => iam,
            Some(_) => {
                return Err(field_error(
                    &format!("accounts.{account}.Iam"),
                    "must be an object",
                ))
            }
        };
        let at = format!("accounts.{account}.Iam");
        let mut groups = BTreeSet::new();
        for (name, group) in entries(iam, "Groups")? {
            if attached(&format!("{at}.Groups.{name}"), group, policy_arn)? {
                groups.insert(name);
            }
        }
        for (kind, field, name_field) in [
            (PrincipalKind::User, "Users", "UserName"),
            (PrincipalKind::Role, "Roles", "RoleName"),
        ] {
            for (key, entity) in entries(iam, field)? {
                let at = format!("{at}.{field}.{key}");
                let mut ways = Vec::new();
                if attached(&at, entity, policy_arn)? {
                    ways.push(Way::Directly);
                }
                if kind == PrincipalKind::User {
                    let mut through = BTreeSet::new();
                    for group in list(&at, entity, "GroupList")? {
                        let group = group.as_text().ok_or_else(|| {
                            field_error(&format!("{at}.GroupList"), "must hold group names")
                        })?;
                        if let Some(name) = groups.get(group) {
                            through.insert(Way::Group(name));
                        }
                    }
                    ways.extend(through);
                }
                if ways.is_empty() {
                    continue;
                }
                holders.push(Holder {
                    account,
                    kind,
                    key,
                    name: text(&at, entity, name_field)?,
                    arn: text(&at, entity, "Arn")?,
                    ways,
                });
            }
        }
    }
    Ok(holders)
}

/// Whether the policy is attached to the user, group or role itself.
fn attached<J: Json>(at: &str, entity: &J, policy_arn: &str) -> Result<bool, IndexError> {
    for attachment in list(at, entity, "AttachedManagedPolicies")? {
        if text(
            &format!("{at}.AttachedManagedPolicies"),
            attachment,
            "PolicyArn",
        )? == policy_arn
        {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

    use super::*;
    use serde_json::json;

    const P: &str = "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess";

    fn attach(arns: &[&str]) -> serde_json::Value {
        json!(arns
            .iter()
            .map(|a| json!({"PolicyName": "x", "PolicyArn": a}))
            .collect::<Vec<_>>())
    }

    fn user(name: &str, arns: &[&str], groups: &[&str]) -> serde_json::Value {
        json!({"UserName": name, "Arn": format!("arn:aws:iam::111111111111:user/{name}"),
            "AttachedManagedPolicies": attach(arns), "GroupList": groups})
    }

    fn summary(snapshot: &serde_json::Value) -> Vec<String> {
        policy_holders(snapshot, P)
            .unwrap()
            .iter()
            .map(|h| {
                let ways: Vec<String> = h.ways.iter().map(Way::describe).collect();
                format!(
                    "{} {:?} {} ({})",
                    h.account,
                    h.kind,
                    h.name,
                    ways.join(", ")
                )
            })
            .collect()
    }

    #[test]
    fn users_hold_it_directly_or_through_groups_and_roles_directly() {
        let s = json!({"accounts": {
            "111111111111": {"Iam": {
                "Groups": {"admins": {"AttachedManagedPolicies": attach(&[P])},
                           "devs": {"AttachedManagedPolicies": attach(&["arn:aws:iam::aws:policy/Other"])},
                           "ops": {"AttachedManagedPolicies": attach(&[P])}},
                "Users": {"alice": user("alice", &[P], &["ops", "admins", "devs"]),
                          "bob": user("bob", &[], &["devs", "ops"]),
                          "carol": user("carol", &[], &["devs", "missing"]),
                          "dan": {"UserName": "dan", "Arn": "arn:aws:iam::111111111111:user/dan"}},
                "Roles": {"deployer": {"RoleName": "deployer", "Arn": "arn:aws:iam::111111111111:role/deployer",
                                       "AttachedManagedPolicies": attach(&[P])},
                          "reader": {"RoleName": "reader", "Arn": "arn:aws:iam::111111111111:role/reader"}},
            }},
            "222222222222": {"Iam": null},
            "333333333333": {},
        }});
        assert_eq!(
            summary(&s),
            [
                "111111111111 User alice (directly, through group admins, through group ops)",
                "111111111111 User bob (through group ops)",
                "111111111111 Role deployer (directly)",
            ]
        );
    }

    #[test]
    fn a_malformed_entry_is_an_error_naming_it() {
        for (s, at) in [
            (
                json!({"accounts": {"1": {"Iam": 5}}}),
                "accounts.1.Iam: must be an object",
            ),
            (
                json!({"accounts": {"1": {"Iam": {"Users": {"u": {"AttachedManagedPolicies": [{"PolicyName": "x"}]}}}}}}),
                "accounts.1.Iam.Users.u.AttachedManagedPolicies.PolicyArn: is required, a string",
            ),
            (
                json!({"accounts": {"1": {"Iam": {"Roles": {"r": {"Arn": "a", "AttachedManagedPolicies": attach(&[P])}}}}}}),
                "accounts.1.Iam.Roles.r.RoleName: is required, a string",
            ),
            (
                json!({"accounts": {"1": {"Iam": {"Users": {"u": {"UserName": "u", "GroupList": [3]}}}}}}),
                "accounts.1.Iam.Users.u.GroupList: must hold group names",
            ),
        ] {
            assert_eq!(policy_holders(&s, P).unwrap_err().to_string(), at);
        }
    }
}
