# METADATA
# title: Nobody is alerted to unauthorized API calls
# description: >-
#   Calls refused for want of permission are how a stolen credential probes what it may do, and how
#   a broken automation fails unnoticed. The control is met when every CloudTrail record it exists
#   to catch (the records of `trailguard.lib.monitoring_events`, control TG100) reaches someone:
#   through a metric filter on the log group of a logging multi-region trail that records every
#   management event, an alarm on the filter's metric with its actions enabled, and an SNS topic
#   with a confirmed subscription (or another action); or through an enabled EventBridge rule with
#   a live target in every collected region (us-east-1 for IAM and AWS Organizations events).
#   Filters and event patterns are judged by what they catch, not by their text. What the collector
#   could not read gives no verdict (TG090 reports it); a pattern trailguard cannot judge makes the
#   finding say it cannot verify.
# custom:
#   id: TG100
#   severity: low
#   controls:
#     securityhub: [CloudWatch.2]
#     cis: ["v1.4.0-v5.0.0/4.1", "v6.0.0/5.1"]
#   remediation: >-
#     Alert on the events through CloudWatch Logs: a metric filter with CIS's pattern on the log
#     group of a logging multi-region trail, an alarm on its metric, and a confirmed subscription to
#     the alarm's topic: `aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name
#     unauthorized-api-calls --metric-transformations
#     metricName=UnauthorizedAPICalls,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern
#     '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}'`, then `aws
#     cloudwatch put-metric-alarm --alarm-name unauthorized-api-calls --metric-name
#     UnauthorizedAPICalls --namespace CISBenchmark --statistic Sum --period 300 --evaluation-periods
#     1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions TOPIC_ARN`
#     and `aws sns subscribe --topic-arn TOPIC_ARN --protocol email --notification-endpoint ADDRESS`
#     (the subscription counts once confirmed). Or through EventBridge, in every region the account
#     uses: `aws events put-rule --name unauthorized-api-calls --state
#     ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS --event-pattern '{"detail-type":["AWS API Call
#     via
#     CloudTrail"],"detail":{"errorCode":[{"prefix":"AccessDenied"},{"suffix":"UnauthorizedOperation"}]}}'`
#     (`ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`: some of these calls are read-only, which a
#     rule in state `ENABLED` never receives) and `aws events put-targets --rule
#     unauthorized-api-calls --targets Id=alert,Arn=TOPIC_ARN` (the topic's policy must let
#     events.amazonaws.com publish).
package trailguard.rules.tg100

import data.trailguard.lib.monitoring
import data.trailguard.lib.monitoring_events.tg100
import rego.v1

# One finding per account where a record of the control reaches no one (trailguard.lib.monitoring).
deny contains f if {
	some f in monitoring.findings(tg100)
}
