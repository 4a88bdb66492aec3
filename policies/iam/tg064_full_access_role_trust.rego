# METADATA
# title: A role holding AWSCloudTrail_FullAccess is assumable from another account or by anyone
# description: >-
#   A role that can stop or delete the trail, and whose trust policy lets another account (or
#   everyone) assume it, moves the power to blind the trail outside the account. Accounts listed
#   in the `trusted_accounts` parameter are allowed. A trust statement whose conditions trailguard
#   cannot evaluate (an external id, a source IP) is reported as conditional, not guessed.
# custom:
#   id: TG064
#   severity: high
#   controls: {}
#   remediation: >-
#     Limit the role's trust policy to principals of its own account (or accounts you list in
#     `trusted_accounts` in trailguard.toml): `aws iam update-assume-role-policy --role-name ROLE
#     --policy-document file://trust.json`, and require MFA with an `aws:MultiFactorAuthPresent`
#     condition.
package trailguard.rules.tg064

import data.trailguard.lib
import data.trailguard.lib.iam.full_access_arn
import data.trailguard.lib.params
import data.trailguard.lib.policy
import rego.v1

deny contains lib.finding(role.Arn, msg) if {
	some account, holders in trailguard.iam.policy_holders(input, full_access_arn)
	some h in holders
	h.kind == "Role"
	role := input.accounts[account].Iam.Roles[h.key]
	some i, st in policy.statements(role.AssumeRolePolicyDocument)
	st.Effect == "Allow"
	policy.covers_action(st, "sts:AssumeRole")
	outsiders := trailguard.iam.outsiders(st, account, params.trusted_accounts)
	count(outsiders) > 0
	open := policy.unknown_condition_keys(st, {})
	msg := sprintf("Role %s in account %s holds AWSCloudTrail_FullAccess and its trust policy (%s) lets %s assume it%s", [
		role.RoleName, account, policy.statement_name(st, i), concat(", ", sort(outsiders)), conditional(open),
	])
}

conditional(open) := "" if {
	count(open) == 0
} else := sprintf(" (conditional on %s, which trailguard does not evaluate)", [concat(", ", sort(open))])
