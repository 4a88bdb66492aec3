package trailguard.rules.tg008_test

import data.trailguard.rules.tg008
import rego.v1

arn_a := "arn:aws:cloudtrail:us-east-1:111111111111:trail/a"

arn_b := "arn:aws:cloudtrail:us-east-1:111111111111:trail/b"

arn_org := "arn:aws:cloudtrail:us-east-1:999999999999:trail/org"

account := "AWS::::Account:111111111111"

management := {"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}

lambda_data := [
	{"Field": "eventCategory", "Equals": ["Data"]},
	{"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
]

# basic(rw, values) is a trail with one basic selector logging Lambda functions under `values`.
basic(rw, values) := {
	"Name": "a", "IsMultiRegionTrail": true,
	"EventSelectors": [{
		"ReadWriteType": rw, "IncludeManagementEvents": true,
		"DataResources": [{"Type": "AWS::Lambda::Function", "Values": values}],
	}],
	"AdvancedEventSelectors": [],
}

# advanced(fields) is a trail with a management selector and a Lambda data selector of these fields.
advanced(fields) := {
	"Name": "a", "IsMultiRegionTrail": true, "EventSelectors": [],
	"AdvancedEventSelectors": [management, {"Name": "lambda", "FieldSelectors": fields}],
}

snapshot(trails) := {
	"accounts": {"111111111111": {"AccountId": "111111111111", "TrailArns": [arn | some arn, _ in trails]}},
	"trails": trails,
}

message(trails) := sprintf("Account 111111111111: no multi-region trail logs Lambda data events for all functions (trails: %s)", [trails])

test_allow_basic_selector_all_functions if {
	count(tg008.deny) == 0 with input as snapshot({arn_a: basic("All", ["arn:aws:lambda"])})
	count(tg008.deny) == 0 with input as snapshot({arn_a: basic("WriteOnly", ["arn:aws:lambda:"])})
	count(tg008.deny) == 0 with input as snapshot({arn_a: basic("All", ["arn:aws-us-gov:lambda"])})
}

test_allow_advanced_selector_all_functions if {
	count(tg008.deny) == 0 with input as snapshot({arn_a: advanced(lambda_data)})
	with_prefix := array.concat(lambda_data, [{"Field": "resources.ARN", "StartsWith": ["arn:aws:lambda"]}])
	count(tg008.deny) == 0 with input as snapshot({arn_a: advanced(with_prefix)})
	writes := array.concat(lambda_data, [{"Field": "readOnly", "Equals": ["false"]}])
	count(tg008.deny) == 0 with input as snapshot({arn_a: advanced(writes)})
}

test_allow_organisation_trail_of_another_account if {
	org := object.union(advanced(lambda_data), {"Name": "org", "IsOrganizationTrail": true, "AccountId": "999999999999"})
	own := object.union(basic("All", []), {"Name": "b", "IsMultiRegionTrail": false})
	count(tg008.deny) == 0 with input as {
		"accounts": {"111111111111": {"AccountId": "111111111111", "TrailArns": [arn_b, arn_org]}},
		"trails": {arn_b: own, arn_org: org},
	}
}

test_deny_read_only_selectors_record_no_invoke if {
	findings := tg008.deny with input as snapshot({arn_a: basic("ReadOnly", ["arn:aws:lambda"])})
	findings == {{"resource": account, "message": message("a")}}
	reads := array.concat(lambda_data, [{"Field": "readOnly", "Equals": ["true"]}])
	count(tg008.deny) == 1 with input as snapshot({arn_a: advanced(reads)})
}

test_deny_single_function_only if {
	findings := tg008.deny with input as snapshot({arn_a: basic("All", ["arn:aws:lambda:us-east-1:111111111111:function:payments"])})
	findings == {{"resource": account, "message": message("a")}}
	# A region's functions only, not every function.
	count(tg008.deny) == 1 with input as snapshot({arn_a: basic("All", ["arn:aws:lambda:us-east-1"])})
}

test_deny_single_region_trail if {
	trail := object.union(basic("All", ["arn:aws:lambda"]), {"IsMultiRegionTrail": false})
	findings := tg008.deny with input as snapshot({arn_a: trail})
	findings == {{"resource": account, "message": message("a")}}
}

test_deny_narrowing_advanced_selectors if {
	narrowing := [
		{"Field": "resources.ARN", "Equals": ["arn:aws:lambda:us-east-1:111111111111:function:payments"]},
		{"Field": "resources.ARN", "NotEndsWith": [":function:noisy"]},
		{"Field": "eventName", "Equals": ["Invoke"]},
		{"Field": "userIdentity.arn", "NotStartsWith": ["arn:aws:sts::111111111111:assumed-role/scheduler"]},
	]
	every fs in narrowing {
		findings := tg008.deny with input as snapshot({arn_a: advanced(array.concat(lambda_data, [fs]))})
		findings == {{"resource": account, "message": message("a")}}
	}
}

test_deny_s3_data_events_only if {
	s3 := advanced([
		{"Field": "eventCategory", "Equals": ["Data"]},
		{"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
	])
	findings := tg008.deny with input as snapshot({arn_a: s3})
	findings == {{"resource": account, "message": message("a")}}
}

test_deny_account_without_trails if {
	findings := tg008.deny with input as {"accounts": {"111111111111": {"AccountId": "111111111111", "TrailArns": []}}, "trails": {}}
	findings == {{"resource": account, "message": "Account 111111111111: no multi-region trail logs Lambda data events for all functions (it has no trail)"}}
}

test_allow_unknown_selectors_are_left_to_tg090 if {
	unread := object.remove(basic("All", []), ["EventSelectors", "AdvancedEventSelectors"])
	count(tg008.deny) == 0 with input as snapshot({arn_a: unread})
	count(tg008.deny) == 0 with input as snapshot({arn_a: basic("ReadOnly", ["arn:aws:lambda"]), arn_b: object.union(unread, {"Name": "b"})})
}

test_allow_trail_missing_from_the_snapshot_is_left_to_tg090 if {
	count(tg008.deny) == 0 with input as {
		"accounts": {"111111111111": {"AccountId": "111111111111", "TrailArns": [arn_org]}},
		"trails": {},
	}
}

test_allow_incomplete_trail_list_is_left_to_tg090 if {
	gap := {"AccountId": "111111111111", "Service": "cloudtrail", "Operation": "DescribeTrails", "Region": "eu-west-1", "Resource": "111111111111", "ErrorCode": "AccessDeniedException"}
	count(tg008.deny) == 0 with input as object.union(snapshot({arn_a: basic("ReadOnly", ["arn:aws:lambda"])}), {"gaps": [gap]})
}
