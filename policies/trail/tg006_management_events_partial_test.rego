package trailguard.rules.tg006_test

import data.trailguard.rules.tg006
import rego.v1

arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

basic(selectors) := {"trails": {arn: {"Name": "main", "EventSelectors": selectors, "AdvancedEventSelectors": null}}}

advanced(selectors) := {"trails": {arn: {"Name": "main", "EventSelectors": null, "AdvancedEventSelectors": selectors}}}

test_allow_all_management_events if {
	count(tg006.deny) == 0 with input as basic([{
		"ReadWriteType": "All", "IncludeManagementEvents": true,
		"ExcludeManagementEventSources": [], "DataResources": [],
	}])
}

test_allow_advanced_all_management_events if {
	count(tg006.deny) == 0 with input as advanced([
		{"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
		{"Name": "s3", "FieldSelectors": [
			{"Field": "eventCategory", "Equals": ["Data"]},
			{"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
		]},
	])
}

test_deny_no_management_events if {
	findings := tg006.deny with input as basic([{
		"ReadWriteType": "All", "IncludeManagementEvents": false,
		"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
	}])
	findings == {{"resource": arn, "message": sprintf("Trail main (%s) records no management events", [arn])}}
}

test_deny_read_only if {
	findings := tg006.deny with input as basic([{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": true}])
	findings == {{"resource": arn, "message": sprintf("Trail main (%s) records only read management events", [arn])}}
}

test_deny_write_only_and_excluded_sources_in_one_finding if {
	findings := tg006.deny with input as basic([{
		"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true,
		"ExcludeManagementEventSources": ["rdsdata.amazonaws.com", "kms.amazonaws.com"],
	}])
	findings == {{
		"resource": arn,
		"message": sprintf("Trail main (%s) records only write management events; excludes management events from kms.amazonaws.com, rdsdata.amazonaws.com", [arn]),
	}}
}

test_deny_advanced_source_exclusion if {
	findings := tg006.deny with input as advanced([{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]},
	]}])
	findings == {{
		"resource": arn,
		"message": sprintf("Trail main (%s) excludes management events from kms.amazonaws.com", [arn]),
	}}
}

test_deny_advanced_write_only if {
	findings := tg006.deny with input as advanced([{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "readOnly", "Equals": ["false"]},
	]}])
	findings == {{"resource": arn, "message": sprintf("Trail main (%s) records only write management events", [arn])}}
}

test_deny_advanced_data_only if {
	findings := tg006.deny with input as advanced([{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Data"]},
		{"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
	]}])
	findings == {{"resource": arn, "message": sprintf("Trail main (%s) records no management events", [arn])}}
}

test_allow_unknown_selectors_are_left_to_tg090 if {
	count(tg006.deny) == 0 with input as {"trails": {arn: {"Name": "main"}}}
}
