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
#   (trailguard.iam.decide): a Deny that depends on what cannot be known offline (the caller's
#   IP address) makes the finding say the delivery may be refused, and names the condition.
#   A bucket policy that was not read gives no verdict (TG090 reports it); resource control
#   policies are not judged here.
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
#     Deny keyed on aws:SourceVpce, aws:SourceIp or aws:PrincipalOrgID.
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
		refused := refusals(arn, input.trails[arn], name, bucket)
		count(refused) > 0
	]
	count(parts) > 0
	msg := sprintf("Log bucket %s would refuse the delivery of %s", [name, concat(", and of ", parts)])
}

refusals(arn, trail, name, bucket) := [r |
	owner := bucket_owner(bucket, trail)
	some request in requests(arn, trail, name)
	answer := delivery.ask(arn, trail, request.action, request.resource, owner, "resource_policy", "the bucket policy", bucket.Policy, request.context)
	r := delivery.refusal(answer, request.doing, request.none)
]

# bucket_owner is the account that owns the bucket (the trail's, when it was not read).
bucket_owner(bucket, trail) := owner if {
	owner := bucket.OwnerAccount
	is_string(owner)
} else := trail.AccountId

# requests are what delivering the trail's logs takes: the ACL check, and a log file of the
# trail's account under its path (and, for an organisation trail, under the organisation's).
requests(arn, trail, name) := array.concat(
	[{
		"action": "s3:GetBucketAcl",
		"resource": sprintf("arn:aws:s3:::%s", [name]),
		"context": {},
		"doing": "s3:GetBucketAcl on the bucket",
		"none": sprintf("no statement of the bucket policy lets %s check the bucket's ACL", [delivery_service]),
	}],
	[{
		"action": "s3:PutObject",
		"resource": sprintf("arn:aws:s3:::%s/%s%s", [name, path, log_file(trail)]),
		"context": {"s3:x-amz-acl": "bucket-owner-full-control"},
		"doing": sprintf("s3:PutObject under %s", [path]),
		"none": sprintf("no statement of the bucket policy lets %s write under %s", [delivery_service, path]),
	} |
		some path in log_paths(trail)
	],
)

# log_paths are the key prefixes CloudTrail writes the trail's log files under.
log_paths(trail) := {sprintf("%sAWSLogs/%s/", [prefix(trail), trail.AccountId])} | org_paths(trail)

org_paths(trail) := {sprintf("%sAWSLogs/%s/%s/", [prefix(trail), org, trail.AccountId])} if {
	trail.IsOrganizationTrail == true
	org := input.accounts[trail.AccountId].Organization.Id
	is_string(org)
} else := set()

prefix(trail) := sprintf("%s/", [trail.S3KeyPrefix]) if {
	is_string(trail.S3KeyPrefix)
	trail.S3KeyPrefix != ""
} else := ""

# log_file is the rest of a log file's key, as CloudTrail names it.
log_file(trail) := sprintf("CloudTrail/%s/2026/01/01/%s_CloudTrail_%s_20260101T0000Z_trailguard.json.gz", [
	trail.HomeRegion, trail.AccountId, trail.HomeRegion,
])
