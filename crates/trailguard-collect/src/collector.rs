//! The order of a collection, in three rounds of concurrent calls:
//!
//! 1. per account: who the credentials are, and which regions to read;
//! 2. per account: the trails of every region, the buckets it owns, its Block Public Access,
//!    IAM and organisation;
//! 3. per trail, log bucket and KMS key found in round 2: their configuration, each read once,
//!    with the credentials of the account that owns it when that account is scanned; per
//!    organisation found in round 2, its tree and control policies, read once with the
//!    management account's credentials when it is scanned, else with the first member's AWS
//!    lets read them (a delegated administrator); a gap when none may; and per account and
//!    region read, its EventBridge rules and AWS Config;
//! 4. the monitoring chain (crate::monitoring): each trail's log group with its metric filters
//!    and the alarms on their metrics, then the SNS topics the alarms and rules notify.

use crate::call::Ctx;
use crate::error::CollectError;
use crate::options::{Options, Regions};
use crate::s3::BucketRequest;
use crate::sdk::{self, Clients, FALLBACK_REGION};
use crate::{account, cloudtrail, guardrails, iam, kms, monitoring, s3, time, CallStats, Progress};
use futures_util::future::join_all;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use trailguard_snapshot::{
    Account, CallerIdentity, Collected, Iam, Organization, PublicAccessBlock, Snapshot, Trail,
    SCHEMA_VERSION,
};

/// What a collection produced.
#[derive(Debug, Clone)]
pub struct Collection {
    /// The snapshot, gaps included.
    pub snapshot: Snapshot,
    /// How many calls of each operation were made.
    pub calls: CallStats,
}

/// One account being scanned.
struct Scanned {
    id: String,
    identity: CallerIdentity,
    clients: Clients,
    regions: Vec<String>,
}

/// What round 2 found in one account.
struct AccountFacts {
    /// Every trail DescribeTrails showed, in every region read, once each (by ARN).
    trails: Vec<Trail>,
    owned_buckets: Option<BTreeSet<String>>,
    public_access_block: Collected<PublicAccessBlock>,
    iam: Collected<Iam>,
    organization: Collected<Organization>,
}

/// Collects a snapshot of the accounts `options` select.
///
/// Stops with an error only when there is nothing to collect with: no credentials, an endpoint
/// that cannot be reached, credentials AWS refuses, a role that cannot be assumed, no region.
/// Any other failed call becomes a gap in the snapshot, and collection goes on.
pub async fn collect(
    options: &Options,
    progress: Arc<dyn Progress>,
) -> Result<Collection, CollectError> {
    let ctx = Ctx::new(options.concurrency, progress);
    ctx.stage("checking credentials");
    let base = sdk::load(options).await;
    sdk::check_credentials(&base).await?;
    let configured_region = base.region().map(|r| r.as_ref().to_string());
    let home_region = match &options.regions {
        Regions::Listed(regions) => regions.first().cloned(),
        _ => None,
    }
    .or_else(|| configured_region.clone())
    .unwrap_or_else(|| FALLBACK_REGION.to_string());
    if options.regions == Regions::Configured && configured_region.is_none() {
        return Err(CollectError::NoRegion);
    }
    let endpoint = sdk::endpoint_label(&base);

    let mut configs = Vec::new();
    if options.roles.is_empty() {
        configs.push(base.clone());
    }
    for role in &options.roles {
        if !is_role_arn(&role.arn) {
            return Err(CollectError::BadRoleArn(role.arn.clone()));
        }
        ctx.stage(&format!("assuming {}", role.arn));
        configs.push(sdk::assume_role(&base, &role.arn, role.external_id.as_deref()).await?);
    }

    ctx.stage("identifying accounts");
    let mut scanned: Vec<Scanned> = Vec::new();
    for config in configs {
        let clients = Clients::new(config, home_region.clone());
        let identity = account::caller_identity(&ctx, &clients, &endpoint).await?;
        if scanned.iter().any(|s| s.id == identity.account) {
            continue; // Two roles in one account: read it once.
        }
        scanned.push(Scanned {
            id: identity.account.clone(),
            identity,
            clients,
            regions: Vec::new(),
        });
    }
    for account in &mut scanned {
        account.regions = match &options.regions {
            Regions::Listed(regions) => regions.clone(),
            Regions::Configured => vec![home_region.clone()],
            Regions::AllEnabled => account::enabled_regions(&ctx, &account.clients, &account.id)
                .await
                .unwrap_or_else(|| vec![home_region.clone()]),
        };
    }

    ctx.stage("reading trails, IAM and account settings");
    let facts: Vec<AccountFacts> = join_all(scanned.iter().map(|a| account_facts(&ctx, a))).await;

    // Each trail once, read by its owner when the owner is scanned, else by the first account
    // that sees it (an organisation trail seen from a member account).
    let scanned_ids: BTreeSet<&str> = scanned.iter().map(|a| a.id.as_str()).collect();
    let mut trails: BTreeMap<String, Trail> = BTreeMap::new();
    let mut reader: BTreeMap<String, usize> = BTreeMap::new();
    for (i, f) in facts.iter().enumerate() {
        for trail in &f.trails {
            let owner_scanned = scanned_ids.contains(trail.account_id.as_str());
            let is_owner = scanned[i].id == trail.account_id;
            if !trails.contains_key(&trail.trail_arn) || (owner_scanned && is_owner) {
                trails.insert(trail.trail_arn.clone(), trail.clone());
                reader.insert(trail.trail_arn.clone(), i);
            }
        }
    }
    let reader_of = |arn: &str| reader.get(arn).copied().unwrap_or(0);

    // Log buckets: read by their owner when a scanned account owns them.
    let mut bucket_jobs: BTreeMap<String, (usize, Option<usize>, String)> = BTreeMap::new();
    for (arn, trail) in &trails {
        let Some(name) = &trail.s3_bucket_name else {
            continue;
        };
        if bucket_jobs.contains_key(name) {
            continue;
        }
        let owner = facts.iter().position(|f| {
            f.owned_buckets
                .as_ref()
                .is_some_and(|owned| owned.contains(name))
        });
        let by = owner.unwrap_or_else(|| reader_of(arn));
        bucket_jobs.insert(name.clone(), (by, owner, trail.home_region.clone()));
    }
    // KMS keys: read in the key's account when it is scanned.
    let mut key_jobs: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (arn, trail) in &trails {
        let Some(key) = &trail.kms_key_id else {
            continue;
        };
        if key_jobs.contains_key(key) {
            continue;
        }
        // A key ARN in a scanned account is read there; any other KmsKeyId (another account's
        // key, or one that is not a key ARN) by the trail's reader, whose gaps say why.
        let key_account = kms::key_account(key);
        let by = scanned
            .iter()
            .position(|a| Some(&a.id) == key_account.as_ref())
            .unwrap_or_else(|| reader_of(arn));
        key_jobs.insert(key.clone(), (by, trail.home_region.clone()));
    }
    // Trail tags: one ListTags per reading account and home region, 20 trails a call.
    let mut tag_jobs: BTreeMap<(usize, String), Vec<String>> = BTreeMap::new();
    for (arn, trail) in &trails {
        tag_jobs
            .entry((reader_of(arn), trail.home_region.clone()))
            .or_default()
            .push(arn.clone());
    }

    ctx.stage(&format!(
        "reading {} trails, {} log buckets, {} KMS keys",
        trails.len(),
        bucket_jobs.len(),
        key_jobs.len()
    ));
    let details = join_all(trails.iter_mut().map(|(arn, trail)| {
        let a = &scanned[reader_of(arn)];
        cloudtrail::details(&ctx, &a.clients, &a.id, trail)
    }));
    let tags = join_all(tag_jobs.iter().map(|((i, region), arns)| {
        let a = &scanned[*i];
        cloudtrail::tags(&ctx, &a.clients, &a.id, region, arns)
    }));
    let buckets = join_all(bucket_jobs.iter().map(|(name, (by, owner, region))| {
        let a = &scanned[*by];
        s3::bucket(
            &ctx,
            &a.clients,
            BucketRequest {
                name,
                account: &a.id,
                owner: owner.map(|o| scanned[o].id.as_str()),
                fallback_region: region,
            },
        )
    }));
    let keys = join_all(key_jobs.iter().map(|(arn, (by, region))| {
        let a = &scanned[*by];
        kms::key(&ctx, &a.clients, &a.id, arn, region)
    }));
    // Organisations: each read once, by its management account when that is scanned, else by
    // the first scanned member AWS lets read it (a delegated administrator).
    let mut org_jobs: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, f) in facts.iter().enumerate() {
        if let Some(org) = f.organization.present() {
            let readers = org_jobs.entry(org.id.clone()).or_default();
            if org.master_account_id == scanned[i].id {
                readers.insert(0, i);
            } else {
                readers.push(i);
            }
        }
    }
    let ctx_ref = &ctx;
    let scanned_ref = &scanned;
    let organizations = join_all(org_jobs.iter().map(|(id, by)| async move {
        let readers: Vec<guardrails::Reader<'_>> = by
            .iter()
            .map(|&i| (scanned_ref[i].id.as_str(), &scanned_ref[i].clients))
            .collect();
        guardrails::organization_policies(ctx_ref, &readers, id).await
    }));
    let readers: Vec<monitoring::Reader<'_>> = scanned
        .iter()
        .map(|a| monitoring::Reader {
            id: &a.id,
            clients: &a.clients,
            regions: &a.regions,
        })
        .collect();
    let regional = monitoring::regions(&ctx, &readers);
    let lake = crate::lake::stores(&ctx, &readers);
    let (_, tags, buckets, keys, organizations, regional, event_data_stores) =
        tokio::join!(details, tags, buckets, keys, organizations, regional, lake);
    ctx.stage("reading the trails' log groups, metric filters, alarms and topics");
    let (log_groups, alarms) = monitoring::log_groups(&ctx, &readers, &trails, reader_of).await;
    let topics = monitoring::topics(&ctx, &readers, &trails, &alarms, &regional).await;
    drop(readers);
    for (arn, tags) in tags.into_iter().flatten() {
        if let Some(trail) = trails.get_mut(&arn) {
            trail.tags = tags;
        }
    }

    let accounts = scanned
        .into_iter()
        .zip(facts)
        .zip(regional)
        .map(|((a, f), monitoring)| {
            let account = Account {
                account_id: a.id.clone(),
                caller_identity: Some(a.identity),
                organization: f.organization,
                regions: a.regions,
                trail_arns: f.trails.iter().map(|t| t.trail_arn.clone()).collect(),
                public_access_block: f.public_access_block,
                iam: f.iam,
                monitoring,
            };
            (a.id, account)
        })
        .collect();
    let snapshot = Snapshot {
        schema_version: SCHEMA_VERSION,
        collected_at: time::now()?,
        collector_version: Some(env!("CARGO_PKG_VERSION").to_string()),
        accounts,
        trails,
        buckets: buckets
            .into_iter()
            .flatten()
            .map(|b| (b.name.clone(), b))
            .collect(),
        kms_keys: keys.into_iter().map(|k| (k.arn.clone(), k)).collect(),
        organizations: organizations
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect(),
        log_groups,
        alarms,
        topics,
        event_data_stores,
        gaps: ctx.take_gaps(),
    };
    Ok(Collection {
        snapshot,
        calls: ctx.stats(),
    })
}

/// [`collect`] on a runtime of its own, for callers that are not async, stopped by Ctrl-C.
///
/// Ctrl-C (SIGINT) during the collection drops every call in flight and returns
/// [`CollectError::Interrupted`] at once; nothing has been written, since only the caller writes.
/// The handler stays installed once this returns (tokio never removes it), so a Ctrl-C that comes
/// while the caller writes the snapshot does not kill the process half-way through the write:
/// the (atomic) write completes.
pub fn collect_blocking(
    options: &Options,
    progress: Arc<dyn Progress>,
) -> Result<Collection, CollectError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("trailguard-collect")
        .build()?;
    let result = runtime.block_on(async {
        let collection = collect(options, progress);
        tokio::pin!(collection);
        let interrupted = interrupted();
        tokio::pin!(interrupted);
        // Biased: the handler is installed (first poll of `interrupted`) before the first call.
        tokio::select! {
            biased;
            () = &mut interrupted => Err(CollectError::Interrupted),
            result = &mut collection => result,
        }
    });
    if matches!(result, Err(CollectError::Interrupted)) {
        // Do not wait for tasks of the SDK (credential refreshes, connection pools) to finish.
        runtime.shutdown_background();
    }
    result
}

/// Completes on Ctrl-C; never, when the handler cannot be installed.
async fn interrupted() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Round 2 for one account.
async fn account_facts(ctx: &Ctx, a: &Scanned) -> AccountFacts {
    let trails = join_all(
        a.regions
            .iter()
            .map(|region| cloudtrail::describe_trails(ctx, &a.clients, &a.id, region)),
    );
    let (trails, owned_buckets, public_access_block, iam, organization) = tokio::join!(
        trails,
        s3::owned_buckets(ctx, &a.clients, &a.id),
        account::public_access_block(ctx, &a.clients, &a.id),
        iam::iam(ctx, &a.clients, &a.id),
        account::organization(ctx, &a.clients, &a.id),
    );
    // A multi-region trail appears in every region; keep one copy, in ARN order.
    let mut unique: BTreeMap<String, Trail> = BTreeMap::new();
    for trail in trails.into_iter().flatten().flatten() {
        unique.entry(trail.trail_arn.clone()).or_insert(trail);
    }
    AccountFacts {
        trails: unique.into_values().collect(),
        owned_buckets,
        public_access_block,
        iam,
        organization,
    }
}

/// `arn:PARTITION:iam::ACCOUNT:role/NAME`.
fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "iam"
        && trailguard_snapshot::is_account_id(parts[4])
        && parts[5].starts_with("role/")
}

#[cfg(test)]
mod tests {
    use super::is_role_arn;

    #[test]
    fn role_arns_are_recognised() {
        assert!(is_role_arn("arn:aws:iam::123456789012:role/audit"));
        assert!(is_role_arn(
            "arn:aws-us-gov:iam::123456789012:role/path/audit"
        ));
        assert!(!is_role_arn("arn:aws:iam::123456789012:user/alice"));
        assert!(!is_role_arn("arn:aws:iam::12345:role/audit"));
        assert!(!is_role_arn("audit"));
    }
}
