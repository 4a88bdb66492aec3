//! Monitoring: what would alert someone when the audit trail is tampered with, and whether AWS
//! Config records.
//!
//! The chain CIS's monitoring controls ask for, each link keyed for lookup:
//!
//! | link | where | keyed by |
//! |---|---|---|
//! | a trail's CloudWatch Logs log group, with its metric filters ([`LogGroup`]) | [`crate::Snapshot::log_groups`] | log group ARN, without `:*` |
//! | the alarms on each filter's metric ([`Alarm`]) | [`crate::Snapshot::alarms`], named from [`MetricTransformation::alarm_arns`] | alarm ARN |
//! | the SNS topics alarms notify ([`Topic`]) | [`crate::Snapshot::topics`] | topic ARN |
//! | EventBridge rules on the default bus ([`EventRule`]) | [`crate::Account::monitoring`] | region |
//! | AWS Config recorders and delivery channels ([`ConfigService`]) | [`crate::Account::monitoring`] | region |

use crate::{Collected, Document};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A CloudWatch Logs log group a trail delivers to.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LogGroup {
    /// `arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME` (the key it is stored under; a trail's
    /// `CloudWatchLogsLogGroupArn` ends in `:*`, which the key leaves out).
    pub arn: String,
    /// The account that owns it (from its ARN).
    #[serde(deserialize_with = "crate::account_id::required")]
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub account_id: String,
    /// Its region (from its ARN).
    pub region: String,
    /// Its name.
    pub log_group_name: String,
    /// `DescribeLogGroups`: `null` when the group does not exist.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub settings: Collected<LogGroupSettings>,
    /// `DescribeMetricFilters` on the group, sorted by name.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub metric_filters: Collected<Vec<MetricFilter>>,
}

/// What `DescribeLogGroups` says of a log group.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct LogGroupSettings {
    /// The KMS key that encrypts it, when one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// How many days events are kept; absent when they are kept forever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_in_days: Option<i32>,
}

/// A metric filter: a filter pattern, and the metrics it counts matches in.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct MetricFilter {
    /// Its name.
    pub filter_name: String,
    /// Its CloudWatch Logs filter pattern, as written.
    pub filter_pattern: String,
    /// The metrics it publishes (AWS allows one).
    pub metric_transformations: Vec<MetricTransformation>,
}

/// A metric a filter publishes, with the alarms on it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct MetricTransformation {
    /// The metric's name.
    pub metric_name: String,
    /// The metric's namespace.
    pub metric_namespace: String,
    /// What each match adds to the metric (`1`, or a `$.field` selector).
    pub metric_value: String,
    /// `DescribeAlarmsForMetric`: the ARNs of the alarms on this metric, each a key of
    /// [`crate::Snapshot::alarms`].
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub alarm_arns: Collected<Vec<String>>,
}

/// A CloudWatch metric alarm on a metric filter's metric.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Alarm {
    /// Its ARN (the key it is stored under).
    pub alarm_arn: String,
    /// Its name.
    pub alarm_name: String,
    /// The account that owns it (from its ARN).
    #[serde(deserialize_with = "crate::account_id::required")]
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub account_id: String,
    /// Its region (from its ARN).
    pub region: String,
    /// The metric it watches.
    pub metric_name: String,
    /// The metric's namespace.
    pub namespace: String,
    /// Whether its actions run when its state changes.
    pub actions_enabled: bool,
    /// What it does on entering `ALARM`: SNS topic ARNs and other action ARNs.
    #[serde(default)]
    pub alarm_actions: Vec<String>,
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_value: Option<String>,
    /// `GreaterThanOrEqualToThreshold`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison_operator: Option<String>,
    /// The threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// `Sum`, `Average`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistic: Option<String>,
    /// How many periods are evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_periods: Option<i32>,
    /// The period, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<i32>,
}

/// An SNS topic a trail, an alarm or an EventBridge rule notifies.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Topic {
    /// Its ARN (the key it is stored under).
    pub topic_arn: String,
    /// The account that owns it (from its ARN).
    #[serde(deserialize_with = "crate::account_id::required")]
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub account_id: String,
    /// Its region (from its ARN).
    pub region: String,
    /// `GetTopicAttributes`: `null` when the topic does not exist.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub attributes: Collected<TopicAttributes>,
    /// `ListSubscriptionsByTopic`, sorted by endpoint.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub subscriptions: Collected<Vec<Subscription>>,
}

/// What `GetTopicAttributes` says of a topic that the rules use. (Its subscription counts are
/// not kept: they lag, and the subscriptions themselves are read.)
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TopicAttributes {
    /// The topic's access policy, parsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Document>,
    /// The KMS key that encrypts it, when one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_master_key_id: Option<String>,
}

/// One subscription of a topic.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Subscription {
    /// Its ARN, or `PendingConfirmation` (or `Deleted`) while it is not confirmed.
    pub subscription_arn: String,
    /// `email`, `sqs`, `lambda`, `https`, ...
    pub protocol: String,
    /// Where it delivers.
    pub endpoint: String,
    /// Whether it is confirmed: its `SubscriptionArn` is an ARN.
    pub confirmed: bool,
}

/// An EventBridge rule on a region's default event bus.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct EventRule {
    /// Its name.
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// `ENABLED`, `DISABLED` or `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`.
    pub state: String,
    /// Its event pattern, parsed; absent for a scheduled rule. A pattern that is not JSON is
    /// kept as its text (a string), for the rules to report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_pattern: Option<Document>,
    /// Its schedule, for a scheduled rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_expression: Option<String>,
    /// `ListTargetsByRule`: where matched events go.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub targets: Collected<Vec<EventTarget>>,
}

/// One target of an EventBridge rule.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct EventTarget {
    /// The target's id within the rule.
    pub id: String,
    /// The target's ARN (an SNS topic, a Lambda function, a queue, ...).
    pub arn: String,
}

/// AWS Config in one region.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ConfigService {
    /// `DescribeConfigurationRecorders`.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub recorders: Collected<Vec<ConfigurationRecorder>>,
    /// `DescribeConfigurationRecorderStatus`.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub recorder_statuses: Collected<Vec<RecorderStatus>>,
    /// `DescribeDeliveryChannels`.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub delivery_channels: Collected<Vec<DeliveryChannel>>,
    /// `DescribeDeliveryChannelStatus`.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub delivery_channel_statuses: Collected<Vec<DeliveryChannelStatus>>,
}

/// A configuration recorder.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct ConfigurationRecorder {
    /// Its name (`AWSConfigurationRecorderFor...` for a service-linked recorder).
    pub name: String,
    /// The role it records with.
    #[serde(default, rename = "RoleARN", skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// What it records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_group: Option<RecordingGroup>,
    /// `PAID` for the account's own recorder, `INTERNAL` for a service-linked one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_scope: Option<String>,
    /// The service a service-linked recorder records for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_principal: Option<String>,
}

/// What a recorder records.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct RecordingGroup {
    /// Every supported resource type of the region.
    pub all_supported: bool,
    /// Global resource types (IAM users, groups, roles, policies) too.
    pub include_global_resource_types: bool,
    /// The types recorded, when not all are.
    #[serde(default)]
    pub resource_types: Vec<String>,
    /// The types left out, under the `EXCLUSION_BY_RESOURCE_TYPES` strategy.
    #[serde(default)]
    pub exclusion_by_resource_types: Vec<String>,
    /// `ALL_SUPPORTED_RESOURCE_TYPES`, `INCLUSION_BY_RESOURCE_TYPES` or
    /// `EXCLUSION_BY_RESOURCE_TYPES`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_strategy: Option<String>,
}

/// Whether a recorder is recording.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct RecorderStatus {
    /// The recorder's name.
    pub name: String,
    /// Whether it is recording.
    pub recording: bool,
    /// `Pending`, `Success` or `Failure`, of its last recording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<String>,
    /// The error of its last recording, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error_code: Option<String>,
}

/// A delivery channel: where Config delivers snapshots and history.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct DeliveryChannel {
    /// Its name.
    pub name: String,
    /// The bucket it delivers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_name: Option<String>,
    /// The topic it notifies.
    #[serde(
        default,
        rename = "SnsTopicARN",
        skip_serializing_if = "Option::is_none"
    )]
    pub sns_topic_arn: Option<String>,
}

/// How a delivery channel's deliveries went.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct DeliveryChannelStatus {
    /// The channel's name.
    pub name: String,
    /// Configuration history files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_history_delivery_info: Option<DeliveryInfo>,
    /// Configuration snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_snapshot_delivery_info: Option<DeliveryInfo>,
    /// The configuration stream (SNS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_stream_delivery_info: Option<DeliveryInfo>,
}

/// One kind of delivery's last outcome.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct DeliveryInfo {
    /// `Success`, `Failure` or `Not_Applicable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<String>,
    /// The error of the last failed delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error_code: Option<String>,
    /// When the last delivery was attempted (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempt_time: Option<String>,
}

/// What watches one region of an account: its EventBridge rules and AWS Config. Keyed in
/// [`crate::Account::monitoring`] by region.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct RegionMonitoring {
    /// `ListRules` on the default event bus, sorted by name.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub event_rules: Collected<Vec<EventRule>>,
    /// AWS Config.
    pub config: ConfigService,
}

/// The key of a log group in [`crate::Snapshot::log_groups`]: its ARN without the `:*` a trail's
/// `CloudWatchLogsLogGroupArn` ends with.
///
/// ```
/// use trailguard_snapshot::log_group_key;
///
/// let arn = "arn:aws:logs:us-east-1:111122223333:log-group:CloudTrail/org:*";
/// assert_eq!(log_group_key(arn), "arn:aws:logs:us-east-1:111122223333:log-group:CloudTrail/org");
/// assert_eq!(log_group_key("arn:aws:logs:us-east-1:111122223333:log-group:g"), "arn:aws:logs:us-east-1:111122223333:log-group:g");
/// ```
pub fn log_group_key(arn: &str) -> &str {
    arn.strip_suffix(":*").unwrap_or(arn)
}
