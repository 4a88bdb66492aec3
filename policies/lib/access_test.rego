package trailguard.lib_access_test

import data.trailguard.lib.access
import rego.v1

trail := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

allow(action) := {"Effect": "Allow", "Action": action, "Resource": "*"}

deny(action) := {"Effect": "Deny", "Action": action, "Resource": "*"}

doc(statements) := {"Version": "2012-10-17", "Statement": statements}

entries(statements) := access.policy_entries("test", doc(statements))

verdict(statements, action, context) := access.decision(entries(statements), action, trail, context).verdict

# Cases from the AWS IAM policy evaluation logic documentation: (statements, action, context,
# expected verdict).
cases := [
	{"name": "allow by exact action", "st": [allow("cloudtrail:StopLogging")], "action": "cloudtrail:StopLogging", "want": "allowed"},
	{"name": "no statement is an implicit deny", "st": [allow("s3:GetObject")], "action": "cloudtrail:StopLogging", "want": "implicit_deny"},
	{"name": "explicit deny beats allow", "st": [allow("*"), deny("cloudtrail:StopLogging")], "action": "cloudtrail:StopLogging", "want": "denied"},
	{"name": "deny of another action leaves the allow", "st": [allow("*"), deny("cloudtrail:DeleteTrail")], "action": "cloudtrail:StopLogging", "want": "allowed"},
	{"name": "service wildcard", "st": [allow("cloudtrail:*")], "action": "cloudtrail:StopLogging", "want": "allowed"},
	{"name": "prefix wildcard", "st": [allow("cloudtrail:Stop*")], "action": "cloudtrail:StopLogging", "want": "allowed"},
	{"name": "wildcard in the middle", "st": [allow("cloudtrail:*Logging")], "action": "cloudtrail:StopLogging", "want": "allowed"},
	{"name": "wildcard in the middle, no match", "st": [allow("cloudtrail:*Logging")], "action": "cloudtrail:DeleteTrail", "want": "implicit_deny"},
	{"name": "single-character wildcard", "st": [allow("cloudtrail:St?pLogging")], "action": "cloudtrail:StopLogging", "want": "allowed"},
	{"name": "action names ignore case", "st": [allow("CloudTrail:stoplogging")], "action": "cloudtrail:StopLogging", "want": "allowed"},
	{"name": "everything", "st": [allow("*")], "action": "cloudtrail:UpdateTrail", "want": "allowed"},
	{"name": "NotAction with Allow allows the rest", "st": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}], "action": "cloudtrail:StopLogging", "want": "allowed"},
	{"name": "NotAction with Allow excludes its actions", "st": [{"Effect": "Allow", "NotAction": ["iam:*", "cloudtrail:Stop*"], "Resource": "*"}], "action": "cloudtrail:StopLogging", "want": "implicit_deny"},
	{"name": "NotAction with Deny denies the rest", "st": [allow("*"), {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}], "action": "cloudtrail:StopLogging", "want": "denied"},
	{"name": "resource pattern matches", "st": [{"Effect": "Allow", "Action": "cloudtrail:StopLogging", "Resource": "arn:aws:cloudtrail:*:111111111111:trail/*"}], "action": "cloudtrail:StopLogging", "want": "allowed"},
	{"name": "resource is case-sensitive", "st": [{"Effect": "Allow", "Action": "cloudtrail:StopLogging", "Resource": "arn:aws:cloudtrail:us-east-1:111111111111:trail/Main"}], "action": "cloudtrail:StopLogging", "want": "implicit_deny"},
	{"name": "other account's resource", "st": [{"Effect": "Allow", "Action": "cloudtrail:StopLogging", "Resource": "arn:aws:cloudtrail:*:999999999999:trail/*"}], "action": "cloudtrail:StopLogging", "want": "implicit_deny"},
	{"name": "NotResource excludes", "st": [{"Effect": "Allow", "Action": "cloudtrail:*", "NotResource": trail}], "action": "cloudtrail:StopLogging", "want": "implicit_deny"},
	{"name": "NotResource allows the rest", "st": [{"Effect": "Allow", "Action": "cloudtrail:*", "NotResource": "arn:aws:cloudtrail:*:*:trail/other"}], "action": "cloudtrail:StopLogging", "want": "allowed"},
	{"name": "MFA condition met", "st": [object.union(allow("cloudtrail:*"), {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})], "action": "cloudtrail:StopLogging", "context": {"aws:multifactorauthpresent": true}, "want": "allowed"},
	{"name": "MFA condition not met", "st": [object.union(allow("cloudtrail:*"), {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})], "action": "cloudtrail:StopLogging", "context": {"aws:multifactorauthpresent": false}, "want": "implicit_deny"},
	{"name": "MFA condition unknown is conditional", "st": [object.union(allow("cloudtrail:*"), {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})], "action": "cloudtrail:StopLogging", "want": "conditional"},
	{"name": "an unevaluated key is conditional", "st": [object.union(allow("cloudtrail:*"), {"Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}})], "action": "cloudtrail:StopLogging", "context": {"aws:multifactorauthpresent": true}, "want": "conditional"},
	{"name": "a deny with an unknown condition leaves the allow conditional", "st": [allow("*"), object.union(deny("cloudtrail:*"), {"Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "security"}}})], "action": "cloudtrail:StopLogging", "want": "conditional"},
	{"name": "a deny whose condition fails does not deny", "st": [allow("*"), object.union(deny("cloudtrail:*"), {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}})], "action": "cloudtrail:StopLogging", "context": {"aws:multifactorauthpresent": true}, "want": "allowed"},
	{"name": "IfExists operators", "st": [object.union(allow("cloudtrail:*"), {"Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}})], "action": "cloudtrail:StopLogging", "context": {"aws:multifactorauthpresent": true}, "want": "allowed"},
]

test_decisions_follow_aws_evaluation_logic if {
	failures := {sprintf("%s: got %s, want %s", [c.name, got, c.want]) |
		some c in cases
		got := verdict(c.st, c.action, object.get(c, "context", {}))
		got != c.want
	}
	failures == set()
}

test_grants_name_the_policy_and_statement if {
	result := access.decision(
		access.policy_entries("ops", doc([allow("s3:*"), allow("cloudtrail:Stop*")])),
		"cloudtrail:StopLogging", trail, {},
	)
	result.verdict == "allowed"
	[{"policy": g.policy, "index": g.index} | some g in result.grants] == [{"policy": "ops", "index": 1}]
}

test_conditional_names_the_open_keys if {
	st := object.union(allow("cloudtrail:*"), {"Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}})
	access.decision(entries([st]), "cloudtrail:StopLogging", trail, {}).conditions == ["aws:sourceip"]
}

test_arn_matching if {
	access.arn_matches("*", trail)
	access.arn_matches("arn:aws:cloudtrail:*:111111111111:trail/*", trail)
	access.arn_matches("arn:aws:s3:::logs/*", "arn:aws:s3:::logs/AWSLogs/1/x.json.gz")
	not access.arn_matches("arn:aws:s3:::logs", "arn:aws:s3:::logs/AWSLogs/1/x.json.gz")
	not access.arn_matches("arn:aws:cloudtrail:*:111111111111:trail/MAIN", trail)
}

test_principals if {
	cross := {"Principal": {"AWS": "arn:aws:iam::999999999999:root"}}
	access.trusts_account(cross, "999999999999")
	not access.trusts_account(cross, "111111111111")
	access.trusts_account({"Principal": "*"}, "111111111111")
	access.trusts_account({"Principal": {"AWS": ["111111111111"]}}, "111111111111")
	access.trusts_account({"Principal": {"AWS": "arn:aws:iam::111111111111:role/x"}}, "111111111111")
	not access.trusts_account({"Principal": {"Service": "cloudtrail.amazonaws.com"}}, "111111111111")
	access.covers_principal(cross, "arn:aws:iam::999999999999:user/bob", "999999999999")
	not access.covers_principal(cross, "arn:aws:iam::111111111111:user/bob", "111111111111")
	access.covers_principal(
		{"Principal": {"AWS": "arn:aws:iam::111111111111:user/bob"}},
		"arn:aws:iam::111111111111:user/bob", "111111111111",
	)
}

iam := {
	"Users": {"alice": {
		"UserName": "alice", "Arn": "arn:aws:iam::111111111111:user/alice",
		"GroupList": ["admins"],
		"UserPolicyList": [{"PolicyName": "own", "PolicyDocument": doc([allow("s3:GetObject")])}],
	}},
	"Groups": {"admins": {
		"GroupName": "admins",
		"AttachedManagedPolicies": [{"PolicyName": "AWSCloudTrail_FullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"}],
	}},
	"Roles": {"ops": {
		"RoleName": "ops",
		"RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": doc([allow("cloudtrail:DeleteTrail")])}],
		"AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}],
	}},
	"Policies": {
		"arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess": {"Document": doc([allow("cloudtrail:*")])},
		"arn:aws:iam::aws:policy/AdministratorAccess": {"Document": doc([allow("*")])},
	},
}

test_users_inherit_their_groups_policies if {
	result := access.decision(access.user_entries(iam, iam.Users.alice), "cloudtrail:StopLogging", trail, {})
	result.verdict == "allowed"
	[g.policy | some g in result.grants] == ["AWSCloudTrail_FullAccess"]
}

test_aws_managed_policies_count if {
	result := access.decision(access.role_entries(iam, iam.Roles.ops), "cloudtrail:StopLogging", trail, {})
	result.verdict == "allowed"
	[g.policy | some g in result.grants] == ["AdministratorAccess"]
}

test_permissions_boundary_limits if {
	entries := access.role_entries(iam, iam.Roles.ops)
	s3_only := doc([allow("s3:*")])
	access.permission(entries, s3_only, "cloudtrail:StopLogging", trail, {}).verdict == "implicit_deny"
	access.permission(entries, doc([allow("cloudtrail:*")]), "cloudtrail:StopLogging", trail, {}).verdict == "allowed"
	access.permission(entries, "unknown", "cloudtrail:StopLogging", trail, {}).verdict == "conditional"
	access.permission(entries, null, "cloudtrail:StopLogging", trail, {}).verdict == "allowed"
}
