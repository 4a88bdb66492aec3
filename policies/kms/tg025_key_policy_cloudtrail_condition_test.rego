package trailguard.rules.tg025_test

import data.trailguard.rules.tg025
import rego.v1

key := "arn:aws:kms:us-east-1:111111111111:key/k1"

trail := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

snapshot(statements) := {
	"trails": {trail: {"Name": "main", "KmsKeyId": key}},
	"kms_keys": {key: {"Arn": key, "Policy": {"Version": "2012-10-17", "Statement": statements}}},
}

encrypt(condition) := object.union(
	{"Sid": "Allow CloudTrail to encrypt logs", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*"},
	condition,
)

test_allow_the_documented_policy if {
	# AWS's recommended statement (CloudTrail User Guide, "Configure AWS KMS key policies").
	st := encrypt({"Condition": {
		"StringEquals": {"aws:SourceArn": trail},
		"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*"},
	}})
	count(tg025.deny) == 0 with input as snapshot([st])
}

test_allow_describe_key_alone if {
	st := {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:DescribeKey", "Resource": "*"}
	count(tg025.deny) == 0 with input as snapshot([st])
}

test_deny_no_condition if {
	findings := tg025.deny with input as snapshot([encrypt({})])
	findings == {{
		"resource": key,
		"message": "KMS key arn:aws:kms:us-east-1:111111111111:key/k1, used by trail(s) main, lets CloudTrail generate data keys (statement \"Allow CloudTrail to encrypt logs\") without an aws:SourceArn, aws:SourceAccount or kms:EncryptionContext:aws:cloudtrail:arn condition, so any account's trail can encrypt with it",
	}}
}

test_deny_unrelated_condition if {
	st := encrypt({"Condition": {"Bool": {"aws:SecureTransport": "true"}}})
	count(tg025.deny) == 1 with input as snapshot([st])
}
