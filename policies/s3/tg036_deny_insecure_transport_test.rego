package trailguard.rules.tg036_test

import data.trailguard.rules.tg036
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
	count(tg036.deny) == 0 with input as with_policy(documented_policy)
}

test_allow_tls_deny_variants if {
	# One statement object, {"AWS": "*"}, action list with "*", BoolIfExists, boolean false, key case.
	count(tg036.deny) == 0 with input as with_policy({"Statement": {
		"Effect": "Deny",
		"Principal": {"AWS": ["*"]},
		"Action": ["s3:GetObject", "*"],
		"Resource": "arn:aws:s3:::logs/*",
		"Condition": {"BoolIfExists": {"AWS:SecureTransport": false}},
	}})
}

test_deny_no_bucket_policy if {
	findings := tg036.deny with input as with_policy(null)
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) has no bucket policy, so nothing denies requests made without TLS (aws:SecureTransport)",
	}}
}

test_deny_policy_without_tls_statement if {
	doc := {"Statement": [s | some s in documented_policy.Statement; s.Sid != "DenyInsecureTransport"]}
	findings := tg036.deny with input as with_policy(doc)
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) has a bucket policy that does not deny requests made without TLS (aws:SecureTransport)",
	}}
}

test_deny_tls_statement_too_narrow if {
	# Denies only GetObject without TLS, and only for one principal: writes and others go through.
	findings := tg036.deny with input as with_policy({"Statement": [
		{
			"Effect": "Deny",
			"Principal": "*",
			"Action": "s3:GetObject",
			"Resource": "arn:aws:s3:::logs/*",
			"Condition": {"Bool": {"aws:SecureTransport": "false"}},
		},
		{
			"Effect": "Deny",
			"Principal": {"AWS": "arn:aws:iam::111111111111:root"},
			"Action": "s3:*",
			"Resource": "arn:aws:s3:::logs/*",
			"Condition": {"Bool": {"aws:SecureTransport": "false"}},
		},
		{
			"Effect": "Allow",
			"Principal": "*",
			"Action": "s3:*",
			"Resource": "arn:aws:s3:::logs/*",
			"Condition": {"Bool": {"aws:SecureTransport": "false"}},
		},
	]})
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) has a bucket policy that does not deny requests made without TLS (aws:SecureTransport)",
	}}
}

test_allow_unknown_policy_is_left_to_tg090 if {
	count(tg036.deny) == 0 with input as {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs"}}}
}

test_deny_tls_statement_denying_secure_requests if {
	# The usual shape, but aws:SecureTransport "true": it denies TLS requests, not the others.
	findings := tg036.deny with input as with_policy({"Statement": [{
		"Effect": "Deny",
		"Principal": "*",
		"Action": "s3:*",
		"Resource": "arn:aws:s3:::logs/*",
		"Condition": {"Bool": {"aws:SecureTransport": "true"}},
	}]})
	count(findings) == 1
}
