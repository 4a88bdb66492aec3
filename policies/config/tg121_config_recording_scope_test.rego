package trailguard.rules.tg121_test

import data.trailguard.rules.tg121
import rego.v1

acct := "111122223333"

all_types := {"AllSupported": true, "IncludeGlobalResourceTypes": false, "ResourceTypes": [], "ExclusionByResourceTypes": []}

with_global := object.union(all_types, {"IncludeGlobalResourceTypes": true})

recorder(name, group) := {"Name": name, "RecordingGroup": group}

snapshot(recorders) := {"accounts": {acct: {
	"AccountId": acct, "Regions": ["eu-west-1", "us-east-1"],
	"Monitoring": {r: {"Config": {"Recorders": xs, "RecorderStatuses": []}} | some r, xs in recorders},
}}}

test_allow_global_types_in_one_region if {
	count(tg121.deny) == 0 with input as snapshot({"eu-west-1": [recorder("default", all_types)], "us-east-1": [recorder("default", with_global)]})
}

test_allow_iam_types_listed if {
	listed := {"AllSupported": false, "IncludeGlobalResourceTypes": false, "ResourceTypes": ["AWS::IAM::Role", "AWS::CloudTrail::Trail", "AWS::S3::Bucket", "AWS::KMS::Key"], "RecordingStrategy": {"UseOnly": "INCLUSION_BY_RESOURCE_TYPES"}}
	count(tg121.deny) == 0 with input as snapshot({"eu-west-1": [recorder("default", all_types)], "us-east-1": [recorder("default", listed)]})
}

test_allow_unread_region_may_record_iam if {
	count(tg121.deny) == 0 with input as snapshot({"eu-west-1": [recorder("default", all_types)]})
}

test_allow_no_recorder_is_tg120s if {
	count(tg121.deny) == 0 with input as snapshot({"eu-west-1": [], "us-east-1": []})
}

test_deny_no_global_types if {
	findings := tg121.deny with input as snapshot({"eu-west-1": [recorder("default", all_types)], "us-east-1": [recorder("default", all_types)]})
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: AWS Config records global IAM resource types in no region",
	}}
}

test_deny_service_linked_recorder_does_not_count if {
	linked := object.union(recorder("AWSConfigurationRecorderForSecurityHub", with_global), {"RecordingScope": "INTERNAL"})
	findings := tg121.deny with input as snapshot({"eu-west-1": [recorder("default", all_types)], "us-east-1": [recorder("default", all_types), linked]})
	count(findings) == 1
}

test_deny_excluded_and_not_included_types if {
	excluding := {"AllSupported": false, "IncludeGlobalResourceTypes": false, "ExclusionByResourceTypes": {"ResourceTypes": ["AWS::KMS::Key", "AWS::EC2::Instance"]}, "RecordingStrategy": {"UseOnly": "EXCLUSION_BY_RESOURCE_TYPES"}}
	including := {"AllSupported": false, "IncludeGlobalResourceTypes": false, "ResourceTypes": ["AWS::IAM::User", "AWS::S3::Bucket"]}
	findings := tg121.deny with input as snapshot({"eu-west-1": [recorder("default", excluding)], "us-east-1": [recorder("main", including)]})
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: AWS Config recorder default in eu-west-1 excludes AWS::KMS::Key; recorder main in us-east-1 does not record AWS::CloudTrail::Trail, AWS::KMS::Key",
	}}
}
