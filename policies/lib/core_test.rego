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

# The builtin behind trails_by_bucket and trails_by_key groups as the Rego rule it replaced did
# (a differential test: a trail without the field is in no group; any value, null too, is one).
rego_trails_by(field) := {value: {arn | some arn, t in input.trails; t[field] == value} |
	some _, trail in input.trails
	value := trail[field]
}

trails_by_inputs := [
	{"trails": {
		"arn:a": {"S3BucketName": "logs", "KmsKeyId": "k1"},
		"arn:b": {"S3BucketName": "logs"},
		"arn:c": {"S3BucketName": null, "KmsKeyId": "k1"},
		"arn:d": {"S3BucketName": 7},
		"arn:e": {},
		"arn:f": "not a trail",
	}},
	{"trails": {}},
	{"trails": [{"S3BucketName": "logs"}, {"S3BucketName": "logs"}, {"KmsKeyId": "k"}]},
	{},
]

test_trails_by_builtin_agrees_with_the_rego_rule if {
	every snapshot in trails_by_inputs {
		every field in ["S3BucketName", "KmsKeyId"] {
			trailguard.snapshot.trails_by(snapshot, field) == rego_trails_by(field) with input as snapshot
		}
	}
	data.trailguard.lib.trails_by_key == {"k1": {"arn:a", "arn:c"}} with input as trails_by_inputs[0]
}
