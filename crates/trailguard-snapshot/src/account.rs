//! Account-level facts: who collected, which trails apply, account public access block, IAM.

use crate::{Collected, Iam, PublicAccessBlock, RegionMonitoring};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One AWS account. Keyed in [`crate::Snapshot::accounts`] by account id.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Account {
    /// The 12-digit account id (the key it is stored under).
    #[serde(deserialize_with = "crate::account_id::required")]
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub account_id: String,
    /// `sts:GetCallerIdentity` of the credentials that collected this account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_identity: Option<CallerIdentity>,
    /// The organisation the account belongs to, if any (`organizations:DescribeOrganization`).
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub organization: Collected<Organization>,
    /// The regions that were read.
    #[serde(default)]
    pub regions: Vec<String>,
    /// ARNs of every trail `DescribeTrails` returned in this account, its own and the
    /// organisation trails that apply to it. Each is a key of [`crate::Snapshot::trails`].
    #[serde(default)]
    pub trail_arns: Vec<String>,
    /// `s3control:GetPublicAccessBlock` for the account.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub public_access_block: Collected<PublicAccessBlock>,
    /// The account's IAM, when it was read.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub iam: Collected<Iam>,
    /// EventBridge rules and AWS Config, by region read. Left out of the JSON when empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub monitoring: BTreeMap<String, RegionMonitoring>,
}

/// `sts:GetCallerIdentity`. Never holds credentials.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct CallerIdentity {
    /// The account id (empty when AWS's answer left it out).
    #[serde(deserialize_with = "crate::account_id::or_empty")]
    #[schemars(regex(pattern = r"^([0-9]{12})?$"))]
    pub account: String,
    /// The caller's ARN.
    pub arn: String,
    /// The caller's unique id.
    pub user_id: String,
}

/// `organizations:DescribeOrganization`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Organization {
    /// The organisation id (`o-...`).
    pub id: String,
    /// The management account's id (empty when AWS's answer left it out).
    #[serde(deserialize_with = "crate::account_id::or_empty")]
    #[schemars(regex(pattern = r"^([0-9]{12})?$"))]
    pub master_account_id: String,
}
