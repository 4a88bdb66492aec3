package trailguard.rules.tg020_test

import data.trailguard.rules.tg020
import rego.v1

arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

test_allow_validation_enabled if {
	count(tg020.deny) == 0 with input as {"trails": {arn: {"Name": "main", "LogFileValidationEnabled": true}}}
}

test_deny_validation_disabled if {
	findings := tg020.deny with input as {"trails": {arn: {"Name": "main", "LogFileValidationEnabled": false}}}
	findings == {{
		"resource": arn,
		"message": sprintf("Trail main (%s) does not validate its log files (no digest files are written)", [arn]),
	}}
}

test_allow_unknown_field if {
	count(tg020.deny) == 0 with input as {"trails": {arn: {"Name": "main"}}}
}
