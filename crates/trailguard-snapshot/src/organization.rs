//! An AWS organisation's guardrails: its tree (root, OUs, accounts) and the service and resource
//! control policies attached along it, as the management account or a delegated administrator
//! reads them.
//!
//! An SCP limits what the IAM users and roles of a member account may do; an RCP limits what
//! may be done to the resources of a member account. Neither grants anything, and neither
//! applies to the management account. A request is allowed only if, at every level from the
//! root down to the account, some attached policy allows it and none denies it. So the
//! snapshot keeps, per organisation, each OU's and account's parent (to walk an account up to
//! the root) and each policy with the targets it is attached to.

use crate::{Collected, Document};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One organisation's tree and control policies. Keyed in [`crate::Snapshot::organizations`] by
/// organisation id (`o-...`), the id each member account's
/// [`Organization`](crate::Organization) names.
///
/// The whole organisation is read, not only the collected accounts: the snapshots of an
/// organisation collected in shards then merge into what one snapshot of every account would
/// hold (the shard with the management account reads the tree once for all).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationPolicies {
    /// The organisation id (the key it is stored under).
    pub id: String,
    /// `ListRoots`: the root and the policy types enabled on it.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub root: Collected<Root>,
    /// `ListChildren`, from the root down: the parent (root or OU id) of every OU and account of
    /// the organisation. The children of an OU that could not be listed are left out (a gap
    /// names the OU), so an account missing here has an unknown place in the tree.
    #[serde(default)]
    pub parents: BTreeMap<String, String>,
    /// The service control policies by id (`ListPolicies`, then `DescribePolicy` and
    /// `ListTargetsForPolicy` for each); `null` when SCPs are not enabled on the root.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub service_control_policies: Collected<BTreeMap<String, ControlPolicy>>,
    /// The resource control policies by id, read the same way; `null` when RCPs are not
    /// enabled on the root.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub resource_control_policies: Collected<BTreeMap<String, ControlPolicy>>,
}

/// The organisation's root, from `ListRoots`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Root {
    /// The root id (`r-...`).
    pub id: String,
    /// The authorization policy types enabled on the root (those with status `ENABLED`; the
    /// other types, such as tag and backup policies, do not decide access and are left out).
    #[serde(default)]
    pub policy_types: Vec<ControlPolicyType>,
}

/// A type of policy that limits access.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ControlPolicyType {
    /// A service control policy (SCP).
    ServiceControlPolicy,
    /// A resource control policy (RCP).
    ResourceControlPolicy,
}

impl ControlPolicyType {
    /// The type as AWS names it (`SERVICE_CONTROL_POLICY`).
    pub fn as_str(self) -> &'static str {
        match self {
            ControlPolicyType::ServiceControlPolicy => "SERVICE_CONTROL_POLICY",
            ControlPolicyType::ResourceControlPolicy => "RESOURCE_CONTROL_POLICY",
        }
    }
}

/// A service or resource control policy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ControlPolicy {
    /// The policy id (`p-...`; the key it is stored under).
    pub id: String,
    /// Its ARN.
    pub arn: String,
    /// Its name (`FullAWSAccess`, `protect-cloudtrail`).
    pub name: String,
    /// Whether AWS manages it (`FullAWSAccess`, `RCPFullAWSAccess`).
    #[serde(default)]
    pub aws_managed: bool,
    /// `DescribePolicy`: its document, parsed.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub content: Collected<Document>,
    /// `ListTargetsForPolicy`: the ids of the root, OUs and accounts it is attached to, sorted.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub targets: Collected<Vec<String>>,
}
