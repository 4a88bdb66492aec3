package trailguard.rules.tg022_test

import data.trailguard.rules.tg022
import rego.v1

key_arn := "arn:aws:kms:us-east-1:111111111111:key/k1"

trail := {"Name": "main", "KmsKeyId": key_arn}

test_allow_rotation_enabled if {
	count(tg022.deny) == 0 with input as {
		"trails": {"arn:t": trail},
		"kms_keys": {key_arn: {"KeyRotationEnabled": true, "KeyMetadata": {"KeyManager": "CUSTOMER"}}},
	}
}

test_deny_rotation_disabled if {
	findings := tg022.deny with input as {
		"trails": {"arn:t": trail},
		"kms_keys": {key_arn: {"KeyRotationEnabled": false, "KeyMetadata": {"KeyManager": "CUSTOMER"}}},
	}
	findings == {{
		"resource": key_arn,
		"message": sprintf("KMS key %s, used by trail(s) main, does not rotate its key material", [key_arn]),
	}}
}

test_allow_unknown_rotation_is_left_to_tg090 if {
	count(tg022.deny) == 0 with input as {
		"trails": {"arn:t": trail},
		"kms_keys": {key_arn: {"KeyMetadata": {"KeyManager": "CUSTOMER"}}},
	}
}

test_allow_aws_managed_key if {
	# AWS rotates its managed keys itself; CIS 3.6 is about customer managed keys.
	count(tg022.deny) == 0 with input as {
		"trails": {"arn:t": trail},
		"kms_keys": {key_arn: {"KeyRotationEnabled": false, "KeyMetadata": {"KeyManager": "AWS"}}},
	}
}
