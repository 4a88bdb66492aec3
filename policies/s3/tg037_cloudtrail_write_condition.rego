# METADATA
# title: The log bucket policy lets CloudTrail write without an aws:SourceArn or aws:SourceAccount condition
# description: >-
#   A statement letting the cloudtrail.amazonaws.com service write without naming the source trail
#   or account lets any AWS account's trail deliver into your bucket (the confused deputy problem),
#   filling it with forged or unwanted log files.
# custom:
#   id: TG037
#   severity: medium
#   controls: {}
#   remediation: |-
#     Add a condition naming your trail(s) to each statement that lets CloudTrail write, then apply
#     the policy with `aws s3api put-bucket-policy --bucket BUCKET --policy file://policy.json`:
#
#     ```json
#     "Condition": {
#       "StringEquals": {
#         "s3:x-amz-acl": "bucket-owner-full-control",
#         "aws:SourceArn": "arn:aws:cloudtrail:REGION:ACCOUNT_ID:trail/TRAIL_NAME"
#       }
#     }
#     ```
#
#     For several trails, list their ARNs, or use `"aws:SourceAccount": "ACCOUNT_ID"`.
package trailguard.rules.tg037

import data.trailguard.lib
import data.trailguard.lib.policy
import data.trailguard.lib.s3
import rego.v1

deny contains lib.finding(bucket.Arn, msg) if {
	some name, bucket in input.buckets
	found := _unscoped[name]
	msg := sprintf(
		"%s has a bucket policy letting cloudtrail.amazonaws.com write without an aws:SourceArn or aws:SourceAccount condition (%s), so any account's trail can deliver into it",
		[s3.label(name), concat(", ", sort(found))],
	)
}

_unscoped[name] contains policy.statement_name(st, i) if {
	some name, bucket in input.buckets
	some i, st in policy.statements(bucket.Policy)
	st.Effect == "Allow"

	# The condition keys first, inline (policy.condition_keys(st)): most such statements have one
	# of them, and this is cheaper than the calls below.
	keys := {lower(k) | some _, block in st.Condition; some k, _ in block}
	not "aws:sourcearn" in keys
	not "aws:sourceaccount" in keys
	policy.has_service(st, "cloudtrail.amazonaws.com")
	policy.allows_action(st, "s3:PutObject")
}
