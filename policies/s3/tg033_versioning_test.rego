package trailguard.rules.tg033_test

import data.trailguard.rules.tg033
import rego.v1

trails := {"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {"Name": "main", "S3BucketName": "logs"}}

with_versioning(v) := {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs", "Versioning": v}}}

test_allow_versioning_enabled if {
	count(tg033.deny) == 0 with input as with_versioning({"Status": "Enabled"})
}

test_deny_versioning_suspended if {
	findings := tg033.deny with input as with_versioning({"Status": "Suspended", "MFADelete": "Disabled"})
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) has versioning suspended",
	}}
}

test_deny_versioning_never_enabled if {
	findings := tg033.deny with input as with_versioning({})
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) has never had versioning enabled",
	}}
}

test_allow_unknown_versioning_is_left_to_tg090 if {
	count(tg033.deny) == 0 with input as {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs"}}}
}
