//! The monitoring chain of a collection: each trail's log group with its metric filters and the
//! alarms on their metrics; each scanned region's EventBridge rules and AWS Config; then every
//! SNS topic an alarm or a rule notifies.

use crate::call::Ctx;
use crate::sdk::Clients;
use crate::{cloudwatch, config, events, logs, sns};
use futures_util::future::join_all;
use std::collections::BTreeMap;
use trailguard_snapshot::{Alarm, Collected, LogGroup, RegionMonitoring, Topic, Trail};

/// A scanned account: its id, clients and the regions read.
pub(crate) struct Reader<'a> {
    pub id: &'a str,
    pub clients: &'a Clients,
    pub regions: &'a [String],
}

/// The trails' log groups (each read once, by its owner when the owner is scanned) and the
/// alarms on their filters' metrics.
pub(crate) async fn log_groups(
    ctx: &Ctx,
    readers: &[Reader<'_>],
    trails: &BTreeMap<String, Trail>,
    reader_of: impl Fn(&str) -> usize,
) -> (BTreeMap<String, LogGroup>, BTreeMap<String, Alarm>) {
    // Each group once: key -> (where it is, the account that saw it).
    let mut jobs: BTreeMap<String, (logs::Place, usize)> = BTreeMap::new();
    for (arn, trail) in trails {
        let Some(group_arn) = &trail.cloud_watch_logs_log_group_arn else {
            continue;
        };
        match logs::locate(group_arn) {
            Some(place) => {
                jobs.entry(place.key.clone())
                    .or_insert((place, reader_of(arn)));
            }
            None => {
                let seen_by = &readers[reader_of(arn)];
                ctx.incomplete(
                    crate::Operation::DescribeMetricFilters,
                    &crate::call::Scope::new(seen_by.id, &trail.home_region, arn),
                    format!(
                        "the trail's CloudWatchLogsLogGroupArn {group_arn} is not a log group ARN"
                    ),
                );
            }
        }
    }
    let read = join_all(jobs.values().map(|(place, seen_by)| async move {
        let owner = readers.iter().find(|r| r.id == place.account);
        let mut group =
            logs::log_group(ctx, owner.map(|o| o.clients), readers[*seen_by].id, place).await;
        let mut alarms = Vec::new();
        if let (Some(owner), Collected::Present(filters)) = (owner, &mut group.metric_filters) {
            // Every metric's alarms at once (within the service's concurrency limit).
            let mut metrics: Vec<&mut trailguard_snapshot::MetricTransformation> = filters
                .iter_mut()
                .flat_map(|f| f.metric_transformations.iter_mut())
                .collect();
            let found = join_all(metrics.iter().map(|metric| {
                cloudwatch::alarms_for_metric(
                    ctx,
                    owner.clients,
                    owner.id,
                    &place.region,
                    (&metric.metric_namespace, &metric.metric_name),
                    &place.key,
                )
            }))
            .await;
            for (metric, found) in metrics.iter_mut().zip(found) {
                metric.alarm_arns = match found {
                    Collected::Present(found) => {
                        let arns = found.iter().map(|a| a.alarm_arn.clone()).collect();
                        alarms.extend(found);
                        Collected::Present(arns)
                    }
                    Collected::Absent => Collected::Present(Vec::new()),
                    Collected::Unknown => Collected::Unknown,
                };
            }
        }
        (group, alarms)
    }));
    let mut groups = BTreeMap::new();
    let mut alarms = BTreeMap::new();
    for (group, found) in read.await {
        for alarm in found {
            alarms.insert(alarm.alarm_arn.clone(), alarm);
        }
        groups.insert(group.arn.clone(), group);
    }
    (groups, alarms)
}

/// Each scanned account's EventBridge rules and AWS Config, by region read.
pub(crate) async fn regions(
    ctx: &Ctx,
    readers: &[Reader<'_>],
) -> Vec<BTreeMap<String, RegionMonitoring>> {
    join_all(readers.iter().map(|r| async move {
        let per_region = join_all(r.regions.iter().map(|region| async move {
            let (event_rules, config) = tokio::join!(
                events::rules(ctx, r.clients, r.id, region),
                config::config(ctx, r.clients, r.id, region),
            );
            (
                region.clone(),
                RegionMonitoring {
                    event_rules,
                    config,
                },
            )
        }));
        per_region.await.into_iter().collect()
    }))
    .await
}

/// Every SNS topic the trails, alarms and EventBridge rules notify, each read once: by its owner
/// when the owner is scanned, else by the account whose trail, alarm or rule names it.
pub(crate) async fn topics(
    ctx: &Ctx,
    readers: &[Reader<'_>],
    trails: &BTreeMap<String, Trail>,
    alarms: &BTreeMap<String, Alarm>,
    regional: &[BTreeMap<String, RegionMonitoring>],
) -> BTreeMap<String, Topic> {
    let mut named: BTreeMap<String, &str> = BTreeMap::new();
    for trail in trails.values() {
        if let Some(topic) = trail.sns_topic_arn.as_ref().filter(|t| !t.is_empty()) {
            named
                .entry(topic.clone())
                .or_insert(trail.account_id.as_str());
        }
    }
    for alarm in alarms.values() {
        for action in &alarm.alarm_actions {
            named
                .entry(action.clone())
                .or_insert(alarm.account_id.as_str());
        }
    }
    for (reader, per_region) in readers.iter().zip(regional) {
        for monitoring in per_region.values() {
            let Collected::Present(rules) = &monitoring.event_rules else {
                continue;
            };
            for rule in rules {
                if let Collected::Present(targets) = &rule.targets {
                    for target in targets {
                        named.entry(target.arn.clone()).or_insert(reader.id);
                    }
                }
            }
        }
    }
    let jobs: Vec<(String, (String, String), &Reader<'_>)> = named
        .into_iter()
        .filter_map(|(arn, seen_by)| {
            let place = sns::locate(&arn)?;
            // Its owner when scanned, else the account whose alarm or rule names it, else any
            // scanned account: never dropped without a read (a failed read is a gap).
            let reader = readers
                .iter()
                .find(|r| r.id == place.1)
                .or_else(|| readers.iter().find(|r| r.id == seen_by))
                .or_else(|| readers.first())?;
            Some((arn, place, reader))
        })
        .collect();
    join_all(jobs.iter().map(|(arn, place, reader)| async move {
        let topic = sns::topic(ctx, reader.clients, reader.id, arn, place).await;
        (arn.clone(), topic)
    }))
    .await
    .into_iter()
    .collect()
}
