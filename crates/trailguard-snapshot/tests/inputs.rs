//! The snapshots shipped in `inputs/` are canonical: loading one and writing it back with
//! [`Snapshot::to_json_pretty`] gives the file byte for byte. That keeps them diffing cleanly in
//! git and keeps the SARIF line numbers that point into them stable.

// A test fails by panicking: unwrap, expect and panic are how it says which file broke (the
// workspace denies them in library code; clippy.toml's in-tests allowances do not reach helpers).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use trailguard_snapshot::Snapshot;

fn inputs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../inputs")
}

fn shipped_snapshots() -> Vec<PathBuf> {
    let dir = inputs_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_three_example_snapshots_are_shipped() {
    let names: Vec<String> = shipped_snapshots()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in ["broken.json", "compliant.json", "demo.json"] {
        assert!(
            names.iter().any(|n| n == expected),
            "inputs/{expected} is missing: {names:?}"
        );
    }
}

#[test]
fn every_shipped_snapshot_is_canonical() {
    for path in shipped_snapshots() {
        let file = Snapshot::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let rewritten = file
            .snapshot
            .to_json_pretty()
            .unwrap_or_else(|e| panic!("{e}"));
        if rewritten != file.text && std::env::var_os("UPDATE_INPUTS").is_some() {
            // After an edit by hand or by script: `UPDATE_INPUTS=1 cargo test -p
            // trailguard-snapshot --test inputs` writes the canonical form; review the diff.
            std::fs::write(&path, &rewritten).unwrap_or_else(|e| panic!("{e}"));
            continue;
        }
        if rewritten != file.text {
            let line = rewritten
                .lines()
                .zip(file.text.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| rewritten.lines().count().min(file.text.lines().count()))
                + 1;
            panic!(
                "{} is not canonical (first difference at line {line}); rewrite it with \
                 Snapshot::to_json_pretty so its key order is the snapshot's own",
                path.display()
            );
        }
    }
}

#[test]
fn every_shipped_snapshot_references_resolve() {
    // Every trail an account lists is in `trails`, and every key a trail names is in `kms_keys`,
    // so the examples exercise joins rather than dangling references. (A trail's bucket may be
    // missing on purpose: that is what TG005 reports.)
    for path in shipped_snapshots() {
        let snapshot = Snapshot::load(&path).unwrap().snapshot;
        for (id, account) in &snapshot.accounts {
            assert_eq!(&account.account_id, id, "{}", path.display());
            for arn in &account.trail_arns {
                assert!(
                    snapshot.trails.contains_key(arn),
                    "{}: {arn}",
                    path.display()
                );
            }
        }
        for (arn, trail) in &snapshot.trails {
            assert_eq!(&trail.trail_arn, arn, "{}", path.display());
            if let Some(key) = &trail.kms_key_id {
                assert!(
                    snapshot.kms_keys.contains_key(key),
                    "{}: {key}",
                    path.display()
                );
            }
        }
        for (name, bucket) in &snapshot.buckets {
            assert_eq!(
                bucket.arn,
                format!("arn:aws:s3:::{name}"),
                "{}",
                path.display()
            );
        }
        let mut sorted = snapshot.gaps.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            snapshot.gaps,
            "{}: gaps are not sorted",
            path.display()
        );
    }
}

/// Findings about a trail's log group (TG051, TG052) or an SNS topic (TG012) point at its object
/// in the file, as those about trails, buckets and keys do.
#[test]
fn log_groups_and_topics_are_located_by_their_arn() {
    let file = Snapshot::load(&inputs_dir().join("demo.json")).unwrap();
    let group = "arn:aws:logs:us-east-1:111111111111:log-group:aws-cloudtrail-logs-acme-org";
    assert_eq!(
        file.snapshot.resource_path(group),
        Some(vec!["log_groups".to_string(), group.to_string()])
    );
    let topic = file.snapshot.topics.keys().next().unwrap().clone();
    assert_eq!(
        file.snapshot.resource_path(&topic),
        Some(vec!["topics".to_string(), topic.clone()])
    );
    let index = file.locate([group, topic.as_str()]);
    let line = |needle: &str| {
        file.text
            .lines()
            .position(|l| l.contains(&format!("\"{needle}\": {{")))
            .map(|n| n + 1)
    };
    assert_eq!(index.line(group), line(group));
    assert_eq!(index.line(&topic), line(&topic));
    assert!(index.line(group).is_some() && index.line(&topic).is_some());
    assert!(file.snapshot.holds_copy_of(&file.snapshot, group));
}
