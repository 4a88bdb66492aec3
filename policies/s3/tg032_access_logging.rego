# METADATA
# title: Server access logging is disabled on the log bucket
# description: >-
#   CloudTrail does not record every read of the log objects themselves. Server access logs record
#   each request made to the log bucket, so you can tell who read or deleted the audit trail.
# custom:
#   id: TG032
#   severity: low
#   controls:
#     securityhub: [CloudTrail.7]
#     cis: ["v1.4.0-v2.0.0/3.6", "v3.0.0-v5.0.0/3.4", "v6.0.0/4.4"]
#   remediation: |-
#     Send the bucket's access logs to another bucket (never to itself):
#     `aws s3api put-bucket-logging --bucket BUCKET --bucket-logging-status '{"LoggingEnabled":{"TargetBucket":"ACCESS_LOG_BUCKET","TargetPrefix":"BUCKET/"}}'`.
#     The target bucket must let `logging.s3.amazonaws.com` write to it.
package trailguard.rules.tg032

import data.trailguard.lib
import data.trailguard.lib.s3
import rego.v1

deny contains lib.finding(bucket.Arn, msg) if {
	some name, bucket in input.buckets
	object.get(bucket, "Logging", 0) == null # read (lib.has) and null, in one builtin call
	msg := sprintf("%s has server access logging disabled", [s3.label(name)])
}
