//! IAM: every user, group, role and managed policy (GetAccountAuthorizationDetails, paginated),
//! the holders of AWSCloudTrail_FullAccess (ListEntitiesForPolicy), and the MFA devices of the
//! users among them (ListMFADevices). Three calls per account, plus one per holding user.

use crate::call::{Ctx, Scope};
use crate::sdk::Clients;
use crate::Operation;
use aws_sdk_iam::types as aws;
use futures_util::future::join_all;
use percent_encoding::percent_decode_str;
use serde_json::Value;
use std::collections::BTreeSet;
use trailguard_snapshot::{
    AttachedPolicy, Collected, Group, Iam, InlinePolicy, ManagedPolicy, PermissionsBoundary,
    PolicyEntities, Role, User, CLOUDTRAIL_FULL_ACCESS_ARN,
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
    for page in &pages {
        for u in page.user_detail_list() {
            let user = user(u);
            iam.users.insert(user.user_name.clone(), user);
        }
        for g in page.group_detail_list() {
            let group = group(g);
            iam.groups.insert(group.group_name.clone(), group);
        }
        for r in page.role_detail_list() {
            let role = role(r);
            iam.roles.insert(role.role_name.clone(), role);
        }
        policies.extend(page.policies().iter().filter_map(managed_policy));
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
    let holders = full_access_users(&iam);
    let devices = join_all(holders.iter().map(|name| {
        let arn = iam
            .users
            .get(name)
            .map(|u| u.arn.clone())
            .unwrap_or_default();
        let client = client.clone();
        let region = region.clone();
        async move {
            let scope = Scope::new(account, &region, &arn);
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
fn document(text: &str) -> Value {
    if let Ok(value) = serde_json::from_str(text) {
        return value;
    }
    match percent_decode_str(text).decode_utf8() {
        Ok(decoded) => {
            serde_json::from_str(&decoded).unwrap_or_else(|_| Value::String(decoded.into_owned()))
        }
        Err(_) => Value::String(text.to_string()),
    }
}

fn attached(policies: &[aws::AttachedPolicy]) -> Vec<AttachedPolicy> {
    policies
        .iter()
        .map(|p| AttachedPolicy {
            policy_name: p.policy_name().unwrap_or_default().to_string(),
            policy_arn: p.policy_arn().unwrap_or_default().to_string(),
        })
        .collect()
}

fn inline(policies: &[aws::PolicyDetail]) -> Vec<InlinePolicy> {
    policies
        .iter()
        .map(|p| InlinePolicy {
            policy_name: p.policy_name().unwrap_or_default().to_string(),
            policy_document: document(p.policy_document().unwrap_or_default()),
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

fn user(u: &aws::UserDetail) -> User {
    User {
        user_name: u.user_name().unwrap_or_default().to_string(),
        arn: u.arn().unwrap_or_default().to_string(),
        path: u.path().unwrap_or("/").to_string(),
        group_list: u.group_list().to_vec(),
        attached_managed_policies: attached(u.attached_managed_policies()),
        user_policy_list: inline(u.user_policy_list()),
        permissions_boundary: boundary(u.permissions_boundary()),
        mfa_devices: Collected::Unknown,
        password_enabled: None,
    }
}

fn group(g: &aws::GroupDetail) -> Group {
    Group {
        group_name: g.group_name().unwrap_or_default().to_string(),
        arn: g.arn().unwrap_or_default().to_string(),
        path: g.path().unwrap_or("/").to_string(),
        attached_managed_policies: attached(g.attached_managed_policies()),
        group_policy_list: inline(g.group_policy_list()),
        members: Vec::new(),
    }
}

fn role(r: &aws::RoleDetail) -> Role {
    Role {
        role_name: r.role_name().unwrap_or_default().to_string(),
        arn: r.arn().unwrap_or_default().to_string(),
        path: r.path().unwrap_or("/").to_string(),
        assume_role_policy_document: document(r.assume_role_policy_document().unwrap_or("{}")),
        attached_managed_policies: attached(r.attached_managed_policies()),
        role_policy_list: inline(r.role_policy_list()),
        permissions_boundary: boundary(r.permissions_boundary()),
    }
}

/// A managed policy with its default version's document.
fn managed_policy(p: &aws::ManagedPolicyDetail) -> Option<ManagedPolicy> {
    let arn = p.arn()?.to_string();
    let attachment_count = u32::try_from(p.attachment_count().unwrap_or(0)).unwrap_or(0);
    let default = p
        .policy_version_list()
        .iter()
        .find(|v| v.is_default_version())
        .or_else(|| p.policy_version_list().first());
    Some(ManagedPolicy {
        policy_name: p.policy_name().unwrap_or_default().to_string(),
        arn,
        default_version_id: p.default_version_id().map(str::to_string),
        attachment_count,
        document: default
            .and_then(|v| v.document())
            .map_or(Value::Null, document),
    })
}

#[cfg(test)]
mod tests {
    use super::document;
    use serde_json::json;

    #[test]
    fn documents_are_url_decoded_when_iam_encodes_them() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(
            document(encoded),
            json!({"Version": "2012-10-17", "Statement": []})
        );
        assert_eq!(document(r#"{"a":1}"#), json!({"a": 1}));
        assert_eq!(document("not json"), json!("not json"));
    }
}
