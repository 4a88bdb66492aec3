package trailguard.rules.tg053_test

import data.trailguard.rules.tg053
import rego.v1

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

role_arn := "arn:aws:iam::111111111111:role/service-role/CloudTrailToLogs"

snapshot(statement) := {
	"accounts": {"111111111111": {"Iam": {"Roles": {"CloudTrailToLogs": {
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
