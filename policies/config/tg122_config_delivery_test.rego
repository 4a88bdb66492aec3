package trailguard.rules.tg122_test

import data.trailguard.rules.tg122
import rego.v1

acct := "111122223333"

recorder := {"Name": "default", "RecordingGroup": {"AllSupported": true, "IncludeGlobalResourceTypes": true}}

channel := {"Name": "default", "S3BucketName": "config-bucket"}

delivered := {"Name": "default", "ConfigHistoryDeliveryInfo": {"LastStatus": "SUCCESS"}, "ConfigSnapshotDeliveryInfo": {"LastStatus": "SUCCESS"}}

config(on, channels, statuses) := {
	"Recorders": [recorder], "RecorderStatuses": [{"Name": "default", "Recording": on}],
	"DeliveryChannels": channels, "DeliveryChannelStatuses": statuses,
}

snapshot(configs) := {"accounts": {acct: {
	"AccountId": acct, "Regions": ["eu-west-1", "us-east-1"],
	"Monitoring": {r: {"Config": c} | some r, c in configs},
}}}

test_allow_channel_that_delivers if {
	good := config(true, [channel], [delivered])
	count(tg122.deny) == 0 with input as snapshot({"eu-west-1": good, "us-east-1": good})
}

test_allow_unknown_statuses if {
	# moto cannot serve DeliveryChannelStatuses: only the channel's presence is judged.
	unread := object.remove(config(true, [channel], []), ["DeliveryChannelStatuses"])
	count(tg122.deny) == 0 with input as snapshot({"eu-west-1": unread, "us-east-1": unread})
}

test_allow_not_recording_is_tg120s if {
	count(tg122.deny) == 0 with input as snapshot({"eu-west-1": config(false, [], [])})
}

test_allow_unknown_channels if {
	unread := object.remove(config(true, [], []), ["DeliveryChannels", "DeliveryChannelStatuses"])
	count(tg122.deny) == 0 with input as snapshot({"eu-west-1": unread})
}

test_deny_no_channel_and_failed_delivery if {
	failed := object.union(delivered, {"ConfigHistoryDeliveryInfo": {"LastStatus": "FAILURE", "LastErrorCode": "AccessDenied"}})
	snap := snapshot({
		"eu-west-1": object.remove(config(true, [], []), ["DeliveryChannelStatuses"]),
		"us-east-1": config(true, [channel], [failed]),
	})
	findings := tg122.deny with input as snap
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: AWS Config records but does not deliver in eu-west-1: no delivery channel; us-east-1: the last configuration history delivery of channel default failed (last error: AccessDenied)",
	}}
}

test_deny_failed_snapshot_delivery if {
	failed := object.union(delivered, {"ConfigSnapshotDeliveryInfo": {"LastStatus": "Failure"}})
	findings := tg122.deny with input as snapshot({"us-east-1": config(true, [channel], [failed])})
	findings == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: AWS Config records but does not deliver in us-east-1: the last configuration snapshot delivery of channel default failed",
	}}
}
