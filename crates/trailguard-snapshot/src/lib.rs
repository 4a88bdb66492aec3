//! The trailguard snapshot: one JSON document holding everything the collector read about the
//! CloudTrail set-up of one or more AWS accounts, and everything it could not read.
//!
//! The snapshot is the only input policies see (`input` in Rego). It mirrors AWS's own field names
//! (`IsMultiRegionTrail`, `TrailARN`, `KeyRotationEnabled`), parses policy documents into JSON,
//! and is keyed for lookup so a rule joins trail → bucket → key without scanning arrays:
//!
//! | key | holds | keyed by |
//! |---|---|---|
//! | `accounts` | caller identity, account public access block, IAM, trails that apply | account id |
//! | `trails` | trails with status, selectors, tags | trail ARN |
//! | `buckets` | log buckets with every sub-configuration | bucket name |
//! | `kms_keys` | keys that encrypt logs | key ARN |
//! | `gaps` | every call that failed: service, operation, resource, region, error code | — |
//!
//! A sub-configuration that could not be read is left out (see [`Collected`]) and a [`Gap`] says
//! why, so "no encryption" and "could not read encryption" never look alike.
//!
//! ```
//! use trailguard_snapshot::{Snapshot, SCHEMA_VERSION};
//!
//! let text = r#"{"schema_version": 1, "collected_at": "2026-11-20T00:00:00Z"}"#;
//! let snapshot = Snapshot::from_json(text).unwrap();
//! assert_eq!(snapshot.schema_version, SCHEMA_VERSION);
//! assert!(snapshot.trails.is_empty());
//!
//! let wrong = r#"{"schema_version": 99, "collected_at": "2026-11-20T00:00:00Z"}"#;
//! assert!(Snapshot::from_json(wrong).unwrap_err().to_string().contains("schema_version 99"));
//! ```

mod account;
mod bucket;
mod collected;
mod error;
mod gap;
mod iam;
mod kms;
mod locate;
mod merge;
mod trail;
mod write;

pub use account::{Account, CallerIdentity, Organization};
pub use bucket::{
    Acl, Bucket, DefaultRetention, Encryption, EncryptionByDefault, EncryptionRule, Expiration,
    Grant, Grantee, Lifecycle, LifecycleRule, LoggingEnabled, MfaDeleteStatus,
    NoncurrentVersionExpiration, ObjectLockConfiguration, ObjectLockMode, ObjectLockRule,
    PolicyStatus, PublicAccessBlock, Versioning, VersioningStatus,
};
pub use collected::Collected;
pub use error::{ErrorKind, SnapshotError};
pub use gap::Gap;
pub use iam::{
    AttachedPolicy, Group, Iam, InlinePolicy, ManagedPolicy, PermissionsBoundary, PolicyEntities,
    Role, User, CLOUDTRAIL_FULL_ACCESS_ARN,
};
pub use kms::{KeyManager, KeyMetadata, KmsKey};
pub use locate::SourceIndex;
pub use merge::merge;
pub use trail::{
    AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventSelector, InsightSelector,
    ReadWriteType, Trail, TrailStatus,
};
pub use write::write_atomic;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The snapshot format this build reads and writes. Bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The resource id findings use for an account as a whole (Security Hub's convention).
pub fn account_resource(account_id: &str) -> String {
    format!("AWS::::Account:{account_id}")
}

/// Everything the collector read, for one or more accounts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "trailguard snapshot")]
pub struct Snapshot {
    /// The format version; must equal [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// When collection finished (RFC 3339, UTC). Rules measure staleness against this, not the
    /// clock, so evaluating a saved snapshot gives the same answer tomorrow.
    pub collected_at: String,
    /// The trailguard version that collected it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collector_version: Option<String>,
    /// Accounts by id.
    #[serde(default)]
    pub accounts: BTreeMap<String, Account>,
    /// Trails by ARN.
    #[serde(default)]
    pub trails: BTreeMap<String, Trail>,
    /// Log buckets by name.
    #[serde(default)]
    pub buckets: BTreeMap<String, Bucket>,
    /// KMS keys by ARN.
    #[serde(default)]
    pub kms_keys: BTreeMap<String, KmsKey>,
    /// Calls that failed, sorted.
    #[serde(default)]
    pub gaps: Vec<Gap>,
}

/// Only the version, read first so a snapshot of another version gets that error rather than a
/// confusing one about its shape.
#[derive(Deserialize)]
struct VersionProbe {
    schema_version: Option<serde_json::Value>,
}

impl Snapshot {
    /// Parses a snapshot from JSON text, checking its `schema_version` first.
    pub fn from_json(text: &str) -> Result<Snapshot, SnapshotError> {
        Self::parse(text, None)
    }

    /// Reads and parses a snapshot file.
    pub fn load(path: &Path) -> Result<SnapshotFile, SnapshotError> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            SnapshotError::new(ErrorKind::Io(source)).with_path(path.to_path_buf())
        })?;
        let snapshot = Self::parse(&text, Some(path))?;
        Ok(SnapshotFile {
            path: path.to_path_buf(),
            text,
            snapshot,
        })
    }

    fn parse(text: &str, path: Option<&Path>) -> Result<Snapshot, SnapshotError> {
        let located = |e: SnapshotError| match path {
            Some(p) => e.with_path(p.to_path_buf()),
            None => e,
        };
        let probe: VersionProbe =
            serde_json::from_str(text).map_err(|e| located(SnapshotError::from_serde(&e)))?;
        match probe.schema_version {
            Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(SCHEMA_VERSION)) => {
            }
            Some(found) => {
                return Err(located(SnapshotError::new(ErrorKind::Version {
                    found: found.to_string(),
                })))
            }
            None => return Err(located(SnapshotError::new(ErrorKind::MissingVersion))),
        }
        serde_json::from_str(text).map_err(|e| located(SnapshotError::from_serde(&e)))
    }

    /// The snapshot as pretty-printed JSON with a stable key order, ending in a newline.
    pub fn to_json_pretty(&self) -> String {
        // Serialising these types cannot fail: every map key is a string.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The JSON Schema of the snapshot, generated from these types.
    pub fn json_schema() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(Snapshot)).unwrap_or_default()
    }

    /// Every resource a finding may name, with the JSON path of its object in the snapshot.
    ///
    /// Accounts are named by [`account_resource`], buckets by both name and ARN, IAM principals
    /// and policies by ARN.
    pub fn resource_paths(&self) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        let path = |parts: &[&str]| parts.iter().map(|p| (*p).to_string()).collect::<Vec<_>>();
        for (id, account) in &self.accounts {
            out.push((account_resource(id), path(&["accounts", id])));
            if let Some(iam) = account.iam.present() {
                for (name, user) in &iam.users {
                    out.push((
                        user.arn.clone(),
                        path(&["accounts", id, "Iam", "Users", name]),
                    ));
                }
                for (name, group) in &iam.groups {
                    out.push((
                        group.arn.clone(),
                        path(&["accounts", id, "Iam", "Groups", name]),
                    ));
                }
                for (name, role) in &iam.roles {
                    out.push((
                        role.arn.clone(),
                        path(&["accounts", id, "Iam", "Roles", name]),
                    ));
                }
                for arn in iam.policies.keys() {
                    out.push((arn.clone(), path(&["accounts", id, "Iam", "Policies", arn])));
                }
            }
        }
        for arn in self.trails.keys() {
            out.push((arn.clone(), path(&["trails", arn])));
        }
        for (name, bucket) in &self.buckets {
            out.push((name.clone(), path(&["buckets", name])));
            out.push((bucket.arn.clone(), path(&["buckets", name])));
        }
        for arn in self.kms_keys.keys() {
            out.push((arn.clone(), path(&["kms_keys", arn])));
        }
        out
    }
}

/// A snapshot read from a file, with its text kept so findings can point at lines in it.
#[derive(Debug, Clone)]
pub struct SnapshotFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// The parsed snapshot.
    pub snapshot: Snapshot,
}

impl SnapshotFile {
    /// Maps every resource of the snapshot to the line where its object starts in the file.
    pub fn source_index(&self) -> SourceIndex {
        SourceIndex::new(&self.text, &self.snapshot)
    }
}
