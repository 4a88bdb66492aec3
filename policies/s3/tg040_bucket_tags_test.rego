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
