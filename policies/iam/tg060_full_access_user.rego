# METADATA
# title: AWSCloudTrail_FullAccess attached directly to an IAM user
# description: >-
#   AWSCloudTrail_FullAccess lets its holder stop logging, delete trails and change where logs go.
#   Attached straight to a user it is a standing power tied to long-lived credentials, outside the
#   groups and roles where such grants are reviewed; an attacker who steals that user's keys can
#   blind the trail.
# custom:
#   id: TG060
#   severity: medium
#   controls: {}
#   remediation: >-
#     Grant CloudTrail administration through a role assumed with MFA (or at least a group):
#     `aws iam detach-user-policy --user-name USER --policy-arn
#     arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess`, after giving the user that role.
package trailguard.rules.tg060

import data.trailguard.lib
import data.trailguard.lib.iam.full_access_arn
import rego.v1

deny contains lib.finding(h.arn, msg) if {
	some account, holders in trailguard.iam.policy_holders(input, full_access_arn)
	some h in holders
	h.kind == "User"
	"directly" in h.ways
	msg := sprintf(
		"User %s in account %s has AWSCloudTrail_FullAccess attached directly, so its own credentials can stop or delete the trail",
		[h.name, account],
	)
}
