//! CloudTrail Lake: the event data stores of each scanned account's collected regions
//! (ListEventDataStores, then GetEventDataStore for each store it returns, in the store's
//! region). Lake is closed to new customers: most accounts have none, and then only the listing
//! is called.

use crate::call::{Ctx, Scope};
use crate::monitoring::Reader;
use crate::Operation;
use futures_util::future::join_all;
use std::collections::BTreeMap;
use trailguard_snapshot::{Arn, Collected, EventDataStore};

/// Every event data store the scanned accounts list in their collected regions, by ARN, each
/// read once (by the first account that lists it).
pub(crate) async fn stores(ctx: &Ctx, readers: &[Reader<'_>]) -> BTreeMap<String, EventDataStore> {
    let listed = join_all(readers.iter().flat_map(|r| {
        r.regions.iter().map(move |region| async move {
            let scope = Scope::new(r.id, region, r.id);
            let pages = ctx
                .read_pages(
                    Operation::ListEventDataStores,
                    &scope,
                    r.clients
                        .cloudtrail(region)
                        .list_event_data_stores()
                        .into_paginator()
                        .send(),
                )
                .await;
            let arns: Vec<String> = match pages {
                Collected::Present(pages) => {
                    let listed: Vec<_> = pages.iter().flat_map(|p| p.event_data_stores()).collect();
                    let arns: Vec<String> = listed
                        .iter()
                        .filter_map(|s| s.event_data_store_arn().map(str::to_string))
                        .collect();
                    if arns.len() < listed.len() {
                        // A store listed without its ARN cannot be read: say so, never drop it.
                        ctx.incomplete(
                            Operation::ListEventDataStores,
                            &scope,
                            format!(
                                "ListEventDataStores answered {} event data store(s) without an ARN",
                                listed.len() - arns.len()
                            ),
                        );
                    }
                    arns
                }
                // A failed listing is a gap (recorded by read_pages): its stores are unknown.
                Collected::Absent | Collected::Unknown => Vec::new(),
            };
            (r, arns)
        })
    }))
    .await;
    let mut jobs: BTreeMap<String, &Reader<'_>> = BTreeMap::new();
    for (reader, arns) in listed {
        for arn in arns {
            jobs.entry(arn).or_insert(reader);
        }
    }
    join_all(
        jobs.into_iter()
            .map(|(arn, reader)| async move { (arn.clone(), store(ctx, reader, &arn).await) }),
    )
    .await
    .into_iter()
    .filter_map(|(arn, store)| store.map(|s| (arn, s)))
    .collect()
}

/// One event data store, read in its region; `None` when the read failed (a gap says why) or
/// its ARN names no region and account.
async fn store(ctx: &Ctx, reader: &Reader<'_>, arn: &str) -> Option<EventDataStore> {
    let parsed = Arn::parse(arn).ok();
    let (Some(region), Some(account)) = (
        parsed
            .as_ref()
            .map(|a| a.region().to_string())
            .filter(|r| !r.is_empty()),
        parsed
            .as_ref()
            .and_then(|a| a.account_id())
            .map(str::to_string),
    ) else {
        let scope = Scope::new(reader.id, "", arn);
        ctx.incomplete(
            Operation::ListEventDataStores,
            &scope,
            format!("ListEventDataStores answered {arn:?}, which is not an event data store ARN"),
        );
        return None;
    };
    let scope = Scope::new(reader.id, &region, arn);
    let out = ctx
        .read(
            Operation::GetEventDataStore,
            &scope,
            &[],
            reader
                .clients
                .cloudtrail(&region)
                .get_event_data_store()
                .event_data_store(arn)
                .send(),
        )
        .await;
    let Collected::Present(out) = out else {
        return None;
    };
    Some(EventDataStore {
        event_data_store_arn: arn.to_string(),
        account_id: account,
        region,
        name: out.name().map(str::to_string),
        status: out.status().map(|s| s.as_str().to_string()),
        multi_region_enabled: out.multi_region_enabled(),
        organization_enabled: out.organization_enabled(),
        retention_period: out.retention_period().map(i64::from),
        termination_protection_enabled: out.termination_protection_enabled(),
        kms_key_id: out
            .kms_key_id()
            .filter(|k| !k.is_empty())
            .map(str::to_string),
        billing_mode: out.billing_mode().map(|b| b.as_str().to_string()),
    })
}
