package trailguard.rules.tg066_test

import data.trailguard.rules.tg066
import rego.v1

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

key_arn := "arn:aws:kms:us-east-1:111111111111:key/k1"

admin := {
	"PolicyName": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess",
	"Document": {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}},
}

role(name, policies) := {
	"RoleName": name, "Arn": sprintf("arn:aws:iam::111111111111:role/%s", [name]),
	"AttachedManagedPolicies": [{"PolicyName": p.PolicyName, "PolicyArn": p.Arn} | some p in policies], "RolePolicyList": [],
}

enable_iam := {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"}

snapshot(roles, statements) := {
	"accounts": {"111111111111": {"AccountId": "111111111111", "Organization": null, "Iam": {"Users": {}, "Groups": {}, "Roles": roles, "Policies": {admin.Arn: admin}}}},
	"trails": {trail_arn: {"Name": "main", "TrailARN": trail_arn, "AccountId": "111111111111", "KmsKeyId": key_arn}},
	"kms_keys": {key_arn: {"Arn": key_arn, "Policy": {"Version": "2012-10-17", "Statement": statements}}},
}

findings(roles, statements) := f if {
	f := tg066.deny with input as snapshot(roles, statements) with data.trailguard.params as {"cloudtrail_admins": [], "trusted_accounts": []}
}

test_deny_key_policy_grants_everyone if {
	st := {"Sid": "Oops", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Describe*", "kms:ScheduleKeyDeletion"], "Resource": "*"}
	findings({}, [enable_iam, st]) == {{
		"resource": key_arn,
		"message": "The policy of KMS key arn:aws:kms:us-east-1:111111111111:key/k1 (statement \"Oops\") lets anyone kms:ScheduleKeyDeletion, which makes the trail's logs unreadable",
	}}
}

test_deny_conditional_wildcard_limited_to_the_account if {
	st := {"Effect": "Allow", "Principal": "*", "Action": "kms:DisableKey", "Resource": "*", "Condition": {"StringEquals": {"kms:CallerAccount": "111111111111"}}}
	findings({}, [st]) == {{
		"resource": key_arn,
		"message": "The policy of KMS key arn:aws:kms:us-east-1:111111111111:key/k1 (Statement[0]) lets anyone kms:DisableKey, which makes the trail's logs unreadable (conditional on kms:calleraccount, which trailguard does not evaluate)",
	}}
}

test_deny_administrator_through_iam_delegation if {
	findings({"admin": role("admin", [admin])}, [enable_iam]) == {{
		"resource": "arn:aws:iam::111111111111:role/admin",
		"message": "Role admin in account 111111111111 can disable or schedule deletion of KMS key arn:aws:kms:us-east-1:111111111111:key/k1 (kms:DisableKey, kms:ScheduleKeyDeletion), granted by managed policy AdministratorAccess Statement[0]",
	}}
}

test_deny_key_policy_names_the_role if {
	st := {"Sid": "KeyAdmins", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/keys"}, "Action": ["kms:Create*", "kms:Disable*"], "Resource": "*"}
	findings({"keys": role("keys", [])}, [st]) == {{
		"resource": "arn:aws:iam::111111111111:role/keys",
		"message": "Role keys in account 111111111111 can disable or schedule deletion of KMS key arn:aws:kms:us-east-1:111111111111:key/k1 (kms:DisableKey), granted by key policy of arn:aws:kms:us-east-1:111111111111:key/k1 statement \"KeyAdmins\"",
	}}
}

test_allow_administrator_when_key_policy_does_not_delegate if {
	only_cloudtrail := {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*"}
	count(findings({"admin": role("admin", [admin])}, [only_cloudtrail])) == 0
}

test_allow_key_policy_deny_wins if {
	guard := {"Effect": "Deny", "Principal": "*", "Action": ["kms:DisableKey", "kms:ScheduleKeyDeletion"], "Resource": "*"}
	count(findings({"admin": role("admin", [admin])}, [enable_iam, guard])) == 0
}

test_allow_other_key_in_identity_policy if {
	r := object.union(role("ops", []), {"RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
		{"Effect": "Allow", "Action": "kms:*", "Resource": "arn:aws:kms:us-east-1:111111111111:key/other"},
	]}}]})
	count(findings({"ops": r}, [enable_iam])) == 0
}

test_allow_trusted_account if {
	st := {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "kms:*", "Resource": "*"}
	f := tg066.deny with input as snapshot({}, [st]) with data.trailguard.params as {"cloudtrail_admins": [], "trusted_accounts": ["222222222222"]}
	count(f) == 0
}

test_deny_conditional_on_unread_key_policy if {
	full := snapshot({"admin": role("admin", [admin])}, [])
	s := object.union(object.remove(full, ["kms_keys"]), {"kms_keys": {key_arn: {"Arn": key_arn}}})
	f := tg066.deny with input as s with data.trailguard.params as {"cloudtrail_admins": [], "trusted_accounts": []}
	f == {{
		"resource": "arn:aws:iam::111111111111:role/admin",
		"message": "Role admin in account 111111111111 can disable or schedule deletion of KMS key arn:aws:kms:us-east-1:111111111111:key/k1 (kms:DisableKey, kms:ScheduleKeyDeletion), granted by managed policy AdministratorAccess Statement[0] (conditional on the key policy of arn:aws:kms:us-east-1:111111111111:key/k1 (not collected), which trailguard does not evaluate)",
	}}
}

# The key policy grants another collected account kms:DisableKey: AWS refuses key management
# across accounts ("Cross-account use: No"), so neither the grant nor that account's
# administrator can disable the key; a grant of the same action to anyone still can (test_deny_
# key_policy_grants_everyone).
test_allow_key_management_granted_to_another_account if {
	other := "222222222222"
	st := {"Sid": "Workload", "Effect": "Allow", "Principal": {"AWS": sprintf("arn:aws:iam::%s:root", [other])}, "Action": ["kms:DisableKey", "kms:Decrypt"], "Resource": "*"}
	their_admin := {"RoleName": "admin", "Arn": sprintf("arn:aws:iam::%s:role/admin", [other]), "RolePolicyList": [{"PolicyName": "all", "PolicyDocument": admin.Document}]}
	account := {"AccountId": other, "Organization": null, "Iam": {"Users": {}, "Groups": {}, "Policies": {}, "Roles": {"admin": their_admin}}}
	s := object.union(snapshot({}, [st]), {"accounts": {other: account}})
	f := tg066.deny with input as s with data.trailguard.params as {"cloudtrail_admins": [], "trusted_accounts": []}
	count(f) == 0
}
