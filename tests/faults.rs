//! Faults injected between the collector and the AWS emulator.
//!
//! `trailguard collect` runs against a moto server (tests/common/moto.rs) seeded with the
//! smallest scenario that reaches every service the collector reads (`bench 1`: one trail, its
//! log bucket and KMS key, a small IAM), through the loopback fault proxy of
//! tests/common/fault_proxy.rs. Each case gives the proxy a fault plan and checks:
//!
//! - transient faults (throttling of each shape, resets, timeouts, truncated bodies) on one
//!   operation per service are retried: the snapshot equals a clean run's, with no gap (but
//!   moto's missing DescribeDeliveryChannelStatus, which every run has), after exactly one more
//!   attempt than the faults injected, every other call made once;
//! - a persistent fault on one operation is recorded as one gap with the code of its kind, the
//!   rest of the snapshot equals the clean run's, the call was attempted `--max-attempts` times,
//!   `collect` exits 0 (SPEC 7), `eval` reports the gap (TG090) instead of a pass, and a re-run
//!   without the fault gives the clean snapshot again;
//! - a fault that makes collection impossible (STS unreachable, or throttling on every attempt)
//!   is one clear error naming the cause, exit 2, the existing output file untouched and no
//!   temporary file left;
//! - Ctrl-C during collection exits 130 at once with nothing written (a Ctrl-C after the
//!   collection, during the write, is crates/trailguard-collect/tests/interrupt.rs's part).
//!
//! The clean run goes to moto; the faulted runs replay its answers (the proxy's recording), so
//! they are fast and see the same data. Volatile fields (the collection time, and the delivery
//! time moto reports as "now") are removed before snapshots are compared.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;
#[path = "common/fault_proxy.rs"]
#[allow(dead_code)] // The replay mode is the benchmark's.
mod fault_proxy;

use common::moto::{aws_command, aws_trailguard, Moto};
use common::{findings, Run};
use fault_proxy::{Fault, FaultProxy, Rule};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// `--max-attempts` of every run: small, so persistent faults end in seconds.
const MAX_ATTEMPTS: usize = 3;
const MAX_ATTEMPTS_FLAG: &str = "3";
/// `--timeout` (seconds per attempt) of runs answered from a recording: small, so hangs end in
/// seconds, yet far above the time a replayed answer takes, even on a loaded machine.
const TIMEOUT: &str = "5";
/// `--timeout` of runs answered by moto, whose GetAccountAuthorizationDetails (with AWS's 1,500
/// managed policies) takes seconds.
const MOTO_TIMEOUT: &str = "60";
/// Attempts of sts:GetCallerIdentity, the call that opens a collection (sdk.rs).
const IDENTITY_ATTEMPTS: usize = 2;
/// How long a hung request stays open at most (the client gives up long before).
const HANG: Duration = Duration::from_secs(60);
const REGION: &str = "us-east-1";

/// One runtime for every proxy of the test binary.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

fn proxy(moto: &Moto, latency: Duration) -> FaultProxy {
    runtime().block_on(FaultProxy::start(&moto.endpoint, latency))
}

fn collect_args<'a>(proxy_endpoint: &'a str, out: &'a Path, timeout: &'a str) -> Vec<&'a str> {
    assert_eq!(MAX_ATTEMPTS_FLAG, MAX_ATTEMPTS.to_string());
    vec![
        "collect",
        "--region",
        REGION,
        "--max-attempts",
        MAX_ATTEMPTS_FLAG,
        "--timeout",
        timeout,
        "-o",
        out.to_str().unwrap(),
        "--endpoint-url",
        proxy_endpoint,
    ]
}

const CREDENTIALS: &[(&str, &str)] = &[
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
];

/// `trailguard collect -o OUT` through a proxy that replays a recording.
fn collect(proxy: &FaultProxy, out: &Path) -> Run {
    let endpoint = proxy.endpoint();
    aws_trailguard(&collect_args(&endpoint, out, TIMEOUT), CREDENTIALS)
}

/// `trailguard collect -o OUT` through a proxy that forwards to moto.
fn collect_from_moto(proxy: &FaultProxy, out: &Path) -> Run {
    let endpoint = proxy.endpoint();
    aws_trailguard(&collect_args(&endpoint, out, MOTO_TIMEOUT), CREDENTIALS)
}

/// The gap of every collection against moto: moto 5.2.5 does not implement
/// config:DescribeDeliveryChannelStatus, and moto_server.py (patch k) makes it fail at once with
/// `InvalidAction` (once per account and region; here one of each).
fn moto_channel_status_gap(account: &str) -> Value {
    serde_json::json!({
        "AccountId": account,
        "Service": "config",
        "Operation": "DescribeDeliveryChannelStatus",
        "Region": REGION,
        "Resource": account,
        "ErrorCode": "InvalidAction",
        "Message": "moto 5.2.5 does not implement DescribeDeliveryChannelStatus",
    })
}

/// The snapshot without the fields that change from run to run.
fn stable(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut snapshot: Value = serde_json::from_str(&text).unwrap();
    let object = snapshot.as_object_mut().unwrap();
    assert!(object.remove("collected_at").is_some(), "{text}");
    // moto reports a delivery "now" on every GetTrailStatus of a logging trail.
    for trail in object["trails"].as_object_mut().unwrap().values_mut() {
        if let Some(status) = trail.get_mut("Status").and_then(Value::as_object_mut) {
            status.remove("LatestDeliveryTime");
        }
    }
    snapshot
}

/// JSON pointers where `a` and `b` differ: a key one of them lacks, or a different value.
fn differences(a: &Value, b: &Value, at: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                let path = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (x.get(key), y.get(key)) {
                    (Some(v), Some(w)) => differences(v, w, &path, out),
                    _ => out.push(path),
                }
            }
        }
        _ if a != b => out.push(at.to_string()),
        _ => {}
    }
}

/// A pointer to `key` of the object `parent` of the snapshot (`/kms_keys/ARN`, "KeyRotationEnabled").
fn pointer(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// `.trailguard-*.tmp` files left in a directory by an atomic write.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".trailguard-") || n.ends_with(".tmp"))
        .collect()
}

/// A seeded moto and the snapshot of a clean collection through a fault-free proxy.
struct World {
    moto: Moto,
    /// The proxy of the clean run: it recorded moto's answers.
    recorder: FaultProxy,
    clean: Value,
    /// Requests of each operation in a clean run.
    clean_attempts: std::collections::HashMap<String, usize>,
    account: String,
    trail: String,
    bucket: String,
    key: String,
}

fn world() -> World {
    let moto = Moto::start();
    moto.seed(&["bench", "1"]);
    let proxy = proxy(&moto, Duration::ZERO);
    let out = moto.dir().join("clean.json");
    let run = collect_from_moto(&proxy, &out);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let clean = stable(&out);
    let first = |what: &str| -> String {
        let map = clean[what].as_object().unwrap();
        assert_eq!(map.len(), 1, "{what}: {map:?}");
        map.keys().next().unwrap().clone()
    };
    let account = first("accounts");
    // No gap but moto's missing operation (patch k).
    assert_eq!(
        clean["gaps"],
        serde_json::json!([moto_channel_status_gap(&account)]),
        "{clean}"
    );
    World {
        account,
        trail: first("trails"),
        bucket: first("buckets"),
        key: first("kms_keys"),
        clean_attempts: proxy.all_attempts(),
        recorder: proxy,
        clean,
        moto,
    }
}

impl World {
    /// A proxy that answers with the clean run's responses from moto.
    fn replaying(&self) -> FaultProxy {
        let replaying = proxy(&self.moto, Duration::ZERO);
        replaying.replay_from(&self.recorder);
        replaying
    }
}

/// Runs the cases on `workers` threads at a time; each gets its own proxy.
fn in_parallel<C: Sync>(cases: &[C], workers: usize, run: impl Fn(&C) + Sync) {
    for chunk in cases.chunks(workers) {
        std::thread::scope(|s| {
            for case in chunk {
                s.spawn(|| run(case));
            }
        });
    }
}

/// How many first requests of an operation a transient fault hits: the retry succeeds. (That
/// retries stop at `--max-attempts` is the persistent cases' part.)
const TRANSIENT: usize = 1;

#[test]
fn transient_faults_are_retried_and_the_snapshot_equals_a_clean_run() {
    let world = world();
    let hang = Fault::Hang(HANG);
    // One operation of every service (CloudTrail, KMS, IAM, STS, S3) per kind of fault, with
    // every protocol's throttling shape. Faults in the same round of calls share a run; rounds
    // run one after another, so those of round 3 (trail details, bucket, key) get runs of their
    // own: adaptive retry waits up to 20 s before retrying a throttled call.
    let runs: Vec<(&str, Vec<(&'static str, Fault)>)> = vec![
        (
            "throttling, rounds 1-2",
            vec![
                ("GetCallerIdentity", Fault::throttling_400("Throttling")),
                ("DescribeTrails", Fault::throttling_429()),
                (
                    "GetAccountAuthorizationDetails",
                    Fault::throttling_400("Throttling"),
                ),
            ],
        ),
        (
            "throttling, round 3",
            vec![
                ("GetKeyPolicy", Fault::throttling_400("ThrottlingException")),
                ("GetBucketPolicy", Fault::slow_down()),
                ("ListTags", Fault::throttling_429()),
            ],
        ),
        (
            "resets",
            vec![
                ("GetCallerIdentity", Fault::Reset),
                ("ListEntitiesForPolicy", Fault::Reset),
                ("GetTrailStatus", Fault::Reset),
                ("DescribeKey", Fault::Reset),
                ("GetBucketAcl", Fault::Reset),
            ],
        ),
        (
            "timeouts, rounds 1-2",
            vec![
                ("GetCallerIdentity", hang.clone()),
                ("GetAccountAuthorizationDetails", hang.clone()),
            ],
        ),
        (
            "timeouts, round 3",
            vec![
                ("ListTags", hang.clone()),
                ("GetKeyRotationStatus", hang.clone()),
                ("GetBucketLogging", hang),
            ],
        ),
        (
            "truncated bodies",
            vec![
                ("GetCallerIdentity", Fault::Truncate),
                ("DescribeTrails", Fault::Truncate),
                ("ListEntitiesForPolicy", Fault::Truncate),
                ("GetKeyPolicy", Fault::Truncate),
                ("GetBucketEncryption", Fault::Truncate),
            ],
        ),
    ];
    in_parallel(&runs, runs.len(), |(label, faults)| {
        let proxy = world.replaying();
        let plan = faults
            .iter()
            .map(|(op, fault)| {
                assert_eq!(
                    world.clean_attempts.get(*op),
                    Some(&1),
                    "{label}: the clean run calls {op} once"
                );
                Rule::first(TRANSIENT, op, fault.clone())
            })
            .collect();
        proxy.set_plan(plan);
        let out = world
            .moto
            .dir()
            .join(format!("transient-{}.json", proxy.port));
        let run = collect(&proxy, &out);
        assert_eq!(run.code, 0, "{label}: {}", run.stderr);
        let snapshot = stable(&out);
        let mut diff = Vec::new();
        // Gaps included: the clean run's one gap (moto's missing operation) and no other.
        differences(&world.clean, &snapshot, "", &mut diff);
        assert!(
            diff.is_empty(),
            "{label}: the snapshot differs from the clean run's at {diff:?}; gaps: {}",
            snapshot["gaps"]
        );
        // Every fault was retried, and not once more than needed.
        for (op, _) in faults {
            assert_eq!(
                proxy.attempts(op),
                TRANSIENT + 1,
                "{label}: attempts of {op}"
            );
        }
        // The other calls went once each.
        let mut others = proxy.all_attempts();
        others.retain(|op, _| !faults.iter().any(|(o, _)| o == op));
        let mut clean = world.clean_attempts.clone();
        clean.retain(|op, _| !faults.iter().any(|(o, _)| o == op));
        assert_eq!(others, clean, "{label}");
    });
}

/// A fault on every request of one operation, and what it must leave in the snapshot.
struct Persistent {
    operation: &'static str,
    fault: Fault,
    /// The gap's service and error code.
    service: &'static str,
    code: &'static str,
    /// The gap's resource.
    resource: String,
    /// The one value of the snapshot it leaves unknown (absent).
    unknown: String,
    /// The rules that need the unknown value (lib/trail.rego `operation_rules`): their findings
    /// may go, TG090 must name the first as one that cannot judge the resource.
    rules: &'static [&'static str],
    /// The resource of the TG090 finding.
    finding: String,
}

#[test]
fn persistent_faults_become_gaps_of_their_kind_and_the_rest_is_collected() {
    let world = world();
    let key = world.key.as_str();
    let bucket = world.bucket.as_str();
    let trail = world.trail.as_str();
    let account = world.account.as_str();
    let cases = [
        Persistent {
            operation: "GetKeyRotationStatus",
            fault: Fault::throttling_429(),
            service: "kms",
            code: "ThrottlingException",
            resource: key.to_string(),
            unknown: pointer(&["kms_keys", key, "KeyRotationEnabled"]),
            rules: &["TG022"],
            finding: key.to_string(),
        },
        Persistent {
            operation: "GetAccountAuthorizationDetails",
            fault: Fault::throttling_400("Throttling"),
            service: "iam",
            code: "Throttling",
            resource: account.to_string(),
            unknown: pointer(&["accounts", account, "Iam"]),
            rules: &[
                "TG060", "TG061", "TG062", "TG063", "TG064", "TG065", "TG066",
            ],
            finding: format!("AWS::::Account:{account}"),
        },
        Persistent {
            operation: "GetBucketEncryption",
            fault: Fault::slow_down(),
            service: "s3",
            code: "SlowDown",
            resource: bucket.to_string(),
            unknown: pointer(&["buckets", bucket, "Encryption"]),
            rules: &["TG021"],
            finding: format!("arn:aws:s3:::{bucket}"),
        },
        Persistent {
            operation: "GetTrailStatus",
            fault: Fault::Hang(HANG),
            service: "cloudtrail",
            code: "Timeout",
            resource: trail.to_string(),
            unknown: pointer(&["trails", trail, "Status"]),
            rules: &["TG001", "TG002", "TG003", "TG005"],
            finding: trail.to_string(),
        },
        Persistent {
            operation: "GetBucketVersioning",
            fault: Fault::Reset,
            service: "s3",
            code: "ConnectionReset",
            resource: bucket.to_string(),
            unknown: pointer(&["buckets", bucket, "Versioning"]),
            rules: &["TG033", "TG034"],
            finding: format!("arn:aws:s3:::{bucket}"),
        },
        Persistent {
            operation: "GetKeyPolicy",
            fault: Fault::Truncate,
            service: "kms",
            code: "TruncatedResponse",
            resource: key.to_string(),
            unknown: pointer(&["kms_keys", key, "Policy"]),
            rules: &["TG024", "TG025", "TG026", "TG066"],
            finding: key.to_string(),
        },
    ];
    let clean_file = world.moto.dir().join("clean.json");
    let clean_findings = eval(&clean_file);
    in_parallel(&cases, cases.len(), |case| {
        let label = format!("{:?} on {}", case.fault, case.operation);
        let proxy = world.replaying();
        proxy.set_plan(vec![Rule::always(case.operation, case.fault.clone())]);
        let out = world
            .moto
            .dir()
            .join(format!("persistent-{}.json", case.operation));
        let run = collect(&proxy, &out);
        // SPEC 7: gaps are recorded and collection goes on; `collect` exits 0 with gaps.
        assert_eq!(run.code, 0, "{label}: {}", run.stderr);
        let snapshot = stable(&out);
        // The faulted call, and the clean run's moto gap (patch k).
        assert!(
            run.stderr.contains("warning: 2 calls failed") && run.stderr.contains(case.code),
            "{label}: the summary names the failed call:\n{}\ngaps: {}",
            run.stderr,
            snapshot["gaps"]
        );
        assert_eq!(
            proxy.attempts(case.operation),
            MAX_ATTEMPTS,
            "{label}: attempts"
        );

        let moto_gap = moto_channel_status_gap(account);
        let gaps = snapshot["gaps"].as_array().unwrap();
        assert_eq!(gaps.len(), 2, "{label}: {gaps:?}");
        assert!(gaps.contains(&moto_gap), "{label}: {gaps:?}");
        let gap = gaps.iter().find(|g| **g != moto_gap).unwrap();
        assert_eq!(gap["Service"], case.service, "{label}: {gap}");
        assert_eq!(gap["Operation"], case.operation, "{label}: {gap}");
        assert_eq!(gap["ErrorCode"], case.code, "{label}: {gap}");
        assert_eq!(gap["Resource"], case.resource.as_str(), "{label}: {gap}");
        assert_eq!(gap["AccountId"], account, "{label}: {gap}");
        assert_eq!(gap["Region"], REGION, "{label}: {gap}");
        // Everything else was collected: the only difference is the unknown value.
        let mut diff = Vec::new();
        differences(&world.clean, &snapshot, "", &mut diff);
        diff.sort();
        let mut expected = vec![case.unknown.clone(), "/gaps".to_string()];
        expected.sort();
        assert_eq!(diff, expected, "{label}");

        // A gap is never a pass: TG090 reports it, naming the rule that cannot judge.
        let report = eval_report(&out);
        let got = findings(&report);
        let tg090 = ("TG090".to_string(), case.finding.clone());
        assert!(got.contains(&tg090), "{label}: no TG090 finding: {got:?}");
        // No finding appears for want of the value: a gap is never a failure either.
        let new: Vec<_> = got
            .difference(&clean_findings)
            .filter(|f| **f != tg090)
            .collect();
        assert!(new.is_empty(), "{label}: new findings {new:?}");
        // Only the rules that need the value may lose findings.
        let lost: Vec<_> = clean_findings
            .difference(&got)
            .filter(|(rule, _)| !case.rules.contains(&rule.as_str()))
            .collect();
        assert!(lost.is_empty(), "{label}: lost findings {lost:?}");
        let json: Value = serde_json::from_str(&report).unwrap();
        // The finding about the faulted resource (the account's also tells of moto's gap).
        let tg090 = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == "TG090" && f["resource"] == case.finding.as_str())
            .unwrap();
        let message = tg090["message"].as_str().unwrap();
        assert!(
            message.contains(&format!(
                "{}:{} ({})",
                case.service, case.operation, case.code
            )) && message.contains(case.rules[0])
                && message.contains("cannot judge it"),
            "{label}: {message}"
        );
        assert_eq!(json["summary"]["gaps"], 2, "{label}");

        // The fault is gone: a re-run gives the clean snapshot again.
        proxy.set_plan(Vec::new());
        let again = world
            .moto
            .dir()
            .join(format!("rerun-{}.json", case.operation));
        let run = collect(&proxy, &again);
        assert_eq!(run.code, 0, "{label}: {}", run.stderr);
        let mut diff = Vec::new();
        differences(&world.clean, &stable(&again), "", &mut diff);
        assert!(diff.is_empty(), "{label}: re-run differs at {diff:?}");
    });
}

#[test]
fn fail_on_high_fails_a_collection_where_every_call_was_denied() {
    // Regression: `eval --fail-on high` exited 0 on an account where every call was denied,
    // TG090 being medium whatever it blinded.
    let world = world();
    let proxy = world.replaying();
    let denied = Fault::Status {
        status: 403,
        code: "AccessDenied".to_string(),
    };
    // Every operation but the one that opens a collection (without an identity there is none).
    let plan = world
        .clean_attempts
        .keys()
        .filter(|op| op.as_str() != "GetCallerIdentity")
        .map(|op| Rule::always(op, denied.clone()))
        .collect();
    proxy.set_plan(plan);
    let out = world.moto.dir().join("denied.json");
    let run = collect(&proxy, &out);
    assert_eq!(run.code, 0, "gaps are recorded: {}", run.stderr);
    let snapshot = stable(&out);
    let gaps = snapshot["gaps"].as_array().unwrap();
    assert!(!gaps.is_empty());
    // Every call that failed was refused (S3 Control reads the proxy's 403 as `Forbidden`).
    assert!(
        gaps.iter()
            .all(|g| g["ErrorCode"] == "AccessDenied" || g["ErrorCode"] == "Forbidden"),
        "{gaps:?}"
    );
    assert!(
        gaps.iter().any(|g| g["Operation"] == "DescribeTrails"),
        "{gaps:?}"
    );

    let snapshot_arg = out.to_str().unwrap();
    let gate = common::trailguard(&["eval", snapshot_arg, "--fail-on", "high"]);
    assert_eq!(
        gate.code, 1,
        "a blind scan fails --fail-on high: {}",
        gate.stdout
    );
    let report: Value = serde_json::from_str(&eval_report(&out)).unwrap();
    let tg090: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "TG090")
        .collect();
    let account = format!("AWS::::Account:{}", world.account);
    let on_account = tg090.iter().find(|f| f["resource"] == account.as_str());
    assert_eq!(
        on_account.map(|f| f["severity"].clone()),
        Some(Value::from("high")),
        "{tg090:#?}"
    );
    for finding in &tg090 {
        let resource = finding["resource"].as_str().unwrap();
        assert!(
            resource.starts_with("arn:") || resource.starts_with("AWS::::Account:"),
            "TG090 names its resource as the other rules do: {resource}"
        );
    }
}

/// `trailguard eval SNAPSHOT --format json`.
fn eval_report(snapshot: &Path) -> String {
    let run = common::trailguard(&["eval", snapshot.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

fn eval(snapshot: &Path) -> BTreeSet<(String, String)> {
    findings(&eval_report(snapshot))
}

#[test]
fn a_collection_that_cannot_start_is_one_error_and_leaves_the_output_untouched() {
    let moto = Moto::start();
    // Each fault, and the error and hint it must give.
    let unreachable = "cannot reach the AWS endpoint";
    let unreachable_hint = "hint: check --endpoint-url";
    let busy = "AWS STS throttled or could not answer GetCallerIdentity on every attempt";
    let busy_hint = "hint: nothing is wrong with the credentials";
    let faults = [
        (Fault::Reset, unreachable, unreachable_hint),
        (Fault::Hang(HANG), unreachable, unreachable_hint),
        (Fault::Truncate, unreachable, unreachable_hint),
        // Regression: throttling on every attempt was reported as "AWS refused the credentials".
        (Fault::throttling_400("Throttling"), busy, busy_hint),
        (Fault::slow_down(), busy, busy_hint),
    ];
    in_parallel(&faults, faults.len(), |(fault, error, hint)| {
        let fault = fault.clone();
        let label = format!("{fault:?} on every GetCallerIdentity");
        let proxy = proxy(&moto, Duration::ZERO);
        proxy.set_plan(vec![Rule::always("GetCallerIdentity", fault)]);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("snapshot.json");
        let previous = b"{\"previous\": \"snapshot, byte for byte\"}\n";
        std::fs::write(&out, previous).unwrap();
        let run = collect(&proxy, &out);
        assert_eq!(run.code, 2, "{label}: {}", run.stderr);
        // One paragraph: the error, its cause, a hint; no SDK debug dump.
        assert!(
            run.stderr.starts_with(&format!("error: {error}")),
            "{label}: {}",
            run.stderr
        );
        if *error == unreachable {
            assert!(run.stderr.contains(&proxy.endpoint()), "{label}");
        }
        assert!(run.stderr.contains(hint), "{label}: {}", run.stderr);
        assert!(
            run.stderr.lines().count() <= 3 && run.stderr.len() < 800,
            "{label}: not one paragraph:\n{}",
            run.stderr
        );
        assert_eq!(
            proxy.attempts("GetCallerIdentity"),
            IDENTITY_ATTEMPTS,
            "{label}"
        );
        // Nothing else was called, the old file is intact and no temporary is left.
        assert_eq!(proxy.requests(), IDENTITY_ATTEMPTS, "{label}");
        assert_eq!(std::fs::read(&out).unwrap(), previous, "{label}");
        assert_eq!(temporaries(dir.path()), Vec::<String>::new(), "{label}");
    });
}

/// Starts `trailguard collect -o OUT` through the proxy, in the background.
fn spawn_collect(proxy: &FaultProxy, out: &Path) -> std::process::Child {
    let endpoint = proxy.endpoint();
    let mut command = aws_command(&collect_args(&endpoint, out, MOTO_TIMEOUT), CREDENTIALS);
    command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    command.spawn().unwrap()
}

fn interrupt(child: &std::process::Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits for the child to exit, at most `limit`; kills it and fails past that.
fn wait(mut child: std::process::Child, limit: Duration) -> (std::process::ExitStatus, String) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
            return (status, stderr);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("trailguard did not exit within {limit:?} of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_until(what: &str, limit: Duration, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn ctrl_c_during_collection_exits_130_and_writes_nothing() {
    let moto = Moto::start();
    moto.seed(&["bench", "1"]);
    // One second per answer: the collection takes several seconds (its rounds run one after
    // another), and Ctrl-C comes in the middle of it.
    for existing in [None, Some(&b"the previous snapshot\n"[..])] {
        let label = if existing.is_some() {
            "over an existing file"
        } else {
            "to a new file"
        };
        let proxy = proxy(&moto, Duration::from_secs(1));
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.json");
        if let Some(bytes) = existing {
            std::fs::write(&out, bytes).unwrap();
        }
        let child = spawn_collect(&proxy, &out);
        // After the identity call, while the account's trails, IAM and buckets are read.
        wait_until("the second round of calls", Duration::from_secs(30), || {
            proxy.requests() > IDENTITY_ATTEMPTS
        });
        let interrupted = Instant::now();
        interrupt(&child);
        let (status, stderr) = wait(child, Duration::from_secs(10));
        let took = interrupted.elapsed();
        assert_eq!(status.code(), Some(130), "{label}: {status:?} {stderr}");
        assert_eq!(
            stderr, "trailguard: interrupted; nothing written\n",
            "{label}"
        );
        assert!(
            took < Duration::from_secs(2),
            "{label}: exited {took:?} after Ctrl-C"
        );
        match existing {
            None => assert!(!out.exists(), "{label}"),
            Some(bytes) => assert_eq!(std::fs::read(&out).unwrap(), bytes, "{label}"),
        }
        assert_eq!(temporaries(dir.path()), Vec::<String>::new(), "{label}");
    }
}
