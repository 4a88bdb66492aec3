//! CloudTrail trails: DescribeTrails, GetTrailStatus, GetEventSelectors, GetInsightSelectors, tags.

use crate::Collected;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One trail, as `DescribeTrails` returns it, plus what the per-trail calls add.
///
/// Keyed in [`crate::Snapshot::trails`] by [`Trail::trail_arn`]. An organisation trail seen from
/// member accounts is stored once, under its home region and its owner's ARN.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Trail {
    /// The trail's name.
    pub name: String,
    /// The trail's ARN (the key it is stored under).
    #[serde(rename = "TrailARN")]
    pub trail_arn: String,
    /// The account that owns the trail (from its ARN).
    #[serde(deserialize_with = "crate::account_id::required")]
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub account_id: String,
    /// The region the trail was created in.
    pub home_region: String,
    /// The bucket the trail delivers log files to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_name: Option<String>,
    /// The prefix under which log files are written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_key_prefix: Option<String>,
    /// The SNS topic notified of each delivery.
    #[serde(
        default,
        rename = "SnsTopicARN",
        skip_serializing_if = "Option::is_none"
    )]
    pub sns_topic_arn: Option<String>,
    /// Whether events of global services (IAM, STS, CloudFront) are logged.
    pub include_global_service_events: bool,
    /// Whether the trail logs every region.
    pub is_multi_region_trail: bool,
    /// Whether the trail logs every account of the organisation.
    pub is_organization_trail: bool,
    /// Whether digest files are written so log files can be validated.
    pub log_file_validation_enabled: bool,
    /// The CloudWatch Logs log group the trail sends events to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs_log_group_arn: Option<String>,
    /// The role CloudTrail assumes to write to CloudWatch Logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs_role_arn: Option<String>,
    /// The ARN of the KMS key that encrypts log files (SSE-KMS); absent for SSE-S3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Whether the trail has custom event selectors.
    #[serde(default)]
    pub has_custom_event_selectors: bool,
    /// Whether the trail has insight selectors.
    #[serde(default)]
    pub has_insight_selectors: bool,
    /// `GetTrailStatus`.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub status: Collected<TrailStatus>,
    /// `GetEventSelectors`: basic event selectors (empty when advanced selectors are used). The
    /// collector asks for every trail, whatever `HasCustomEventSelectors` says (AWS answers its
    /// default selector, all management events read and write, for a trail never configured).
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub event_selectors: Collected<Vec<EventSelector>>,
    /// `GetEventSelectors`: advanced event selectors.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub advanced_event_selectors: Collected<Vec<AdvancedEventSelector>>,
    /// `GetInsightSelectors`; `null` when Insights is not enabled.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub insight_selectors: Collected<Vec<InsightSelector>>,
    /// `ListTags`: the trail's tags, key to value.
    #[serde(default, skip_serializing_if = "Collected::is_unknown")]
    pub tags: Collected<BTreeMap<String, String>>,
}

/// `GetTrailStatus`. Times are RFC 3339 strings in UTC.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TrailStatus {
    /// Whether the trail is currently logging.
    pub is_logging: bool,
    /// The error of the last failed delivery of log files to S3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_delivery_error: Option<String>,
    /// The error of the last failed SNS notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_notification_error: Option<String>,
    /// The error of the last failed delivery to CloudWatch Logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_cloud_watch_logs_delivery_error: Option<String>,
    /// The error of the last failed delivery of a digest file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_digest_delivery_error: Option<String>,
    /// When log files were last delivered to S3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_delivery_time: Option<String>,
    /// When a digest file was last delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_digest_delivery_time: Option<String>,
    /// When events were last delivered to CloudWatch Logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_cloud_watch_logs_delivery_time: Option<String>,
    /// When the last SNS notification was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_notification_time: Option<String>,
    /// When logging was last started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_logging_time: Option<String>,
    /// When logging was last stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_logging_time: Option<String>,
}

/// Which management events a basic event selector records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum ReadWriteType {
    /// Read and write events.
    #[default]
    All,
    /// Read events only.
    ReadOnly,
    /// Write events only.
    WriteOnly,
}

/// A basic event selector.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct EventSelector {
    /// Read, write or all events.
    #[serde(default)]
    pub read_write_type: ReadWriteType,
    /// Whether management events are recorded.
    #[serde(default = "default_true")]
    pub include_management_events: bool,
    /// Data events recorded (S3 objects, Lambda functions, ...).
    #[serde(default)]
    pub data_resources: Vec<DataResource>,
    /// Event sources excluded from management events (`kms.amazonaws.com`, `rdsdata.amazonaws.com`).
    #[serde(default)]
    pub exclude_management_event_sources: Vec<String>,
}

fn default_true() -> bool {
    true
}

/// A data resource of a basic event selector.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct DataResource {
    /// `AWS::S3::Object`, `AWS::Lambda::Function`, ...
    #[serde(rename = "Type")]
    pub resource_type: String,
    /// ARN prefixes, e.g. `arn:aws:s3` for every bucket.
    #[serde(default)]
    pub values: Vec<String>,
}

/// An advanced event selector.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct AdvancedEventSelector {
    /// The selector's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Field conditions, all of which must hold.
    #[serde(default)]
    pub field_selectors: Vec<AdvancedFieldSelector>,
}

/// One field condition of an advanced event selector.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct AdvancedFieldSelector {
    /// `eventCategory`, `readOnly`, `resources.type`, `eventSource`, ...
    pub field: String,
    /// Values the field equals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equals: Vec<String>,
    /// Prefixes the field starts with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts_with: Vec<String>,
    /// Suffixes the field ends with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ends_with: Vec<String>,
    /// Values the field does not equal.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_equals: Vec<String>,
    /// Prefixes the field does not start with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_starts_with: Vec<String>,
    /// Suffixes the field does not end with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_ends_with: Vec<String>,
}

/// An insight selector.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct InsightSelector {
    /// `ApiCallRateInsight` or `ApiErrorRateInsight`.
    pub insight_type: String,
}

/// A CloudTrail Lake event data store (`GetEventDataStore`), keyed in
/// [`crate::Snapshot::event_data_stores`] by ARN: the stores `ListEventDataStores` returns in a
/// collected region of a scanned account.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct EventDataStore {
    /// Its ARN (the key it is stored under).
    pub event_data_store_arn: String,
    /// The account that owns it (from its ARN).
    #[serde(deserialize_with = "crate::account_id::required")]
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub account_id: String,
    /// Its region (from its ARN).
    pub region: String,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `ENABLED`, `CREATED`, `PENDING_DELETION`, `STOPPED_INGESTION`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Whether it collects events from every region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_region_enabled: Option<bool>,
    /// Whether it collects the events of every account of the organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_enabled: Option<bool>,
    /// How many days it keeps events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_period: Option<i64>,
    /// Whether it is protected from deletion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_protection_enabled: Option<bool>,
    /// The customer managed KMS key that encrypts it; `null` when a key AWS owns does (AWS
    /// answers no KmsKeyId then).
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// `EXTENDABLE_RETENTION_PRICING` or `FIXED_RETENTION_PRICING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_mode: Option<String>,
}
