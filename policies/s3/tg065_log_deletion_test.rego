package trailguard.rules.tg065_test

import data.trailguard.rules.tg065
import rego.v1

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

inline(name, statements) := [{"PolicyName": name, "PolicyDocument": {"Statement": statements}}]

user(name, statements) := {
	"UserName": name, "Arn": sprintf("arn:aws:iam::111111111111:user/%s", [name]), "GroupList": [],
	"AttachedManagedPolicies": [], "UserPolicyList": inline("logs", statements),
}

delete_logs := {"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::logs/*"}

snapshot(users, bucket_policy) := {
	"accounts": {"111111111111": {"AccountId": "111111111111", "Organization": null, "Iam": {"Users": users, "Groups": {}, "Roles": {}, "Policies": {}}}},
	"trails": {trail_arn: {"Name": "main", "TrailARN": trail_arn, "AccountId": "111111111111", "HomeRegion": "us-east-1", "S3BucketName": "logs", "S3KeyPrefix": "ct"}},
	"buckets": {"logs": {"Name": "logs", "OwnerAccount": "111111111111", "Policy": bucket_policy}},
}

findings(users, bucket_policy) := f if {
	f := tg065.deny with input as snapshot(users, bucket_policy) with data.trailguard.params as {"cloudtrail_admins": [], "trusted_accounts": []}
}

test_deny_inline_delete_object if {
	findings({"ops": user("ops", [delete_logs])}, null) == {{
		"resource": "arn:aws:iam::111111111111:user/ops",
		"message": "User ops in account 111111111111 can delete the CloudTrail logs in bucket logs (s3:DeleteObject), granted by user ops inline policy logs Statement[0]",
	}}
}

test_deny_bucket_policy_names_the_role if {
	role := {"RoleName": "janitor", "Arn": "arn:aws:iam::111111111111:role/janitor", "AttachedManagedPolicies": [], "RolePolicyList": []}
	policy := {"Statement": [{"Sid": "Janitor", "Effect": "Allow", "Principal": {"AWS": role.Arn}, "Action": "s3:DeleteBucketPolicy", "Resource": "arn:aws:s3:::logs"}]}
	f := tg065.deny with input as object.union(snapshot({}, policy), {"accounts": {"111111111111": {"Iam": {"Roles": {"janitor": role}}}}}) with data.trailguard.params as {"cloudtrail_admins": [], "trusted_accounts": []}
	f == {{
		"resource": "arn:aws:iam::111111111111:role/janitor",
		"message": "Role janitor in account 111111111111 can delete the CloudTrail logs in bucket logs (s3:DeleteBucketPolicy), granted by bucket policy of logs statement \"Janitor\"",
	}}
}

test_deny_bucket_policy_grants_everyone if {
	policy := {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:DeleteObject*"], "Resource": "arn:aws:s3:::logs/*"}]}
	findings({}, policy) == {{
		"resource": "logs",
		"message": "The policy of log bucket logs (Statement[0]) lets anyone s3:DeleteObject, s3:DeleteObjectVersion, which can delete the CloudTrail logs",
	}}
}

test_deny_conditional_on_mfa_deny if {
	guard := {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
	findings({"ops": user("ops", [delete_logs, guard])}, null) == {{
		"resource": "arn:aws:iam::111111111111:user/ops",
		"message": "User ops in account 111111111111 can delete the CloudTrail logs in bucket logs (s3:DeleteObject), granted by user ops inline policy logs Statement[0] (conditional on BoolIfExists aws:MultiFactorAuthPresent, which trailguard does not evaluate)",
	}}
}

test_allow_bucket_policy_denies_all_but_break_glass if {
	policy := {"Statement": [{
		"Effect": "Deny", "Principal": "*", "Action": ["s3:Delete*", "s3:PutBucketPolicy"],
		"Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
		"Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/break-glass"}},
	}]}
	count(findings({"ops": user("ops", [delete_logs])}, policy)) == 0
}

test_allow_other_bucket if {
	other := {"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::app-data", "arn:aws:s3:::app-data/*"]}
	count(findings({"dev": user("dev", [other])}, null)) == 0
}

test_allow_other_prefix if {
	other := {"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::logs/tmp/*"}
	count(findings({"dev": user("dev", [other])}, null)) == 0
}

# Regression: the log file asked about was under AWSLogs/ACCOUNT/ only, but an organisation
# trail also writes under AWSLogs/ORG_ID/ACCOUNT/, so a grant on that path alone was missed.
test_deny_delete_under_the_organisation_path if {
	org_path := {"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::logs/ct/AWSLogs/o-abc/*"}
	org := {
		"accounts": {"111111111111": {"Organization": {"Id": "o-abc", "MasterAccountId": "111111111111"}}},
		"trails": {trail_arn: {"IsOrganizationTrail": true}},
	}
	f := tg065.deny with input as object.union(snapshot({"ops": user("ops", [org_path])}, null), org) with data.trailguard.params as {"cloudtrail_admins": [], "trusted_accounts": []}
	f == {{
		"resource": "arn:aws:iam::111111111111:user/ops",
		"message": "User ops in account 111111111111 can delete the CloudTrail logs in bucket logs (s3:DeleteObject), granted by user ops inline policy logs Statement[0]",
	}}
	count(findings({"ops": user("ops", [org_path])}, null)) == 0
}

test_allow_cloudtrail_admins_parameter if {
	f := tg065.deny with input as snapshot({"ops": user("ops", [delete_logs])}, null) with data.trailguard.params as {"cloudtrail_admins": ["arn:aws:iam::111111111111:user/ops"], "trusted_accounts": []}
	count(f) == 0
}

test_deny_conditional_on_unread_bucket_policy if {
	s := snapshot({"ops": user("ops", [delete_logs])}, null)
	unread := object.union(s, {"buckets": {"logs": {"Name": "logs", "OwnerAccount": "111111111111"}}})
	f := tg065.deny with input as json.remove(unread, ["buckets/logs/Policy"]) with data.trailguard.params as {"cloudtrail_admins": [], "trusted_accounts": []}
	f == {{
		"resource": "arn:aws:iam::111111111111:user/ops",
		"message": "User ops in account 111111111111 can delete the CloudTrail logs in bucket logs (s3:DeleteObject), granted by user ops inline policy logs Statement[0] (conditional on the bucket policy of logs (not collected), which trailguard does not evaluate)",
	}}
}

# A central log bucket whose policy lets a workload account delete objects: that account's role
# whose own policy allows it is a holder, named with both grants; the account's role whose
# policy does not allow it is not (across accounts both sides must allow).
test_deny_role_of_another_account_the_bucket_policy_grants_to if {
	workload := "222222222222"
	policy := {"Statement": [{"Sid": "Workload", "Effect": "Allow", "Principal": {"AWS": sprintf("arn:aws:iam::%s:root", [workload])}, "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::logs/*"}]}
	other := {"AccountId": workload, "Organization": null, "Iam": {"Users": {}, "Groups": {}, "Policies": {}, "Roles": {
		"cleaner": workload_role("cleaner", [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]),
		"reader": workload_role("reader", [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]),
	}}}
	s := object.union(snapshot({}, policy), {"accounts": {workload: other}})
	f := tg065.deny with input as s with data.trailguard.params as {"cloudtrail_admins": [], "trusted_accounts": [workload]}
	f == {{
		"resource": "arn:aws:iam::222222222222:role/cleaner",
		"message": "Role cleaner in account 222222222222 can delete the CloudTrail logs in bucket logs (s3:DeleteObject), granted by bucket policy of logs statement \"Workload\"; role cleaner inline policy own Statement[0]",
	}}
}

workload_role(name, statements) := {"RoleName": name, "Arn": sprintf("arn:aws:iam::222222222222:role/%s", [name]), "RolePolicyList": inline("own", statements)}
