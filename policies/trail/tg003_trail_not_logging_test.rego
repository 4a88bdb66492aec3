package trailguard.rules.tg003_test

import data.trailguard.rules.tg003
import rego.v1

arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

test_allow_logging if {
	count(tg003.deny) == 0 with input as {"trails": {arn: {"Name": "main", "Status": {"IsLogging": true}}}}
}

test_deny_stopped if {
	findings := tg003.deny with input as {"trails": {arn: {"Name": "main", "Status": {
		"IsLogging": false,
		"StopLoggingTime": "2026-11-01T10:00:00Z",
	}}}}
	findings == {{
		"resource": arn,
		"message": sprintf("Trail main (%s) is not logging (stopped at 2026-11-01T10:00:00Z)", [arn]),
	}}
}

test_deny_stopped_without_time if {
	findings := tg003.deny with input as {"trails": {arn: {"Name": "main", "Status": {"IsLogging": false}}}}
	findings == {{"resource": arn, "message": sprintf("Trail main (%s) is not logging", [arn])}}
}

test_allow_unknown_status_is_left_to_tg090 if {
	count(tg003.deny) == 0 with input as {"trails": {arn: {"Name": "main"}}}
}
