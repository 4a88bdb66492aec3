# METADATA
# title: A principal outside AWSCloudTrail_FullAccess can stop, delete or reconfigure trails
# description: >-
#   Stopping logging, deleting a trail or narrowing what it records is how an attacker blinds the
#   audit trail before acting. That power should sit with the few principals that hold
#   AWSCloudTrail_FullAccess (reviewed by TG060-TG062, TG064), or the principals listed in the
#   `cloudtrail_admins` parameter. This rule evaluates every user's and role's identity policies
#   (inline, customer and AWS managed, through groups; explicit Deny and permissions boundaries
#   applied) against the account's own trails, so AdministratorAccess or a `cloudtrail:*` in a
#   forgotten policy counts too. The finding names each statement that grants the power.
# custom:
#   id: TG063
#   severity: medium
#   controls: {}
#   remediation: >-
#     Remove `cloudtrail:StopLogging`, `cloudtrail:DeleteTrail`, `cloudtrail:UpdateTrail` and
#     `cloudtrail:PutEventSelectors` from the statements named in the finding (or add an explicit
#     Deny, or a permissions boundary), or list the principal in `cloudtrail_admins` in
#     trailguard.toml when it is meant to administer CloudTrail. An SCP that denies these actions
#     outside an admin role protects every account of an organisation at once.
package trailguard.rules.tg063

# Who may do what is AWS's evaluation logic, asked of trailguard.iam.principals_that_can (see
# policies/README.md); the judgement, outside AWSCloudTrail_FullAccess and not in
# cloudtrail_admins, is this rule's.

import data.trailguard.lib
import data.trailguard.lib.iam
import rego.v1

# trail_actions stop a trail, delete it, or change what it records and where.
trail_actions := ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"]

# powers maps each principal (by ARN) to what it may do to its account's trails: one entry per
# trail and action, with AWS's answer.
powers[arn] contains {"action": action, "trail": trail.Name, "answer": a} if {
	some trail_arn, trail in input.trails
	some action in trail_actions
	some a in trailguard.iam.principals_that_can(input, action, trail_arn)
	arn := a.arn
}

# principal is who an ARN of powers is: {"kind", "name", "account"}.
principal[arn] := {"kind": a.kind, "name": a.name, "account": a.account} if {
	some arn, granted in powers
	some g in granted
	a := g.answer
}

deny contains lib.finding(arn, msg) if {
	some arn, granted in powers
	p := principal[arn]
	not full_access(p)
	not exempt(arn)
	names := {g.trail | some g in granted}
	msg := sprintf("%s %s in account %s can stop, delete or reconfigure trail%s %s (%s) without holding AWSCloudTrail_FullAccess, granted by %s%s", [
		lower(p.kind), p.name, p.account, plural(names), concat(", ", sort(names)),
		concat(", ", sort({g.action | some g in granted})),
		concat("; ", sort({grant_name(s) | some g in granted; some s in g.answer.grants})),
		open_conditions(granted),
	])
}

# full_access holds for a principal that holds AWSCloudTrail_FullAccess: a user directly or
# through a group, a role directly.
full_access(p) if {
	p.kind == "User"
	account_iam := input.accounts[p.account].Iam
	count(iam.full_access_ways(account_iam.Users[p.name], iam.full_access_groups(account_iam))) > 0
}

full_access(p) if {
	p.kind == "Role"
	iam.holds_full_access(input.accounts[p.account].Iam.Roles[p.name])
}

# exempt holds for principals the cloudtrail_admins parameter allows (ARNs, with * and ?).
exempt(arn) if {
	some pattern in data.trailguard.params.cloudtrail_admins
	glob.match(pattern, null, arn) # null: no delimiters, "*" matches across ":" and "/"
}

plural(names) := "s" if count(names) > 1 else := ""

# grant_name names a statement: its policy, then its Sid or its index.
grant_name(s) := sprintf("%s statement \"%s\"", [s.policy, s.sid]) if {
	is_string(s.sid)
	s.sid != ""
} else := sprintf("%s Statement[%d]", [s.policy, s.statement])

# open_conditions is "" when one request is allowed outright, else what the answers depend on.
open_conditions(granted) := "" if {
	some g in granted
	g.answer.decision == "allow"
} else := sprintf(" (conditional on %s, which trailguard does not evaluate)", [
	concat(", ", sort({c | some g in granted; some c in g.answer.conditions})),
])
