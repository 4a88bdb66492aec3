//! End-to-end tests of `trailguard collect` and `scan` against a real AWS API emulator: a moto
//! server on 127.0.0.1 (tests/common/moto.rs), seeded with the scenarios of
//! tests/tools/seed_moto.py. Each test asserts the exact findings (rule id + resource) or the
//! exact error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;

use common::moto::{aws_trailguard, free_port, Moto};
use common::{check_sarif, findings};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;
use trailguard_collect::Operation;

fn expected(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(rule, resource)| (rule.to_string(), resource.to_string()))
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `service:Operation` of every call a `--stats` run reports.
fn operations_called(stderr: &str) -> BTreeSet<String> {
    stderr
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let count = words.next()?;
            let op = words.next()?;
            (count.parse::<u64>().is_ok() && op.contains(':')).then(|| op.to_string())
        })
        .collect()
}

fn role_args<'a>(seed: &'a Value, accounts: &[&str]) -> Vec<&'a str> {
    accounts
        .iter()
        .flat_map(|a| ["--role-arn", seed["audit_role_arns"][a].as_str().unwrap()])
        .collect()
}

const TRAIL_ACCOUNT: &str = "444444444444";
const LOG_ACCOUNT: &str = "555555555555";

/// The gap every collection against moto has, once per scanned account and region: moto 5.2.5
/// does not implement config:DescribeDeliveryChannelStatus, and moto_server.py (patch k) makes it
/// fail at once with `InvalidAction`. A gap about the account itself.
fn moto_channel_status_gap(account: &str, region: &str) -> Value {
    json!({
        "AccountId": account,
        "Service": "config",
        "Operation": "DescribeDeliveryChannelStatus",
        "Region": region,
        "Resource": account,
        "ErrorCode": "InvalidAction",
        "Message": "moto 5.2.5 does not implement DescribeDeliveryChannelStatus",
    })
}

/// An account as the rules name it (Security Hub's form).
fn account_resource(id: &str) -> String {
    format!("AWS::::Account:{id}")
}

/// The monitoring rules, TG100 to TG115: someone must be alerted to each control's events.
const MONITORING_RULES: [&str; 16] = [
    "TG100", "TG101", "TG102", "TG103", "TG104", "TG105", "TG106", "TG107", "TG108", "TG109",
    "TG110", "TG111", "TG112", "TG113", "TG114", "TG115",
];

#[test]
fn compliant_accounts_scan_clean_and_the_snapshot_reads_like_aws() {
    let moto = Moto::start();
    let seed = moto.seed(&["compliant"]);
    let snapshot = moto.dir().join("snapshot.json");
    let mut args = vec!["scan", "--region", "eu-central-1", "--format", "json", "-q"];
    args.extend(role_args(&seed, &[TRAIL_ACCOUNT, LOG_ACCOUNT]));
    args.extend(["--snapshot-out", snapshot.to_str().unwrap()]);
    let run = moto.trailguard(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Everything passes, the monitoring controls and AWS Config included. The one finding per
    // account is TG090 for moto's missing DescribeDeliveryChannelStatus (moto_server.py patch k):
    // TG122 cannot tell whether Config's last delivery succeeded.
    let (trail_account, log_account) = (
        account_resource(TRAIL_ACCOUNT),
        account_resource(LOG_ACCOUNT),
    );
    assert_eq!(
        findings(&run.stdout),
        expected(&[("TG090", &trail_account), ("TG090", &log_account)]),
        "{}",
        run.stdout
    );
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    for finding in report["findings"].as_array().unwrap() {
        let message = finding["message"].as_str().unwrap();
        assert!(
            message
                .contains("config:DescribeDeliveryChannelStatus (InvalidAction) in eu-central-1")
                && message.ends_with("; TG122 cannot judge it"),
            "{message}"
        );
    }

    let s = read_json(&snapshot);
    let trail = seed["trail_arn"].as_str().unwrap();
    let bucket = seed["bucket"].as_str().unwrap();
    let key = seed["kms_key_arn"].as_str().unwrap();
    assert_eq!(
        s["gaps"],
        json!([
            moto_channel_status_gap(TRAIL_ACCOUNT, "eu-central-1"),
            moto_channel_status_gap(LOG_ACCOUNT, "eu-central-1"),
        ])
    );
    // The organisation trail applies to both accounts and is stored once, read by its owner.
    for account in [TRAIL_ACCOUNT, LOG_ACCOUNT] {
        assert_eq!(s["accounts"][account]["TrailArns"], json!([trail]));
        assert_eq!(s["accounts"][account]["Regions"], json!(["eu-central-1"]));
        assert_eq!(
            s["accounts"][account]["PublicAccessBlock"],
            json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true})
        );
    }
    let t = &s["trails"][trail];
    assert_eq!(t["AccountId"], TRAIL_ACCOUNT);
    assert_eq!(t["HomeRegion"], "eu-central-1");
    assert_eq!(t["IsOrganizationTrail"], true);
    assert_eq!(t["KmsKeyId"], key);
    assert_eq!(t["Status"]["IsLogging"], true);
    assert_eq!(t["EventSelectors"], json!([]));
    assert_eq!(t["AdvancedEventSelectors"].as_array().unwrap().len(), 3);
    assert_eq!(
        t["InsightSelectors"],
        json!([{"InsightType": "ApiCallRateInsight"}, {"InsightType": "ApiErrorRateInsight"}])
    );
    assert_eq!(t["Tags"]["Owner"], "security-engineering");
    let b = &s["buckets"][bucket];
    assert_eq!(b["OwnerAccount"], LOG_ACCOUNT);
    assert_eq!(b["Region"], "eu-central-1");
    assert_eq!(
        b["Versioning"],
        json!({"Status": "Enabled", "MFADelete": "Enabled"})
    );
    assert_eq!(
        b["ObjectLockConfiguration"]["Rule"]["DefaultRetention"],
        json!({"Mode": "COMPLIANCE", "Days": 400})
    );
    assert_eq!(b["PolicyStatus"], json!({"IsPublic": false}));
    assert_eq!(
        b["Policy"]["Statement"][0]["Sid"],
        "AWSCloudTrailAclCheck20150319"
    );
    let k = &s["kms_keys"][key];
    assert_eq!(k["KeyRotationEnabled"], true);
    assert_eq!(k["Aliases"], json!([seed["kms_alias"]]));
    assert_eq!(k["KeyMetadata"]["KeyManager"], "CUSTOMER");
    assert_eq!(k["KeyMetadata"]["KeyState"], "Enabled");
    assert!(
        k["Policy"]["Statement"].is_array(),
        "key policy parsed: {k}"
    );
    let iam = &s["accounts"][TRAIL_ACCOUNT]["Iam"];
    assert_eq!(
        iam["CloudTrailFullAccess"],
        json!({"PolicyUsers": [], "PolicyGroups": [], "PolicyRoles": ["cloudtrail-admin"]})
    );
    assert_eq!(
        iam["Roles"]["cloudtrail-admin"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"],
        json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    );
    assert!(
        iam["Policies"]["arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"]["Document"]
            ["Statement"]
            .is_array()
    );

    // The monitoring chain, as AWS describes it. The trail names its log group with a trailing
    // `:*`; the snapshot keys it by the ARN without.
    let monitoring = &seed["monitoring"];
    let group_arn = monitoring["log_group_arn"].as_str().unwrap();
    assert_eq!(t["CloudWatchLogsLogGroupArn"], format!("{group_arn}:*"));
    assert_eq!(
        s["log_groups"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        [group_arn]
    );
    let group = &s["log_groups"][group_arn];
    assert_eq!(
        (
            &group["AccountId"],
            &group["Region"],
            &group["LogGroupName"]
        ),
        (
            &json!(TRAIL_ACCOUNT),
            &json!("eu-central-1"),
            &json!("org-audit-trail")
        )
    );
    // Encrypted with a key of the trail's account (TG051), events kept 400 days (TG052).
    assert!(
        group["Settings"]["KmsKeyId"]
            .as_str()
            .is_some_and(|k| k.starts_with("arn:aws:kms:eu-central-1:444444444444:key/")),
        "{}",
        group["Settings"]
    );
    assert_eq!(group["Settings"]["RetentionInDays"], 400);
    let topic = monitoring["alert_topic_arn"].as_str().unwrap();
    let filters = group["MetricFilters"].as_array().unwrap();
    let seeded = monitoring["metric_filters"].as_object().unwrap();
    assert_eq!(filters.len(), 16, "one filter per control TG100-TG115");
    let names: Vec<&str> = filters
        .iter()
        .map(|f| f["FilterName"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "filters are sorted by name");
    for (control, want) in seeded {
        let name = want["filter"].as_str().unwrap();
        let alarm = want["alarm_arn"].as_str().unwrap();
        let filter = filters
            .iter()
            .find(|f| f["FilterName"] == name)
            .unwrap_or_else(|| panic!("{control}: no filter {name}"));
        // The pattern as written, whichever way it was written.
        assert_eq!(filter["FilterPattern"], want["pattern"], "{control}");
        assert_eq!(
            filter["MetricTransformations"],
            json!([{
                "MetricName": name,
                "MetricNamespace": "CISBenchmark",
                "MetricValue": "1",
                "AlarmArns": [alarm],
            }]),
            "{control}"
        );
        assert_eq!(
            alarm,
            format!("arn:aws:cloudwatch:eu-central-1:{TRAIL_ACCOUNT}:alarm:{name}")
        );
        assert_eq!(
            s["alarms"][alarm],
            json!({
                "AlarmArn": alarm,
                "AlarmName": name,
                "AccountId": TRAIL_ACCOUNT,
                "Region": "eu-central-1",
                "MetricName": name,
                "Namespace": "CISBenchmark",
                "ActionsEnabled": true,
                "AlarmActions": [topic],
                "StateValue": "OK",
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "Threshold": 1.0,
                "Statistic": "Sum",
                "EvaluationPeriods": 1,
                "Period": 300,
            }),
            "{control}"
        );
    }
    assert_eq!(s["alarms"].as_object().unwrap().len(), 16);
    // Read once, though sixteen alarms and a rule notify it: its policy and its confirmed SQS
    // subscription (a subscription is confirmed when its ARN is an ARN).
    assert_eq!(
        s["topics"].as_object().unwrap().keys().collect::<Vec<_>>(),
        [topic]
    );
    let alerts = &s["topics"][topic];
    assert_eq!(
        (&alerts["AccountId"], &alerts["Region"]),
        (&json!(TRAIL_ACCOUNT), &json!("eu-central-1"))
    );
    assert_eq!(
        alerts["Attributes"]["Policy"]["Statement"][0]["Principal"]["Service"],
        json!(["cloudwatch.amazonaws.com", "events.amazonaws.com"])
    );
    let subscriptions = alerts["Subscriptions"].as_array().unwrap();
    assert_eq!(subscriptions.len(), 1, "{alerts}");
    let queue = format!("arn:aws:sqs:eu-central-1:{TRAIL_ACCOUNT}:org-security-alerts");
    assert_eq!(subscriptions[0]["Protocol"], "sqs");
    assert_eq!(subscriptions[0]["Endpoint"], queue.as_str());
    assert_eq!(subscriptions[0]["Confirmed"], true);
    assert!(
        subscriptions[0]["SubscriptionArn"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{topic}:")),
        "{alerts}"
    );
    // Per account and region: the default bus's rules with their targets, and AWS Config.
    let rule = &monitoring["event_rule"];
    let recording = |account: &str| {
        let role = "aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig";
        json!({
            "Recorders": [{
                "Name": "default",
                "RoleARN": format!("arn:aws:iam::{account}:role/{role}"),
                "RecordingGroup": {
                    "AllSupported": true,
                    "IncludeGlobalResourceTypes": true,
                    "ResourceTypes": [],
                    "ExclusionByResourceTypes": [],
                    "RecordingStrategy": "ALL_SUPPORTED_RESOURCE_TYPES",
                },
            }],
            "DeliveryChannels": [{"Name": "default", "S3BucketName": monitoring["config_bucket"]}],
        })
    };
    for account in [TRAIL_ACCOUNT, LOG_ACCOUNT] {
        let m = &s["accounts"][account]["Monitoring"];
        assert_eq!(
            m.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["eu-central-1"],
            "{account}"
        );
        let config = &m["eu-central-1"]["Config"];
        let mut known = config.clone();
        let statuses = known
            .as_object_mut()
            .unwrap()
            .remove("RecorderStatuses")
            .unwrap();
        assert_eq!(known, recording(account), "{account}");
        // Recording; moto says its last status is "PENDING" where AWS says "Pending".
        assert_eq!(statuses.as_array().unwrap().len(), 1, "{account}");
        assert_eq!(
            (&statuses[0]["Name"], &statuses[0]["Recording"]),
            (&json!("default"), &json!(true)),
            "{account}"
        );
        // What the gap left unknown is absent, not empty.
        assert!(config.get("DeliveryChannelStatuses").is_none(), "{account}");
    }
    assert_eq!(
        s["accounts"][TRAIL_ACCOUNT]["Monitoring"]["eu-central-1"]["EventRules"],
        json!([{
            "Name": rule["name"],
            "Arn": rule["arn"],
            "State": "ENABLED",
            "EventPattern": rule["pattern"],
            "Targets": [{"Id": "notify", "Arn": topic}],
        }])
    );
    assert_eq!(
        s["accounts"][LOG_ACCOUNT]["Monitoring"]["eu-central-1"]["EventRules"],
        json!([])
    );
}

#[test]
fn broken_account_gives_exactly_the_expected_findings() {
    let moto = Moto::start();
    moto.seed(&["broken"]);
    let snapshot = moto.dir().join("snapshot.json");
    let run = moto.trailguard(&[
        "scan",
        "--region",
        "us-east-1",
        "--format",
        "json",
        "--fail-on",
        "high",
        "--snapshot-out",
        snapshot.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "high findings fail the run: {}", run.stderr);
    let trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/broken-trail";
    let bucket = "arn:aws:s3:::broken-trail-logs";
    let account = "AWS::::Account:123456789012";
    let mut want = expected(&[
        ("TG001", account),
        ("TG002", account),
        ("TG003", trail),
        ("TG007", account),
        ("TG008", account),
        ("TG009", account),
        ("TG004", trail),
        ("TG011", trail),
        ("TG020", trail),
        ("TG021", trail),
        ("TG050", trail),
        ("TG030", bucket),
        ("TG031", bucket),
        ("TG032", bucket),
        ("TG033", bucket),
        ("TG034", bucket),
        ("TG035", bucket),
        ("TG036", bucket),
        ("TG038", bucket),
        ("TG039", bucket),
        ("TG040", bucket),
        ("TG041", bucket),
        ("TG042", bucket),
        ("TG060", "arn:aws:iam::123456789012:user/ops-admin"),
        ("TG061", "arn:aws:iam::123456789012:user/ops-admin"),
        // No AWS Config recorder in us-east-1.
        ("TG120", account),
        // moto's missing DescribeDeliveryChannelStatus (moto_server.py patch k).
        ("TG090", account),
    ]);
    // Nobody is alerted to anything: no trail sends its events to CloudWatch Logs and us-east-1
    // has no EventBridge rule.
    want.extend(
        MONITORING_RULES
            .iter()
            .map(|rule| (rule.to_string(), account.to_string())),
    );
    assert_eq!(findings(&run.stdout), want);
    // The bucket policy's VPC-endpoint Deny, without an exemption for AWS services, would stop
    // CloudTrail's delivery: TG041 names the statement.
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let tg041: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "TG041")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        tg041,
        [format!(
            "Log bucket broken-trail-logs would refuse the delivery of trail broken-trail \
             ({trail}): s3:GetBucketAcl on the bucket: the bucket policy statement \
             \"DenyOutsideVpce\" denies it; s3:PutObject under AWSLogs/123456789012/: the bucket \
             policy statement \"DenyOutsideVpce\" denies it"
        )]
    );
    assert!(
        run.stderr
            .contains("collected 1 account, 1 trail, 1 log bucket, 0 KMS keys"),
        "{}",
        run.stderr
    );

    // The IAM facts the least-privilege rules judge: a direct attachment, without MFA.
    let s = read_json(&snapshot);
    let iam = &s["accounts"]["123456789012"]["Iam"];
    assert_eq!(
        iam["CloudTrailFullAccess"]["PolicyUsers"],
        json!(["ops-admin"])
    );
    assert_eq!(iam["Users"]["ops-admin"]["MFADevices"], json!([]));
    assert_eq!(
        iam["Users"]["ops-admin"]["AttachedManagedPolicies"][0]["PolicyArn"],
        "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"
    );
    // A trail whose selectors were never set records AWS's default without a GetEventSelectors.
    assert_eq!(
        s["trails"][trail]["EventSelectors"],
        json!([{"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": [], "ExcludeManagementEventSources": []}])
    );
    assert_eq!(s["trails"][trail]["AdvancedEventSelectors"], json!([]));
    // MFA devices are read only for holders of AWSCloudTrail_FullAccess.
    assert!(iam["Users"]["auditor-bot"].get("MFADevices").is_none());
    // What AWS says does not exist is null, not missing.
    let b = &s["buckets"]["broken-trail-logs"];
    for field in [
        "PublicAccessBlock",
        "Logging",
        "Lifecycle",
        "Tags",
        "ObjectLockConfiguration",
    ] {
        assert_eq!(b[field], Value::Null, "{field}");
        assert!(b.get(field).is_some(), "{field} was read");
    }
    assert_eq!(
        s["accounts"]["123456789012"]["PublicAccessBlock"],
        Value::Null
    );

    // The saved snapshot evaluates to the same findings, and its SARIF passes GitHub's checks.
    let sarif = moto.dir().join("out.sarif");
    let eval = aws_trailguard(
        &[
            "eval",
            snapshot.to_str().unwrap(),
            "--format",
            "sarif",
            "-o",
            sarif.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(eval.code, 0, "{}", eval.stderr);
    check_sarif(&sarif);
    let results = read_json(&sarif)["runs"][0]["results"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(results, want.len(), "SARIF holds the same findings");
}

/// moto 5.2.5 reports DescribeTrails' HasCustomEventSelectors and HasInsightSelectors as false
/// for every trail (the harness patches that, except here): believing them replaced a trail's
/// selectors with AWS's default and called its Insights off, and TG002/TG006–TG009 judged that.
#[test]
fn selectors_are_read_whatever_describe_trails_flags_say() {
    let moto = Moto::start_with(&["--stock-selector-flags"]);
    let seed = moto.seed(&["selectors"]);
    let arn = seed["trail_arn"].as_str().unwrap();
    let snapshot = moto.dir().join("snapshot.json");
    let run = moto.trailguard(&[
        "collect",
        "--region",
        "us-east-1",
        "-q",
        "-o",
        snapshot.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = read_json(&snapshot);
    let trail = &s["trails"][arn];
    // The flags lie, as moto has them ...
    assert_eq!(trail["HasCustomEventSelectors"], false);
    assert_eq!(trail["HasInsightSelectors"], false);
    // ... and the selectors are the trail's own.
    assert_eq!(
        trail["EventSelectors"],
        json!([{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true,
                "DataResources": [], "ExcludeManagementEventSources": []}])
    );
    assert_eq!(
        trail["InsightSelectors"],
        json!([{"InsightType": "ApiCallRateInsight"}])
    );
    let run = aws_trailguard(
        &["eval", snapshot.to_str().unwrap(), "--format", "json"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found = findings(&run.stdout);
    let account = "AWS::::Account:123456789012";
    let bucket = "arn:aws:s3:::selectors-trail-logs";
    // Write events only: TG006 on the trail, and no trail of the account records every
    // management event (TG002). Insights is on: no TG009. The rest is what every bare trail of
    // seed_simple_trail gets (as in the multi-region scenario).
    let mut want = vec![
        ("TG002", account),
        ("TG006", arn),
        ("TG007", account),
        ("TG008", account),
        ("TG021", arn),
        ("TG050", arn),
        ("TG120", account),
        ("TG090", account),
    ];
    want.extend(MONITORING_RULES.iter().map(|rule| (*rule, account)));
    for rule in [
        "TG031", "TG032", "TG034", "TG035", "TG036", "TG038", "TG039",
    ] {
        want.push((rule, bucket));
    }
    assert_eq!(found, expected(&want));
}

/// What would stop or expose a trail's delivery beyond its bucket, predicted from its
/// configuration: the key policy, the SNS topic, the CloudWatch Logs log group and the role
/// CloudTrail assumes; and the CloudTrail Lake copy (moto_server.py patch m serves Lake).
#[test]
fn delivery_scenario_predicts_the_key_topic_log_group_and_role_problems() {
    let moto = Moto::start();
    let seed = moto.seed(&["delivery"]);
    let run = moto.trailguard(&["scan", "--region", "us-east-1", "--format", "json", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let found: BTreeSet<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let account = "AWS::::Account:123456789012";
    let trail = seed["trail_arn"].as_str().unwrap();
    let bucket = format!("arn:aws:s3:::{}", seed["bucket"].as_str().unwrap());
    let key = seed["kms_key_arn"].as_str().unwrap();
    let group = seed["log_group_arn"].as_str().unwrap();
    let role = seed["role_arn"].as_str().unwrap();
    let topic = seed["topic_arn"].as_str().unwrap();
    let lake = seed["event_data_store_arn"].as_str().unwrap();
    let label = format!("delivery-trail ({trail})");
    let predicted: BTreeSet<(String, String, String)> = [
        (
            "TG013",
            lake,
            format!(
                "CloudTrail Lake event data store delivery-lake ({lake}) is encrypted with a key \
                 AWS owns, not a customer managed key; has termination protection off; keeps \
                 events for 90 days, less than the retention period of 365 days"
            ),
        ),
        (
            "TG012",
            topic,
            format!(
                "SNS topic {topic} fails trail {label}: SNS:Publish: no statement of the topic \
                 policy lets cloudtrail.amazonaws.com publish for this trail"
            ),
        ),
        (
            "TG026",
            key,
            format!(
                "KMS key {key} would refuse trail {label}: kms:GenerateDataKey: no statement of \
                 the key policy lets cloudtrail.amazonaws.com call it; kms:DescribeKey: no \
                 statement of the key policy lets cloudtrail.amazonaws.com call it"
            ),
        ),
        (
            "TG051",
            group,
            "CloudWatch Logs log group delivery-trail-events, which receives the events of trail \
             delivery-trail, is not encrypted with a KMS key"
                .to_string(),
        ),
        (
            "TG052",
            group,
            "CloudWatch Logs log group delivery-trail-events, which receives the events of trail \
             delivery-trail, keeps them for 30 days, less than the retention period of 365 days"
                .to_string(),
        ),
        (
            "TG053",
            role,
            format!(
                "Role {role}, which trail {label} assumes to write to CloudWatch Logs, lets \
                 cloudtrail.amazonaws.com assume it for another account's trail (granted by the \
                 trust policy Statement[0])"
            ),
        ),
    ]
    .into_iter()
    .map(|(rule, resource, message)| (rule.to_string(), resource.to_string(), message))
    .collect();
    let new_rules = [
        "TG012", "TG013", "TG026", "TG041", "TG051", "TG052", "TG053",
    ];
    let of_new_rules: BTreeSet<_> = found
        .iter()
        .filter(|(rule, _, _)| new_rules.contains(&rule.as_str()))
        .cloned()
        .collect();
    assert_eq!(of_new_rules, predicted);
    // Everything else is what a bare logging trail of this shape gets: the bucket's settings,
    // no data events or Insights, no tags, nobody alerted, no AWS Config.
    let mut want: Vec<(&str, &str)> = vec![
        ("TG007", account),
        ("TG008", account),
        ("TG009", account),
        ("TG011", trail),
        ("TG120", account),
        ("TG090", account),
    ];
    want.extend(MONITORING_RULES.iter().map(|rule| (*rule, account)));
    for rule in [
        "TG031", "TG032", "TG033", "TG034", "TG035", "TG036", "TG038", "TG039", "TG040",
    ] {
        want.push((rule, &bucket));
    }
    want.extend(
        predicted
            .iter()
            .map(|(r, res, _)| (r.as_str(), res.as_str())),
    );
    let pairs: BTreeSet<(String, String)> = found
        .iter()
        .map(|(r, res, _)| (r.clone(), res.clone()))
        .collect();
    assert_eq!(pairs, expected(&want));
}

#[test]
fn trails_of_two_regions_are_each_read_once_in_their_home_region() {
    let moto = Moto::start();
    moto.seed(&["multi-region"]);
    let us = "arn:aws:cloudtrail:us-east-1:123456789012:trail/us-trail";
    let eu = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/eu-trail";
    let (us_bucket, eu_bucket) = ("arn:aws:s3:::us-trail-logs", "arn:aws:s3:::eu-trail-logs");
    let run = moto.trailguard(&[
        "scan",
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let account = "AWS::::Account:123456789012";
    let mut want = vec![("TG007", account), ("TG008", account), ("TG009", account)];
    // Neither trail sends its events to CloudWatch Logs and neither region has an EventBridge
    // rule: nobody is alerted to any monitoring control. Config records in neither region; moto
    // does not implement DescribeDeliveryChannelStatus (moto_server.py patch k): TG090.
    want.extend(MONITORING_RULES.iter().map(|rule| (*rule, account)));
    want.extend([("TG120", account), ("TG090", account)]);
    for trail in [us, eu] {
        want.extend([("TG021", trail), ("TG050", trail)]);
    }
    for bucket in [us_bucket, eu_bucket] {
        for rule in [
            "TG031", "TG032", "TG034", "TG035", "TG036", "TG038", "TG039",
        ] {
            want.push((rule, bucket));
        }
    }
    assert_eq!(findings(&run.stdout), expected(&want));

    // --all-regions reads every region the account has enabled, and finds the same two trails;
    // AWS_ENDPOINT_URL redirects every client as --endpoint-url does.
    let snapshot = moto.dir().join("all.json");
    let run = aws_trailguard(
        &[
            "collect",
            "--all-regions",
            "-q",
            "-o",
            snapshot.to_str().unwrap(),
        ],
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_ENDPOINT_URL", &moto.endpoint),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = read_json(&snapshot);
    let account = &s["accounts"]["123456789012"];
    assert_eq!(
        account["Regions"],
        json!(["eu-central-1", "eu-west-1", "us-east-1"])
    );
    assert_eq!(account["TrailArns"], json!([eu, us]));
    assert_eq!(s["trails"][us]["HomeRegion"], "us-east-1");
    assert_eq!(s["trails"][us]["IsMultiRegionTrail"], false);
    assert_eq!(s["trails"][eu]["HomeRegion"], "eu-west-1");
    assert_eq!(s["trails"][eu]["IsMultiRegionTrail"], true);
    assert_eq!(s["buckets"]["us-trail-logs"]["Region"], "us-east-1");
    assert_eq!(s["buckets"]["eu-trail-logs"]["Region"], "eu-west-1");
    // Only moto's missing DescribeDeliveryChannelStatus, once in each region read.
    let account = "123456789012";
    assert_eq!(
        s["gaps"],
        json!(["eu-central-1", "eu-west-1", "us-east-1"]
            .map(|region| moto_channel_status_gap(account, region)))
    );
}

#[test]
fn a_log_bucket_in_an_unscanned_account_is_a_gap_and_scanning_that_account_joins_up() {
    let moto = Moto::start();
    let seed = moto.seed(&["compliant"]);
    moto.lock_cross_account();
    let bucket = seed["bucket"].as_str().unwrap();
    let key = seed["kms_key_arn"].as_str().unwrap();

    // Only the trail's account: its credentials cannot read the log archive's bucket or key.
    let snapshot = moto.dir().join("one.json");
    let mut args = vec!["scan", "--region", "eu-central-1", "--format", "json", "-q"];
    args.extend(role_args(&seed, &[TRAIL_ACCOUNT]));
    args.extend(["--snapshot-out", snapshot.to_str().unwrap()]);
    let run = moto.trailguard(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // TG090 names the bucket by its ARN, as every other rule does.
    let bucket_arn = format!("arn:aws:s3:::{bucket}");
    // And the account itself: moto's missing DescribeDeliveryChannelStatus (patch k).
    let trail_account = account_resource(TRAIL_ACCOUNT);
    assert_eq!(
        findings(&run.stdout),
        expected(&[
            ("TG090", &bucket_arn),
            ("TG090", key),
            ("TG090", &trail_account)
        ])
    );
    let s = read_json(&snapshot);
    let gaps = s["gaps"].as_array().unwrap();
    let bucket_gaps: Vec<&Value> = gaps.iter().filter(|g| g["Resource"] == bucket).collect();
    assert_eq!(bucket_gaps.len(), 11, "every bucket read failed: {gaps:#?}");
    for gap in &bucket_gaps {
        assert_eq!(gap["AccountId"], TRAIL_ACCOUNT);
        assert_eq!(gap["Service"], "s3");
        assert_eq!(gap["ErrorCode"], "AccessDenied");
        assert!(
            gap["Message"]
                .as_str()
                .unwrap()
                .contains("not owned by a scanned account"),
            "{gap}"
        );
    }
    assert!(gaps
        .iter()
        .filter(|g| g["Resource"] == key)
        .all(|g| g["Service"] == "kms" && g["AccountId"] == TRAIL_ACCOUNT));

    // With the log archive account scanned too, its bucket and key are read by their owner;
    // what remains is moto's missing DescribeDeliveryChannelStatus in each account.
    let mut args = vec!["scan", "--region", "eu-central-1", "--format", "json", "-q"];
    args.extend(role_args(&seed, &[TRAIL_ACCOUNT, LOG_ACCOUNT]));
    let run = moto.trailguard(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let log_account = account_resource(LOG_ACCOUNT);
    assert_eq!(
        findings(&run.stdout),
        expected(&[("TG090", &trail_account), ("TG090", &log_account)])
    );
}

#[test]
fn access_denied_calls_become_gaps_and_collection_goes_on() {
    let moto = Moto::start();
    let seed = moto.seed(&["access-denied"]);
    let keys = (
        seed["access_key_id"].as_str().unwrap(),
        seed["secret_access_key"].as_str().unwrap(),
    );
    let trail = seed["trail_arn"].as_str().unwrap();
    let key = seed["kms_key_arn"].as_str().unwrap();
    let snapshot = moto.dir().join("snapshot.json");
    let sarif = moto.dir().join("out.sarif");
    let run = moto.trailguard_as(
        &[
            "scan",
            "--region",
            "us-east-1",
            "--format",
            "sarif",
            "-o",
            sarif.to_str().unwrap(),
            "--snapshot-out",
            snapshot.to_str().unwrap(),
        ],
        keys,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The three denied reads, and moto's missing DescribeDeliveryChannelStatus (patch k).
    assert!(
        run.stderr.contains("warning: 4 calls failed"),
        "{}",
        run.stderr
    );

    let s = read_json(&snapshot);
    let gaps: BTreeSet<(String, String, String, String)> = s["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            assert_eq!(g["AccountId"], "123456789012");
            assert_eq!(g["Region"], "us-east-1");
            let field = |k: &str| g[k].as_str().unwrap().to_string();
            (
                field("Service"),
                field("Operation"),
                field("Resource"),
                field("ErrorCode"),
            )
        })
        .collect();
    let gap = |s: &str, o: &str, r: &str, c: &str| (s.into(), o.into(), r.into(), c.into());
    assert_eq!(
        gaps,
        BTreeSet::from([
            gap(
                "cloudtrail",
                "GetEventSelectors",
                trail,
                "AccessDeniedException"
            ),
            gap("kms", "GetKeyRotationStatus", key, "AccessDeniedException"),
            gap("s3", "GetBucketPolicy", "denied-trail-logs", "AccessDenied"),
            gap(
                "config",
                "DescribeDeliveryChannelStatus",
                "123456789012",
                "InvalidAction"
            ),
        ])
    );
    // The denied reads are unknown, not empty: the rules that need them cannot pass or fail.
    assert!(s["trails"][trail].get("EventSelectors").is_none());
    assert!(s["kms_keys"][key].get("KeyRotationEnabled").is_none());
    assert!(s["buckets"]["denied-trail-logs"].get("Policy").is_none());
    // Everything else was read.
    assert_eq!(s["trails"][trail]["Status"]["IsLogging"], true);
    assert_eq!(
        s["buckets"]["denied-trail-logs"]["Versioning"]["Status"],
        "Enabled"
    );

    check_sarif(&sarif);
    let report = read_json(&sarif);
    let notifications = report["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notifications.len(), 4);
    let bucket = "arn:aws:s3:::denied-trail-logs";
    let account = "AWS::::Account:123456789012";
    let results: BTreeSet<(String, String)> = report["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let resource = r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            (r["ruleId"].as_str().unwrap().to_string(), resource)
        })
        .collect();
    let mut want = expected(&[
        ("TG090", trail),
        ("TG090", key),
        ("TG090", bucket),
        ("TG031", bucket),
        ("TG032", bucket),
        ("TG034", bucket),
        ("TG035", bucket),
        ("TG038", bucket),
        ("TG039", bucket),
        ("TG050", trail),
        ("TG009", account),
        // The auditor's own policy allows "*" but three read actions: it could blind the
        // trail, and the least-privilege rules say so.
        ("TG063", "arn:aws:iam::123456789012:user/auditor"),
        ("TG065", "arn:aws:iam::123456789012:user/auditor"),
        ("TG066", "arn:aws:iam::123456789012:user/auditor"),
        // moto's missing DescribeDeliveryChannelStatus, and no Config recorder.
        ("TG090", account),
        ("TG120", account),
    ]);
    // The trail sends nothing to CloudWatch Logs and there is no EventBridge rule: nobody is
    // alerted to any monitoring control.
    want.extend(
        MONITORING_RULES
            .iter()
            .map(|rule| (rule.to_string(), account.to_string())),
    );
    assert_eq!(results, want);
    // Each gap weighs as much as the worst rule it blinds: the bucket policy (TG030, critical)
    // and the event selectors (TG002, high) are errors, the key rotation (TG022) and Config's
    // delivery status (TG122, medium) warnings.
    let levels: BTreeSet<(String, String)> = report["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "TG090")
        .map(|r| {
            let resource = r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .unwrap()
                .to_string();
            (resource, r["level"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(
        levels,
        expected(&[
            (bucket, "error"),
            (trail, "error"),
            (key, "warning"),
            (account, "warning")
        ])
    );
}

#[test]
fn an_endpoint_that_is_down_stops_with_one_message_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snapshot.json");
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    let run = aws_trailguard(
        &[
            "collect",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &endpoint,
            "-o",
            out.to_str().unwrap(),
        ],
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(&format!(
            "error: cannot reach the AWS endpoint {endpoint}: "
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Connection refused"), "{}", run.stderr);
    let errors = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .count();
    assert_eq!(errors, 1, "{}", run.stderr);
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temp file left"
    );
}

#[test]
fn missing_credentials_stop_with_one_message_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snapshot.json");
    let run = aws_trailguard(
        &[
            "collect",
            "--region",
            "us-east-1",
            "-o",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("error: no AWS credentials: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint: "), "{}", run.stderr);
    assert!(!out.exists());
}

#[test]
fn a_role_arn_that_is_not_a_role_is_refused() {
    let run = aws_trailguard(
        &[
            "collect",
            "--role-arn",
            "arn:aws:iam::123456789012:user/alice",
        ],
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
        ],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: arn:aws:iam::123456789012:user/alice is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)\n"
    );
}

/// `trailguard permissions` lists exactly the IAM actions of the operations the collector calls,
/// and between them the compliant, broken and organisation set-ups make the collector call
/// every one (the organisation's tree and policies are read only in its management account; the
/// monitoring chain, a log group's filters, alarms, topic and EventBridge targets, only in the
/// compliant set-up).
#[test]
fn permissions_cover_exactly_the_operations_collect_calls() {
    let moto = Moto::start();
    let seed = moto.seed(&["compliant"]);
    moto.seed(&["broken"]);
    let mut args = vec![
        "collect",
        "--region",
        "eu-central-1",
        "--stats",
        "-q",
        "-o",
        "/dev/null",
    ];
    args.extend(role_args(&seed, &[TRAIL_ACCOUNT, LOG_ACCOUNT]));
    let compliant = moto.trailguard(&args);
    assert_eq!(compliant.code, 0, "{}", compliant.stderr);
    let broken = moto.trailguard(&[
        "collect",
        "--all-regions",
        "--stats",
        "-q",
        "-o",
        "/dev/null",
    ]);
    assert_eq!(broken.code, 0, "{}", broken.stderr);
    let organization = Moto::start();
    organization.seed(&["organization"]);
    let management = organization.trailguard(&[
        "collect",
        "--region",
        "us-east-1",
        "--stats",
        "-q",
        "-o",
        "/dev/null",
    ]);
    assert_eq!(management.code, 0, "{}", management.stderr);
    let mut called = operations_called(&compliant.stderr);
    called.extend(operations_called(&broken.stderr));
    called.extend(operations_called(&management.stderr));
    let all: BTreeSet<String> = Operation::ALL.iter().map(|op| op.to_string()).collect();
    assert_eq!(called, all);

    let run = aws_trailguard(&["permissions"], &[]);
    assert_eq!(run.code, 0);
    let policy: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(policy["Version"], "2012-10-17");
    let statements = policy["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    assert_eq!(statements[0]["Effect"], "Allow");
    assert_eq!(statements[0]["Resource"], "*");
    let actions: BTreeSet<&str> = statements[0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let needed: BTreeSet<&str> = Operation::ALL
        .iter()
        .filter_map(|op| op.iam_action())
        .collect();
    assert_eq!(actions, needed);
}

/// The least-privilege scenario (issue 4): five ways to blind the trail, seeded through the real
/// IAM, S3 and KMS APIs. Each is reported exactly once, naming the statement that grants it;
/// the principal with read access only is not.
#[test]
fn least_privilege_scenario_reports_each_power_once_with_its_statement() {
    let moto = Moto::start();
    let seeded = moto.seed(&["least-privilege"]);
    let run = moto.trailguard(&["scan", "--region", "us-east-1", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let key = seeded["kms_key_arn"].as_str().unwrap();
    let iam = "arn:aws:iam::123456789012";
    let least_privilege: BTreeSet<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"].as_str().unwrap().starts_with("TG06"))
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String, String)> = [
        (
            "TG063",
            format!("{iam}:user/deployer"),
            "User deployer in account 123456789012 can stop, delete or reconfigure trail main \
             (cloudtrail:StopLogging) without holding AWSCloudTrail_FullAccess, granted by \
             managed policy TrailPause statement \"Pause\""
                .to_string(),
        ),
        (
            "TG061",
            format!("{iam}:user/alice"),
            "User alice in account 123456789012 holds AWSCloudTrail_FullAccess (through group \
             trail-admins) and has no MFA device"
                .to_string(),
        ),
        (
            "TG064",
            format!("{iam}:role/ct-vendor"),
            "Role ct-vendor in account 123456789012 holds AWSCloudTrail_FullAccess and its trust \
             policy (Statement[0]) lets account 999999999999 assume it"
                .to_string(),
        ),
        (
            "TG065",
            format!("{iam}:user/cleaner"),
            "User cleaner in account 123456789012 can delete the CloudTrail logs in bucket \
             lp-trail-logs (s3:DeleteObject), granted by user cleaner inline policy tidy-logs \
             statement \"Tidy\""
                .to_string(),
        ),
        (
            "TG066",
            key.to_string(),
            format!(
                "The policy of KMS key {key} (statement \"AnyoneMaySchedule\") lets anyone \
                 kms:ScheduleKeyDeletion, which makes the trail's logs unreadable"
            ),
        ),
    ]
    .into_iter()
    .map(|(rule, resource, message)| (rule.to_string(), resource, message))
    .collect();
    assert_eq!(least_privilege, expected);
}

/// The monitoring scenario (issue 17): account 123456789012 in us-east-1 and eu-west-1, a
/// multi-region trail sending its events to log group CloudTrail/monitoring, CIS metric filters
/// with alarms notifying a topic with a confirmed subscription, and one broken link per kind of
/// chain. Exactly the controls whose every chain breaks are reported, each message naming what
/// breaks; the filters written otherwise than CIS's reference (clauses reordered, values
/// unquoted, `%regex%`, wildcards: TG100, TG101, TG105, TG110, TG112) catch their controls.
#[test]
fn monitoring_scenario_reports_exactly_the_unalerted_controls_with_the_broken_link() {
    let moto = Moto::start();
    let seed = moto.seed(&["monitoring"]);
    let snapshot = moto.dir().join("snapshot.json");
    let run = moto.trailguard(&[
        "scan",
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "--format",
        "json",
        "-q",
        "--snapshot-out",
        snapshot.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let trail = seed["trail_arn"].as_str().unwrap();
    let bucket = "arn:aws:s3:::monitoring-trail-logs";
    let account = "AWS::::Account:123456789012";
    let want = expected(&[
        // The trail and bucket are those of the multi-region scenario, with the same findings but
        // TG050: this trail sends its events to CloudWatch Logs.
        ("TG007", account),
        ("TG008", account),
        ("TG009", account),
        ("TG021", trail),
        ("TG031", bucket),
        ("TG032", bucket),
        ("TG034", bucket),
        ("TG035", bucket),
        ("TG036", bucket),
        ("TG038", bucket),
        ("TG039", bucket),
        // The log group has no KMS key.
        ("TG051", seed["log_group_arn"].as_str().unwrap()),
        // The filter spells StopLogging "StopLoging", and no EventBridge rule catches it.
        ("TG104", account),
        // The root usage alarm has no action.
        ("TG102", account),
        // The KMS alarm's topic has only an email subscriber, who never confirmed.
        ("TG106", account),
        // Security group changes: no filter, and an EventBridge rule in eu-west-1 only.
        ("TG109", account),
        // AWS Config's recorder in eu-west-1 is stopped.
        ("TG120", account),
        // moto's missing DescribeDeliveryChannelStatus, in both regions (moto_server.py patch k):
        // whether Config delivers (TG122) is unknown, not a pass.
        ("TG090", account),
    ]);
    assert_eq!(findings(&run.stdout), want, "{}", run.stdout);

    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let message = |rule: &str| -> String {
        let found: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule_id"] == rule)
            .map(|f| f["message"].as_str().unwrap())
            .collect();
        assert_eq!(found.len(), 1, "{rule}: {found:#?}");
        found[0].to_string()
    };
    let says = |rule: &str, title: &str, parts: &[&str], not: &[&str]| {
        let text = message(rule);
        assert!(
            text.starts_with(&format!(
                "Account 123456789012: nobody is alerted to {title}: "
            )),
            "{rule}: {text}"
        );
        for part in parts {
            assert!(text.contains(part), "{rule}: {part:?} not in {text}");
        }
        for part in not {
            assert!(!text.contains(part), "{rule}: {part:?} in {text}");
        }
    };
    // TG104: only StopLogging is missed (the other four CloudTrail changes are caught by the
    // typo'd filter, CloudTrailChanges, and alarmed); no filter catches it, that filter included.
    says(
        "TG104",
        "CloudTrail configuration changes",
        &[
            "StopLogging (tg104-stoplogging): no metric filter on log group CloudTrail/monitoring \
             catches it — filters ",
            "CloudTrailChanges",
            " miss it; no EventBridge rule catches it",
        ],
        &[
            "CreateTrail",
            "UpdateTrail",
            "DeleteTrail",
            "StartLogging (",
            "alarm",
            "topic",
        ],
    );
    // TG102: the filter catches every root record, but its alarm has no action. IAM's events
    // reach EventBridge in us-east-1 only, so that is where a rule was missed for CreateAccessKey.
    says(
        "TG102",
        "root user usage",
        &[
            "ConsoleLogin (tg102-consolelogin-root)",
            "CreateAccessKey (tg102-root-createaccesskey)",
            "DescribeRegions (tg102-root-cli-describeregions)",
            "filter RootAccountUsage on log group CloudTrail/monitoring catches them, but alarm \
             RootAccountUsage has no action; no EventBridge rule catches them",
            "filter RootAccountUsage on log group CloudTrail/monitoring catches it, but alarm \
             RootAccountUsage has no action; no EventBridge rule catches it in us-east-1",
        ],
        &["topic", "confirmed"],
    );
    // TG106: filter and alarm work; the topic reaches nobody.
    says(
        "TG106",
        "disabling or scheduled deletion of customer managed KMS keys",
        &[
            "DisableKey (tg106-disablekey), ScheduleKeyDeletion (tg106-schedulekeydeletion): \
             filter DisableOrDeleteCMK on log group CloudTrail/monitoring catches them, but topic \
             kms-key-alerts has no confirmed subscription; no EventBridge rule catches them",
        ],
        &["has no action"],
    );
    // TG109: every security group change, caught in eu-west-1 only.
    says(
        "TG109",
        "security group changes",
        &[
            "AuthorizeSecurityGroupIngress (tg109-authorizesecuritygroupingress)",
            "AuthorizeSecurityGroupEgress (tg109-authorizesecuritygroupegress)",
            "RevokeSecurityGroupIngress (tg109-revokesecuritygroupingress)",
            "RevokeSecurityGroupEgress (tg109-revokesecuritygroupegress)",
            "CreateSecurityGroup (tg109-createsecuritygroup)",
            "DeleteSecurityGroup (tg109-deletesecuritygroup)",
            "no metric filter on log group CloudTrail/monitoring catches them",
            "EventBridge rule security-group-changes covers eu-west-1 only (us-east-1 has none)",
        ],
        &["topic", "alarm"],
    );
    let tg120 = message("TG120");
    assert!(
        tg120.starts_with("Account 123456789012: AWS Config is not recording in eu-west-1 (")
            && tg120.contains("stopped")
            && !tg120.contains("us-east-1"),
        "{tg120}"
    );
    let tg090 = message("TG090");
    for region in ["eu-west-1", "us-east-1"] {
        assert!(
            tg090.contains(&format!(
                "config:DescribeDeliveryChannelStatus (InvalidAction) in {region}"
            )),
            "{tg090}"
        );
    }

    // The broken links, as the snapshot records them.
    let s = read_json(&snapshot);
    assert_eq!(
        s["gaps"],
        json!([
            moto_channel_status_gap("123456789012", "eu-west-1"),
            moto_channel_status_gap("123456789012", "us-east-1"),
        ])
    );
    let group_arn = seed["log_group_arn"].as_str().unwrap();
    assert_eq!(
        s["trails"][trail]["CloudWatchLogsLogGroupArn"],
        format!("{group_arn}:*")
    );
    let filters = s["log_groups"][group_arn]["MetricFilters"]
        .as_array()
        .unwrap();
    assert_eq!(filters.len(), 15, "every control but TG109");
    let filter = |name: &str| {
        filters
            .iter()
            .find(|f| f["FilterName"] == name)
            .unwrap_or_else(|| panic!("no filter {name}: {filters:#?}"))
    };
    let typo = filter("CloudTrailChanges")["FilterPattern"]
        .as_str()
        .unwrap();
    assert!(
        typo.contains("($.eventName=StopLoging)") && !typo.contains("StopLogging"),
        "{typo}"
    );
    assert!(filters
        .iter()
        .all(|f| f["FilterName"] != "SecurityGroupChanges"));
    let alarm = |name: &str| {
        let arns = &filter(name)["MetricTransformations"][0]["AlarmArns"];
        assert_eq!(arns.as_array().unwrap().len(), 1, "{name}: {arns}");
        &s["alarms"][arns[0].as_str().unwrap()]
    };
    let root = alarm("RootAccountUsage");
    assert_eq!(
        (&root["ActionsEnabled"], &root["AlarmActions"]),
        (&json!(true), &json!([]))
    );
    let topics = &seed["topics"];
    assert_eq!(
        alarm("DisableOrDeleteCMK")["AlarmActions"],
        json!([topics["kms-key-alerts"]])
    );
    assert_eq!(
        alarm("UnauthorizedAPICalls")["AlarmActions"],
        json!([topics["cis-alarms"]])
    );
    // moto confirms email subscriptions at once; AWS lists them as pending until the link in the
    // email is followed (moto_server.py patch j).
    assert_eq!(
        s["topics"][topics["kms-key-alerts"].as_str().unwrap()]["Subscriptions"],
        json!([{
            "SubscriptionArn": "PendingConfirmation",
            "Protocol": "email",
            "Endpoint": "security@example.com",
            "Confirmed": false,
        }])
    );
    for name in ["cis-alarms", "security-group-alerts"] {
        let subscriptions = &s["topics"][topics[name].as_str().unwrap()]["Subscriptions"];
        assert_eq!(subscriptions[0]["Protocol"], "sqs", "{name}");
        assert_eq!(subscriptions[0]["Confirmed"], true, "{name}");
    }
    let monitoring = &s["accounts"]["123456789012"]["Monitoring"];
    assert_eq!(monitoring["us-east-1"]["EventRules"], json!([]));
    let rules = monitoring["eu-west-1"]["EventRules"].as_array().unwrap();
    assert_eq!(rules.len(), 1, "{rules:#?}");
    assert_eq!(rules[0]["Arn"], seed["event_rule_arn"]);
    assert_eq!(rules[0]["State"], "ENABLED");
    assert_eq!(
        rules[0]["Targets"],
        json!([{"Id": "notify", "Arn": topics["security-group-alerts"]}])
    );
    for (region, recording) in [("us-east-1", true), ("eu-west-1", false)] {
        let config = &monitoring[region]["Config"];
        assert_eq!(config["Recorders"][0]["Name"], "default", "{region}");
        assert_eq!(
            config["RecorderStatuses"][0]["Recording"], recording,
            "{region}"
        );
        assert_eq!(
            config["DeliveryChannels"][0]["S3BucketName"], seed["config_bucket"],
            "{region}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Beyond one machine (issue 5): `trailguard accounts`, and an organisation collected in shards.

/// The organisation scenario's accounts, sorted by id: (id, facts from ListAccounts).
fn organisation_accounts(seed: &Value) -> Vec<(String, Value)> {
    let mut accounts: Vec<(String, Value)> = seed["accounts"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, facts)| (id.clone(), facts.clone()))
        .collect();
    accounts.sort_by(|a, b| a.0.cmp(&b.0));
    accounts
}

fn active(accounts: &[(String, Value)]) -> Vec<(String, Value)> {
    accounts
        .iter()
        .filter(|(_, facts)| facts["state"] == "ACTIVE")
        .cloned()
        .collect()
}

/// `trailguard accounts` lists the organisation (moto, paginated) in each format, sorted by id,
/// ACTIVE accounts unless asked otherwise; the management account and a delegated administrator
/// may list it, another member may not.
#[test]
fn accounts_lists_the_organisation_as_lines_json_and_a_shard_matrix() {
    let moto = Moto::start();
    let seed = moto.seed(&["organization"]);
    let all = organisation_accounts(&seed);
    let active = active(&all);
    assert_eq!((all.len(), active.len()), (6, 5), "{seed}");
    let management = seed["management_account"].as_str().unwrap();

    // Text: `ID<TAB>NAME`, for shell loops; the closed account is left out and said so.
    let run = moto.trailguard(&["accounts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: String = active
        .iter()
        .map(|(id, facts)| format!("{id}\t{}\n", facts["name"].as_str().unwrap()))
        .collect();
    assert_eq!(run.stdout, lines);
    assert_eq!(
        run.stderr,
        "listed 5 accounts; 1 account that is not ACTIVE left out (--include-suspended lists it)\n"
    );
    // A delegated administrator sees the same organisation.
    let key = &seed["delegated_admin_key"];
    let run = moto.trailguard_as(
        &["accounts", "-q"],
        (
            key["access_key_id"].as_str().unwrap(),
            key["secret_access_key"].as_str().unwrap(),
        ),
    );
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, lines.as_str(), "")
    );

    // JSON, every state, through pages of two accounts (three ListAccounts calls).
    let run = moto.trailguard(&[
        "accounts",
        "--format",
        "json",
        "--include-suspended",
        "--page-size",
        "2",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = Value::Array(
        all.iter()
            .map(|(id, facts)| {
                json!({
                    "id": id,
                    "name": facts["name"],
                    "email": facts["email"],
                    "arn": facts["arn"],
                    "state": facts["state"],
                })
            })
            .collect(),
    );
    assert_eq!(
        run.stdout,
        format!("{}\n", serde_json::to_string_pretty(&expected).unwrap())
    );
    assert_eq!(run.stderr, "listed 6 accounts\n");

    // The matrix: one line, shards of at most two consecutive accounts, the role ARNs to pass
    // to `collect --role-arn`; written atomically to -o, nothing on stdout.
    let matrix_file = moto.dir().join("matrix.json");
    let run = moto.trailguard(&[
        "accounts",
        "--format",
        "matrix",
        "--shard-size",
        "2",
        "--role-name",
        "trailguard-audit",
        "-o",
        matrix_file.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "listed 5 accounts in 3 shards; 1 account that is not ACTIVE left out \
         (--include-suspended lists it)\n"
    );
    let ids: Vec<&str> = active.iter().map(|(id, _)| id.as_str()).collect();
    let arn = |id: &str| format!("arn:aws:iam::{id}:role/trailguard-audit");
    let shard = |n: usize, ids: &[&str]| {
        json!({
            "shard": n,
            "accounts": ids.join(" "),
            "role_arns": ids.iter().map(|id| arn(id)).collect::<Vec<_>>().join(" "),
        })
    };
    let expected = json!({"include": [
        shard(1, &ids[0..2]),
        shard(2, &ids[2..4]),
        shard(3, &ids[4..5]),
    ]});
    let text = std::fs::read_to_string(&matrix_file).unwrap();
    assert_eq!(
        text,
        format!("{}\n", serde_json::to_string(&expected).unwrap())
    );
    // Without a size, the matrix has shards of ten: here one.
    let run = moto.trailguard(&["accounts", "--format", "matrix", "-q"]);
    assert_eq!(
        run.stdout,
        format!(
            "{}\n",
            serde_json::to_string(&json!({"include": [{"shard": 1, "accounts": ids.join(" ")}]}))
                .unwrap()
        )
    );

    // Text with shards and role ARNs: `SHARD<TAB>ID<TAB>ROLE_ARN<TAB>NAME`, the management
    // account excluded; an --exclude that names no account is warned about.
    let run = moto.trailguard(&[
        "accounts",
        "--shards",
        "2",
        "--role-name",
        "audit/trailguard",
        "--exclude",
        management,
        "--exclude",
        "000000000000",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let members: Vec<&(String, Value)> = active.iter().filter(|(id, _)| id != management).collect();
    assert_eq!(members.len(), 4);
    let lines: String = members
        .iter()
        .enumerate()
        .map(|(i, (id, facts))| {
            format!(
                "{}\t{id}\tarn:aws:iam::{id}:role/audit/trailguard\t{}\n",
                i / 2 + 1,
                facts["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(run.stdout, lines);
    assert_eq!(
        run.stderr,
        "warning: --exclude 000000000000: no account of the organisation has this id\n\
         listed 4 accounts in 2 shards; 1 account that is not ACTIVE left out \
         (--include-suspended lists it), 1 excluded\n"
    );

    // Another member account may not list the organisation: one paragraph with the hint.
    let key = &seed["member_key"];
    let out = moto.dir().join("denied.txt");
    let run = moto.trailguard_as(
        &["accounts", "-o", out.to_str().unwrap()],
        (
            key["access_key_id"].as_str().unwrap(),
            key["secret_access_key"].as_str().unwrap(),
        ),
    );
    let member = seed["members"]["workload-dev"].as_str().unwrap();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "error: AWS denied organizations:ListAccounts to arn:aws:iam::{member}:user/lister: \
             You don't have permissions to access this resource.\n  hint: listing accounts \
             needs organizations:ListAccounts, which AWS allows only in the organisation's \
             management account or a delegated administrator account; run with credentials of \
             a role there that grants it (`trailguard permissions` is the policy for `collect` \
             in each account, and does not include it)\n"
        )
    );
    assert!(!out.exists());
}

/// Outside an organisation, with the endpoint down, without credentials, or with a role name
/// IAM would refuse: one paragraph, exit 2, nothing written.
#[test]
fn accounts_errors_are_one_paragraph_and_write_nothing() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("accounts.json");
    let out_arg = out.to_str().unwrap();

    let run = moto.trailguard(&["accounts", "--format", "matrix", "-o", out_arg]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: account 123456789012 does not belong to an AWS organisation \
         (AWSOrganizationsNotInUseException): Your account is not a member of an organization.\n  \
         hint: run with credentials of the organisation's management account or a delegated \
         administrator; to scan accounts without an organisation, pass their roles to \
         `trailguard collect --role-arn ARN ...` directly\n"
    );

    let endpoint = format!("http://127.0.0.1:{}", free_port());
    let keys = [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
    ];
    let run = aws_trailguard(
        &["accounts", "--endpoint-url", &endpoint, "-o", out_arg],
        &keys,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(&format!(
            "error: cannot reach the AWS endpoint {endpoint}: "
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Connection refused"), "{}", run.stderr);

    let run = aws_trailguard(&["accounts", "-o", out_arg], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("error: no AWS credentials: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint: "), "{}", run.stderr);

    let run = aws_trailguard(&["accounts", "--role-name", "trail guard"], &keys);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: --role-name \"trail guard\" is not an IAM role name (letters, digits and \
         +=,.@_-, optionally after a path such as audit/)\n"
    );

    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temp file left"
    );
}

/// (rule, resource, message) of every finding of `trailguard eval --format json FILES`.
fn eval_findings(moto: &Moto, files: &[&Path]) -> BTreeSet<(String, String, String)> {
    let mut args = vec!["eval", "--format", "json"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let run = aws_trailguard(&args, &[]);
    assert_eq!(run.code, 0, "{}\nmoto:\n{}", run.stderr, moto.log());
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The organisation workflow end to end: `trailguard accounts --format matrix` shards the
/// organisation, each shard is collected on its own (`collect --role-arn` per account of the
/// shard), and `eval` of the shard snapshots together gives exactly the findings of one
/// snapshot of every account, the organisation's SCPs included (read by the management
/// account's shard; the others may not read them). The central log bucket is in a shard of its own, apart from the
/// trails that write to it, whose accounts cannot read it: its findings come from its owner's
/// shard, and the other shards' gaps about it do not survive the merge.
#[test]
fn an_organisation_collected_in_shards_judges_like_one_snapshot_of_all_accounts() {
    let moto = Moto::start();
    let seed = moto.seed(&["organization"]);
    moto.lock_cross_account();
    let dir = moto.dir();
    let bucket = seed["bucket"].as_str().unwrap();
    let log_archive = seed["members"]["Log Archive"].as_str().unwrap();
    let management = seed["management_account"].as_str().unwrap();
    let workload = seed["members"]["workload-prod"].as_str().unwrap();

    let run = moto.trailguard(&[
        "accounts",
        "--format",
        "matrix",
        "--shards",
        "3",
        "--role-name",
        "trailguard-audit",
        "-q",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let matrix: Value = serde_json::from_str(&run.stdout).unwrap();
    let shards = matrix["include"].as_array().unwrap();
    assert_eq!(shards.len(), 3, "{matrix}");
    let shard_of = |account: &str| {
        shards
            .iter()
            .position(|s| {
                s["accounts"]
                    .as_str()
                    .unwrap()
                    .split(' ')
                    .any(|a| a == account)
            })
            .unwrap()
    };
    // The join has to cross shards: the bucket's owner is apart from both trails' accounts.
    assert_ne!(shard_of(log_archive), shard_of(management), "{matrix}");
    assert_ne!(shard_of(log_archive), shard_of(workload), "{matrix}");

    let collect = |role_arns: Vec<&str>, out: &Path| {
        let mut args = vec![
            "collect",
            "--region",
            "us-east-1",
            "-q",
            "-o",
            out.to_str().unwrap(),
        ];
        for arn in role_arns {
            args.extend(["--role-arn", arn]);
        }
        let run = moto.trailguard(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
    };
    let mut shard_files = Vec::new();
    for shard in shards {
        let file = dir.join(format!("shard-{}.json", shard["shard"]));
        collect(
            shard["role_arns"].as_str().unwrap().split(' ').collect(),
            &file,
        );
        shard_files.push(file);
    }
    let every_role: Vec<&str> = shards
        .iter()
        .flat_map(|s| s["role_arns"].as_str().unwrap().split(' '))
        .collect();
    assert_eq!(every_role.len(), 5);
    let single = dir.join("all.json");
    collect(every_role, &single);

    // The trails' shards could not read the central bucket; its owner's shard read it whole.
    let management_shard = read_json(&shard_files[shard_of(management)]);
    assert!(
        management_shard["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["Resource"] == bucket && g["ErrorCode"] == "AccessDenied"),
        "{management_shard}"
    );
    // Log Archive's shard, without the management account, may not read the organisation's
    // tree and SCPs: one gap (unless a delegated administrator in the shard read them). Beside
    // it, every shard has moto's missing DescribeDeliveryChannelStatus (moto_server.py patch k)
    // once for each of its accounts.
    let organization = seed["organization_id"].as_str().unwrap();
    let log_archive_shard = read_json(&shard_files[shard_of(log_archive)]);
    let moto_gaps = |shard: &Value| -> Vec<Value> {
        let mut accounts: Vec<&str> = shard["accounts"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        accounts.sort_unstable();
        accounts
            .iter()
            .map(|a| moto_channel_status_gap(a, "us-east-1"))
            .collect()
    };
    let without_moto_gaps = |shard: &Value| -> Vec<Value> {
        let moto = moto_gaps(shard);
        let gaps = shard["gaps"].as_array().unwrap();
        for gap in &moto {
            assert!(gaps.contains(gap), "{gap} missing from {gaps:#?}");
        }
        gaps.iter().filter(|g| !moto.contains(g)).cloned().collect()
    };
    let denied_tree = without_moto_gaps(&log_archive_shard);
    for gap in &denied_tree {
        assert_eq!(
            (&gap["Operation"], &gap["Resource"], &gap["ErrorCode"]),
            (
                &json!("ListRoots"),
                &json!(organization),
                &json!("AccessDeniedException")
            ),
            "{log_archive_shard}"
        );
    }
    // A shard with the management account or the delegated administrator reads them whole,
    // whichever of its accounts comes first.
    let delegated = seed["members"]["Security Tooling"].as_str().unwrap();
    for account in [management, delegated] {
        let shard = read_json(&shard_files[shard_of(account)]);
        let about_organization = shard["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["Resource"] == organization)
            .count();
        assert_eq!(about_organization, 0, "{account}: {}", shard["gaps"]);
        assert!(
            shard["organizations"][organization]["Root"].is_object(),
            "{account}: {}",
            shard["organizations"]
        );
    }
    // The single snapshot has no gap but moto's missing DescribeDeliveryChannelStatus, once per
    // account; it holds the organisation's tree and SCPs, read by the management account.
    let all = read_json(&single);
    assert_eq!(all["accounts"].as_object().unwrap().len(), 5);
    assert_eq!(all["gaps"], json!(moto_gaps(&all)));
    let org = &all["organizations"][organization];
    let security = seed["security_ou"].as_str().unwrap();
    assert_eq!(org["Root"]["Id"], seed["root_id"], "{org}");
    let mut types: Vec<&str> = org["Root"]["PolicyTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    types.sort();
    assert_eq!(types, ["RESOURCE_CONTROL_POLICY", "SERVICE_CONTROL_POLICY"]);
    assert_eq!(org["Parents"][log_archive], json!(security));
    assert_eq!(org["Parents"][workload], seed["root_id"]);
    let scp = &org["ServiceControlPolicies"][seed["scp_id"].as_str().unwrap()];
    assert_eq!(scp["Content"], seed["scp_content"]);
    assert_eq!(scp["Targets"], json!([security]));
    let rcp = &org["ResourceControlPolicies"][seed["rcp_id"].as_str().unwrap()];
    assert_eq!(rcp["Content"], seed["rcp_content"]);
    assert_eq!(rcp["Targets"], json!([security]));

    let one = eval_findings(&moto, &[&single]);
    let files: Vec<&Path> = shard_files.iter().map(|f| f.as_path()).collect();
    let merged = eval_findings(&moto, &files);
    assert_eq!(merged, one);
    // Not vacuous: account-wide, trail and central-bucket findings, the bucket's judged from its
    // owner's read (versioning, policy), and no gap.
    let rules_on = |resource: &str| -> BTreeSet<&str> {
        one.iter()
            .filter(|(_, r, _)| r == resource)
            .map(|(rule, _, _)| rule.as_str())
            .collect()
    };
    let bucket_arn = format!("arn:aws:s3:::{bucket}");
    assert!(
        ["TG033", "TG037", "TG040"]
            .iter()
            .all(|rule| rules_on(&bucket_arn).contains(rule)),
        "{one:#?}"
    );
    assert!(rules_on(seed["workload_trail_arn"].as_str().unwrap()).contains("TG020"));
    assert!(rules_on(&format!("AWS::::Account:{log_archive}")).contains("TG009"));
    // TG090 only for moto's missing DescribeDeliveryChannelStatus, on each account.
    let tg090: BTreeSet<&str> = one
        .iter()
        .filter(|(rule, _, _)| rule == "TG090")
        .map(|(_, resource, message)| {
            assert!(
                message.contains("config:DescribeDeliveryChannelStatus (InvalidAction)")
                    && message.ends_with("; TG122 cannot judge it"),
                "{message}"
            );
            resource.as_str()
        })
        .collect();
    let accounts: BTreeSet<String> = all["accounts"]
        .as_object()
        .unwrap()
        .keys()
        .map(|a| account_resource(a))
        .collect();
    assert_eq!(
        tg090,
        accounts.iter().map(String::as_str).collect::<BTreeSet<_>>()
    );

    // The RCP on Log Archive's OU keeps S3 to the organisation's principals and forgets AWS
    // services: CloudTrail's delivery of both trails to the central bucket would be refused
    // (TG041), each request by the RCP, the organisation trail's under both its paths. The
    // organisation's own principals are let through: no TG065 finding changes.
    let tg041: Vec<&String> = one
        .iter()
        .filter(|(rule, resource, _)| rule == "TG041" && *resource == bucket_arn)
        .map(|(_, _, message)| message)
        .collect();
    assert_eq!(tg041.len(), 1, "{one:#?}");
    let refused = r#"RCP data-perimeter statement "EnforceOrgIdentities" denies it"#;
    let management = seed["management_account"].as_str().unwrap();
    for part in [
        format!("s3:PutObject under AWSLogs/{management}/: {refused}"),
        format!("s3:PutObject under AWSLogs/{organization}/{management}/: {refused}"),
        format!("s3:PutObject under AWSLogs/{workload}/: {refused}"),
        format!("s3:GetBucketAcl on the bucket: {refused}"),
        seed["org_trail_arn"].as_str().unwrap().to_string(),
        seed["workload_trail_arn"].as_str().unwrap().to_string(),
    ] {
        assert!(tg041[0].contains(&part), "{part}: {}", tg041[0]);
    }
    assert_eq!(tg041[0].matches(refused).count(), 5, "{}", tg041[0]);
    // The SCP on Log Archive's OU forbids deleting the logs: its AdministratorAccess role is no
    // TG065 finding. workload-prod's, with no SCP of the kind, can stop its trail (TG063).
    let admin = |name: &str| seed["admin_role_arns"][name].as_str().unwrap().to_string();
    assert!(
        !one.iter()
            .any(|(rule, resource, _)| rule == "TG065" && *resource == admin("Log Archive")),
        "{one:#?}"
    );
    let tg063: Vec<&String> = one
        .iter()
        .filter(|(rule, resource, _)| rule == "TG063" && *resource == admin("workload-prod"))
        .map(|(_, _, message)| message)
        .collect();
    assert_eq!(tg063.len(), 1, "{one:#?}");
    assert!(!tg063[0].contains("unless"), "{}", tg063[0]);
    // Judged from Log Archive's shard alone, the SCPs are unknown: the role can delete the logs
    // "unless" an SCP denies it, and TG090 names the organisation.
    if !denied_tree.is_empty() {
        let alone = eval_findings(&moto, &[shard_files[shard_of(log_archive)].as_path()]);
        let tg065: Vec<&String> = alone
            .iter()
            .filter(|(rule, resource, _)| rule == "TG065" && *resource == admin("Log Archive"))
            .map(|(_, _, message)| message)
            .collect();
        assert_eq!(tg065.len(), 1, "{alone:#?}");
        assert!(
            tg065[0].ends_with(
                ", unless a resource control policy or a service control policy denies it"
            ),
            "{}",
            tg065[0]
        );
        assert!(alone.iter().any(|(rule, resource, _)| rule == "TG090"
            && resource.ends_with(&format!(":organization/{organization}"))));
    }
}

/// Issue 17: an organisation trail whose log group lives in an account that is not scanned
/// cannot be judged, and must not look like a log group without filters: the member account's
/// collection records a gap naming the owner (the calls name the group by name, which AWS would
/// resolve in the member's own account), the monitoring rules give no verdict, TG090 reports the
/// log group, and merging the owner's snapshot resolves both.
#[test]
fn an_organisation_trails_log_group_in_an_unscanned_account_is_a_gap_until_merged() {
    let moto = Moto::start();
    let seed = moto.seed(&["compliant"]);
    let group = "arn:aws:logs:eu-central-1:444444444444:log-group:org-audit-trail";
    let collect = |accounts: &[&str], name: &str| {
        let out = moto.dir().join(name);
        let mut args = vec!["collect", "--region", "eu-central-1", "-q", "-o"];
        args.push(out.to_str().unwrap());
        args.extend(role_args(&seed, accounts));
        let run = moto.trailguard(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        out
    };
    let member = collect(&[LOG_ACCOUNT], "member.json");
    let s = read_json(&member);
    assert_eq!(s["log_groups"][group]["AccountId"], TRAIL_ACCOUNT);
    assert!(
        s["log_groups"][group].get("MetricFilters").is_none(),
        "{}",
        s["log_groups"][group]
    );
    let gaps: Vec<&Value> = s["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["Resource"] == group)
        .collect();
    assert_eq!(gaps.len(), 1, "{gaps:#?}");
    assert_eq!(gaps[0]["ErrorCode"], "AccountNotScanned");
    assert_eq!(gaps[0]["AccountId"], LOG_ACCOUNT);
    assert!(gaps[0]["Message"]
        .as_str()
        .unwrap()
        .contains("belongs to account 444444444444, which is not scanned"));

    let alone = eval_findings(&moto, &[&member]);
    let tg090: Vec<&(String, String, String)> = alone
        .iter()
        .filter(|(rule, resource, _)| rule == "TG090" && resource == group)
        .collect();
    assert_eq!(tg090.len(), 1, "{alone:#?}");
    assert!(tg090[0].2.contains("log group"), "{}", tg090[0].2);
    assert!(
        !alone
            .iter()
            .any(|(rule, _, _)| MONITORING_RULES.contains(&rule.as_str())),
        "no monitoring verdict on an unread log group: {alone:#?}"
    );

    let owner = collect(&[TRAIL_ACCOUNT], "owner.json");
    let merged = eval_findings(&moto, &[&member, &owner]);
    assert!(
        !merged
            .iter()
            .any(|(rule, resource, _)| (rule == "TG090" && resource == group)
                || MONITORING_RULES.contains(&rule.as_str())),
        "{merged:#?}"
    );
}
