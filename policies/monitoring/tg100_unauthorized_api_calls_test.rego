package trailguard.rules.tg100_test

import data.trailguard.lib.monitoring_events
import data.trailguard.rules.tg100
import rego.v1

# One account, two regions; its multi-region trail sends its events to log group CloudTrail/org,
# whose filters feed alarm unauthorized-api-calls, which notifies a topic with a confirmed subscription.

acct := "111122223333"

trail_arn := "arn:aws:cloudtrail:us-east-1:111122223333:trail/org"

group_arn := "arn:aws:logs:us-east-1:111122223333:log-group:CloudTrail/org"

alarm_arn := "arn:aws:cloudwatch:us-east-1:111122223333:alarm:unauthorized-api-calls"

topic_arn := "arn:aws:sns:us-east-1:111122223333:security-alerts"

filter(pattern) := {
	"FilterName": "unauthorized-api-calls", "FilterPattern": pattern,
	"MetricTransformations": [{"MetricName": "UnauthorizedAPICalls", "MetricNamespace": "CISBenchmark", "MetricValue": "1", "AlarmArns": [alarm_arn]}],
}

# The EventBridge rule of the remediation.
event_rule(state) := {
	"Name": "unauthorized-api-calls", "State": state,
	"EventPattern": {"detail-type": ["AWS API Call via CloudTrail"], "detail": {"errorCode": [{"prefix": "AccessDenied"}, {"suffix": "UnauthorizedOperation"}]}},
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
	"alarms": {alarm_arn: {"AlarmArn": alarm_arn, "AlarmName": "unauthorized-api-calls", "ActionsEnabled": true, "AlarmActions": [topic_arn]}},
	"topics": {topic_arn: {"TopicArn": topic_arn, "Attributes": {}, "Subscriptions": [{"Protocol": "email", "Endpoint": "secops@example.com", "Confirmed": true}]}},
}

cis_filter := filter(monitoring_events.controls.TG100.reference_filter)

test_allow_reference_filter_alarm_and_subscriber if {
	count(tg100.deny) == 0 with input as snapshot([cis_filter], [], [])
}

test_allow_event_rule_of_the_remediation if {
	count(tg100.deny) == 0 with input as snapshot([], [event_rule("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")], [event_rule("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")])
}

test_allow_nothing_read if {
	# No Monitoring and no log group collected: no verdict (TG090 reports the gaps).
	snap := snapshot([], [], [])
	unread := object.union(object.remove(snap, ["accounts", "log_groups"]), {"accounts": {acct: {"AccountId": acct, "Regions": ["us-east-1"], "TrailArns": [trail_arn]}}})
	count(tg100.deny) == 0 with input as unread
}

test_deny_no_filter_and_no_event_rule if {
	findings := tg100.deny with input as snapshot([], [], [])
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": concat("", [
			"Account 111122223333: nobody is alerted to unauthorized API calls: GetBucketAcl (tg100-accessdenied-s3), RunInstances (tg100-unauthorizedoperation-ec2)",
			", Decrypt (tg100-accessdeniedexception-kms): log group CloudTrail/org has no metric filter; no EventBridge rule catches them. ListUsers (tg100-accessdenied-iam): log group CloudTrail/org has no metric filter; no EventBridge rule catches it in us-east-1",
		]),
	}}
}

test_deny_alarm_actions_disabled if {
	snap := snapshot([cis_filter], [], [])
	off := object.union(snap, {"alarms": {alarm_arn: {"ActionsEnabled": false}}})
	findings := tg100.deny with input as off
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": concat("", [
			"Account 111122223333: nobody is alerted to unauthorized API calls: GetBucketAcl (tg100-accessdenied-s3), RunInstances (tg100-unauthorizedoperation-ec2)",
			", Decrypt (tg100-accessdeniedexception-kms): filter unauthorized-api-calls on log group CloudTrail/org catches them",
			", but alarm unauthorized-api-calls's actions are disabled; no EventBridge rule catches them. ListUsers (tg100-accessdenied-iam): filter unauthorized-api-calls on log group CloudTrail/org catches it",
			", but alarm unauthorized-api-calls's actions are disabled; no EventBridge rule catches it in us-east-1",
		]),
	}}
}

# With state ENABLED, the rule never receives the read-only calls among the records.
test_deny_event_rule_without_read_only_events if {
	findings := tg100.deny with input as snapshot([], [event_rule("ENABLED")], [event_rule("ENABLED")])
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": concat("", [
			"Account 111122223333: nobody is alerted to unauthorized API calls: GetBucketAcl (tg100-accessdenied-s3)",
			", Decrypt (tg100-accessdeniedexception-kms): log group CloudTrail/org has no metric filter; EventBridge rule unauthorized-api-calls in eu-west-1, us-east-1 catches them",
			", but it gets no read-only events (its state is ENABLED",
			", not ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS). ListUsers (tg100-accessdenied-iam): log group CloudTrail/org has no metric filter; EventBridge rule unauthorized-api-calls in us-east-1 catches it",
			", but it gets no read-only events (its state is ENABLED, not ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS)",
		]),
	}}
}
