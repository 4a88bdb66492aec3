package trailguard.lib_test

import data.trailguard.lib
import rego.v1

test_has_tells_unknown_from_null if {
	lib.has({"Policy": null}, "Policy")
	lib.has({"Policy": {"Statement": []}}, "Policy")
	not lib.has({}, "Policy")
}

test_has_false_is_read if {
	lib.has({"KeyRotationEnabled": false}, "KeyRotationEnabled")
}

test_trails_by_bucket_joins_every_trail if {
	index := lib.trails_by_bucket with input as {"trails": {
		"arn:a": {"Name": "a", "S3BucketName": "logs"},
		"arn:b": {"Name": "b", "S3BucketName": "logs"},
		"arn:c": {"Name": "c", "S3BucketName": "other"},
	}}
	index == {"logs": {"arn:a", "arn:b"}, "other": {"arn:c"}}
}
