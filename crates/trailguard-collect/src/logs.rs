//! CloudWatch Logs: the log group a trail delivers to (DescribeLogGroups) and its metric
//! filters (DescribeMetricFilters), in the group's region, with its owner's credentials.
//!
//! Both calls name the group by name, which AWS resolves in the caller's own account: asked
//! with another account's credentials, they would describe a different group (or none) and
//! look like "no filters". So a group of an account that is not scanned is not read at all; a
//! gap (`AccountNotScanned`) says so, and merging the owner's snapshot fills it in.

use crate::call::{Ctx, Failure, FailureKind, Scope};
use crate::sdk::Clients;
use crate::Operation;
use trailguard_snapshot::{
    Arn, Collected, LogGroup, LogGroupSettings, MetricFilter, MetricTransformation,
};

/// The gap code for a resource of an account that is not scanned.
pub(crate) const ACCOUNT_NOT_SCANNED: &str = "AccountNotScanned";

/// Where a trail's log group is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    /// Its key in the snapshot: the ARN without `:*`.
    pub key: String,
    pub account: String,
    pub region: String,
    pub name: String,
}

/// Where the log group of a trail's `CloudWatchLogsLogGroupArn` is; `None` for one that is not
/// a log group ARN.
pub(crate) fn locate(arn: &str) -> Option<Place> {
    let key = trailguard_snapshot::log_group_key(arn);
    let parsed = Arn::parse(key).ok()?;
    let name = parsed.resource().strip_prefix("log-group:")?;
    let account = parsed.account_id()?;
    (parsed.service() == "logs" && !name.is_empty() && !parsed.region().is_empty()).then(|| Place {
        key: key.to_string(),
        account: account.to_string(),
        region: parsed.region().to_string(),
        name: name.to_string(),
    })
}

/// The log group `key` of `account` (whose credentials `clients` are, `None` when it is not
/// scanned: `reader` then records why it is not read).
pub(crate) async fn log_group(
    ctx: &Ctx,
    clients: Option<&Clients>,
    reader: &str,
    place: &Place,
) -> LogGroup {
    let Place {
        key,
        account,
        region,
        name,
    } = place;
    let mut group = LogGroup {
        arn: key.clone(),
        account_id: account.clone(),
        region: region.clone(),
        log_group_name: name.clone(),
        settings: Collected::Unknown,
        metric_filters: Collected::Unknown,
    };
    let Some(clients) = clients else {
        let scope = Scope::new(reader, region, key);
        let failure = Failure {
            kind: FailureKind::Service,
            code: ACCOUNT_NOT_SCANNED.to_string(),
            message: String::new(),
        };
        ctx.gap_with_message(
            Operation::DescribeMetricFilters,
            &scope,
            &failure,
            format!(
                "the log group belongs to account {account}, which is not scanned: its metric \
                 filters cannot be read (scan it too with --role-arn, or merge its snapshot)"
            ),
        );
        return group;
    };
    let scope = Scope::new(account, region, key);
    let client = clients.logs(region);
    let (groups, filters) = tokio::join!(
        ctx.read_pages(
            Operation::DescribeLogGroups,
            &scope,
            client
                .describe_log_groups()
                .log_group_name_prefix(name)
                .into_paginator()
                .send(),
        ),
        ctx.read_pages(
            Operation::DescribeMetricFilters,
            &scope,
            client
                .describe_metric_filters()
                .log_group_name(name)
                .into_paginator()
                .send(),
        ),
    );
    group.settings = groups.and_then(|pages| {
        let found = pages
            .iter()
            .flat_map(|p| p.log_groups())
            .find(|g| g.log_group_name() == Some(name.as_str()));
        match found {
            Some(g) => Collected::Present(LogGroupSettings {
                kms_key_id: g.kms_key_id().map(str::to_string),
                retention_in_days: g.retention_in_days(),
            }),
            None => Collected::Absent,
        }
    });
    group.metric_filters = filters.and_then(|pages| {
        let mut filters = Vec::new();
        for f in pages.iter().flat_map(|p| p.metric_filters()) {
            let (Some(filter_name), Some(filter_pattern)) = (f.filter_name(), f.filter_pattern())
            else {
                ctx.incomplete(
                    Operation::DescribeMetricFilters,
                    &scope,
                    "DescribeMetricFilters answered a filter without its name or pattern"
                        .to_string(),
                );
                return Collected::Unknown;
            };
            filters.push(MetricFilter {
                filter_name: filter_name.to_string(),
                filter_pattern: filter_pattern.to_string(),
                metric_transformations: f
                    .metric_transformations()
                    .iter()
                    .map(|t| MetricTransformation {
                        metric_name: t.metric_name().to_string(),
                        metric_namespace: t.metric_namespace().to_string(),
                        metric_value: t.metric_value().to_string(),
                        alarm_arns: Collected::Unknown,
                    })
                    .collect(),
            });
        }
        filters.sort_by(|a, b| a.filter_name.cmp(&b.filter_name));
        Collected::Present(filters)
    });
    group
}

#[cfg(test)]
mod tests {
    use super::locate;

    #[test]
    fn a_trails_log_group_arn_names_its_account_region_and_group() {
        let super::Place {
            key,
            account,
            region,
            name,
        } = locate("arn:aws:logs:eu-west-1:111122223333:log-group:CloudTrail/org:*").unwrap();
        assert_eq!(
            key,
            "arn:aws:logs:eu-west-1:111122223333:log-group:CloudTrail/org"
        );
        assert_eq!(
            (account.as_str(), region.as_str(), name.as_str()),
            ("111122223333", "eu-west-1", "CloudTrail/org")
        );
        assert!(locate("arn:aws:s3:::bucket").is_none());
        assert!(locate("CloudTrail/org").is_none());
    }
}
