# METADATA
# title: Nobody is alerted to network gateway changes
# description: >-
#   A new or changed customer or internet gateway opens a path into or out of the network. The
#   control is met when every CloudTrail record it exists to catch (the records of
#   `trailguard.lib.monitoring_events`, control TG111) reaches someone: through a metric filter on
#   the log group of a logging multi-region trail that records every management event, an alarm on
#   the filter's metric with its actions enabled, and an SNS topic with a confirmed subscription
#   (or another action); or through an enabled EventBridge rule with a live target in every
#   collected region (us-east-1 for IAM and AWS Organizations events). Filters and event patterns
#   are judged by what they catch, not by their text. What the collector could not read gives no
#   verdict (TG090 reports it); a pattern trailguard cannot judge makes the finding say it cannot
#   verify.
# custom:
#   id: TG111
#   severity: low
#   controls:
#     securityhub: [CloudWatch.12]
#     cis: ["v1.4.0-v5.0.0/4.12", "v6.0.0/5.12"]
#   remediation: >-
#     Alert on the events through CloudWatch Logs: a metric filter with CIS's pattern on the log
#     group of a logging multi-region trail, an alarm on its metric, and a confirmed subscription to
#     the alarm's topic: `aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name
#     network-gateway-changes --metric-transformations
#     metricName=NetworkGatewayChanges,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern
#     '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) ||
#     ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) ||
#     ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}'`, then `aws
#     cloudwatch put-metric-alarm --alarm-name network-gateway-changes --metric-name
#     NetworkGatewayChanges --namespace CISBenchmark --statistic Sum --period 300
#     --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold
#     --alarm-actions TOPIC_ARN` and `aws sns subscribe --topic-arn TOPIC_ARN --protocol email
#     --notification-endpoint ADDRESS` (the subscription counts once confirmed). Or through
#     EventBridge, in every region the account uses: `aws events put-rule --name
#     network-gateway-changes --state ENABLED --event-pattern
#     '{"source":["aws.ec2"],"detail-type":["AWS API Call via
#     CloudTrail"],"detail":{"eventName":["CreateCustomerGateway","DeleteCustomerGateway","CreateInternetGateway","AttachInternetGateway","DetachInternetGateway","DeleteInternetGateway"]}}'`
#     and `aws events put-targets --rule network-gateway-changes --targets Id=alert,Arn=TOPIC_ARN`
#     (the topic's policy must let events.amazonaws.com publish).
package trailguard.rules.tg111

import data.trailguard.lib.monitoring
import data.trailguard.lib.monitoring_events.tg111
import rego.v1

# One finding per account where a record of the control reaches no one (trailguard.lib.monitoring).
deny contains f if {
	some f in monitoring.findings(tg111)
}
