package trailguard.rules.tg051_test

import data.trailguard.rules.tg051
import rego.v1

group_arn := "arn:aws:logs:us-east-1:111111111111:log-group:trail-events"

snapshot(settings) := {
	"trails": {"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {
		"Name": "main", "CloudWatchLogsLogGroupArn": concat("", [group_arn, ":*"]),
	}},
	"log_groups": {group_arn: {"Arn": group_arn, "LogGroupName": "trail-events", "Settings": settings}},
}

test_allow_encrypted if {
	count(tg051.deny) == 0 with input as snapshot({"KmsKeyId": "arn:aws:kms:us-east-1:111111111111:key/k", "RetentionInDays": 400})
}

test_allow_missing_group_is_not_judged if {
	count(tg051.deny) == 0 with input as snapshot(null)
}

test_allow_unread_group_is_not_judged if {
	count(tg051.deny) == 0 with input as {
		"trails": {"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {"Name": "main", "CloudWatchLogsLogGroupArn": concat("", [group_arn, ":*"])}},
		"log_groups": {group_arn: {"Arn": group_arn}},
	}
}

test_deny_not_encrypted if {
	findings := tg051.deny with input as snapshot({"RetentionInDays": 400})
	findings == {{
		"resource": group_arn,
		"message": "CloudWatch Logs log group trail-events, which receives the events of trail main, is not encrypted with a KMS key",
	}}
}

test_deny_null_key if {
	count(tg051.deny) == 1 with input as snapshot({"KmsKeyId": null})
}
