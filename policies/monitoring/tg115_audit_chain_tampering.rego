# METADATA
# title: Nobody is alerted to tampering with the audit chain that CIS leaves out
# description: >-
#   CIS leaves out changes that blind the audit as surely as StopLogging: narrowing a trail's event
#   selectors, deleting an event data store or stopping its ingestion, changing the log bucket's
#   policy, lifecycle or versioning, changing the key policy, deleting the log group, a metric
#   filter or an alarm, disabling an alarm's actions, deleting the alert topic or unsubscribing
#   from it. The control is met when every CloudTrail record it exists to catch (the records of
#   `trailguard.lib.monitoring_events`, control TG115) reaches someone: through a metric filter on
#   the log group of a logging multi-region trail that records every management event, an alarm on
#   the filter's metric with its actions enabled, and an SNS topic with a confirmed subscription
#   (or another action); or through an enabled EventBridge rule with a live target in every
#   collected region (us-east-1 for IAM and AWS Organizations events). Filters and event patterns
#   are judged by what they catch, not by their text. What the collector could not read gives no
#   verdict (TG090 reports it); a pattern trailguard cannot judge makes the finding say it cannot
#   verify.
# custom:
#   id: TG115
#   severity: medium
#   controls: {}
#   remediation: >-
#     Alert on the events through CloudWatch Logs: a metric filter with this pattern on the log group
#     of a logging multi-region trail, an alarm on its metric, and a confirmed subscription to the
#     alarm's topic: `aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name
#     audit-chain-tampering --metric-transformations
#     metricName=AuditChainTampering,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{
#     (($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = PutEventSelectors) ||
#     ($.eventName = PutInsightSelectors) || ($.eventName = DeleteEventDataStore) || ($.eventName =
#     StopEventDataStoreIngestion))) || (($.eventSource = s3.amazonaws.com) && (($.eventName =
#     PutBucketPolicy) || ($.eventName = DeleteBucketPolicy) || ($.eventName = PutBucketLifecycle) ||
#     ($.eventName = DeleteBucketLifecycle) || ($.eventName = PutBucketVersioning))) ||
#     (($.eventSource = kms.amazonaws.com) && ($.eventName = PutKeyPolicy)) || (($.eventSource =
#     logs.amazonaws.com) && (($.eventName = DeleteLogGroup) || ($.eventName = DeleteMetricFilter)))
#     || (($.eventSource = monitoring.amazonaws.com) && (($.eventName = DeleteAlarms) || ($.eventName
#     = DisableAlarmActions))) || (($.eventSource = sns.amazonaws.com) && (($.eventName =
#     DeleteTopic) || ($.eventName = Unsubscribe))) }'`, then `aws cloudwatch put-metric-alarm
#     --alarm-name audit-chain-tampering --metric-name AuditChainTampering --namespace CISBenchmark
#     --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator
#     GreaterThanOrEqualToThreshold --alarm-actions TOPIC_ARN` and `aws sns subscribe --topic-arn
#     TOPIC_ARN --protocol email --notification-endpoint ADDRESS` (the subscription counts once
#     confirmed). Or through EventBridge, in every region the account uses: `aws events put-rule
#     --name audit-chain-tampering --state ENABLED --event-pattern '{"detail-type":["AWS API Call via
#     CloudTrail"],"detail":{"eventSource":["cloudtrail.amazonaws.com","kms.amazonaws.com","logs.amazonaws.com","monitoring.amazonaws.com","s3.amazonaws.com","sns.amazonaws.com"],"eventName":["PutEventSelectors","PutInsightSelectors","DeleteEventDataStore","StopEventDataStoreIngestion","PutBucketPolicy","DeleteBucketPolicy","PutBucketLifecycle","DeleteBucketLifecycle","PutBucketVersioning","PutKeyPolicy","DeleteLogGroup","DeleteMetricFilter","DeleteAlarms","DisableAlarmActions","Unsubscribe","DeleteTopic"]}}'`
#     and `aws events put-targets --rule audit-chain-tampering --targets Id=alert,Arn=TOPIC_ARN` (the
#     topic's policy must let events.amazonaws.com publish).
package trailguard.rules.tg115

import data.trailguard.lib.monitoring
import data.trailguard.lib.monitoring_events.tg115
import rego.v1

# One finding per account where a record of the control reaches no one (trailguard.lib.monitoring).
deny contains f if {
	some f in monitoring.findings(tg115)
}
