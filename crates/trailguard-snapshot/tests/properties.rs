//! Property tests of [`merge`]: the order of the snapshots never matters, merging is idempotent
//! and has the empty snapshot as identity, and an organisation split into one snapshot per account
//! (as sharded collection writes it) merges back into the snapshot of all of them.
//!
//! The snapshots come from the strategy shared with the end-to-end determinism tests,
//! `tests/common/snapshot_strategy.rs`. Failures are persisted under `proptest-regressions/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

#[path = "../../../tests/common/snapshot_strategy.rs"]
mod snapshot_strategy;

use proptest::prelude::*;
use snapshot_strategy::{shard_by_account, snapshot};
use trailguard_snapshot::{merge, Snapshot};

/// Two to four snapshots that overlap: the pools are small, so they share accounts, trails,
/// buckets and keys, often with different contents and different gaps, and often the same
/// collection time.
fn snapshot_set() -> impl Strategy<Value = Vec<Snapshot>> {
    proptest::collection::vec(snapshot(), 2..5)
}

/// Both the value and the JSON text the snapshot would be written as.
fn assert_same(a: &Snapshot, b: &Snapshot) -> Result<(), TestCaseError> {
    prop_assert_eq!(a, b);
    prop_assert_eq!(a.to_json_pretty().unwrap(), b.to_json_pretty().unwrap());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, max_shrink_iters: 2048, ..ProptestConfig::default() })]

    #[test]
    fn merge_does_not_depend_on_the_order_of_snapshots(
        (set, shuffled) in snapshot_set().prop_flat_map(|set| (Just(set.clone()), Just(set).prop_shuffle())),
    ) {
        let merged = merge(set.clone()).unwrap();
        assert_same(&merged, &merge(shuffled).unwrap())?;
        let mut reversed = set;
        reversed.reverse();
        assert_same(&merged, &merge(reversed).unwrap())?;
    }

    #[test]
    fn merge_is_idempotent(set in snapshot_set(), one in snapshot()) {
        // A snapshot as the collector writes it is its own merge.
        assert_same(&merge(vec![one.clone()]).unwrap(), &one)?;
        assert_same(&merge(vec![one.clone(), one.clone()]).unwrap(), &one)?;
        // Merging a merge with itself or with its parts changes nothing.
        let merged = merge(set.clone()).unwrap();
        assert_same(&merge(vec![merged.clone(), merged.clone()]).unwrap(), &merged)?;
        let mut doubled = set.clone();
        doubled.extend(set);
        assert_same(&merge(doubled).unwrap(), &merged)?;
    }

    #[test]
    fn merging_with_an_empty_snapshot_is_identity(one in snapshot(), set in snapshot_set()) {
        // An empty snapshot collected no later than the other adds nothing.
        let empty = || Snapshot { schema_version: 1, ..Snapshot::default() };
        let empty_then = Snapshot { collected_at: one.collected_at.clone(), ..empty() };
        assert_same(&merge(vec![one.clone(), empty()]).unwrap(), &one)?;
        assert_same(&merge(vec![empty(), one.clone()]).unwrap(), &one)?;
        assert_same(&merge(vec![empty_then.clone(), one.clone()]).unwrap(), &one)?;
        assert_same(&merge(vec![one.clone(), empty_then]).unwrap(), &one)?;
        let merged = merge(set.clone()).unwrap();
        let mut with_empty = set;
        with_empty.insert(1, empty());
        assert_same(&merge(with_empty).unwrap(), &merged)?;
    }

    #[test]
    fn an_organisation_sharded_by_account_merges_back_whole(
        (whole, shards) in snapshot().prop_flat_map(|s| {
            let shards = shard_by_account(&s);
            (Just(s), Just(shards).prop_shuffle())
        }),
    ) {
        prop_assert_eq!(shards.len(), whole.accounts.len());
        // Each shard is a valid snapshot on its own.
        for shard in &shards {
            prop_assert_eq!(&Snapshot::from_json(&shard.to_json_pretty().unwrap()).unwrap(), shard);
        }
        assert_same(&merge(shards).unwrap(), &whole)?;
    }
}
