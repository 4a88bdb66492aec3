package trailguard.rules.tg109_test

import data.trailguard.lib.monitoring_events
import data.trailguard.rules.tg109
import rego.v1

# One account, two regions; its multi-region trail sends its events to log group CloudTrail/org,
# whose filters feed alarm security-group-changes, which notifies a topic with a confirmed subscription.

acct := "111122223333"

trail_arn := "arn:aws:cloudtrail:us-east-1:111122223333:trail/org"

group_arn := "arn:aws:logs:us-east-1:111122223333:log-group:CloudTrail/org"

alarm_arn := "arn:aws:cloudwatch:us-east-1:111122223333:alarm:security-group-changes"

topic_arn := "arn:aws:sns:us-east-1:111122223333:security-alerts"

filter(pattern) := {
	"FilterName": "security-group-changes", "FilterPattern": pattern,
	"MetricTransformations": [{"MetricName": "SecurityGroupChanges", "MetricNamespace": "CISBenchmark", "MetricValue": "1", "AlarmArns": [alarm_arn]}],
}

# The EventBridge rule of the remediation.
event_rule(state) := {
	"Name": "security-group-changes", "State": state,
	"EventPattern": {"source": ["aws.ec2"], "detail-type": ["AWS API Call via CloudTrail"], "detail": {"eventName": ["AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup"]}},
	"Targets": [{"Id": "alert", "Arn": topic_arn}],
}

# snapshot: the log group's filters, and the EventBridge rules of each region.
snapshot(filters, us_east_1, eu_west_1) := {
	"accounts": {acct: {
		"AccountId": acct, "Regions": ["eu-west-1", "us-east-1"], "TrailArns": [trail_arn],
		"Monitoring": {"eu-west-1": {"EventRules": eu_west_1}, "us-east-1": {"EventRules": us_east_1}},
	}},
	"trails": {trail_arn: {
		"Name": "org", "AccountId": acct, "HomeRegion": "us-east-1", "IsMultiRegionTrail": true,
		"Status": {"IsLogging": true}, "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true}],
		"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:CloudTrail/org:*",
	}},
	"log_groups": {group_arn: {"Arn": group_arn, "LogGroupName": "CloudTrail/org", "Settings": {}, "MetricFilters": filters}},
	"alarms": {alarm_arn: {"AlarmArn": alarm_arn, "AlarmName": "security-group-changes", "ActionsEnabled": true, "AlarmActions": [topic_arn]}},
	"topics": {topic_arn: {"TopicArn": topic_arn, "Attributes": {}, "Subscriptions": [{"Protocol": "email", "Endpoint": "secops@example.com", "Confirmed": true}]}},
}

cis_filter := filter(monitoring_events.controls.TG109.reference_filter)

test_allow_reference_filter_alarm_and_subscriber if {
	count(tg109.deny) == 0 with input as snapshot([cis_filter], [], [])
}

test_allow_event_rule_of_the_remediation if {
	count(tg109.deny) == 0 with input as snapshot([], [event_rule("ENABLED")], [event_rule("ENABLED")])
}

test_allow_nothing_read if {
	# No Monitoring and no log group collected: no verdict (TG090 reports the gaps).
	snap := snapshot([], [], [])
	unread := object.union(object.remove(snap, ["accounts", "log_groups"]), {"accounts": {acct: {"AccountId": acct, "Regions": ["us-east-1"], "TrailArns": [trail_arn]}}})
	count(tg109.deny) == 0 with input as unread
}

test_deny_no_filter_and_no_event_rule if {
	findings := tg109.deny with input as snapshot([], [], [])
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": concat("", [
			"Account 111122223333: nobody is alerted to security group changes: AuthorizeSecurityGroupIngress (tg109-authorizesecuritygroupingress)",
			", AuthorizeSecurityGroupEgress (tg109-authorizesecuritygroupegress), RevokeSecurityGroupIngress (tg109-revokesecuritygroupingress), RevokeSecurityGroupEgress (tg109-revokesecuritygroupegress)",
			", CreateSecurityGroup (tg109-createsecuritygroup), DeleteSecurityGroup (tg109-deletesecuritygroup): log group CloudTrail/org has no metric filter; no EventBridge rule catches them",
		]),
	}}
}

test_deny_alarm_actions_disabled if {
	snap := snapshot([cis_filter], [], [])
	off := object.union(snap, {"alarms": {alarm_arn: {"ActionsEnabled": false}}})
	findings := tg109.deny with input as off
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": concat("", [
			"Account 111122223333: nobody is alerted to security group changes: AuthorizeSecurityGroupIngress (tg109-authorizesecuritygroupingress)",
			", AuthorizeSecurityGroupEgress (tg109-authorizesecuritygroupegress), RevokeSecurityGroupIngress (tg109-revokesecuritygroupingress), RevokeSecurityGroupEgress (tg109-revokesecuritygroupegress)",
			", CreateSecurityGroup (tg109-createsecuritygroup), DeleteSecurityGroup (tg109-deletesecuritygroup): filter security-group-changes on log group CloudTrail/org catches them",
			", but alarm security-group-changes's actions are disabled; no EventBridge rule catches them",
		]),
	}}
}

test_deny_event_rule_in_one_region_only if {
	findings := tg109.deny with input as snapshot([], [], [event_rule("ENABLED")])
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": concat("", [
			"Account 111122223333: nobody is alerted to security group changes: AuthorizeSecurityGroupIngress (tg109-authorizesecuritygroupingress)",
			", AuthorizeSecurityGroupEgress (tg109-authorizesecuritygroupegress), RevokeSecurityGroupIngress (tg109-revokesecuritygroupingress), RevokeSecurityGroupEgress (tg109-revokesecuritygroupegress)",
			", CreateSecurityGroup (tg109-createsecuritygroup)",
			", DeleteSecurityGroup (tg109-deletesecuritygroup): log group CloudTrail/org has no metric filter; EventBridge rule security-group-changes covers eu-west-1 only (us-east-1 has none)",
		]),
	}}
}
