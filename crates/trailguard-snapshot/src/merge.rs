//! Joining several snapshots into one, so a central log bucket collected in one account resolves
//! the trails of another: the snapshots of an organisation collected in shards (one job per
//! group of accounts) judge as one snapshot of all of them would.

use crate::{Snapshot, SnapshotError};
use std::collections::{BTreeMap, BTreeSet};

/// Merges snapshots into one.
///
/// Maps are joined by key. A resource (account, trail, bucket, KMS key, organisation, log group,
/// alarm, topic) held by several snapshots comes whole from the one that read it best: the
/// fewest gaps about it, then the one collected later, then (copies read at the same time, with
/// as many gaps) the copy whose JSON, with the gaps about it, sorts last. The gaps about it of the snapshots whose copy was
/// not taken go with that copy. So a log bucket that a trail's account could not read (it
/// belongs to another account) but its owner read in another snapshot is judged on the owner's
/// read, without gaps, as when both accounts are collected together; and the result never
/// depends on the order of the snapshots. Every other gap is kept (about IAM entities, or in a
/// snapshot that does not hold the resource it is about). Gaps are sorted and de-duplicated.
/// The collector version is the latest snapshot's (the greatest, among those collected at the
/// same time).
///
/// "Later" and "at the same time" are about the instant `collected_at` names, not its text:
/// `2026-01-01T01:00:00+01:00` was collected before `2026-01-01T00:30:00Z`. Among spellings of
/// the same instant, the merged `collected_at` is the one whose text sorts last.
///
/// The last resort compares the copies' JSON; serde_json failing to write one is an error
/// ([`crate::ErrorKind::Serialize`]), never an empty text that would decide the choice.
pub fn merge(snapshots: Vec<Snapshot>) -> Result<Snapshot, SnapshotError> {
    let mut ordered = snapshots;
    // Stable: equal times keep argument order, so the later argument ranks later.
    ordered.sort_by(|a, b| a.collected_at.cmp(&b.collected_at));
    let Some(last) = ordered.last() else {
        return Ok(Snapshot {
            schema_version: crate::SCHEMA_VERSION,
            ..Snapshot::default()
        });
    };
    let mut merged = Snapshot {
        schema_version: last.schema_version,
        collected_at: last.collected_at.clone(),
        collector_version: ordered
            .iter()
            .filter_map(|s| Some((&s.collected_at, s.collector_version.as_ref()?)))
            .max()
            .map(|(_, version)| version.clone()),
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
    // The last resort between two copies read at the same time with as many gaps: their JSON
    // and the gaps about them, so the choice never depends on the order of the arguments.
    type Json = dyn Fn(&Snapshot, &str) -> Result<String, SnapshotError>;
    let content = |i: usize, key: &str, json: &Json| -> Result<(String, String), SnapshotError> {
        let snapshot = &ordered[i];
        let mut gaps: Vec<&crate::Gap> =
            snapshot.gaps.iter().filter(|g| g.resource == key).collect();
        gaps.sort();
        Ok((
            json(snapshot, key)?,
            serde_json::to_string(&gaps).map_err(SnapshotError::serialize)?,
        ))
    };
    let best = |keys: &dyn Fn(&Snapshot) -> Vec<&String>,
                json: &Json|
     -> Result<BTreeMap<String, usize>, SnapshotError> {
        let mut winners: BTreeMap<String, usize> = BTreeMap::new();
        for (i, snapshot) in ordered.iter().enumerate() {
            for key in keys(snapshot) {
                // Snapshots come in collection order: a later one wins unless it has more gaps
                // about the resource, or was read at the same time and its copy sorts first.
                let wins = match winners.get(key) {
                    None => true,
                    Some(&w) => match gaps_about(i, key).cmp(&gaps_about(w, key)) {
                        std::cmp::Ordering::Less => true,
                        std::cmp::Ordering::Greater => false,
                        std::cmp::Ordering::Equal => {
                            !ordered[w].collected_at.same_instant(&snapshot.collected_at)
                                || content(i, key, json)? > content(w, key, json)?
                        }
                    },
                };
                if wins {
                    winners.insert(key.clone(), i);
                }
            }
        }
        Ok(winners)
    };
    // The copy under `key`; the key came from the same map, so it is there (`null` otherwise).
    fn to_json<T: serde::Serialize>(value: Option<&T>) -> Result<String, SnapshotError> {
        serde_json::to_string(&value).map_err(SnapshotError::serialize)
    }
    let accounts = best(&|s| s.accounts.keys().collect(), &|s, k| {
        to_json(s.accounts.get(k))
    })?;
    let trails = best(&|s| s.trails.keys().collect(), &|s, k| {
        to_json(s.trails.get(k))
    })?;
    let buckets = best(&|s| s.buckets.keys().collect(), &|s, k| {
        to_json(s.buckets.get(k))
    })?;
    let kms_keys = best(&|s| s.kms_keys.keys().collect(), &|s, k| {
        to_json(s.kms_keys.get(k))
    })?;
    let organizations = best(&|s| s.organizations.keys().collect(), &|s, k| {
        to_json(s.organizations.get(k))
    })?;
    let log_groups = best(&|s| s.log_groups.keys().collect(), &|s, k| {
        to_json(s.log_groups.get(k))
    })?;
    let alarms = best(&|s| s.alarms.keys().collect(), &|s, k| {
        to_json(s.alarms.get(k))
    })?;
    let topics = best(&|s| s.topics.keys().collect(), &|s, k| {
        to_json(s.topics.get(k))
    })?;
    let event_data_stores = best(&|s| s.event_data_stores.keys().collect(), &|s, k| {
        to_json(s.event_data_stores.get(k))
    })?;
    // A snapshot's gap about a resource it holds stays when the resource comes from it.
    let mut holders: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    let all_winners = [
        &accounts,
        &trails,
        &buckets,
        &kms_keys,
        &organizations,
        &log_groups,
        &alarms,
        &topics,
        &event_data_stores,
    ];
    for winners in all_winners {
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
                || snapshot.organizations.contains_key(r)
                || snapshot.log_groups.contains_key(r)
                || snapshot.alarms.contains_key(r)
                || snapshot.topics.contains_key(r)
                || snapshot.event_data_stores.contains_key(r)
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
        merged.organizations.extend(
            snapshot
                .organizations
                .into_iter()
                .filter(|(key, _)| from(&organizations, key)),
        );
        merged.log_groups.extend(
            snapshot
                .log_groups
                .into_iter()
                .filter(|(key, _)| from(&log_groups, key)),
        );
        merged.alarms.extend(
            snapshot
                .alarms
                .into_iter()
                .filter(|(key, _)| from(&alarms, key)),
        );
        merged.topics.extend(
            snapshot
                .topics
                .into_iter()
                .filter(|(key, _)| from(&topics, key)),
        );
        merged.event_data_stores.extend(
            snapshot
                .event_data_stores
                .into_iter()
                .filter(|(key, _)| from(&event_data_stores, key)),
        );
    }
    merged.gaps.sort();
    merged.gaps.dedup();
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Bucket, Gap};

    fn snap(at: &str, bucket: &str, gap: &str) -> Snapshot {
        let mut s = Snapshot {
            schema_version: 1,
            collected_at: at.parse().unwrap(),
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
        let ab = merge(vec![a.clone(), b.clone()]).unwrap();
        let ba = merge(vec![b, a]).unwrap();
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
    fn copies_read_at_the_same_time_merge_the_same_in_any_order() {
        // Regression (found by tests/properties.rs): two shards collected in the same second
        // both holding the bucket, differently, with as many gaps: the later argument won, so
        // `eval a.json b.json` and `eval b.json a.json` judged different buckets.
        let mut a = snap("2026-01-01T00:00:00Z", "logs", "GetBucketPolicy");
        let mut b = a.clone();
        b.buckets.get_mut("logs").unwrap().region = Some("eu-west-1".into());
        a.collector_version = Some("0.1.0".into());
        b.collector_version = Some("0.2.0".into());
        let ab = merge(vec![a.clone(), b.clone()]).unwrap();
        assert_eq!(ab, merge(vec![b.clone(), a.clone()]).unwrap());
        assert_eq!(ab.collector_version.as_deref(), Some("0.2.0"));
        // Same bucket, gaps about it of the same number but different.
        b = a.clone();
        b.gaps[0].operation = "GetBucketAcl".into();
        assert_eq!(
            merge(vec![a.clone(), b.clone()]).unwrap(),
            merge(vec![b, a]).unwrap()
        );
    }

    #[test]
    fn a_log_group_of_an_unscanned_account_resolves_when_its_owners_snapshot_is_merged() {
        // The organisation trail's account saw the trail but not its log group (another account,
        // not scanned): the group is held without filters, with a gap. The owner's shard read
        // the filters: merged, the owner's read wins and the gap goes with the other copy.
        let key = "arn:aws:logs:us-east-1:222222222222:log-group:org";
        let group = |filters: crate::Collected<Vec<crate::MetricFilter>>| crate::LogGroup {
            arn: key.into(),
            account_id: "222222222222".into(),
            region: "us-east-1".into(),
            log_group_name: "org".into(),
            settings: crate::Collected::Unknown,
            metric_filters: filters,
        };
        let mut trail_shard = Snapshot {
            schema_version: 1,
            collected_at: "2026-02-01T00:00:00Z".parse().unwrap(),
            ..Snapshot::default()
        };
        trail_shard
            .log_groups
            .insert(key.into(), group(crate::Collected::Unknown));
        trail_shard.gaps.push(Gap {
            account_id: "111111111111".into(),
            service: "logs".into(),
            operation: "DescribeMetricFilters".into(),
            region: "us-east-1".into(),
            resource: key.into(),
            error_code: "AccountNotScanned".into(),
            message: String::new(),
        });
        let mut owner_shard = Snapshot {
            collected_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            ..trail_shard.clone()
        };
        owner_shard.gaps.clear();
        owner_shard
            .log_groups
            .insert(key.into(), group(crate::Collected::Present(Vec::new())));
        let merged = merge(vec![trail_shard.clone(), owner_shard.clone()]).unwrap();
        assert_eq!(merged, merge(vec![owner_shard, trail_shard]).unwrap());
        assert_eq!(
            merged.log_groups[key].metric_filters,
            crate::Collected::Present(Vec::new())
        );
        assert!(merged.gaps.is_empty(), "{:?}", merged.gaps);
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
        let merged = merge(vec![trail_shard.clone(), owner_shard.clone()]).unwrap();
        assert_eq!(merged, merge(vec![owner_shard, trail_shard]).unwrap());
        assert_eq!(
            merged.buckets["central"].region.as_deref(),
            Some("2026-01-01T00:00:00Z")
        );
        assert_eq!(merged.gaps, []);
        assert_eq!(merged.collected_at.as_str(), "2026-02-01T00:00:00Z");
    }

    #[test]
    fn the_later_instant_wins_a_merge_whatever_its_offset_says() {
        // As text "…T01:00:00+01:00" sorts after "…T00:30:00Z"; it was collected half an hour
        // before, so the UTC snapshot's copy of the bucket is the newer read.
        let mut a = snap("2026-01-01T01:00:00+01:00", "logs", "GetBucketPolicy");
        a.gaps.clear();
        let mut b = snap("2026-01-01T00:30:00Z", "logs", "GetBucketAcl");
        b.gaps.clear();
        let merged = merge(vec![a.clone(), b.clone()]).unwrap();
        assert_eq!(merged, merge(vec![b, a]).unwrap());
        assert_eq!(merged.collected_at.as_str(), "2026-01-01T00:30:00Z");
        assert_eq!(
            merged.buckets["logs"].region.as_deref(),
            Some("2026-01-01T00:30:00Z")
        );
    }

    #[test]
    fn spellings_of_one_instant_are_read_at_the_same_time_in_a_merge() {
        // `Z` and `+00:00` are the same instant: neither copy is "later", the tie-break on
        // content decides, and the merged text is the same in either order.
        let mut a = snap("2026-01-01T00:00:00Z", "logs", "GetBucketPolicy");
        let mut b = snap("2026-01-01T00:00:00+00:00", "logs", "GetBucketPolicy");
        a.buckets.get_mut("logs").unwrap().region = Some("a-region".into());
        b.buckets.get_mut("logs").unwrap().region = Some("b-region".into());
        let ab = merge(vec![a.clone(), b.clone()]).unwrap();
        let ba = merge(vec![b.clone(), a.clone()]).unwrap();
        assert_eq!(ab.to_json_pretty().unwrap(), ba.to_json_pretty().unwrap());
        // b's copy sorts last by JSON; a later argument would not change that.
        assert_eq!(ab.buckets["logs"].region.as_deref(), Some("b-region"));
        assert_eq!(ab.collected_at.as_str(), "2026-01-01T00:00:00Z");
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
        assert_eq!(merge(vec![a, b, c]).unwrap().gaps.len(), 3);
        assert_eq!(
            merge(Vec::new()).unwrap().schema_version,
            crate::SCHEMA_VERSION
        );
    }
}
