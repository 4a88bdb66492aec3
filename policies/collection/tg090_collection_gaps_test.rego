package trailguard.rules.tg090_test

import data.trailguard.rules.tg090
import rego.v1

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

key_arn := "arn:aws:kms:us-east-1:111111111111:key/k1"

gap(service, operation, resource, code) := {
	"AccountId": "222222222222", "Service": service, "Operation": operation, "Region": "us-east-1",
	"Resource": resource, "ErrorCode": code, "Message": "denied",
}

snapshot(gaps) := {
	"accounts": {"222222222222": {"AccountId": "222222222222", "TrailArns": [trail_arn]}},
	"trails": {trail_arn: {"Name": "main", "S3BucketName": "acme-logs", "KmsKeyId": key_arn}},
	"buckets": {"acme-logs": {"Name": "acme-logs"}},
	"kms_keys": {key_arn: {"Arn": key_arn}},
	"gaps": gaps,
}

test_allow_no_gaps if {
	count(tg090.deny) == 0 with input as snapshot([])
}

test_deny_bucket_policy if {
	findings := tg090.deny with input as snapshot([gap("s3", "GetBucketPolicy", "acme-logs", "AccessDenied")])
	findings == {{
		"resource": "acme-logs",
		"message": "Could not read log bucket acme-logs: s3:GetBucketPolicy (AccessDenied) in us-east-1, account 222222222222; TG030, TG036, TG037 cannot judge it",
	}}
}

test_deny_one_finding_per_resource if {
	findings := tg090.deny with input as snapshot([
		gap("s3", "GetBucketPolicy", "acme-logs", "AccessDenied"),
		gap("s3", "GetBucketAcl", "acme-logs", "AccessDenied"),
		gap("kms", "GetKeyRotationStatus", key_arn, "AccessDeniedException"),
		gap("cloudtrail", "GetTrailStatus", trail_arn, "ThrottlingException"),
		gap("s3control", "GetPublicAccessBlock", "222222222222", "AccessDenied"),
	])
	findings == {
		{
			"resource": "acme-logs",
			"message": concat("", [
				"Could not read log bucket acme-logs: ",
				"s3:GetBucketAcl (AccessDenied) in us-east-1, account 222222222222; ",
				"s3:GetBucketPolicy (AccessDenied) in us-east-1, account 222222222222; ",
				"TG030, TG036, TG037 cannot judge it",
			]),
		},
		{
			"resource": key_arn,
			"message": sprintf("Could not read KMS key %s: kms:GetKeyRotationStatus (AccessDeniedException) in us-east-1, account 222222222222; TG022 cannot judge it", [key_arn]),
		},
		{
			"resource": trail_arn,
			"message": sprintf("Could not read trail main (%s): cloudtrail:GetTrailStatus (ThrottlingException) in us-east-1, account 222222222222; TG001, TG002, TG003, TG005 cannot judge it", [trail_arn]),
		},
		{
			"resource": "AWS::::Account:222222222222",
			"message": "Could not read account 222222222222: s3control:GetPublicAccessBlock (AccessDenied) in us-east-1, account 222222222222; TG031 cannot judge it",
		},
	}
}

test_deny_unmapped_operation if {
	findings := tg090.deny with input as snapshot([gap("kms", "ListAliases", key_arn, "AccessDeniedException")])
	findings == {{
		"resource": key_arn,
		"message": sprintf("Could not read KMS key %s: kms:ListAliases (AccessDeniedException) in us-east-1, account 222222222222; no built-in rule depends on it", [key_arn]),
	}}
}

test_deny_unknown_resource_kind if {
	findings := tg090.deny with input as snapshot([gap("s3", "GetBucketLocation", "someone-elses-logs", "AccessDenied")])
	findings == {{
		"resource": "someone-elses-logs",
		"message": "Could not read someone-elses-logs: s3:GetBucketLocation (AccessDenied) in us-east-1, account 222222222222; TG005 cannot judge it",
	}}
}
