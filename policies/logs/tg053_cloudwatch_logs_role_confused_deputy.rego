# METADATA
# title: The role CloudTrail assumes to write to CloudWatch Logs trusts it for any account
# description: >-
#   A trail sends its events to its CloudWatch Logs log group by assuming the role named in
#   CloudWatchLogsRoleArn. A trust policy that lets cloudtrail.amazonaws.com assume the role
#   without tying it to your account or trail (aws:SourceAccount, aws:SourceArn) lets CloudTrail
#   assume it on behalf of any AWS account's trail: another account can then write forged
#   events into your log group, or fill it (the cross-service confused deputy problem). The
#   trust policy is judged with AWS's evaluation logic (trailguard.iam.decide_in): may CloudTrail
#   assume the role for a trail of an account outside your organisation? A condition on what
#   cannot be known offline makes the finding say it may. The resource control policies on the
#   role's account bind CloudTrail too: AWS's confused deputy RCP (Deny when aws:SourceOrgID is
#   not your organisation's, for AWS service principals) closes the hole for every role, and
#   the finding then goes; where the organisation's RCPs were not read it ends "unless a
#   resource control policy denies it". A role that was not collected gives no verdict (TG090
#   reports it).
# custom:
#   id: TG053
#   severity: medium
#   controls: {}
#   remediation: |-
#     Tie the trust to your trail, then apply it with `aws iam update-assume-role-policy
#     --role-name ROLE --policy-document file://trust.json`:
#
#     ```json
#     {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
#      "Action": "sts:AssumeRole",
#      "Condition": {"StringEquals": {"aws:SourceAccount": "ACCOUNT_ID"},
#                    "ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:REGION:ACCOUNT_ID:trail/TRAIL_NAME"}}}
#     ```
package trailguard.rules.tg053

import data.trailguard.lib
import data.trailguard.lib.delivery
import data.trailguard.lib.holders
import data.trailguard.lib.trail as tl
import rego.v1

# One finding per role (GitHub keys alerts on rule and resource), however many trails assume it;
# the question is asked for the first of them.
deny contains lib.finding(role_arn, msg) if {
	some role_arn, arns in trails_by_role
	role := role_of(role_arn)
	delivery.judged(role, "AssumeRolePolicyDocument")
	arn := sort(arns)[0]
	trail := input.trails[arn]
	owner := split(role_arn, ":")[4]
	answer := delivery.ask(arn, "sts:AssumeRole", role_arn, owner, "resource_policy", "the trust policy", role.AssumeRolePolicyDocument, delivery.stranger(trail))
	answer.decision in {"allow", "conditional"}
	msg := sprintf("Role %s, which %s to write to CloudWatch Logs, lets cloudtrail.amazonaws.com assume it for another account's trail%s (granted by %s)%s", [
		role_arn, assumed_by(arns), depending(answer), delivery.statements(answer.grants),
		holders.unless([{"answer": answer}]),
	])
}

# trails_by_role maps each CloudWatch Logs role to the trails that assume it.
trails_by_role[role_arn] contains arn if {
	some arn, trail in input.trails
	role_arn := trail.CloudWatchLogsRoleArn
	is_string(role_arn)
	role_arn != ""
}

assumed_by(arns) := sprintf("trail %s assumes", [tl.label(arn)]) if {
	count(arns) == 1
	some arn in arns
} else := sprintf("trails %s assume", [concat(", ", [tl.label(arn) | some arn in sort(arns)])])

# role_of is the collected role with this ARN (Roles are keyed by name).
role_of(role_arn) := role if {
	parts := split(role_arn, ":")
	name := regex.replace(parts[5], "^.*/", "")
	role := input.accounts[parts[4]].Iam.Roles[name]
	role.Arn == role_arn
}

depending(answer) := "" if {
	answer.decision == "allow"
} else := sprintf(", depending on %s", [concat(", ", sort(answer.conditions))])
