//! S3 buckets that receive trail logs, with every sub-configuration the checks read.

use crate::{Collected, Document};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A bucket a trail writes to. Keyed in [`crate::Snapshot::buckets`] by name.
///
/// Each sub-configuration is a [`Collected`]: left out when it could not be read (a gap says why),
/// `null` when AWS says it does not exist (`NoSuchBucketPolicy`, `NoSuchLifecycleConfiguration`, ...).
/// A bucket a trail names that is neither here nor in the gaps does not exist.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Bucket {
    /// The bucket's name (the key it is stored under).
    pub name: String,
    /// `arn:aws:s3:::NAME`.
    pub arn: String,
    /// `GetBucketLocation`, normalised (`us-east-1` for the empty answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The account that owns the bucket, when it is known.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::account_id::optional"
    )]
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub owner_account: Option<String>,
    /// `GetBucketPolicy`, parsed.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub policy: Collected<Document>,
    /// `GetBucketPolicyStatus`.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub policy_status: Collected<PolicyStatus>,
    /// `GetPublicAccessBlock` on the bucket.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub public_access_block: Collected<PublicAccessBlock>,
    /// `GetBucketAcl`.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub acl: Collected<Acl>,
    /// `GetBucketLogging`: `null` when server access logging is off.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub logging: Collected<LoggingEnabled>,
    /// `GetBucketVersioning`.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub versioning: Collected<Versioning>,
    /// `GetBucketEncryption`.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub encryption: Collected<Encryption>,
    /// `GetObjectLockConfiguration`: `null` when Object Lock is not enabled.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub object_lock_configuration: Collected<ObjectLockConfiguration>,
    /// `GetBucketLifecycleConfiguration`: `null` when the bucket has none.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub lifecycle: Collected<Lifecycle>,
    /// `GetBucketTagging`: `null` when the bucket has no tag set.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub tags: Collected<BTreeMap<String, String>>,
    /// `GetBucketOwnershipControls`: `null` when the bucket has none (ACLs decide who owns an
    /// object, as for `ObjectWriter`).
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub ownership_controls: Collected<OwnershipControls>,
}

/// `GetBucketOwnershipControls`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct OwnershipControls {
    /// The rules (AWS allows one).
    pub rules: Vec<OwnershipRule>,
}

/// One Object Ownership rule.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct OwnershipRule {
    /// `BucketOwnerEnforced` (ACLs disabled: the bucket owner owns every object),
    /// `BucketOwnerPreferred` or `ObjectWriter` (ACLs still decide access).
    pub object_ownership: String,
}

/// `GetBucketPolicyStatus`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyStatus {
    /// Whether AWS judges the bucket policy to make the bucket public.
    pub is_public: bool,
}

/// A public access block, on a bucket or on an account.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct PublicAccessBlock {
    /// Reject new public ACLs.
    #[serde(default)]
    pub block_public_acls: bool,
    /// Ignore existing public ACLs.
    #[serde(default)]
    pub ignore_public_acls: bool,
    /// Reject public bucket policies.
    #[serde(default)]
    pub block_public_policy: bool,
    /// Restrict access to buckets with public policies.
    #[serde(default)]
    pub restrict_public_buckets: bool,
}

/// `GetBucketAcl`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Acl {
    /// The bucket owner's canonical user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Grantee>,
    /// Grants.
    #[serde(default)]
    pub grants: Vec<Grant>,
}

/// One ACL grant.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Grant {
    /// Who is granted.
    pub grantee: Grantee,
    /// `FULL_CONTROL`, `READ`, `WRITE`, `READ_ACP`, `WRITE_ACP`.
    pub permission: String,
}

/// A grantee or owner in an ACL.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Grantee {
    /// `CanonicalUser`, `Group` or `AmazonCustomerByEmail`.
    #[serde(default, rename = "Type", skip_serializing_if = "Option::is_none")]
    pub grantee_type: Option<String>,
    /// Canonical user id.
    #[serde(default, rename = "ID", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Group URI, e.g. `http://acs.amazonaws.com/groups/global/AllUsers`.
    #[serde(default, rename = "URI", skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// `GetBucketLogging` when server access logging is on.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LoggingEnabled {
    /// Where access logs go.
    pub target_bucket: String,
    /// Their prefix.
    #[serde(default)]
    pub target_prefix: String,
}

/// `GetBucketVersioning`. Both fields are absent on a bucket that never had versioning.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Versioning {
    /// `Enabled` or `Suspended`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<VersioningStatus>,
    /// `Enabled` or `Disabled`.
    #[serde(default, rename = "MFADelete", skip_serializing_if = "Option::is_none")]
    pub mfa_delete: Option<MfaDeleteStatus>,
}

/// Versioning state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum VersioningStatus {
    /// Versioning is on.
    Enabled,
    /// Versioning was on and is now suspended.
    Suspended,
}

/// MFA delete state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum MfaDeleteStatus {
    /// Deleting versions needs MFA.
    Enabled,
    /// It does not.
    Disabled,
}

/// `GetBucketEncryption`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Encryption {
    /// Default encryption rules.
    #[serde(default)]
    pub rules: Vec<EncryptionRule>,
}

/// One default encryption rule.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct EncryptionRule {
    /// The default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_server_side_encryption_by_default: Option<EncryptionByDefault>,
    /// Whether S3 Bucket Keys are used.
    #[serde(default)]
    pub bucket_key_enabled: bool,
}

/// Default server-side encryption.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct EncryptionByDefault {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    #[serde(rename = "SSEAlgorithm")]
    pub sse_algorithm: String,
    /// The KMS key, for `aws:kms`.
    #[serde(
        default,
        rename = "KMSMasterKeyID",
        skip_serializing_if = "Option::is_none"
    )]
    pub kms_master_key_id: Option<String>,
}

/// `GetObjectLockConfiguration`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ObjectLockConfiguration {
    /// `Enabled` when Object Lock is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_lock_enabled: Option<String>,
    /// The default retention, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<ObjectLockRule>,
}

/// An Object Lock rule.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ObjectLockRule {
    /// Default retention of new objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_retention: Option<DefaultRetention>,
}

/// Object Lock default retention.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct DefaultRetention {
    /// `GOVERNANCE` or `COMPLIANCE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<ObjectLockMode>,
    /// Retention in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Retention in years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<u32>,
}

/// Object Lock retention mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ObjectLockMode {
    /// Users with `s3:BypassGovernanceRetention` may delete.
    Governance,
    /// No one may delete until retention ends, not even root.
    Compliance,
}

/// `GetBucketLifecycleConfiguration`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Lifecycle {
    /// Lifecycle rules.
    #[serde(default)]
    pub rules: Vec<LifecycleRule>,
}

/// One lifecycle rule. Filters and transitions are kept as AWS returns them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LifecycleRule {
    /// Rule id.
    #[serde(default, rename = "ID", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Enabled` or `Disabled`.
    pub status: String,
    /// The rule's filter (prefix, tags, size), as AWS returns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<serde_json::Value>,
    /// When current versions expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<Expiration>,
    /// When noncurrent versions expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noncurrent_version_expiration: Option<NoncurrentVersionExpiration>,
    /// Storage class transitions, as AWS returns them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<serde_json::Value>,
}

/// Expiration of current versions.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Expiration {
    /// Days after creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// A fixed date (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Whether expired delete markers are removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_object_delete_marker: Option<bool>,
}

/// Expiration of noncurrent versions.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct NoncurrentVersionExpiration {
    /// Days after a version becomes noncurrent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noncurrent_days: Option<u32>,
}
