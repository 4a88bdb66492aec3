//! IAM: every user, group, role and managed policy (GetAccountAuthorizationDetails, paginated),
//! the holders of AWSCloudTrail_FullAccess (ListEntitiesForPolicy), and the MFA devices of the
//! users among them (ListMFADevices). Three calls per account, plus one per holding user.

use crate::call::{Ctx, Scope};
use crate::sdk::Clients;
use crate::Operation;
use aws_sdk_iam::types as aws;
use futures_util::future::join_all;
use percent_encoding::percent_decode_str;
use std::collections::BTreeSet;
use trailguard_snapshot::{
    AttachedPolicy, Collected, Document, Group, Iam, InlinePolicy, ManagedPolicy,
    PermissionsBoundary, PolicyEntities, Role, User, CLOUDTRAIL_FULL_ACCESS_ARN,
};

/// AWS managed policies live under this ARN prefix.
const AWS_MANAGED_PREFIX: &str = "arn:aws:iam::aws:policy/";

/// Reads an account's IAM; `Unknown` when GetAccountAuthorizationDetails failed (a gap says why),
/// since an empty IAM would look like an account where nobody can do anything.
pub(crate) async fn iam(ctx: &Ctx, clients: &Clients, account: &str) -> Collected<Iam> {
    let region = clients.home_region.clone();
    let scope = Scope::new(account, &region, account);
    let client = clients.iam();
    let details = ctx.read_pages(
        Operation::GetAccountAuthorizationDetails,
        &scope,
        client
            .get_account_authorization_details()
            .into_paginator()
            .send(),
    );
    let policy_scope = Scope::new(account, &region, CLOUDTRAIL_FULL_ACCESS_ARN);
    let entities = ctx.read_pages(
        Operation::ListEntitiesForPolicy,
        &policy_scope,
        client
            .list_entities_for_policy()
            .policy_arn(CLOUDTRAIL_FULL_ACCESS_ARN)
            .into_paginator()
            .send(),
    );
    let (details, entities) = tokio::join!(details, entities);
    let Collected::Present(pages) = details else {
        return Collected::Unknown;
    };
    let mut iam = Iam::default();
    let mut policies = Vec::new();
    let mut missing = Missing::default();
    for page in &pages {
        for u in page.user_detail_list() {
            if let Some(user) = user(u, &mut missing) {
                iam.users.insert(user.user_name.clone(), user);
            }
        }
        for g in page.group_detail_list() {
            if let Some(group) = group(g, &mut missing) {
                iam.groups.insert(group.group_name.clone(), group);
            }
        }
        for r in page.role_detail_list() {
            if let Some(role) = role(r, &mut missing) {
                iam.roles.insert(role.role_name.clone(), role);
            }
        }
        policies.extend(
            page.policies()
                .iter()
                .filter_map(|p| managed_policy(p, &mut missing)),
        );
    }
    for (resource, message) in missing.0 {
        ctx.incomplete(
            Operation::GetAccountAuthorizationDetails,
            &Scope::new(account, &region, &resource),
            message,
        );
    }
    // AWS managed policies attached to nobody here (and no one's permissions boundary) grant
    // nothing: they are left out, so a snapshot does not carry AWS's whole catalogue.
    let attached = attached_arns(&iam);
    for policy in policies {
        if !policy.arn.starts_with(AWS_MANAGED_PREFIX) || attached.contains(policy.arn.as_str()) {
            iam.policies.insert(policy.arn.clone(), policy);
        }
    }
    // GetAccountAuthorizationDetails lists each user's groups; the groups' members follow.
    let memberships: Vec<(String, String)> = iam
        .users
        .values()
        .flat_map(|u| {
            u.group_list
                .iter()
                .map(|g| (g.clone(), u.user_name.clone()))
        })
        .collect();
    for (group, user) in memberships {
        if let Some(group) = iam.groups.get_mut(&group) {
            group.members.push(user);
        }
    }
    for group in iam.groups.values_mut() {
        group.members.sort();
    }
    iam.cloud_trail_full_access = entities.map(|pages| PolicyEntities {
        policy_users: sorted(
            pages
                .iter()
                .flat_map(|p| p.policy_users())
                .filter_map(|u| u.user_name()),
        ),
        policy_groups: sorted(
            pages
                .iter()
                .flat_map(|p| p.policy_groups())
                .filter_map(|g| g.group_name()),
        ),
        policy_roles: sorted(
            pages
                .iter()
                .flat_map(|p| p.policy_roles())
                .filter_map(|r| r.role_name()),
        ),
    });

    // MFA devices of the users who hold AWSCloudTrail_FullAccess, directly or through a group.
    let holders: Vec<(String, String)> = full_access_users(&iam)
        .into_iter()
        .filter_map(|name| Some((iam.users.get(&name)?.arn.clone(), name)))
        .collect();
    let devices = join_all(holders.iter().map(|(arn, name)| {
        let client = client.clone();
        let region = region.clone();
        async move {
            let scope = Scope::new(account, &region, arn);
            let pages = ctx.read_pages(
                Operation::ListMfaDevices,
                &scope,
                client
                    .list_mfa_devices()
                    .user_name(name)
                    .into_paginator()
                    .send(),
            );
            let devices = pages.await.map(|pages| {
                pages
                    .iter()
                    .flat_map(|p| p.mfa_devices())
                    .map(|d| d.serial_number().to_string())
                    .collect()
            });
            (name.clone(), devices)
        }
    }))
    .await;
    for (name, devices) in devices {
        if let Some(user) = iam.users.get_mut(&name) {
            user.mfa_devices = devices;
        }
    }
    Collected::Present(iam)
}

/// The ARNs of the managed policies attached to any user, group or role, or used as a
/// permissions boundary.
fn attached_arns(iam: &Iam) -> BTreeSet<String> {
    let users = iam
        .users
        .values()
        .flat_map(|u| &u.attached_managed_policies);
    let groups = iam
        .groups
        .values()
        .flat_map(|g| &g.attached_managed_policies);
    let roles = iam
        .roles
        .values()
        .flat_map(|r| &r.attached_managed_policies);
    let boundaries = iam
        .users
        .values()
        .filter_map(|u| u.permissions_boundary.as_ref())
        .chain(
            iam.roles
                .values()
                .filter_map(|r| r.permissions_boundary.as_ref()),
        )
        .map(|b| b.permissions_boundary_arn.clone());
    users
        .chain(groups)
        .chain(roles)
        .map(|p| p.policy_arn.clone())
        .chain(boundaries)
        .collect()
}

/// Users holding AWSCloudTrail_FullAccess directly or through a group.
fn full_access_users(iam: &Iam) -> BTreeSet<String> {
    let holds = |policies: &[AttachedPolicy]| {
        policies
            .iter()
            .any(|p| p.policy_arn == CLOUDTRAIL_FULL_ACCESS_ARN)
    };
    let groups: BTreeSet<&str> = iam
        .groups
        .values()
        .filter(|g| holds(&g.attached_managed_policies))
        .map(|g| g.group_name.as_str())
        .collect();
    iam.users
        .values()
        .filter(|u| {
            holds(&u.attached_managed_policies)
                || u.group_list.iter().any(|g| groups.contains(g.as_str()))
        })
        .map(|u| u.user_name.clone())
        .collect()
}

fn sorted<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let set: BTreeSet<String> = names.map(str::to_string).collect();
    set.into_iter().collect()
}

/// IAM returns policy documents URL-encoded; some emulators return them plain.
fn document(text: &str) -> Document {
    if let Ok(value) = Document::from_json_str(text) {
        return value;
    }
    match percent_decode_str(text).decode_utf8() {
        Ok(decoded) => {
            Document::from_json_str(&decoded).unwrap_or_else(|_| Document::string(&decoded))
        }
        Err(_) => Document::string(text),
    }
}

/// What GetAccountAuthorizationDetails left out that the snapshot needs, as (resource, message)
/// for a gap each: the entity or policy is left out rather than recorded under an empty name or
/// ARN, or with an empty document that would grant nothing.
#[derive(Debug, Default)]
struct Missing(Vec<(String, String)>);

impl Missing {
    fn add(&mut self, resource: &str, message: String) {
        self.0.push((resource.to_string(), message));
    }
}

/// An entity's name and ARN, both required; `None` (and a gap) when either is missing.
fn name_and_arn<'a>(
    kind: &str,
    name: Option<&'a str>,
    arn: Option<&'a str>,
    missing: &mut Missing,
) -> Option<(&'a str, &'a str)> {
    match (name, arn) {
        (Some(name), Some(arn)) => Some((name, arn)),
        (name, arn) => {
            let field = if name.is_none() {
                "its name"
            } else {
                "its Arn"
            };
            let resource = arn.or(name).map_or_else(
                || format!("an IAM {kind} without name or Arn"),
                str::to_string,
            );
            missing.add(
                &resource,
                format!(
                    "GetAccountAuthorizationDetails listed an IAM {kind} without {field}; it is \
                     left out"
                ),
            );
            None
        }
    }
}

fn attached(
    policies: &[aws::AttachedPolicy],
    owner: &str,
    missing: &mut Missing,
) -> Vec<AttachedPolicy> {
    policies
        .iter()
        .filter_map(|p| match (p.policy_name(), p.policy_arn()) {
            (Some(name), Some(arn)) => Some(AttachedPolicy {
                policy_name: name.to_string(),
                policy_arn: arn.to_string(),
            }),
            (name, _) => {
                missing.add(
                    owner,
                    format!(
                        "GetAccountAuthorizationDetails listed a managed policy attached to {owner} \
                         without its {}; the attachment is left out",
                        if name.is_none() { "PolicyName" } else { "PolicyArn" }
                    ),
                );
                None
            }
        })
        .collect()
}

fn inline(policies: &[aws::PolicyDetail], owner: &str, missing: &mut Missing) -> Vec<InlinePolicy> {
    policies
        .iter()
        .filter_map(|p| match (p.policy_name(), p.policy_document()) {
            (Some(name), Some(text)) => Some(InlinePolicy {
                policy_name: name.to_string(),
                policy_document: document(text),
            }),
            (name, _) => {
                missing.add(
                    owner,
                    format!(
                        "GetAccountAuthorizationDetails listed an inline policy of {owner} \
                         without its {}; the policy is left out",
                        if name.is_none() {
                            "PolicyName"
                        } else {
                            "PolicyDocument"
                        }
                    ),
                );
                None
            }
        })
        .collect()
}

fn boundary(b: Option<&aws::AttachedPermissionsBoundary>) -> Option<PermissionsBoundary> {
    let b = b?;
    Some(PermissionsBoundary {
        permissions_boundary_type: b
            .permissions_boundary_type()
            .map(|t| t.as_str().to_string()),
        permissions_boundary_arn: b.permissions_boundary_arn()?.to_string(),
    })
}

// IAM: an entity's Path, when not given, "defaults to a slash (/)".

fn user(u: &aws::UserDetail, missing: &mut Missing) -> Option<User> {
    let (name, arn) = name_and_arn("user", u.user_name(), u.arn(), missing)?;
    Some(User {
        user_name: name.to_string(),
        arn: arn.to_string(),
        path: u.path().unwrap_or("/").to_string(),
        group_list: u.group_list().to_vec(),
        attached_managed_policies: attached(u.attached_managed_policies(), arn, missing),
        user_policy_list: inline(u.user_policy_list(), arn, missing),
        permissions_boundary: boundary(u.permissions_boundary()),
        mfa_devices: Collected::Unknown,
        password_enabled: None,
    })
}

fn group(g: &aws::GroupDetail, missing: &mut Missing) -> Option<Group> {
    let (name, arn) = name_and_arn("group", g.group_name(), g.arn(), missing)?;
    Some(Group {
        group_name: name.to_string(),
        arn: arn.to_string(),
        path: g.path().unwrap_or("/").to_string(),
        attached_managed_policies: attached(g.attached_managed_policies(), arn, missing),
        group_policy_list: inline(g.group_policy_list(), arn, missing),
        members: Vec::new(),
    })
}

fn role(r: &aws::RoleDetail, missing: &mut Missing) -> Option<Role> {
    let (name, arn) = name_and_arn("role", r.role_name(), r.arn(), missing)?;
    // Without its trust policy a role would look assumable by nobody.
    let Some(trust) = r.assume_role_policy_document() else {
        missing.add(
            arn,
            "GetAccountAuthorizationDetails listed the role without its \
             AssumeRolePolicyDocument; it is left out"
                .to_string(),
        );
        return None;
    };
    Some(Role {
        role_name: name.to_string(),
        arn: arn.to_string(),
        path: r.path().unwrap_or("/").to_string(),
        assume_role_policy_document: document(trust),
        attached_managed_policies: attached(r.attached_managed_policies(), arn, missing),
        role_policy_list: inline(r.role_policy_list(), arn, missing),
        permissions_boundary: boundary(r.permissions_boundary()),
    })
}

/// A managed policy with its default version's document.
fn managed_policy(p: &aws::ManagedPolicyDetail, missing: &mut Missing) -> Option<ManagedPolicy> {
    let (name, arn) = name_and_arn("managed policy", p.policy_name(), p.arn(), missing)?;
    let arn = arn.to_string();
    let attachment_count = u32::try_from(p.attachment_count().unwrap_or(0)).unwrap_or(0);
    let default = p
        .policy_version_list()
        .iter()
        .find(|v| v.is_default_version())
        .or_else(|| p.policy_version_list().first());
    Some(ManagedPolicy {
        policy_name: name.to_string(),
        arn,
        default_version_id: p.default_version_id().map(str::to_string),
        attachment_count,
        document: default
            .and_then(|v| v.document())
            .map_or_else(Document::default, document),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ALICE: &str = "arn:aws:iam::111122223333:user/alice";

    #[test]
    fn documents_are_url_decoded_when_iam_encodes_them() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(
            document(encoded).to_json().unwrap(),
            json!({"Version": "2012-10-17", "Statement": []})
        );
        assert_eq!(document(r#"{"a":1}"#).to_json().unwrap(), json!({"a": 1}));
        assert_eq!(document("not json").to_json().unwrap(), json!("not json"));
    }

    #[test]
    fn an_iam_user_without_an_arn_is_a_gap_not_an_empty_arn() {
        let mut missing = Missing::default();
        let no_arn = aws::UserDetail::builder().user_name("alice").build();
        assert!(user(&no_arn, &mut missing).is_none());
        let no_name = aws::GroupDetail::builder()
            .arn("arn:aws:iam::111122223333:group/ops")
            .build();
        assert!(group(&no_name, &mut missing).is_none());
        let resources: Vec<&str> = missing.0.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(resources, ["alice", "arn:aws:iam::111122223333:group/ops"]);
        assert!(
            missing.0[0].1.contains("an IAM user without its Arn"),
            "{:?}",
            missing.0
        );
        assert!(
            missing.0[1].1.contains("an IAM group without its name"),
            "{:?}",
            missing.0
        );
    }

    #[test]
    fn a_role_without_its_trust_policy_is_a_gap_not_a_role_nobody_can_assume() {
        let mut missing = Missing::default();
        let arn = "arn:aws:iam::111122223333:role/admin";
        let r = aws::RoleDetail::builder()
            .role_name("admin")
            .arn(arn)
            .build();
        assert!(role(&r, &mut missing).is_none());
        assert_eq!(missing.0.len(), 1);
        assert_eq!(missing.0[0].0, arn);
        assert!(missing.0[0].1.contains("AssumeRolePolicyDocument"));
    }

    #[test]
    fn an_attached_policy_without_its_arn_is_a_gap_not_an_empty_arn() {
        let mut missing = Missing::default();
        let u = aws::UserDetail::builder()
            .user_name("alice")
            .arn(ALICE)
            .attached_managed_policies(
                aws::AttachedPolicy::builder()
                    .policy_name("AWSCloudTrail_FullAccess")
                    .build(),
            )
            .attached_managed_policies(
                aws::AttachedPolicy::builder()
                    .policy_name("ReadOnlyAccess")
                    .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
                    .build(),
            )
            .user_policy_list(aws::PolicyDetail::builder().policy_name("inline").build())
            .build();
        let alice = user(&u, &mut missing).unwrap();
        // The user is kept with what was complete; each thing left out is a gap about her.
        let arns: Vec<&str> = alice
            .attached_managed_policies
            .iter()
            .map(|p| p.policy_arn.as_str())
            .collect();
        assert_eq!(arns, ["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
        assert_eq!(alice.user_policy_list, []);
        assert_eq!(missing.0.len(), 2, "{:?}", missing.0);
        assert!(missing.0.iter().all(|(r, _)| r == ALICE));
        assert!(missing.0[0].1.contains("without its PolicyArn"));
        assert!(missing.0[1].1.contains("without its PolicyDocument"));
    }
}
