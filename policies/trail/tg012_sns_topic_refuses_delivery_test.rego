package trailguard.rules.tg012_test

import data.trailguard.rules.tg012
import rego.v1

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

topic_arn := "arn:aws:sns:us-east-1:111111111111:trail-deliveries"

trail := {"Name": "main", "AccountId": "111111111111", "HomeRegion": "us-east-1", "SnsTopicARN": topic_arn}

publish(condition) := object.union(
	{
		"Sid": "AWSCloudTrailSNSPolicy", "Effect": "Allow",
		"Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "SNS:Publish", "Resource": topic_arn,
	},
	condition,
)

scoped := publish({"Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}})

snapshot(attributes) := {
	"trails": {trail_arn: trail},
	"topics": {topic_arn: {"TopicArn": topic_arn, "Attributes": attributes, "Subscriptions": []}},
}

test_allow_scoped_policy if {
	count(tg012.deny) == 0 with input as snapshot({"Policy": {"Statement": [scoped]}})
}

test_allow_unread_topic if {
	count(tg012.deny) == 0 with input as {"trails": {trail_arn: trail}, "topics": {}}
}

test_allow_customer_key_that_lets_cloudtrail_in if {
	key := "arn:aws:kms:us-east-1:111111111111:key/k1"
	count(tg012.deny) == 0 with input as object.union(snapshot({"Policy": {"Statement": [scoped]}, "KmsMasterKeyId": key}), {"kms_keys": {key: {"Arn": key, "Policy": {"Statement": [{
		"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
		"Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
	}]}}}})
}

test_deny_missing_topic if {
	findings := tg012.deny with input as snapshot(null)
	findings == {{
		"resource": topic_arn,
		"message": concat("", ["SNS topic ", topic_arn, " fails trail main (", trail_arn, "): the topic does not exist"]),
	}}
}

test_deny_policy_without_cloudtrail if {
	findings := tg012.deny with input as snapshot({"Policy": {"Statement": [{
		"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "SNS:*", "Resource": topic_arn,
	}]}})
	some f in findings
	endswith(f.message, "SNS:Publish: no statement of the topic policy lets cloudtrail.amazonaws.com publish for this trail")
}

test_deny_unscoped_publish if {
	findings := tg012.deny with input as snapshot({"Policy": {"Statement": [publish({})]}})
	some f in findings
	endswith(f.message, "the topic policy lets cloudtrail.amazonaws.com publish for any account's trail (the topic policy statement \"AWSCloudTrailSNSPolicy\"): it names no aws:SourceArn or aws:SourceAccount")
}

test_deny_aws_managed_key if {
	findings := tg012.deny with input as snapshot({"Policy": {"Statement": [scoped]}, "KmsMasterKeyId": "alias/aws/sns"})
	some f in findings
	endswith(f.message, "it is encrypted with the AWS managed key alias/aws/sns, whose policy cannot let cloudtrail.amazonaws.com use it")
}

test_deny_customer_key_without_cloudtrail if {
	key := "arn:aws:kms:us-east-1:111111111111:key/k1"
	findings := tg012.deny with input as object.union(snapshot({"Policy": {"Statement": [scoped]}, "KmsMasterKeyId": key}), {"kms_keys": {key: {"Arn": key, "Policy": {"Statement": [{
		"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*",
	}]}}}})
	some f in findings
	contains(f.message, "kms:GenerateDataKey on the topic's key: no statement of the topic key's policy lets cloudtrail.amazonaws.com call it")
	contains(f.message, "kms:Decrypt on the topic's key")
}

test_deny_one_finding_per_topic_naming_each_trail if {
	other_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/other"
	other := object.union(trail, {"Name": "other"})
	findings := tg012.deny with input as object.union(snapshot(null), {"trails": {trail_arn: trail, other_arn: other}})
	count(findings) == 1
	some f in findings
	contains(f.message, concat("", ["fails trail main (", trail_arn, "): the topic does not exist, and trail other (", other_arn, "): the topic does not exist"]))
}

test_deny_topic_key_refused_by_an_rcp if {
	# The key's account in an organisation whose RCP keeps KMS to its own principals and
	# forgets AWS services (AWS applies RCPs to service principals): CloudTrail cannot encrypt.
	key := "arn:aws:kms:us-east-1:111111111111:key/k1"
	opens := {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"}
	rcps := {
		"p-full": {
			"Name": "RCPFullAWSAccess", "Targets": ["r-a1b2", "111111111111"],
			"Content": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
		},
		"p-kms": {"Name": "kms-perimeter", "Targets": ["r-a1b2"], "Content": {"Statement": [{
			"Sid": "OrgOnly", "Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
			"Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
		}]}},
	}
	snap := object.union(snapshot({"Policy": {"Statement": [scoped]}, "KmsMasterKeyId": key}), {
		"kms_keys": {key: {"Arn": key, "Policy": {"Statement": [opens]}}},
		"accounts": {"111111111111": {"Organization": {"Id": "o-a1b2c3d4e5", "MasterAccountId": "999999999999"}}},
		"organizations": {"o-a1b2c3d4e5": {
			"Root": {"Id": "r-a1b2", "PolicyTypes": ["RESOURCE_CONTROL_POLICY"]},
			"Parents": {"111111111111": "r-a1b2"},
			"ResourceControlPolicies": rcps,
		}},
	})
	some f in tg012.deny with input as snap
	contains(f.message, "kms:GenerateDataKey on the topic's key: RCP kms-perimeter statement \"OrgOnly\" denies it")
}

org_scoped := publish({"Condition": {"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}}})

test_allow_policy_scoped_to_the_trails_organisation if {
	# CloudTrail's requests carry the trail account's organisation (aws:SourceOrgID).
	member := {"accounts": {"111111111111": {"Organization": {"Id": "o-a1b2c3d4e5", "MasterAccountId": "111111111111"}}}}
	count(tg012.deny) == 0 with input as object.union(snapshot({"Policy": {"Statement": [org_scoped]}}), member)
}

test_deny_organisation_scope_with_the_organisation_unread_is_only_maybe if {
	findings := tg012.deny with input as snapshot({"Policy": {"Statement": [org_scoped]}})
	some f in findings
	contains(f.message, "depending on StringEquals aws:SourceOrgID")
}
