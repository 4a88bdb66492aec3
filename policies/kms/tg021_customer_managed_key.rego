# METADATA
# title: Trail logs are not encrypted with a KMS customer managed key
# description: >-
#   Without SSE-KMS, log files are encrypted with S3-managed keys, so anyone allowed to read the
#   bucket can read the logs. A customer managed key adds a second, separately audited permission
#   (kms:Decrypt) that you control; an AWS managed key's policy cannot be restricted.
# custom:
#   id: TG021
#   severity: medium
#   controls:
#     securityhub: [CloudTrail.2]
#     cis: ["v1.4.0-v2.0.0/3.7", "v3.0.0-v5.0.0/3.5", "v6.0.0/4.5"]
#   remediation: >-
#     Create a customer managed key whose key policy lets CloudTrail encrypt (see "Configure AWS
#     KMS key policies for CloudTrail" in the CloudTrail User Guide), then point the trail at it:
#     `aws cloudtrail update-trail --name TRAIL_NAME --kms-key-id arn:aws:kms:REGION:ACCOUNT:key/KEY_ID`.
package trailguard.rules.tg021

import data.trailguard.lib
import data.trailguard.lib.trail as tl
import rego.v1

deny contains lib.finding(arn, msg) if {
	some arn, trail in input.trails
	object.get(trail, "KmsKeyId", null) == null
	msg := sprintf("Trail %s does not encrypt its log files with a KMS key (SSE-S3 only)", [tl.label(arn)])
}

deny contains lib.finding(arn, msg) if {
	some arn, trail in input.trails
	key_arn := trail.KmsKeyId
	input.kms_keys[key_arn].KeyMetadata.KeyManager == "AWS"
	msg := sprintf(
		"Trail %s encrypts its log files with AWS managed KMS key %s, not a customer managed key",
		[tl.label(arn), key_arn],
	)
}
