package trailguard.lib_iam_test

import data.trailguard.lib.iam
import rego.v1

full_access := {"PolicyName": "AWSCloudTrail_FullAccess", "PolicyArn": iam.full_access_arn}

user(name, policies, groups) := {"UserName": name, "Arn": sprintf("arn:aws:iam::111111111111:user/%s", [name]), "AttachedManagedPolicies": policies, "GroupList": groups}

role(name, policies) := {"RoleName": name, "Arn": sprintf("arn:aws:iam::111111111111:role/%s", [name]), "AttachedManagedPolicies": policies}

details := {
	"Users": {
		"alice": user("alice", [full_access], ["admins", "devs"]),
		"bob": user("bob", [], ["devs", "ops"]),
		"carol": user("carol", [], ["devs"]),
		"dan": {"UserName": "dan", "Arn": "arn:aws:iam::111111111111:user/dan"},
	},
	"Groups": {
		"admins": {"AttachedManagedPolicies": [full_access]},
		"devs": {"AttachedManagedPolicies": []},
		"ops": {"AttachedManagedPolicies": [full_access]},
	},
	"Roles": {
		"deployer": role("deployer", [full_access]),
		"reader": role("reader", []),
	},
}

# The holders of AWSCloudTrail_FullAccess, as the rules TG060-TG064 ask for them.
test_full_access_holders_by_account if {
	holders := trailguard.iam.policy_holders({"accounts": {"111111111111": {"Iam": details}, "222222222222": {"Iam": null}}}, iam.full_access_arn)
	holders == {"111111111111": [
		{"arn": "arn:aws:iam::111111111111:user/alice", "kind": "User", "name": "alice", "key": "alice", "ways": ["directly", "through group admins"]},
		{"arn": "arn:aws:iam::111111111111:user/bob", "kind": "User", "name": "bob", "key": "bob", "ways": ["through group ops"]},
		{"arn": "arn:aws:iam::111111111111:role/deployer", "kind": "Role", "name": "deployer", "key": "deployer", "ways": ["directly"]},
	]}
	trailguard.iam.policy_holders({"accounts": {}}, iam.full_access_arn) == {}
}
