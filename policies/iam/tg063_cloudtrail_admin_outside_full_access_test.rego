package trailguard.rules.tg063_test

import data.trailguard.rules.tg063
import rego.v1

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

full_access := {
	"PolicyName": "AWSCloudTrail_FullAccess", "Arn": "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess",
	"Document": {"Statement": [{"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "*"}]},
}

admin := {
	"PolicyName": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess",
	"Document": {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}},
}

stopper := {
	"PolicyName": "TrailOps", "Arn": "arn:aws:iam::111111111111:policy/TrailOps",
	"Document": {"Statement": [
		{"Effect": "Allow", "Action": "cloudtrail:Describe*", "Resource": "*"},
		{"Sid": "Stop", "Effect": "Allow", "Action": "cloudtrail:Stop*", "Resource": "*"},
	]},
}

attach(p) := {"PolicyName": p.PolicyName, "PolicyArn": p.Arn}

role(name, policies) := {
	"RoleName": name, "Arn": sprintf("arn:aws:iam::111111111111:role/%s", [name]), "Path": "/",
	"AttachedManagedPolicies": [attach(p) | some p in policies], "RolePolicyList": [],
}

snapshot(iam) := {
	"accounts": {"111111111111": {"AccountId": "111111111111", "Organization": null, "Iam": object.union(
		{"Users": {}, "Groups": {}, "Roles": {}},
		object.union(iam, {"Policies": {p.Arn: p | some p in [full_access, admin, stopper]}}),
	)}},
	"trails": {trail_arn: {"Name": "main", "TrailARN": trail_arn, "AccountId": "111111111111"}},
}

params(admins) := {"cloudtrail_admins": admins, "trusted_accounts": []}

findings(iam) := f if {
	f := tg063.deny with input as snapshot(iam) with data.trailguard.params as params([])
}

test_deny_customer_managed_stop_wildcard if {
	findings({"Roles": {"ops": role("ops", [stopper])}}) == {{
		"resource": "arn:aws:iam::111111111111:role/ops",
		"message": "Role ops in account 111111111111 can stop, delete or reconfigure trail main (cloudtrail:StopLogging) without holding AWSCloudTrail_FullAccess, granted by managed policy TrailOps statement \"Stop\"",
	}}
}

test_deny_aws_managed_administrator_access if {
	findings({"Roles": {"admin": role("admin", [admin])}}) == {{
		"resource": "arn:aws:iam::111111111111:role/admin",
		"message": "Role admin in account 111111111111 can stop, delete or reconfigure trail main (cloudtrail:DeleteTrail, cloudtrail:PutEventSelectors, cloudtrail:StopLogging, cloudtrail:UpdateTrail) without holding AWSCloudTrail_FullAccess, granted by managed policy AdministratorAccess Statement[0]",
	}}
}

test_deny_through_group_inline_policy if {
	group := {"GroupPolicyList": [{"PolicyName": "trail", "PolicyDocument": {"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": trail_arn}]}}]}
	user := {"UserName": "bob", "Arn": "arn:aws:iam::111111111111:user/bob", "GroupList": ["ops"], "AttachedManagedPolicies": []}
	findings({"Users": {"bob": user}, "Groups": {"ops": group}}) == {{
		"resource": "arn:aws:iam::111111111111:user/bob",
		"message": "User bob in account 111111111111 can stop, delete or reconfigure trail main (cloudtrail:DeleteTrail, cloudtrail:PutEventSelectors, cloudtrail:StopLogging, cloudtrail:UpdateTrail) without holding AWSCloudTrail_FullAccess, granted by group ops inline policy trail Statement[0]",
	}}
}

test_deny_conditional_on_source_ip if {
	r := object.union(role("ops", []), {"RolePolicyList": [{"PolicyName": "stop", "PolicyDocument": {"Statement": [{
		"Effect": "Allow", "Action": "cloudtrail:StopLogging", "Resource": "*",
		"Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
	}]}}]})
	findings({"Roles": {"ops": r}}) == {{
		"resource": "arn:aws:iam::111111111111:role/ops",
		"message": "Role ops in account 111111111111 can stop, delete or reconfigure trail main (cloudtrail:StopLogging) without holding AWSCloudTrail_FullAccess, granted by role ops inline policy stop Statement[0] (conditional on IpAddress aws:SourceIp, which trailguard does not evaluate)",
	}}
}

test_allow_full_access_holder if {
	count(findings({"Roles": {"ct": role("ct", [full_access, admin])}})) == 0
}

test_allow_cloudtrail_admins_parameter if {
	iam := {"Roles": {"admin": role("admin", [admin])}}
	count(tg063.deny) == 0 with input as snapshot(iam) with data.trailguard.params as params(["arn:aws:iam::111111111111:role/adm*"])
}

test_allow_explicit_deny_wins if {
	r := object.union(role("admin", [admin]), {"RolePolicyList": [{"PolicyName": "guard", "PolicyDocument": {"Statement": [
		{"Effect": "Deny", "Action": ["cloudtrail:Stop*", "cloudtrail:Delete*", "cloudtrail:Update*", "cloudtrail:Put*"], "Resource": "*"},
	]}}]})
	count(findings({"Roles": {"admin": r}})) == 0
}

test_allow_permissions_boundary if {
	boundary := {"PolicyName": "S3Only", "Arn": "arn:aws:iam::111111111111:policy/S3Only", "Document": {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}
	r := object.union(role("dev", [admin]), {"PermissionsBoundary": {"PermissionsBoundaryArn": boundary.Arn, "PermissionsBoundaryType": "Policy"}})
	iam := {"Roles": {"dev": r}, "Policies": {boundary.Arn: boundary}}
	s := snapshot(iam)
	with_boundary := object.union(s, {"accounts": {"111111111111": {"Iam": {"Policies": {boundary.Arn: boundary}}}}})
	count(tg063.deny) == 0 with input as with_boundary with data.trailguard.params as params([])
}

test_allow_other_trail_only if {
	r := object.union(role("ops", []), {"RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
		{"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "arn:aws:cloudtrail:us-east-1:111111111111:trail/sandbox"},
	]}}]})
	count(findings({"Roles": {"ops": r}})) == 0
}

test_allow_read_only_actions if {
	r := object.union(role("audit", []), {"RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
		{"Effect": "Allow", "Action": ["cloudtrail:Get*", "cloudtrail:Describe*", "cloudtrail:List*"], "Resource": "*"},
	]}}]})
	count(findings({"Roles": {"audit": r}})) == 0
}

test_allow_service_linked_role if {
	r := object.union(role("AWSServiceRoleForX", [admin]), {"Path": "/aws-service-role/x.amazonaws.com/"})
	count(findings({"Roles": {"AWSServiceRoleForX": r}})) == 0
}

# An SCP on the member account's OU that denies stopping, deleting and reconfiguring trails:
# the AdministratorAccess role can no longer blind the trail, and TG063 says nothing.
protect_trail := {"Statement": [{
	"Sid": "ProtectCloudTrail", "Effect": "Deny", "Resource": "*",
	"Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"],
}]}

member(iam, scp_targets) := object.union(snapshot(iam), {
	"accounts": {"111111111111": {"Organization": {"Id": "o-1", "MasterAccountId": "999999999999"}}},
	"organizations": {"o-1": {
		"Id": "o-1",
		"Root": {"Id": "r-1", "PolicyTypes": ["SERVICE_CONTROL_POLICY"]},
		"Parents": {"ou-security": "r-1", "111111111111": "ou-security"},
		"ServiceControlPolicies": {
			"p-FullAWSAccess": {"Id": "p-FullAWSAccess", "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess", "Name": "FullAWSAccess", "AwsManaged": true, "Content": admin.Document, "Targets": ["111111111111", "ou-security", "r-1"]},
			"p-protect": {"Id": "p-protect", "Arn": "arn:aws:organizations::999999999999:policy/o-1/service_control_policy/p-protect", "Name": "protect-cloudtrail", "AwsManaged": false, "Content": protect_trail, "Targets": scp_targets},
		},
	}},
})

test_allow_member_account_protected_by_an_scp if {
	iam := {"Roles": {"admin": role("admin", [admin])}}
	count(tg063.deny) == 0 with input as member(iam, ["ou-security"]) with data.trailguard.params as params([])
}

test_deny_member_account_whose_scp_protects_another_ou if {
	iam := {"Roles": {"admin": role("admin", [admin])}}
	count(tg063.deny) == 1 with input as member(iam, ["ou-sandbox"]) with data.trailguard.params as params([])
}

test_deny_unread_organisation_says_unless_an_scp_denies_it if {
	iam := {"Roles": {"admin": role("admin", [admin])}}
	unread := json.remove(snapshot(iam), ["accounts/111111111111/Organization"])
	f := tg063.deny with input as unread with data.trailguard.params as params([])
	f == {{
		"resource": "arn:aws:iam::111111111111:role/admin",
		"message": "Role admin in account 111111111111 can stop, delete or reconfigure trail main (cloudtrail:DeleteTrail, cloudtrail:PutEventSelectors, cloudtrail:StopLogging, cloudtrail:UpdateTrail) without holding AWSCloudTrail_FullAccess, granted by managed policy AdministratorAccess Statement[0], unless a service control policy denies it",
	}}
}

# A user holding AWSCloudTrail_FullAccess, through a group or attached to itself, is its admin.
test_allow_full_access_holder_through_group_or_directly if {
	attached := [{"PolicyName": p.PolicyName, "PolicyArn": p.Arn} | some p in [full_access, admin]]
	group := {"GroupPolicyList": [], "AttachedManagedPolicies": attached}
	through := {"UserName": "bob", "Arn": "arn:aws:iam::111111111111:user/bob", "GroupList": ["ct"], "AttachedManagedPolicies": []}
	directly := {"UserName": "eve", "Arn": "arn:aws:iam::111111111111:user/eve", "GroupList": [], "AttachedManagedPolicies": attached}
	count(findings({"Users": {"bob": through, "eve": directly}, "Groups": {"ct": group}})) == 0
	# Without the policy the same group's admin rights are a finding: the test can fail.
	plain := {"GroupPolicyList": [], "AttachedManagedPolicies": [{"PolicyName": admin.PolicyName, "PolicyArn": admin.Arn}]}
	count(findings({"Users": {"bob": through}, "Groups": {"ct": plain}})) == 1
}

# A snapshot written by hand may key a user by something other than its name: the holder is
# still found, by its ARN.
test_allow_full_access_holder_keyed_other_than_by_name if {
	attached := [{"PolicyName": p.PolicyName, "PolicyArn": p.Arn} | some p in [full_access, admin]]
	bob := {"UserName": "bob", "Arn": "arn:aws:iam::111111111111:user/bob", "GroupList": [], "AttachedManagedPolicies": attached}
	count(findings({"Users": {"u1": bob}})) == 0
	count(findings({"Roles": {"r1": role("ct", [full_access, admin])}})) == 0
}
