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
    assert_eq!(findings(&run.stdout), BTreeSet::new(), "{}", run.stdout);

    let s = read_json(&snapshot);
    let trail = seed["trail_arn"].as_str().unwrap();
    let bucket = seed["bucket"].as_str().unwrap();
    let key = seed["kms_key_arn"].as_str().unwrap();
    assert_eq!(s["gaps"], json!([]));
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
    let want = expected(&[
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
        ("TG060", "arn:aws:iam::123456789012:user/ops-admin"),
        ("TG061", "arn:aws:iam::123456789012:user/ops-admin"),
    ]);
    assert_eq!(findings(&run.stdout), want);
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
    assert_eq!(s["gaps"], json!([]));
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
    assert_eq!(
        findings(&run.stdout),
        expected(&[("TG090", &bucket_arn), ("TG090", key)])
    );
    let s = read_json(&snapshot);
    let gaps = s["gaps"].as_array().unwrap();
    let bucket_gaps: Vec<&Value> = gaps.iter().filter(|g| g["Resource"] == bucket).collect();
    assert_eq!(bucket_gaps.len(), 10, "every bucket read failed: {gaps:#?}");
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

    // With the log archive account scanned too, its bucket and key are read by their owner.
    let mut args = vec!["scan", "--region", "eu-central-1", "--format", "json", "-q"];
    args.extend(role_args(&seed, &[TRAIL_ACCOUNT, LOG_ACCOUNT]));
    let run = moto.trailguard(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(findings(&run.stdout), BTreeSet::new());
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
    assert!(
        run.stderr.contains("warning: 3 calls failed"),
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
    assert_eq!(notifications.len(), 3);
    let bucket = "arn:aws:s3:::denied-trail-logs";
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
    assert_eq!(
        results,
        expected(&[
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
            ("TG009", "AWS::::Account:123456789012"),
            // The auditor's own policy allows "*" but three read actions: it could blind the
            // trail, and the least-privilege rules say so.
            ("TG063", "arn:aws:iam::123456789012:user/auditor"),
            ("TG065", "arn:aws:iam::123456789012:user/auditor"),
            ("TG066", "arn:aws:iam::123456789012:user/auditor"),
        ])
    );
    // Each gap weighs as much as the worst rule it blinds: the bucket policy (TG030, critical)
    // and the event selectors (TG002, high) are errors, the key rotation (TG022) a warning.
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
        expected(&[(bucket, "error"), (trail, "error"), (key, "warning")])
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
/// every one (the organisation's tree and policies are read only in its management account).
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
            "user deployer in account 123456789012 can stop, delete or reconfigure trail main \
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
            "user cleaner in account 123456789012 can delete the CloudTrail logs in bucket \
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
    // tree and SCPs: one gap (unless a delegated administrator in the shard read them).
    let organization = seed["organization_id"].as_str().unwrap();
    let log_archive_shard = read_json(&shard_files[shard_of(log_archive)]);
    for gap in log_archive_shard["gaps"].as_array().unwrap() {
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
    assert_eq!(read_json(&single)["gaps"], json!([]));
    // The single snapshot holds the organisation's tree and SCPs, read by the management account.
    let all = read_json(&single);
    let org = &all["organizations"][organization];
    let security = seed["security_ou"].as_str().unwrap();
    assert_eq!(org["Root"]["Id"], seed["root_id"], "{org}");
    assert_eq!(
        org["Root"]["PolicyTypes"],
        json!(["SERVICE_CONTROL_POLICY"])
    );
    assert_eq!(org["Parents"][log_archive], json!(security));
    assert_eq!(org["Parents"][workload], seed["root_id"]);
    assert_eq!(org["ResourceControlPolicies"], Value::Null);
    let scp = &org["ServiceControlPolicies"][seed["scp_id"].as_str().unwrap()];
    assert_eq!(scp["Content"], seed["scp_content"]);
    assert_eq!(scp["Targets"], json!([security]));

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
    assert!(!one.iter().any(|(rule, _, _)| rule == "TG090"), "{one:#?}");

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
    if !log_archive_shard["gaps"].as_array().unwrap().is_empty() {
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
