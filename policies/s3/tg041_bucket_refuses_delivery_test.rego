package trailguard.rules.tg041_test

import data.trailguard.rules.tg041
import rego.v1

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

trail := {
	"Name": "main", "AccountId": "111111111111", "HomeRegion": "us-east-1",
	"S3BucketName": "logs", "IsOrganizationTrail": false,
}

acl_check := {
	"Sid": "AWSCloudTrailAclCheck",
	"Effect": "Allow",
	"Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "s3:GetBucketAcl",
	"Resource": "arn:aws:s3:::logs",
	"Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
}

write := {
	"Sid": "AWSCloudTrailWrite",
	"Effect": "Allow",
	"Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "s3:PutObject",
	"Resource": "arn:aws:s3:::logs/AWSLogs/111111111111/*",
	"Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}},
}

# A data-perimeter Deny: only through the organisation's VPC endpoint.
deny_outside_vpce := {
	"Sid": "DenyOutsideVpce",
	"Effect": "Deny",
	"Principal": "*",
	"Action": "s3:*",
	"Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
	"Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
}

# The same Deny with the exemption for AWS services.
exempt_services := object.union(deny_outside_vpce, {"Condition": {
	"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"},
	"BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
}})

snapshot(t, statements) := {
	"accounts": {"111111111111": {"Organization": {"Id": "o-a1b2c3d4e5", "MasterAccountId": "111111111111"}}},
	"trails": {trail_arn: t},
	"buckets": {"logs": {"Name": "logs", "OwnerAccount": "111111111111", "Policy": {"Statement": statements}}},
}

test_allow_documented_policy if {
	count(tg041.deny) == 0 with input as snapshot(trail, [acl_check, write])
}

test_allow_deny_with_service_exemption if {
	count(tg041.deny) == 0 with input as snapshot(trail, [acl_check, write, exempt_services])
}

test_allow_prefix_and_organisation_paths if {
	org_trail := object.union(trail, {"S3KeyPrefix": "audit", "IsOrganizationTrail": true})
	org_write := object.union(write, {"Resource": [
		"arn:aws:s3:::logs/audit/AWSLogs/111111111111/*",
		"arn:aws:s3:::logs/audit/AWSLogs/o-a1b2c3d4e5/*",
	]})
	count(tg041.deny) == 0 with input as snapshot(org_trail, [acl_check, org_write])
}

test_allow_unread_policy_gives_no_verdict if {
	count(tg041.deny) == 0 with input as {
		"trails": {trail_arn: trail},
		"buckets": {"logs": {"Name": "logs", "OwnerAccount": "111111111111"}},
	}
}

test_deny_vpce_deny_without_exemption if {
	findings := tg041.deny with input as snapshot(trail, [acl_check, write, deny_outside_vpce])
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": concat("", [
			"Log bucket logs would refuse the delivery of trail main (", trail_arn, "): ",
			"s3:GetBucketAcl on the bucket: the bucket policy statement \"DenyOutsideVpce\" denies it; ",
			"s3:PutObject under AWSLogs/111111111111/: the bucket policy statement \"DenyOutsideVpce\" denies it",
		]),
	}}
}

test_deny_no_bucket_policy if {
	findings := tg041.deny with input as {
		"trails": {trail_arn: trail},
		"buckets": {"logs": {"Name": "logs", "OwnerAccount": "111111111111", "Policy": null}},
	}
	some f in findings
	contains(f.message, "no statement of the bucket policy lets cloudtrail.amazonaws.com write under AWSLogs/111111111111/")
}

test_deny_organisation_path_missing if {
	org_trail := object.union(trail, {"IsOrganizationTrail": true})
	findings := tg041.deny with input as snapshot(org_trail, [acl_check, write])
	some f in findings
	contains(f.message, "write under AWSLogs/o-a1b2c3d4e5/111111111111/")
	not contains(f.message, "under AWSLogs/111111111111/:")
}

test_deny_wrong_prefix if {
	prefixed := object.union(trail, {"S3KeyPrefix": "audit"})
	findings := tg041.deny with input as snapshot(prefixed, [acl_check, write])
	some f in findings
	contains(f.message, "write under audit/AWSLogs/111111111111/")
}

test_deny_source_ip_is_only_maybe if {
	deny_ip := {
		"Sid": "OfficeOnly",
		"Effect": "Deny",
		"Principal": "*",
		"Action": "s3:PutObject",
		"Resource": "arn:aws:s3:::logs/*",
		"Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
	}
	findings := tg041.deny with input as snapshot(trail, [acl_check, write, deny_ip])
	some f in findings
	contains(f.message, "s3:PutObject under AWSLogs/111111111111/ may be refused: the bucket policy statement \"OfficeOnly\" denies it depending on NotIpAddress aws:SourceIp")
}

test_deny_principal_org_id_deny if {
	deny_org := {
		"Sid": "OrgOnly",
		"Effect": "Deny",
		"Principal": "*",
		"Action": "s3:*",
		"Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
		"Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
	}
	findings := tg041.deny with input as snapshot(trail, [acl_check, write, deny_org])
	count(findings) == 1
}

test_deny_one_finding_per_bucket_naming_each_trail if {
	other_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/other"
	other := object.union(trail, {"Name": "other"})
	findings := tg041.deny with input as object.union(snapshot(trail, [acl_check, write, deny_outside_vpce]), {"trails": {trail_arn: trail, other_arn: other}})
	count(findings) == 1
	some f in findings
	contains(f.message, concat("", ["delivery of trail main (", trail_arn, "): s3:GetBucketAcl"]))
	contains(f.message, concat("", [", and of trail other (", other_arn, "): s3:GetBucketAcl"]))
}

# The bucket in a member account (222222222222) of the trail's organisation, whose root and
# account have AWS's default RCPFullAWSAccess (AWS attaches it to every level), and a data
# perimeter RCP at the root whose Deny has `condition`.
rcp_snapshot(full_targets, condition) := {
	"accounts": {
		"111111111111": {"Organization": {"Id": "o-a1b2c3d4e5", "MasterAccountId": "111111111111"}},
		"222222222222": {"Organization": {"Id": "o-a1b2c3d4e5", "MasterAccountId": "111111111111"}},
	},
	"organizations": {"o-a1b2c3d4e5": {
		"Root": {"Id": "r-a1b2", "PolicyTypes": ["RESOURCE_CONTROL_POLICY"]},
		"Parents": {"222222222222": "r-a1b2"},
		"ResourceControlPolicies": {
			"p-full": {
				"Name": "RCPFullAWSAccess", "Targets": full_targets,
				"Content": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
			},
			"p-perimeter": {
				"Name": "data-perimeter", "Targets": ["r-a1b2"],
				"Content": {"Statement": [{
					"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
					"Action": "s3:*", "Resource": "*", "Condition": condition,
				}]},
			},
		},
	}},
	"trails": {trail_arn: trail},
	"buckets": {"logs": {"Name": "logs", "OwnerAccount": "222222222222", "Policy": {"Statement": [acl_check, write]}}},
}

every_level := ["r-a1b2", "222222222222"]

org_identities := {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}

test_allow_rcp_perimeter_exempting_aws_services if {
	exempt := object.union(org_identities, {"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}})
	count(tg041.deny) == 0 with input as rcp_snapshot(every_level, exempt)
}

test_deny_rcp_perimeter_without_the_service_exemption if {
	findings := tg041.deny with input as rcp_snapshot(every_level, org_identities)
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": concat("", [
			"Log bucket logs would refuse the delivery of trail main (", trail_arn, "): ",
			"s3:GetBucketAcl on the bucket: RCP data-perimeter statement \"EnforceOrgIdentities\" denies it; ",
			"s3:PutObject under AWSLogs/111111111111/: RCP data-perimeter statement \"EnforceOrgIdentities\" denies it",
		]),
	}}
}

test_deny_rcp_level_allowing_nothing if {
	# RCPFullAWSAccess detached from the bucket's account: nothing allows anything there.
	exempt := object.union(org_identities, {"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}})
	findings := tg041.deny with input as rcp_snapshot(["r-a1b2"], exempt)
	some f in findings
	contains(f.message, "s3:PutObject under AWSLogs/111111111111/: no resource control policy allows it at one of the levels (root, OUs, account) above the resource")
}

# The trail's account in OU ou-sec of its organisation, and a bucket policy that lets CloudTrail
# write for the trails of accounts under `ou_path` only (aws:SourceOrgPaths).
ou_snapshot(ou_path) := {
	"accounts": {"111111111111": {"Organization": {"Id": "o-a1b2c3d4e5", "MasterAccountId": "999999999999"}}},
	"organizations": {"o-a1b2c3d4e5": {
		"Root": {"Id": "r-a1b2", "PolicyTypes": []},
		"Parents": {"111111111111": "ou-sec", "ou-sec": "r-a1b2"},
	}},
	"trails": {trail_arn: trail},
	"buckets": {"logs": {"Name": "logs", "OwnerAccount": "111111111111", "Policy": {"Statement": [
		acl_check,
		object.union(write, {"Condition": {
			"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"},
			"ForAnyValue:StringLike": {"aws:SourceOrgPaths": ou_path},
		}}),
	]}}},
}

test_allow_bucket_policy_scoped_to_the_trails_ou if {
	count(tg041.deny) == 0 with input as ou_snapshot("o-a1b2c3d4e5/r-a1b2/ou-sec/*")
}

test_deny_bucket_policy_scoped_to_another_ou if {
	findings := tg041.deny with input as ou_snapshot("o-a1b2c3d4e5/r-a1b2/ou-dev/*")
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": concat("", [
			"Log bucket logs would refuse the delivery of trail main (", trail_arn, "): ",
			"s3:PutObject under AWSLogs/111111111111/: no statement of the bucket policy lets cloudtrail.amazonaws.com write under AWSLogs/111111111111/",
		]),
	}}
}
