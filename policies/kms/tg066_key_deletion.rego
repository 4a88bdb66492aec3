# METADATA
# title: A principal can disable or schedule deletion of the trail's KMS key
# description: >-
#   Logs encrypted with a KMS key are unreadable once the key is disabled or deleted: whoever can
#   call kms:DisableKey or kms:ScheduleKeyDeletion on the trail's key can destroy every log it
#   encrypts without touching the bucket. The key policy decides: a statement that grants these
#   actions to anyone or another account is reported on the key; a principal of the key's
#   account holds them through a statement naming it, or through its identity policies when the
#   key policy delegates to IAM (the "Enable IAM User Permissions" statement), explicit Deny and
#   permissions boundaries applied. AWS refuses these actions to principals of other accounts
#   whatever the key policy says, so a grant of them to another account is not reported.
#   Principals listed in `cloudtrail_admins` are allowed.
# custom:
#   id: TG066
#   severity: medium
#   controls: {}
#   remediation: >-
#     Give `kms:DisableKey` and `kms:ScheduleKeyDeletion` on the trail's key to key
#     administrators only: narrow the key policy statements and identity policies named in the
#     finding, or add a Deny for everyone else to the key policy
#     (`aws kms put-key-policy --key-id KEY --policy-name default --policy file://policy.json`).
package trailguard.rules.tg066

import data.trailguard.lib
import data.trailguard.lib.holders
import data.trailguard.lib.sensitive
import data.trailguard.lib.sensitive.key_requests
import data.trailguard.lib.sensitive.owned_trail_keys
import rego.v1

# Principals of a trail key's account that may make the logs unreadable (disable the key,
# schedule its deletion): the key policy decides, and identity policies only where it delegates
# to the account.
deny contains lib.finding(p.arn, msg) if {
	some p in trailguard.iam.holders(input, key_requests)
	not holders.exempt(p.arn)
	s := holders.summary(p.granted)
	msg := sprintf("%s can disable or schedule deletion of KMS key%s %s (%s), granted by %s%s%s", [
		holders.describe(p), s.plural, s.resources, s.actions, s.grants, s.conditions, s.unless,
	])
}

# The key policies' grants to anyone or to other accounts.
deny contains lib.finding(arn, msg) if {
	some arn in owned_trail_keys
	owner := sensitive.key_owner(arn)
	open := sensitive.open_statements(sensitive.key_policy(arn), owner)
	count(open) > 0
	some g in sensitive.outside_grants(open, sensitive.key_requests_for(arn))
	msg := sprintf("The policy of KMS key %s (%s) lets %s %s, which makes the trail's logs unreadable%s", [
		arn, g.statement, g.who, g.actions, sensitive.conditional_note(g.conditions),
	])
}
