//! Evaluation benchmark: `cargo bench -p trailguard --bench eval`.
//!
//! Generates snapshots of 1k, 10k and 100k resources (trails, their buckets and keys, spread over
//! accounts, with a realistic mix of misconfigurations) and prints, per size: JSON parse time,
//! conversion to the policy input, whole-catalogue evaluation on the RVM and on the interpreter,
//! locating findings plus writing SARIF, and the process's peak memory so far.
//! `TG_BENCH_SIZES=1000,10000` picks other sizes.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // A benchmark: fail loudly.

use serde_json::json;
use std::time::{Duration, Instant};
use trailguard_engine::{builtin_sources, snapshot_value, Backend, Params, PolicyEngine};
use trailguard_report::{render, Format, Options};
use trailguard_snapshot::{Snapshot, SnapshotFile};

/// Three resources per unit: a trail, its bucket, its key.
fn generate(resources: usize) -> String {
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
    typed.to_json_pretty()
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let value = f();
        best = best.min(started.elapsed());
        last = Some(value);
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

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run a tiny size then.
    let benching = std::env::args().any(|a| a == "--bench");
    let sizes: Vec<usize> = match std::env::var("TG_BENCH_SIZES") {
        Ok(s) => s.split(',').filter_map(|n| n.trim().parse().ok()).collect(),
        Err(_) if benching => vec![1_000, 10_000, 100_000],
        Err(_) => vec![300],
    };
    let runs = if benching { 3 } else { 1 };
    let (compile_time, engine) = best_of(runs, || {
        PolicyEngine::new(&builtin_sources(), &Params::default()).unwrap()
    });
    println!(
        "policies: {} rules compiled in {} ms ({} on the interpreter: {:?})",
        engine.rules().len(),
        ms(compile_time).trim(),
        engine.interpreted_rules().len(),
        engine.interpreted_rules()
    );
    println!(
        "{:>9} {:>9} | {:>9} {:>9} {:>9} {:>9} {:>9} | {:>8} {:>6} {:>9}",
        "resources",
        "MiB json",
        "parse ms",
        "input ms",
        "rvm ms",
        "interp ms",
        "sarif ms",
        "findings",
        "x",
        "peak MiB"
    );
    let dir = tempfile::tempdir().unwrap();
    for size in sizes {
        let text = generate(size);
        let path = dir.path().join(format!("snapshot-{size}.json"));
        std::fs::write(&path, &text).unwrap();
        let (parse, snapshot) = best_of(runs, || Snapshot::from_json(&text).unwrap());
        let (convert, input) = best_of(runs, || snapshot_value(&snapshot));
        let (rvm, findings) = best_of(runs, || {
            engine.evaluate_value(&input, Backend::Rvm).unwrap()
        });
        let (interp, _) = best_of(runs, || {
            engine.evaluate_value(&input, Backend::Interpreter).unwrap()
        });
        let file = SnapshotFile {
            path: path.clone(),
            text: text.clone(),
            snapshot: snapshot.clone(),
        };
        let options = Options {
            color: false,
            tool_version: "bench".into(),
        };
        let (sarif, _) = best_of(runs, || {
            let evaluation = engine
                .evaluate_files(std::slice::from_ref(&file), dir.path(), Backend::Rvm)
                .unwrap();
            render(&evaluation, Format::Sarif, &options).unwrap()
        });
        // evaluate_files evaluates again: subtract the RVM time to show locating + writing alone.
        let sarif_only = sarif.saturating_sub(rvm + convert);
        let ratio = (convert + rvm).as_secs_f64() / parse.as_secs_f64();
        println!(
            "{:>9} {:>9.1} | {} {} {} {} {} | {:>8} {:>6.2} {:>9.0}",
            size,
            text.len() as f64 / (1024.0 * 1024.0),
            ms(parse),
            ms(convert),
            ms(rvm),
            ms(interp),
            ms(sarif_only),
            findings.len(),
            ratio,
            peak_rss_mib()
        );
    }
    println!("x = (input + rvm) / parse; target: <= 2 at 100k resources");
}
