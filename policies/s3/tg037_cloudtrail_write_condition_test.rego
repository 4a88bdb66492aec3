package trailguard.rules.tg037_test

import data.trailguard.rules.tg037
import rego.v1

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

trails := {trail_arn: {"Name": "main", "S3BucketName": "logs"}}

# The bucket policy of the CloudTrail User Guide, plus the usual TLS-only statement.
documented_policy := {
	"Version": "2012-10-17",
	"Statement": [
		{
			"Sid": "AWSCloudTrailAclCheck20150319",
			"Effect": "Allow",
			"Principal": {"Service": "cloudtrail.amazonaws.com"},
			"Action": "s3:GetBucketAcl",
			"Resource": "arn:aws:s3:::logs",
			"Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
		},
		{
			"Sid": "AWSCloudTrailWrite20150319",
			"Effect": "Allow",
			"Principal": {"Service": "cloudtrail.amazonaws.com"},
			"Action": "s3:PutObject",
			"Resource": "arn:aws:s3:::logs/AWSLogs/111111111111/*",
			"Condition": {"StringEquals": {
				"s3:x-amz-acl": "bucket-owner-full-control",
				"aws:SourceArn": trail_arn,
			}},
		},
		{
			"Sid": "DenyInsecureTransport",
			"Effect": "Deny",
			"Principal": "*",
			"Action": "s3:*",
			"Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
			"Condition": {"Bool": {"aws:SecureTransport": "false"}},
		},
	],
}

with_policy(doc) := {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs", "Policy": doc}}}

test_allow_documented_policy if {
	count(tg037.deny) == 0 with input as with_policy(documented_policy)
}

test_allow_source_account_any_operator_and_case if {
	count(tg037.deny) == 0 with input as with_policy({"Statement": {
		"Effect": "Allow",
		"Principal": {"Service": ["config.amazonaws.com", "cloudtrail.amazonaws.com"]},
		"Action": ["s3:Put*"],
		"Resource": "arn:aws:s3:::logs/*",
		"Condition": {"ArnLike": {"AWS:SourceAccount": "111111111111"}},
	}})
}

test_allow_no_bucket_policy if {
	count(tg037.deny) == 0 with input as with_policy(null)
}

test_deny_legacy_policy_without_source_condition if {
	# The policy AWS documented before 2022: only an s3:x-amz-acl condition on the write.
	findings := tg037.deny with input as with_policy({"Statement": [
		{
			"Sid": "AWSCloudTrailAclCheck20150319",
			"Effect": "Allow",
			"Principal": {"Service": "cloudtrail.amazonaws.com"},
			"Action": "s3:GetBucketAcl",
			"Resource": "arn:aws:s3:::logs",
		},
		{
			"Sid": "AWSCloudTrailWrite20150319",
			"Effect": "Allow",
			"Principal": {"Service": "cloudtrail.amazonaws.com"},
			"Action": "s3:PutObject",
			"Resource": "arn:aws:s3:::logs/AWSLogs/111111111111/*",
			"Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
		},
		{
			"Effect": "Allow",
			"Principal": {"Service": ["cloudtrail.amazonaws.com"]},
			"Action": "s3:*",
			"Resource": "arn:aws:s3:::logs/*",
		},
	]})
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": concat("", [
			"Log bucket logs (trail(s) main) has a bucket policy letting cloudtrail.amazonaws.com write ",
			"without an aws:SourceArn or aws:SourceAccount condition ",
			"(Statement[2], statement \"AWSCloudTrailWrite20150319\"), ",
			"so any account's trail can deliver into it",
		]),
	}}
}

test_allow_unknown_policy_is_left_to_tg090 if {
	count(tg037.deny) == 0 with input as {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs"}}}
}
