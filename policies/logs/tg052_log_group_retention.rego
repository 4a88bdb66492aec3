# METADATA
# title: The trail's CloudWatch Logs log group keeps events for less than the retention period
# description: >-
#   The log group's retention setting deletes the CloudWatch Logs copy of the audit trail after
#   that many days: events older than that can no longer be searched or alarmed on there. A log
#   group that never expires its events passes; the period is the `retention_days` parameter
#   (365 days by default, as CIS and Security Hub CloudWatch.16 ask). A log group that was not
#   read, or does not exist, gives no verdict here.
# custom:
#   id: TG052
#   severity: medium
#   controls:
#     securityhub: [CloudWatch.16]
#   remediation: >-
#     `aws logs put-retention-policy --log-group-name LOG_GROUP --retention-in-days 400` (a value
#     CloudWatch Logs accepts at or above the retention period), or `aws logs
#     delete-retention-policy --log-group-name LOG_GROUP` to keep events until you delete them.
package trailguard.rules.tg052

import data.trailguard.lib
import data.trailguard.lib.params
import data.trailguard.lib.trail as tl
import data.trailguard.lib.trails_by_log_group
import rego.v1

deny contains lib.finding(key, msg) if {
	some key, trails in trails_by_log_group
	group := input.log_groups[key]
	days := group.Settings.RetentionInDays
	is_number(days)
	days < params.retention_days
	msg := sprintf("CloudWatch Logs log group %s, which receives the events of trail%s %s, keeps them for %d days, less than the retention period of %d days", [
		object.get(group, "LogGroupName", key), lib.plural(trails), tl.names(trails), days, params.retention_days,
	])
}
