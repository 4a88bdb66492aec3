# Tests of the trailguard.iam.decide builtin, as a policy calls it (see policies/README.md).
package trailguard.lib.decide_test

import rego.v1

admin := {"arn": "arn:aws:iam::222222222222:role/admin", "kind": "role"}

trail := "arn:aws:cloudtrail:us-east-1:222222222222:trail/org"

everything := {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}

question(extra) := object.union({
	"principal": admin,
	"action": "cloudtrail:StopLogging",
	"resource": trail,
	"identity": [{"name": "AdministratorAccess", "document": everything}],
}, extra)

test_allow_an_admin_role_can_stop_the_trail if {
	answer := trailguard.iam.decide(question({}))
	answer.decision == "allow"
	answer.grants == [{"policy": "AdministratorAccess", "statement": 0, "sid": null}]
}

test_deny_an_scp_protects_the_trail if {
	scp := {"Statement": [
		{"Effect": "Allow", "Action": "*", "Resource": "*"},
		{"Sid": "ProtectTrail", "Effect": "Deny", "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"], "Resource": "*"},
	]}
	answer := trailguard.iam.decide(question({"scps": [[{"name": "protect-trail", "document": scp}]]}))
	answer.decision == "deny"
	answer.denied_by == [{"policy": "protect-trail", "statement": 1, "sid": "ProtectTrail"}]
}

test_conditional_an_mfa_condition_is_named_not_guessed if {
	mfa := {"Statement": [{
		"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "*",
		"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
	}]}
	answer := trailguard.iam.decide(question({"identity": [mfa]}))
	answer.decision == "conditional"
	answer.conditions == ["Bool aws:MultiFactorAuthPresent"]
	trailguard.iam.decide(question({"identity": [mfa], "context": {"aws:MultiFactorAuthPresent": "true"}})).decision == "allow"
}

test_deny_unread_scps_never_pass if {
	trailguard.iam.decide(question({"scps": "unknown"})).conditions == ["the service control policies (not collected)"]
}
