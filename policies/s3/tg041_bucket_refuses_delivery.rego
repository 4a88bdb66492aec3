# METADATA
# title: The log bucket's policy would refuse CloudTrail's delivery
# description: >-
#   CloudTrail checks the bucket's ACL (s3:GetBucketAcl) and writes each log file
#   (s3:PutObject, with the bucket-owner-full-control ACL) as the service principal
#   cloudtrail.amazonaws.com, under PREFIX/AWSLogs/ACCOUNT/ (and, for an organisation trail,
#   PREFIX/AWSLogs/ORGANIZATION_ID/ACCOUNT/). A bucket policy that does not allow that, or a
#   Deny keyed on the network or on the caller's organisation (aws:SourceVpce, aws:SourceVpc,
#   aws:SourceIp, aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn) without an
#   exemption for AWS services (aws:PrincipalIsAWSService, aws:PrincipalServiceName, or the
#   service principal itself) stops the trail's delivery without a word until TG005 sees it
#   fail: CloudTrail never calls through a VPC endpoint, and its requests carry no principal
#   ARN, account or organisation. The bucket policy is judged with AWS's evaluation logic
#   (trailguard.delivery.to_bucket): a Deny that depends on what cannot be known offline (the caller's
#   IP address) makes the finding say the delivery may be refused, and names the condition.
#   The resource control policies on the bucket's account bind CloudTrail too (AWS applies RCPs
#   to AWS service principals): an RCP data perimeter without the same exemption refuses the
#   delivery of every trail writing to the account's buckets. A bucket policy that was not read
#   gives no verdict (TG090 reports it), nor do RCPs that were not read.
# custom:
#   id: TG041
#   severity: high
#   controls: {}
#   remediation: |-
#     Let CloudTrail check the ACL and write under the trail's path, naming the trail, and exempt
#     AWS services from network and organisation Denies, then apply the policy with `aws s3api
#     put-bucket-policy --bucket BUCKET --policy file://policy.json`:
#
#     ```json
#     {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow",
#      "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
#      "Resource": "arn:aws:s3:::BUCKET",
#      "Condition": {"StringEquals": {"aws:SourceArn": "TRAIL_ARN"}}},
#     {"Sid": "AWSCloudTrailWrite", "Effect": "Allow",
#      "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
#      "Resource": "arn:aws:s3:::BUCKET/PREFIX/AWSLogs/ACCOUNT_ID/*",
#      "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
#                                     "aws:SourceArn": "TRAIL_ARN"}}}
#     ```
#
#     and add `"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}` to the Condition of a
#     Deny keyed on aws:SourceVpce, aws:SourceIp or aws:PrincipalOrgID, in the bucket policy or
#     in an RCP (`aws organizations update-policy --policy-id ID --content file://rcp.json`).
package trailguard.rules.tg041

import data.trailguard.lib
import data.trailguard.lib.delivery
import data.trailguard.lib.delivery.service as delivery_service
import data.trailguard.lib.trail as tl
import data.trailguard.lib.trails_by_bucket
import rego.v1

# One finding per bucket (GitHub keys alerts on rule and resource), naming each trail it would
# refuse.
deny contains lib.finding(sprintf("arn:aws:s3:::%s", [name]), msg) if {
	some name, arns in trails_by_bucket
	bucket := input.buckets[name]
	delivery.judged(bucket, "Policy")
	parts := [sprintf("trail %s: %s", [tl.label(arn), concat("; ", refused)]) |
		some arn in sort(arns)
		input.trails[arn]
		refused := refusals(arn, name)
		count(refused) > 0
	]
	count(parts) > 0
	msg := sprintf("Log bucket %s would refuse the delivery of %s", [name, concat(", and of ", parts)])
}

# refusals are why the bucket would refuse CloudTrail's requests for trail `arn`: the ACL check,
# and a log file under each path the trail writes to (trailguard.delivery.to_bucket builds and
# decides them). Only refused requests are put in words.
refusals(arn, name) := [r |
	some asked in trailguard.delivery.to_bucket(input, arn, name)
	asked.answer.decision != "allow"
	r := delivery.refusal(asked.answer, doing(asked), delivery.nothing_allows(asked, none(asked)))
]

doing(asked) := "s3:GetBucketAcl on the bucket" if {
	asked.action == "s3:GetBucketAcl"
} else := sprintf("s3:PutObject under %s", [asked.path])

none(asked) := sprintf("no statement of the bucket policy lets %s check the bucket's ACL", [delivery_service]) if {
	asked.action == "s3:GetBucketAcl"
} else := sprintf("no statement of the bucket policy lets %s write under %s", [delivery_service, asked.path])
