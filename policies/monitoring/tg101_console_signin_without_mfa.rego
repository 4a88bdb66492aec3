# METADATA
# title: Nobody is alerted to console sign-in without MFA
# description: >-
#   A console sign-in without MFA means a password alone stood between whoever knew it and the
#   account. The control is met when every CloudTrail record it exists to catch (the records of
#   `trailguard.lib.monitoring_events`, control TG101) reaches someone: through a metric filter on
#   the log group of a logging multi-region trail that records every management event, an alarm on
#   the filter's metric with its actions enabled, and an SNS topic with a confirmed subscription
#   (or another action); or through an enabled EventBridge rule with a live target in every
#   collected region (us-east-1 for IAM and AWS Organizations events). Filters and event patterns
#   are judged by what they catch, not by their text. What the collector could not read gives no
#   verdict (TG090 reports it); a pattern trailguard cannot judge makes the finding say it cannot
#   verify.
# custom:
#   id: TG101
#   severity: low
#   controls:
#     securityhub: [CloudWatch.3]
#     cis: ["v1.4.0-v5.0.0/4.2", "v6.0.0/5.2"]
#   remediation: >-
#     Alert on the events through CloudWatch Logs: a metric filter with CIS's pattern on the log
#     group of a logging multi-region trail, an alarm on its metric, and a confirmed subscription to
#     the alarm's topic: `aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name
#     console-signin-without-mfa --metric-transformations
#     metricName=ConsoleSigninWithoutMFA,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern
#     '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") &&
#     ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }'`, then
#     `aws cloudwatch put-metric-alarm --alarm-name console-signin-without-mfa --metric-name
#     ConsoleSigninWithoutMFA --namespace CISBenchmark --statistic Sum --period 300
#     --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold
#     --alarm-actions TOPIC_ARN` and `aws sns subscribe --topic-arn TOPIC_ARN --protocol email
#     --notification-endpoint ADDRESS` (the subscription counts once confirmed). Or through
#     EventBridge, in every region the account uses: `aws events put-rule --name
#     console-signin-without-mfa --state ENABLED --event-pattern
#     '{"source":["aws.signin"],"detail-type":["AWS Console Sign In via
#     CloudTrail"],"detail":{"eventName":["ConsoleLogin"],"userIdentity":{"type":["IAMUser"]},"additionalEventData":{"MFAUsed":[{"anything-but":"Yes"}]},"responseElements":{"ConsoleLogin":["Success"]}}}'`
#     and `aws events put-targets --rule console-signin-without-mfa --targets Id=alert,Arn=TOPIC_ARN`
#     (the topic's policy must let events.amazonaws.com publish).
package trailguard.rules.tg101

import data.trailguard.lib.monitoring
import data.trailguard.lib.monitoring_events.tg101
import rego.v1

# One finding per account where a record of the control reaches no one (trailguard.lib.monitoring).
deny contains f if {
	some f in monitoring.findings(tg101)
}
