//! An organisation's guardrails: its tree (ListRoots, then ListChildren from the root down) and
//! its service and resource control policies (ListPolicies per enabled type, then
//! DescribePolicy and ListTargetsForPolicy per policy).
//!
//! Only the management account and a delegated administrator may make these calls. The whole
//! organisation is read, once per organisation and collection, with the credentials of one
//! collected account of it (the management account when it is collected, else the first member
//! AWS lets list the root: one ListRoots per member refused before it): the cost grows with
//! the organisation's OUs and policies, not with the accounts collected, and the snapshots of
//! an organisation collected in shards merge into what one snapshot of every account holds.
//! Every failure is a gap whose resource is the organisation id; what it left unread stays
//! `Unknown`, so IAM findings in member accounts say "unless a service control policy denies
//! it" rather than guess.

use crate::call::{Ctx, Scope};
use crate::s3::parse_json;
use crate::sdk::Clients;
use crate::Operation;
use aws_sdk_organizations::types::{ChildType, PolicyType, PolicyTypeStatus};
use futures_util::future::join_all;
use std::collections::BTreeMap;
use trailguard_snapshot::{
    Collected, ControlPolicy, ControlPolicyType, Document, OrganizationPolicies, Root,
};

/// The deepest the tree is walked: AWS allows five levels of OUs under the root.
const MAX_DEPTH: usize = 8;

/// One scanned account of the organisation: its id and clients.
pub(crate) type Reader<'a> = (&'a str, &'a Clients);

/// Reads organisation `id` with the credentials of the first of `readers` AWS lets list its
/// root (the management account first, when it is scanned; then each member, as one may be a
/// delegated administrator). When none may, one gap (the first reader's refusal) says why.
pub(crate) async fn organization_policies(
    ctx: &Ctx,
    readers: &[Reader<'_>],
    id: &str,
) -> OrganizationPolicies {
    let mut read = OrganizationPolicies {
        id: id.to_string(),
        ..OrganizationPolicies::default()
    };
    let mut refused = None;
    let mut chosen = None;
    for &(account, clients) in readers {
        let scope = Scope::new(account, &clients.home_region, id);
        let pages = ctx
            .pages(
                Operation::ListRoots,
                &scope,
                clients.organizations().list_roots().into_paginator().send(),
            )
            .await;
        match pages {
            Ok(pages) => {
                chosen = Some((scope, clients, pages));
                break;
            }
            Err(failure) => {
                refused.get_or_insert((scope, failure));
            }
        }
    }
    let Some((scope, clients, pages)) = chosen else {
        // Refused to every reader: every later call would be too. One gap says why; the rest
        // stays unknown.
        if let Some((scope, failure)) = refused {
            ctx.gap(Operation::ListRoots, &scope, &failure);
        }
        return read;
    };
    let Some(root) = pages.iter().flat_map(|p| p.roots()).next() else {
        ctx.incomplete(
            Operation::ListRoots,
            &scope,
            format!("ListRoots answered without the root of organisation {id}"),
        );
        return read;
    };
    let Some(root_id) = root.id() else {
        ctx.incomplete(
            Operation::ListRoots,
            &scope,
            format!("ListRoots answered without the id of organisation {id}'s root"),
        );
        return read;
    };
    let mut policy_types: Vec<ControlPolicyType> = root
        .policy_types()
        .iter()
        .filter(|t| t.status() == Some(&PolicyTypeStatus::Enabled))
        .filter_map(|t| match t.r#type() {
            Some(PolicyType::ServiceControlPolicy) => Some(ControlPolicyType::ServiceControlPolicy),
            Some(PolicyType::ResourceControlPolicy) => {
                Some(ControlPolicyType::ResourceControlPolicy)
            }
            _ => None,
        })
        .collect();
    policy_types.sort();
    policy_types.dedup();
    read.root = Collected::Present(Root {
        id: root_id.to_string(),
        policy_types: policy_types.clone(),
    });

    let (parents, scps, rcps) = tokio::join!(
        tree(ctx, clients, &scope, root_id),
        policies(
            ctx,
            clients,
            &scope,
            ControlPolicyType::ServiceControlPolicy,
            &policy_types
        ),
        policies(
            ctx,
            clients,
            &scope,
            ControlPolicyType::ResourceControlPolicy,
            &policy_types
        ),
    );
    read.parents = parents;
    read.service_control_policies = scps;
    read.resource_control_policies = rcps;
    read
}

/// The parent of every OU and account under the root, level by level. An OU whose children
/// could not be listed leaves them out, with a gap naming it.
async fn tree(
    ctx: &Ctx,
    clients: &Clients,
    scope: &Scope<'_>,
    root_id: &str,
) -> BTreeMap<String, String> {
    let mut parents = BTreeMap::new();
    let mut level = vec![root_id.to_string()];
    for depth in 0..=MAX_DEPTH {
        if level.is_empty() {
            break;
        }
        if depth == MAX_DEPTH {
            ctx.incomplete(
                Operation::ListChildren,
                scope,
                format!("the organisation is deeper than {MAX_DEPTH} levels; its OUs below are not read"),
            );
            break;
        }
        let children = join_all(level.iter().map(|parent| async move {
            let note = format!("the children of {parent}");
            let scope = Scope {
                note: Some(&note),
                ..*scope
            };
            let (ous, accounts) = tokio::join!(
                children(ctx, clients, &scope, parent, ChildType::OrganizationalUnit),
                children(ctx, clients, &scope, parent, ChildType::Account),
            );
            (parent, ous, accounts)
        }))
        .await;
        let mut next = Vec::new();
        for (parent, ous, accounts) in children {
            for child in accounts.iter().chain(&ous) {
                parents.insert(child.clone(), parent.clone());
            }
            next.extend(ous);
        }
        level = next;
    }
    parents
}

/// The ids of a parent's children of one type; none (with a gap) when they could not be listed.
async fn children(
    ctx: &Ctx,
    clients: &Clients,
    scope: &Scope<'_>,
    parent: &str,
    kind: ChildType,
) -> Vec<String> {
    let pages = ctx
        .read_pages(
            Operation::ListChildren,
            scope,
            clients
                .organizations()
                .list_children()
                .parent_id(parent)
                .child_type(kind)
                .into_paginator()
                .send(),
        )
        .await;
    let Some(pages) = pages.into_present() else {
        return Vec::new();
    };
    let mut ids = Vec::new();
    for child in pages.iter().flat_map(|p| p.children()) {
        match child.id() {
            Some(id) => ids.push(id.to_string()),
            None => ctx.incomplete(
                Operation::ListChildren,
                scope,
                format!("ListChildren answered a child of {parent} without its id"),
            ),
        }
    }
    ids
}

/// Every policy of one type, with its document and targets; `Absent` when the type is not
/// enabled on the root.
async fn policies(
    ctx: &Ctx,
    clients: &Clients,
    scope: &Scope<'_>,
    kind: ControlPolicyType,
    enabled: &[ControlPolicyType],
) -> Collected<BTreeMap<String, ControlPolicy>> {
    if !enabled.contains(&kind) {
        return Collected::Absent;
    }
    let filter = match kind {
        ControlPolicyType::ServiceControlPolicy => PolicyType::ServiceControlPolicy,
        ControlPolicyType::ResourceControlPolicy => PolicyType::ResourceControlPolicy,
    };
    let pages = ctx
        .read_pages(
            Operation::ListPolicies,
            scope,
            clients
                .organizations()
                .list_policies()
                .filter(filter)
                .into_paginator()
                .send(),
        )
        .await;
    let Some(pages) = pages.into_present() else {
        return Collected::Unknown;
    };
    let mut summaries = Vec::new();
    for summary in pages.iter().flat_map(|p| p.policies()) {
        match (summary.id(), summary.arn(), summary.name()) {
            (Some(id), Some(arn), Some(name)) => {
                summaries.push((id, arn, name, summary.aws_managed()))
            }
            _ => {
                // A policy that cannot be named cannot be read: its targets are unknown, so
                // every account's policies of this type are.
                ctx.incomplete(
                    Operation::ListPolicies,
                    scope,
                    format!(
                        "ListPolicies answered a {} without its id, ARN or name",
                        kind.as_str()
                    ),
                );
                return Collected::Unknown;
            }
        }
    }
    let read = join_all(
        summaries
            .into_iter()
            .map(|(id, arn, name, aws_managed)| async move {
                let note = format!("policy {name} ({id})");
                let scope = Scope {
                    note: Some(&note),
                    ..*scope
                };
                let (content, targets) = tokio::join!(
                    content(ctx, clients, &scope, id),
                    targets(ctx, clients, &scope, id),
                );
                ControlPolicy {
                    id: id.to_string(),
                    arn: arn.to_string(),
                    name: name.to_string(),
                    aws_managed,
                    content,
                    targets,
                }
            }),
    )
    .await;
    Collected::Present(read.into_iter().map(|p| (p.id.clone(), p)).collect())
}

/// A policy's document (`DescribePolicy`), parsed.
async fn content(ctx: &Ctx, clients: &Clients, scope: &Scope<'_>, id: &str) -> Collected<Document> {
    let described = ctx
        .read(
            Operation::DescribePolicy,
            scope,
            &[],
            clients
                .organizations()
                .describe_policy()
                .policy_id(id)
                .send(),
        )
        .await;
    let Some(out) = described.into_present() else {
        return Collected::Unknown;
    };
    match out.policy().and_then(|p| p.content()) {
        Some(text) => Collected::Present(parse_json(text)),
        None => {
            ctx.incomplete(
                Operation::DescribePolicy,
                scope,
                format!("DescribePolicy answered policy {id} without its content"),
            );
            Collected::Unknown
        }
    }
}

/// The ids of the root, OUs and accounts a policy is attached to (`ListTargetsForPolicy`),
/// sorted.
async fn targets(
    ctx: &Ctx,
    clients: &Clients,
    scope: &Scope<'_>,
    id: &str,
) -> Collected<Vec<String>> {
    let pages = ctx
        .read_pages(
            Operation::ListTargetsForPolicy,
            scope,
            clients
                .organizations()
                .list_targets_for_policy()
                .policy_id(id)
                .into_paginator()
                .send(),
        )
        .await;
    let Some(pages) = pages.into_present() else {
        return Collected::Unknown;
    };
    let mut ids = Vec::new();
    for target in pages.iter().flat_map(|p| p.targets()) {
        match target.target_id() {
            Some(target) => ids.push(target.to_string()),
            None => {
                ctx.incomplete(
                    Operation::ListTargetsForPolicy,
                    scope,
                    format!("ListTargetsForPolicy answered a target of policy {id} without its id"),
                );
                return Collected::Unknown;
            }
        }
    }
    ids.sort();
    ids.dedup();
    Collected::Present(ids)
}
