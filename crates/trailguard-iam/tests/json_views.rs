//! The index reads a snapshot in place, whether it is a `serde_json` value or the regorus value
//! the builtins are given (`src/json.rs`): both views of the same snapshot give the same answers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use trailguard_iam::{decision_json, SnapshotIndex};

const SNAPSHOTS: [(&str, &str); 3] = [
    ("demo", include_str!("../../../inputs/demo.json")),
    ("compliant", include_str!("../../../inputs/compliant.json")),
    ("broken", include_str!("../../../inputs/broken.json")),
];

/// Every question worth asking of a snapshot: the sensitive actions on each of its trails,
/// buckets (and an object in each) and keys.
fn requests(snapshot: &serde_json::Value) -> Vec<(&'static str, String)> {
    let mut asked = Vec::new();
    let keys = |section: &str| -> Vec<String> {
        snapshot[section]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    for trail in keys("trails") {
        for action in ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"] {
            asked.push((action, trail.clone()));
        }
    }
    for bucket in keys("buckets") {
        for action in ["s3:DeleteBucket", "s3:PutBucketPolicy"] {
            asked.push((action, format!("arn:aws:s3:::{bucket}")));
        }
        asked.push((
            "s3:DeleteObject",
            format!("arn:aws:s3:::{bucket}/AWSLogs/x"),
        ));
    }
    for key in keys("kms_keys") {
        for action in ["kms:DisableKey", "kms:ScheduleKeyDeletion"] {
            asked.push((action, key.clone()));
        }
    }
    asked
}

#[test]
fn serde_json_and_regorus_views_of_a_snapshot_give_the_same_answers() {
    for (name, text) in SNAPSHOTS {
        let serde: serde_json::Value = serde_json::from_str(text).unwrap();
        let rego = regorus::Value::from_json_str(text).unwrap();
        let from_serde = SnapshotIndex::new(&serde).unwrap();
        let from_rego = SnapshotIndex::new(&rego).unwrap();
        let asked = requests(&serde);
        assert!(asked.len() >= 5, "{name}: {} questions", asked.len());
        let mut answered = 0;
        for (action, resource) in &asked {
            let answers = |index: &SnapshotIndex| -> Vec<(String, serde_json::Map<_, _>)> {
                index
                    .principals_that_can(action, resource)
                    .iter()
                    .map(|p| (p.entry.principal.arn.clone(), decision_json(&p.decision)))
                    .collect()
            };
            let (a, b) = (answers(&from_serde), answers(&from_rego));
            assert_eq!(a, b, "{name}: {action} on {resource}");
            answered += a.len();
        }
        // Not vacuous: someone may do something in every snapshot but the compliant one.
        if name != "compliant" {
            assert!(answered > 0, "{name}: no principal may do anything");
        }
    }
}
