package trailguard.rules.tg050_test

import data.trailguard.rules.tg050
import rego.v1

arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

test_allow_log_group if {
	count(tg050.deny) == 0 with input as {"trails": {arn: {
		"Name": "main",
		"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111111111111:log-group:trail:*",
	}}}
}

test_deny_no_log_group if {
	findings := tg050.deny with input as {"trails": {arn: {"Name": "main"}}}
	findings == {{
		"resource": arn,
		"message": sprintf("Trail main (%s) does not send its events to CloudWatch Logs", [arn]),
	}}
}

test_deny_empty_log_group if {
	count(tg050.deny) == 1 with input as {"trails": {arn: {"Name": "main", "CloudWatchLogsLogGroupArn": ""}}}
}
