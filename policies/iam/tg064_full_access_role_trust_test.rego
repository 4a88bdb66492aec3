package trailguard.rules.tg064_test

import data.trailguard.rules.tg064
import rego.v1

full_access := {"PolicyName": "AWSCloudTrail_FullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"}

role(trust) := {
	"RoleName": "ct-admin", "Arn": "arn:aws:iam::111111111111:role/ct-admin",
	"AttachedManagedPolicies": [full_access],
	"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [trust]},
}

trust(principal) := {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}

snapshot(r) := {"accounts": {"111111111111": {"AccountId": "111111111111", "Iam": {"Roles": {"ct-admin": r}}}}}

params := {"trusted_accounts": ["222222222222"]}

test_allow_own_account if {
	count(tg064.deny) == 0 with input as snapshot(role(trust({"AWS": "arn:aws:iam::111111111111:root"}))) with data.trailguard.params as params
}

test_allow_trusted_account if {
	count(tg064.deny) == 0 with input as snapshot(role(trust({"AWS": "222222222222"}))) with data.trailguard.params as params
}

test_allow_role_without_full_access if {
	r := object.union(role(trust({"AWS": "*"})), {"AttachedManagedPolicies": []})
	count(tg064.deny) == 0 with input as snapshot(r) with data.trailguard.params as params
}

test_deny_other_account if {
	findings := tg064.deny with input as snapshot(role(trust({"AWS": "arn:aws:iam::999999999999:root"}))) with data.trailguard.params as params
	findings == {{
		"resource": "arn:aws:iam::111111111111:role/ct-admin",
		"message": "Role ct-admin in account 111111111111 holds AWSCloudTrail_FullAccess and its trust policy (Statement[0]) lets account 999999999999 assume it",
	}}
}

test_deny_anyone if {
	findings := tg064.deny with input as snapshot(role(trust("*"))) with data.trailguard.params as params
	findings == {{
		"resource": "arn:aws:iam::111111111111:role/ct-admin",
		"message": "Role ct-admin in account 111111111111 holds AWSCloudTrail_FullAccess and its trust policy (Statement[0]) lets anyone assume it",
	}}
}

test_deny_conditional_external_id if {
	st := object.union(trust({"AWS": "999999999999"}), {"Sid": "Vendor", "Condition": {"StringEquals": {"sts:ExternalId": "x"}}})
	findings := tg064.deny with input as snapshot(role(st)) with data.trailguard.params as params
	findings == {{
		"resource": "arn:aws:iam::111111111111:role/ct-admin",
		"message": "Role ct-admin in account 111111111111 holds AWSCloudTrail_FullAccess and its trust policy (statement \"Vendor\") lets account 999999999999 assume it (conditional on sts:externalid, which trailguard does not evaluate)",
	}}
}

test_allow_service_principal if {
	count(tg064.deny) == 0 with input as snapshot(role(trust({"Service": "ec2.amazonaws.com"}))) with data.trailguard.params as params
}

# Regression: IAM details of null (valid in the snapshot schema) made the rule fail with an error.
test_allow_null_iam_is_not_an_error if {
	count(tg064.deny) == 0 with input as {"accounts": {"111111111111": {"AccountId": "111111111111", "Iam": null}}}
}
