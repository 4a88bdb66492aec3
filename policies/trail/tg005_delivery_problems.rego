# METADATA
# title: Trail has a delivery error, a stale delivery or a missing bucket
# description: >-
#   A trail that is logging but cannot deliver (a changed bucket or key policy, a deleted bucket,
#   a broken CloudWatch Logs role or SNS topic) records nothing durable while looking healthy.
#   Silent delivery failures are how audit trails quietly go dark. A delivery is stale when a
#   logging trail last delivered more than 24 h before collection: its log files to S3, its
#   events to its CloudWatch Logs log group, or (with log file validation on, hourly) its digest
#   files. TG041 and TG026 predict the failures a policy would cause before they happen.
# custom:
#   id: TG005
#   severity: high
#   controls: {}
#   remediation: >-
#     Read the errors with `aws cloudtrail get-trail-status --name TRAIL_ARN`. Recreate a missing
#     bucket or point the trail at one (`aws cloudtrail update-trail --name TRAIL_ARN
#     --s3-bucket-name BUCKET`), and restore the bucket policy, KMS key policy, CloudWatch Logs role
#     or SNS topic policy so CloudTrail may write to them (see "Amazon S3 bucket policy for
#     CloudTrail" in the CloudTrail User Guide).
package trailguard.rules.tg005

import data.trailguard.lib
import data.trailguard.lib.trail as tl
import data.trailguard.lib.trail.day_before_collection
import rego.v1

# error_fields are the status fields naming the last failed delivery, with the words messages use.
error_fields := [
	["LatestDeliveryError", "S3 log delivery error"],
	["LatestDigestDeliveryError", "digest delivery error"],
	["LatestCloudWatchLogsDeliveryError", "CloudWatch Logs delivery error"],
	["LatestNotificationError", "SNS notification error"],
]

deny contains lib.finding(arn, msg) if {
	some arn in _suspects
	trail := input.trails[arn]
	problems := array.concat(array.concat(delivery_errors(trail), stale(trail)), missing_bucket(trail))
	count(problems) > 0
	msg := sprintf("Trail %s: %s", [tl.label(arn), concat("; ", problems)])
}

# _suspects are the trails that may have a problem, found with plain comparisons: a non-empty error
# field, logging without a recent delivery that is obvious from the string alone, or a bucket not
# in the snapshot. Most trails have no problem, and proving it through the functions below (time
# parsing above all) is what costs; the findings are made for the suspects alone, exactly as before.
_suspects contains arn if {
	some arn, trail in input.trails
	some field in error_fields
	err := trail.Status[field[0]]
	is_string(err)
	err != ""
}

_suspects contains arn if {
	some arn, trail in input.trails
	trail.Status.IsLogging == true
	some channel in channels
	applies(trail, channel.field)
	not cleared(trail, channel.field)
}

# cleared holds when a string comparison proves a channel not stale (stale_of finds nothing): its
# last delivery is recent, or it has none yet and logging started recently or at a time unknown.
cleared(trail, field) if delivered_recently(trail, field)

cleared(trail, field) if {
	not is_string(trail.Status[field])
	t := trail.Status.StartLoggingTime
	is_string(t)
	count(t) == 20
	t >= day_before_collection
}

cleared(trail, field) if {
	not is_string(trail.Status[field])
	not is_string(trail.Status.StartLoggingTime)
}

_suspects contains arn if {
	some arn, trail in input.trails
	name := trail.S3BucketName
	is_string(name)
	name != ""
	not input.buckets[name]
}

# delivered_recently holds when the trail's last delivery of a kind (a Status field) is, by a
# string comparison, less than 24 h before collection: not stale (day_before_collection, in
# lib/trail.rego, says why that is exact).
delivered_recently(trail, field) if {
	t := trail.Status[field]
	is_string(t)
	count(t) == 20
	t >= day_before_collection
}

# channels are what a logging trail delivers, each at least daily: log files to S3; events to
# its CloudWatch Logs log group, when it has one; digest files, hourly, when log file validation
# is on.
channels := [
	{"field": "LatestDeliveryTime", "last": "log delivery", "none": "log file delivered"},
	{"field": "LatestCloudWatchLogsDeliveryTime", "last": "CloudWatch Logs delivery", "none": "event delivered to CloudWatch Logs"},
	{"field": "LatestDigestDeliveryTime", "last": "digest delivery", "none": "digest file delivered"},
]

applies(_, "LatestDeliveryTime") := true

applies(trail, "LatestCloudWatchLogsDeliveryTime") if {
	is_string(trail.CloudWatchLogsLogGroupArn)
	trail.CloudWatchLogsLogGroupArn != ""
}

applies(trail, "LatestDigestDeliveryTime") if trail.LogFileValidationEnabled == true

delivery_errors(trail) := [sprintf("%s %s", [words, err]) |
	some field in error_fields
	err := trail.Status[field[0]]
	is_string(err)
	err != ""
	words := field[1]
]

# stale: logging, but the last delivery of a channel is more than 24 h before collection, or
# there was none although logging started more than 24 h before.
stale(trail) := [problem |
	tl.is_logging(trail)
	some channel in channels
	applies(trail, channel.field)
	some problem in stale_of(trail, channel)
]

stale_of(trail, channel) := [sprintf("last %s at %s is more than 24 h before collection at %s", [channel.last, t, input.collected_at])] if {
	t := trail.Status[channel.field]
	tl.older_than_a_day(t)
} else := [sprintf("no %s since logging started at %s, more than 24 h before collection at %s", [channel.none, t, input.collected_at])] if {
	not is_string(trail.Status[channel.field])
	t := trail.Status.StartLoggingTime
	tl.older_than_a_day(t)
} else := []

# missing_bucket: the trail's bucket was neither collected nor met with an error, so it does not
# exist (see Bucket in the snapshot model).
missing_bucket(trail) := [sprintf("its log bucket %s does not exist", [name])] if {
	name := trail.S3BucketName
	is_string(name)
	name != ""
	not input.buckets[name]
	not name in data.trailguard.lib.gap_resources
	not sprintf("arn:aws:s3:::%s", [name]) in data.trailguard.lib.gap_resources
} else := []
