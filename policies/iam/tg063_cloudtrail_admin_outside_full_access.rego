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
import data.trailguard.lib.holders
import data.trailguard.lib.iam.full_access_arn
import data.trailguard.lib.sensitive.trail_requests
import rego.v1

deny contains lib.finding(p.arn, msg) if {
	some p in trailguard.iam.holders(input, trail_requests)
	not p.arn in full_access
	not holders.exempt(p.arn)
	s := holders.summary(p.granted)
	msg := sprintf("%s can stop, delete or reconfigure trail%s %s (%s) without holding AWSCloudTrail_FullAccess, granted by %s%s%s", [
		holders.describe(p), s.plural, s.resources, s.actions, s.grants, s.conditions, s.unless,
	])
}

# full_access are the ARNs of the principals that hold AWSCloudTrail_FullAccess (users directly or
# through a group, roles), in every account.
full_access := {h.arn |
	some _, found in trailguard.iam.policy_holders(input, full_access_arn)
	some h in found
}
