package trailguard.rules.tg062_test

import data.trailguard.rules.tg062
import rego.v1

full_access := {"PolicyName": "AWSCloudTrail_FullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"}

arn(kind, name) := sprintf("arn:aws:iam::111111111111:%s/%s", [kind, name])

snapshot := {"accounts": {"111111111111": {"AccountId": "111111111111", "Iam": {
	"Users": {
		"alice": {"UserName": "alice", "Arn": arn("user", "alice"), "AttachedManagedPolicies": [full_access]},
		"bob": {"UserName": "bob", "Arn": arn("user", "bob"), "GroupList": ["admins"]},
		"carol": {"UserName": "carol", "Arn": arn("user", "carol"), "GroupList": ["devs"]},
	},
	"Groups": {
		"admins": {"GroupName": "admins", "AttachedManagedPolicies": [full_access]},
		"devs": {"GroupName": "devs"},
	},
	"Roles": {"ops": {"RoleName": "ops", "Arn": arn("role", "ops"), "AttachedManagedPolicies": [full_access]}},
}}}}

test_allow_up_to_the_limit if {
	count(tg062.deny) == 0 with input as snapshot with data.trailguard.params as {"max_full_access_holders": 3}
}

test_deny_over_the_limit if {
	findings := tg062.deny with input as snapshot with data.trailguard.params as {"max_full_access_holders": 2}
	findings == {{
		"resource": "AWS::::Account:111111111111",
		"message": "3 principals in account 111111111111 hold AWSCloudTrail_FullAccess, more than the 2 allowed: arn:aws:iam::111111111111:role/ops, arn:aws:iam::111111111111:user/alice, arn:aws:iam::111111111111:user/bob",
	}}
}

test_allow_unknown_iam_is_left_to_tg090 if {
	count(tg062.deny) == 0 with input as {"accounts": {"111111111111": {"AccountId": "111111111111"}}} with data.trailguard.params as {"max_full_access_holders": 0}
}

# Regression: IAM details of null (valid in the snapshot schema) made the rule fail with an error.
test_allow_null_iam_is_not_an_error if {
	count(tg062.deny) == 0 with input as {"accounts": {"111111111111": {"AccountId": "111111111111", "Iam": null}}} with data.trailguard.params as {"max_full_access_holders": 0}
}
