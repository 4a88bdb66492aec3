package trailguard.rules.tg053_test

import data.trailguard.rules.tg053
import rego.v1

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

role_arn := "arn:aws:iam::111111111111:role/service-role/CloudTrailToLogs"

# The account is in no organisation: no control policy applies.
snapshot(statement) := {
	"accounts": {"111111111111": {"Organization": null, "Iam": {"Roles": {"CloudTrailToLogs": {
		"RoleName": "CloudTrailToLogs", "Arn": role_arn,
		"AssumeRolePolicyDocument": {"Statement": [statement]},
	}}}}},
	"trails": {trail_arn: {
		"Name": "main", "AccountId": "111111111111", "HomeRegion": "us-east-1",
		"CloudWatchLogsRoleArn": role_arn,
	}},
}

trust(condition) := object.union(
	{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"},
	condition,
)

test_allow_source_account if {
	count(tg053.deny) == 0 with input as snapshot(trust({"Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}}}))
}

test_allow_source_arn if {
	count(tg053.deny) == 0 with input as snapshot(trust({"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/*"}}}))
}

test_allow_organisation if {
	count(tg053.deny) == 0 with input as snapshot(trust({"Condition": {"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}}}))
}

test_allow_role_not_collected if {
	count(tg053.deny) == 0 with input as {"accounts": {}, "trails": {trail_arn: {"Name": "main", "AccountId": "111111111111", "HomeRegion": "us-east-1", "CloudWatchLogsRoleArn": role_arn}}}
}

test_deny_no_condition if {
	findings := tg053.deny with input as snapshot(trust({}))
	findings == {{
		"resource": role_arn,
		"message": concat("", [
			"Role ", role_arn, ", which trail main (", trail_arn, ") assumes to write to CloudWatch Logs, ",
			"lets cloudtrail.amazonaws.com assume it for another account's trail (granted by the trust policy Statement[0])",
		]),
	}}
}

test_deny_wildcard_source_account if {
	count(tg053.deny) == 1 with input as snapshot(trust({"Condition": {"StringLike": {"aws:SourceAccount": "*"}}}))
}

test_deny_unknown_key_says_depending if {
	findings := tg053.deny with input as snapshot(trust({"Condition": {"StringEquals": {"aws:RequestTag/team": "audit"}}}))
	some f in findings
	contains(f.message, "for another account's trail, depending on StringEquals aws:RequestTag/team")
}

test_deny_one_finding_per_role_naming_each_trail if {
	other_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/other"
	base := snapshot(trust({}))
	findings := tg053.deny with input as object.union(base, {"trails": {other_arn: object.union(base.trails[trail_arn], {"Name": "other"})}})
	count(findings) == 1
	some f in findings
	contains(f.message, concat("", [", which trails main (", trail_arn, "), other (", other_arn, ") assume to write to CloudWatch Logs"]))
}

test_deny_unread_organisation_says_unless_an_rcp_denies_it if {
	snap := snapshot(trust({}))
	unread := {"accounts": {"111111111111": {"Iam": snap.accounts["111111111111"].Iam}}, "trails": snap.trails}
	some f in tg053.deny with input as unread
	endswith(f.message, "(granted by the trust policy Statement[0]), unless a resource control policy denies it")
}

# The account a member of an organisation with AWS's default RCPFullAWSAccess at every level
# and, at the root, `rcp`.
in_organisation(statement, rcp) := object.union(snapshot(statement), {
	"accounts": {"111111111111": {"Organization": {"Id": "o-a1b2c3d4e5", "MasterAccountId": "999999999999"}}},
	"organizations": {"o-a1b2c3d4e5": {
		"Root": {"Id": "r-a1b2", "PolicyTypes": ["RESOURCE_CONTROL_POLICY"]},
		"Parents": {"111111111111": "r-a1b2"},
		"ResourceControlPolicies": {
			"p-full": {
				"Name": "RCPFullAWSAccess", "Targets": ["r-a1b2", "111111111111"],
				"Content": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
			},
			"p-rcp": {"Name": "rcp", "Targets": ["r-a1b2"], "Content": {"Statement": [rcp]}},
		},
	}},
})

# AWS's confused deputy example: an AWS service acting for a source outside the organisation
# is refused, whatever a trust policy says.
confused_deputy := {
	"Sid": "EnforceConfusedDeputyProtection", "Effect": "Deny", "Principal": "*",
	"Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:*"], "Resource": "*",
	"Condition": {
		"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-a1b2c3d4e5"},
		"Null": {"aws:SourceAccount": "false"},
		"Bool": {"aws:PrincipalIsAWSService": "true"},
	},
}

test_allow_confused_deputy_rcp_closes_the_trust if {
	count(tg053.deny) == 0 with input as in_organisation(trust({}), confused_deputy)
}

test_deny_an_rcp_of_other_services_leaves_the_trust_open if {
	kms_only := object.union(confused_deputy, {"Action": "kms:*"})
	findings := tg053.deny with input as in_organisation(trust({}), kms_only)
	count(findings) == 1
}
