package trailguard.rules.tg005_test

import data.trailguard.rules.tg005
import rego.v1

arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

healthy := {
	"Name": "main",
	"S3BucketName": "logs",
	"Status": {
		"IsLogging": true,
		"LatestDeliveryTime": "2026-11-19T23:00:00Z",
		"StartLoggingTime": "2026-01-01T00:00:00Z",
	},
}

snapshot(trail) := {
	"collected_at": "2026-11-20T00:00:00Z",
	"trails": {arn: trail},
	"buckets": {"logs": {"Name": "logs"}},
}

test_allow_healthy if {
	count(tg005.deny) == 0 with input as snapshot(healthy)
}

test_allow_empty_error_strings if {
	trail := object.union(healthy, {"Status": {"LatestDeliveryError": "", "LatestNotificationError": ""}})
	count(tg005.deny) == 0 with input as snapshot(trail)
}

test_deny_every_problem_in_one_finding if {
	trail := object.union(healthy, {"S3BucketName": "gone", "Status": {
		"LatestDeliveryTime": "2026-11-18T00:00:00Z",
		"LatestDeliveryError": "AccessDenied",
		"LatestCloudWatchLogsDeliveryError": "ResourceNotFoundException",
	}})
	findings := tg005.deny with input as snapshot(trail)
	findings == {{
		"resource": arn,
		"message": concat("", [
			sprintf("Trail main (%s): ", [arn]),
			"S3 log delivery error AccessDenied; ",
			"CloudWatch Logs delivery error ResourceNotFoundException; ",
			"last log delivery at 2026-11-18T00:00:00Z is more than 24 h before collection at 2026-11-20T00:00:00Z; ",
			"its log bucket gone does not exist",
		]),
	}}
}

test_deny_digest_error if {
	trail := object.union(healthy, {"Status": {"LatestDigestDeliveryError": "NoSuchBucket"}})
	findings := tg005.deny with input as snapshot(trail)
	findings == {{"resource": arn, "message": sprintf("Trail main (%s): digest delivery error NoSuchBucket", [arn])}}
}

test_deny_never_delivered if {
	trail := {"Name": "main", "S3BucketName": "logs", "Status": {"IsLogging": true, "StartLoggingTime": "2026-11-01T00:00:00Z"}}
	findings := tg005.deny with input as snapshot(trail)
	findings == {{
		"resource": arn,
		"message": sprintf("Trail main (%s): no log file delivered since logging started at 2026-11-01T00:00:00Z, more than 24 h before collection at 2026-11-20T00:00:00Z", [arn]),
	}}
}

test_allow_new_trail_not_yet_delivered if {
	trail := {"Name": "main", "S3BucketName": "logs", "Status": {"IsLogging": true, "StartLoggingTime": "2026-11-19T12:00:00Z"}}
	count(tg005.deny) == 0 with input as snapshot(trail)
}

test_allow_stale_delivery_of_stopped_trail if {
	# A stopped trail delivers nothing; TG003 reports it.
	trail := object.union(healthy, {"Status": {"IsLogging": false, "LatestDeliveryTime": "2026-01-01T00:00:00Z"}})
	count(tg005.deny) == 0 with input as snapshot(trail)
}

test_allow_bucket_that_could_not_be_read if {
	trail := object.union(healthy, {"S3BucketName": "theirs"})
	count(tg005.deny) == 0 with input as object.union(snapshot(trail), {"gaps": [{
		"AccountId": "111111111111", "Service": "s3", "Operation": "GetBucketLocation", "Region": "us-east-1",
		"Resource": "theirs", "ErrorCode": "AccessDenied",
	}]})
}

test_allow_unknown_status_is_left_to_tg090 if {
	count(tg005.deny) == 0 with input as snapshot(object.remove(healthy, ["Status"]))
}

test_allow_malformed_time_is_not_an_error if {
	trail := object.union(healthy, {"Status": {"LatestDeliveryTime": "2026-02-30T00:00:00Z"}})
	count(tg005.deny) == 0 with input as snapshot(trail)
}

# Delivery times the string comparison cannot judge (a fraction, an offset, collected_at with a
# fraction) take the precise path.
test_deny_stale_delivery_with_fraction if {
	trail := object.union(healthy, {"Status": {"LatestDeliveryTime": "2026-11-18T23:00:00.5Z"}})
	findings := tg005.deny with input as snapshot(trail)
	findings == {{
		"resource": arn,
		"message": sprintf("Trail main (%s): last log delivery at 2026-11-18T23:00:00.5Z is more than 24 h before collection at 2026-11-20T00:00:00Z", [arn]),
	}}
}

test_deny_stale_delivery_with_offset if {
	# 2026-11-19T01:00:00+02:00 is 2026-11-18T23:00:00Z, although the string sorts after the cut-off.
	trail := object.union(healthy, {"Status": {"LatestDeliveryTime": "2026-11-19T01:00:00+02:00"}})
	findings := tg005.deny with input as snapshot(trail)
	count(findings) == 1
}

test_allow_recent_delivery_with_offset if {
	trail := object.union(healthy, {"Status": {"LatestDeliveryTime": "2026-11-19T23:00:00+01:00"}})
	count(tg005.deny) == 0 with input as snapshot(trail)
}

test_deny_stale_delivery_collected_with_fraction if {
	inp := object.union(snapshot(object.union(healthy, {"Status": {"LatestDeliveryTime": "2026-11-18T23:59:59Z"}})), {"collected_at": "2026-11-20T00:00:00.5Z"})
	count(tg005.deny) == 1 with input as inp
}

test_allow_recent_delivery_collected_with_fraction if {
	inp := object.union(snapshot(healthy), {"collected_at": "2026-11-20T00:00:00.5Z"})
	count(tg005.deny) == 0 with input as inp
}

test_deny_stale_delivery_exactly_at_the_edge if {
	# 24 h and 1 s before collection: stale; exactly 24 h: not (more than 24 h is required).
	stale := object.union(healthy, {"Status": {"LatestDeliveryTime": "2026-11-18T23:59:59Z"}})
	count(tg005.deny) == 1 with input as snapshot(stale)
	edge := object.union(healthy, {"Status": {"LatestDeliveryTime": "2026-11-19T00:00:00Z"}})
	count(tg005.deny) == 0 with input as snapshot(edge)
}

with_log_group := object.union(healthy, {"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111111111111:log-group:events:*"})

test_allow_recent_cloudwatch_logs_and_digest_deliveries if {
	trail := object.union(with_log_group, {"LogFileValidationEnabled": true, "Status": {
		"LatestCloudWatchLogsDeliveryTime": "2026-11-19T23:59:00Z",
		"LatestDigestDeliveryTime": "2026-11-19T23:05:00Z",
	}})
	count(tg005.deny) == 0 with input as snapshot(trail)
}

test_allow_no_cloudwatch_logs_delivery_without_a_log_group if {
	trail := object.union(healthy, {"Status": {"LatestCloudWatchLogsDeliveryTime": "2026-01-02T00:00:00Z"}})
	count(tg005.deny) == 0 with input as snapshot(trail)
}

test_allow_no_digest_without_validation if {
	trail := object.union(healthy, {"LogFileValidationEnabled": false})
	count(tg005.deny) == 0 with input as snapshot(trail)
}

test_deny_stale_cloudwatch_logs_delivery if {
	trail := object.union(with_log_group, {"Status": {"LatestCloudWatchLogsDeliveryTime": "2026-11-17T08:00:00Z"}})
	findings := tg005.deny with input as snapshot(trail)
	findings == {{
		"resource": arn,
		"message": sprintf("Trail main (%s): last CloudWatch Logs delivery at 2026-11-17T08:00:00Z is more than 24 h before collection at 2026-11-20T00:00:00Z", [arn]),
	}}
}

test_deny_never_delivered_to_cloudwatch_logs if {
	findings := tg005.deny with input as snapshot(with_log_group)
	findings == {{
		"resource": arn,
		"message": sprintf("Trail main (%s): no event delivered to CloudWatch Logs since logging started at 2026-01-01T00:00:00Z, more than 24 h before collection at 2026-11-20T00:00:00Z", [arn]),
	}}
}

test_deny_stale_digest_delivery if {
	trail := object.union(healthy, {"LogFileValidationEnabled": true, "Status": {"LatestDigestDeliveryTime": "2026-11-18T23:00:00Z"}})
	findings := tg005.deny with input as snapshot(trail)
	findings == {{
		"resource": arn,
		"message": sprintf("Trail main (%s): last digest delivery at 2026-11-18T23:00:00Z is more than 24 h before collection at 2026-11-20T00:00:00Z", [arn]),
	}}
}

test_allow_stale_digest_of_stopped_trail if {
	trail := object.union(healthy, {"LogFileValidationEnabled": true, "Status": {"IsLogging": false, "LatestDigestDeliveryTime": "2026-11-01T00:00:00Z"}})
	count(tg005.deny) == 0 with input as snapshot(trail)
}
