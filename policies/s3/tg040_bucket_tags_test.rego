package trailguard.rules.tg040_test

import data.trailguard.rules.tg040
import rego.v1

trails := {"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {"Name": "main", "S3BucketName": "logs"}}

with_tags(t) := {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs", "Tags": t}}}

test_allow_tagged if {
	count(tg040.deny) == 0 with input as with_tags({"owner": "security"})
}

test_deny_no_tag_set if {
	findings := tg040.deny with input as with_tags(null)
	findings == {{"resource": "arn:aws:s3:::logs", "message": "Log bucket logs (trail(s) main) has no tags"}}
}

test_deny_empty_tag_set if {
	findings := tg040.deny with input as with_tags({})
	findings == {{"resource": "arn:aws:s3:::logs", "message": "Log bucket logs (trail(s) main) has no tags"}}
}

test_allow_unknown_tags_are_left_to_tg090 if {
	count(tg040.deny) == 0 with input as {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs"}}}
}

test_deny_only_tags_aws_set if {
	findings := tg040.deny with input as with_tags({"aws:cloudformation:stack-id": "x", "aws:cloudformation:logical-id": "Logs"})
	findings == {{"resource": "arn:aws:s3:::logs", "message": "Log bucket logs (trail(s) main) has only tags AWS set (aws:cloudformation:logical-id, aws:cloudformation:stack-id)"}}
}

test_allow_required_tag_present if {
	count(tg040.deny) == 0 with input as with_tags({"data-classification": "audit"})
		with data.trailguard.params.required_tag_keys as ["data-classification"]
}

test_deny_required_tag_missing if {
	findings := tg040.deny with input as with_tags({"owner": "security"})
		with data.trailguard.params.required_tag_keys as ["data-classification"]
	findings == {{"resource": "arn:aws:s3:::logs", "message": "Log bucket logs (trail(s) main) lacks the required tag data-classification"}}
}
