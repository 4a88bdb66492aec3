# METADATA
# title: A user holds AWSCloudTrail_FullAccess without MFA
# description: >-
#   A user who can stop logging or delete the trail, and signs in with a password or access keys
#   alone, is one phished password or leaked key away from an attacker blinding the audit trail.
#   Holding the policy through a group counts.
# custom:
#   id: TG061
#   severity: high
#   controls: {}
#   remediation: >-
#     Give the user an MFA device (`aws iam enable-mfa-device`, or the console's Security
#     credentials tab), and require MFA for CloudTrail administration with an
#     `aws:MultiFactorAuthPresent` condition; better, move the grant to a role assumed with MFA.
package trailguard.rules.tg061

import data.trailguard.lib
import data.trailguard.lib.iam.full_access_arn
import rego.v1

deny contains lib.finding(h.arn, msg) if {
	some account, holders in trailguard.iam.policy_holders(input, full_access_arn)
	some h in holders
	h.kind == "User"
	input.accounts[account].Iam.Users[h.key].MFADevices == [] # read, and none: an unread MFA list is left to TG090
	msg := sprintf(
		"User %s in account %s holds AWSCloudTrail_FullAccess (%s) and has no MFA device",
		[h.name, account, concat(", ", h.ways)],
	)
}
