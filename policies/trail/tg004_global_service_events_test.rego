package trailguard.rules.tg004_test

import data.trailguard.rules.tg004
import rego.v1

arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

test_allow_global_events if {
	count(tg004.deny) == 0 with input as {"trails": {arn: {"Name": "main", "IncludeGlobalServiceEvents": true}}}
}

test_deny_no_global_events if {
	findings := tg004.deny with input as {"trails": {arn: {"Name": "main", "IncludeGlobalServiceEvents": false}}}
	findings == {{
		"resource": arn,
		"message": sprintf("Trail main (%s) does not include global service events (IAM, STS, CloudFront)", [arn]),
	}}
}

test_allow_unknown_field if {
	count(tg004.deny) == 0 with input as {"trails": {arn: {"Name": "main"}}}
}
