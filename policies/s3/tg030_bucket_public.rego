# METADATA
# title: The log bucket is publicly accessible
# description: >-
#   CloudTrail logs map your accounts, principals, resources and source addresses. A log bucket
#   readable or writable by anyone (through its bucket policy or ACL) exposes that map to attackers
#   and lets them tamper with the evidence.
# custom:
#   id: TG030
#   severity: critical
#   controls:
#     securityhub: [CloudTrail.6]
#     cis: ["v1.4.0-v2.0.0/3.3"]
#   remediation: |-
#     Remove the public access, then turn on Block Public Access so it cannot come back:
#
#     - ACL: `aws s3api put-bucket-acl --bucket BUCKET --acl private` (or, better, disable ACLs:
#       `aws s3api put-bucket-ownership-controls --bucket BUCKET --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'`).
#     - Bucket policy: remove or add a `Condition` to every `Allow` statement whose `Principal` is
#       `"*"` or `{"AWS": "*"}`, then `aws s3api put-bucket-policy --bucket BUCKET --policy file://policy.json`.
#     - `aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`.
package trailguard.rules.tg030

import data.trailguard.lib
import data.trailguard.lib.policy
import data.trailguard.lib.s3
import data.trailguard.lib.s3.public_groups
import rego.v1

deny contains lib.finding(bucket.Arn, msg) if {
	some name, bucket in input.buckets
	found := _reasons[name]
	msg := sprintf("%s is publicly accessible: %s", [s3.label(name), concat("; ", sort(found))])
}

_reasons[name] contains "AWS reports its bucket policy as public (PolicyStatus.IsPublic)" if {
	some name, bucket in input.buckets
	bucket.PolicyStatus.IsPublic == true
}

_reasons[name] contains reason if {
	some name, bucket in input.buckets
	some grant in bucket.Acl.Grants
	group := public_groups[grant.Grantee.URI]
	reason := sprintf("its ACL grants %s to %s", [grant.Permission, group])
}

_reasons[name] contains reason if {
	some name, bucket in input.buckets
	some i, st in policy.statements(bucket.Policy)
	st.Effect == "Allow"

	# No condition first, inline (not policy.has_condition(st)): most Allow statements have one,
	# and this is cheaper than the call below.
	count([block | some _, block in st.Condition; count(block) > 0]) == 0
	policy.principal_is_wildcard(st)
	reason := sprintf("its bucket policy %s allows any principal without a condition", [policy.statement_name(st, i)])
}
