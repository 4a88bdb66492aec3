package trailguard.lib_iam_test

import data.trailguard.lib.iam
import rego.v1

full_access := {"PolicyName": "AWSCloudTrail_FullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"}

details := {
	"Users": {
		"alice": {"Arn": "arn:aws:iam::111111111111:user/alice", "AttachedManagedPolicies": [full_access], "GroupList": ["admins", "devs"]},
		"bob": {"Arn": "arn:aws:iam::111111111111:user/bob", "AttachedManagedPolicies": [], "GroupList": ["devs", "ops"]},
		"carol": {"Arn": "arn:aws:iam::111111111111:user/carol", "AttachedManagedPolicies": [], "GroupList": ["devs"]},
		"dan": {"Arn": "arn:aws:iam::111111111111:user/dan"},
	},
	"Groups": {
		"admins": {"AttachedManagedPolicies": [full_access]},
		"devs": {"AttachedManagedPolicies": []},
		"ops": {"AttachedManagedPolicies": [full_access]},
	},
	"Roles": {
		"deployer": {"Arn": "arn:aws:iam::111111111111:role/deployer", "AttachedManagedPolicies": [full_access]},
		"reader": {"Arn": "arn:aws:iam::111111111111:role/reader", "AttachedManagedPolicies": []},
	},
}

test_full_access_groups if {
	iam.full_access_groups(details) == {"admins", "ops"}
	iam.full_access_groups({}) == set()
}

test_full_access_ways_with_the_accounts_groups if {
	groups := iam.full_access_groups(details)
	iam.full_access_ways(details.Users.alice, groups) == {"directly", "through group admins"}
	iam.full_access_ways(details.Users.bob, groups) == {"through group ops"}
	iam.full_access_ways(details.Users.carol, groups) == set()
	iam.full_access_ways(details.Users.dan, groups) == set()
}

# full_access_via (one user) and full_access_ways (the groups computed once) agree.
test_full_access_via_is_full_access_ways if {
	every name, user in details.Users {
		iam.full_access_via(details, user) == iam.full_access_ways(user, iam.full_access_groups(details))
	}
}

test_full_access_holders if {
	iam.full_access_holders(details) == {
		"arn:aws:iam::111111111111:user/alice",
		"arn:aws:iam::111111111111:user/bob",
		"arn:aws:iam::111111111111:role/deployer",
	}
	iam.full_access_holders({}) == set()
}

# user_holds_full_access is whether full_access_ways names any way.
test_user_holds_full_access_when_full_access_ways_names_a_way if {
	groups := iam.full_access_groups(details)
	holders := {name | some name, user in details.Users; iam.user_holds_full_access(user, groups)}
	holders == {name | some name, user in details.Users; count(iam.full_access_ways(user, groups)) > 0}
	holders == {"alice", "bob"}
}
