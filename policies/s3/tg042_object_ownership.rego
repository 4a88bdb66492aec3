# METADATA
# title: The log bucket's Object Ownership is not BucketOwnerEnforced
# description: >-
#   Unless Object Ownership is BucketOwnerEnforced, access control lists still decide who may read
#   or change the log files and the bucket: an ACL grant (to AllUsers, to another account, set by
#   whoever wrote an object) opens the logs beside the bucket policy, where a review of the policy
#   does not look. BucketOwnerEnforced disables ACLs: the bucket owner owns every object and only
#   policies decide (the default for buckets created since April 2023; older buckets keep
#   ObjectWriter, as one without ownership controls does). CloudTrail delivers to such buckets
#   unchanged: the bucket-owner-full-control ACL it sends is accepted.
# custom:
#   id: TG042
#   severity: medium
#   controls:
#     securityhub: [S3.12]
#   remediation: >-
#     Move any access an ACL grants into the bucket policy, then `aws s3api
#     put-bucket-ownership-controls --bucket BUCKET --ownership-controls
#     'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'`.
package trailguard.rules.tg042

import data.trailguard.lib
import data.trailguard.lib.s3
import rego.v1

deny contains lib.finding(bucket.Arn, msg) if {
	some name, bucket in input.buckets
	lib.has(bucket, "OwnershipControls") # not read: TG090
	not enforced(bucket.OwnershipControls)
	msg := sprintf("%s %s, so ACLs still decide who may read and change its logs", [s3.label(name), ownership(bucket.OwnershipControls)])
}

enforced(controls) if {
	some rule in controls.Rules
	rule.ObjectOwnership == "BucketOwnerEnforced"
}

ownership(null) := "has no ownership controls (objects belong to their writer)"

ownership(controls) := sprintf("has Object Ownership %s", [concat(", ", [r.ObjectOwnership | some r in controls.Rules])]) if {
	controls != null
	count(controls.Rules) > 0
} else := "has ownership controls without a rule" if controls != null
