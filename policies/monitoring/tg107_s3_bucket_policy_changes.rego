# METADATA
# title: Nobody is alerted to S3 bucket policy changes
# description: >-
#   A changed bucket policy, ACL, CORS, lifecycle or replication configuration can expose a
#   bucket's data, copy it elsewhere or delete it. The control is met when every CloudTrail record
#   it exists to catch (the records of `trailguard.lib.monitoring_events`, control TG107) reaches
#   someone: through a metric filter on the log group of a logging multi-region trail that records
#   every management event, an alarm on the filter's metric with its actions enabled, and an SNS
#   topic with a confirmed subscription (or another action); or through an enabled EventBridge rule
#   with a live target in every collected region (us-east-1 for IAM and AWS Organizations events).
#   Filters and event patterns are judged by what they catch, not by their text. What the collector
#   could not read gives no verdict (TG090 reports it); a pattern trailguard cannot judge makes the
#   finding say it cannot verify.
# custom:
#   id: TG107
#   severity: low
#   controls:
#     securityhub: [CloudWatch.8]
#     cis: ["v1.4.0-v5.0.0/4.8", "v6.0.0/5.8"]
#   remediation: >-
#     Alert on the events through CloudWatch Logs: a metric filter with CIS's pattern on the log
#     group of a logging multi-region trail, an alarm on its metric, and a confirmed subscription to
#     the alarm's topic: `aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name
#     s3-bucket-policy-changes --metric-transformations
#     metricName=S3BucketPolicyChanges,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern
#     '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) ||
#     ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) ||
#     ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) ||
#     ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) ||
#     ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}'`, then `aws
#     cloudwatch put-metric-alarm --alarm-name s3-bucket-policy-changes --metric-name
#     S3BucketPolicyChanges --namespace CISBenchmark --statistic Sum --period 300
#     --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold
#     --alarm-actions TOPIC_ARN` and `aws sns subscribe --topic-arn TOPIC_ARN --protocol email
#     --notification-endpoint ADDRESS` (the subscription counts once confirmed). Or through
#     EventBridge, in every region the account uses: `aws events put-rule --name
#     s3-bucket-policy-changes --state ENABLED --event-pattern
#     '{"source":["aws.s3"],"detail-type":["AWS API Call via
#     CloudTrail"],"detail":{"eventName":["PutBucketAcl","PutBucketPolicy","PutBucketCors","PutBucketLifecycle","PutBucketReplication","DeleteBucketPolicy","DeleteBucketCors","DeleteBucketLifecycle","DeleteBucketReplication"]}}'`
#     and `aws events put-targets --rule s3-bucket-policy-changes --targets Id=alert,Arn=TOPIC_ARN`
#     (the topic's policy must let events.amazonaws.com publish).
package trailguard.rules.tg107

import data.trailguard.lib.monitoring
import data.trailguard.lib.monitoring_events.tg107
import rego.v1

# One finding per account where a record of the control reaches no one (trailguard.lib.monitoring).
deny contains f if {
	some f in monitoring.findings(tg107)
}
