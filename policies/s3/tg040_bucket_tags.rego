# METADATA
# title: The log bucket is not tagged
# description: >-
#   Tags record who owns the log bucket and how its data is classified, which cost allocation,
#   tag-based access control and incident response rely on. An untagged audit bucket is easily
#   mistaken for an orphan and deleted. Tags AWS sets (aws:...) do not count; the
#   `required_tag_keys` parameter names the tags every log bucket must carry.
# custom:
#   id: TG040
#   severity: low
#   controls: {}
#   remediation: >-
#     `aws s3api put-bucket-tagging --bucket BUCKET --tagging 'TagSet=[{Key=owner,Value=security},{Key=data-classification,Value=audit-logs}]'`
#     (this replaces the bucket's whole tag set).
package trailguard.rules.tg040

import data.trailguard.lib
import data.trailguard.lib.s3
import rego.v1

deny contains lib.finding(bucket.Arn, msg) if {
	some name, bucket in input.buckets
	lib.has(bucket, "Tags") # not read: TG090
	problem := lib.tag_problem(bucket.Tags)
	msg := sprintf("%s %s", [s3.label(name), problem])
}
