# METADATA
# title: The trail's KMS key would refuse CloudTrail
# description: >-
#   A trail encrypted with SSE-KMS delivers only while CloudTrail, the service principal
#   cloudtrail.amazonaws.com, may call kms:GenerateDataKey on the key (with the trail in the
#   encryption context, aws:cloudtrail:arn) and kms:DescribeKey, and while the key is in the
#   Region of the log bucket: otherwise every log file is refused (KmsKeyNotFoundException,
#   InsufficientEncryptionPolicyException) and the trail goes dark. The key policy is judged
#   with AWS's evaluation logic (trailguard.delivery.to_key) as CloudTrail's request for this trail,
#   so the finding names the statement that denies or says that none allows; a condition on
#   what cannot be known offline makes it say the request may be refused. The resource control
#   policies on the key's account bind CloudTrail too (AWS applies RCPs to AWS service
#   principals): an RCP that denies KMS to principals outside the organisation, without the
#   exemption for AWS services, refuses the trail's encryption. A key or key policy that was not
#   read gives no verdict (TG090 reports it), nor do RCPs that were not read.
# custom:
#   id: TG026
#   severity: high
#   controls: {}
#   remediation: |-
#     Let CloudTrail use the key for your trails, then apply the policy with `aws kms
#     put-key-policy --key-id KEY_ARN --policy-name default --policy file://policy.json`:
#
#     ```json
#     {"Sid": "Allow CloudTrail to encrypt logs", "Effect": "Allow",
#      "Principal": {"Service": "cloudtrail.amazonaws.com"},
#      "Action": "kms:GenerateDataKey*", "Resource": "*",
#      "Condition": {"StringEquals": {"aws:SourceArn": "TRAIL_ARN"},
#                    "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn":
#                                   "arn:aws:cloudtrail:*:ACCOUNT_ID:trail/*"}}},
#     {"Sid": "Allow CloudTrail to describe key", "Effect": "Allow",
#      "Principal": {"Service": "cloudtrail.amazonaws.com"},
#      "Action": "kms:DescribeKey", "Resource": "*"}
#     ```
#
#     An RCP that refuses it needs `"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}` in the
#     Condition of its Deny (`aws organizations update-policy --policy-id ID --content
#     file://rcp.json`).
#
#     A key in another Region than the log bucket cannot be used: create one in the bucket's
#     Region (or a multi-Region key's replica there) and `aws cloudtrail update-trail --name
#     TRAIL_ARN --kms-key-id KEY_ARN`.
package trailguard.rules.tg026

import data.trailguard.lib
import data.trailguard.lib.delivery
import data.trailguard.lib.delivery.service as delivery_service
import data.trailguard.lib.trail as tl
import data.trailguard.lib.trails_by_key
import rego.v1

# One finding per key (GitHub keys alerts on rule and resource), naming each trail it would
# refuse.
deny contains lib.finding(key_arn, msg) if {
	some key_arn, arns in trails_by_key
	key := input.kms_keys[key_arn]
	parts := [sprintf("trail %s: %s", [tl.label(arn), concat("; ", problems)]) |
		some arn in sort(arns)
		trail := input.trails[arn]
		problems := array.concat(region_problem(key_arn, trail), policy_problems(arn, key_arn, key))
		count(problems) > 0
	]
	count(parts) > 0
	msg := sprintf("KMS key %s would refuse %s", [key_arn, concat(", and ", parts)])
}

# region_problem: the key is not in the log bucket's Region.
region_problem(key_arn, trail) := [sprintf("the key is in %s, the log bucket %s in %s, and CloudTrail needs both in one Region", [
	key_region, trail.S3BucketName, bucket_region,
])] if {
	key_region := split(key_arn, ":")[3]
	bucket_region := input.buckets[trail.S3BucketName].Region
	is_string(bucket_region)
	key_region != bucket_region
} else := []

policy_problems(arn, key_arn, key) := [r |
	delivery.judged(key, "Policy")
	some asked in trailguard.delivery.to_key(input, arn, key_arn)
	asked.answer.decision != "allow"
	none := sprintf("no statement of the key policy lets %s call it", [delivery_service])
	r := delivery.refusal(asked.answer, asked.action, delivery.nothing_allows(asked, none))
]
