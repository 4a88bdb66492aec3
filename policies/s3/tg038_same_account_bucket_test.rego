package trailguard.rules.tg038_test

import data.trailguard.rules.tg038
import rego.v1

trails := {
	"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {"Name": "main", "AccountId": "111111111111", "S3BucketName": "logs"},
	"arn:aws:cloudtrail:us-east-1:222222222222:trail/other": {"Name": "other", "AccountId": "222222222222", "S3BucketName": "logs"},
}

bucket(owner) := {"Name": "logs", "Arn": "arn:aws:s3:::logs", "OwnerAccount": owner}

test_allow_bucket_in_log_archive_account if {
	count(tg038.deny) == 0 with input as {"trails": trails, "buckets": {"logs": bucket("999999999999")}}
}

test_deny_bucket_in_trail_account if {
	findings := tg038.deny with input as {"trails": trails, "buckets": {"logs": bucket("111111111111")}}
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs is owned by account 111111111111, the same account as the trail(s) main writing to it",
	}}
}

test_allow_unknown_owner if {
	count(tg038.deny) == 0 with input as {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs"}}}
}
