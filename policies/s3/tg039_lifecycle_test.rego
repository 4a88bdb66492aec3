package trailguard.rules.tg039_test

import data.trailguard.rules.tg039
import rego.v1

trails := {"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {"Name": "main", "S3BucketName": "logs"}}

with_lifecycle(l) := {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs", "Lifecycle": l}}}

test_allow_rule_keeping_logs_long_enough if {
	count(tg039.deny) == 0 with input as with_lifecycle({"Rules": [
		{"ID": "archive", "Status": "Enabled", "Transitions": [{"Days": 90, "StorageClass": "GLACIER"}]},
		{"ID": "expire", "Status": "Enabled", "Expiration": {"Days": 400}},
		{"ID": "old", "Status": "Disabled", "Expiration": {"Days": 1}},
	]})
}

test_deny_no_lifecycle if {
	findings := tg039.deny with input as with_lifecycle(null)
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) has no lifecycle rule keeping its logs for the retention period: it has no lifecycle configuration",
	}}
}

test_deny_no_enabled_rule if {
	findings := tg039.deny with input as with_lifecycle({"Rules": [{"ID": "old", "Status": "Disabled"}]})
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) has no lifecycle rule keeping its logs for the retention period: none of its lifecycle rules is enabled",
	}}
}

test_deny_rules_expiring_too_soon_in_one_finding if {
	findings := tg039.deny with input as with_lifecycle({"Rules": [
		{"ID": "short", "Status": "Enabled", "Expiration": {"Days": 90}},
		{"Status": "Enabled", "Expiration": {"Days": 30}},
	]})
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": concat("", [
			"Log bucket logs (trail(s) main) has no lifecycle rule keeping its logs for the retention period: ",
			"lifecycle rule \"short\" deletes logs after 90 days, less than the required 365; ",
			"lifecycle rule Rules[1] deletes logs after 30 days, less than the required 365",
		]),
	}}
}

test_allow_unknown_lifecycle_is_left_to_tg090 if {
	count(tg039.deny) == 0 with input as {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs"}}}
}

test_deny_one_short_rule_among_long_ones if {
	findings := tg039.deny with input as with_lifecycle({"Rules": [
		{"ID": "expire", "Status": "Enabled", "Expiration": {"Days": 400}},
		{"ID": "short", "Status": "Enabled", "Expiration": {"Days": 30}},
	]})
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) has no lifecycle rule keeping its logs for the retention period: lifecycle rule \"short\" deletes logs after 30 days, less than the required 365",
	}}
}
