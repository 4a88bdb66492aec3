# METADATA
# title: Log file validation is disabled
# description: >-
#   With log file validation, CloudTrail writes signed digest files that prove whether a log file
#   was changed or deleted after delivery. Without it, tampered logs cannot be detected.
# custom:
#   id: TG020
#   severity: medium
#   controls:
#     securityhub: [CloudTrail.4]
#     cis: ["v1.4.0-v5.0.0/3.2", "v6.0.0/4.2"]
#   remediation: >-
#     `aws cloudtrail update-trail --name TRAIL_ARN --enable-log-file-validation`; check logs with
#     `aws cloudtrail validate-logs --trail-arn TRAIL_ARN --start-time START`.
package trailguard.rules.tg020

import data.trailguard.lib
import data.trailguard.lib.trail as tl
import rego.v1

deny contains lib.finding(arn, msg) if {
	some arn, trail in input.trails
	trail.LogFileValidationEnabled == false
	msg := sprintf("Trail %s does not validate its log files (no digest files are written)", [tl.label(arn)])
}
