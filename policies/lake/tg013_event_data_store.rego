# METADATA
# title: A CloudTrail Lake event data store is not encrypted with your key, not protected or keeps too little
# description: >-
#   A CloudTrail Lake event data store is a queryable copy of the audit trail. Encrypted with a key
#   AWS owns, access to it cannot be cut off by revoking access to a key of yours (Security Hub
#   CloudTrail.10); without termination protection one DeleteEventDataStore call removes it (AWS
#   keeps a deleted store for 7 days, then it is gone); and a retention period below the
#   `retention_days` parameter drops events before the period ends. Stores being deleted are not
#   judged. A store that could not be read gives no verdict, nor does a field AWS left out of its
#   answer give one on what it holds (TG090 reports both).
# custom:
#   id: TG013
#   severity: medium
#   controls:
#     securityhub: [CloudTrail.10]
#   remediation: >-
#     `aws cloudtrail update-event-data-store --event-data-store STORE_ARN --kms-key-id KEY_ARN
#     --termination-protection-enabled --retention-period 400` (a customer managed key whose
#     policy lets cloudtrail.amazonaws.com use it; the retention at or above the retention
#     period, within what the store's billing mode allows).
package trailguard.rules.tg013

import data.trailguard.lib
import data.trailguard.lib.params
import rego.v1

deny contains lib.finding(arn, msg) if {
	some arn, store in input.event_data_stores
	store.Status != "PENDING_DELETION"
	problems := array.concat(array.concat(not_encrypted(store), unprotected(store)), short_retention(store))
	count(problems) > 0
	msg := sprintf("CloudTrail Lake event data store %s (%s) %s", [object.get(store, "Name", arn), arn, concat("; ", problems)])
}

# not_encrypted: AWS answers no KmsKeyId (the snapshot's null) for a key it owns.
not_encrypted(store) := ["is encrypted with a key AWS owns, not a customer managed key"] if {
	store.KmsKeyId == null
} else := []

# unprotected: termination protection is known to be off.
unprotected(store) := ["has termination protection off"] if {
	store.TerminationProtectionEnabled == false
} else := []

short_retention(store) := [sprintf("keeps events for %d days, less than the retention period of %d days", [
	store.RetentionPeriod, params.retention_days,
])] if {
	is_number(store.RetentionPeriod)
	store.RetentionPeriod < params.retention_days
} else := []
