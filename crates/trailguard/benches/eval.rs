//! Evaluation benchmark: `cargo bench -p trailguard --bench eval`.
//!
//! Every evaluation runs on regorus's interpreter and goes through [`evaluate`].
//!
//! 1. **Linear cost**, two profiles at 1x, 2x and 4x:
//!    - 1a: the shipped demo organisation (`inputs/demo.json`: 3 accounts, 4 trails, 3 buckets,
//!      3 keys, IAM) copied under fresh account ids, organisation ids and names
//!      (`TG_BENCH_SCALE` copies at 1x, default 50), so every rule finds in n copies n times
//!      what it finds in one;
//!    - 1b: one account whose IAM grows (roles, customer managed policies, users, groups; 5,000
//!      roles and 2,000 policies at 4x), with one trail, bucket and key.
//!
//!    Per size: JSON parse time next to the conversion to the policy input (and the old
//!    conversion through JSON text), whole-catalogue evaluation; then each rule's time at each
//!    size and its growth per doubling. Every rule must grow at most 2.2x per doubling (marked
//!    `OVER` otherwise).
//! 2. Generated organisations of 1k, 10k and 100k resources (trails, buckets, keys, IAM, the
//!    monitoring chain: a log group with CIS's metric filters, their alarms and a topic, an
//!    EventBridge rule and AWS Config in every region; with a realistic mix of
//!    misconfigurations): parse, conversion, whole-catalogue evaluation,
//!    locating findings in the file, evaluation end to end (convert + evaluate + locate, as
//!    `trailguard eval` does), writing SARIF, and the process's peak memory so far; then each
//!    rule's time at the largest size. `TG_BENCH_SIZES=1000,10000` picks other sizes;
//!    `TG_BENCH_PROFILE=worst` generates the worst case instead of a realistic organisation;
//!    `TG_BENCH_SAVE=DIR` keeps each generated snapshot there (`snapshot-SIZE.json`, and section
//!    1's as `1a-4x.json` and so on), to profile a rule on it with `trailguard eval --profile`.
//! 3. Policy documents of 10,000 statements (an inline role policy, a bucket policy, a key
//!    policy).
//!
//! `TG_BENCH_SECTIONS=1,3` runs only those sections. A measurement is the best of 3 runs or
//! more (up to 25 while they add up to less than half a second), or of fewer when the runs so
//! far took more than 20 s.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // A benchmark: fail loudly.

use regorus::Value;
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};
use trailguard_engine::{builtin_sources, snapshot_value, Evaluation, Params, PolicyEngine};
use trailguard_report::{render_sarif, Options};
use trailguard_snapshot::{Snapshot, SnapshotFile};

/// The most a rule may grow when the snapshot doubles.
const MAX_GROWTH: f64 = 2.2;

/// What to evaluate.
enum Run<'a> {
    /// The whole catalogue over a converted snapshot.
    Catalogue(&'a Value),
    /// One rule, by id, over a converted snapshot.
    Rule(&'a str, &'a Value),
    /// A snapshot file end to end, as `trailguard eval` runs it: convert, evaluate, locate.
    File(&'a SnapshotFile, &'a Path),
}

/// Every evaluation of this benchmark goes through here: the one place to change when the
/// engine's evaluation API changes.
fn evaluate(engine: &PolicyEngine, run: Run<'_>) -> Evaluation {
    let findings = |findings| Evaluation {
        findings,
        ..Evaluation::default()
    };
    match run {
        Run::Catalogue(input) => findings(engine.evaluate_value(input).unwrap()),
        Run::Rule(id, input) => findings(engine.evaluate_rule(id, input).unwrap()),
        Run::File(file, root) => engine
            .evaluate_files(std::slice::from_ref(file), root)
            .unwrap(),
    }
}

/// The shipped demo organisation, `copies` times: each copy under its own account ids
/// (`1…`, `2…`, `3…` followed by the copy number), organisation id and resource names (`acme-`
/// becomes `acmeN-`), so copies share nothing and every rule finds in `n` copies exactly `n`
/// times what it finds in one.
fn generate_demo(copies: usize) -> String {
    let demo = include_str!("../../../inputs/demo.json");
    let mut merged = serde_json::Map::new();
    for c in 0..copies {
        let text = demo
            .replace("111111111111", &format!("1{c:011}"))
            .replace("222222222222", &format!("2{c:011}"))
            .replace("333333333333", &format!("3{c:011}"))
            .replace("o-a1b2c3d4e5", &format!("o-{c:010}"))
            .replace("acme-", &format!("acme{c}-"));
        let copy: serde_json::Value = serde_json::from_str(&text).unwrap();
        let serde_json::Value::Object(copy) = copy else {
            unreachable!("a snapshot is an object")
        };
        for (key, value) in copy {
            match (merged.get_mut(&key), value) {
                (Some(serde_json::Value::Object(into)), serde_json::Value::Object(from)) => {
                    into.extend(from)
                }
                (Some(serde_json::Value::Array(into)), serde_json::Value::Array(from)) => {
                    into.extend(from)
                }
                (Some(_), _) => {}
                (None, value) => {
                    merged.insert(key, value);
                }
            }
        }
    }
    let mut typed: Snapshot = serde_json::from_value(serde_json::Value::Object(merged)).unwrap();
    typed.gaps.sort();
    typed.to_json_pretty().unwrap()
}

/// The worst case: every resource is a trail, its bucket or its key, most of them failing
/// several rules (about 2.7 findings per resource).
fn generate_worst(resources: usize) -> String {
    let units = resources / 3;
    let mut accounts = serde_json::Map::new();
    let mut trails = serde_json::Map::new();
    let mut buckets = serde_json::Map::new();
    let mut keys = serde_json::Map::new();
    for i in 0..units {
        let account = format!("{:012}", 100_000_000_000u64 + (i / 100) as u64);
        let region = ["us-east-1", "eu-west-1", "ap-southeast-2"][i % 3];
        let trail_arn = format!("arn:aws:cloudtrail:{region}:{account}:trail/trail-{i}");
        let key_arn =
            format!("arn:aws:kms:{region}:{account}:key/{i:08}-0000-4000-8000-000000000000");
        let bucket = format!("logs-{i}-{account}");
        let entry = accounts.entry(account.clone()).or_insert_with(|| {
            json!({"AccountId": account, "Regions": ["us-east-1", "eu-west-1", "ap-southeast-2"],
                   "TrailArns": [], "PublicAccessBlock": {"BlockPublicAcls": true, "IgnorePublicAcls": true,
                   "BlockPublicPolicy": i % 2 == 0, "RestrictPublicBuckets": true}})
        });
        entry["TrailArns"]
            .as_array_mut()
            .unwrap()
            .push(json!(trail_arn));
        trails.insert(trail_arn.clone(), json!({
            "Name": format!("trail-{i}"), "TrailARN": trail_arn, "AccountId": account, "HomeRegion": region,
            "S3BucketName": bucket, "IncludeGlobalServiceEvents": i % 5 != 0, "IsMultiRegionTrail": i % 4 == 0,
            "IsOrganizationTrail": false, "LogFileValidationEnabled": i % 3 != 0,
            "KmsKeyId": if i % 6 == 0 { serde_json::Value::Null } else { json!(key_arn) },
            "CloudWatchLogsLogGroupArn": if i % 2 == 0 { json!(format!("arn:aws:logs:{region}:{account}:log-group:ct-{i}")) } else { serde_json::Value::Null },
            "Status": {"IsLogging": i % 10 != 0, "LatestDeliveryTime": "2026-11-19T23:00:00Z",
                       "LatestDeliveryError": if i % 50 == 0 { json!("AccessDenied") } else { serde_json::Value::Null }},
            "EventSelectors": [{"ReadWriteType": if i % 7 == 0 { "WriteOnly" } else { "All" }, "IncludeManagementEvents": true,
                                "DataResources": [], "ExcludeManagementEventSources": []}],
            "AdvancedEventSelectors": [], "InsightSelectors": null,
            "Tags": if i % 2 == 0 { json!({"team": "security"}) } else { json!({}) }
        }));
        buckets.insert(bucket.clone(), json!({
            "Name": bucket, "Arn": format!("arn:aws:s3:::{bucket}"), "Region": region, "OwnerAccount": account,
            "Policy": {"Version": "2012-10-17", "Statement": [
                {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{bucket}/AWSLogs/{account}/*"),
                 "Condition": if i % 4 == 0 { json!({"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}) }
                              else { json!({"StringEquals": {"aws:SourceArn": trail_arn}}) }}]},
            "PolicyStatus": {"IsPublic": i % 97 == 0},
            "PublicAccessBlock": if i % 3 == 0 { serde_json::Value::Null } else { json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}) },
            "Acl": {"Owner": {"ID": "abc"}, "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"}]},
            "Logging": if i % 2 == 0 { json!({"TargetBucket": "access-logs", "TargetPrefix": bucket}) } else { serde_json::Value::Null },
            "Versioning": {"Status": if i % 3 == 0 { "Suspended" } else { "Enabled" }},
            "Encryption": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}, "BucketKeyEnabled": true}]},
            "ObjectLockConfiguration": null,
            "Lifecycle": {"Rules": [{"ID": "expire", "Status": "Enabled", "Expiration": {"Days": if i % 2 == 0 { 400 } else { 90 }}}]},
            "Tags": {"team": "security"}
        }));
        keys.insert(key_arn.clone(), json!({
            "Arn": key_arn,
            "KeyMetadata": {"KeyId": format!("{i:08}-0000-4000-8000-000000000000"), "AWSAccountId": account, "Enabled": i % 40 != 0,
                            "KeyState": if i % 40 == 0 { "PendingDeletion" } else { "Enabled" }, "KeyManager": "CUSTOMER"},
            "Policy": {"Version": "2012-10-17", "Statement": [{"Sid": "root", "Effect": "Allow",
                        "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": "kms:*", "Resource": "*"}]},
            "KeyRotationEnabled": i % 2 == 0, "Aliases": [format!("alias/cloudtrail-{i}")]
        }));
    }
    let mut gaps = Vec::new();
    for i in (0..units).step_by(500) {
        gaps.push(json!({"AccountId": "100000000000", "Service": "s3", "Operation": "GetBucketAcl", "Region": "us-east-1",
                         "Resource": format!("logs-{i}-{:012}", 100_000_000_000u64 + (i / 100) as u64), "ErrorCode": "AccessDenied"}));
    }
    let snapshot = json!({"schema_version": 1, "collected_at": "2026-11-20T00:00:00Z", "accounts": accounts,
                          "trails": trails, "buckets": buckets, "kms_keys": keys, "gaps": gaps});
    let typed: Snapshot = serde_json::from_value(snapshot).unwrap();
    typed.to_json_pretty().unwrap()
}

/// A realistic organisation: per account one trail, one log bucket, one key and 47 IAM
/// entities (12 users, 3 groups, 20 roles, 12 managed policies), with a minority misconfigured.
fn generate_org(resources: usize) -> String {
    let accounts_n = (resources / 50).max(1);
    let reference = reference_filters();
    let mut accounts = serde_json::Map::new();
    let mut trails = serde_json::Map::new();
    let mut buckets = serde_json::Map::new();
    let mut keys = serde_json::Map::new();
    let mut log_groups = serde_json::Map::new();
    let mut alarms = serde_json::Map::new();
    let mut topics = serde_json::Map::new();
    for a in 0..accounts_n {
        let account = format!("{:012}", 200_000_000_000u64 + a as u64);
        let region = ["us-east-1", "eu-west-1", "ap-southeast-2"][a % 3];
        let trail_arn = format!("arn:aws:cloudtrail:{region}:{account}:trail/main");
        let key_arn =
            format!("arn:aws:kms:{region}:{account}:key/{a:08}-0000-4000-8000-000000000000");
        let bucket = format!("cloudtrail-{account}");
        let bad = a % 5 == 0;
        let policy = |name: &str| json!({"PolicyName": name, "PolicyArn": format!("arn:aws:iam::{account}:policy/{name}")});
        let mut users = serde_json::Map::new();
        for u in 0..12 {
            let name = format!("user-{u}");
            users.insert(name.clone(), json!({"UserName": name, "Arn": format!("arn:aws:iam::{account}:user/{name}"),
                "GroupList": [format!("group-{}", u % 3)], "AttachedManagedPolicies": [policy(&format!("policy-{}", u % 12))],
                "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": {"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]}}],
                "MFADevices": if u % 4 == 0 { json!([]) } else { json!([format!("arn:aws:iam::{account}:mfa/{name}")]) }}));
        }
        let mut groups = serde_json::Map::new();
        for g in 0..3 {
            let name = format!("group-{g}");
            groups.insert(name.clone(), json!({"GroupName": name, "Arn": format!("arn:aws:iam::{account}:group/{name}"),
                "AttachedManagedPolicies": [policy("policy-0")], "GroupPolicyList": [],
                "Members": (0..12).filter(|u| u % 3 == g).map(|u| format!("user-{u}")).collect::<Vec<_>>()}));
        }
        let mut roles = serde_json::Map::new();
        for r in 0..20 {
            let name = format!("role-{r}");
            roles.insert(name.clone(), json!({"RoleName": name, "Arn": format!("arn:aws:iam::{account}:role/{name}"),
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
                "AttachedManagedPolicies": [policy(&format!("policy-{}", r % 12))], "RolePolicyList": []}));
        }
        let mut policies = serde_json::Map::new();
        for p in 0..12 {
            let arn = format!("arn:aws:iam::{account}:policy/policy-{p}");
            policies.insert(arn.clone(), json!({"PolicyName": format!("policy-{p}"), "Arn": arn, "AttachmentCount": 3,
                "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                    "Action": ["cloudtrail:Describe*", "cloudtrail:Get*", "s3:ListBucket"], "Resource": "*"}]}}));
        }
        // The monitoring chain: CIS's reference filters on the trail's log group, an alarm on
        // each, notifying a topic; an EventBridge rule for another service and AWS Config in
        // every region. Misconfigured: the bad accounts' group has only the first half of the
        // filters, one account in 7 has an alarm without actions, one in 11 a topic nobody
        // confirmed.
        let group_arn = format!("arn:aws:logs:{region}:{account}:log-group:cloudtrail");
        let topic_arn = format!("arn:aws:sns:{region}:{account}:security-alerts");
        let kept = if bad {
            reference.len() / 2
        } else {
            reference.len()
        };
        let mut filters = Vec::new();
        for (i, (id, pattern)) in reference.iter().take(kept).enumerate() {
            let alarm_arn = format!("arn:aws:cloudwatch:{region}:{account}:alarm:cis-{id}");
            filters.push(json!({"FilterName": format!("cis-{id}"), "FilterPattern": pattern,
                "MetricTransformations": [{"MetricName": format!("cis-{id}"), "MetricNamespace": "CISBenchmark",
                    "MetricValue": "1", "AlarmArns": [alarm_arn]}]}));
            let actions = if a % 7 == 0 && i == 0 {
                json!([])
            } else {
                json!([topic_arn])
            };
            alarms.insert(alarm_arn.clone(), json!({"AlarmArn": alarm_arn, "AlarmName": format!("cis-{id}"),
                "AccountId": account, "Region": region, "MetricName": format!("cis-{id}"), "Namespace": "CISBenchmark",
                "ActionsEnabled": true, "AlarmActions": actions}));
        }
        log_groups.insert(group_arn.clone(), json!({"Arn": group_arn, "AccountId": account, "Region": region,
            "LogGroupName": "cloudtrail", "Settings": {"RetentionInDays": 365}, "MetricFilters": filters}));
        topics.insert(topic_arn.clone(), json!({"TopicArn": topic_arn, "AccountId": account, "Region": region,
            "Attributes": {}, "Subscriptions": [{"SubscriptionArn": if a % 11 == 0 { json!("PendingConfirmation") } else { json!(format!("{topic_arn}:0f1e2d3c")) },
                "Protocol": "email", "Endpoint": "secops@example.com", "Confirmed": a % 11 != 0}]}));
        let monitoring: serde_json::Map<String, serde_json::Value> = ["us-east-1", "eu-west-1", "ap-southeast-2"]
            .iter()
            .map(|r| (r.to_string(), json!({
                "EventRules": [{"Name": "guardduty-findings", "Arn": format!("arn:aws:events:{r}:{account}:rule/guardduty-findings"),
                    "State": "ENABLED", "EventPattern": {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]},
                    "Targets": [{"Id": "alerts", "Arn": topic_arn}]}],
                "Config": {"Recorders": [{"Name": "default", "RecordingGroup": {"AllSupported": true,
                        "IncludeGlobalResourceTypes": *r == "us-east-1", "ResourceTypes": [], "ExclusionByResourceTypes": [],
                        "RecordingStrategy": "ALL_SUPPORTED_RESOURCE_TYPES"}, "RecordingScope": "PAID"}],
                    "RecorderStatuses": [{"Name": "default", "Recording": true, "LastStatus": "SUCCESS"}],
                    "DeliveryChannels": [{"Name": "default", "S3BucketName": format!("config-{account}")}],
                    "DeliveryChannelStatuses": [{"Name": "default",
                        "ConfigHistoryDeliveryInfo": {"LastStatus": "Success", "LastAttemptTime": "2026-11-20T06:00:00Z"},
                        "ConfigSnapshotDeliveryInfo": {"LastStatus": "Success", "LastAttemptTime": "2026-11-20T06:00:00Z"}}]},
            })))
            .collect();
        accounts.insert(account.clone(), json!({"AccountId": account, "Regions": ["us-east-1", "eu-west-1", "ap-southeast-2"],
            "TrailArns": [trail_arn], "Monitoring": monitoring,
            "PublicAccessBlock": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": !bad, "RestrictPublicBuckets": true},
            "Iam": {"Users": users, "Groups": groups, "Roles": roles, "Policies": policies,
                    "CloudTrailFullAccess": {"PolicyUsers": ["user-0"], "PolicyGroups": [], "PolicyRoles": []}}}));
        trails.insert(trail_arn.clone(), json!({
            "Name": "main", "TrailARN": trail_arn, "AccountId": account, "HomeRegion": region, "S3BucketName": bucket,
            "IncludeGlobalServiceEvents": true, "IsMultiRegionTrail": !bad, "IsOrganizationTrail": false,
            "LogFileValidationEnabled": a % 3 != 0, "KmsKeyId": key_arn,
            "CloudWatchLogsLogGroupArn": format!("arn:aws:logs:{region}:{account}:log-group:cloudtrail"),
            "Status": {"IsLogging": a % 20 != 0, "LatestDeliveryTime": "2026-11-19T23:00:00Z"},
            "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": [], "ExcludeManagementEventSources": []}],
            "AdvancedEventSelectors": [], "InsightSelectors": null, "Tags": {"team": "security"}}));
        buckets.insert(bucket.clone(), json!({
            "Name": bucket, "Arn": format!("arn:aws:s3:::{bucket}"), "Region": region, "OwnerAccount": account,
            "Policy": {"Version": "2012-10-17", "Statement": [
                {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{bucket}/AWSLogs/{account}/*"),
                 "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}},
                {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                 "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]},
            "PolicyStatus": {"IsPublic": false},
            "PublicAccessBlock": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true},
            "Acl": {"Owner": {"ID": "abc"}, "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"}]},
            "Logging": {"TargetBucket": "access-logs", "TargetPrefix": bucket},
            "Versioning": {"Status": "Enabled", "MFADelete": if bad { "Disabled" } else { "Enabled" }},
            "Encryption": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}, "BucketKeyEnabled": true}]},
            "ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 400}}},
            "Lifecycle": {"Rules": [{"ID": "expire", "Status": "Enabled", "Expiration": {"Days": 400}}]},
            "Tags": {"team": "security"}}));
        keys.insert(key_arn.clone(), json!({
            "Arn": key_arn,
            "KeyMetadata": {"KeyId": format!("{a:08}-0000-4000-8000-000000000000"), "AWSAccountId": account, "Enabled": true,
                            "KeyState": "Enabled", "KeyManager": "CUSTOMER"},
            "Policy": {"Version": "2012-10-17", "Statement": [{"Sid": "root", "Effect": "Allow",
                        "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": "kms:*", "Resource": "*"}]},
            "KeyRotationEnabled": !bad, "Aliases": ["alias/cloudtrail"]}));
    }
    let snapshot = json!({"schema_version": 1, "collected_at": "2026-11-20T00:00:00Z", "accounts": accounts,
                          "trails": trails, "buckets": buckets, "kms_keys": keys, "log_groups": log_groups,
                          "alarms": alarms, "topics": topics, "gaps": []});
    let typed: Snapshot = serde_json::from_value(snapshot).unwrap();
    typed.to_json_pretty().unwrap()
}

/// CIS's reference metric-filter pattern of each monitoring control (TG100-TG115), by id, read
/// from the shipped canonical events.
fn reference_filters() -> Vec<(String, String)> {
    let mut rego = regorus::Engine::new();
    for source in builtin_sources() {
        if source.path.ends_with("lib/monitoring_events.rego") {
            rego.add_policy(source.path, source.text).unwrap();
        }
    }
    let controls = rego
        .eval_rule("data.trailguard.lib.monitoring_events.controls".into())
        .unwrap();
    let mut filters: Vec<(String, String)> = controls
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, control)| {
            let pattern = &control["reference_filter"];
            (
                id.as_string().unwrap().to_string(),
                pattern.as_string().unwrap().to_string(),
            )
        })
        .collect();
    filters.sort();
    assert_eq!(
        filters.len(),
        16,
        "one reference filter per monitoring control"
    );
    filters
}

/// One large account for the least-privilege rules (TG060-TG066): `roles_n` roles and
/// `policies_n` customer managed policies (2-4 statements each over a mix of services; about 1 in
/// 100 grants a power over the trail, its bucket or its key), `users_n` users in `groups_n`
/// groups (one group in ten holds AWSCloudTrail_FullAccess; one user in seven has no MFA
/// device), AWS managed AdministratorAccess, ReadOnlyAccess and AWSCloudTrail_FullAccess on a
/// few roles, and one trail with its bucket and key.
fn generate_large_iam(
    roles_n: usize,
    policies_n: usize,
    users_n: usize,
    groups_n: usize,
) -> String {
    let account = "300000000000";
    let region = "us-east-1";
    let trail_arn = format!("arn:aws:cloudtrail:{region}:{account}:trail/main");
    let key_arn =
        format!("arn:aws:kms:{region}:{account}:key/00000000-0000-4000-8000-000000000000");
    let bucket = format!("cloudtrail-{account}");
    let statement = |p: usize, s: usize| -> serde_json::Value {
        match (p * 7 + s * 3) % 11 {
            0 => {
                json!({"Effect": "Allow", "Action": ["ec2:Describe*", "ec2:Get*"], "Resource": "*"})
            }
            1 => {
                json!({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                        "Resource": format!("arn:aws:s3:::app-{p}/*")})
            }
            2 => {
                json!({"Effect": "Allow", "Action": "dynamodb:*", "Resource": format!("arn:aws:dynamodb:{region}:{account}:table/t-{p}")})
            }
            3 => json!({"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": "*"}),
            4 => {
                json!({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": key_arn,
                        "Condition": {"StringEquals": {"kms:ViaService": format!("s3.{region}.amazonaws.com")}}})
            }
            5 => {
                json!({"Effect": "Allow", "Action": ["cloudtrail:LookupEvents", "cloudtrail:Describe*", "cloudtrail:Get*"], "Resource": "*"})
            }
            6 => {
                json!({"Effect": "Allow", "Action": "s3:*", "Resource": [format!("arn:aws:s3:::app-{p}"), format!("arn:aws:s3:::app-{p}/*")]})
            }
            7 => json!({"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}),
            8 => {
                json!({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "cloudtrail:*", "s3:*", "kms:*"], "Resource": "*"})
            }
            9 => {
                json!({"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sns:Publish"], "Resource": "*"})
            }
            _ => {
                json!({"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"})
            }
        }
    };
    let mut policies = serde_json::Map::new();
    for p in 0..policies_n {
        let arn = format!("arn:aws:iam::{account}:policy/policy-{p}");
        let mut statements: Vec<_> = (0..2 + p % 3).map(|s| statement(p, s)).collect();
        if p % 100 == 42 {
            statements.push(match p % 3 {
                0 => json!({"Sid": "TrailOps", "Effect": "Allow", "Action": "cloudtrail:Stop*", "Resource": "*"}),
                1 => json!({"Sid": "LogCleanup", "Effect": "Allow", "Action": "s3:DeleteObject", "Resource": format!("arn:aws:s3:::{bucket}/*")}),
                _ => json!({"Sid": "KeyAdmin", "Effect": "Allow", "Action": "kms:*", "Resource": "*"}),
            });
        }
        policies.insert(
            arn.clone(),
            json!({"PolicyName": format!("policy-{p}"), "Arn": arn, "AttachmentCount": 3,
            "Document": {"Version": "2012-10-17", "Statement": statements}}),
        );
    }
    let aws_managed = [
        (
            "AdministratorAccess",
            json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
        ),
        (
            "ReadOnlyAccess",
            json!([{"Effect": "Allow", "Action": ["a4b:Get*", "cloudtrail:Describe*", "cloudtrail:Get*", "cloudtrail:List*",
            "cloudtrail:LookupEvents", "ec2:Describe*", "iam:Get*", "iam:List*", "kms:Describe*", "kms:Get*", "kms:List*",
            "s3:Get*", "s3:List*", "s3:Describe*"], "Resource": "*"}]),
        ),
        (
            "AWSCloudTrail_FullAccess",
            json!([{"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "*"},
            {"Effect": "Allow", "Action": ["s3:CreateBucket", "s3:PutBucketPolicy", "s3:PutBucketPublicAccessBlock"], "Resource": ["arn:aws:s3:::aws-cloudtrail-logs*"]}]),
        ),
    ];
    for (name, statements) in &aws_managed {
        let arn = format!("arn:aws:iam::aws:policy/{name}");
        policies.insert(
            arn.clone(),
            json!({"PolicyName": name, "Arn": arn, "AttachmentCount": 10,
            "Document": {"Version": "2012-10-17", "Statement": statements}}),
        );
    }
    let attach = |name: &str, arn: &str| json!({"PolicyName": name, "PolicyArn": arn});
    let customer = |p: usize| {
        attach(
            &format!("policy-{p}"),
            &format!("arn:aws:iam::{account}:policy/policy-{p}"),
        )
    };
    let aws = |name: &str| attach(name, &format!("arn:aws:iam::aws:policy/{name}"));
    let mut roles = serde_json::Map::new();
    for r in 0..roles_n {
        let name = format!("role-{r}");
        let mut attached: Vec<_> = (0..3)
            .map(|k| customer((r * 13 + k * 577) % policies_n.max(1)))
            .collect();
        match r % 500 {
            0 => attached.push(aws("AdministratorAccess")),
            1 => attached.push(aws("AWSCloudTrail_FullAccess")),
            2..=50 => attached.push(aws("ReadOnlyAccess")),
            _ => {}
        }
        let inline = if r % 5 == 0 {
            json!([{"PolicyName": "inline", "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement(r, 1), statement(r, 2)]}}])
        } else {
            json!([])
        };
        roles.insert(name.clone(), json!({"RoleName": name, "Arn": format!("arn:aws:iam::{account}:role/{name}"), "Path": "/",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "AttachedManagedPolicies": attached, "RolePolicyList": inline}));
    }
    let mut users = serde_json::Map::new();
    let mut groups = serde_json::Map::new();
    for g in 0..groups_n {
        let name = format!("group-{g}");
        let mut attached = vec![customer(g * 11 % policies_n.max(1))];
        if g % 10 == 3 {
            attached.push(aws("AWSCloudTrail_FullAccess"));
        }
        groups.insert(
            name.clone(),
            json!({"GroupName": name, "Arn": format!("arn:aws:iam::{account}:group/{name}"),
            "AttachedManagedPolicies": attached, "GroupPolicyList": []}),
        );
    }
    for u in 0..users_n {
        let name = format!("user-{u}");
        let mfa = if u % 7 == 0 {
            json!([])
        } else {
            json!([format!("arn:aws:iam::{account}:mfa/{name}")])
        };
        users.insert(name.clone(), json!({"UserName": name, "Arn": format!("arn:aws:iam::{account}:user/{name}"),
            "GroupList": [format!("group-{}", u % groups_n.max(1))], "AttachedManagedPolicies": [customer(u * 17 % policies_n.max(1))],
            "UserPolicyList": [], "MFADevices": mfa}));
    }
    let snapshot = json!({"schema_version": 1, "collected_at": "2026-11-20T00:00:00Z",
        "accounts": {account: {"AccountId": account, "Regions": [region], "TrailArns": [trail_arn],
            "Iam": {"Users": users, "Groups": groups, "Roles": roles, "Policies": policies}}},
        "trails": {trail_arn.clone(): {"Name": "main", "TrailARN": trail_arn, "AccountId": account, "HomeRegion": region,
            "S3BucketName": bucket, "IncludeGlobalServiceEvents": true, "IsMultiRegionTrail": true, "IsOrganizationTrail": false,
            "LogFileValidationEnabled": true, "KmsKeyId": key_arn, "Status": {"IsLogging": true, "LatestDeliveryTime": "2026-11-19T23:00:00Z"},
            "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": [], "ExcludeManagementEventSources": []}],
            "AdvancedEventSelectors": [], "InsightSelectors": null, "Tags": {"team": "security"}}},
        "buckets": {bucket.clone(): {"Name": bucket, "Arn": format!("arn:aws:s3:::{bucket}"), "Region": region, "OwnerAccount": account,
            "Policy": {"Version": "2012-10-17", "Statement": [{"Sid": "AWSCloudTrailWrite", "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
                "Resource": format!("arn:aws:s3:::{bucket}/AWSLogs/{account}/*"), "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}}]}}},
        "kms_keys": {key_arn.clone(): {"Arn": key_arn, "KeyMetadata": {"KeyId": "00000000-0000-4000-8000-000000000000", "AWSAccountId": account, "Enabled": true, "KeyState": "Enabled", "KeyManager": "CUSTOMER"},
            "Policy": {"Version": "2012-10-17", "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": "kms:*", "Resource": "*"}]},
            "KeyRotationEnabled": true}},
        "gaps": []});
    let typed: Snapshot = serde_json::from_value(snapshot).unwrap();
    typed.to_json_pretty().unwrap()
}

/// Adds a large policy document to a snapshot.
type AddDocument<'a> = dyn Fn(&mut serde_json::Value) + 'a;

/// Policy documents of `n` statements, each with one statement that grants too much among
/// harmless ones, on the shipped compliant snapshot: an inline role policy (TG063), the log
/// bucket's policy (TG037) and the trail key's policy (TG024), one at a time and all together.
fn bench_big_policies(engine: &PolicyEngine, runs: usize, n: usize) {
    let base: serde_json::Value =
        serde_json::from_str(include_str!("../../../inputs/compliant.json")).unwrap();
    let bucket = "org-audit-logs-555555555555";
    let key = "arn:aws:kms:eu-central-1:555555555555:key/4e6b1f93-2c7a-4d58-a0e3-9b15c8d2f761";
    let role = |s: &mut serde_json::Value| {
        let mut statements: Vec<_> = (0..n - 1)
            .map(|i| {
                json!({"Sid": format!("Read{i}"), "Effect": "Allow", "Action": ["s3:GetObject"],
                            "Resource": format!("arn:aws:s3:::app-{i}/*")})
            })
            .collect();
        statements.insert(n / 2, json!({"Sid": "StopTrails", "Effect": "Allow", "Action": "cloudtrail:StopLogging", "Resource": "*"}));
        s["accounts"]["444444444444"]["Iam"]["Roles"]["bulk-ops"] = json!({"RoleName": "bulk-ops",
            "Arn": "arn:aws:iam::444444444444:role/bulk-ops", "Path": "/",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "AttachedManagedPolicies": [],
            "RolePolicyList": [{"PolicyName": "bulk", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]});
    };
    let bucket_policy = |s: &mut serde_json::Value| {
        let list = s["buckets"][bucket]["Policy"]["Statement"]
            .as_array_mut()
            .unwrap();
        let extra = n - list.len() - 1;
        list.extend((0..extra).map(|i| {
            json!({"Sid": format!("Read{i}"), "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::555555555555:root"}, "Action": "s3:GetObject",
            "Resource": format!("arn:aws:s3:::{bucket}/reports/{i}/*")})
        }));
        list.insert(
            list.len() / 2,
            json!({"Sid": "WriteWithoutCondition", "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
            "Resource": format!("arn:aws:s3:::{bucket}/AWSLogs/444444444444/*")}),
        );
    };
    let key_policy = |s: &mut serde_json::Value| {
        let list = s["kms_keys"][key]["Policy"]["Statement"]
            .as_array_mut()
            .unwrap();
        let extra = n - list.len() - 1;
        list.extend((0..extra).map(|i| json!({"Sid": format!("App{i}"), "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::555555555555:role/app-{i}")}, "Action": "kms:Decrypt",
            "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-central-1.amazonaws.com"}}})));
        list.insert(
            list.len() / 2,
            json!({"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": "kms:Decrypt", "Resource": "*"}),
        );
    };
    println!(
        "
policy documents of {n} statements (the compliant snapshot plus one document):"
    );
    println!(
        "{:>24} {:>9} {:>9} {:>9}",
        "document", "MiB json", "ms", "findings"
    );
    let cases: [(&str, &AddDocument<'_>); 4] = [
        ("none (the base)", &|_| {}),
        ("inline role policy", &role),
        ("bucket policy", &bucket_policy),
        ("key policy", &key_policy),
    ];
    for (name, add) in cases {
        let mut snapshot = base.clone();
        add(&mut snapshot);
        let text = serde_json::to_string_pretty(&snapshot).unwrap();
        let input = snapshot_value(&Snapshot::from_json(&text).unwrap()).unwrap();
        let (time, found) = best_of(runs, || evaluate(engine, Run::Catalogue(&input)));
        println!(
            "{name:>24} {:>9.1} {} {:>9}",
            text.len() as f64 / (1024.0 * 1024.0),
            ms(time),
            found.findings.len()
        );
    }
}

/// The shortest of at least `runs` runs of `f` in wall-clock time: more (up to 25) while the
/// runs so far took less than half a second, so a short measurement is the best of many on a
/// busy machine; fewer once they took more than 20 s.
fn best_of<T>(runs: usize, f: impl FnMut() -> T) -> (Duration, T) {
    best_by(runs, Instant::now, |started| started.elapsed(), f)
}

/// Like [`best_of`], in CPU time of this process: for work on one thread at a time (one rule,
/// which the engine evaluates on a thread of its own while this one waits), where it does not
/// count the time other processes take the core, as wall-clock time does on a shared machine.
/// (The calling thread's own CPU time would count nothing: it only waits.)
fn best_cpu_of<T>(runs: usize, f: impl FnMut() -> T) -> (Duration, T) {
    let now = || {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
        Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
    };
    best_by(runs, now, |started| now().saturating_sub(started), f)
}

fn best_by<C: Copy, T>(
    runs: usize,
    start: impl Fn() -> C,
    elapsed: impl Fn(C) -> Duration,
    mut f: impl FnMut() -> T,
) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut total = Duration::ZERO;
    let mut last = None;
    let mut n = 0;
    while n < 25 {
        let started = start();
        let value = f();
        let took = elapsed(started);
        best = best.min(took);
        total += took;
        last = Some(value);
        n += 1;
        let enough = n >= runs && total >= Duration::from_millis(500);
        if enough || total > Duration::from_secs(20) || (runs == 1 && n == 1) {
            break;
        }
    }
    (best, last.unwrap())
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn ms(d: Duration) -> String {
    format!("{:>9.1}", d.as_secs_f64() * 1000.0)
}

fn mib(text: &str) -> f64 {
    text.len() as f64 / (1024.0 * 1024.0)
}

/// The IAM users, groups, roles and managed policies of a snapshot.
fn iam_entities(snapshot: &Snapshot) -> usize {
    snapshot
        .accounts
        .values()
        .filter_map(|a| a.iam.present())
        .map(|iam| iam.users.len() + iam.groups.len() + iam.roles.len() + iam.policies.len())
        .sum()
}

/// Section 1: a profile at 1x, 2x and 4x (`generate(factor)`); parse next to conversion, then
/// each rule's time at each size and its growth per doubling.
fn bench_linear(
    engine: &PolicyEngine,
    runs: usize,
    title: &str,
    generate: &dyn Fn(usize) -> String,
) {
    let factors = [1usize, 2, 4];
    println!("\n{title}");
    println!(
        "{:>4} {:>7} {:>7} {:>7} {:>7} {:>9} | {:>9} {:>9} {:>7} {:>11} | {:>9} {:>8}",
        "size",
        "accts",
        "trails",
        "buckets",
        "IAM",
        "MiB json",
        "parse ms",
        "input ms",
        "in/prs",
        "via text ms",
        "rules ms",
        "findings"
    );
    let mut inputs = Vec::new();
    for factor in factors {
        let text = generate(factor);
        if let Some(keep) = std::env::var_os("TG_BENCH_SAVE") {
            // For profiling a rule on the same snapshot with `trailguard eval --profile`.
            let name = format!(
                "{}-{factor}x.json",
                title.split('.').next().unwrap_or("linear")
            );
            std::fs::write(Path::new(&keep).join(name), &text).unwrap();
        }
        let (parse, snapshot) = best_of(runs, || Snapshot::from_json(&text).unwrap());
        let (convert, input) = best_of(runs, || snapshot_value(&snapshot).unwrap());
        let (via_text, old) = best_of(runs, || {
            Value::from_json_str(&serde_json::to_string(&snapshot).unwrap()).unwrap()
        });
        assert!(
            old == input,
            "the direct conversion differs from the text round trip"
        );
        drop(old);
        let (rules, found) = best_of(runs, || evaluate(engine, Run::Catalogue(&input)));
        println!(
            "{:>3}x {:>7} {:>7} {:>7} {:>7} {:>9.1} | {} {} {:>7.2} {:>11.1} | {} {:>8}",
            factor,
            snapshot.accounts.len(),
            snapshot.trails.len(),
            snapshot.buckets.len(),
            iam_entities(&snapshot),
            mib(&text),
            ms(parse),
            ms(convert),
            convert.as_secs_f64() / parse.as_secs_f64(),
            via_text.as_secs_f64() * 1000.0,
            ms(rules),
            found.findings.len()
        );
        inputs.push((factor, input, rules));
    }
    println!(
        "in/prs = input / parse (target: <= 0.5); via text = the old conversion (JSON text, parsed \
         by regorus); rules = whole catalogue on {} threads",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "\nper rule (CPU ms of the process, one rule at a time) and growth per doubling (2x/1x, 4x/2x; bound {MAX_GROWTH}):"
    );
    println!(
        "{:>8} {:>9} {:>9} {:>9} | {:>6} {:>6} | {:>8} {:>8}",
        "rule", "1x", "2x", "4x", "2x/1x", "4x/2x", "findings", ""
    );
    let mut over = Vec::new();
    let mut held = [Duration::ZERO; 3];
    for rule in engine.rules() {
        let mut times = Vec::new();
        let mut counts = Vec::new();
        for (n, (_, input, _)) in inputs.iter().enumerate() {
            let (time, found) = best_cpu_of(runs, || evaluate(engine, Run::Rule(&rule.id, input)));
            held[n] += time;
            times.push(time);
            counts.push(found.findings.len());
        }
        let growth: Vec<f64> = times
            .windows(2)
            .map(|w| w[1].as_secs_f64() / w[0].as_secs_f64())
            .collect();
        let verdict = if growth.iter().any(|&g| g > MAX_GROWTH) {
            over.push(rule.id.clone());
            "OVER"
        } else {
            "ok"
        };
        println!(
            "{:>8} {} {} {} | {:>6.2} {:>6.2} | {:>8} {:>8}",
            rule.id,
            ms(times[0]),
            ms(times[1]),
            ms(times[2]),
            growth[0],
            growth[1],
            counts
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("/"),
            verdict
        );
    }
    let totals: Vec<Duration> = inputs.iter().map(|(_, _, rules)| *rules).collect();
    for (name, t) in [("all rules", &totals[..]), ("sum rules", &held[..])] {
        println!(
            "{:>8} {} {} {} | {:>6.2} {:>6.2} |",
            name.split(' ').next().unwrap_or(name),
            ms(t[0]),
            ms(t[1]),
            ms(t[2]),
            t[1].as_secs_f64() / t[0].as_secs_f64(),
            t[2].as_secs_f64() / t[1].as_secs_f64()
        );
    }
    println!(
        "all = whole catalogue (parallel, wall clock); sum = every rule one at a time, summed"
    );
    if over.is_empty() {
        println!("every rule grows at most {MAX_GROWTH}x per doubling");
    } else {
        println!(
            "OVER the {MAX_GROWTH}x bound: {} (a rerun tells noise from a trend)",
            over.join(", ")
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run a tiny size then.
    let benching = std::env::args().any(|a| a == "--bench");
    let sizes: Vec<usize> = match std::env::var("TG_BENCH_SIZES") {
        Ok(s) => s.split(',').filter_map(|n| n.trim().parse().ok()).collect(),
        Err(_) if benching => vec![1_000, 10_000, 100_000],
        Err(_) => vec![300],
    };
    let scale: usize = match std::env::var("TG_BENCH_SCALE") {
        Ok(s) => s.trim().parse().unwrap(),
        Err(_) if benching => 50,
        Err(_) => 2,
    };
    // Roles, customer managed policies, users and groups of the one large account at 1x: 4x is
    // 5,000 roles and 2,000 policies.
    let iam_scale = if benching {
        (1_250, 500, 250, 25)
    } else {
        (20, 8, 10, 3)
    };
    let runs = if benching { 3 } else { 1 };
    let worst = std::env::var("TG_BENCH_PROFILE").is_ok_and(|p| p == "worst");
    let (compile_time, engine) = best_of(runs, || {
        PolicyEngine::new(&builtin_sources(), &Params::default()).unwrap()
    });
    println!(
        "policies: {} rules compiled in {} ms; every evaluation on regorus's interpreter",
        engine.rules().len(),
        ms(compile_time).trim(),
    );
    let sections: Vec<u8> = match std::env::var("TG_BENCH_SECTIONS") {
        Ok(s) => s.split(',').map(|n| n.trim().parse().unwrap()).collect(),
        Err(_) => vec![1, 2, 3],
    };
    if sections.contains(&1) {
        bench_linear(
            &engine,
            runs,
            &format!(
                "1a. the demo organisation copied {scale}, {}, {} times (1x, 2x, 4x); a copy: 3 accounts, \
                 4 trails, 3 buckets, 3 keys, 4 IAM users, 1 group, 6 roles, 7 managed policies",
                scale * 2,
                scale * 4
            ),
            &|factor| generate_demo(scale * factor),
        );
        let (roles, policies, users, groups) = iam_scale;
        bench_linear(
            &engine,
            runs,
            &format!(
                "1b. one account's IAM at 1x, 2x, 4x: {roles}, {}, {} roles; {policies}, {}, {} customer \
                 managed policies; {users}, {}, {} users; {groups}, {}, {} groups",
                roles * 2,
                roles * 4,
                policies * 2,
                policies * 4,
                users * 2,
                users * 4,
                groups * 2,
                groups * 4
            ),
            &|f| generate_large_iam(roles * f, policies * f, users * f, groups * f),
        );
    }
    if sections.contains(&2) {
        bench_generated(&engine, runs, &sizes, worst);
    }
    if sections.contains(&3) {
        println!("\n3. large policy documents");
        bench_big_policies(&engine, runs, if benching { 10_000 } else { 100 });
    }
}

/// Section 2: generated organisations (or the worst case) of `sizes` resources.
fn bench_generated(engine: &PolicyEngine, runs: usize, sizes: &[usize], worst: bool) {
    println!(
        "\n2. generated snapshots, profile {}",
        if worst {
            "worst (every resource a trail, bucket or key; ~2.7 findings per resource)"
        } else {
            "org (per account: 1 trail, 1 bucket, 1 key, 47 IAM entities, a log group with CIS's 16 \
             metric filters, 16 alarms, 1 topic, an EventBridge rule and AWS Config in 3 regions; \
             TG_BENCH_PROFILE=worst for the worst case)"
        }
    );
    println!(
        "{:>9} {:>9} | {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} | {:>8} {:>6} {:>9}",
        "resources",
        "MiB json",
        "parse ms",
        "input ms",
        "rules ms",
        "locate ms",
        "e2e ms",
        "sarif ms",
        "findings",
        "x",
        "peak MiB"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut last_input = None;
    for &size in sizes {
        let text = if worst {
            generate_worst(size)
        } else {
            generate_org(size)
        };
        let path = dir.path().join(format!("snapshot-{size}.json"));
        std::fs::write(&path, &text).unwrap();
        if let Some(keep) = std::env::var_os("TG_BENCH_SAVE") {
            // For profiling a rule on the same snapshot with `trailguard eval --profile`.
            std::fs::write(
                Path::new(&keep).join(format!("snapshot-{size}.json")),
                &text,
            )
            .unwrap();
        }
        let (parse, snapshot) = best_of(runs, || Snapshot::from_json(&text).unwrap());
        let (convert, input) = best_of(runs, || snapshot_value(&snapshot).unwrap());
        let (rules, found) = best_of(runs, || evaluate(engine, Run::Catalogue(&input)));
        let file = SnapshotFile {
            path: path.clone(),
            text: text.clone(),
            snapshot: snapshot.clone(),
        };
        let options = Options {
            color: false,
            tool_version: "bench".into(),
            include_waived: false,
            ..Options::default()
        };
        // End to end, as `trailguard eval` runs it: convert, evaluate, locate.
        let (end_to_end, evaluation) =
            best_of(runs, || evaluate(engine, Run::File(&file, dir.path())));
        let (render_time, _) = best_of(runs, || render_sarif(&evaluation, &options).unwrap());
        let (locate, _) = best_of(runs, || {
            file.locate(evaluation.findings.iter().map(|f| f.resource.as_str()))
        });
        let ratio = (convert + rules).as_secs_f64() / parse.as_secs_f64();
        println!(
            "{:>9} {:>9.1} | {} {} {} {} {} {} | {:>8} {:>6.2} {:>9.0}",
            size,
            mib(&text),
            ms(parse),
            ms(convert),
            ms(rules),
            ms(locate),
            ms(end_to_end),
            ms(render_time),
            found.findings.len(),
            ratio,
            peak_rss_mib()
        );
        last_input = Some(input);
    }
    println!("x = (input + rules) / parse; target: <= 2 at 100k resources");
    if let Some(input) = last_input {
        println!("\nper rule at the largest size (CPU ms of the process, one rule at a time):");
        for rule in engine.rules() {
            let (time, found) = best_cpu_of(runs, || evaluate(engine, Run::Rule(&rule.id, &input)));
            println!("{:>8} {} {:>9}", rule.id, ms(time), found.findings.len());
        }
    }
}
