package trailguard.rules.tg011_test

import data.trailguard.rules.tg011
import rego.v1

arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

test_allow_tagged if {
	count(tg011.deny) == 0 with input as {"trails": {arn: {"Name": "main", "Tags": {"owner": "security"}}}}
}

test_deny_empty_tags if {
	findings := tg011.deny with input as {"trails": {arn: {"Name": "main", "Tags": {}}}}
	findings == {{"resource": arn, "message": sprintf("Trail main (%s) has no tags", [arn])}}
}

test_deny_null_tags if {
	findings := tg011.deny with input as {"trails": {arn: {"Name": "main", "Tags": null}}}
	findings == {{"resource": arn, "message": sprintf("Trail main (%s) has no tags", [arn])}}
}

test_allow_unknown_tags_are_left_to_tg090 if {
	count(tg011.deny) == 0 with input as {"trails": {arn: {"Name": "main"}}}
}

test_deny_only_tags_aws_set if {
	findings := tg011.deny with input as {"trails": {arn: {"Name": "main", "Tags": {"aws:cloudformation:stack-name": "audit"}}}}
	findings == {{"resource": arn, "message": sprintf("Trail main (%s) has only tags AWS set (aws:cloudformation:stack-name)", [arn])}}
}

test_allow_required_tags_present if {
	count(tg011.deny) == 0 with input as {"trails": {arn: {"Name": "main", "Tags": {"owner": "security", "cost-center": "42"}}}}
		with data.trailguard.params.required_tag_keys as ["owner", "cost-center"]
}

test_deny_required_tags_missing if {
	findings := tg011.deny with input as {"trails": {arn: {"Name": "main", "Tags": {"owner": "security", "aws:Cost-Center": "42"}}}}
		with data.trailguard.params.required_tag_keys as ["owner", "cost-center", "data-classification"]
	findings == {{"resource": arn, "message": sprintf("Trail main (%s) lacks the required tags cost-center, data-classification", [arn])}}
}
