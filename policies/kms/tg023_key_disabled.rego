# METADATA
# title: The trail's KMS key is disabled or pending deletion
# description: >-
#   CloudTrail cannot encrypt, and so cannot deliver, log files with a disabled key, and once a key
#   pending deletion is deleted every log file it encrypted is unreadable for good.
# custom:
#   id: TG023
#   severity: high
#   controls: {}
#   remediation: >-
#     Cancel a scheduled deletion with `aws kms cancel-key-deletion --key-id KEY_ARN` (the key is
#     then disabled) and re-enable it with `aws kms enable-key --key-id KEY_ARN`. If the key must
#     go, first move the trail to another customer managed key with
#     `aws cloudtrail update-trail --name TRAIL_NAME --kms-key-id NEW_KEY_ARN` and keep the old key
#     as long as its logs must stay readable.
package trailguard.rules.tg023

import data.trailguard.lib
import data.trailguard.lib.trails_by_key
import rego.v1

deny contains lib.finding(arn, msg) if {
	some arn, key in input.kms_keys

	# An enabled key in state Enabled has no problem: skip the call for it (object.get, as either
	# field may be missing).
	meta := key.KeyMetadata
	is_object(meta)
	[object.get(meta, "Enabled", null), object.get(meta, "KeyState", null)] != [true, "Enabled"]
	problem := _problem(meta)
	msg := sprintf("KMS key %s, used by trail(s) %s, %s", [
		arn,
		lib.trail_names(object.get(trails_by_key, arn, set())),
		problem,
	])
}

_problem(meta) := sprintf("is pending deletion (on %s); the logs it encrypted become unreadable then", [meta.DeletionDate]) if {
	meta.KeyState in {"PendingDeletion", "PendingReplicaDeletion"}
	is_string(meta.DeletionDate)
} else := "is pending deletion; the logs it encrypted become unreadable then" if {
	meta.KeyState in {"PendingDeletion", "PendingReplicaDeletion"}
} else := "is disabled, so CloudTrail cannot encrypt new log files" if {
	meta.KeyState == "Disabled"
} else := sprintf("is not enabled (state %s), so CloudTrail cannot encrypt new log files", [meta.KeyState]) if {
	meta.Enabled == false
	is_string(meta.KeyState)
} else := "is not enabled, so CloudTrail cannot encrypt new log files" if {
	meta.Enabled == false
}
