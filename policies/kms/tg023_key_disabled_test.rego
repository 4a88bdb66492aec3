package trailguard.rules.tg023_test

import data.trailguard.rules.tg023
import rego.v1

key_arn := "arn:aws:kms:us-east-1:111111111111:key/k1"

trails := {
	"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {"Name": "main", "KmsKeyId": key_arn},
	"arn:aws:cloudtrail:us-east-1:111111111111:trail/audit": {"Name": "audit", "KmsKeyId": key_arn},
}

test_allow_enabled_key if {
	count(tg023.deny) == 0 with input as {
		"trails": trails,
		"kms_keys": {key_arn: {"KeyMetadata": {"KeyState": "Enabled", "Enabled": true}}},
	}
}

test_deny_pending_deletion if {
	findings := tg023.deny with input as {
		"trails": trails,
		"kms_keys": {key_arn: {"KeyMetadata": {
			"KeyState": "PendingDeletion",
			"Enabled": false,
			"DeletionDate": "2026-12-01T00:00:00Z",
		}}},
	}
	findings == {{
		"resource": key_arn,
		"message": sprintf("KMS key %s, used by trail(s) audit, main, is pending deletion (on 2026-12-01T00:00:00Z); the logs it encrypted become unreadable then", [key_arn]),
	}}
}

test_deny_pending_replica_deletion_without_date if {
	findings := tg023.deny with input as {
		"trails": trails,
		"kms_keys": {key_arn: {"KeyMetadata": {"KeyState": "PendingReplicaDeletion", "Enabled": false}}},
	}
	findings == {{
		"resource": key_arn,
		"message": sprintf("KMS key %s, used by trail(s) audit, main, is pending deletion; the logs it encrypted become unreadable then", [key_arn]),
	}}
}

test_deny_disabled if {
	findings := tg023.deny with input as {
		"trails": trails,
		"kms_keys": {key_arn: {"KeyMetadata": {"KeyState": "Disabled", "Enabled": false}}},
	}
	findings == {{
		"resource": key_arn,
		"message": sprintf("KMS key %s, used by trail(s) audit, main, is disabled, so CloudTrail cannot encrypt new log files", [key_arn]),
	}}
}

test_deny_not_enabled_other_state if {
	findings := tg023.deny with input as {
		"trails": trails,
		"kms_keys": {key_arn: {"KeyMetadata": {"KeyState": "Unavailable", "Enabled": false}}},
	}
	findings == {{
		"resource": key_arn,
		"message": sprintf("KMS key %s, used by trail(s) audit, main, is not enabled (state Unavailable), so CloudTrail cannot encrypt new log files", [key_arn]),
	}}
}

test_allow_unknown_key_metadata_is_left_to_tg090 if {
	count(tg023.deny) == 0 with input as {"trails": trails, "kms_keys": {key_arn: {"KeyRotationEnabled": true}}}
}
