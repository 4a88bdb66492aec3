# METADATA
# title: Key policy grants a wildcard principal without a limiting condition
# description: >-
#   A key policy statement whose principal is "*" lets any AWS principal, in any account, use or
#   manage the trail's key unless a condition pins who the caller is (kms:CallerAccount,
#   aws:PrincipalAccount, aws:PrincipalOrgID, aws:PrincipalArn, aws:SourceAccount, aws:SourceArn).
#   Whoever can decrypt reads the logs; whoever can disable or delete the key destroys them.
# custom:
#   id: TG024
#   severity: high
#   controls: {}
#   remediation: >-
#     Name the principals in the statement, or add a condition that limits the caller, e.g.
#     `"Condition": {"StringEquals": {"kms:CallerAccount": "ACCOUNT_ID"}}`; then
#     `aws kms put-key-policy --key-id KEY_ARN --policy-name default --policy file://policy.json`.
package trailguard.rules.tg024

import data.trailguard.lib
import data.trailguard.lib.policy
import data.trailguard.lib.trails_by_key
import rego.v1

# limiting_keys pin who the caller is (lower case).
limiting_keys := {
	"kms:calleraccount", "aws:principalaccount", "aws:principalorgid", "aws:principalorgpaths",
	"aws:principalarn", "aws:sourceaccount", "aws:sourcearn",
}

deny contains lib.finding(arn, msg) if {
	some arn, key in input.kms_keys
	some i, st in policy.statements(key.Policy)
	st.Effect == "Allow"
	policy.principal_is_wildcard(st)
	keys := policy.condition_keys(st)
	count(keys & limiting_keys) == 0
	msg := sprintf("KMS key %s, used by trail(s) %s, lets any AWS principal %s (%s)%s", [
		arn,
		lib.trail_names(trails_by_key[arn]),
		actions_text(st),
		policy.statement_name(st, i),
		unlimited(keys),
	])
}

# actions_text names what a statement allows: its actions, or all but its NotAction.
actions_text(st) := concat(", ", sort(policy.as_list(st.Action))) if {
	object.get(st, "Action", null) != null
} else := sprintf("every action but %s", [concat(", ", sort(policy.as_list(st.NotAction)))])

unlimited(keys) := " with no condition" if {
	count(keys) == 0
} else := sprintf("; its conditions (%s) do not limit who the caller is", [concat(", ", sort(keys))])
