//! The trailguard snapshot: one JSON document holding everything the collector read about the
//! CloudTrail set-up of one or more AWS accounts, and everything it could not read.
//!
//! The snapshot is the only input policies see (`input` in Rego). It mirrors AWS's own field names
//! (`IsMultiRegionTrail`, `TrailARN`, `KeyRotationEnabled`), parses policy documents into JSON,
//! and is keyed for lookup so a rule joins trail → bucket → key without scanning arrays:
//!
//! | key | holds | keyed by |
//! |---|---|---|
//! | `accounts` | caller identity, account public access block, IAM, trails that apply, EventBridge rules and AWS Config per region | account id |
//! | `trails` | trails with status, selectors, tags | trail ARN |
//! | `buckets` | log buckets with every sub-configuration | bucket name |
//! | `kms_keys` | keys that encrypt logs | key ARN |
//! | `organizations` | the organisation tree and its service and resource control policies | organisation id |
//! | `log_groups` | the trails' CloudWatch Logs log groups, with their metric filters | log group ARN |
//! | `alarms` | the alarms on those filters' metrics | alarm ARN |
//! | `topics` | the SNS topics the trails, alarms and EventBridge rules notify, with their subscriptions | topic ARN |
//! | `event_data_stores` | the CloudTrail Lake event data stores of the collected regions | event data store ARN |
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
mod account_id;
mod arn;
mod bucket;
mod collected;
mod diff;
mod document;
mod error;
mod gap;
mod iam;
mod kms;
mod limits;
mod locate;
mod merge;
mod monitoring;
mod organization;
mod timestamp;
mod trail;
mod write;

pub use account::{Account, CallerIdentity, Organization};
pub use arn::{Arn, ArnError};
pub use bucket::{
    Acl, Bucket, DefaultRetention, Encryption, EncryptionByDefault, EncryptionRule, Expiration,
    Grant, Grantee, Lifecycle, LifecycleRule, LoggingEnabled, MfaDeleteStatus,
    NoncurrentVersionExpiration, ObjectLockConfiguration, ObjectLockMode, ObjectLockRule,
    OwnershipControls, OwnershipRule, PolicyStatus, PublicAccessBlock, Versioning,
    VersioningStatus,
};
pub use collected::Collected;
pub use diff::{full_access_holders, Changed, Changes, SnapshotDiff};
pub use document::{take_handed, Document, Sharing, DOCUMENT_NEWTYPE};
pub use error::{ErrorKind, SnapshotError};
pub use gap::Gap;
pub use iam::{
    AttachedPolicy, Group, Iam, InlinePolicy, ManagedPolicy, PermissionsBoundary, PolicyEntities,
    Role, User, CLOUDTRAIL_FULL_ACCESS_ARN,
};
pub use kms::{KeyManager, KeyMetadata, KmsKey};
pub use limits::{MAX_NESTING, MAX_SNAPSHOT_BYTES, MAX_STRING_BYTES};
pub use locate::SourceIndex;
pub use merge::merge;
pub use monitoring::{
    log_group_key, Alarm, ConfigService, ConfigurationRecorder, DeliveryChannel,
    DeliveryChannelStatus, DeliveryInfo, EventRule, EventTarget, LogGroup, LogGroupSettings,
    MetricFilter, MetricTransformation, RecorderStatus, RecordingGroup, RegionMonitoring,
    Subscription, Topic, TopicAttributes,
};
pub use organization::{ControlPolicy, ControlPolicyType, OrganizationPolicies, Root};
pub use timestamp::{Timestamp, TimestampError};
pub use trail::{
    AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventDataStore, EventSelector,
    InsightSelector, ReadWriteType, Trail, TrailStatus,
};
pub use write::{discard_unfinished_writes, write_file, Discarded, WriteError, Writes};

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

/// Whether `id` has the shape of an AWS account id: 12 digits.
pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// Everything the collector read, for one or more accounts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "trailguard snapshot")]
pub struct Snapshot {
    /// The format version; must equal [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// When collection finished: an RFC 3339 date-time (the collector writes UTC to the second).
    /// Rules measure staleness against this, not the clock, so evaluating a saved snapshot gives
    /// the same answer tomorrow. Parsed when the snapshot loads (a malformed one is an error at
    /// its line and column), ordered by instant, written back as it was read.
    pub collected_at: Timestamp,
    /// The trailguard version that collected it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collector_version: Option<String>,
    /// Accounts by id (12 digits).
    #[serde(default, deserialize_with = "account_id::keys")]
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
    /// Organisations by id (`o-...`): their tree and control policies, where they could be read.
    /// Left out of the JSON when empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub organizations: BTreeMap<String, OrganizationPolicies>,
    /// The trails' CloudWatch Logs log groups by ARN (without `:*`: see [`log_group_key`]),
    /// with their metric filters. Left out of the JSON when empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub log_groups: BTreeMap<String, LogGroup>,
    /// The alarms on the metric filters' metrics, by ARN. Left out of the JSON when empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub alarms: BTreeMap<String, Alarm>,
    /// The SNS topics the trails, alarms and EventBridge rules notify, by ARN. Left out of the
    /// JSON when empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub topics: BTreeMap<String, Topic>,
    /// The CloudTrail Lake event data stores of the scanned accounts' collected regions, by ARN.
    /// Left out of the JSON when empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub event_data_stores: BTreeMap<String, EventDataStore>,
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
    /// Parses a snapshot from JSON text, checking its `schema_version` first. A string longer
    /// than [`MAX_STRING_BYTES`] or nesting deeper than [`MAX_NESTING`] is an error at its line
    /// and column.
    pub fn from_json(text: &str) -> Result<Snapshot, SnapshotError> {
        Self::parse(text, None)
    }

    /// Reads and parses a snapshot file. A file larger than [`MAX_SNAPSHOT_BYTES`] is refused
    /// from its metadata, before it is read; one whose size is not known in advance (a pipe, a
    /// device) is read only up to the limit.
    pub fn load(path: &Path) -> Result<SnapshotFile, SnapshotError> {
        Self::load_limited(path, MAX_SNAPSHOT_BYTES)
    }

    /// [`Snapshot::load`] with a size limit of `max_bytes` instead of [`MAX_SNAPSHOT_BYTES`],
    /// for a machine with the memory to evaluate a larger file (about 8 to 12 bytes a byte).
    ///
    /// ```
    /// use trailguard_snapshot::{ErrorKind, Snapshot};
    ///
    /// let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../inputs/demo.json");
    /// let error = Snapshot::load_limited(&demo, 1000).unwrap_err();
    /// assert!(matches!(error.kind, ErrorKind::TooLarge { limit: 1000, .. }));
    /// assert!(Snapshot::load_limited(&demo, 100 * 1024 * 1024).is_ok());
    /// ```
    pub fn load_limited(path: &Path, max_bytes: u64) -> Result<SnapshotFile, SnapshotError> {
        let text = read_bounded(path, max_bytes).map_err(|e| e.with_path(path.to_path_buf()))?;
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
        // First, so that a huge string is refused before the parser goes through it.
        if let Some((offset, length)) = limits::long_string(text) {
            let (line, column) = limits::line_column(text, offset);
            return Err(located(SnapshotError::new(ErrorKind::LongString {
                line,
                column,
                length,
            })));
        }
        let probe: VersionProbe =
            serde_json::from_str(text).map_err(|e| located(SnapshotError::from_serde(&e)))?;
        match probe.schema_version {
            Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(SCHEMA_VERSION)) => {
            }
            Some(found) => {
                // Quoted in the message: a hostile value could be the size of the file.
                let mut found = found.to_string();
                if let Some((cut, _)) = found.char_indices().nth(40) {
                    found.truncate(cut);
                    found.push('…');
                }
                return Err(located(SnapshotError::new(ErrorKind::Version { found })));
            }
            None => return Err(located(SnapshotError::new(ErrorKind::MissingVersion))),
        }
        let mut snapshot: Snapshot = {
            // The snapshot's policies share their keys, short strings and shapes.
            let _sharing = Document::sharing();
            serde_json::from_str(text).map_err(|e| located(SnapshotError::from_serde(&e)))?
        };
        // `gaps` is a set, kept sorted; a file may list it in any order.
        snapshot.gaps.sort();
        Ok(snapshot)
    }

    /// The snapshot as pretty-printed JSON with a stable key order, ending in a newline.
    ///
    /// Every map key is a string, so this fails only if serde_json does; that is an error
    /// ([`ErrorKind::Serialize`]), never an empty text written over a snapshot.
    pub fn to_json_pretty(&self) -> Result<String, SnapshotError> {
        let mut text = serde_json::to_string_pretty(self).map_err(SnapshotError::serialize)?;
        text.push('\n');
        Ok(text)
    }

    /// The JSON Schema of the snapshot, generated from these types.
    pub fn json_schema() -> Result<serde_json::Value, SnapshotError> {
        serde_json::to_value(schemars::schema_for!(Snapshot)).map_err(SnapshotError::serialize)
    }

    /// The account a resource a finding names belongs to: the account of an
    /// [`account_resource`], the account field of an ARN that has one (trails, keys, IAM), the
    /// owner of a bucket (by name or ARN). `None` when the snapshot cannot tell (a bucket whose
    /// owner was not read, an AWS managed policy, anything else a custom rule names).
    ///
    /// ```
    /// use trailguard_snapshot::Snapshot;
    ///
    /// let snapshot = Snapshot::default();
    /// let trail = "arn:aws:cloudtrail:us-east-1:111122223333:trail/main";
    /// assert_eq!(snapshot.resource_account(trail).as_deref(), Some("111122223333"));
    /// assert_eq!(snapshot.resource_account("AWS::::Account:444455556666").as_deref(), Some("444455556666"));
    /// assert_eq!(snapshot.resource_account("arn:aws:iam::aws:policy/AdministratorAccess"), None);
    /// ```
    pub fn resource_account(&self, resource: &str) -> Option<String> {
        if let Some(id) = resource.strip_prefix("AWS::::Account:") {
            return is_account_id(id).then(|| id.to_string());
        }
        let arn = Arn::parse(resource).ok();
        let bucket = bucket_name(arn.as_ref()).unwrap_or(resource);
        if let Some(owner) = self
            .buckets
            .get(bucket)
            .and_then(|b| b.owner_account.clone())
        {
            return Some(owner);
        }
        arn?.account_id().map(str::to_string)
    }

    /// The JSON path of a resource's object in the snapshot, for a resource a finding may name:
    /// an account as [`account_resource`], a trail, key, log group or topic ARN, a bucket name or
    /// ARN, or the ARN of an IAM user, group, role or managed policy. `None` for anything else.
    pub fn resource_path(&self, resource: &str) -> Option<Vec<String>> {
        let path = |parts: &[&str]| Some(parts.iter().map(|p| (*p).to_string()).collect());
        if let Some(id) = resource.strip_prefix("AWS::::Account:") {
            return self
                .accounts
                .contains_key(id)
                .then(|| path(&["accounts", id]))?;
        }
        if self.trails.contains_key(resource) {
            return path(&["trails", resource]);
        }
        if self.kms_keys.contains_key(resource) {
            return path(&["kms_keys", resource]);
        }
        if self.log_groups.contains_key(resource) {
            return path(&["log_groups", resource]);
        }
        if self.topics.contains_key(resource) {
            return path(&["topics", resource]);
        }
        if self.event_data_stores.contains_key(resource) {
            return path(&["event_data_stores", resource]);
        }
        let arn = Arn::parse(resource).ok();
        let bucket = bucket_name(arn.as_ref()).unwrap_or(resource);
        if self.buckets.contains_key(bucket) {
            return path(&["buckets", bucket]);
        }
        // arn:PARTITION:iam::ACCOUNT:user/PATH/NAME, group/..., role/..., policy/...
        let arn = arn.filter(|a| a.service() == "iam")?;
        let account = arn.account();
        let (kind, name_path) = arn.resource().split_once('/')?;
        let name = name_path.rsplit('/').next()?;
        if kind == "policy" {
            // AWS managed policies (account `aws`) are stored in every account that uses them.
            return self.accounts.iter().find_map(|(id, a)| {
                a.iam
                    .present()
                    .filter(|iam| iam.policies.contains_key(resource))
                    .and_then(|_| path(&["accounts", id, "Iam", "Policies", resource]))
            });
        }
        let iam = self.accounts.get(account)?.iam.present()?;
        let (section, found) = match kind {
            "user" => (
                "Users",
                iam.users.get(name).is_some_and(|u| u.arn == resource),
            ),
            "group" => (
                "Groups",
                iam.groups.get(name).is_some_and(|g| g.arn == resource),
            ),
            "role" => (
                "Roles",
                iam.roles.get(name).is_some_and(|r| r.arn == resource),
            ),
            _ => return None,
        };
        found.then(|| path(&["accounts", account, "Iam", section, name]))?
    }

    /// Whether this snapshot keys `resource` (see [`Snapshot::resource_path`]) inside the same
    /// copy of its account, trail, bucket or key as `merged` holds: the unit [`merge`] keeps or
    /// drops whole. Among several snapshots, a finding about `resource` belongs in one of these.
    ///
    /// ```
    /// use trailguard_snapshot::{merge, Bucket, Snapshot};
    ///
    /// let with_bucket = |region: &str, at: &str| {
    ///     let mut s = Snapshot { collected_at: at.parse().unwrap(), ..Snapshot::default() };
    ///     s.buckets.insert("logs".into(), Bucket { region: Some(region.into()), ..Bucket::default() });
    ///     s
    /// };
    /// let older = with_bucket("eu-west-1", "2026-01-01T00:00:00Z");
    /// let newer = with_bucket("eu-central-1", "2026-02-01T00:00:00Z");
    /// let merged = merge(vec![older.clone(), newer.clone()]).unwrap();
    /// assert!(newer.holds_copy_of(&merged, "logs"));
    /// assert!(!older.holds_copy_of(&merged, "logs"));
    /// assert!(!newer.holds_copy_of(&merged, "other-bucket"));
    /// ```
    pub fn holds_copy_of(&self, merged: &Snapshot, resource: &str) -> bool {
        let Some(path) = self.resource_path(resource) else {
            return false;
        };
        // The path was found in this snapshot: its side of each comparison is `Some`.
        match path.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["accounts", id, ..] => self.accounts.get(id) == merged.accounts.get(id),
            ["trails", key] => self.trails.get(key) == merged.trails.get(key),
            ["buckets", key] => self.buckets.get(key) == merged.buckets.get(key),
            ["kms_keys", key] => self.kms_keys.get(key) == merged.kms_keys.get(key),
            ["log_groups", key] => self.log_groups.get(key) == merged.log_groups.get(key),
            ["topics", key] => self.topics.get(key) == merged.topics.get(key),
            ["event_data_stores", key] => {
                self.event_data_stores.get(key) == merged.event_data_stores.get(key)
            }
            _ => false,
        }
    }
}

/// What follows `arn:PARTITION:s3:::` in an S3 ARN, looked up as a bucket name (a snapshot's
/// bucket keys are whatever the file holds); `None` for any other ARN.
fn bucket_name(arn: Option<&Arn>) -> Option<&str> {
    arn.filter(|a| a.service() == "s3" && a.region().is_empty() && a.account().is_empty())
        .map(Arn::resource)
}

/// How much of a stream of unknown size is read into one buffer.
const READ_CHUNK: usize = 8 << 20;

/// A buffer that could not be allocated, as an I/O error.
fn out_of_memory(
    error: std::collections::TryReserveError,
    io: impl Fn(std::io::Error) -> SnapshotError,
) -> SnapshotError {
    io(std::io::Error::new(
        std::io::ErrorKind::OutOfMemory,
        error.to_string(),
    ))
}

/// The text of `path`, refused when it is larger than `limit` bytes.
fn read_bounded(path: &Path, limit: u64) -> Result<String, SnapshotError> {
    use std::io::Read;
    let io = |source| SnapshotError::new(ErrorKind::Io(source));
    let file = std::fs::File::open(path).map_err(io)?;
    // A regular file's size is known: a file over the limit is never read. Pipes and devices
    // report 0 and are read up to one byte past the limit.
    let size = file.metadata().map_err(io)?.len();
    if size > limit {
        return Err(SnapshotError::new(ErrorKind::TooLarge {
            size: Some(size),
            limit,
        }));
    }
    let mut reader = file.take(limit.saturating_add(1));
    // The size the file reports, read into one buffer of that size.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    (&mut reader)
        .take(size)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    // The rest (a pipe or a device, which report 0; a file that grew) in chunks joined once at
    // the end, so no buffer is ever moved while it grows: `read_to_end` doubles its buffer, and
    // an allocator that moves a growing block, as mimalloc does, holds both copies at once (a
    // 256 MiB stream took 768 MiB of address space).
    let mut rest: Vec<Vec<u8>> = Vec::new();
    loop {
        // Find out whether more is coming before making room for it.
        let mut probe = [0u8; 64];
        let n = loop {
            match reader.read(&mut probe) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                read => break read.map_err(io)?,
            }
        };
        let Some(read) = probe.get(..n).filter(|read| !read.is_empty()) else {
            break;
        };
        let mut chunk = Vec::new();
        chunk
            .try_reserve_exact(READ_CHUNK)
            .map_err(|e| out_of_memory(e, io))?;
        chunk.extend_from_slice(read);
        (&mut reader)
            .take((READ_CHUNK - n) as u64)
            .read_to_end(&mut chunk)
            .map_err(io)?;
        rest.push(chunk);
    }
    let more: usize = rest.iter().map(Vec::len).sum();
    if (bytes.len() as u64).saturating_add(more as u64) > limit {
        return Err(SnapshotError::new(ErrorKind::TooLarge {
            size: None,
            limit,
        }));
    }
    if more > 0 {
        bytes
            .try_reserve_exact(more)
            .map_err(|e| out_of_memory(e, io))?;
        for chunk in rest {
            bytes.extend_from_slice(&chunk);
        }
    }
    String::from_utf8(bytes).map_err(|e| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not UTF-8 text: invalid byte at offset {} (a snapshot is JSON in UTF-8)",
                e.utf8_error().valid_up_to()
            ),
        ))
    })
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
    /// The line where each of `resources` starts in the file, for those the file keys.
    pub fn locate<'a>(&self, resources: impl IntoIterator<Item = &'a str>) -> SourceIndex {
        SourceIndex::new(&self.text, &self.snapshot, resources)
    }

    /// The first line where each of `resources` appears as a JSON string in the file.
    pub fn search<'a>(&self, resources: impl IntoIterator<Item = &'a str>) -> SourceIndex {
        SourceIndex::search(&self.text, resources)
    }
}
