//! A proptest strategy for valid, varied [`Snapshot`]s, shared by the merge properties of
//! trailguard-snapshot (`crates/trailguard-snapshot/tests/properties.rs`) and the end-to-end
//! determinism properties (`tests/determinism.rs`), which include this file by path.
//!
//! The snapshots vary what the built-in rules look at, so a typical one triggers many of them:
//! trails logging or not, multi-region or not, validation, KMS keys present, missing or in another
//! account, bucket policy / ACL / public access block, versioning, Object Lock, key rotation, IAM
//! principals holding `AWSCloudTrail_FullAccess` or inline CloudTrail powers, and gaps. Every
//! [`Collected`] field takes all three states. Names come from small pools so resources share
//! names and prefixes (`logs`, `logs-archive`, a bucket called `main` like a trail), and some are
//! Unicode or need escaping in JSON.

#![allow(dead_code)] // Each test file uses a different part of it.

use proptest::prelude::*;
use proptest::sample::{select, subsequence, Index};
use serde_json::json;
use std::collections::BTreeMap;
use trailguard_snapshot::{
    Account, Acl, AdvancedEventSelector, AdvancedFieldSelector, AttachedPolicy, Bucket,
    CallerIdentity, Collected, DataResource, DefaultRetention, Document, Encryption,
    EncryptionByDefault, EncryptionRule, EventSelector, Expiration, Gap, Grant, Grantee, Group,
    Iam, InlinePolicy, InsightSelector, KeyManager, KeyMetadata, KmsKey, Lifecycle, LifecycleRule,
    LoggingEnabled, ManagedPolicy, MfaDeleteStatus, ObjectLockConfiguration, ObjectLockMode,
    ObjectLockRule, Organization, OwnershipControls, OwnershipRule, PolicyEntities, PolicyStatus,
    PublicAccessBlock, ReadWriteType, Role, Snapshot, Trail, TrailStatus, User, Versioning,
    VersioningStatus, CLOUDTRAIL_FULL_ACCESS_ARN,
};

/// The accounts a snapshot may hold.
pub const ACCOUNTS: [&str; 4] = [
    "111111111111",
    "222222222222",
    "333333333333",
    "123456789012",
];
/// An account no generated snapshot holds (other-account keys and buckets).
pub const FOREIGN: &str = "999999999999";
/// Trail names: shared prefixes, one equal to a bucket name, Unicode, characters JSON escapes.
pub const TRAIL_NAMES: [&str; 7] = [
    "main",
    "main-2",
    "org-trail",
    "café",
    "журнал",
    "we\"ird\\name",
    "logs",
];
/// Bucket names: `main` (also a trail name, so a substring of trail ARNs), shared prefixes,
/// Unicode, a slash (escaped as `\/` by some writers).
pub const BUCKET_NAMES: [&str; 7] = [
    "logs",
    "logs-archive",
    "logs-2",
    "main",
    "café-logs",
    "日志",
    "a/b",
];
/// KMS key ids.
pub const KEY_IDS: [&str; 4] = [
    "1234abcd-12ab-34cd-56ef-1234567890ab",
    "1234abcd",
    "clé",
    "mrk-0f0f",
];
/// IAM principal names (no `/`: the last ARN segment is the name).
pub const PRINCIPAL_NAMES: [&str; 6] = ["ops-admin", "ops", "jane.doe", "zoë", "auditors", "logs"];
const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-2"];
/// Collection times, some spelled with an offset or a fraction of a second: merging orders
/// them by instant (`…T11:00:00+01:00` is `…T10:00:00Z`; `…T09:00:00.5Z` is after `…T09:00:00Z`
/// though it sorts before it as text).
const TIMES: [&str; 5] = [
    "2026-11-20T09:00:00Z",
    "2026-11-20T09:00:00.5Z",
    "2026-11-20T10:00:00Z",
    "2026-11-20T11:00:00+01:00",
    "2026-11-21T00:00:00Z",
];

/// A document of the JSON (every `serde_json` value is one).
pub fn doc(value: serde_json::Value) -> Document {
    Document::from_json(&value).expect("a serde_json value is a document")
}

/// The three states of a [`Collected`], present most often.
pub fn collected<T: std::fmt::Debug + Clone + 'static>(
    value: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Collected<T>> {
    prop_oneof![
        1 => Just(Collected::Unknown),
        1 => Just(Collected::Absent),
        4 => value.prop_map(Collected::Present),
    ]
    .boxed()
}

fn pab() -> impl Strategy<Value = PublicAccessBlock> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(a, b, c, d)| {
        PublicAccessBlock {
            block_public_acls: a,
            ignore_public_acls: b,
            block_public_policy: c,
            restrict_public_buckets: d,
        }
    })
}

fn tags() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop_oneof![
        Just(BTreeMap::new()),
        Just(BTreeMap::from([(
            "owner".to_string(),
            "security".to_string()
        )])),
        Just(BTreeMap::from([
            ("owner".to_string(), "sécurité".to_string()),
            ("env".to_string(), "prod".to_string()),
        ])),
    ]
}

/// A trail ARN from the pools.
pub fn trail_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:cloudtrail:{region}:{account}:trail/{name}")
}

/// A KMS key ARN from the pools.
pub fn key_arn(account: &str, id: &str) -> String {
    format!("arn:aws:kms:us-east-1:{account}:key/{id}")
}

fn event_selectors() -> impl Strategy<Value = Vec<EventSelector>> {
    let selector = (
        select(vec![
            ReadWriteType::All,
            ReadWriteType::ReadOnly,
            ReadWriteType::WriteOnly,
        ]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(rw, management, s3, exclude_kms)| EventSelector {
            read_write_type: rw,
            include_management_events: management,
            data_resources: if s3 {
                vec![DataResource {
                    resource_type: "AWS::S3::Object".into(),
                    values: vec!["arn:aws:s3".into()],
                }]
            } else {
                Vec::new()
            },
            exclude_management_event_sources: if exclude_kms {
                vec!["kms.amazonaws.com".into(), "rdsdata.amazonaws.com".into()]
            } else {
                Vec::new()
            },
        });
    proptest::collection::vec(selector, 0..3)
}

fn advanced_selectors() -> impl Strategy<Value = Vec<AdvancedEventSelector>> {
    let field = |field: &str, equals: &[&str]| AdvancedFieldSelector {
        field: field.into(),
        equals: equals.iter().map(|s| (*s).to_string()).collect(),
        ..AdvancedFieldSelector::default()
    };
    let management = AdvancedEventSelector {
        name: Some("Management events".into()),
        field_selectors: vec![field("eventCategory", &["Management"])],
    };
    let s3 = AdvancedEventSelector {
        name: Some("S3 data events".into()),
        field_selectors: vec![
            field("eventCategory", &["Data"]),
            field("resources.type", &["AWS::S3::Object"]),
        ],
    };
    let lambda = AdvancedEventSelector {
        name: None,
        field_selectors: vec![
            field("eventCategory", &["Data"]),
            field("resources.type", &["AWS::Lambda::Function"]),
        ],
    };
    subsequence(vec![management, s3, lambda], 0..=3)
}

prop_compose! {
    fn trail_status()(
        logging in any::<bool>(),
        delivery_error in proptest::option::of(select(vec!["AccessDenied", "NoSuchBucket", "KMS.DisabledException"])),
        delivered in proptest::option::of(select(vec!["2026-11-20T08:00:00Z", "2025-01-01T00:00:00Z"])),
    ) -> TrailStatus {
        TrailStatus {
            is_logging: logging,
            latest_delivery_error: delivery_error.map(String::from),
            latest_delivery_time: delivered.map(String::from),
            start_logging_time: Some("2019-04-23T08:45:10Z".into()),
            stop_logging_time: (!logging).then(|| "2026-11-01T00:00:00Z".into()),
            ..TrailStatus::default()
        }
    }
}

prop_compose! {
    /// A trail of one of `accounts`.
    pub fn trail(accounts: Vec<String>)(
        account in select(accounts),
        region in select(REGIONS.to_vec()),
        name in select(TRAIL_NAMES.to_vec()),
        bucket in proptest::option::weighted(0.9, select(BUCKET_NAMES.to_vec())),
        key in proptest::option::of((select({
            let mut a: Vec<&str> = ACCOUNTS.to_vec(); a.push(FOREIGN); a
        }), select(KEY_IDS.to_vec()))),
        flags in (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        status in collected(trail_status()),
        selectors in (collected(event_selectors()), collected(advanced_selectors())),
        insights in collected(subsequence(vec!["ApiCallRateInsight", "ApiErrorRateInsight"], 0..=2)),
        tags in collected(tags()),
    ) -> Trail {
        let (global, multi, org, validation, cloudwatch, custom) = flags;
        Trail {
            name: name.to_string(),
            trail_arn: trail_arn(region, &account, name),
            account_id: account.clone(),
            home_region: region.to_string(),
            s3_bucket_name: bucket.map(String::from),
            s3_key_prefix: Some("AWSLogs".into()),
            sns_topic_arn: None,
            include_global_service_events: global,
            is_multi_region_trail: multi,
            is_organization_trail: org,
            log_file_validation_enabled: validation,
            cloud_watch_logs_log_group_arn: cloudwatch
                .then(|| format!("arn:aws:logs:{region}:{account}:log-group:trail:*")),
            cloud_watch_logs_role_arn: cloudwatch
                .then(|| format!("arn:aws:iam::{account}:role/CloudTrailToLogs")),
            kms_key_id: key.map(|(a, id)| key_arn(a, id)),
            has_custom_event_selectors: custom,
            has_insight_selectors: matches!(insights, Collected::Present(ref v) if !v.is_empty()),
            status,
            event_selectors: selectors.0,
            advanced_event_selectors: selectors.1,
            insight_selectors: insights.map(|v| v.into_iter().map(|t| InsightSelector { insight_type: t.into() }).collect()),
            tags,
        }
    }
}

/// A bucket policy: public, TLS-denying, CloudTrail-writing with or without a source condition.
fn bucket_policy(name: &'static str) -> impl Strategy<Value = Document> {
    let arn = format!("arn:aws:s3:::{name}");
    subsequence(vec![0u8, 1, 2, 3], 0..=4).prop_map(move |parts| {
        let statements: Vec<serde_json::Value> = parts
            .iter()
            .map(|p| match p {
                0 => json!({"Sid": "Public", "Effect": "Allow", "Principal": "*",
                            "Action": "s3:GetObject", "Resource": format!("{arn}/*")}),
                1 => json!({"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
                            "Action": "s3:*", "Resource": [arn.clone(), format!("{arn}/*")],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
                2 => json!({"Sid": "AWSCloudTrailWrite", "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "s3:PutObject", "Resource": format!("{arn}/AWSLogs/*"),
                            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                          "aws:SourceAccount": "111111111111"}}}),
                _ => json!({"Sid": "AWSCloudTrailWriteAnyone", "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "s3:PutObject", "Resource": format!("{arn}/*")}),
            })
            .collect();
        doc(json!({"Version": "2012-10-17", "Statement": statements}))
    })
}

fn acl() -> impl Strategy<Value = Acl> {
    (any::<bool>(), any::<bool>()).prop_map(|(public, authenticated)| {
        let mut grants = vec![Grant {
            grantee: Grantee {
                grantee_type: Some("CanonicalUser".into()),
                id: Some("79a59df900b949e55d96a1e698fbaced".into()),
                ..Grantee::default()
            },
            permission: "FULL_CONTROL".into(),
        }];
        let group = |uri: &str, permission: &str| Grant {
            grantee: Grantee {
                grantee_type: Some("Group".into()),
                uri: Some(uri.into()),
                ..Grantee::default()
            },
            permission: permission.into(),
        };
        if public {
            grants.push(group(
                "http://acs.amazonaws.com/groups/global/AllUsers",
                "READ",
            ));
        }
        if authenticated {
            grants.push(group(
                "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
                "WRITE",
            ));
        }
        Acl {
            owner: None,
            grants,
        }
    })
}

fn versioning() -> impl Strategy<Value = Versioning> {
    (
        proptest::option::of(select(vec![
            VersioningStatus::Enabled,
            VersioningStatus::Suspended,
        ])),
        proptest::option::of(select(vec![
            MfaDeleteStatus::Enabled,
            MfaDeleteStatus::Disabled,
        ])),
    )
        .prop_map(|(status, mfa_delete)| Versioning { status, mfa_delete })
}

fn encryption() -> impl Strategy<Value = Encryption> {
    (select(vec!["AES256", "aws:kms"]), any::<bool>()).prop_map(|(algorithm, bucket_key)| {
        Encryption {
            rules: vec![EncryptionRule {
                apply_server_side_encryption_by_default: Some(EncryptionByDefault {
                    sse_algorithm: algorithm.into(),
                    kms_master_key_id: (algorithm == "aws:kms")
                        .then(|| key_arn(ACCOUNTS[0], KEY_IDS[0])),
                }),
                bucket_key_enabled: bucket_key,
            }],
        }
    })
}

fn object_lock() -> impl Strategy<Value = ObjectLockConfiguration> {
    (
        proptest::option::of(select(vec![
            ObjectLockMode::Governance,
            ObjectLockMode::Compliance,
        ])),
        select(vec![Some(30u32), Some(365), Some(3650), None]),
    )
        .prop_map(|(mode, days)| ObjectLockConfiguration {
            object_lock_enabled: Some("Enabled".into()),
            rule: mode.map(|mode| ObjectLockRule {
                default_retention: Some(DefaultRetention {
                    mode: Some(mode),
                    days,
                    years: None,
                }),
            }),
        })
}

fn lifecycle() -> impl Strategy<Value = Lifecycle> {
    (select(vec![7u32, 90, 400]), any::<bool>()).prop_map(|(days, enabled)| Lifecycle {
        rules: vec![LifecycleRule {
            id: Some("expire".into()),
            status: if enabled { "Enabled" } else { "Disabled" }.into(),
            filter: Some(json!({"Prefix": "AWSLogs/"})),
            expiration: Some(Expiration {
                days: Some(days),
                ..Expiration::default()
            }),
            noncurrent_version_expiration: None,
            transitions: Vec::new(),
        }],
    })
}

/// A bucket owned by one of `accounts`, another account, or nobody known.
pub fn bucket(accounts: Vec<String>) -> impl Strategy<Value = Bucket> {
    let mut owners: Vec<Option<String>> = accounts.into_iter().map(Some).collect();
    owners.push(Some(FOREIGN.to_string()));
    owners.push(None);
    (select(BUCKET_NAMES.to_vec()), select(owners)).prop_flat_map(|(name, owner)| {
        (
            (
                Just(name),
                Just(owner),
                collected(bucket_policy(name)),
                collected(any::<bool>().prop_map(|is_public| PolicyStatus { is_public })),
                collected(pab()),
                collected(acl()),
            ),
            (
                collected(
                    select(vec!["access-logs", "logs"]).prop_map(|t| LoggingEnabled {
                        target_bucket: t.into(),
                        target_prefix: "trail/".into(),
                    }),
                ),
                collected(versioning()),
                collected(encryption()),
                collected(object_lock()),
                collected(lifecycle()),
                collected(tags()),
                collected(ownership()),
            ),
        )
            .prop_map(
                |(
                    (name, owner, policy, policy_status, public_access_block, acl),
                    (logging, versioning, encryption, object_lock, lifecycle, tags, ownership),
                )| Bucket {
                    name: name.to_string(),
                    arn: format!("arn:aws:s3:::{name}"),
                    region: Some("us-east-1".into()),
                    owner_account: owner,
                    policy,
                    policy_status,
                    public_access_block,
                    acl,
                    logging,
                    versioning,
                    encryption,
                    object_lock_configuration: object_lock,
                    lifecycle,
                    tags,
                    ownership_controls: ownership,
                },
            )
    })
}

/// Object Ownership: ACLs disabled, or still deciding.
fn ownership() -> impl Strategy<Value = OwnershipControls> {
    select(vec![
        "BucketOwnerEnforced",
        "BucketOwnerPreferred",
        "ObjectWriter",
    ])
    .prop_map(|o| OwnershipControls {
        rules: vec![OwnershipRule {
            object_ownership: o.into(),
        }],
    })
}

fn key_policy(account: String) -> impl Strategy<Value = Document> {
    subsequence(vec![0u8, 1, 2, 3], 0..=4).prop_map(move |parts| {
        let statements: Vec<serde_json::Value> = parts
            .iter()
            .map(|p| match p {
                0 => json!({"Sid": "Enable IAM policies", "Effect": "Allow",
                            "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
                            "Action": "kms:*", "Resource": "*"}),
                1 => json!({"Sid": "Anyone", "Effect": "Allow", "Principal": "*",
                            "Action": "kms:Decrypt", "Resource": "*"}),
                2 => json!({"Sid": "CloudTrail encrypt", "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "kms:GenerateDataKey*", "Resource": "*"}),
                _ => json!({"Sid": "CloudTrail encrypt with condition", "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "kms:GenerateDataKey*", "Resource": "*",
                            "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn":
                                format!("arn:aws:cloudtrail:*:{account}:trail/*")}}}),
            })
            .collect();
        doc(json!({"Version": "2012-10-17", "Statement": statements}))
    })
}

/// A KMS key of one of `accounts` or another account.
pub fn kms_key(accounts: Vec<String>) -> impl Strategy<Value = KmsKey> {
    let mut owners = accounts;
    owners.push(FOREIGN.to_string());
    (select(owners), select(KEY_IDS.to_vec())).prop_flat_map(|(account, id)| {
        let metadata = (
            any::<bool>(),
            select(vec!["Enabled", "Disabled", "PendingDeletion"]),
            select(vec![KeyManager::Customer, KeyManager::Aws]),
        )
            .prop_map({
                let account = account.clone();
                move |(enabled, state, manager)| KeyMetadata {
                    key_id: id.to_string(),
                    aws_account_id: account.clone(),
                    enabled,
                    key_state: state.into(),
                    key_manager: manager,
                    key_usage: Some("ENCRYPT_DECRYPT".into()),
                    key_spec: Some("SYMMETRIC_DEFAULT".into()),
                    origin: Some("AWS_KMS".into()),
                    multi_region: id.starts_with("mrk-"),
                    deletion_date: (state == "PendingDeletion")
                        .then(|| "2026-12-01T00:00:00Z".into()),
                    description: Some(format!("clé de {id}")),
                }
            });
        (
            Just(key_arn(&account, id)),
            collected(metadata),
            collected(key_policy(account)),
            collected(any::<bool>()),
            collected(subsequence(vec!["alias/cloudtrail", "alias/logs"], 0..=2)),
        )
            .prop_map(|(arn, key_metadata, policy, rotation, aliases)| KmsKey {
                arn,
                key_metadata,
                policy,
                key_rotation_enabled: rotation,
                aliases: aliases.map(|a| a.into_iter().map(String::from).collect()),
            })
    })
}

/// What a principal may do: nothing special, CloudTrail full access attached, an inline policy
/// that can stop logging, or one that can delete the logs.
fn powers() -> impl Strategy<Value = (bool, Option<u8>)> {
    (any::<bool>(), proptest::option::of(0u8..3))
}

fn inline(kind: Option<u8>) -> Vec<InlinePolicy> {
    let action = match kind {
        None => return Vec::new(),
        Some(0) => json!(["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"]),
        Some(1) => json!("cloudtrail:*"),
        Some(_) => json!(["s3:DeleteObject", "kms:ScheduleKeyDeletion"]),
    };
    vec![InlinePolicy {
        policy_name: "inline-powers".into(),
        policy_document: doc(json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": action, "Resource": "*"}]})),
    }]
}

fn attached(full_access: bool) -> Vec<AttachedPolicy> {
    if full_access {
        vec![AttachedPolicy {
            policy_name: "AWSCloudTrail_FullAccess".into(),
            policy_arn: CLOUDTRAIL_FULL_ACCESS_ARN.into(),
        }]
    } else {
        Vec::new()
    }
}

/// An account's IAM: users, a group, roles with trust policies, the managed policies they use.
pub fn iam(account: String) -> impl Strategy<Value = Iam> {
    let user = (
        select(PRINCIPAL_NAMES.to_vec()),
        powers(),
        collected(subsequence(vec!["mfa-a", "mfa-b"], 0..=2)),
        any::<bool>(),
        any::<bool>(),
    );
    let role = (
        select(PRINCIPAL_NAMES.to_vec()),
        powers(),
        select(vec!["*", "root", "service", "other"]),
    );
    (
        proptest::collection::vec(user, 0..4),
        proptest::option::of(powers()),
        proptest::collection::vec(role, 0..3),
        any::<bool>(),
    )
        .prop_map(move |(users, group, roles, entities_known)| {
            let a = &account;
            let mut iam = Iam::default();
            for (name, (full, kind), mfa, in_group, password) in users {
                iam.users.insert(
                    name.to_string(),
                    User {
                        user_name: name.into(),
                        arn: format!("arn:aws:iam::{a}:user/{name}"),
                        path: "/".into(),
                        group_list: if in_group && group.is_some() {
                            vec!["auditors".into()]
                        } else {
                            Vec::new()
                        },
                        attached_managed_policies: attached(full),
                        user_policy_list: inline(kind),
                        permissions_boundary: None,
                        mfa_devices: mfa.map(|m| {
                            m.into_iter()
                                .map(|d| format!("arn:aws:iam::{a}:mfa/{d}"))
                                .collect()
                        }),
                        password_enabled: Some(password),
                    },
                );
            }
            if let Some((full, kind)) = group {
                let members = iam
                    .users
                    .values()
                    .filter(|u| !u.group_list.is_empty())
                    .map(|u| u.user_name.clone())
                    .collect();
                iam.groups.insert(
                    "auditors".into(),
                    Group {
                        group_name: "auditors".into(),
                        arn: format!("arn:aws:iam::{a}:group/auditors"),
                        path: "/".into(),
                        attached_managed_policies: attached(full),
                        group_policy_list: inline(kind),
                        members,
                    },
                );
            }
            for (name, (full, kind), trust) in roles {
                let principal = match trust {
                    "*" => json!({"AWS": "*"}),
                    "root" => json!({"AWS": format!("arn:aws:iam::{a}:root")}),
                    "service" => json!({"Service": "cloudtrail.amazonaws.com"}),
                    _ => json!({"AWS": format!("arn:aws:iam::{FOREIGN}:root")}),
                };
                // Some roles sit on a path, so the ARN's last segment is the name.
                let path = if name.len() % 2 == 0 {
                    "/"
                } else {
                    "/service-role/"
                };
                iam.roles.insert(
                    name.to_string(),
                    Role {
                        role_name: name.into(),
                        arn: format!("arn:aws:iam::{a}:role{path}{name}"),
                        path: path.into(),
                        assume_role_policy_document: doc(json!({"Version": "2012-10-17",
                            "Statement": [{"Effect": "Allow", "Principal": principal,
                                           "Action": "sts:AssumeRole"}]})),
                        attached_managed_policies: attached(full),
                        role_policy_list: inline(kind),
                        permissions_boundary: None,
                    },
                );
            }
            let holders = |list: Vec<(&String, &Vec<AttachedPolicy>)>| -> Vec<String> {
                list.into_iter()
                    .filter(|(_, p)| p.iter().any(|p| p.policy_arn == CLOUDTRAIL_FULL_ACCESS_ARN))
                    .map(|(n, _)| n.clone())
                    .collect()
            };
            let entities = PolicyEntities {
                policy_users: holders(
                    iam.users
                        .iter()
                        .map(|(n, u)| (n, &u.attached_managed_policies))
                        .collect(),
                ),
                policy_groups: holders(
                    iam.groups
                        .iter()
                        .map(|(n, g)| (n, &g.attached_managed_policies))
                        .collect(),
                ),
                policy_roles: holders(
                    iam.roles
                        .iter()
                        .map(|(n, r)| (n, &r.attached_managed_policies))
                        .collect(),
                ),
            };
            let count = entities.policy_users.len()
                + entities.policy_groups.len()
                + entities.policy_roles.len();
            if count > 0 {
                iam.policies.insert(
                    CLOUDTRAIL_FULL_ACCESS_ARN.into(),
                    ManagedPolicy {
                        policy_name: "AWSCloudTrail_FullAccess".into(),
                        arn: CLOUDTRAIL_FULL_ACCESS_ARN.into(),
                        default_version_id: Some("v3".into()),
                        attachment_count: u32::try_from(count).unwrap(),
                        document: doc(json!({"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "*"}]})),
                    },
                );
            }
            iam.cloud_trail_full_access = if entities_known {
                Collected::Present(entities)
            } else {
                Collected::Unknown
            };
            iam
        })
}

/// One account's own facts (its trail list is filled in from the snapshot's trails).
pub fn account(id: String) -> impl Strategy<Value = Account> {
    (
        any::<bool>(),
        collected(select(vec!["111111111111", "222222222222"])),
        subsequence(REGIONS.to_vec(), 1..=3),
        collected(pab()),
        // Never `null`: the collector writes IAM or leaves it out (a gap), and the IAM rules
        // fail on `"Iam": null` (see the report of issue 6).
        prop_oneof![
            1 => Just(Collected::Unknown),
            4 => iam(id.clone()).prop_map(Collected::Present),
        ],
    )
        .prop_map(move |(caller, org, regions, pab, iam)| Account {
            account_id: id.clone(),
            caller_identity: caller.then(|| CallerIdentity {
                account: id.clone(),
                arn: format!("arn:aws:sts::{id}:assumed-role/trailguard-audit/ci"),
                user_id: "AROAEXAMPLE:ci".into(),
            }),
            organization: org.map(|master| Organization {
                id: "o-a1b2c3d4e5".into(),
                master_account_id: master.into(),
            }),
            regions: regions.into_iter().map(String::from).collect(),
            trail_arns: Vec::new(),
            public_access_block: pab,
            iam,
            monitoring: Default::default(),
        })
}

/// Calls that fail: (service, operation, error code). The resource is picked from the snapshot.
const FAILED_CALLS: [(&str, &str, &str); 6] = [
    ("s3", "GetBucketPolicy", "AccessDenied"),
    ("s3", "GetBucketAcl", "AccessDenied"),
    ("kms", "GetKeyPolicy", "AccessDeniedException"),
    ("cloudtrail", "GetTrailStatus", "ThrottlingException"),
    ("iam", "ListMFADevices", "AccessDenied"),
    ("s3control", "GetPublicAccessBlock", "RequestTimeout"),
];

/// Every resource a gap may be about: account ids, trail and key ARNs, bucket names, principal
/// ARNs.
pub fn gap_resources(s: &Snapshot) -> Vec<String> {
    let mut out: Vec<String> = s.accounts.keys().cloned().collect();
    out.extend(s.trails.keys().cloned());
    out.extend(s.buckets.keys().cloned());
    out.extend(s.kms_keys.keys().cloned());
    for account in s.accounts.values() {
        if let Some(iam) = account.iam.present() {
            out.extend(iam.users.values().map(|u| u.arn.clone()));
            out.extend(iam.roles.values().map(|r| r.arn.clone()));
        }
    }
    out
}

/// Gap specs: which resource (an index into [`gap_resources`]), which failed call, which region.
pub fn gap_specs() -> impl Strategy<Value = Vec<(Index, usize, usize)>> {
    proptest::collection::vec(
        (any::<Index>(), 0..FAILED_CALLS.len(), 0..REGIONS.len()),
        0..6,
    )
}

/// Turns gap specs into gaps about the resources of `s`, in the account that holds each.
pub fn make_gaps(s: &Snapshot, specs: &[(Index, usize, usize)]) -> Vec<Gap> {
    let resources = gap_resources(s);
    if resources.is_empty() {
        return Vec::new();
    }
    let mut gaps: Vec<Gap> = specs
        .iter()
        .map(|(index, call, region)| {
            let resource = index.get(&resources).clone();
            let (service, operation, error_code) = FAILED_CALLS[*call];
            Gap {
                account_id: owner_of(s, &resource),
                service: service.into(),
                operation: operation.into(),
                region: REGIONS[*region].into(),
                resource,
                error_code: error_code.into(),
                message: if *region == 1 {
                    "not authorized: «explicit deny»".into()
                } else {
                    String::new()
                },
            }
        })
        .collect();
    gaps.sort();
    gaps.dedup();
    gaps
}

/// The account a resource of `s` belongs to, for sharding: the account itself, a trail's or key's
/// account, a bucket's owner, a principal's account; the first account of the snapshot when that
/// is not one of the snapshot's accounts (a bucket of unknown or foreign owner).
pub fn owner_of(s: &Snapshot, resource: &str) -> String {
    let first = s.accounts.keys().next().cloned().unwrap_or_default();
    let candidate = if s.accounts.contains_key(resource) {
        Some(resource.to_string())
    } else if let Some(t) = s.trails.get(resource) {
        Some(t.account_id.clone())
    } else if let Some(b) = s.buckets.get(resource) {
        b.owner_account.clone()
    } else {
        // arn:aws:SERVICE:REGION:ACCOUNT:...
        resource.split(':').nth(4).map(String::from)
    };
    candidate
        .filter(|a| s.accounts.contains_key(a))
        .unwrap_or(first)
}

/// A valid snapshot of one to four accounts, normalised as the collector writes it (gaps sorted
/// and de-duplicated, each account's trail list sorted).
pub fn snapshot() -> impl Strategy<Value = Snapshot> {
    snapshot_at(select(TIMES.to_vec()))
}

/// Like [`snapshot`], collected at a time drawn from `time`.
pub fn snapshot_at(time: impl Strategy<Value = &'static str>) -> impl Strategy<Value = Snapshot> {
    (subsequence(ACCOUNTS.to_vec(), 1..=4), time).prop_flat_map(|(ids, at)| {
        let ids: Vec<String> = ids.into_iter().map(String::from).collect();
        let accounts: Vec<BoxedStrategy<Account>> =
            ids.iter().map(|id| account(id.clone()).boxed()).collect();
        (
            Just(at),
            accounts,
            proptest::collection::vec(trail(ids.clone()), 0..6),
            proptest::collection::vec(bucket(ids.clone()), 0..5),
            proptest::collection::vec(kms_key(ids), 0..4),
            gap_specs(),
            proptest::option::of(select(vec!["0.1.0", "0.2.0"])),
        )
            .prop_map(|(at, accounts, trails, buckets, keys, gaps, version)| {
                let mut s = Snapshot {
                    schema_version: 1,
                    collected_at: at.parse().expect("TIMES are RFC 3339"),
                    collector_version: version.map(String::from),
                    ..Snapshot::default()
                };
                s.accounts = accounts
                    .into_iter()
                    .map(|a| (a.account_id.clone(), a))
                    .collect();
                s.trails = trails
                    .into_iter()
                    .map(|t| (t.trail_arn.clone(), t))
                    .collect();
                s.buckets = buckets.into_iter().map(|b| (b.name.clone(), b)).collect();
                s.kms_keys = keys.into_iter().map(|k| (k.arn.clone(), k)).collect();
                let trails: Vec<(String, String, bool)> = s
                    .trails
                    .values()
                    .map(|t| {
                        (
                            t.trail_arn.clone(),
                            t.account_id.clone(),
                            t.is_organization_trail,
                        )
                    })
                    .collect();
                for account in s.accounts.values_mut() {
                    account.trail_arns = trails
                        .iter()
                        .filter(|(_, owner, org)| *owner == account.account_id || *org)
                        .map(|(arn, _, _)| arn.clone())
                        .collect();
                    account.trail_arns.sort();
                }
                s.gaps = make_gaps(&s, &gaps);
                s
            })
    })
}

/// Splits a snapshot into one snapshot per account, each holding what [`owner_of`] gives that
/// account, as sharded collection writes them.
pub fn shard_by_account(s: &Snapshot) -> Vec<Snapshot> {
    let mut shards: BTreeMap<String, Snapshot> = s
        .accounts
        .keys()
        .map(|id| {
            (
                id.clone(),
                Snapshot {
                    schema_version: s.schema_version,
                    collected_at: s.collected_at.clone(),
                    collector_version: s.collector_version.clone(),
                    ..Snapshot::default()
                },
            )
        })
        .collect();
    for (id, a) in &s.accounts {
        if let Some(t) = shards.get_mut(&owner_of(s, id)) {
            t.accounts.insert(id.clone(), a.clone());
        }
    }
    for (arn, t) in &s.trails {
        if let Some(x) = shards.get_mut(&owner_of(s, arn)) {
            x.trails.insert(arn.clone(), t.clone());
        }
    }
    for (name, b) in &s.buckets {
        if let Some(x) = shards.get_mut(&owner_of(s, name)) {
            x.buckets.insert(name.clone(), b.clone());
        }
    }
    for (arn, k) in &s.kms_keys {
        if let Some(x) = shards.get_mut(&owner_of(s, arn)) {
            x.kms_keys.insert(arn.clone(), k.clone());
        }
    }
    for gap in &s.gaps {
        if let Some(x) = shards.get_mut(&gap.account_id) {
            x.gaps.push(gap.clone());
        }
    }
    shards.into_values().collect()
}
