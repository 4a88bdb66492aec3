# METADATA
# title: The log bucket policy does not deny requests without TLS
# description: >-
#   Without a statement denying requests where aws:SecureTransport is false, clients can read or
#   write the logs over plain HTTP, exposing them and the credentials' signed requests to anyone on
#   the network path.
# custom:
#   id: TG036
#   severity: medium
#   controls: {}
#   remediation: |-
#     Add this statement to the bucket policy and apply it with
#     `aws s3api put-bucket-policy --bucket BUCKET --policy file://policy.json`:
#
#     ```json
#     {
#       "Sid": "DenyInsecureTransport",
#       "Effect": "Deny",
#       "Principal": "*",
#       "Action": "s3:*",
#       "Resource": ["arn:aws:s3:::BUCKET", "arn:aws:s3:::BUCKET/*"],
#       "Condition": {"Bool": {"aws:SecureTransport": "false"}}
#     }
#     ```
package trailguard.rules.tg036

import data.trailguard.lib
import data.trailguard.lib.policy
import data.trailguard.lib.s3
import rego.v1

deny contains lib.finding(bucket.Arn, msg) if {
	some name, bucket in input.buckets
	object.get(bucket, "Policy", 0) == null # read (lib.has) and null, in one builtin call
	msg := sprintf("%s has no bucket policy, so nothing denies requests made without TLS (aws:SecureTransport)", [s3.label(name)])
}

deny contains lib.finding(bucket.Arn, msg) if {
	some name, bucket in input.buckets
	bucket.Policy != null
	not _plainly_enforced[name]
	not _tls_enforced[name]
	msg := sprintf("%s has a bucket policy that does not deny requests made without TLS (aws:SecureTransport)", [s3.label(name)])
}

# _plainly_enforced are the buckets whose policy has the usual statement denying insecure transport,
# recognised by plain comparisons: Deny, Principal "*", Action "s3:*" or "*" and
# {"Bool": {"aws:SecureTransport": "false"}} (or false), in a Statement list. _tls_enforced, which
# calls several helpers per statement, judges the other buckets.
_plainly_enforced contains name if {
	some name, bucket in input.buckets
	statements := bucket.Policy.Statement
	is_array(statements)
	some st in statements
	st.Effect == "Deny"
	st.Principal == "*"
	st.Action in {"s3:*", "*"}
	st.Condition.Bool["aws:SecureTransport"] in {"false", false}
}

# _tls_enforced holds the buckets (among those not _plainly_enforced) whose policy denies everyone
# every S3 action without TLS. (A rule, not a function of the policy: regorus 0.14 mishandles
# import aliases inside function bodies.)
_tls_enforced contains name if {
	some name, bucket in input.buckets
	not _plainly_enforced[name]
	some st in policy.statements(bucket.Policy)
	st.Effect == "Deny"
	policy.principal_is_wildcard(st)
	policy.covers_service(st, "s3")
	some value in policy.condition_values(st, {"bool", "boolifexists"}, "aws:SecureTransport")
	policy.is_false(value)
}
