# METADATA
# title: The log bucket is in the same account as the trail it receives
# description: >-
#   Anyone who takes over an account that owns both the trail and its log bucket can stop logging
#   and erase the logs with the same credentials. Delivering to a bucket in a separate log archive
#   account keeps the evidence out of their reach.
# custom:
#   id: TG038
#   severity: low
#   controls: {}
#   remediation: >-
#     Create a bucket in a dedicated log archive account whose policy lets CloudTrail write for your
#     trail (with an `aws:SourceArn` condition), then point the trail at it:
#     `aws cloudtrail update-trail --name TRAIL_NAME --s3-bucket-name ARCHIVE_BUCKET`. With AWS
#     Organizations, an organisation trail delivering to the log archive account covers every account.
package trailguard.rules.tg038

import data.trailguard.lib
import data.trailguard.lib.s3
import data.trailguard.lib.trails_by_bucket
import rego.v1

deny contains lib.finding(bucket.Arn, msg) if {
	some name, bucket in input.buckets
	owner := bucket.OwnerAccount
	same := {arn | some arn in trails_by_bucket[name]; input.trails[arn].AccountId == owner}
	count(same) > 0
	msg := sprintf("Log bucket %s is owned by account %s, the same account as the trail(s) %s writing to it", [
		name,
		owner,
		concat(", ", sort([input.trails[arn].Name | some arn in same])), # lib.trail_names, inline: most buckets fail
	])
}
