# METADATA
# title: The log bucket has no Object Lock default retention long enough in compliance mode
# description: >-
#   Object Lock in compliance mode makes every new log file immutable for the retention period:
#   no one, not even the root user, can delete or overwrite it. Governance mode can be bypassed by
#   anyone holding s3:BypassGovernanceRetention, and a short retention protects only recent logs.
# custom:
#   id: TG035
#   severity: low
#   controls: {}
#   remediation: |-
#     With versioning on, set a compliance-mode default retention at least as long as the retention
#     parameter (365 days by default):
#     `aws s3api put-object-lock-configuration --bucket BUCKET --object-lock-configuration '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Days":365}}}'`.
#     Compliance mode cannot be shortened or removed later, so test on a scratch bucket first.
package trailguard.rules.tg035

import data.trailguard.lib
import data.trailguard.lib.s3
import data.trailguard.lib.params
import rego.v1

deny contains lib.finding(bucket.Arn, msg) if {
	some name, found in _reasons
	bucket := input.buckets[name]
	msg := sprintf("%s does not keep its logs immutable for the retention period: %s", [s3.label(name), concat("; ", sort(found))])
}

# Most buckets keep their logs locked long enough, and telling that from the reasons below takes
# one lookup per reason per bucket: _settled finds them with plain comparisons in one pass (none of
# the reasons can hold for them), and the reasons are looked for in the _unsettled rest alone.
_settled contains name if {
	some name, bucket in input.buckets
	retention := bucket.ObjectLockConfiguration.Rule.DefaultRetention
	retention.Mode != "GOVERNANCE"
	is_number(retention.Days)
	retention.Days >= params.retention_days
}

_unsettled contains name if {
	some name, _ in input.buckets
	not _settled[name]
}

_reasons[name] contains "Object Lock is not enabled" if {
	some name in _unsettled
	bucket := input.buckets[name]
	object.get(bucket, "ObjectLockConfiguration", 0) == null # read (lib.has) and null, in one builtin call
}

_reasons[name] contains "Object Lock has no default retention" if {
	some name in _unsettled
	bucket := input.buckets[name]
	config := bucket.ObjectLockConfiguration
	is_object(config)
	not is_object(object.get(config, ["Rule", "DefaultRetention"], null))
}

_reasons[name] contains "its default retention is in GOVERNANCE mode, which holders of s3:BypassGovernanceRetention can bypass" if {
	some name in _unsettled
	bucket := input.buckets[name]
	bucket.ObjectLockConfiguration.Rule.DefaultRetention.Mode == "GOVERNANCE"
}

# The retention in days is s3.retention_days: Days when a number, else Years * 365. The usual Days
# is read inline (no call per bucket); the call is left to retentions without it.
_reasons[name] contains reason if {
	some name in _unsettled
	bucket := input.buckets[name]
	days := bucket.ObjectLockConfiguration.Rule.DefaultRetention.Days
	is_number(days)
	days < params.retention_days
	reason := sprintf("its default retention is %d days, less than the required %d", [
		days,
		params.retention_days,
	])
}

_reasons[name] contains reason if {
	some name in _unsettled
	bucket := input.buckets[name]
	retention := bucket.ObjectLockConfiguration.Rule.DefaultRetention
	not is_number(retention.Days)
	days := s3.retention_days(retention)
	days < params.retention_days
	reason := sprintf("its default retention is %d days, less than the required %d", [
		days,
		params.retention_days,
	])
}
