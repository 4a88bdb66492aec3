//! IAM: the principals and policies that decide who can switch the trail off.

use crate::{Collected, Document};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The ARN of the AWS managed policy whose holders can administer CloudTrail.
pub const CLOUDTRAIL_FULL_ACCESS_ARN: &str = "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess";

/// An account's IAM, from `GetAccountAuthorizationDetails` and `ListMFADevices`.
///
/// Users, groups and roles are keyed by name (unique in an account; `GroupList` joins by name),
/// managed policies by ARN.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Iam {
    /// Users by name.
    #[serde(default)]
    pub users: BTreeMap<String, User>,
    /// Groups by name.
    #[serde(default)]
    pub groups: BTreeMap<String, Group>,
    /// Roles by name.
    #[serde(default)]
    pub roles: BTreeMap<String, Role>,
    /// Managed policies (customer and AWS managed) by ARN, with their default version's document.
    #[serde(default)]
    pub policies: BTreeMap<String, ManagedPolicy>,
    /// `ListEntitiesForPolicy` on `AWSCloudTrail_FullAccess`.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub cloud_trail_full_access: Collected<PolicyEntities>,
}

/// A managed policy attached to a principal.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    /// The policy's name.
    pub policy_name: String,
    /// The policy's ARN.
    pub policy_arn: String,
}

/// An inline policy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    /// The policy's name.
    pub policy_name: String,
    /// The policy document, parsed.
    pub policy_document: Document,
}

/// A permissions boundary.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionsBoundary {
    /// `Policy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary_type: Option<String>,
    /// The boundary policy's ARN.
    pub permissions_boundary_arn: String,
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct User {
    /// The user's name.
    pub user_name: String,
    /// The user's ARN.
    pub arn: String,
    /// The user's path.
    #[serde(default = "root_path")]
    pub path: String,
    /// Names of the groups the user is in.
    #[serde(default)]
    pub group_list: Vec<String>,
    /// Managed policies attached directly.
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    /// Inline policies.
    #[serde(default)]
    pub user_policy_list: Vec<InlinePolicy>,
    /// The permissions boundary, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<PermissionsBoundary>,
    /// `ListMFADevices`: serial numbers of the user's MFA devices.
    #[serde(
        default,
        rename = "MFADevices",
        skip_serializing_if = "Collected::is_unknown"
    )]
    pub mfa_devices: Collected<Vec<String>>,
    /// Whether the user has a console password (`GetLoginProfile`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_enabled: Option<bool>,
}

/// An IAM group.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Group {
    /// The group's name.
    pub group_name: String,
    /// The group's ARN.
    pub arn: String,
    /// The group's path.
    #[serde(default = "root_path")]
    pub path: String,
    /// Managed policies attached.
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    /// Inline policies.
    #[serde(default)]
    pub group_policy_list: Vec<InlinePolicy>,
    /// Names of the group's members (from `GetGroup`).
    #[serde(default)]
    pub members: Vec<String>,
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Role {
    /// The role's name.
    pub role_name: String,
    /// The role's ARN.
    pub arn: String,
    /// The role's path.
    #[serde(default = "root_path")]
    pub path: String,
    /// The trust policy, parsed.
    pub assume_role_policy_document: Document,
    /// Managed policies attached.
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    /// Inline policies.
    #[serde(default)]
    pub role_policy_list: Vec<InlinePolicy>,
    /// The permissions boundary, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<PermissionsBoundary>,
}

/// A managed policy and the document of its default version.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicy {
    /// The policy's name.
    pub policy_name: String,
    /// The policy's ARN (the key it is stored under).
    pub arn: String,
    /// The default version's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_version_id: Option<String>,
    /// How many principals it is attached to.
    #[serde(default)]
    pub attachment_count: u32,
    /// The default version's document, parsed.
    pub document: Document,
}

/// `ListEntitiesForPolicy`: who a managed policy is attached to.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyEntities {
    /// User names.
    #[serde(default)]
    pub policy_users: Vec<String>,
    /// Group names.
    #[serde(default)]
    pub policy_groups: Vec<String>,
    /// Role names.
    #[serde(default)]
    pub policy_roles: Vec<String>,
}

fn root_path() -> String {
    "/".to_string()
}
