# METADATA
# title: trailguard delivery helpers
# description: >-
#   Whether CloudTrail itself (the service principal cloudtrail.amazonaws.com) may do what
#   delivering a trail's logs takes: write to the log bucket (TG041), use the trail's KMS key
#   (TG026), publish to its SNS topic (TG012), assume its CloudWatch Logs role (TG053). Each
#   question goes to AWS's evaluation logic in Rust as a service principal's request: only the
#   resource's own policy grants it, explicit denies bind it. TG041 and TG026 ask
#   trailguard.delivery.to_bucket and to_key, which build CloudTrail's requests in Rust too;
#   TG012 and TG053 ask trailguard.iam.decide through `ask`, with `context` below (the same
#   context those builtins give).
package trailguard.lib.delivery

import data.trailguard.lib
import data.trailguard.lib.holders
import rego.v1

# service is the principal that delivers.
service := "cloudtrail.amazonaws.com"

# context is what CloudTrail's own requests for trail `arn` carry (trailguard.delivery.context,
# the description trailguard.delivery.to_bucket and to_key use): the trail, its account and
# the account's organisation and its place there (aws:SourceArn, aws:SourceAccount,
# aws:SourceOrgID, aws:SourceOrgPaths, the last two unknown where the account's Organization, or
# the organisation's tree, was not read). What they never carry is null,
# so a Deny keyed on it is judged, not left open: CloudTrail does not call through a VPC
# endpoint (aws:SourceVpce, aws:SourceVpc), and a service principal's request has no principal
# ARN, account or organisation (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalOrgID,
# aws:PrincipalOrgPaths). Keys left out (aws:SourceIp, the encryption headers, ...) are
# unknown: a statement depending on them makes the answer conditional, named as such.
context(arn) := trailguard.delivery.context(input, arn)

# ask is the answer for CloudTrail performing `action` on `resource` (owned by `owner`), with
# `extra` added to the context, under `policy` (the resource policy `name`; a key policy when
# `field` is "key_policy") and the resource control policies on the owner's account
# (trailguard.iam.decide_in: AWS applies RCPs to service principals). A policy of null means
# the resource has none.
ask(arn, action, resource, owner, field, name, policy, extra) := trailguard.iam.decide_in(input, object.union(
	{
		"principal": {"arn": service, "kind": "service"},
		"action": action,
		"resource": resource,
		"resource_account": owner,
		"context": object.union(context(arn), extra),
	},
	policy_field(field, name, policy),
))

policy_field(_, _, null) := {}

policy_field(field, name, policy) := {field: {"name": name, "document": policy}} if policy != null

# refusal says why `answer` does not let CloudTrail `doing` ("write log files under
# AWSLogs/111111111111/"), or is undefined when it does: "<policy> statement "DenyOutsideVpce"
# denies it", "may be refused: ... denies it depending on NotIpAddress aws:SourceIp",
# "nothing in <policy> allows it".
refusal(answer, doing, none) := sprintf("%s: %s denies it", [doing, statements(answer.denied_by)]) if {
	answer.decision == "deny"
} else := sprintf("%s: %s", [doing, none]) if {
	answer.decision == "implicit_deny"
} else := sprintf("%s may be refused: %s denies it depending on %s", [
	doing, statements(answer.denied_by), concat(", ", sort(answer.conditions)),
]) if {
	answer.decision == "conditional"
	count(answer.denied_by) > 0
} else := sprintf("%s may be refused: it is allowed only depending on %s", [
	doing, concat(", ", sort(answer.conditions)),
]) if {
	answer.decision == "conditional"
}

# nothing_allows is what to say of a request of trailguard.delivery.to_bucket or to_key that
# nothing allows: `none` (the destination's policy has no statement for it), or, where the
# destination's policy would let it in, that a level of the resource control policies on the
# destination's account allows none of it (AWS attaches RCPFullAWSAccess to every level; a level
# without it, or another Allow, allows nothing).
nothing_allows(asked, none) := "no resource control policy allows it at one of the levels (root, OUs, account) above the resource" if {
	asked.refused_by_rcps
} else := none

# statements names the statements of an answer (holders.grant_name: the policy, then the Sid or
# the index).
statements(refs) := concat(" and ", sort({holders.grant_name(s) | some s in refs}))

# stranger is the context of CloudTrail acting for a trail of an account outside the
# organisation (not the trail's own): what a resource policy naming no source must be caught
# letting in.
stranger(trail) := {
	"aws:SourceAccount": other,
	"aws:SourceArn": sprintf("arn:aws:cloudtrail:%s:%s:trail/not-yours", [trail.HomeRegion, other]),
	"aws:SourceOrgID": null,
	"aws:SourceOrgPaths": null,
} if {
	other := other_account(trail.AccountId)
}

other_account(account) := "000000000000" if {
	account != "000000000000"
} else := "999999999999"

# judged holds when `obj.key` was read: a resource policy that is null (there is none) is
# judged; one left out of the snapshot (not read, a gap says why) is not.
judged(obj, key) if lib.has(obj, key)
