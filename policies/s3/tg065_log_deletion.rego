# METADATA
# title: A principal can delete the log objects, the log bucket or its policy
# description: >-
#   Whoever can delete the log files (or their versions), the bucket, or replace the bucket policy
#   can destroy the evidence after the fact, even when the trail itself keeps logging. This rule
#   evaluates the identity policies of every user and role in the bucket's account (inline,
#   customer and AWS managed, through groups; explicit Deny, the bucket policy's Deny statements
#   and permissions boundaries applied) against the bucket and a log object under each trail's
#   prefix, and the bucket policy's grants to anyone or to other accounts. Where the bucket
#   policy grants to another collected account (a central log bucket), that account's users and
#   roles whose own policies allow the deletion are reported too. Principals listed in
#   `cloudtrail_admins` are allowed. The finding names each statement that grants the power.
# custom:
#   id: TG065
#   severity: medium
#   controls: {}
#   remediation: >-
#     Remove `s3:DeleteObject`, `s3:DeleteObjectVersion`, `s3:DeleteBucket`,
#     `s3:DeleteBucketPolicy` and `s3:PutBucketPolicy` on the log bucket from the statements named
#     in the finding, or add a Deny statement to the bucket policy for everyone but a break-glass
#     role (`"Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::ACCOUNT:role/break-glass"}}`).
#     Object Lock in COMPLIANCE mode (TG035) makes the log objects undeletable whatever the
#     policies say.
package trailguard.rules.tg065

import data.trailguard.lib
import data.trailguard.lib.holders
import data.trailguard.lib.sensitive
import data.trailguard.lib.sensitive.bucket_requests
import data.trailguard.lib.sensitive.owned_log_buckets
import data.trailguard.lib.trails_by_bucket
import rego.v1

# Principals that may destroy a log bucket's logs (delete a log object, the bucket or its
# policy): those of its account, and of other collected accounts its policy grants to; their
# identity policies and the bucket policy decide.
deny contains lib.finding(p.arn, msg) if {
	some p in trailguard.iam.holders(input, bucket_requests)
	not holders.exempt(p.arn)
	s := holders.summary(p.granted)
	msg := sprintf("%s can delete the CloudTrail logs in bucket%s %s (%s), granted by %s%s%s", [
		holders.describe(p), s.plural, s.resources, s.actions, s.grants, s.conditions, s.unless,
	])
}

# The bucket policies' grants to anyone or to other accounts.
deny contains lib.finding(name, msg) if {
	some name in owned_log_buckets
	owner := input.buckets[name].OwnerAccount
	open := sensitive.open_statements(sensitive.bucket_policy(name), owner)
	count(open) > 0
	some g in sensitive.outside_grants(open, sensitive.bucket_requests_for(name, trails_by_bucket[name]))
	msg := sprintf("The policy of log bucket %s (%s) lets %s %s, which can delete the CloudTrail logs%s", [
		name, g.statement, g.who, g.actions, sensitive.conditional_note(g.conditions),
	])
}
