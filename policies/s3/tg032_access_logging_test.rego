package trailguard.rules.tg032_test

import data.trailguard.rules.tg032
import rego.v1

trails := {"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {"Name": "main", "S3BucketName": "logs"}}

test_allow_logging_enabled if {
	count(tg032.deny) == 0 with input as {"trails": trails, "buckets": {"logs": {
		"Name": "logs",
		"Arn": "arn:aws:s3:::logs",
		"Logging": {"TargetBucket": "access-logs", "TargetPrefix": "logs/"},
	}}}
}

test_deny_logging_disabled if {
	findings := tg032.deny with input as {"trails": trails, "buckets": {"logs": {
		"Name": "logs",
		"Arn": "arn:aws:s3:::logs",
		"Logging": null,
	}}}
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) has server access logging disabled",
	}}
}

test_allow_unknown_logging_is_left_to_tg090 if {
	count(tg032.deny) == 0 with input as {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs"}}}
}
