//! Collection benchmark: calls per resource, and wall time for 10, 100 and 1,000 log buckets at
//! concurrency 1 and at the default limits, with every request delayed by a loopback proxy.
//!
//! ```sh
//! ./scripts/test            # once: installs moto into target/test-venv
//! cargo bench -p trailguard-collect --bench collect
//! TG_BENCH_BUCKETS=10,100 TG_BENCH_LATENCY_MS=50 cargo bench -p trailguard-collect --bench collect
//! ```
//!
//! A moto server is seeded with N trails, each writing to its own fully configured bucket
//! (tests/tools/seed_moto.py `bench N`: 10 KMS keys, 20 users, 5 groups, 10 roles). The collector
//! then reads it through a proxy on 127.0.0.1 that holds each request for the latency before
//! answering. Two columns:
//!
//! - **moto**: the proxy forwards to moto. moto answers one request at a time (~350 calls/s on
//!   this machine), so beyond a few dozen calls in flight it, not the collector, sets the pace.
//! - **replay**: the proxy answers from the responses moto gave during a warm-up collection, so
//!   the figure is the collector's own: its concurrency, parsing and snapshot building against an
//!   endpoint that answers every request in the latency, like AWS.
//!
//! Network traffic stays on 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // A benchmark fails loudly.

#[path = "../../../tests/common/fault_proxy.rs"]
#[allow(dead_code)] // The fault plan is for tests/faults.rs; the benchmark only delays.
mod fault_proxy;

use fault_proxy::{FaultProxy, Mode};
use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use trailguard_collect::{
    collect, CallStats, Collection, Concurrency, NoProgress, Operation, Options, Regions,
    DEFAULT_CLOUDTRAIL_CONCURRENCY, DEFAULT_IAM_CONCURRENCY, DEFAULT_KMS_CONCURRENCY,
    DEFAULT_OTHER_CONCURRENCY, DEFAULT_S3_CONCURRENCY,
};

const REGION: &str = "us-east-1";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn python() -> String {
    if let Ok(python) = std::env::var("TRAILGUARD_TEST_PYTHON") {
        return python;
    }
    let venv = root().join("target/test-venv/bin/python");
    assert!(
        venv.exists(),
        "no Python with moto: run ./scripts/test once (it installs target/test-venv), or set TRAILGUARD_TEST_PYTHON"
    );
    venv.to_string_lossy().into_owned()
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    fn start() -> Moto {
        let port = free_port();
        let child = Command::new(python())
            .arg(root().join("tests/tools/moto_server.py"))
            .args(["--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto starts");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "moto did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto {
            child,
            endpoint: format!("127.0.0.1:{port}"),
        }
    }

    fn seed(&self, buckets: usize) {
        let status = Command::new(python())
            .arg(root().join("tests/tools/seed_moto.py"))
            .arg(format!("http://{}", self.endpoint))
            .args(["bench", &buckets.to_string()])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "seeding failed");
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Which resource an operation's calls are made for.
fn per(op: Operation) -> &'static str {
    use Operation::*;
    match op {
        GetTrailStatus | GetEventSelectors | GetInsightSelectors | ListTags => "trail",
        GetBucketLocation
        | GetBucketPolicy
        | GetBucketPolicyStatus
        | GetPublicAccessBlock
        | GetBucketAcl
        | GetBucketLogging
        | GetBucketVersioning
        | GetBucketEncryption
        | GetObjectLockConfiguration
        | GetBucketLifecycleConfiguration
        | GetBucketTagging
        | GetBucketOwnershipControls => "bucket",
        DescribeKey | GetKeyPolicy | GetKeyRotationStatus | ListAliases => "key",
        ListMfaDevices => "principal",
        _ => "account",
    }
}

async fn run(endpoint: &str, concurrency: Concurrency) -> (Duration, Collection) {
    let options = Options {
        regions: Regions::Listed(vec![REGION.to_string()]),
        endpoint_url: Some(format!("http://{endpoint}")),
        concurrency,
        ..Options::default()
    };
    let started = Instant::now();
    let collection = collect(&options, Arc::new(NoProgress))
        .await
        .expect("collects");
    let elapsed = started.elapsed();
    // The one gap every collection against moto has: moto 5.2.5 does not implement Config's
    // DescribeDeliveryChannelStatus (tests/tools/moto_server.py, patch k).
    let unexpected: Vec<_> = collection
        .snapshot
        .gaps
        .iter()
        .filter(|g| {
            g.operation != "DescribeDeliveryChannelStatus" || g.error_code != "InvalidAction"
        })
        .collect();
    assert!(unexpected.is_empty(), "gaps: {unexpected:?}");
    (elapsed, collection)
}

/// Users whose MFA devices were read: those holding AWSCloudTrail_FullAccess.
fn holders(collection: &Collection) -> usize {
    collection
        .snapshot
        .accounts
        .values()
        .filter_map(|a| a.iam.present())
        .flat_map(|iam| iam.users.values())
        .filter(|u| !u.mfa_devices.is_unknown())
        .count()
}

fn print_calls_per_resource(stats: &CallStats, buckets: usize, holders: usize) {
    let counts = |kind: &str| -> Vec<(Operation, u64)> {
        stats.iter().filter(|(op, _)| per(*op) == kind).collect()
    };
    println!("calls per resource ({buckets} trails, {buckets} buckets, 10 keys, {holders} users holding AWSCloudTrail_FullAccess):");
    for (kind, n) in [
        ("trail", buckets),
        ("bucket", buckets),
        ("key", 10),
        ("principal", holders),
    ] {
        let ops = counts(kind);
        let total: u64 = ops.iter().map(|(_, c)| c).sum();
        let detail: Vec<String> = ops
            .iter()
            .map(|(op, c)| format!("{} {:.2}", op.name(), *c as f64 / n as f64))
            .collect();
        println!(
            "  per {kind:<9} {:>5.2}  ({})",
            total as f64 / n as f64,
            detail.join(", ")
        );
    }
    let account: Vec<String> = counts("account")
        .iter()
        .map(|(op, c)| format!("{} {c}", op.name()))
        .collect();
    println!("  per account    {}", account.join(", "));
    println!("  total          {} calls", stats.total());
}

fn main() {
    // The collector uses the default credential chain; moto accepts any keys.
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::remove_var("AWS_PROFILE");
    std::env::remove_var("AWS_ENDPOINT_URL");

    // `cargo bench` passes `--bench`; `cargo test --all-targets` passes nothing: then run one
    // small size quickly, to prove the benchmark works.
    let benching = std::env::args().any(|a| a == "--bench");
    let default_sizes = if benching { "10,100,1000" } else { "5" };
    let sizes: Vec<usize> = std::env::var("TG_BENCH_BUCKETS")
        .unwrap_or_else(|_| default_sizes.into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let latency = Duration::from_millis(
        std::env::var("TG_BENCH_LATENCY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(if benching { 50 } else { 5 }),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "collection benchmark: {} ms per request through a loopback proxy; default limits: S3 {}, KMS {}, CloudTrail {}, IAM {}, others {}\n",
        latency.as_millis(),
        DEFAULT_S3_CONCURRENCY,
        DEFAULT_KMS_CONCURRENCY,
        DEFAULT_CLOUDTRAIL_CONCURRENCY,
        DEFAULT_IAM_CONCURRENCY,
        DEFAULT_OTHER_CONCURRENCY
    );
    let mut rows = Vec::new();
    for (i, &buckets) in sizes.iter().enumerate() {
        let moto = Moto::start();
        let seeding = Instant::now();
        moto.seed(buckets);
        eprintln!(
            "seeded {buckets} buckets in {:.1} s",
            seeding.elapsed().as_secs_f64()
        );
        runtime.block_on(async {
            let proxy = FaultProxy::start(&moto.endpoint, latency).await;
            let endpoint = format!("127.0.0.1:{}", proxy.port);
            // Warm-up through moto: records every answer for replay.
            let (_, warm) = run(&endpoint, Concurrency::default()).await;
            assert_eq!(warm.snapshot.buckets.len(), buckets);
            if i == 0 {
                print_calls_per_resource(&warm.calls, buckets, holders(&warm));
                println!();
            }
            for (label, concurrency) in [
                ("1", Concurrency::uniform(1)),
                ("default", Concurrency::default()),
            ] {
                // One call at a time waits on the latency, not on moto: no moto column.
                let through_moto = if label == "1" {
                    None
                } else {
                    proxy.set(Mode::Forward);
                    Some(run(&endpoint, concurrency).await.0)
                };
                proxy.set(Mode::Replay);
                let (replayed, collection) = run(&endpoint, concurrency).await;
                rows.push((
                    buckets,
                    label,
                    collection.calls.total(),
                    through_moto,
                    replayed,
                ));
                eprintln!(
                    "{buckets} buckets, concurrency {label}: replay {:.2} s",
                    replayed.as_secs_f64()
                );
            }
        });
    }
    println!(
        "{:>8}  {:>11}  {:>6}  {:>9}  {:>9}  {:>12}",
        "buckets", "concurrency", "calls", "moto", "replay", "replay calls/s"
    );
    for (buckets, label, calls, moto, replay) in rows {
        let moto = moto.map_or_else(|| "-".to_string(), |d| format!("{:.2}s", d.as_secs_f64()));
        println!(
            "{buckets:>8}  {label:>11}  {calls:>6}  {moto:>9}  {:>8.2}s  {:>12.0}",
            replay.as_secs_f64(),
            calls as f64 / replay.as_secs_f64()
        );
    }
}
