# METADATA
# title: Nobody is alerted to AWS Organizations changes
# description: >-
#   Changes to the organisation (an account leaving, a policy detached or rewritten) can remove the
#   guardrails that protect the trail in every account. The control is met when every CloudTrail
#   record it exists to catch (the records of `trailguard.lib.monitoring_events`, control TG114)
#   reaches someone: through a metric filter on the log group of a logging multi-region trail that
#   records every management event, an alarm on the filter's metric with its actions enabled, and
#   an SNS topic with a confirmed subscription (or another action); or through an enabled
#   EventBridge rule with a live target in every collected region (us-east-1 for IAM and AWS
#   Organizations events). Filters and event patterns are judged by what they catch, not by their
#   text. What the collector could not read gives no verdict (TG090 reports it); a pattern
#   trailguard cannot judge makes the finding say it cannot verify.
# custom:
#   id: TG114
#   severity: low
#   controls:
#     cis: ["v1.4.0-v5.0.0/4.15", "v6.0.0/5.15"]
#   remediation: >-
#     Alert on the events through CloudWatch Logs: a metric filter with CIS's pattern on the log
#     group of a logging multi-region trail, an alarm on its metric, and a confirmed subscription to
#     the alarm's topic: `aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name
#     organizations-changes --metric-transformations
#     metricName=OrganizationsChanges,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{
#     ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) ||
#     ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName =
#     CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake)
#     || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) ||
#     ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName =
#     DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName =
#     InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName =
#     MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy)
#     || ($.eventName = UpdateOrganizationalUnit)) }'`, then `aws cloudwatch put-metric-alarm
#     --alarm-name organizations-changes --metric-name OrganizationsChanges --namespace CISBenchmark
#     --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator
#     GreaterThanOrEqualToThreshold --alarm-actions TOPIC_ARN` and `aws sns subscribe --topic-arn
#     TOPIC_ARN --protocol email --notification-endpoint ADDRESS` (the subscription counts once
#     confirmed). Or through EventBridge, in us-east-1, where AWS delivers the events of IAM and AWS
#     Organizations: `aws events put-rule --name organizations-changes --state ENABLED
#     --event-pattern '{"source":["aws.organizations"],"detail-type":["AWS API Call via
#     CloudTrail"],"detail":{"eventName":["AcceptHandshake","AttachPolicy","CreateAccount","CreateOrganizationalUnit","CreatePolicy","DeclineHandshake","DeleteOrganization","DeleteOrganizationalUnit","DeletePolicy","DetachPolicy","DisablePolicyType","EnablePolicyType","InviteAccountToOrganization","LeaveOrganization","MoveAccount","RemoveAccountFromOrganization","UpdatePolicy","UpdateOrganizationalUnit"]}}'`
#     and `aws events put-targets --rule organizations-changes --targets Id=alert,Arn=TOPIC_ARN` (the
#     topic's policy must let events.amazonaws.com publish).
package trailguard.rules.tg114

import data.trailguard.lib.monitoring
import data.trailguard.lib.monitoring_events.tg114
import rego.v1

# One finding per account where a record of the control reaches no one (trailguard.lib.monitoring).
deny contains f if {
	some f in monitoring.findings(tg114)
}
