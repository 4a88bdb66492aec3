package trailguard.rules.tg026_test

import data.trailguard.rules.tg026
import rego.v1

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

key_arn := "arn:aws:kms:us-east-1:111111111111:key/2b8e6d14-93a7-4f0c-b5d1-6c4e9a7f2308"

trail := {"Name": "main", "AccountId": "111111111111", "HomeRegion": "us-east-1", "S3BucketName": "logs", "KmsKeyId": key_arn}

# The key policy CloudTrail's console writes.
console_policy := {"Statement": [
	{
		"Sid": "Enable IAM User Permissions", "Effect": "Allow",
		"Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*",
	},
	{
		"Sid": "Allow CloudTrail to encrypt logs", "Effect": "Allow",
		"Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*",
		"Condition": {
			"StringEquals": {"aws:SourceArn": trail_arn},
			"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*"},
		},
	},
	{
		"Sid": "Allow CloudTrail to describe key", "Effect": "Allow",
		"Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:DescribeKey", "Resource": "*",
	},
]}

snapshot(policy, bucket_region) := {
	"trails": {trail_arn: trail},
	"buckets": {"logs": {"Name": "logs", "Region": bucket_region}},
	"kms_keys": {key_arn: {"Arn": key_arn, "Policy": policy}},
}

test_allow_console_policy if {
	count(tg026.deny) == 0 with input as snapshot(console_policy, "us-east-1")
}

test_allow_unread_key_policy if {
	count(tg026.deny) == 0 with input as {
		"trails": {trail_arn: trail},
		"buckets": {"logs": {"Name": "logs", "Region": "us-east-1"}},
		"kms_keys": {key_arn: {"Arn": key_arn}},
	}
}

test_deny_key_policy_without_cloudtrail if {
	findings := tg026.deny with input as snapshot({"Statement": [console_policy.Statement[0]]}, "us-east-1")
	findings == {{
		"resource": key_arn,
		"message": concat("", [
			"KMS key ", key_arn, " would refuse trail main (", trail_arn, "): ",
			"kms:GenerateDataKey: no statement of the key policy lets cloudtrail.amazonaws.com call it; ",
			"kms:DescribeKey: no statement of the key policy lets cloudtrail.amazonaws.com call it",
		]),
	}}
}

test_deny_condition_for_another_account if {
	other_account := object.union(console_policy.Statement[1], {"Condition": {"StringLike": {
		"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:222222222222:trail/*",
	}}})
	other := {"Statement": [console_policy.Statement[0], other_account, console_policy.Statement[2]]}
	findings := tg026.deny with input as snapshot(other, "us-east-1")
	some f in findings
	contains(f.message, "kms:GenerateDataKey: no statement of the key policy")
	not contains(f.message, "kms:DescribeKey")
}

test_deny_explicit_deny_is_named if {
	denying := {"Statement": array.concat(console_policy.Statement, [{
		"Sid": "NoServices", "Effect": "Deny", "Principal": "*", "Action": "kms:GenerateDataKey*", "Resource": "*",
		"Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}},
	}])}
	findings := tg026.deny with input as snapshot(denying, "us-east-1")
	some f in findings
	contains(f.message, "kms:GenerateDataKey: the key policy statement \"NoServices\" denies it")
}

test_deny_key_in_another_region_than_the_bucket if {
	findings := tg026.deny with input as snapshot(console_policy, "eu-west-1")
	some f in findings
	contains(f.message, "the key is in us-east-1, the log bucket logs in eu-west-1")
}

test_deny_one_finding_per_key_naming_each_trail if {
	other_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/other"
	base := snapshot({"Statement": [console_policy.Statement[0]]}, "us-east-1")
	findings := tg026.deny with input as object.union(base, {"trails": {other_arn: object.union(trail, {"Name": "other"})}})
	count(findings) == 1
	some f in findings
	contains(f.message, concat("", ["call it, and trail other (", other_arn, "): kms:GenerateDataKey"]))
}

# The key's account a member of an organisation with AWS's default RCPFullAWSAccess at every
# level and, at the root, an RCP that keeps KMS to the organisation's principals: its Deny has
# `condition`.
rcp_snapshot(condition) := object.union(snapshot(console_policy, "us-east-1"), {
	"accounts": {"111111111111": {"Organization": {"Id": "o-a1b2c3d4e5", "MasterAccountId": "999999999999"}}},
	"organizations": {"o-a1b2c3d4e5": {
		"Root": {"Id": "r-a1b2", "PolicyTypes": ["RESOURCE_CONTROL_POLICY"]},
		"Parents": {"111111111111": "r-a1b2"},
		"ResourceControlPolicies": {
			"p-full": {
				"Name": "RCPFullAWSAccess", "Targets": ["r-a1b2", "111111111111"],
				"Content": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
			},
			"p-kms": {
				"Name": "kms-perimeter", "Targets": ["r-a1b2"],
				"Content": {"Statement": [{
					"Sid": "KeysStayInTheOrganisation", "Effect": "Deny", "Principal": "*",
					"Action": "kms:*", "Resource": "*", "Condition": condition,
				}]},
			},
		},
	}},
})

org_identities := {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}

test_allow_rcp_exempting_aws_services if {
	exempt := object.union(org_identities, {"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}})
	count(tg026.deny) == 0 with input as rcp_snapshot(exempt)
}

test_deny_rcp_without_the_service_exemption if {
	findings := tg026.deny with input as rcp_snapshot(org_identities)
	findings == {{
		"resource": key_arn,
		"message": concat("", [
			"KMS key ", key_arn, " would refuse trail main (", trail_arn, "): ",
			"kms:GenerateDataKey: RCP kms-perimeter statement \"KeysStayInTheOrganisation\" denies it; ",
			"kms:DescribeKey: RCP kms-perimeter statement \"KeysStayInTheOrganisation\" denies it",
		]),
	}}
}
