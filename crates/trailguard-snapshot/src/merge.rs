//! Joining several snapshots into one, so a central log bucket collected in one account resolves
//! the trails of another: the snapshots of an organisation collected in shards (one job per
//! group of accounts) judge as one snapshot of all of them would.

use crate::Snapshot;
use std::collections::{BTreeMap, BTreeSet};

/// Merges snapshots into one.
///
/// Maps are joined by key. A resource (account, trail, bucket, KMS key) held by several
/// snapshots comes whole from the one that read it best: the fewest gaps about it, then the
/// one collected later, then the later argument. The gaps about it of the snapshots whose
/// copy was not taken go with that copy. So a log bucket that a trail's account could not read
/// (it belongs to another account) but its owner read in another snapshot is judged on the
/// owner's read, without gaps, as when both accounts are collected together; and merging is
/// independent of the order of snapshots with distinct collection times. Every other gap is
/// kept (about IAM entities, or in a snapshot that does not hold the resource it is about).
/// Gaps are sorted and de-duplicated.
pub fn merge(snapshots: Vec<Snapshot>) -> Snapshot {
    let mut ordered = snapshots;
    // Stable: equal times keep argument order, so the later argument ranks later.
    ordered.sort_by(|a, b| a.collected_at.cmp(&b.collected_at));
    let Some(last) = ordered.last() else {
        return Snapshot {
            schema_version: crate::SCHEMA_VERSION,
            ..Snapshot::default()
        };
    };
    let mut merged = Snapshot {
        schema_version: last.schema_version,
        collected_at: last.collected_at.clone(),
        collector_version: ordered
            .iter()
            .rev()
            .find_map(|s| s.collector_version.clone()),
        ..Snapshot::default()
    };

    // The snapshot each resource comes from, per map.
    let gap_counts: Vec<BTreeMap<&str, usize>> = ordered
        .iter()
        .map(|s| {
            let mut counts = BTreeMap::new();
            for gap in &s.gaps {
                *counts.entry(gap.resource.as_str()).or_insert(0) += 1;
            }
            counts
        })
        .collect();
    let gaps_about = |i: usize, key: &str| gap_counts[i].get(key).copied().unwrap_or(0);
    let best = |keys: &dyn Fn(&Snapshot) -> Vec<&String>| -> BTreeMap<String, usize> {
        let mut winners: BTreeMap<String, usize> = BTreeMap::new();
        for (i, snapshot) in ordered.iter().enumerate() {
            for key in keys(snapshot) {
                match winners.get(key) {
                    // Later snapshots win ties: only strictly more gaps lose.
                    Some(&w) if gaps_about(w, key) < gaps_about(i, key) => {}
                    _ => {
                        winners.insert(key.clone(), i);
                    }
                }
            }
        }
        winners
    };
    let accounts = best(&|s| s.accounts.keys().collect());
    let trails = best(&|s| s.trails.keys().collect());
    let buckets = best(&|s| s.buckets.keys().collect());
    let kms_keys = best(&|s| s.kms_keys.keys().collect());
    // A snapshot's gap about a resource it holds stays when the resource comes from it.
    let mut holders: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for winners in [&accounts, &trails, &buckets, &kms_keys] {
        for (key, &i) in winners {
            holders.entry(key.as_str()).or_default().insert(i);
        }
    }

    for (i, snapshot) in ordered.into_iter().enumerate() {
        let from = |winners: &BTreeMap<String, usize>, key: &String| winners.get(key) == Some(&i);
        let holds = |r: &str| {
            snapshot.accounts.contains_key(r)
                || snapshot.trails.contains_key(r)
                || snapshot.buckets.contains_key(r)
                || snapshot.kms_keys.contains_key(r)
        };
        let kept = snapshot.gaps.iter().filter(|gap| {
            let r = gap.resource.as_str();
            !holds(r) || holders.get(r).is_some_and(|from| from.contains(&i))
        });
        merged.gaps.extend(kept.cloned());
        merged.accounts.extend(
            snapshot
                .accounts
                .into_iter()
                .filter(|(key, _)| from(&accounts, key)),
        );
        merged.trails.extend(
            snapshot
                .trails
                .into_iter()
                .filter(|(key, _)| from(&trails, key)),
        );
        merged.buckets.extend(
            snapshot
                .buckets
                .into_iter()
                .filter(|(key, _)| from(&buckets, key)),
        );
        merged.kms_keys.extend(
            snapshot
                .kms_keys
                .into_iter()
                .filter(|(key, _)| from(&kms_keys, key)),
        );
    }
    merged.gaps.sort();
    merged.gaps.dedup();
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Bucket, Gap};

    fn snap(at: &str, bucket: &str, gap: &str) -> Snapshot {
        let mut s = Snapshot {
            schema_version: 1,
            collected_at: at.to_string(),
            ..Snapshot::default()
        };
        s.buckets.insert(
            bucket.to_string(),
            Bucket {
                name: bucket.to_string(),
                arn: format!("arn:aws:s3:::{bucket}"),
                region: Some(at.to_string()),
                ..Bucket::default()
            },
        );
        s.gaps.push(Gap {
            account_id: "1".into(),
            service: "s3".into(),
            operation: gap.into(),
            region: "r".into(),
            resource: bucket.into(),
            error_code: "AccessDenied".into(),
            message: String::new(),
        });
        s
    }

    #[test]
    fn merge_is_order_independent_and_later_wins() {
        let a = snap("2026-01-01T00:00:00Z", "logs", "GetBucketPolicy");
        let b = snap("2026-02-01T00:00:00Z", "logs", "GetBucketAcl");
        let ab = merge(vec![a.clone(), b.clone()]);
        let ba = merge(vec![b, a]);
        assert_eq!(ab, ba);
        assert_eq!(
            ab.buckets["logs"].region.as_deref(),
            Some("2026-02-01T00:00:00Z")
        );
        // The bucket comes from the later read, with its gap only: the earlier one is about a
        // read the merged bucket does not show.
        let operations: Vec<&str> = ab.gaps.iter().map(|g| g.operation.as_str()).collect();
        assert_eq!(operations, ["GetBucketAcl"]);
    }

    #[test]
    fn the_read_with_fewer_gaps_wins_whenever_it_was_collected() {
        // The trail's account could not read the central bucket; its owner could, earlier.
        let mut trail_shard = snap("2026-02-01T00:00:00Z", "central", "GetBucketPolicy");
        trail_shard.gaps.push(Gap {
            operation: "GetBucketAcl".into(),
            ..trail_shard.gaps[0].clone()
        });
        let mut owner_shard = snap("2026-01-01T00:00:00Z", "central", "unused");
        owner_shard.gaps.clear();
        let merged = merge(vec![trail_shard.clone(), owner_shard.clone()]);
        assert_eq!(merged, merge(vec![owner_shard, trail_shard]));
        assert_eq!(
            merged.buckets["central"].region.as_deref(),
            Some("2026-01-01T00:00:00Z")
        );
        assert_eq!(merged.gaps, []);
        assert_eq!(merged.collected_at, "2026-02-01T00:00:00Z");
    }

    #[test]
    fn gaps_about_what_their_snapshot_does_not_hold_are_kept() {
        let mut a = snap("2026-01-01T00:00:00Z", "logs", "GetBucketPolicy");
        a.gaps[0].resource = "arn:aws:iam::1:user/alice".into();
        let mut b = snap("2026-02-01T00:00:00Z", "logs", "ListMFADevices");
        b.gaps[0].resource = "arn:aws:iam::1:user/bob".into();
        // A gap about the bucket in a snapshot without it: not about a copy that was dropped.
        let mut c = snap("2026-03-01T00:00:00Z", "logs", "GetBucketAcl");
        c.buckets.clear();
        assert_eq!(merge(vec![a, b, c]).gaps.len(), 3);
        assert_eq!(merge(Vec::new()).schema_version, crate::SCHEMA_VERSION);
    }
}
