# METADATA
# title: Nobody is alerted to VPC changes
# description: >-
#   A new, deleted or peered VPC can join networks that should stay apart. The control is met when
#   every CloudTrail record it exists to catch (the records of `trailguard.lib.monitoring_events`,
#   control TG113) reaches someone: through a metric filter on the log group of a logging
#   multi-region trail that records every management event, an alarm on the filter's metric with
#   its actions enabled, and an SNS topic with a confirmed subscription (or another action); or
#   through an enabled EventBridge rule with a live target in every collected region (us-east-1 for
#   IAM and AWS Organizations events). Filters and event patterns are judged by what they catch,
#   not by their text. What the collector could not read gives no verdict (TG090 reports it); a
#   pattern trailguard cannot judge makes the finding say it cannot verify.
# custom:
#   id: TG113
#   severity: low
#   controls:
#     securityhub: [CloudWatch.14]
#     cis: ["v1.4.0-v5.0.0/4.14", "v6.0.0/5.14"]
#   remediation: >-
#     Alert on the events through CloudWatch Logs: a metric filter with CIS's pattern on the log
#     group of a logging multi-region trail, an alarm on its metric, and a confirmed subscription to
#     the alarm's topic: `aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name
#     vpc-changes --metric-transformations
#     metricName=VPCChanges,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern
#     '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) ||
#     ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) ||
#     ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) ||
#     ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) ||
#     ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}'`, then `aws
#     cloudwatch put-metric-alarm --alarm-name vpc-changes --metric-name VPCChanges --namespace
#     CISBenchmark --statistic Sum --period 300 --evaluation-periods 1 --threshold 1
#     --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions TOPIC_ARN` and `aws sns
#     subscribe --topic-arn TOPIC_ARN --protocol email --notification-endpoint ADDRESS` (the
#     subscription counts once confirmed). Or through EventBridge, in every region the account uses:
#     `aws events put-rule --name vpc-changes --state ENABLED --event-pattern
#     '{"source":["aws.ec2"],"detail-type":["AWS API Call via
#     CloudTrail"],"detail":{"eventName":["CreateVpc","ModifyVpcAttribute","CreateVpcPeeringConnection","AcceptVpcPeeringConnection","RejectVpcPeeringConnection","DeleteVpcPeeringConnection","EnableVpcClassicLink","AttachClassicLinkVpc","DetachClassicLinkVpc","DisableVpcClassicLink","DeleteVpc"]}}'`
#     and `aws events put-targets --rule vpc-changes --targets Id=alert,Arn=TOPIC_ARN` (the topic's
#     policy must let events.amazonaws.com publish).
package trailguard.rules.tg113

import data.trailguard.lib.monitoring
import data.trailguard.lib.monitoring_events.tg113
import rego.v1

# One finding per account where a record of the control reaches no one (trailguard.lib.monitoring).
deny contains f if {
	some f in monitoring.findings(tg113)
}
