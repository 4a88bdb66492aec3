//! Several accounts in one run: SARIF with one run per account (its own
//! `automationDetails.id` category), at most 20 runs a file, and snapshots merged so that one
//! account's central log bucket resolves another's trails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{check_sarif, sarif_log, sarif_result_key, trailguard, trailguard_in};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// (account, rule, resource) of every result of a SARIF log, by the run it is in.
fn results_by_run(log: &Value) -> BTreeMap<String, BTreeSet<(String, String)>> {
    log["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|run| {
            let id = run["automationDetails"]["id"].as_str().unwrap().to_string();
            let results = run["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(sarif_result_key)
                .collect();
            (id, results)
        })
        .collect()
}

#[test]
fn demo_sarif_has_one_run_per_account_holding_that_accounts_findings() {
    let dir = tempfile::tempdir().unwrap();
    let (log, report) = sarif_log(dir.path(), "demo.sarif", &["eval", "inputs/demo.json"]);
    assert!(report.contains(": 0 errors, 0 warnings"), "{report}");

    // The JSON report says which account each finding belongs to.
    let json = trailguard(&["eval", "inputs/demo.json", "--format", "json"]);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    let mut expected: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        expected
            .entry(format!("trailguard/{}/", f["account"].as_str().unwrap()))
            .or_default()
            .insert((
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
            ));
    }
    let by_run = results_by_run(&log);
    assert_eq!(
        by_run.keys().collect::<Vec<_>>(),
        [
            "trailguard/111111111111/",
            "trailguard/222222222222/",
            "trailguard/333333333333/"
        ]
    );
    assert_eq!(by_run, expected);
    // An account's own resources only: the bucket in 222222222222 that could not be read is a
    // gap of that account's run.
    let gaps: Vec<&str> = log["runs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|run| run["invocations"][0]["toolExecutionNotifications"].is_array())
        .map(|run| run["properties"]["account"].as_str().unwrap())
        .collect();
    assert_eq!(gaps, ["222222222222"]);
}

/// A snapshot of `count` accounts, each with no trail at all.
fn accounts_without_trails(count: usize) -> String {
    let accounts: serde_json::Map<String, Value> = (0..count)
        .map(|i| {
            let id = format!("{:012}", 100_000_000_000_u64 + i as u64);
            (
                id.clone(),
                json!({"AccountId": id, "Regions": ["us-east-1"], "TrailArns": []}),
            )
        })
        .collect();
    serde_json::to_string_pretty(&json!({
        "schema_version": 1,
        "collected_at": "2026-11-20T00:00:00Z",
        "accounts": accounts,
    }))
    .unwrap()
}

#[test]
fn sarif_for_45_accounts_is_written_as_three_files_of_at_most_20_runs() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "org.json", &accounts_without_trails(45));

    // Standard output can hold one document only: a clear error, nothing written.
    let run = trailguard_in(dir.path(), &["eval", "org.json", "--format", "sarif"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("needs 3 files") && run.stderr.contains("give -o FILE"),
        "{}",
        run.stderr
    );

    std::fs::create_dir(dir.path().join("results")).unwrap();
    let run = trailguard_in(
        dir.path(),
        &[
            "eval",
            "org.json",
            "--format",
            "sarif",
            "-o",
            "results/trailguard.sarif",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(
        "wrote 3 SARIF files (20 accounts a file, GitHub's limit); upload each separately: \
         results/trailguard.sarif, results/trailguard-2.sarif, results/trailguard-3.sarif"
    ));
    let mut files: Vec<String> = std::fs::read_dir(dir.path().join("results"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "trailguard-2.sarif",
            "trailguard-3.sarif",
            "trailguard.sarif"
        ]
    );

    let mut categories = Vec::new();
    let mut results = BTreeSet::new();
    let mut sizes = Vec::new();
    for name in [
        "trailguard.sarif",
        "trailguard-2.sarif",
        "trailguard-3.sarif",
    ] {
        let path = dir.path().join("results").join(name);
        let report = check_sarif(&path);
        assert!(report.contains(": 0 errors, 0 warnings"), "{report}");
        let log: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let by_run = results_by_run(&log);
        sizes.push(by_run.len());
        for (category, found) in by_run {
            categories.push(category);
            results.extend(found);
        }
    }
    assert_eq!(sizes, [20, 20, 5]);
    let unique: BTreeSet<&String> = categories.iter().collect();
    assert_eq!(unique.len(), 45, "one category per account, none repeated");

    // Together the files hold exactly the findings of the JSON report.
    let json = trailguard_in(dir.path(), &["eval", "org.json", "--format", "json"]);
    assert_eq!(results, common::findings(&json.stdout));
    assert!(!results.is_empty());
}
