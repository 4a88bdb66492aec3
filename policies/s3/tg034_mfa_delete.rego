# METADATA
# title: MFA delete is disabled on the log bucket
# description: >-
#   MFA delete requires the root user's MFA code to delete an object version or turn versioning
#   off, so stolen credentials alone cannot erase the log history.
# custom:
#   id: TG034
#   severity: low
#   controls: {}
#   remediation: >-
#     As the bucket owner's root user, with its MFA device:
#     `aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa "arn:aws:iam::ACCOUNT_ID:mfa/root-account-mfa-device CODE"`.
#     Where MFA delete is impractical, Object Lock in compliance mode (TG035) gives a stronger guarantee.
package trailguard.rules.tg034

import data.trailguard.lib
import data.trailguard.lib.s3
import rego.v1

deny contains lib.finding(bucket.Arn, msg) if {
	some name, bucket in input.buckets
	object.get(bucket, ["Versioning", "MFADelete"], null) != "Enabled" # first: the cheaper test
	lib.has(bucket, "Versioning")
	msg := sprintf("%s has MFA delete disabled", [s3.label(name)])
}
