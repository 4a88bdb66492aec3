package trailguard.rules.tg021_test

import data.trailguard.rules.tg021
import rego.v1

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

key_arn := "arn:aws:kms:us-east-1:111111111111:key/k1"

test_allow_customer_managed_key if {
	count(tg021.deny) == 0 with input as {
		"trails": {trail_arn: {"Name": "main", "KmsKeyId": key_arn}},
		"kms_keys": {key_arn: {"KeyMetadata": {"KeyManager": "CUSTOMER"}}},
	}
}

test_deny_no_kms_key if {
	findings := tg021.deny with input as {"trails": {trail_arn: {"Name": "main"}}}
	findings == {{
		"resource": trail_arn,
		"message": sprintf("Trail main (%s) does not encrypt its log files with a KMS key (SSE-S3 only)", [trail_arn]),
	}}
}

test_deny_aws_managed_key if {
	findings := tg021.deny with input as {
		"trails": {trail_arn: {"Name": "main", "KmsKeyId": key_arn}},
		"kms_keys": {key_arn: {"KeyMetadata": {"KeyManager": "AWS"}}},
	}
	findings == {{
		"resource": trail_arn,
		"message": sprintf("Trail main (%s) encrypts its log files with AWS managed KMS key %s, not a customer managed key", [trail_arn, key_arn]),
	}}
}

test_allow_unknown_key_metadata_is_left_to_tg090 if {
	count(tg021.deny) == 0 with input as {
		"trails": {trail_arn: {"Name": "main", "KmsKeyId": key_arn}},
		"kms_keys": {key_arn: {}},
	}
}

test_allow_key_not_in_snapshot if {
	count(tg021.deny) == 0 with input as {"trails": {trail_arn: {"Name": "main", "KmsKeyId": key_arn}}}
}
