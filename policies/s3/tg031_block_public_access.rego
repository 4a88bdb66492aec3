# METADATA
# title: Block Public Access is not fully on for the log bucket or its account
# description: >-
#   S3 Block Public Access overrides any policy or ACL that would make the log bucket public, so a
#   later mistake cannot expose the logs. Each of its four settings protects only when it is on for
#   the bucket or for the account that owns it.
# custom:
#   id: TG031
#   severity: high
#   controls:
#     securityhub: [CloudTrail.6]
#   remediation: |-
#     Turn on all four settings for the bucket:
#     `aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`,
#     or for every bucket of the owner account:
#     `aws s3control put-public-access-block --account-id ACCOUNT_ID --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`.
package trailguard.rules.tg031

import data.trailguard.lib
import data.trailguard.lib.s3
import data.trailguard.lib.s3.pab_settings
import rego.v1

# A setting is judged off only when both the bucket's and the account's blocks were read (null
# counts as all off): if either is unknown, that one might have it on.
deny contains lib.finding(bucket.Arn, msg) if {
	some name, bucket in input.buckets
	not _blocked[name]
	lib.has(bucket, "PublicAccessBlock")
	s3.account_pab_known(bucket)
	bucket_off := s3.pab_off(bucket.PublicAccessBlock)
	account_off := s3.pab_off(s3.account_pab(bucket))
	off := [setting | some setting in pab_settings; setting in bucket_off; setting in account_off]
	count(off) > 0
	msg := sprintf("%s has Block Public Access settings %s off on both the bucket and its account %s", [
		s3.label(name),
		concat(", ", off),
		bucket.OwnerAccount,
	])
}

# _blocked are the buckets with all four settings on, on the bucket or on its owner account: then
# nothing is off on both. Plain comparisons, so most buckets skip the helper calls above.
_blocked contains name if {
	some name, bucket in input.buckets
	pab := bucket.PublicAccessBlock
	pab.BlockPublicAcls == true
	pab.IgnorePublicAcls == true
	pab.BlockPublicPolicy == true
	pab.RestrictPublicBuckets == true
}

_blocked contains name if {
	some name, bucket in input.buckets
	pab := input.accounts[bucket.OwnerAccount].PublicAccessBlock
	pab.BlockPublicAcls == true
	pab.IgnorePublicAcls == true
	pab.BlockPublicPolicy == true
	pab.RestrictPublicBuckets == true
}
