package trailguard.rules.tg115_test

import data.trailguard.lib.monitoring_events
import data.trailguard.rules.tg115
import rego.v1

# One account, two regions; its multi-region trail sends its events to log group CloudTrail/org,
# whose filters feed alarm audit-chain-tampering, which notifies a topic with a confirmed subscription.

acct := "111122223333"

trail_arn := "arn:aws:cloudtrail:us-east-1:111122223333:trail/org"

group_arn := "arn:aws:logs:us-east-1:111122223333:log-group:CloudTrail/org"

alarm_arn := "arn:aws:cloudwatch:us-east-1:111122223333:alarm:audit-chain-tampering"

topic_arn := "arn:aws:sns:us-east-1:111122223333:security-alerts"

filter(pattern) := {
	"FilterName": "audit-chain-tampering", "FilterPattern": pattern,
	"MetricTransformations": [{"MetricName": "AuditChainTampering", "MetricNamespace": "CISBenchmark", "MetricValue": "1", "AlarmArns": [alarm_arn]}],
}

# The EventBridge rule of the remediation.
event_rule(state) := {
	"Name": "audit-chain-tampering", "State": state,
	"EventPattern": {"detail-type": ["AWS API Call via CloudTrail"], "detail": {"eventSource": ["cloudtrail.amazonaws.com", "kms.amazonaws.com", "logs.amazonaws.com", "monitoring.amazonaws.com", "s3.amazonaws.com", "sns.amazonaws.com"], "eventName": ["PutEventSelectors", "PutInsightSelectors", "DeleteEventDataStore", "StopEventDataStoreIngestion", "PutBucketPolicy", "DeleteBucketPolicy", "PutBucketLifecycle", "DeleteBucketLifecycle", "PutBucketVersioning", "PutKeyPolicy", "DeleteLogGroup", "DeleteMetricFilter", "DeleteAlarms", "DisableAlarmActions", "Unsubscribe", "DeleteTopic"]}},
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
	"alarms": {alarm_arn: {"AlarmArn": alarm_arn, "AlarmName": "audit-chain-tampering", "ActionsEnabled": true, "AlarmActions": [topic_arn]}},
	"topics": {topic_arn: {"TopicArn": topic_arn, "Attributes": {}, "Subscriptions": [{"Protocol": "email", "Endpoint": "secops@example.com", "Confirmed": true}]}},
}

cis_filter := filter(monitoring_events.controls.TG115.reference_filter)

test_allow_reference_filter_alarm_and_subscriber if {
	count(tg115.deny) == 0 with input as snapshot([cis_filter], [], [])
}

test_allow_event_rule_of_the_remediation if {
	count(tg115.deny) == 0 with input as snapshot([], [event_rule("ENABLED")], [event_rule("ENABLED")])
}

test_allow_nothing_read if {
	# No Monitoring and no log group collected: no verdict (TG090 reports the gaps).
	snap := snapshot([], [], [])
	unread := object.union(object.remove(snap, ["accounts", "log_groups"]), {"accounts": {acct: {"AccountId": acct, "Regions": ["us-east-1"], "TrailArns": [trail_arn]}}})
	count(tg115.deny) == 0 with input as unread
}

test_deny_no_filter_and_no_event_rule if {
	findings := tg115.deny with input as snapshot([], [], [])
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": concat("", [
			"Account 111122223333: nobody is alerted to tampering with the audit chain that CIS leaves out: PutEventSelectors (tg115-puteventselectors), PutInsightSelectors (tg115-putinsightselectors)",
			", DeleteEventDataStore (tg115-deleteeventdatastore), StopEventDataStoreIngestion (tg115-stopeventdatastoreingestion), PutBucketPolicy (tg115-putbucketpolicy-logbucket)",
			", DeleteBucketPolicy (tg115-deletebucketpolicy-logbucket), PutBucketLifecycle (tg115-putbucketlifecycle-logbucket), DeleteBucketLifecycle (tg115-deletebucketlifecycle-logbucket)",
			", PutBucketVersioning (tg115-putbucketversioning-logbucket), PutKeyPolicy (tg115-putkeypolicy), DeleteLogGroup (tg115-deleteloggroup), DeleteMetricFilter (tg115-deletemetricfilter)",
			", DeleteAlarms (tg115-deletealarms), DisableAlarmActions (tg115-disablealarmactions), Unsubscribe (tg115-unsubscribe)",
			", DeleteTopic (tg115-deletetopic): log group CloudTrail/org has no metric filter; no EventBridge rule catches them",
		]),
	}}
}

test_deny_alarm_actions_disabled if {
	snap := snapshot([cis_filter], [], [])
	off := object.union(snap, {"alarms": {alarm_arn: {"ActionsEnabled": false}}})
	findings := tg115.deny with input as off
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": concat("", [
			"Account 111122223333: nobody is alerted to tampering with the audit chain that CIS leaves out: PutEventSelectors (tg115-puteventselectors), PutInsightSelectors (tg115-putinsightselectors)",
			", DeleteEventDataStore (tg115-deleteeventdatastore), StopEventDataStoreIngestion (tg115-stopeventdatastoreingestion), PutBucketPolicy (tg115-putbucketpolicy-logbucket)",
			", DeleteBucketPolicy (tg115-deletebucketpolicy-logbucket), PutBucketLifecycle (tg115-putbucketlifecycle-logbucket), DeleteBucketLifecycle (tg115-deletebucketlifecycle-logbucket)",
			", PutBucketVersioning (tg115-putbucketversioning-logbucket), PutKeyPolicy (tg115-putkeypolicy), DeleteLogGroup (tg115-deleteloggroup), DeleteMetricFilter (tg115-deletemetricfilter)",
			", DeleteAlarms (tg115-deletealarms), DisableAlarmActions (tg115-disablealarmactions), Unsubscribe (tg115-unsubscribe)",
			", DeleteTopic (tg115-deletetopic): filter audit-chain-tampering on log group CloudTrail/org catches them, but alarm audit-chain-tampering's actions are disabled; no EventBridge rule catches them",
		]),
	}}
}

test_deny_event_rule_in_one_region_only if {
	findings := tg115.deny with input as snapshot([], [], [event_rule("ENABLED")])
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": concat("", [
			"Account 111122223333: nobody is alerted to tampering with the audit chain that CIS leaves out: PutEventSelectors (tg115-puteventselectors), PutInsightSelectors (tg115-putinsightselectors)",
			", DeleteEventDataStore (tg115-deleteeventdatastore), StopEventDataStoreIngestion (tg115-stopeventdatastoreingestion), PutBucketPolicy (tg115-putbucketpolicy-logbucket)",
			", DeleteBucketPolicy (tg115-deletebucketpolicy-logbucket), PutBucketLifecycle (tg115-putbucketlifecycle-logbucket), DeleteBucketLifecycle (tg115-deletebucketlifecycle-logbucket)",
			", PutBucketVersioning (tg115-putbucketversioning-logbucket), PutKeyPolicy (tg115-putkeypolicy), DeleteLogGroup (tg115-deleteloggroup), DeleteMetricFilter (tg115-deletemetricfilter)",
			", DeleteAlarms (tg115-deletealarms), DisableAlarmActions (tg115-disablealarmactions), Unsubscribe (tg115-unsubscribe)",
			", DeleteTopic (tg115-deletetopic): log group CloudTrail/org has no metric filter; EventBridge rule audit-chain-tampering covers eu-west-1 only (us-east-1 has none)",
		]),
	}}
}
