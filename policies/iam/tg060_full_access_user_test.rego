package trailguard.rules.tg060_test

import data.trailguard.rules.tg060
import rego.v1

full_access := {"PolicyName": "AWSCloudTrail_FullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"}

snapshot(users) := {"accounts": {"111111111111": {"AccountId": "111111111111", "Iam": {"Users": users}}}}

user(name, policies, groups) := {
	"UserName": name, "Arn": sprintf("arn:aws:iam::111111111111:user/%s", [name]),
	"AttachedManagedPolicies": policies, "GroupList": groups,
}

test_allow_through_a_group if {
	count(tg060.deny) == 0 with input as snapshot({"alice": user("alice", [], ["admins"])})
}

test_allow_other_policies if {
	other := {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}
	count(tg060.deny) == 0 with input as snapshot({"alice": user("alice", [other], [])})
}

test_deny_direct_attachment if {
	findings := tg060.deny with input as snapshot({"alice": user("alice", [full_access], [])})
	findings == {{
		"resource": "arn:aws:iam::111111111111:user/alice",
		"message": "User alice in account 111111111111 has AWSCloudTrail_FullAccess attached directly, so its own credentials can stop or delete the trail",
	}}
}

test_allow_unknown_iam_is_left_to_tg090 if {
	count(tg060.deny) == 0 with input as {"accounts": {"111111111111": {"AccountId": "111111111111"}}}
}

# Regression: IAM details of null (valid in the snapshot schema) made the rule fail with an error.
test_allow_null_iam_is_not_an_error if {
	count(tg060.deny) == 0 with input as {"accounts": {"111111111111": {"AccountId": "111111111111", "Iam": null}}}
}
