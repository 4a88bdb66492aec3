package trailguard.rules.tg090_test

import data.trailguard.rules.tg090
import rego.v1

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

key_arn := "arn:aws:kms:us-east-1:111111111111:key/k1"

# The METADATA severities of the built-in rules these tests blind, as the engine provides them.
rules_meta := {
	"TG001": {"severity": "high"}, "TG002": {"severity": "high"}, "TG003": {"severity": "high"},
	"TG004": {"severity": "medium"}, "TG005": {"severity": "high"}, "TG006": {"severity": "medium"},
	"TG007": {"severity": "low"}, "TG008": {"severity": "low"}, "TG009": {"severity": "low"},
	"TG010": {"severity": "low"}, "TG011": {"severity": "low"}, "TG020": {"severity": "medium"},
	"TG021": {"severity": "medium"}, "TG022": {"severity": "medium"}, "TG030": {"severity": "critical"},
	"TG031": {"severity": "high"}, "TG036": {"severity": "medium"}, "TG037": {"severity": "medium"},
	"TG038": {"severity": "low"}, "TG050": {"severity": "low"}, "TG060": {"severity": "medium"},
	"TG061": {"severity": "high"}, "TG062": {"severity": "low"}, "TG063": {"severity": "medium"},
	"TG064": {"severity": "high"}, "TG065": {"severity": "medium"}, "TG066": {"severity": "medium"},
	"TG090": {"severity": "medium"},
}

gap(service, operation, resource, code) := {
	"AccountId": "222222222222", "Service": service, "Operation": operation, "Region": "us-east-1",
	"Resource": resource, "ErrorCode": code, "Message": "denied",
}

snapshot(gaps) := {
	"accounts": {"222222222222": {"AccountId": "222222222222", "TrailArns": [trail_arn]}},
	"trails": {trail_arn: {"Name": "main", "S3BucketName": "acme-logs", "KmsKeyId": key_arn}},
	"buckets": {"acme-logs": {"Name": "acme-logs", "Arn": "arn:aws:s3:::acme-logs"}},
	"kms_keys": {key_arn: {"Arn": key_arn}},
	"gaps": gaps,
}

deny(gaps) := findings if {
	findings := tg090.deny with input as snapshot(gaps) with data.trailguard.rules_meta as rules_meta
}

test_allow_no_gaps if {
	count(deny([])) == 0
}

test_deny_bucket_policy if {
	# An unreadable bucket policy blinds TG030 (critical): the gap is as bad as what it may hide.
	deny([gap("s3", "GetBucketPolicy", "acme-logs", "AccessDenied")]) == {{
		"resource": "arn:aws:s3:::acme-logs",
		"severity": "critical",
		"message": "Could not read log bucket acme-logs: s3:GetBucketPolicy (AccessDenied) in us-east-1, account 222222222222; TG030, TG036, TG037, TG041 cannot judge it",
	}}
}

test_deny_one_finding_per_resource if {
	deny([
		gap("s3", "GetBucketPolicy", "acme-logs", "AccessDenied"),
		gap("s3", "GetBucketAcl", "acme-logs", "AccessDenied"),
		gap("kms", "GetKeyRotationStatus", key_arn, "AccessDeniedException"),
		gap("cloudtrail", "GetTrailStatus", trail_arn, "ThrottlingException"),
		gap("s3control", "GetPublicAccessBlock", "222222222222", "AccessDenied"),
	]) == {
		{
			"resource": "arn:aws:s3:::acme-logs",
			"severity": "critical",
			"message": concat("", [
				"Could not read log bucket acme-logs: ",
				"s3:GetBucketAcl (AccessDenied) in us-east-1, account 222222222222; ",
				"s3:GetBucketPolicy (AccessDenied) in us-east-1, account 222222222222; ",
				"TG030, TG036, TG037, TG041 cannot judge it",
			]),
		},
		{
			"resource": key_arn,
			"severity": "medium",
			"message": sprintf("Could not read KMS key %s: kms:GetKeyRotationStatus (AccessDeniedException) in us-east-1, account 222222222222; TG022 cannot judge it", [key_arn]),
		},
		{
			"resource": trail_arn,
			"severity": "high",
			"message": sprintf("Could not read trail main (%s): cloudtrail:GetTrailStatus (ThrottlingException) in us-east-1, account 222222222222; TG001, TG002, TG003, TG005 cannot judge it", [trail_arn]),
		},
		{
			"resource": "AWS::::Account:222222222222",
			"severity": "high",
			"message": "Could not read account 222222222222: s3control:GetPublicAccessBlock (AccessDenied) in us-east-1, account 222222222222; TG031 cannot judge it",
		},
	}
}

test_deny_low_when_only_low_rules_are_blinded if {
	findings := deny([gap("cloudtrail", "GetInsightSelectors", trail_arn, "AccessDeniedException")])
	[f.severity | some f in findings] == ["low"]
}

test_deny_unmapped_operation_keeps_the_declared_severity if {
	# No rule needs the aliases: no severity of its own, so the engine gives TG090's (medium).
	deny([gap("kms", "ListAliases", key_arn, "AccessDeniedException")]) == {{
		"resource": key_arn,
		"message": sprintf("Could not read KMS key %s: kms:ListAliases (AccessDeniedException) in us-east-1, account 222222222222; no built-in rule depends on it", [key_arn]),
	}}
}

test_deny_blinded_rules_not_loaded_keep_the_declared_severity if {
	findings := tg090.deny with input as snapshot([gap("s3", "GetBucketPolicy", "acme-logs", "AccessDenied")])
		with data.trailguard.rules_meta as {"TG090": {"severity": "medium"}}
	[object.get(f, "severity", "none") | some f in findings] == ["none"]
}

test_deny_severity_follows_the_loaded_metadata if {
	# The severities come from the engine's data, not from a copy in Rego.
	findings := tg090.deny with input as snapshot([gap("s3", "GetBucketPolicy", "acme-logs", "AccessDenied")])
		with data.trailguard.rules_meta as object.union(rules_meta, {"TG030": {"severity": "low"}})
	[f.severity | some f in findings] == ["medium"]
}

test_deny_unknown_bucket_is_named_by_its_arn if {
	deny([gap("s3", "GetBucketLocation", "someone-elses-logs", "AccessDenied")]) == {{
		"resource": "arn:aws:s3:::someone-elses-logs",
		"severity": "high",
		"message": "Could not read someone-elses-logs: s3:GetBucketLocation (AccessDenied) in us-east-1, account 222222222222; TG005, TG026 cannot judge it",
	}}
}

test_deny_account_wide_s3_call_names_the_account if {
	findings := deny([gap("s3", "ListBuckets", "222222222222", "AccessDenied")])
	[[f.resource, f.severity] | some f in findings] == [["AWS::::Account:222222222222", "low"]]
}

test_deny_every_call_denied_is_high if {
	# A blind scan: nothing but the caller's identity could be read. One finding on the account,
	# as severe as the most severe rule it blinds (TG001, TG002, TG031, TG061, TG064: high).
	findings := tg090.deny with input as {
		"accounts": {"222222222222": {"AccountId": "222222222222"}},
		"trails": {}, "buckets": {}, "kms_keys": {},
		"gaps": [
			gap("account", "ListRegions", "222222222222", "AccessDeniedException"),
			gap("cloudtrail", "DescribeTrails", "222222222222", "AccessDeniedException"),
			gap("organizations", "DescribeOrganization", "222222222222", "AccessDeniedException"),
			gap("s3", "ListBuckets", "222222222222", "AccessDenied"),
			gap("s3control", "GetPublicAccessBlock", "222222222222", "AccessDenied"),
			gap("iam", "GetAccountAuthorizationDetails", "222222222222", "AccessDenied"),
			gap("iam", "ListEntitiesForPolicy", "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess", "AccessDenied"),
		],
	}
		with data.trailguard.rules_meta as rules_meta
	{[f.resource, f.severity] | some f in findings} == {
		["AWS::::Account:222222222222", "high"],
		["arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess", "high"],
	}
}

test_deny_unreadable_organisation_is_named_by_its_arn if {
	# A member account's credentials may not read the organisation's SCPs: one finding on the
	# organisation, named by the ARN its management account gives it.
	s := object.union(snapshot([gap("organizations", "ListRoots", "o-a1b2c3d4e5", "AccessDeniedException")]), {
		"accounts": {"222222222222": {"Organization": {"Id": "o-a1b2c3d4e5", "MasterAccountId": "111111111111"}}},
	})
	findings := tg090.deny with input as s with data.trailguard.rules_meta as rules_meta
	findings == {{
		"resource": "arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5",
		"severity": "medium",
		"message": "Could not read organisation o-a1b2c3d4e5: organizations:ListRoots (AccessDeniedException) in us-east-1, account 222222222222; TG063, TG065, TG066 cannot judge it",
	}}
}

test_deny_account_without_monitoring_in_an_old_snapshot if {
	old := object.union(snapshot([]), {"accounts": {"222222222222": {"AccountId": "222222222222", "TrailArns": [trail_arn], "Regions": ["us-east-1"]}}})
	findings := tg090.deny with input as old with data.trailguard.rules_meta as object.union(rules_meta, {"TG100": {"severity": "low"}, "TG120": {"severity": "medium"}})
	[f.resource | some f in findings] == ["AWS::::Account:222222222222"]
	some f in findings
	f.severity == "medium"
	startswith(f.message, "Could not read account 222222222222: the snapshot holds no monitoring for it (EventBridge rules, AWS Config), as one written before trailguard read them does not: collect it again; TG100, TG101,")
	endswith(f.message, "TG115, TG120, TG121, TG122 cannot judge it")
}

test_allow_account_with_monitoring if {
	collected := object.union(snapshot([]), {"accounts": {"222222222222": {"AccountId": "222222222222", "TrailArns": [trail_arn], "Regions": ["us-east-1"], "Monitoring": {"us-east-1": {}}}}})
	count(tg090.deny) == 0 with input as collected with data.trailguard.rules_meta as rules_meta
}

test_deny_old_snapshot_note_joins_the_accounts_other_gaps if {
	old := object.union(snapshot([gap("cloudtrail", "DescribeTrails", "222222222222", "AccessDenied")]), {"accounts": {"222222222222": {"AccountId": "222222222222", "TrailArns": [trail_arn], "Regions": ["us-east-1"]}}})
	findings := tg090.deny with input as old with data.trailguard.rules_meta as rules_meta
	[f.resource | some f in findings] == ["AWS::::Account:222222222222"]
	some f in findings
	contains(f.message, "cloudtrail:DescribeTrails (AccessDenied) in us-east-1, account 222222222222; the snapshot holds no monitoring for it")
	contains(f.message, "TG001, TG002,")
	contains(f.message, "TG120, TG121, TG122 cannot judge it")
}
