//! Joining several snapshots into one, so a central log bucket collected in one account resolves
//! the trails of another.

use crate::Snapshot;

/// Merges snapshots into one.
///
/// Maps are joined by key. When two snapshots hold the same resource, the one collected later
/// wins (ties: the later argument), so merging is independent of the order of snapshots with
/// distinct collection times. Gaps are joined, sorted and de-duplicated; a gap about a resource
/// that another snapshot did read is kept, since it is still true of the credentials that met it.
pub fn merge(snapshots: Vec<Snapshot>) -> Snapshot {
    let mut ordered = snapshots;
    // Stable: equal times keep argument order, so the later argument is applied last.
    ordered.sort_by(|a, b| a.collected_at.cmp(&b.collected_at));
    let mut iter = ordered.into_iter();
    let Some(mut merged) = iter.next() else {
        return Snapshot {
            schema_version: crate::SCHEMA_VERSION,
            ..Snapshot::default()
        };
    };
    for next in iter {
        merged.collected_at = next.collected_at;
        if next.collector_version.is_some() {
            merged.collector_version = next.collector_version;
        }
        merged.accounts.extend(next.accounts);
        merged.trails.extend(next.trails);
        merged.buckets.extend(next.buckets);
        merged.kms_keys.extend(next.kms_keys);
        merged.gaps.extend(next.gaps);
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
        assert_eq!(ab.gaps.len(), 2);
    }
}
