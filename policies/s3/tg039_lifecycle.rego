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
import rego.v1

deny contains lib.finding(bucket.Arn, msg) if {
	some name, bucket in input.buckets
	found := _reasons[name]
	msg := sprintf("%s has no lifecycle rule keeping its logs for the retention period: %s", [s3.label(name), concat("; ", sort(found))])
}

_reasons[name] contains "it has no lifecycle configuration" if {
	some name, bucket in input.buckets
	object.get(bucket, "Lifecycle", 0) == null # read (lib.has) and null, in one builtin call
}

_reasons[name] contains "none of its lifecycle rules is enabled" if {
	some name, bucket in input.buckets
	is_object(bucket.Lifecycle)
	count([rule | some rule in bucket.Lifecycle.Rules; rule.Status == "Enabled"]) == 0 # inline: no call per bucket
}

_reasons[name] contains reason if {
	some name, bucket in input.buckets
	some i, rule in bucket.Lifecycle.Rules
	rule.Status == "Enabled"
	days := rule.Expiration.Days
	days < lib.params.retention_days
	reason := sprintf("lifecycle rule %s deletes logs after %d days, less than the required %d", [
		_rule_name(rule, i),
		days,
		lib.params.retention_days,
	])
}

_rule_name(rule, i) := sprintf("\"%s\"", [rule.ID]) if {
	is_string(rule.ID)
	rule.ID != ""
} else := sprintf("Rules[%d]", [i])
