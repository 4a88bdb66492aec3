package trailguard.rules.tg042_test

import data.trailguard.rules.tg042
import rego.v1

trails := {"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {"Name": "main", "S3BucketName": "logs"}}

with_ownership(controls) := {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs", "OwnershipControls": controls}}}

test_allow_bucket_owner_enforced if {
	count(tg042.deny) == 0 with input as with_ownership({"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
}

test_allow_unread_ownership_is_left_to_tg090 if {
	count(tg042.deny) == 0 with input as {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs"}}}
}

test_deny_object_writer if {
	findings := tg042.deny with input as with_ownership({"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
	findings == {{"resource": "arn:aws:s3:::logs", "message": "Log bucket logs (trail(s) main) has Object Ownership ObjectWriter, so ACLs still decide who may read and change its logs"}}
}

test_deny_bucket_owner_preferred if {
	count(tg042.deny) == 1 with input as with_ownership({"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
}

test_deny_no_ownership_controls if {
	findings := tg042.deny with input as with_ownership(null)
	findings == {{"resource": "arn:aws:s3:::logs", "message": "Log bucket logs (trail(s) main) has no ownership controls (objects belong to their writer), so ACLs still decide who may read and change its logs"}}
}
