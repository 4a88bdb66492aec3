# METADATA
# title: More principals hold AWSCloudTrail_FullAccess than allowed
# description: >-
#   Every holder of AWSCloudTrail_FullAccess can stop logging or delete the trail. Their number
#   should stay small enough to review; users count directly or through groups, and roles count.
#   The limit is the `max_full_access_holders` parameter (default 3).
# custom:
#   id: TG062
#   severity: low
#   controls: {}
#   remediation: >-
#     Review the holders listed in the finding and detach the policy from those who do not
#     administer CloudTrail (`aws iam detach-user-policy`, `detach-group-policy`,
#     `detach-role-policy`), or raise `max_full_access_holders` in trailguard.toml if they all do.
package trailguard.rules.tg062

import data.trailguard.lib
import data.trailguard.lib.iam.full_access_arn
import data.trailguard.lib.params
import rego.v1

deny contains lib.finding(lib.account_resource(account), msg) if {
	some account, found in trailguard.iam.policy_holders(input, full_access_arn)
	holders := {h.arn | some h in found}
	count(holders) > params.max_full_access_holders
	msg := sprintf(
		"%d principals in account %s hold AWSCloudTrail_FullAccess, more than the %d allowed: %s",
		[count(holders), account, params.max_full_access_holders, concat(", ", sort(holders))],
	)
}
