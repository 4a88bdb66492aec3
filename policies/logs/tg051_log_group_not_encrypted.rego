# METADATA
# title: The trail's CloudWatch Logs log group is not encrypted with a KMS key
# description: >-
#   A trail that sends its events to CloudWatch Logs keeps a second copy of the audit trail
#   there. Without a KMS key of your own on the log group, anyone with logs:GetLogEvents on it
#   reads every event, and you cannot revoke access to the copy by revoking access to a key, as
#   you can for the log files in S3. A log group that was not read, or does not exist, gives no
#   verdict here (TG090 reports what was not read; the monitoring rules, what does not exist).
# custom:
#   id: TG051
#   severity: medium
#   controls: {}
#   remediation: >-
#     Let CloudWatch Logs use a customer managed key in the log group's Region (its key policy
#     allowing `logs.REGION.amazonaws.com` kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*,
#     kms:GenerateDataKey* and kms:Describe* with `kms:EncryptionContext:aws:logs:arn` set to the
#     log group's ARN), then `aws logs associate-kms-key --log-group-name LOG_GROUP --kms-key-id
#     KEY_ARN`.
package trailguard.rules.tg051

import data.trailguard.lib
import data.trailguard.lib.trail as tl
import data.trailguard.lib.trails_by_log_group
import rego.v1

deny contains lib.finding(key, msg) if {
	some key, trails in trails_by_log_group
	group := input.log_groups[key]
	is_object(group.Settings)
	not encrypted(group.Settings)
	msg := sprintf("CloudWatch Logs log group %s, which receives the events of trail%s %s, is not encrypted with a KMS key", [
		object.get(group, "LogGroupName", key), lib.plural(trails), tl.names(trails),
	])
}

encrypted(settings) if {
	is_string(settings.KmsKeyId)
	settings.KmsKeyId != ""
}
