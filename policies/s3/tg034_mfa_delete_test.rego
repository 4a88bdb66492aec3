package trailguard.rules.tg034_test

import data.trailguard.rules.tg034
import rego.v1

trails := {"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {"Name": "main", "S3BucketName": "logs"}}

with_versioning(v) := {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs", "Versioning": v}}}

test_allow_mfa_delete_enabled if {
	count(tg034.deny) == 0 with input as with_versioning({"Status": "Enabled", "MFADelete": "Enabled"})
}

test_deny_mfa_delete_disabled if {
	findings := tg034.deny with input as with_versioning({"Status": "Enabled", "MFADelete": "Disabled"})
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) has MFA delete disabled",
	}}
}

test_deny_mfa_delete_never_set if {
	findings := tg034.deny with input as with_versioning({})
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) has MFA delete disabled",
	}}
}

test_allow_unknown_versioning_is_left_to_tg090 if {
	count(tg034.deny) == 0 with input as {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs"}}}
}
