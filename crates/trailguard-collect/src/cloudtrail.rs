//! Trails: DescribeTrails per region, then per trail (in its home region) GetTrailStatus,
//! GetEventSelectors (only when the trail reports custom selectors), GetInsightSelectors (only
//! when it reports insight selectors), and ListTags for up to 20 trails of a region per call.

use crate::call::{Ctx, Scope};
use crate::sdk::Clients;
use crate::time::rfc3339;
use crate::Operation;
use aws_sdk_cloudtrail::types as aws;
use std::collections::BTreeMap;
use trailguard_snapshot::{
    AdvancedEventSelector, AdvancedFieldSelector, Collected, DataResource, EventSelector,
    InsightSelector, ReadWriteType, Trail, TrailStatus,
};

/// ListTags takes at most this many trail ARNs per call.
const LIST_TAGS_BATCH: usize = 20;

/// The AWS error that says a trail has no Insights (a fact, not a failure).
const INSIGHTS_NOT_ENABLED: &str = "InsightNotEnabledException";

/// Every trail `DescribeTrails` shows in one region, shadow and organisation trails included;
/// `None` when the call failed (a gap says why).
pub(crate) async fn describe_trails(
    ctx: &Ctx,
    clients: &Clients,
    account: &str,
    region: &str,
) -> Option<Vec<Trail>> {
    let scope = Scope::new(account, region, account);
    let client = clients.cloudtrail(region);
    let trails = ctx.call(
        Operation::DescribeTrails,
        &scope,
        client.describe_trails().include_shadow_trails(true).send(),
    );
    match trails.await {
        Ok(out) => Some(out.trail_list().iter().filter_map(trail).collect()),
        Err(failure) => {
            ctx.gap(Operation::DescribeTrails, &scope, &failure);
            None
        }
    }
}

fn trail(t: &aws::Trail) -> Option<Trail> {
    let arn = t.trail_arn()?.to_string();
    let account_id = arn.split(':').nth(4).unwrap_or_default().to_string();
    Some(Trail {
        name: t.name().unwrap_or_default().to_string(),
        account_id,
        home_region: t.home_region().unwrap_or_default().to_string(),
        s3_bucket_name: t.s3_bucket_name().map(str::to_string),
        s3_key_prefix: t.s3_key_prefix().map(str::to_string),
        sns_topic_arn: t.sns_topic_arn().map(str::to_string),
        include_global_service_events: t.include_global_service_events().unwrap_or(false),
        is_multi_region_trail: t.is_multi_region_trail().unwrap_or(false),
        is_organization_trail: t.is_organization_trail().unwrap_or(false),
        log_file_validation_enabled: t.log_file_validation_enabled().unwrap_or(false),
        cloud_watch_logs_log_group_arn: t.cloud_watch_logs_log_group_arn().map(str::to_string),
        cloud_watch_logs_role_arn: t.cloud_watch_logs_role_arn().map(str::to_string),
        kms_key_id: t.kms_key_id().map(str::to_string),
        has_custom_event_selectors: t.has_custom_event_selectors().unwrap_or(false),
        has_insight_selectors: t.has_insight_selectors().unwrap_or(false),
        trail_arn: arn,
        ..Trail::default()
    })
}

/// Fills in a trail's status and selectors, calling its home region.
pub(crate) async fn details(ctx: &Ctx, clients: &Clients, account: &str, trail: &mut Trail) {
    let region = trail.home_region.clone();
    let arn = trail.trail_arn.clone();
    let scope = Scope::new(account, &region, &arn);
    let client = clients.cloudtrail(&region);
    let status = ctx.read(
        Operation::GetTrailStatus,
        &scope,
        &[],
        client.get_trail_status().name(&arn).send(),
    );
    // A trail whose selectors were never set says so in DescribeTrails
    // (HasCustomEventSelectors false) and records AWS's default: asking adds nothing.
    let selectors = async {
        if trail.has_custom_event_selectors {
            ctx.read(
                Operation::GetEventSelectors,
                &scope,
                &[],
                client.get_event_selectors().trail_name(&arn).send(),
            )
            .await
            .map(|out| {
                (
                    out.event_selectors().iter().map(event_selector).collect(),
                    out.advanced_event_selectors()
                        .iter()
                        .map(advanced_selector)
                        .collect(),
                )
            })
        } else {
            Collected::Present((vec![aws_default_selector()], Vec::new()))
        }
    };
    // A trail without insight selectors says so in DescribeTrails; asking would only return
    // InsightNotEnabledException.
    let insights = async {
        if trail.has_insight_selectors {
            ctx.read(
                Operation::GetInsightSelectors,
                &scope,
                &[INSIGHTS_NOT_ENABLED],
                client.get_insight_selectors().trail_name(&arn).send(),
            )
            .await
        } else {
            Collected::Absent
        }
    };
    let (status, selectors, insights) = tokio::join!(status, selectors, insights);
    trail.status = status.map(|s| TrailStatus {
        is_logging: s.is_logging().unwrap_or(false),
        latest_delivery_error: non_empty(s.latest_delivery_error()),
        latest_notification_error: non_empty(s.latest_notification_error()),
        latest_cloud_watch_logs_delivery_error: non_empty(
            s.latest_cloud_watch_logs_delivery_error(),
        ),
        latest_digest_delivery_error: non_empty(s.latest_digest_delivery_error()),
        latest_delivery_time: s.latest_delivery_time().and_then(rfc3339),
        latest_digest_delivery_time: s.latest_digest_delivery_time().and_then(rfc3339),
        latest_cloud_watch_logs_delivery_time: s
            .latest_cloud_watch_logs_delivery_time()
            .and_then(rfc3339),
        latest_notification_time: s.latest_notification_time().and_then(rfc3339),
        start_logging_time: s.start_logging_time().and_then(rfc3339),
        stop_logging_time: s.stop_logging_time().and_then(rfc3339),
    });
    match selectors {
        Collected::Present((basic, advanced)) => {
            trail.event_selectors = Collected::Present(basic);
            trail.advanced_event_selectors = Collected::Present(advanced);
        }
        Collected::Absent | Collected::Unknown => {
            trail.event_selectors = Collected::Unknown;
            trail.advanced_event_selectors = Collected::Unknown;
        }
    }
    trail.insight_selectors = insights.map(|out| {
        out.insight_selectors()
            .iter()
            .filter_map(|s| {
                s.insight_type().map(|t| InsightSelector {
                    insight_type: t.as_str().to_string(),
                })
            })
            .collect()
    });
}

/// The selector AWS records for a trail whose selectors were never set: every management event,
/// read and write, no data events.
fn aws_default_selector() -> EventSelector {
    EventSelector {
        read_write_type: ReadWriteType::All,
        include_management_events: true,
        data_resources: Vec::new(),
        exclude_management_event_sources: Vec::new(),
    }
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

fn event_selector(s: &aws::EventSelector) -> EventSelector {
    EventSelector {
        read_write_type: match s.read_write_type() {
            Some(aws::ReadWriteType::ReadOnly) => ReadWriteType::ReadOnly,
            Some(aws::ReadWriteType::WriteOnly) => ReadWriteType::WriteOnly,
            _ => ReadWriteType::All,
        },
        include_management_events: s.include_management_events().unwrap_or(true),
        data_resources: s
            .data_resources()
            .iter()
            .map(|d| DataResource {
                resource_type: d.r#type().unwrap_or_default().to_string(),
                values: d.values().to_vec(),
            })
            .collect(),
        exclude_management_event_sources: s.exclude_management_event_sources().to_vec(),
    }
}

fn advanced_selector(s: &aws::AdvancedEventSelector) -> AdvancedEventSelector {
    AdvancedEventSelector {
        name: s.name().map(str::to_string),
        field_selectors: s
            .field_selectors()
            .iter()
            .map(|f| AdvancedFieldSelector {
                field: f.field().to_string(),
                equals: f.equals().to_vec(),
                starts_with: f.starts_with().to_vec(),
                ends_with: f.ends_with().to_vec(),
                not_equals: f.not_equals().to_vec(),
                not_starts_with: f.not_starts_with().to_vec(),
                not_ends_with: f.not_ends_with().to_vec(),
            })
            .collect(),
    }
}

/// The tags of trails that share a home region, up to [`LIST_TAGS_BATCH`] per call. A trail
/// missing from the result has no tags; a failed call leaves its trails' tags unknown, with a
/// gap for each.
pub(crate) async fn tags(
    ctx: &Ctx,
    clients: &Clients,
    account: &str,
    region: &str,
    arns: &[String],
) -> BTreeMap<String, Collected<BTreeMap<String, String>>> {
    let client = clients.cloudtrail(region);
    let batches = arns.chunks(LIST_TAGS_BATCH).map(|batch| async {
        let scope = Scope::new(account, region, account);
        let pages = ctx.pages(
            Operation::ListTags,
            &scope,
            client
                .list_tags()
                .set_resource_id_list(Some(batch.to_vec()))
                .into_paginator()
                .send(),
        );
        match pages.await {
            Ok(pages) => {
                let mut found: BTreeMap<String, BTreeMap<String, String>> = batch
                    .iter()
                    .map(|arn| (arn.clone(), BTreeMap::new()))
                    .collect();
                for resource in pages.iter().flat_map(|p| p.resource_tag_list()) {
                    if let Some(id) = resource.resource_id() {
                        let tags = found.entry(id.to_string()).or_default();
                        for tag in resource.tags_list() {
                            tags.insert(
                                tag.key().to_string(),
                                tag.value().unwrap_or_default().to_string(),
                            );
                        }
                    }
                }
                found
                    .into_iter()
                    .map(|(arn, tags)| (arn, Collected::Present(tags)))
                    .collect::<Vec<_>>()
            }
            Err(failure) => batch
                .iter()
                .map(|arn| {
                    ctx.gap(
                        Operation::ListTags,
                        &Scope::new(account, region, arn),
                        &failure,
                    );
                    (arn.clone(), Collected::Unknown)
                })
                .collect(),
        }
    });
    futures_util::future::join_all(batches)
        .await
        .into_iter()
        .flatten()
        .collect()
}
