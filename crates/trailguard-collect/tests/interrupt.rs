//! Ctrl-C and `collect_blocking`: SIGINT during a collection stops it at once with
//! `CollectError::Interrupted`, and SIGINT after it (while the caller writes the snapshot) does
//! not kill the process, so an atomic write always completes and leaves no temporary file.
//!
//! The test sends SIGINT to its own process (`kill -INT`), so it lives in a test binary of its
//! own, in one test function: nothing else runs while the signals fly. Were the handler missing,
//! the signal would kill this binary and the test would fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use std::net::TcpListener;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};
use trailguard_collect::{collect_blocking, CollectError, NoProgress, Options, Regions, Timeouts};

fn sigint_to_self() {
    let status = Command::new("kill")
        .args(["-INT", &std::process::id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn options(endpoint: String) -> Options {
    Options {
        regions: Regions::Listed(vec!["us-east-1".to_string()]),
        endpoint_url: Some(endpoint),
        max_attempts: 1,
        timeouts: Timeouts {
            connect: Duration::from_secs(30),
            attempt: Duration::from_secs(30),
            operation: Duration::from_secs(30),
        },
        ..Options::default()
    }
}

#[test]
fn ctrl_c_stops_a_collection_and_never_a_write() {
    // A clean environment: fake keys, no profile files, no instance metadata.
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::set_var("AWS_CONFIG_FILE", "/nonexistent/trailguard-test/config");
    std::env::set_var(
        "AWS_SHARED_CREDENTIALS_FILE",
        "/nonexistent/trailguard-test/credentials",
    );
    std::env::remove_var("AWS_PROFILE");
    std::env::remove_var("AWS_ENDPOINT_URL");

    // An endpoint that accepts connections (the kernel's backlog) and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", silent.local_addr().unwrap());
    let signaller = std::thread::spawn(|| {
        std::thread::sleep(Duration::from_millis(800));
        sigint_to_self();
        Instant::now()
    });
    let result = collect_blocking(&options(endpoint), Arc::new(NoProgress));
    let returned = Instant::now();
    let sent = signaller.join().unwrap();
    assert!(
        matches!(result, Err(CollectError::Interrupted)),
        "{:?}",
        result.map(|c| c.snapshot)
    );
    let after = returned.saturating_duration_since(sent);
    assert!(
        after < Duration::from_secs(2),
        "returned {after:?} after Ctrl-C"
    );
    drop(silent);

    // The collection is over; the caller writes. A Ctrl-C now must not kill the process half-way
    // through the write.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snapshot.json");
    sigint_to_self();
    std::thread::sleep(Duration::from_millis(300));
    trailguard_snapshot::write_file(&out, b"{\"complete\": true}\n").unwrap();
    sigint_to_self();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        std::fs::read(&out).unwrap(),
        b"{\"complete\": true}\n".to_vec()
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["snapshot.json".to_string()]);
}
