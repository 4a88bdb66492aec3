package trailguard.rules.tg052_test

import data.trailguard.rules.tg052
import rego.v1

group_arn := "arn:aws:logs:us-east-1:111111111111:log-group:trail-events"

snapshot(settings) := {
	"trails": {
		"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {"Name": "main", "CloudWatchLogsLogGroupArn": concat("", [group_arn, ":*"])},
		"arn:aws:cloudtrail:us-east-1:111111111111:trail/other": {"Name": "other", "CloudWatchLogsLogGroupArn": concat("", [group_arn, ":*"])},
	},
	"log_groups": {group_arn: {"Arn": group_arn, "LogGroupName": "trail-events", "Settings": settings}},
}

test_allow_never_expire if {
	count(tg052.deny) == 0 with input as snapshot({"RetentionInDays": null})
}

test_allow_long_enough if {
	count(tg052.deny) == 0 with input as snapshot({"RetentionInDays": 365})
}

test_allow_parameter_lowered if {
	count(tg052.deny) == 0 with input as snapshot({"RetentionInDays": 90}) with data.trailguard.params.retention_days as 90
}

test_deny_short_retention if {
	findings := tg052.deny with input as snapshot({"RetentionInDays": 30})
	findings == {{
		"resource": group_arn,
		"message": "CloudWatch Logs log group trail-events, which receives the events of trails main, other, keeps them for 30 days, less than the retention period of 365 days",
	}}
}

test_deny_parameter_raised if {
	count(tg052.deny) == 1 with input as snapshot({"RetentionInDays": 400}) with data.trailguard.params.retention_days as 731
}
