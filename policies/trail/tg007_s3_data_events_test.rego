package trailguard.rules.tg007_test

import data.trailguard.rules.tg007
import rego.v1

arn_a := "arn:aws:cloudtrail:us-east-1:111111111111:trail/a"

arn_b := "arn:aws:cloudtrail:us-east-1:111111111111:trail/b"

arn_org := "arn:aws:cloudtrail:us-east-1:999999999999:trail/org"

account := "AWS::::Account:111111111111"

management := {"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}

s3_data := [
	{"Field": "eventCategory", "Equals": ["Data"]},
	{"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
]

# basic(rw, values) is a trail with one basic selector logging S3 objects under `values`.
basic(rw, values) := {
	"Name": "a", "IsMultiRegionTrail": true,
	"EventSelectors": [{
		"ReadWriteType": rw, "IncludeManagementEvents": true,
		"DataResources": [{"Type": "AWS::S3::Object", "Values": values}],
	}],
	"AdvancedEventSelectors": [],
}

# advanced(fields) is a trail with a management selector and an S3 data selector of these fields.
advanced(fields) := {
	"Name": "a", "IsMultiRegionTrail": true, "EventSelectors": [],
	"AdvancedEventSelectors": [management, {"Name": "s3", "FieldSelectors": fields}],
}

snapshot(trails) := {
	"accounts": {"111111111111": {"AccountId": "111111111111", "TrailArns": [arn | some arn, _ in trails]}},
	"trails": trails,
}

message(missing, trails) := sprintf("Account 111111111111: no multi-region trail logs S3 object-level %s events for all buckets (trails: %s)", [missing, trails])

test_allow_basic_selector_all_buckets if {
	count(tg007.deny) == 0 with input as snapshot({arn_a: basic("All", ["arn:aws:s3"])})
	count(tg007.deny) == 0 with input as snapshot({arn_a: basic("All", ["arn:aws:s3:::"])})
	# ReadWriteType defaults to All.
	trail := basic("All", ["arn:aws:s3"])
	default_rw := object.union(trail, {"EventSelectors": [object.remove(trail.EventSelectors[0], ["ReadWriteType"])]})
	count(tg007.deny) == 0 with input as snapshot({arn_a: default_rw})
}

test_allow_advanced_selector_all_buckets if {
	count(tg007.deny) == 0 with input as snapshot({arn_a: advanced(s3_data)})
}

test_allow_advanced_selector_with_an_all_buckets_arn_prefix if {
	fields := array.concat(s3_data, [{"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::"]}])
	count(tg007.deny) == 0 with input as snapshot({arn_a: advanced(fields)})
}

test_allow_reads_and_writes_from_two_trails if {
	trails := {
		arn_a: basic("ReadOnly", ["arn:aws:s3"]),
		arn_b: object.union(advanced(array.concat(s3_data, [{"Field": "readOnly", "Equals": ["false"]}])), {"Name": "b"}),
	}
	count(tg007.deny) == 0 with input as snapshot(trails)
}

test_allow_organisation_trail_of_another_account if {
	org := object.union(advanced(s3_data), {"Name": "org", "IsOrganizationTrail": true, "AccountId": "999999999999"})
	own := object.union(basic("All", ["arn:aws:s3:::bucket/"]), {"Name": "b"})
	count(tg007.deny) == 0 with input as {
		"accounts": {"111111111111": {"AccountId": "111111111111", "TrailArns": [arn_b, arn_org]}},
		"trails": {arn_b: own, arn_org: org},
	}
}

test_deny_read_only_selector if {
	findings := tg007.deny with input as snapshot({arn_a: basic("ReadOnly", ["arn:aws:s3"])})
	findings == {{"resource": account, "message": message("write", "a")}}
}

test_deny_advanced_write_only if {
	fields := array.concat(s3_data, [{"Field": "readOnly", "Equals": ["false"]}])
	findings := tg007.deny with input as snapshot({arn_a: advanced(fields)})
	findings == {{"resource": account, "message": message("read", "a")}}
}

test_deny_single_bucket_only if {
	findings := tg007.deny with input as snapshot({arn_a: basic("All", ["arn:aws:s3:::payroll/", "arn:aws:s3:::customers/"])})
	findings == {{"resource": account, "message": message("read and write", "a")}}
}

test_deny_single_region_trail if {
	trail := object.union(basic("All", ["arn:aws:s3"]), {"IsMultiRegionTrail": false})
	findings := tg007.deny with input as snapshot({arn_a: trail})
	findings == {{"resource": account, "message": message("read and write", "a")}}
}

test_deny_narrowing_advanced_selectors if {
	narrowing := [
		{"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::payroll/"]},
		{"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::"], "NotStartsWith": ["arn:aws:s3:::noisy/"]},
		{"Field": "eventName", "Equals": ["PutObject", "DeleteObject"]},
		{"Field": "userIdentity.arn", "NotStartsWith": ["arn:aws:sts::111111111111:assumed-role/etl"]},
		{"Field": "eventSource", "Equals": ["s3.amazonaws.com"]},
	]
	every fs in narrowing {
		findings := tg007.deny with input as snapshot({arn_a: advanced(array.concat(s3_data, [fs]))})
		findings == {{"resource": account, "message": message("read and write", "a")}}
	}
}

test_deny_other_data_types_and_management_only if {
	lambda := advanced([
		{"Field": "eventCategory", "Equals": ["Data"]},
		{"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
	])
	other := object.union(basic("All", ["arn:aws:s3"]), {"Name": "b", "EventSelectors": [{
		"ReadWriteType": "All",
		"DataResources": [{"Type": "AWS::DynamoDB::Table", "Values": ["arn:aws:dynamodb"]}],
	}]})
	findings := tg007.deny with input as snapshot({arn_a: lambda, arn_b: other})
	findings == {{"resource": account, "message": message("read and write", "a, b")}}
}

test_deny_account_without_trails if {
	findings := tg007.deny with input as {"accounts": {"111111111111": {"AccountId": "111111111111", "TrailArns": []}}, "trails": {}}
	findings == {{"resource": account, "message": "Account 111111111111: no multi-region trail logs S3 object-level read and write events for all buckets (it has no trail)"}}
}

test_allow_unknown_selectors_are_left_to_tg090 if {
	unread := object.remove(basic("All", []), ["EventSelectors", "AdvancedEventSelectors"])
	count(tg007.deny) == 0 with input as snapshot({arn_a: unread})
	# Reads known, writes maybe on the unread trail.
	count(tg007.deny) == 0 with input as snapshot({arn_a: basic("ReadOnly", ["arn:aws:s3"]), arn_b: object.union(unread, {"Name": "b"})})
}

test_deny_unknown_selectors_of_a_single_region_trail if {
	unread := object.remove(basic("All", []), ["EventSelectors", "AdvancedEventSelectors"])
	findings := tg007.deny with input as snapshot({arn_a: object.union(unread, {"IsMultiRegionTrail": false})})
	findings == {{"resource": account, "message": message("read and write", "a")}}
}

test_allow_trail_missing_from_the_snapshot_is_left_to_tg090 if {
	count(tg007.deny) == 0 with input as {
		"accounts": {"111111111111": {"AccountId": "111111111111", "TrailArns": [arn_org]}},
		"trails": {},
	}
}

test_allow_incomplete_trail_list_is_left_to_tg090 if {
	gap := {"AccountId": "111111111111", "Service": "cloudtrail", "Operation": "DescribeTrails", "Region": "eu-west-1", "Resource": "111111111111", "ErrorCode": "AccessDeniedException"}
	count(tg007.deny) == 0 with input as object.union(snapshot({arn_a: basic("ReadOnly", ["arn:aws:s3"])}), {"gaps": [gap]})
}
