//! Log buckets: the buckets each account owns (ListBuckets), and for each bucket a trail writes
//! to, its location and then every sub-configuration the rules read, in the bucket's region.

use crate::call::{Ctx, Scope};
use crate::sdk::{Clients, FALLBACK_REGION};
use crate::time::rfc3339;
use crate::Operation;
use aws_sdk_s3::types as aws;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use trailguard_snapshot::{
    Acl, Bucket, Collected, DefaultRetention, Document, Encryption, EncryptionByDefault,
    EncryptionRule, Expiration, Grant, Grantee, Lifecycle, LifecycleRule, LoggingEnabled,
    MfaDeleteStatus, NoncurrentVersionExpiration, ObjectLockConfiguration, ObjectLockMode,
    ObjectLockRule, OwnershipControls, OwnershipRule, PolicyStatus, PublicAccessBlock, Versioning,
    VersioningStatus,
};

/// The error S3 answers for a bucket that does not exist.
const NO_SUCH_BUCKET: &str = "NoSuchBucket";

/// The names of the buckets an account owns; `None` when the list failed (a gap says why).
pub(crate) async fn owned_buckets(
    ctx: &Ctx,
    clients: &Clients,
    account: &str,
) -> Option<BTreeSet<String>> {
    let region = clients.home_region.clone();
    let scope = Scope::new(account, &region, account);
    let pages = ctx.read_pages(
        Operation::ListBuckets,
        &scope,
        clients.s3(&region).list_buckets().into_paginator().send(),
    );
    let pages = pages.await.into_present()?;
    Some(
        pages
            .iter()
            .flat_map(|p| p.buckets())
            .filter_map(|b| b.name().map(str::to_string))
            .collect(),
    )
}

/// Who reads a bucket, and what is known of it before the first call.
pub(crate) struct BucketRequest<'a> {
    /// The bucket's name.
    pub name: &'a str,
    /// The account whose credentials read it.
    pub account: &'a str,
    /// The owning account, when a scanned account lists the bucket.
    pub owner: Option<&'a str>,
    /// Where to send calls when the bucket's location cannot be read: the home region of a
    /// trail writing to it.
    pub fallback_region: &'a str,
}

/// Reads one log bucket. `None` when it does not exist (a trail naming it is then broken, which
/// TG005 reports): a missing bucket is a fact, not a gap.
pub(crate) async fn bucket(
    ctx: &Ctx,
    clients: &Clients,
    request: BucketRequest<'_>,
) -> Option<Bucket> {
    let BucketRequest {
        name,
        account,
        owner,
        fallback_region,
    } = request;
    let foreign_note =
        "the bucket is not owned by a scanned account; scan its owner too with --role-arn";
    let mut scope = Scope::new(account, FALLBACK_REGION, name);
    if owner.is_none() {
        scope.note = Some(foreign_note);
    }
    // GetBucketLocation answers for a bucket of any region from the global endpoint.
    let location = ctx.call(
        Operation::GetBucketLocation,
        &scope,
        clients
            .s3(FALLBACK_REGION)
            .get_bucket_location()
            .bucket(name)
            .send(),
    );
    let region = match location.await {
        Ok(out) => Some(normalise_region(
            out.location_constraint().map(|c| c.as_str()).unwrap_or(""),
        )),
        Err(failure) if failure.is(&[NO_SUCH_BUCKET]) => return None,
        Err(failure) => {
            ctx.gap(Operation::GetBucketLocation, &scope, &failure);
            None
        }
    };
    let call_region = region
        .clone()
        .unwrap_or_else(|| fallback_region.to_string());
    let scope = Scope {
        region: &call_region,
        ..scope
    };
    let client = clients.s3(&call_region);

    let policy = async {
        let policy = ctx
            .read(
                Operation::GetBucketPolicy,
                &scope,
                &["NoSuchBucketPolicy"],
                client.get_bucket_policy().bucket(name).send(),
            )
            .await
            .and_then(|out| match out.policy() {
                Some(text) => Collected::Present(parse_json(text)),
                None => {
                    ctx.incomplete(
                        Operation::GetBucketPolicy,
                        &scope,
                        "GetBucketPolicy answered without the policy".to_string(),
                    );
                    Collected::Unknown
                }
            });
        // Without a policy there is nothing for AWS to judge public: GetBucketPolicyStatus
        // would answer NoSuchBucketPolicy, so it is not asked.
        let status = match &policy {
            Collected::Present(_) => ctx
                .read(
                    Operation::GetBucketPolicyStatus,
                    &scope,
                    &["NoSuchBucketPolicy"],
                    client.get_bucket_policy_status().bucket(name).send(),
                )
                .await
                .map(|out| PolicyStatus {
                    is_public: out
                        .policy_status()
                        .and_then(|s| s.is_public())
                        .unwrap_or(false),
                }),
            Collected::Absent => Collected::Absent,
            Collected::Unknown => Collected::Unknown,
        };
        (policy, status)
    };
    let public_access_block = ctx.read(
        Operation::GetPublicAccessBlock,
        &scope,
        &["NoSuchPublicAccessBlockConfiguration"],
        client.get_public_access_block().bucket(name).send(),
    );
    let acl = ctx.read(
        Operation::GetBucketAcl,
        &scope,
        &[],
        client.get_bucket_acl().bucket(name).send(),
    );
    let logging = ctx.read(
        Operation::GetBucketLogging,
        &scope,
        &[],
        client.get_bucket_logging().bucket(name).send(),
    );
    let versioning = ctx.read(
        Operation::GetBucketVersioning,
        &scope,
        &[],
        client.get_bucket_versioning().bucket(name).send(),
    );
    let encryption = ctx.read(
        Operation::GetBucketEncryption,
        &scope,
        &["ServerSideEncryptionConfigurationNotFoundError"],
        client.get_bucket_encryption().bucket(name).send(),
    );
    let object_lock = ctx.read(
        Operation::GetObjectLockConfiguration,
        &scope,
        &["ObjectLockConfigurationNotFoundError"],
        client.get_object_lock_configuration().bucket(name).send(),
    );
    let lifecycle = ctx.read(
        Operation::GetBucketLifecycleConfiguration,
        &scope,
        &["NoSuchLifecycleConfiguration"],
        client
            .get_bucket_lifecycle_configuration()
            .bucket(name)
            .send(),
    );
    let tags = ctx.read(
        Operation::GetBucketTagging,
        &scope,
        &["NoSuchTagSet"],
        client.get_bucket_tagging().bucket(name).send(),
    );
    let ownership = ctx.read(
        Operation::GetBucketOwnershipControls,
        &scope,
        &["OwnershipControlsNotFoundError"],
        client.get_bucket_ownership_controls().bucket(name).send(),
    );
    let (
        (policy, policy_status),
        public_access_block,
        acl,
        logging,
        versioning,
        encryption,
        object_lock,
        lifecycle,
        tags,
        ownership,
    ) = tokio::join!(
        policy,
        public_access_block,
        acl,
        logging,
        versioning,
        encryption,
        object_lock,
        lifecycle,
        tags,
        ownership
    );

    Some(Bucket {
        name: name.to_string(),
        arn: format!("arn:aws:s3:::{name}"),
        region,
        owner_account: owner.map(str::to_string),
        policy,
        policy_status,
        public_access_block: public_access_block
            .map(|out| public_access_block_of(out.public_access_block_configuration())),
        acl: acl.map(|out| Acl {
            owner: out.owner().map(|o| Grantee {
                grantee_type: None,
                id: o.id().map(str::to_string),
                uri: None,
                display_name: o.display_name().map(str::to_string),
            }),
            grants: out.grants().iter().filter_map(grant).collect(),
        }),
        logging: logging.and_then(|out| {
            out.logging_enabled()
                .map(|l| LoggingEnabled {
                    target_bucket: l.target_bucket().to_string(),
                    target_prefix: l.target_prefix().to_string(),
                })
                .into()
        }),
        versioning: versioning.map(|out| Versioning {
            status: out.status().and_then(|s| match s {
                aws::BucketVersioningStatus::Enabled => Some(VersioningStatus::Enabled),
                aws::BucketVersioningStatus::Suspended => Some(VersioningStatus::Suspended),
                _ => None,
            }),
            mfa_delete: out.mfa_delete().and_then(|m| match m {
                aws::MfaDeleteStatus::Enabled => Some(MfaDeleteStatus::Enabled),
                aws::MfaDeleteStatus::Disabled => Some(MfaDeleteStatus::Disabled),
                _ => None,
            }),
        }),
        encryption: encryption.map(|out| Encryption {
            rules: out
                .server_side_encryption_configuration()
                .map(|c| c.rules())
                .unwrap_or_default()
                .iter()
                .map(|r| EncryptionRule {
                    apply_server_side_encryption_by_default: r
                        .apply_server_side_encryption_by_default()
                        .map(|d| EncryptionByDefault {
                            sse_algorithm: d.sse_algorithm().as_str().to_string(),
                            kms_master_key_id: d.kms_master_key_id().map(str::to_string),
                        }),
                    bucket_key_enabled: r.bucket_key_enabled().unwrap_or(false),
                })
                .collect(),
        }),
        object_lock_configuration: object_lock
            .and_then(|out| out.object_lock_configuration().map(object_lock_of).into()),
        lifecycle: lifecycle.map(|out| Lifecycle {
            rules: out.rules().iter().map(lifecycle_rule).collect(),
        }),
        tags: tags.map(|out| {
            out.tag_set()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect()
        }),
        ownership_controls: ownership.and_then(|out| match out.ownership_controls() {
            Some(controls) => Collected::Present(OwnershipControls {
                rules: controls
                    .rules()
                    .iter()
                    .map(|r| OwnershipRule {
                        object_ownership: r.object_ownership().as_str().to_string(),
                    })
                    .collect(),
            }),
            None => {
                ctx.incomplete(
                    Operation::GetBucketOwnershipControls,
                    &scope,
                    "GetBucketOwnershipControls answered without OwnershipControls".to_string(),
                );
                Collected::Unknown
            }
        }),
    })
}

/// `GetBucketLocation` answers "" for us-east-1 and "EU" for the oldest eu-west-1 buckets.
fn normalise_region(constraint: &str) -> String {
    match constraint {
        "" => "us-east-1".to_string(),
        "EU" => "eu-west-1".to_string(),
        other => other.to_string(),
    }
}

/// Parses a policy document; one that is not JSON is kept as its text. AWS validates policies as
/// JSON, so none is expected; should one come, evaluation stops with an error naming the
/// resource and its policy (the IAM index refuses it), never passing over it.
pub(crate) fn parse_json(text: &str) -> Document {
    Document::from_json_str(text).unwrap_or_else(|_| Document::string(text))
}

fn public_access_block_of(c: Option<&aws::PublicAccessBlockConfiguration>) -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: c.and_then(|c| c.block_public_acls()).unwrap_or(false),
        ignore_public_acls: c.and_then(|c| c.ignore_public_acls()).unwrap_or(false),
        block_public_policy: c.and_then(|c| c.block_public_policy()).unwrap_or(false),
        restrict_public_buckets: c.and_then(|c| c.restrict_public_buckets()).unwrap_or(false),
    }
}

fn grant(g: &aws::Grant) -> Option<Grant> {
    let grantee = g.grantee()?;
    Some(Grant {
        grantee: Grantee {
            grantee_type: Some(grantee.r#type().as_str().to_string()),
            id: grantee.id().map(str::to_string),
            uri: grantee.uri().map(str::to_string),
            display_name: grantee.display_name().map(str::to_string),
        },
        permission: g.permission()?.as_str().to_string(),
    })
}

fn object_lock_of(c: &aws::ObjectLockConfiguration) -> ObjectLockConfiguration {
    ObjectLockConfiguration {
        object_lock_enabled: c.object_lock_enabled().map(|e| e.as_str().to_string()),
        rule: c.rule().map(|r| ObjectLockRule {
            default_retention: r.default_retention().map(|d| DefaultRetention {
                mode: d.mode().and_then(|m| match m {
                    aws::ObjectLockRetentionMode::Governance => Some(ObjectLockMode::Governance),
                    aws::ObjectLockRetentionMode::Compliance => Some(ObjectLockMode::Compliance),
                    _ => None,
                }),
                days: d.days().and_then(|d| u32::try_from(d).ok()),
                years: d.years().and_then(|y| u32::try_from(y).ok()),
            }),
        }),
    }
}

fn lifecycle_rule(r: &aws::LifecycleRule) -> LifecycleRule {
    LifecycleRule {
        id: r.id().map(str::to_string),
        status: r.status().as_str().to_string(),
        filter: r.filter().map(lifecycle_filter),
        expiration: r.expiration().map(|e| Expiration {
            days: e.days().and_then(|d| u32::try_from(d).ok()),
            date: e.date().and_then(rfc3339),
            expired_object_delete_marker: e.expired_object_delete_marker(),
        }),
        noncurrent_version_expiration: r.noncurrent_version_expiration().map(|n| {
            NoncurrentVersionExpiration {
                noncurrent_days: n.noncurrent_days().and_then(|d| u32::try_from(d).ok()),
            }
        }),
        transitions: r
            .transitions()
            .iter()
            .map(|t| {
                let mut m = Map::new();
                if let Some(days) = t.days() {
                    m.insert("Days".into(), json!(days));
                }
                if let Some(date) = t.date().and_then(rfc3339) {
                    m.insert("Date".into(), json!(date));
                }
                if let Some(class) = t.storage_class() {
                    m.insert("StorageClass".into(), json!(class.as_str()));
                }
                Value::Object(m)
            })
            .collect(),
    }
}

/// A lifecycle filter as AWS's JSON shows it: `Prefix`, `Tag`, `ObjectSizeGreaterThan`,
/// `ObjectSizeLessThan`, or `And` of those.
fn lifecycle_filter(f: &aws::LifecycleRuleFilter) -> Value {
    let mut m = Map::new();
    if let Some(prefix) = f.prefix() {
        m.insert("Prefix".into(), json!(prefix));
    }
    if let Some(tag) = f.tag() {
        m.insert(
            "Tag".into(),
            json!({"Key": tag.key(), "Value": tag.value()}),
        );
    }
    if let Some(size) = f.object_size_greater_than() {
        m.insert("ObjectSizeGreaterThan".into(), json!(size));
    }
    if let Some(size) = f.object_size_less_than() {
        m.insert("ObjectSizeLessThan".into(), json!(size));
    }
    if let Some(and) = f.and() {
        let mut a = Map::new();
        if let Some(prefix) = and.prefix() {
            a.insert("Prefix".into(), json!(prefix));
        }
        let tags: Vec<Value> = and
            .tags()
            .iter()
            .map(|t| json!({"Key": t.key(), "Value": t.value()}))
            .collect();
        if !tags.is_empty() {
            a.insert("Tags".into(), Value::Array(tags));
        }
        if let Some(size) = and.object_size_greater_than() {
            a.insert("ObjectSizeGreaterThan".into(), json!(size));
        }
        if let Some(size) = and.object_size_less_than() {
            a.insert("ObjectSizeLessThan".into(), json!(size));
        }
        m.insert("And".into(), Value::Object(a));
    }
    Value::Object(m)
}
