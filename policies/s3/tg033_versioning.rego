# METADATA
# title: Versioning is disabled on the log bucket
# description: >-
#   With versioning, overwriting or deleting a log file keeps the previous version, so an attacker
#   or a mistake cannot silently destroy the audit trail. Object Lock and MFA delete also need it.
# custom:
#   id: TG033
#   severity: medium
#   controls: {}
#   remediation: >-
#     `aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled`.
#     Add a lifecycle rule expiring noncurrent versions after your retention period to bound cost.
package trailguard.rules.tg033

import data.trailguard.lib
import data.trailguard.lib.s3
import rego.v1

deny contains lib.finding(bucket.Arn, msg) if {
	some name, bucket in input.buckets
	status := object.get(bucket, ["Versioning", "Status"], null)
	status != "Enabled" # first: it rules out most buckets, before the call below
	lib.has(bucket, "Versioning")
	msg := sprintf("%s %s", [s3.label(name), _state(status)])
}

_state(status) := "has versioning suspended" if {
	status == "Suspended"
} else := "has never had versioning enabled" if {
	status == null
} else := sprintf("has versioning %s, not Enabled", [status])
