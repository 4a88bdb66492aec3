package trailguard.rules.tg030_test

import data.trailguard.rules.tg030
import rego.v1

trails := {"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {"Name": "main", "S3BucketName": "logs"}}

private_bucket := {
	"Name": "logs",
	"Arn": "arn:aws:s3:::logs",
	"PolicyStatus": {"IsPublic": false},
	"Acl": {"Grants": [{
		"Grantee": {"Type": "CanonicalUser", "ID": "abc"},
		"Permission": "FULL_CONTROL",
	}]},
	"Policy": {"Statement": [{
		"Sid": "AWSCloudTrailWrite",
		"Effect": "Allow",
		"Principal": {"Service": "cloudtrail.amazonaws.com"},
		"Action": "s3:PutObject",
		"Resource": "arn:aws:s3:::logs/AWSLogs/111111111111/*",
		"Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"}},
	}]},
}

test_allow_private_bucket if {
	count(tg030.deny) == 0 with input as {"trails": trails, "buckets": {"logs": private_bucket}}
}

test_allow_wildcard_principal_with_condition if {
	b := object.union(private_bucket, {"Policy": {"Statement": {
		"Effect": "Allow",
		"Principal": "*",
		"Action": "s3:GetObject",
		"Resource": "arn:aws:s3:::logs/*",
		"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}},
	}}})
	count(tg030.deny) == 0 with input as {"trails": trails, "buckets": {"logs": b}}
}

test_allow_wildcard_deny_statement if {
	b := object.union(private_bucket, {"Policy": {"Statement": {
		"Effect": "Deny",
		"Principal": "*",
		"Action": "s3:*",
		"Resource": "arn:aws:s3:::logs/*",
	}}})
	count(tg030.deny) == 0 with input as {"trails": trails, "buckets": {"logs": b}}
}

test_deny_every_reason_in_one_finding if {
	b := object.union(private_bucket, {
		"PolicyStatus": {"IsPublic": true},
		"Acl": {"Grants": [
			{"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"},
			{"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"},
			{"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}, "Permission": "WRITE"},
		]},
		"Policy": {"Statement": [
			{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*"},
			{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::222222222222:root", "*"]}, "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::logs"},
		]},
	})
	findings := tg030.deny with input as {"trails": trails, "buckets": {"logs": b}}
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": concat("", [
			"Log bucket logs (trail(s) main) is publicly accessible: ",
			"AWS reports its bucket policy as public (PolicyStatus.IsPublic); ",
			"its ACL grants READ to AllUsers; ",
			"its ACL grants WRITE to AuthenticatedUsers; ",
			"its bucket policy Statement[1] allows any principal without a condition; ",
			"its bucket policy statement \"Public\" allows any principal without a condition",
		]),
	}}
}

test_deny_single_statement_object if {
	b := object.union(private_bucket, {"Policy": {"Statement": {
		"Effect": "Allow",
		"Principal": {"AWS": "*"},
		"Action": "s3:GetObject",
		"Resource": "arn:aws:s3:::logs/*",
	}}})
	findings := tg030.deny with input as {"trails": trails, "buckets": {"logs": b}}
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) is publicly accessible: its bucket policy Statement[0] allows any principal without a condition",
	}}
}

test_allow_unknown_fields_are_left_to_tg090 if {
	count(tg030.deny) == 0 with input as {"trails": trails, "buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs"}}}
}

test_allow_null_policy_and_status if {
	b := object.union(private_bucket, {"Policy": null, "PolicyStatus": null})
	count(tg030.deny) == 0 with input as {"trails": trails, "buckets": {"logs": b}}
}
