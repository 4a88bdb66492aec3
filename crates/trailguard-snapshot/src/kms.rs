//! KMS keys that encrypt trail logs.

use crate::{Collected, Document};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A KMS key a trail uses. Keyed in [`crate::Snapshot::kms_keys`] by key ARN.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct KmsKey {
    /// The key's ARN (the key it is stored under).
    pub arn: String,
    /// `DescribeKey`.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub key_metadata: Collected<KeyMetadata>,
    /// `GetKeyPolicy` (policy name `default`), parsed.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub policy: Collected<Document>,
    /// `GetKeyRotationStatus`.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub key_rotation_enabled: Collected<bool>,
    /// `ListAliases` for this key: alias names such as `alias/cloudtrail`.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub aliases: Collected<Vec<String>>,
}

/// `DescribeKey`'s `KeyMetadata`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct KeyMetadata {
    /// The key id.
    pub key_id: String,
    /// The owning account.
    #[serde(
        rename = "AWSAccountId",
        deserialize_with = "crate::account_id::or_empty"
    )]
    #[schemars(regex(pattern = r"^([0-9]{12})?$"))]
    pub aws_account_id: String,
    /// Whether the key is enabled.
    pub enabled: bool,
    /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, `Unavailable`, ...
    pub key_state: String,
    /// `CUSTOMER` or `AWS`.
    pub key_manager: KeyManager,
    /// `ENCRYPT_DECRYPT`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_usage: Option<String>,
    /// `SYMMETRIC_DEFAULT`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_spec: Option<String>,
    /// `AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// Whether this is a multi-Region key.
    #[serde(default)]
    pub multi_region: bool,
    /// When the key will be deleted, if deletion is scheduled (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_date: Option<String>,
    /// The key's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Who manages a KMS key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum KeyManager {
    /// A customer managed key.
    #[default]
    Customer,
    /// An AWS managed key.
    Aws,
}
