package trailguard.rules.tg120_test

import data.trailguard.rules.tg120
import rego.v1

acct := "111122223333"

recorder(name) := {
	"Name": name, "RoleARN": "arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
	"RecordingGroup": {"AllSupported": true, "IncludeGlobalResourceTypes": true, "ResourceTypes": [], "ExclusionByResourceTypes": []},
}

status(name, on) := {"Name": name, "Recording": on, "LastStatus": "SUCCESS"}

config(recorders, statuses) := {"Recorders": recorders, "RecorderStatuses": statuses, "DeliveryChannels": [{"Name": "default", "S3BucketName": "config-bucket"}]}

snapshot(configs) := {"accounts": {acct: {
	"AccountId": acct, "Regions": ["eu-west-1", "us-east-1"],
	"Monitoring": {r: {"Config": c} | some r, c in configs},
}}}

recording := config([recorder("default")], [status("default", true)])

test_allow_recording_everywhere if {
	count(tg120.deny) == 0 with input as snapshot({"eu-west-1": recording, "us-east-1": recording})
}

test_allow_unknown_statuses_and_regions if {
	unread := object.remove(config([], []), ["RecorderStatuses"])
	count(tg120.deny) == 0 with input as snapshot({"eu-west-1": unread})
	count(tg120.deny) == 0 with input as {"accounts": {acct: {"AccountId": acct, "Regions": ["us-east-1"]}}}
}

test_deny_stopped_missing_and_service_linked if {
	linked := object.union(recorder("AWSConfigurationRecorderForSecurityHub"), {"RecordingScope": "INTERNAL"})
	snap := snapshot({
		"eu-west-1": config([linked], [status(linked.Name, true)]),
		"us-east-1": config([recorder("default")], [object.union(status("default", false), {"LastErrorCode": "AccessDenied"})]),
	})
	findings := tg120.deny with input as snap
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: AWS Config is not recording in eu-west-1 (only the service-linked recorder AWSConfigurationRecorderForSecurityHub), us-east-1 (recorder default is stopped (last error: AccessDenied))",
	}}
}

test_deny_no_recorder if {
	findings := tg120.deny with input as snapshot({"eu-west-1": recording, "us-east-1": config([], [])})
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: AWS Config is not recording in us-east-1 (no configuration recorder)",
	}}
}

test_deny_recorder_without_status if {
	findings := tg120.deny with input as snapshot({"eu-west-1": recording, "us-east-1": config([recorder("default")], [])})
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: AWS Config is not recording in us-east-1 (recorder default has no status)",
	}}
}
