# METADATA
# title: Trail is not integrated with CloudWatch Logs
# description: >-
#   Sending a trail's events to CloudWatch Logs lets metric filters and alarms react to them within
#   minutes (root logins, policy changes, StopLogging). Logs that only land in S3 are read after
#   the fact, if at all.
# custom:
#   id: TG050
#   severity: low
#   controls:
#     securityhub: [CloudTrail.5]
#     cis: ["v1.4.0-v2.0.0/3.4"]
#   remediation: >-
#     Create a log group and a role CloudTrail can assume to write to it, then
#     `aws cloudtrail update-trail --name TRAIL_ARN --cloud-watch-logs-log-group-arn LOG_GROUP_ARN
#     --cloud-watch-logs-role-arn ROLE_ARN`.
package trailguard.rules.tg050

import data.trailguard.lib
import data.trailguard.lib.trail as tl
import rego.v1

# CloudWatchLogsLogGroupArn comes with the trail itself (DescribeTrails), so a trail in the
# snapshot without it has no log group.
deny contains lib.finding(arn, msg) if {
	some arn, trail in input.trails
	not has_log_group(trail)
	msg := sprintf("Trail %s does not send its events to CloudWatch Logs", [tl.label(arn)])
}

has_log_group(trail) if {
	is_string(trail.CloudWatchLogsLogGroupArn)
	trail.CloudWatchLogsLogGroupArn != ""
}
