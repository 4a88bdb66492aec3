//! Every AWS API operation the collector can call, with the IAM action that allows it.
//!
//! This list is the single source of truth for three things: the calls the collector makes (each
//! call site names its [`Operation`], and a test checks that every SDK call in this crate does),
//! the IAM policy `trailguard permissions` prints ([`permissions_policy`]), and the operation
//! names recorded in gaps.

use serde_json::json;
use std::fmt;

/// The AWS services the collector talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    /// AWS Account Management (`ListRegions`).
    Account,
    /// AWS CloudTrail.
    CloudTrail,
    /// Amazon CloudWatch (alarms).
    CloudWatch,
    /// AWS Config.
    Config,
    /// Amazon EventBridge.
    Events,
    /// AWS Identity and Access Management.
    Iam,
    /// AWS Key Management Service.
    Kms,
    /// Amazon CloudWatch Logs.
    Logs,
    /// AWS Organizations.
    Organizations,
    /// Amazon S3.
    S3,
    /// Amazon S3 Control (account-level settings).
    S3Control,
    /// Amazon Simple Notification Service.
    Sns,
    /// AWS Security Token Service.
    Sts,
}

impl Service {
    /// Every service, in a fixed order.
    pub const ALL: [Service; 13] = [
        Service::Account,
        Service::CloudTrail,
        Service::CloudWatch,
        Service::Config,
        Service::Events,
        Service::Iam,
        Service::Kms,
        Service::Logs,
        Service::Organizations,
        Service::S3,
        Service::S3Control,
        Service::Sns,
        Service::Sts,
    ];

    /// The service's name as gaps record it (`s3`, `cloudtrail`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Service::Account => "account",
            Service::CloudTrail => "cloudtrail",
            Service::CloudWatch => "cloudwatch",
            Service::Config => "config",
            Service::Events => "events",
            Service::Logs => "logs",
            Service::Sns => "sns",
            Service::Iam => "iam",
            Service::Kms => "kms",
            Service::Organizations => "organizations",
            Service::S3 => "s3",
            Service::S3Control => "s3control",
            Service::Sts => "sts",
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! operations {
    ($($variant:ident => $service:ident, $name:literal, $action:expr, $why:literal;)*) => {
        /// One AWS API operation the collector calls.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Operation {
            $(
                #[doc = $why]
                $variant,
            )*
        }

        impl Operation {
            /// Every operation the collector can call.
            pub const ALL: &'static [Operation] = &[$(Operation::$variant),*];

            /// The service the operation belongs to.
            pub fn service(self) -> Service {
                match self {
                    $(Operation::$variant => Service::$service,)*
                }
            }

            /// The operation's name, as AWS spells it (`GetBucketPolicy`).
            pub fn name(self) -> &'static str {
                match self {
                    $(Operation::$variant => $name,)*
                }
            }

            /// The IAM action that allows the call; `None` when no permission is needed.
            pub fn iam_action(self) -> Option<&'static str> {
                match self {
                    $(Operation::$variant => $action,)*
                }
            }

            /// Why the collector makes this call.
            pub fn purpose(self) -> &'static str {
                match self {
                    $(Operation::$variant => $why,)*
                }
            }
        }
    };
}

operations! {
    GetCallerIdentity => Sts, "GetCallerIdentity", None,
        "The account and principal the credentials belong to (needs no permission).";
    ListRegions => Account, "ListRegions", Some("account:ListRegions"),
        "The regions enabled in the account, for `--all-regions`.";
    DescribeOrganization => Organizations, "DescribeOrganization", Some("organizations:DescribeOrganization"),
        "The organisation the account belongs to, for organisation-trail checks.";
    ListRoots => Organizations, "ListRoots", Some("organizations:ListRoots"),
        "The organisation's root and which control policy types it enables (management or delegated administrator account only).";
    ListChildren => Organizations, "ListChildren", Some("organizations:ListChildren"),
        "The organisation's OUs and accounts, to walk each account up to the root.";
    ListPolicies => Organizations, "ListPolicies", Some("organizations:ListPolicies"),
        "The organisation's service and resource control policies.";
    DescribePolicy => Organizations, "DescribePolicy", Some("organizations:DescribePolicy"),
        "A control policy's document.";
    ListTargetsForPolicy => Organizations, "ListTargetsForPolicy", Some("organizations:ListTargetsForPolicy"),
        "The root, OUs and accounts a control policy is attached to.";
    DescribeTrails => CloudTrail, "DescribeTrails", Some("cloudtrail:DescribeTrails"),
        "Every trail of a region, shadow and organisation trails included.";
    GetTrailStatus => CloudTrail, "GetTrailStatus", Some("cloudtrail:GetTrailStatus"),
        "Whether a trail is logging, and its delivery errors and times.";
    GetEventSelectors => CloudTrail, "GetEventSelectors", Some("cloudtrail:GetEventSelectors"),
        "Which management and data events a trail records.";
    GetInsightSelectors => CloudTrail, "GetInsightSelectors", Some("cloudtrail:GetInsightSelectors"),
        "A trail's Insights types (InsightNotEnabledException when it has none).";
    ListTags => CloudTrail, "ListTags", Some("cloudtrail:ListTags"),
        "Trail tags, for up to 20 trails of a region per call.";
    ListEventDataStores => CloudTrail, "ListEventDataStores", Some("cloudtrail:ListEventDataStores"),
        "The CloudTrail Lake event data stores of each collected region.";
    GetEventDataStore => CloudTrail, "GetEventDataStore", Some("cloudtrail:GetEventDataStore"),
        "An event data store's encryption, retention and termination protection.";
    ListBuckets => S3, "ListBuckets", Some("s3:ListAllMyBuckets"),
        "Which log buckets each scanned account owns.";
    GetBucketLocation => S3, "GetBucketLocation", Some("s3:GetBucketLocation"),
        "A log bucket's region (and whether it exists).";
    GetBucketPolicy => S3, "GetBucketPolicy", Some("s3:GetBucketPolicy"),
        "A log bucket's policy.";
    GetBucketPolicyStatus => S3, "GetBucketPolicyStatus", Some("s3:GetBucketPolicyStatus"),
        "Whether AWS judges a bucket policy public (only for buckets with a policy).";
    GetPublicAccessBlock => S3, "GetPublicAccessBlock", Some("s3:GetBucketPublicAccessBlock"),
        "A log bucket's Block Public Access settings.";
    GetBucketAcl => S3, "GetBucketAcl", Some("s3:GetBucketAcl"),
        "A log bucket's ACL.";
    GetBucketLogging => S3, "GetBucketLogging", Some("s3:GetBucketLogging"),
        "A log bucket's server access logging.";
    GetBucketVersioning => S3, "GetBucketVersioning", Some("s3:GetBucketVersioning"),
        "A log bucket's versioning and MFA delete.";
    GetBucketEncryption => S3, "GetBucketEncryption", Some("s3:GetEncryptionConfiguration"),
        "A log bucket's default encryption.";
    GetObjectLockConfiguration => S3, "GetObjectLockConfiguration", Some("s3:GetBucketObjectLockConfiguration"),
        "A log bucket's Object Lock default retention.";
    GetBucketLifecycleConfiguration => S3, "GetBucketLifecycleConfiguration", Some("s3:GetLifecycleConfiguration"),
        "A log bucket's lifecycle rules.";
    GetBucketTagging => S3, "GetBucketTagging", Some("s3:GetBucketTagging"),
        "A log bucket's tags.";
    GetBucketOwnershipControls => S3, "GetBucketOwnershipControls", Some("s3:GetBucketOwnershipControls"),
        "A log bucket's Object Ownership (whether ACLs still decide access).";
    GetAccountPublicAccessBlock => S3Control, "GetPublicAccessBlock", Some("s3:GetAccountPublicAccessBlock"),
        "The account's Block Public Access settings.";
    DescribeKey => Kms, "DescribeKey", Some("kms:DescribeKey"),
        "A trail key's metadata and state.";
    GetKeyPolicy => Kms, "GetKeyPolicy", Some("kms:GetKeyPolicy"),
        "A trail key's key policy.";
    GetKeyRotationStatus => Kms, "GetKeyRotationStatus", Some("kms:GetKeyRotationStatus"),
        "Whether a trail key rotates.";
    ListAliases => Kms, "ListAliases", Some("kms:ListAliases"),
        "A trail key's aliases.";
    GetAccountAuthorizationDetails => Iam, "GetAccountAuthorizationDetails", Some("iam:GetAccountAuthorizationDetails"),
        "Every user, group, role and managed policy of the account, with their documents.";
    ListEntitiesForPolicy => Iam, "ListEntitiesForPolicy", Some("iam:ListEntitiesForPolicy"),
        "Who holds AWSCloudTrail_FullAccess.";
    ListMfaDevices => Iam, "ListMFADevices", Some("iam:ListMFADevices"),
        "The MFA devices of each user holding AWSCloudTrail_FullAccess.";
    DescribeLogGroups => Logs, "DescribeLogGroups", Some("logs:DescribeLogGroups"),
        "A trail's CloudWatch Logs log group: whether it exists, its encryption and retention.";
    DescribeMetricFilters => Logs, "DescribeMetricFilters", Some("logs:DescribeMetricFilters"),
        "The metric filters on a trail's log group, for the monitoring controls.";
    DescribeAlarmsForMetric => CloudWatch, "DescribeAlarmsForMetric", Some("cloudwatch:DescribeAlarmsForMetric"),
        "The alarms on a metric filter's metric, and their actions.";
    GetTopicAttributes => Sns, "GetTopicAttributes", Some("sns:GetTopicAttributes"),
        "Whether a topic an alarm or EventBridge rule notifies exists, its policy and encryption.";
    ListSubscriptionsByTopic => Sns, "ListSubscriptionsByTopic", Some("sns:ListSubscriptionsByTopic"),
        "Who a topic an alarm or EventBridge rule notifies reaches: its confirmed subscriptions.";
    ListRules => Events, "ListRules", Some("events:ListRules"),
        "The EventBridge rules on each region's default event bus, with their event patterns.";
    ListTargetsByRule => Events, "ListTargetsByRule", Some("events:ListTargetsByRule"),
        "Where an EventBridge rule sends the events it matches.";
    DescribeConfigurationRecorders => Config, "DescribeConfigurationRecorders", Some("config:DescribeConfigurationRecorders"),
        "Each region's AWS Config recorders and what they record.";
    DescribeConfigurationRecorderStatus => Config, "DescribeConfigurationRecorderStatus", Some("config:DescribeConfigurationRecorderStatus"),
        "Whether each AWS Config recorder is recording.";
    DescribeDeliveryChannels => Config, "DescribeDeliveryChannels", Some("config:DescribeDeliveryChannels"),
        "Where AWS Config delivers its history and snapshots.";
    DescribeDeliveryChannelStatus => Config, "DescribeDeliveryChannelStatus", Some("config:DescribeDeliveryChannelStatus"),
        "Whether AWS Config's last deliveries succeeded.";
}

impl Operation {
    /// `service:Operation`, as TG090 and the gap table name it.
    pub fn qualified_name(self) -> String {
        format!("{}:{}", self.service().name(), self.name())
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service().name(), self.name())
    }
}

/// The least-privilege IAM policy `trailguard collect` needs: read-only, exactly the actions of
/// [`Operation::ALL`], sorted.
///
/// `--role-arn` also needs `sts:AssumeRole` on those roles for the credentials you start from;
/// that permission belongs to the caller, not to the roles, so it is not part of this policy.
pub fn permissions_policy() -> serde_json::Value {
    let mut actions: Vec<&str> = Operation::ALL
        .iter()
        .filter_map(|op| op.iam_action())
        .collect();
    actions.sort_unstable();
    actions.dedup();
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "TrailguardCollectReadOnly",
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*",
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_action_is_a_read() {
        for op in Operation::ALL {
            if let Some(action) = op.iam_action() {
                let verb = action.split(':').nth(1).unwrap_or_default();
                assert!(
                    ["Get", "List", "Describe"]
                        .iter()
                        .any(|read| verb.starts_with(read)),
                    "{op} needs {action}, which is not a read"
                );
            }
        }
    }

    #[test]
    fn operation_names_are_unique_per_service() {
        let names: BTreeSet<String> = Operation::ALL.iter().map(|op| op.to_string()).collect();
        assert_eq!(names.len(), Operation::ALL.len());
    }

    #[test]
    fn policy_lists_each_action_once() {
        let policy = permissions_policy();
        let actions = policy["Statement"][0]["Action"].as_array().unwrap();
        let unique: BTreeSet<&str> = actions.iter().filter_map(|a| a.as_str()).collect();
        assert_eq!(unique.len(), actions.len());
        assert!(unique.contains("s3:GetBucketPolicy"));
        assert!(!unique.iter().any(|a| a.starts_with("sts:")));
    }
}
