//! The `snapshot` target: a snapshot file as `trailguard evaluate` reads it.

use crate::location::assert_inside;
use std::path::PathBuf;
use trailguard_snapshot::{account_resource, ErrorKind, Snapshot, SnapshotFile};

/// Parses `data` as a snapshot. Accepted: writing it back out (`to_json_pretty`) and parsing
/// that gives the same snapshot, and the locator gives every resource the file keys a line
/// inside the file. Rejected: the error displays, and its line and column are in the text.
pub fn snapshot(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let snapshot = match Snapshot::from_json(text) {
        Ok(snapshot) => snapshot,
        Err(error) => {
            let shown = error.to_string();
            if let ErrorKind::Json { line, column, .. } = error.kind {
                assert_inside(text, line, column, &shown);
            }
            return;
        }
    };

    let written = match snapshot.to_json_pretty() {
        Ok(written) => written,
        Err(e) => panic!("a parsed snapshot could not be written back ({e})"),
    };
    match Snapshot::from_json(&written) {
        Ok(again) => assert!(
            again == snapshot,
            "the snapshot changed on a round trip through to_json_pretty:\n{written}"
        ),
        Err(e) => panic!("to_json_pretty wrote a snapshot that does not parse ({e}):\n{written}"),
    }

    let resources = resources(&snapshot);
    let file = SnapshotFile {
        path: PathBuf::from("fuzz.json"),
        text: text.to_string(),
        snapshot,
    };
    let last_line = text.split('\n').count();
    let keyed = file.locate(resources.iter().map(String::as_str));
    let searched = file.search(resources.iter().map(String::as_str));
    for resource in &resources {
        for (how, line) in [
            ("locate", keyed.line(resource)),
            ("search", searched.line(resource)),
        ] {
            if let Some(line) = line {
                assert!(
                    (1..=last_line).contains(&line),
                    "{how} put {resource:?} on line {line} of a {last_line}-line file"
                );
            }
        }
        if file.snapshot.resource_path(resource).is_some() {
            assert!(
                keyed.line(resource).is_some(),
                "the snapshot keys {resource:?} but locate found no line for it"
            );
        }
    }
}

/// Every resource a finding could name in this snapshot: accounts, trails, buckets (by name and
/// by ARN), keys, IAM principals and policies, and what gaps are about.
fn resources(snapshot: &Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    for (id, account) in &snapshot.accounts {
        out.push(account_resource(id));
        if let Some(iam) = account.iam.present() {
            out.extend(iam.users.values().map(|u| u.arn.clone()));
            out.extend(iam.groups.values().map(|g| g.arn.clone()));
            out.extend(iam.roles.values().map(|r| r.arn.clone()));
            out.extend(iam.policies.keys().cloned());
        }
    }
    out.extend(snapshot.trails.keys().cloned());
    for name in snapshot.buckets.keys() {
        out.push(name.clone());
        out.push(format!("arn:aws:s3:::{name}"));
    }
    out.extend(snapshot.kms_keys.keys().cloned());
    out.extend(snapshot.gaps.iter().map(|g| g.resource.clone()));
    out
}
