package trailguard.rules.tg013_test

import data.trailguard.rules.tg013
import rego.v1

arn := "arn:aws:cloudtrail:us-east-1:111111111111:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE"

store(fields) := object.union({
	"EventDataStoreArn": arn, "AccountId": "111111111111", "Region": "us-east-1",
	"Name": "audit-lake", "Status": "ENABLED", "RetentionPeriod": 2557,
	"TerminationProtectionEnabled": true,
	"KmsKeyId": "arn:aws:kms:us-east-1:111111111111:key/k1",
}, fields)

snapshot(s) := {"event_data_stores": {arn: s}}

test_allow_protected_encrypted_long_retention if {
	count(tg013.deny) == 0 with input as snapshot(store({}))
}

test_allow_store_being_deleted if {
	count(tg013.deny) == 0 with input as snapshot(store({"Status": "PENDING_DELETION", "KmsKeyId": null}))
}

test_allow_unknown_protection_is_not_a_finding if {
	s := json.remove(store({}), ["TerminationProtectionEnabled"])
	count(tg013.deny) == 0 with input as snapshot(s)
}

test_deny_every_problem if {
	findings := tg013.deny with input as snapshot(store({"KmsKeyId": null, "TerminationProtectionEnabled": false, "RetentionPeriod": 90}))
	findings == {{
		"resource": arn,
		"message": concat("", [
			"CloudTrail Lake event data store audit-lake (", arn, ") ",
			"is encrypted with a key AWS owns, not a customer managed key; ",
			"has termination protection off; ",
			"keeps events for 90 days, less than the retention period of 365 days",
		]),
	}}
}

test_deny_retention_against_the_parameter if {
	count(tg013.deny) == 1 with input as snapshot(store({"RetentionPeriod": 400}))
		with data.trailguard.params.retention_days as 731
}
