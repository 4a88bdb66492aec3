package trailguard.rules.tg001_test

import data.trailguard.rules.tg001
import rego.v1

arn_a := "arn:aws:cloudtrail:us-east-1:111111111111:trail/a"

arn_b := "arn:aws:cloudtrail:us-east-1:111111111111:trail/b"

account(arns) := {"111111111111": {"AccountId": "111111111111", "TrailArns": arns}}

test_allow_one_trail_logging if {
	count(tg001.deny) == 0 with input as {
		"accounts": account([arn_a, arn_b]),
		"trails": {
			arn_a: {"Name": "a", "Status": {"IsLogging": false}},
			arn_b: {"Name": "b", "Status": {"IsLogging": true}},
		},
	}
}

test_deny_every_trail_stopped if {
	findings := tg001.deny with input as {
		"accounts": account([arn_b, arn_a]),
		"trails": {
			arn_a: {"Name": "a", "Status": {"IsLogging": false}},
			arn_b: {"Name": "b", "Status": {"IsLogging": false}},
		},
	}
	findings == {{
		"resource": "AWS::::Account:111111111111",
		"message": "Account 111111111111: no trail is logging (trail(s) a, b are stopped)",
	}}
}

test_deny_no_trail if {
	findings := tg001.deny with input as {"accounts": account([]), "trails": {}}
	findings == {{
		"resource": "AWS::::Account:111111111111",
		"message": "Account 111111111111: no trail records its API activity (it has no CloudTrail trail)",
	}}
}

test_allow_unknown_status_is_left_to_tg090 if {
	count(tg001.deny) == 0 with input as {
		"accounts": account([arn_a, arn_b]),
		"trails": {
			arn_a: {"Name": "a", "Status": {"IsLogging": false}},
			arn_b: {"Name": "b"},
		},
	}
}

test_allow_trail_missing_from_snapshot_is_undecided if {
	count(tg001.deny) == 0 with input as {"accounts": account([arn_a]), "trails": {}}
}

test_allow_unlisted_trails_are_left_to_tg090 if {
	count(tg001.deny) == 0 with input as {
		"accounts": account([]),
		"trails": {},
		"gaps": [{
			"AccountId": "111111111111", "Service": "cloudtrail", "Operation": "DescribeTrails",
			"Region": "eu-west-1", "Resource": "111111111111", "ErrorCode": "AccessDenied",
		}],
	}
}
