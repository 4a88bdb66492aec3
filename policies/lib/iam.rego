# METADATA
# title: trailguard IAM helpers
# description: >-
#   Who holds AWSCloudTrail_FullAccess in an account's IAM (GetAccountAuthorizationDetails): users
#   directly or through groups, and roles.
package trailguard.lib.iam

import rego.v1

# full_access_arn is the AWS managed policy whose holders administer CloudTrail.
full_access_arn := "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"

# details is an account's IAM details (GetAccountAuthorizationDetails), or an empty object when
# the snapshot holds none: left out after a failed read (a gap, TG090) or null.
details(account) := d if {
	d := object.get(account, "Iam", {})
	is_object(d)
}

details(account) := {} if not is_object(object.get(account, "Iam", {}))

# holds_full_access holds when a user, group or role has the policy attached to itself.
holds_full_access(entity) if {
	some p in object.get(entity, "AttachedManagedPolicies", [])
	p.PolicyArn == full_access_arn
}

# attached_directly holds for a user with the policy attached to the user itself.
attached_directly(user) := holds_full_access(user)

# full_access_groups are the names of an account's groups that hold the policy.
full_access_groups(iam) := {name | some name, group in object.get(iam, "Groups", {}); holds_full_access(group)}

# full_access_ways are the ways a user holds the policy, "directly" and "through group NAME", given
# `groups`, the account's full_access_groups. A rule looking at many users computes those groups
# once per account and calls this for each user: calling full_access_via for each user would
# recompute them every time, a cost of users x groups per account.
full_access_ways(user, groups) := direct | through if {
	direct := {"directly" | holds_full_access(user)}
	through := {sprintf("through group %s", [g]) | some g in object.get(user, "GroupList", []); g in groups}
}

# full_access_via are the ways a user holds the policy: "directly" and "through group NAME".
# For one user; over many, see full_access_ways.
full_access_via(iam, user) := full_access_ways(user, full_access_groups(iam))

# user_holds_full_access holds for a user who holds the policy, directly or through one of
# `groups` (the account's full_access_groups): full_access_ways without naming the ways, for
# rules that only ask whether (naming them costs a set and a sprintf per user).
user_holds_full_access(user, _) if holds_full_access(user)

user_holds_full_access(user, groups) if {
	some g in object.get(user, "GroupList", [])
	g in groups
}

# full_access_holders are the ARNs of an account's users (directly or through groups) and roles
# that hold the policy.
full_access_holders(iam) := users | roles if {
	groups := full_access_groups(iam)
	users := {user.Arn | some user in object.get(iam, "Users", {}); user_holds_full_access(user, groups)}
	roles := {role.Arn | some role in object.get(iam, "Roles", {}); holds_full_access(role)}
}
