package trailguard.rules.tg002_test

import data.trailguard.rules.tg002
import rego.v1

arn_a := "arn:aws:cloudtrail:us-east-1:111111111111:trail/a"

arn_b := "arn:aws:cloudtrail:us-east-1:111111111111:trail/b"

account(arns) := {"111111111111": {"AccountId": "111111111111", "TrailArns": arns}}

all_events := [{"ReadWriteType": "All", "IncludeManagementEvents": true, "ExcludeManagementEventSources": []}]

good := {
	"Name": "a", "IsMultiRegionTrail": true, "Status": {"IsLogging": true},
	"EventSelectors": all_events, "AdvancedEventSelectors": null,
}

test_allow_multi_region_trail_with_all_events if {
	count(tg002.deny) == 0 with input as {"accounts": account([arn_a]), "trails": {arn_a: good}}
}

test_allow_advanced_selectors if {
	trail := object.union(good, {"EventSelectors": [], "AdvancedEventSelectors": [{
		"Name": "mgmt",
		"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
	}]})
	count(tg002.deny) == 0 with input as {"accounts": account([arn_a]), "trails": {arn_a: trail}}
}

test_allow_read_and_write_in_two_selectors if {
	trail := object.union(good, {"EventSelectors": [
		{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": true},
		{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true},
	]})
	count(tg002.deny) == 0 with input as {"accounts": account([arn_a]), "trails": {arn_a: trail}}
}

test_deny_single_region_write_only_and_stopped if {
	findings := tg002.deny with input as {
		"accounts": account([arn_a, arn_b]),
		"trails": {
			arn_a: object.union(good, {"IsMultiRegionTrail": false}),
			arn_b: object.union(good, {
				"Name": "b",
				"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}],
			}),
		},
	}
	findings == {{
		"resource": "AWS::::Account:111111111111",
		"message": "Account 111111111111: no multi-region trail is logging and recording all read and write management events (trails: a, b)",
	}}
}

test_deny_stopped if {
	findings := tg002.deny with input as {
		"accounts": account([arn_a]),
		"trails": {arn_a: object.union(good, {"Status": {"IsLogging": false}})},
	}
	findings == {{
		"resource": "AWS::::Account:111111111111",
		"message": "Account 111111111111: no multi-region trail is logging and recording all read and write management events (trails: a)",
	}}
}

test_deny_excluded_sources if {
	trail := object.union(good, {"EventSelectors": [{
		"ReadWriteType": "All", "IncludeManagementEvents": true,
		"ExcludeManagementEventSources": ["kms.amazonaws.com"],
	}]})
	count(tg002.deny) == 1 with input as {"accounts": account([arn_a]), "trails": {arn_a: trail}}
}

test_deny_advanced_read_only if {
	trail := object.union(good, {"EventSelectors": [], "AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "readOnly", "Equals": ["true"]},
	]}]})
	count(tg002.deny) == 1 with input as {"accounts": account([arn_a]), "trails": {arn_a: trail}}
}

test_deny_no_trail if {
	findings := tg002.deny with input as {"accounts": account([]), "trails": {}}
	findings == {{
		"resource": "AWS::::Account:111111111111",
		"message": "Account 111111111111: no multi-region trail is logging and recording all read and write management events (it has no trail)",
	}}
}

test_allow_unknown_selectors_are_left_to_tg090 if {
	trail := object.remove(good, ["EventSelectors", "AdvancedEventSelectors"])
	count(tg002.deny) == 0 with input as {"accounts": account([arn_a]), "trails": {arn_a: trail}}
}

test_allow_unknown_status_is_left_to_tg090 if {
	trail := object.remove(good, ["Status"])
	count(tg002.deny) == 0 with input as {"accounts": account([arn_a]), "trails": {arn_a: trail}}
}

test_allow_unlisted_trails_are_left_to_tg090 if {
	count(tg002.deny) == 0 with input as {
		"accounts": account([]),
		"trails": {},
		"gaps": [{
			"AccountId": "111111111111", "Service": "cloudtrail", "Operation": "DescribeTrails",
			"Region": "us-east-1", "Resource": "111111111111", "ErrorCode": "AccessDenied",
		}],
	}
}
