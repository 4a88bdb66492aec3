# Tests of the trailguard.iam.decide builtin, as a policy calls it (see policies/README.md).
package trailguard.lib.decide_test

import rego.v1

admin := {"arn": "arn:aws:iam::222222222222:role/admin", "kind": "role"}

trail := "arn:aws:cloudtrail:us-east-1:222222222222:trail/org"

everything := {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}

question(extra) := object.union({
	"principal": admin,
	"action": "cloudtrail:StopLogging",
	"resource": trail,
	"identity": [{"name": "AdministratorAccess", "document": everything}],
}, extra)

test_allow_an_admin_role_can_stop_the_trail if {
	answer := trailguard.iam.decide(question({}))
	answer.decision == "allow"
	answer.grants == [{"policy": "AdministratorAccess", "statement": 0, "sid": null}]
}

test_deny_an_scp_protects_the_trail if {
	scp := {"Statement": [
		{"Effect": "Allow", "Action": "*", "Resource": "*"},
		{"Sid": "ProtectTrail", "Effect": "Deny", "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"], "Resource": "*"},
	]}
	answer := trailguard.iam.decide(question({"scps": [[{"name": "protect-trail", "document": scp}]]}))
	answer.decision == "deny"
	answer.denied_by == [{"policy": "protect-trail", "statement": 1, "sid": "ProtectTrail"}]
}

test_conditional_an_mfa_condition_is_named_not_guessed if {
	mfa := {"Statement": [{
		"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "*",
		"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
	}]}
	answer := trailguard.iam.decide(question({"identity": [mfa]}))
	answer.decision == "conditional"
	answer.conditions == ["Bool aws:MultiFactorAuthPresent"]
	trailguard.iam.decide(question({"identity": [mfa], "context": {"aws:MultiFactorAuthPresent": "true"}})).decision == "allow"
}

test_deny_unread_scps_are_named_not_passed if {
	# An SCP never grants: one that was not read leaves the verdict standing, "unless" it denies.
	answer := trailguard.iam.decide(question({"scps": "unknown"}))
	answer.decision == "allow"
	answer.unless == ["a service control policy"]
}

# trailguard.iam.principals_that_can(input, action, resource) asks the same question of every
# user and role of the resource's account, from the snapshot given as input.

account := "111111111111"

org_trail := "arn:aws:cloudtrail:us-east-1:111111111111:trail/org"

snapshot(roles) := {"accounts": {account: {
	"AccountId": account,
	"Iam": {"Users": {}, "Groups": {}, "Roles": roles, "Policies": {
		"arn:aws:iam::aws:policy/AdministratorAccess": {
			"PolicyName": "AdministratorAccess",
			"Arn": "arn:aws:iam::aws:policy/AdministratorAccess",
			"Document": everything,
		},
	}},
}}}

role(name, attached) := {
	"RoleName": name, "Arn": sprintf("arn:aws:iam::%s:role/%s", [account, name]),
	"AssumeRolePolicyDocument": {"Statement": []},
	"AttachedManagedPolicies": attached,
}

administrator := [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]

test_deny_principals_that_can_names_the_administrator_only if {
	roles := {"admin": role("admin", administrator), "reader": role("reader", [])}
	answers := trailguard.iam.principals_that_can(input, "cloudtrail:StopLogging", org_trail) with input as snapshot(roles)
	[a.name | some a in answers] == ["admin"]
	answers[0].decision == "allow"
	answers[0].grants == [{"policy": "managed policy AdministratorAccess", "statement": 0, "sid": null}]
}

test_conditional_an_attached_policy_missing_from_the_snapshot_is_named if {
	missing := [{"PolicyName": "Mystery", "PolicyArn": "arn:aws:iam::111111111111:policy/Mystery"}]
	answers := trailguard.iam.principals_that_can(input, "cloudtrail:StopLogging", org_trail) with input as snapshot({"x": role("x", missing)})
	answers[0].decision == "conditional"
	answers[0].conditions == ["managed policy Mystery (not collected)"]
}

test_allow_no_one_in_another_account if {
	other := "arn:aws:cloudtrail:us-east-1:222222222222:trail/org"
	trailguard.iam.principals_that_can(input, "cloudtrail:StopLogging", other) == [] with input as snapshot({"admin": role("admin", administrator)})
}

test_allow_a_bucket_policy_grant_to_everyone_is_not_each_principals if {
	# What a bucket policy grants to anyone is reported once on the bucket (TG065), not once
	# per principal of the account.
	bucket := {"OwnerAccount": account, "Policy": {"Statement": [
		{"Effect": "Allow", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::logs/*"},
	]}}
	s := object.union(snapshot({"reader": role("reader", [])}), {"buckets": {"logs": bucket}})
	trailguard.iam.principals_that_can(input, "s3:DeleteObject", "arn:aws:s3:::logs/x") == [] with input as s
	named := {"OwnerAccount": account, "Policy": {"Statement": [{
		"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/reader"},
		"Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::logs/*",
	}]}}
	answers := trailguard.iam.principals_that_can(input, "s3:DeleteObject", "arn:aws:s3:::logs/x") with input as object.union(s, {"buckets": {"logs": named}})
	[a.name | some a in answers] == ["reader"]
}

test_deny_holders_groups_the_requests_by_principal if {
	requests := [
		{"action": "cloudtrail:StopLogging", "resource": org_trail, "name": "org"},
		{"action": "cloudtrail:DeleteTrail", "resource": org_trail, "name": "org"},
	]
	roles := {"admin": role("admin", administrator), "reader": role("reader", [])}
	answer := trailguard.iam.holders(input, requests) with input as snapshot(roles)
	[p.name | some p in answer] == ["admin"]
	[[g.action, g.name, g.answer.decision] | some g in answer[0].granted] == [
		["cloudtrail:StopLogging", "org", "allow"],
		["cloudtrail:DeleteTrail", "org", "allow"],
	]
}

test_deny_holders_takes_a_resource_s_actions_in_one_request if {
	roles := {"admin": role("admin", administrator), "reader": role("reader", [])}
	one := [{"actions": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"], "resource": org_trail, "name": "org"}]
	each := [
		{"action": "cloudtrail:StopLogging", "resource": org_trail, "name": "org"},
		{"action": "cloudtrail:DeleteTrail", "resource": org_trail, "name": "org"},
	]
	answer := trailguard.iam.holders(input, one) with input as snapshot(roles)
	answer == trailguard.iam.holders(input, each) with input as snapshot(roles)
	[g.action | some g in answer[0].granted] == ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"]
}

# The organisation's SCPs, from the snapshot's organizations section: the account's path from
# the root (Parents) and the policies attached along it (Targets).

management := "999999999999"

protect_trail := {"Statement": [{
	"Sid": "ProtectTrail", "Effect": "Deny", "Resource": "*",
	"Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"],
	"Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/break-glass"}},
}]}

organization(attached_to) := {"o-1": {
	"Id": "o-1",
	"Root": {"Id": "r-1", "PolicyTypes": ["SERVICE_CONTROL_POLICY"]},
	"Parents": {"ou-1": "r-1", account: "ou-1"},
	"ServiceControlPolicies": {
		"p-FullAWSAccess": {
			"Id": "p-FullAWSAccess", "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
			"Name": "FullAWSAccess", "AwsManaged": true, "Content": everything,
			"Targets": ["r-1", "ou-1", account],
		},
		"p-protect": {
			"Id": "p-protect", "Arn": "arn:aws:organizations::999999999999:policy/o-1/service_control_policy/p-protect",
			"Name": "protect-trail", "AwsManaged": false, "Content": protect_trail, "Targets": attached_to,
		},
	},
}}

in_organization(roles, master, attached_to) := object.union(snapshot(roles), {
	"accounts": {account: {"Organization": {"Id": "o-1", "MasterAccountId": master}}},
	"organizations": organization(attached_to),
})

admins := {"admin": role("admin", administrator), "break-glass": role("break-glass", administrator)}

test_allow_an_scp_on_the_ou_protects_the_trail_from_the_member_accounts_admin if {
	s := in_organization(admins, management, ["ou-1"])
	answers := trailguard.iam.principals_that_can(input, "cloudtrail:StopLogging", org_trail) with input as s
	[a.name | some a in answers] == ["break-glass"]
	answers[0].unless == []
}

test_deny_an_scp_attached_elsewhere_protects_nothing if {
	s := in_organization(admins, management, ["ou-other"])
	answers := trailguard.iam.principals_that_can(input, "cloudtrail:StopLogging", org_trail) with input as s
	[a.name | some a in answers] == ["admin", "break-glass"]
}

test_deny_scps_do_not_bind_the_management_account if {
	s := in_organization(admins, account, ["ou-1"])
	answers := trailguard.iam.principals_that_can(input, "cloudtrail:StopLogging", org_trail) with input as s
	[a.name | some a in answers] == ["admin", "break-glass"]
	[a.unless | some a in answers] == [[], []]
}

test_deny_unread_scps_say_unless if {
	# No Organization field: the account's organisation was not read.
	answers := trailguard.iam.principals_that_can(input, "cloudtrail:StopLogging", org_trail) with input as snapshot(admins)
	[a.unless | some a in answers] == [["a service control policy"], ["a service control policy"]]
	# A member account whose SCP attachments were not read.
	s := json.remove(in_organization(admins, management, ["ou-1"]), ["organizations/o-1/ServiceControlPolicies/p-protect/Targets"])
	answers2 := trailguard.iam.principals_that_can(input, "cloudtrail:StopLogging", org_trail) with input as s
	[a.unless | some a in answers2] == [["a service control policy"], ["a service control policy"]]
}

test_allow_outside_any_organisation_nothing_is_unless if {
	s := object.union(snapshot(admins), {"accounts": {account: {"Organization": null}}})
	answers := trailguard.iam.principals_that_can(input, "cloudtrail:StopLogging", org_trail) with input as s
	[a.unless | some a in answers] == [[], []]
}
