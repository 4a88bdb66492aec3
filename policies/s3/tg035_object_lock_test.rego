package trailguard.rules.tg035_test

import data.trailguard.rules.tg035
import rego.v1

trails := {"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {"Name": "main", "S3BucketName": "logs"}}

with_lock(config) := {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs", "ObjectLockConfiguration": config}}}

test_allow_compliance_365_days if {
	count(tg035.deny) == 0 with input as with_lock({
		"ObjectLockEnabled": "Enabled",
		"Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}},
	})
}

test_allow_compliance_in_years if {
	count(tg035.deny) == 0 with input as with_lock({
		"ObjectLockEnabled": "Enabled",
		"Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 1}},
	})
}

test_allow_shorter_retention_when_parameter_allows if {
	count(tg035.deny) == 0 with input as with_lock({
		"ObjectLockEnabled": "Enabled",
		"Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 90}},
	})
		with data.trailguard.params.retention_days as 90
}

test_deny_object_lock_off if {
	findings := tg035.deny with input as with_lock(null)
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) does not keep its logs immutable for the retention period: Object Lock is not enabled",
	}}
}

test_deny_no_default_retention if {
	findings := tg035.deny with input as with_lock({"ObjectLockEnabled": "Enabled"})
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) does not keep its logs immutable for the retention period: Object Lock has no default retention",
	}}
}

test_deny_governance_and_short_in_one_finding if {
	findings := tg035.deny with input as with_lock({
		"ObjectLockEnabled": "Enabled",
		"Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}},
	})
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": concat("", [
			"Log bucket logs (trail(s) main) does not keep its logs immutable for the retention period: ",
			"its default retention is 30 days, less than the required 365; ",
			"its default retention is in GOVERNANCE mode, which holders of s3:BypassGovernanceRetention can bypass",
		]),
	}}
}

test_allow_unknown_object_lock_is_left_to_tg090 if {
	count(tg035.deny) == 0 with input as {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs"}}}
}

test_deny_years_too_short if {
	findings := tg035.deny with input as with_lock({
		"ObjectLockEnabled": "Enabled",
		"Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 0}},
	})
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) does not keep its logs immutable for the retention period: its default retention is 0 days, less than the required 365",
	}}
}

test_deny_governance_with_enough_days if {
	findings := tg035.deny with input as with_lock({
		"ObjectLockEnabled": "Enabled",
		"Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 400}},
	})
	count(findings) == 1
}
