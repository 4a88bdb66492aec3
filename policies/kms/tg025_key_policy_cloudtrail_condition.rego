# METADATA
# title: Key policy lets CloudTrail use the key without a source condition
# description: >-
#   A key policy that lets the CloudTrail service generate data keys without an aws:SourceArn,
#   aws:SourceAccount or kms:EncryptionContext:aws:cloudtrail:arn condition lets any account's
#   trail encrypt with the key (the confused-deputy problem), so logs of unknown origin can land
#   under your key. AWS's CloudTrail documentation recommends these conditions.
# custom:
#   id: TG025
#   severity: medium
#   controls: {}
#   remediation: >-
#     Add `"Condition": {"StringEquals": {"aws:SourceArn": "TRAIL_ARN"}, "StringLike":
#     {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:ACCOUNT_ID:trail/*"}}` to
#     the statement that allows `cloudtrail.amazonaws.com` to use `kms:GenerateDataKey*`, then
#     `aws kms put-key-policy --key-id KEY_ARN --policy-name default --policy file://policy.json`.
package trailguard.rules.tg025

import data.trailguard.lib
import data.trailguard.lib.policy
import data.trailguard.lib.trails_by_key
import rego.v1

# source_keys tie CloudTrail's use of the key to your trails (lower case).
source_keys := {"aws:sourcearn", "aws:sourceaccount", "kms:encryptioncontext:aws:cloudtrail:arn"}

deny contains lib.finding(arn, msg) if {
	some arn, key in input.kms_keys
	some i, st in policy.statements(key.Policy)
	st.Effect == "Allow"
	policy.has_service(st, "cloudtrail.amazonaws.com")
	policy.covers_action(st, "kms:GenerateDataKey")
	count(policy.condition_keys(st) & source_keys) == 0
	msg := sprintf("KMS key %s, used by trail(s) %s, lets CloudTrail generate data keys (%s) without an aws:SourceArn, aws:SourceAccount or kms:EncryptionContext:aws:cloudtrail:arn condition, so any account's trail can encrypt with it", [
		arn,
		lib.trail_names(trails_by_key[arn]),
		policy.statement_name(st, i),
	])
}
