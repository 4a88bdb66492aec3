package trailguard.rules.tg024_test

import data.trailguard.rules.tg024
import rego.v1

key := "arn:aws:kms:us-east-1:111111111111:key/k1"

trail := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

snapshot(statements) := {
	"trails": {trail: {"Name": "main", "KmsKeyId": key}},
	"kms_keys": {key: {"Arn": key, "Policy": {"Version": "2012-10-17", "Statement": statements}}},
}

root := {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"}

decrypt(condition) := object.union(
	{"Sid": "Decrypt", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt", "kms:ReEncryptFrom"], "Resource": "*"},
	condition,
)

test_allow_the_cloudtrail_console_policy if {
	# The decrypt statement the CloudTrail console writes limits callers to the account.
	st := decrypt({"Condition": {
		"StringEquals": {"kms:CallerAccount": "111111111111"},
		"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*"},
	}})
	count(tg024.deny) == 0 with input as snapshot([root, st])
}

test_allow_named_principals if {
	count(tg024.deny) == 0 with input as snapshot([root])
}

test_deny_wildcard_without_condition if {
	findings := tg024.deny with input as snapshot([root, decrypt({})])
	findings == {{
		"resource": key,
		"message": "KMS key arn:aws:kms:us-east-1:111111111111:key/k1, used by trail(s) main, lets any AWS principal kms:Decrypt, kms:ReEncryptFrom (statement \"Decrypt\") with no condition",
	}}
}

test_deny_conditions_that_do_not_limit_the_caller if {
	st := decrypt({"Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*"}}})
	findings := tg024.deny with input as snapshot([root, st])
	findings == {{
		"resource": key,
		"message": "KMS key arn:aws:kms:us-east-1:111111111111:key/k1, used by trail(s) main, lets any AWS principal kms:Decrypt, kms:ReEncryptFrom (statement \"Decrypt\"); its conditions (kms:encryptioncontext:aws:cloudtrail:arn) do not limit who the caller is",
	}}
}

test_allow_unknown_policy_is_left_to_tg090 if {
	count(tg024.deny) == 0 with input as {"trails": {trail: {"Name": "main", "KmsKeyId": key}}, "kms_keys": {key: {"Arn": key}}}
}
