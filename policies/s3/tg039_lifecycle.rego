# METADATA
# title: The log bucket has no lifecycle rule, or one that deletes logs too soon
# description: >-
#   A lifecycle rule makes log retention deliberate: logs move to cheaper storage and expire once
#   the retention period is over. Without one retention is undefined; a rule expiring logs sooner
#   than the retention parameter (365 days by default) deletes evidence investigations need.
# custom:
#   id: TG039
#   severity: low
#   controls: {}
#   remediation: |-
#     Apply a lifecycle configuration with
#     `aws s3api put-bucket-lifecycle-configuration --bucket BUCKET --lifecycle-configuration file://lifecycle.json`,
#     expiring logs no sooner than the retention parameter, for example:
#
#     ```json
#     {"Rules": [{"ID": "cloudtrail-retention", "Status": "Enabled", "Filter": {"Prefix": "AWSLogs/"},
#       "Transitions": [{"Days": 90, "StorageClass": "GLACIER"}],
#       "Expiration": {"Days": 400},
#       "NoncurrentVersionExpiration": {"NoncurrentDays": 400}}]}
#     ```
package trailguard.rules.tg039

import data.trailguard.lib
import data.trailguard.lib.s3
import data.trailguard.lib.params
import rego.v1

deny contains lib.finding(bucket.Arn, msg) if {
	some name, found in _reasons
	bucket := input.buckets[name]
	msg := sprintf("%s has no lifecycle rule keeping its logs for the retention period: %s", [s3.label(name), concat("; ", sort(found))])
}

# Most buckets have an enabled rule and none deleting logs too early, and telling that from the
# reasons below takes one lookup per reason per bucket: _settled finds them in one pass (none of
# the reasons can hold for them), and the reasons are looked for in the _unsettled rest alone.
_settled contains name if {
	some name, bucket in input.buckets
	rules := bucket.Lifecycle.Rules
	some rule in rules
	rule.Status == "Enabled"
	count([r | some r in rules; r.Status == "Enabled"; r.Expiration.Days < params.retention_days]) == 0
}

_unsettled contains name if {
	some name, _ in input.buckets
	not _settled[name]
}

_reasons[name] contains "it has no lifecycle configuration" if {
	some name in _unsettled
	bucket := input.buckets[name]
	object.get(bucket, "Lifecycle", 0) == null # read (lib.has) and null, in one builtin call
}

_reasons[name] contains "none of its lifecycle rules is enabled" if {
	some name in _unsettled
	bucket := input.buckets[name]
	is_object(bucket.Lifecycle)
	count([rule | some rule in bucket.Lifecycle.Rules; rule.Status == "Enabled"]) == 0 # inline: no call per bucket
}

_reasons[name] contains reason if {
	some name in _unsettled
	bucket := input.buckets[name]
	some i, rule in bucket.Lifecycle.Rules
	rule.Status == "Enabled"
	days := rule.Expiration.Days
	days < params.retention_days
	reason := sprintf("lifecycle rule %s deletes logs after %d days, less than the required %d", [
		_rule_name(rule, i),
		days,
		params.retention_days,
	])
}

_rule_name(rule, i) := sprintf("\"%s\"", [rule.ID]) if {
	is_string(rule.ID)
	rule.ID != ""
} else := sprintf("Rules[%d]", [i])
