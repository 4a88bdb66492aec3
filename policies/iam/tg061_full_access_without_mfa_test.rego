package trailguard.rules.tg061_test

import data.trailguard.rules.tg061
import rego.v1

full_access := {"PolicyName": "AWSCloudTrail_FullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"}

snapshot(users) := {"accounts": {"111111111111": {"AccountId": "111111111111", "Iam": {
	"Users": users,
	"Groups": {"admins": {"GroupName": "admins", "AttachedManagedPolicies": [full_access]}},
}}}}

user(name, policies, groups, mfa) := {
	"UserName": name, "Arn": sprintf("arn:aws:iam::111111111111:user/%s", [name]),
	"AttachedManagedPolicies": policies, "GroupList": groups, "MFADevices": mfa,
}

test_allow_holder_with_mfa if {
	mfa := ["arn:aws:iam::111111111111:mfa/alice"]
	count(tg061.deny) == 0 with input as snapshot({"alice": user("alice", [full_access], ["admins"], mfa)})
}

test_allow_user_without_the_policy if {
	count(tg061.deny) == 0 with input as snapshot({"bob": user("bob", [], ["devs"], [])})
}

test_deny_direct_holder_without_mfa if {
	findings := tg061.deny with input as snapshot({"alice": user("alice", [full_access], [], [])})
	findings == {{
		"resource": "arn:aws:iam::111111111111:user/alice",
		"message": "User alice in account 111111111111 holds AWSCloudTrail_FullAccess (directly) and has no MFA device",
	}}
}

test_deny_group_member_without_mfa if {
	findings := tg061.deny with input as snapshot({"carol": user("carol", [full_access], ["admins"], [])})
	findings == {{
		"resource": "arn:aws:iam::111111111111:user/carol",
		"message": "User carol in account 111111111111 holds AWSCloudTrail_FullAccess (directly, through group admins) and has no MFA device",
	}}
}

test_allow_unread_mfa_is_left_to_tg090 if {
	carol := object.remove(user("carol", [], ["admins"], []), ["MFADevices"])
	count(tg061.deny) == 0 with input as snapshot({"carol": carol})
}

# Regression: IAM details of null (valid in the snapshot schema) made the rule fail with an error.
test_allow_null_iam_is_not_an_error if {
	count(tg061.deny) == 0 with input as {"accounts": {"111111111111": {"AccountId": "111111111111", "Iam": null}}}
}
