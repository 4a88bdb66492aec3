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
    AdvancedEventSelector, AdvancedFieldSelector, Arn, Collected, DataResource, EventSelector,
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
        Ok(out) => Some(trails_of(ctx, account, region, out.trail_list())),
        Err(failure) => {
            ctx.gap(Operation::DescribeTrails, &scope, &failure);
            None
        }
    }
}

/// The trails of a DescribeTrails answer; each one described without a field the snapshot
/// needs is left out with a gap naming it.
fn trails_of(ctx: &Ctx, account: &str, region: &str, list: &[aws::Trail]) -> Vec<Trail> {
    list.iter()
        .filter_map(|t| match trail(t) {
            Ok(trail) => Some(trail),
            Err(incomplete) => {
                let scope = Scope::new(account, region, &incomplete.resource);
                ctx.incomplete(Operation::DescribeTrails, &scope, incomplete.message);
                None
            }
        })
        .collect()
}

/// A trail DescribeTrails described without a field the snapshot needs: its ARN (the account
/// comes from it), name, home region, or one of the flags the rules judge. Such a trail is left
/// out, with a gap naming the trail and what was missing: an empty account, region or `false`
/// standing in for an answer AWS did not give would be judged as a fact.
#[derive(Debug, PartialEq)]
struct Incomplete {
    /// The trail's ARN, else its name, else what DescribeTrails showed of it.
    resource: String,
    message: String,
}

fn trail(t: &aws::Trail) -> Result<Trail, Incomplete> {
    let resource = t
        .trail_arn()
        .or(t.name())
        .unwrap_or("a trail without TrailARN or Name")
        .to_string();
    let incomplete = |message: String| Incomplete {
        resource: resource.clone(),
        message,
    };
    let arn = match t.trail_arn().map(Arn::parse) {
        Some(Ok(arn)) => arn,
        None => {
            return Err(incomplete(
                "DescribeTrails described a trail without its TrailARN, so its account is not \
                 known; the trail is left out"
                    .to_string(),
            ))
        }
        Some(Err(e)) => {
            return Err(incomplete(format!(
                "DescribeTrails gave a malformed TrailARN ({e}); the trail is left out"
            )))
        }
    };
    let Some(account_id) = arn.account_id() else {
        return Err(incomplete(format!(
            "DescribeTrails gave a TrailARN without an account id ({arn}); the trail is left out"
        )));
    };
    let mut missing = Vec::new();
    let mut text = |value: Option<&str>, field: &'static str| {
        if value.is_none() {
            missing.push(field);
        }
        value.unwrap_or_default().to_string()
    };
    let name = text(t.name(), "Name");
    let home_region = text(t.home_region(), "HomeRegion");
    let mut flag = |value: Option<bool>, field: &'static str| {
        if value.is_none() {
            missing.push(field);
        }
        value == Some(true)
    };
    let trail = Trail {
        name,
        account_id: account_id.to_string(),
        home_region,
        s3_bucket_name: t.s3_bucket_name().map(str::to_string),
        s3_key_prefix: t.s3_key_prefix().map(str::to_string),
        sns_topic_arn: t.sns_topic_arn().map(str::to_string),
        include_global_service_events: flag(
            t.include_global_service_events(),
            "IncludeGlobalServiceEvents",
        ),
        is_multi_region_trail: flag(t.is_multi_region_trail(), "IsMultiRegionTrail"),
        is_organization_trail: flag(t.is_organization_trail(), "IsOrganizationTrail"),
        log_file_validation_enabled: flag(
            t.log_file_validation_enabled(),
            "LogFileValidationEnabled",
        ),
        cloud_watch_logs_log_group_arn: t.cloud_watch_logs_log_group_arn().map(str::to_string),
        cloud_watch_logs_role_arn: t.cloud_watch_logs_role_arn().map(str::to_string),
        kms_key_id: t.kms_key_id().map(str::to_string),
        // Without the flag the collector would assume AWS's default selectors.
        has_custom_event_selectors: flag(t.has_custom_event_selectors(), "HasCustomEventSelectors"),
        has_insight_selectors: flag(t.has_insight_selectors(), "HasInsightSelectors"),
        trail_arn: arn.to_string(),
        ..Trail::default()
    };
    if missing.is_empty() {
        Ok(trail)
    } else {
        Err(incomplete(format!(
            "DescribeTrails described the trail without {}; the trail is left out",
            missing.join(", ")
        )))
    }
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
    // Asked of every trail, whatever DescribeTrails' HasCustomEventSelectors and
    // HasInsightSelectors say: a flag that is wrong (moto 5.2.5 reports both false for every
    // trail) would have a trail's real selectors replaced by AWS's default, and its Insights
    // reported off. AWS answers GetEventSelectors with its default selector for a trail whose
    // selectors were never set.
    let selectors = async {
        ctx.read(
            Operation::GetEventSelectors,
            &scope,
            &[],
            client.get_event_selectors().trail_name(&arn).send(),
        )
        .await
        .and_then(|out| {
            let selectors: Result<Vec<EventSelector>, String> =
                out.event_selectors().iter().map(event_selector).collect();
            match selectors {
                Ok(selectors) => Collected::Present((
                    selectors,
                    out.advanced_event_selectors()
                        .iter()
                        .map(advanced_selector)
                        .collect(),
                )),
                // A selector that cannot be read whole is not read: a rule would judge
                // what it records from a part of it.
                Err(message) => {
                    ctx.incomplete(Operation::GetEventSelectors, &scope, message);
                    Collected::Unknown
                }
            }
        })
    };
    // A trail without Insights: AWS answers InsightNotEnabledException (read as absent).
    let insights = ctx.read(
        Operation::GetInsightSelectors,
        &scope,
        &[INSIGHTS_NOT_ENABLED],
        client.get_insight_selectors().trail_name(&arn).send(),
    );
    let (status, selectors, insights) = tokio::join!(status, selectors, insights);
    trail.status = status.and_then(|s| trail_status(ctx, &scope, &s));
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

/// A trail's status from GetTrailStatus; `Unknown` with a gap when the answer has no
/// IsLogging, which the status is about: `false` in its place would read as a trail that
/// stopped logging.
fn trail_status(
    ctx: &Ctx,
    scope: &Scope<'_>,
    s: &aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput,
) -> Collected<TrailStatus> {
    let Some(is_logging) = s.is_logging() else {
        ctx.incomplete(
            Operation::GetTrailStatus,
            scope,
            "GetTrailStatus answered without IsLogging".to_string(),
        );
        return Collected::Unknown;
    };
    Collected::Present(TrailStatus {
        is_logging,
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
    })
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

/// An event selector as the snapshot holds it; an error when a data resource has no `Type`
/// (which resources it records cannot be told).
fn event_selector(s: &aws::EventSelector) -> Result<EventSelector, String> {
    let data_resources = s
        .data_resources()
        .iter()
        .map(|d| match d.r#type() {
            Some(kind) => Ok(DataResource {
                resource_type: kind.to_string(),
                values: d.values().to_vec(),
            }),
            None => Err("GetEventSelectors answered a data resource without its Type".to_string()),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(EventSelector {
        // AWS: "By default, the value is All."
        read_write_type: match s.read_write_type() {
            Some(aws::ReadWriteType::ReadOnly) => ReadWriteType::ReadOnly,
            Some(aws::ReadWriteType::WriteOnly) => ReadWriteType::WriteOnly,
            _ => ReadWriteType::All,
        },
        // AWS: IncludeManagementEvents "By default, the value is true."
        include_management_events: s.include_management_events().unwrap_or(true),
        data_resources,
        exclude_management_event_sources: s.exclude_management_event_sources().to_vec(),
    })
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
                                // A tag's Value is optional in AWS's model: a key alone.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Concurrency;
    use crate::NoProgress;
    use aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput;
    use std::sync::Arc;

    const ARN: &str = "arn:aws:cloudtrail:us-east-1:111122223333:trail/main";

    fn ctx() -> Ctx {
        Ctx::new(Concurrency::default(), Arc::new(NoProgress))
    }

    /// A trail as moto 5.2.5 describes it: every flag present, Has*Selectors false.
    fn complete() -> aws::builders::TrailBuilder {
        aws::Trail::builder()
            .name("main")
            .trail_arn(ARN)
            .home_region("us-east-1")
            .s3_bucket_name("logs")
            .include_global_service_events(true)
            .is_multi_region_trail(true)
            .is_organization_trail(false)
            .log_file_validation_enabled(true)
            .has_custom_event_selectors(false)
            .has_insight_selectors(false)
    }

    #[test]
    fn a_complete_description_is_a_trail_in_the_account_of_its_arn() {
        let ctx = ctx();
        let trails = trails_of(&ctx, "111122223333", "us-east-1", &[complete().build()]);
        assert_eq!(trails.len(), 1);
        assert_eq!(trails[0].account_id, "111122223333");
        assert_eq!(trails[0].trail_arn, ARN);
        assert!(trails[0].is_multi_region_trail && !trails[0].has_custom_event_selectors);
        assert_eq!(ctx.take_gaps(), []);
    }

    #[test]
    fn a_describe_trails_response_without_an_arn_is_a_gap_not_an_empty_account() {
        let ctx = ctx();
        let without_arn = complete().set_trail_arn(None).build();
        let trails = trails_of(&ctx, "111122223333", "eu-west-1", &[without_arn]);
        assert_eq!(trails, []);
        let gaps = ctx.take_gaps();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        let gap = &gaps[0];
        assert_eq!(
            (gap.operation.as_str(), gap.resource.as_str()),
            ("DescribeTrails", "main")
        );
        assert_eq!(
            (gap.account_id.as_str(), gap.region.as_str()),
            ("111122223333", "eu-west-1")
        );
        assert_eq!(gap.error_code, crate::call::INCOMPLETE_RESPONSE);
        assert!(
            gap.message.contains("without its TrailARN"),
            "{}",
            gap.message
        );
    }

    #[test]
    fn a_malformed_trail_arn_is_a_gap_not_an_empty_account() {
        let ctx = ctx();
        for bad in ["main", "arn:aws:cloudtrail:us-east-1:trail/main"] {
            let trail = complete().trail_arn(bad).build();
            assert_eq!(trails_of(&ctx, "111122223333", "us-east-1", &[trail]), []);
        }
        // An ARN without an account (S3-style) names no account either.
        let trail = complete()
            .trail_arn("arn:aws:cloudtrail:us-east-1::trail/main")
            .build();
        assert_eq!(trails_of(&ctx, "111122223333", "us-east-1", &[trail]), []);
        let gaps = ctx.take_gaps();
        assert_eq!(gaps.len(), 3, "{gaps:?}");
        for gap in &gaps {
            let expected = if gap.resource.contains("::") {
                "without an account id"
            } else {
                "invalid ARN"
            };
            assert!(gap.message.contains(expected), "{gap:?}");
        }
        assert!(gaps.iter().all(|g| g.operation == "DescribeTrails"));
    }

    #[test]
    fn a_trail_described_without_a_flag_is_a_gap_not_false() {
        let ctx = ctx();
        let trail = complete()
            .set_is_multi_region_trail(None)
            .set_has_custom_event_selectors(None)
            .set_home_region(None)
            .build();
        let good = complete().trail_arn(ARN.replace("main", "other")).build();
        let trails = trails_of(&ctx, "111122223333", "us-east-1", &[trail, good]);
        // The complete one is kept; the other is left out, with one gap naming what it lacked.
        assert_eq!(trails.len(), 1);
        assert!(trails[0].trail_arn.ends_with("/other"));
        let gaps = ctx.take_gaps();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert_eq!(gaps[0].resource, ARN);
        assert!(
            gaps[0]
                .message
                .contains("without HomeRegion, IsMultiRegionTrail, HasCustomEventSelectors"),
            "{}",
            gaps[0].message
        );
    }

    #[test]
    fn a_trail_status_without_is_logging_is_unknown_with_a_gap() {
        let ctx = ctx();
        let scope = Scope::new("111122223333", "us-east-1", ARN);
        let status = trail_status(&ctx, &scope, &GetTrailStatusOutput::builder().build());
        assert!(status.is_unknown());
        let gaps = ctx.take_gaps();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert_eq!(
            (gaps[0].operation.as_str(), gaps[0].resource.as_str()),
            ("GetTrailStatus", ARN)
        );
        // Present and false is a fact: no gap.
        let stopped = GetTrailStatusOutput::builder().is_logging(false).build();
        let status = trail_status(&ctx, &scope, &stopped);
        assert_eq!(status.present().map(|s| s.is_logging), Some(false));
        assert_eq!(ctx.take_gaps(), []);
    }

    #[test]
    fn absent_selector_fields_take_the_defaults_aws_documents() {
        let selector = event_selector(&aws::EventSelector::builder().build()).unwrap();
        assert_eq!(selector.read_write_type, ReadWriteType::All);
        assert!(selector.include_management_events);
    }

    #[test]
    fn a_data_resource_without_its_type_is_an_error_not_an_empty_type() {
        let untyped = aws::EventSelector::builder()
            .data_resources(aws::DataResource::builder().values("arn:aws:s3").build())
            .build();
        assert_eq!(
            event_selector(&untyped).unwrap_err(),
            "GetEventSelectors answered a data resource without its Type"
        );
        let typed = aws::EventSelector::builder()
            .data_resources(
                aws::DataResource::builder()
                    .r#type("AWS::S3::Object")
                    .values("arn:aws:s3")
                    .build(),
            )
            .build();
        assert_eq!(
            event_selector(&typed).unwrap().data_resources[0].resource_type,
            "AWS::S3::Object"
        );
    }
}
