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
import data.trailguard.lib.iam
import rego.v1

deny contains lib.finding(user.Arn, msg) if {
	some account, a in input.accounts
	details := iam.details(a)
	groups := iam.full_access_groups(details) # once per account, not once per user
	some user in object.get(details, "Users", {})
	user.MFADevices == [] # read, and none: an unread MFA list is left to TG090
	ways := iam.full_access_ways(user, groups)
	count(ways) > 0
	msg := sprintf(
		"User %s in account %s holds AWSCloudTrail_FullAccess (%s) and has no MFA device",
		[user.UserName, account, concat(", ", sort(ways))],
	)
}
