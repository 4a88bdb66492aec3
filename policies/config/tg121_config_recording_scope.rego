# METADATA
# title: AWS Config does not record IAM, CloudTrail, S3 or KMS resources
# description: >-
#   A recorder that leaves out the resources of the audit chain keeps no history of the changes
#   that matter most to it: the trail (AWS::CloudTrail::Trail), its bucket (AWS::S3::Bucket) and
#   key (AWS::KMS::Key), and the IAM users, roles, groups and policies that decide who may touch
#   them. IAM resources are global: one region's recorder must record them (IncludeGlobalResourceTypes
#   with every supported type, or the AWS::IAM:: types listed). A recorder that excludes, or with
#   an inclusion list fails to include, the CloudTrail, S3 or KMS type is reported in every region.
#   Service-linked recorders do not count; an account without any recorder of its own is TG120's;
#   regions whose recorders could not be read give no verdict for IAM unless another region records
#   them.
# custom:
#   id: TG121
#   severity: low
#   controls:
#     cis: ["v1.4.0-v2.0.0/3.5", "v3.0.0-v5.0.0/3.3", "v6.0.0/4.3"]
#   remediation: >-
#     Record every supported resource type, and the global IAM types in one region (usually
#     us-east-1): `aws configservice put-configuration-recorder --configuration-recorder
#     name=default,roleARN=ROLE_ARN --recording-group
#     allSupported=true,includeGlobalResourceTypes=true`; or remove AWS::CloudTrail::Trail,
#     AWS::S3::Bucket and AWS::KMS::Key from an exclusion list (add them to an inclusion list).
package trailguard.rules.tg121

# AWS Config's verdicts come from the builtin trailguard.config.problems (crate
# trailguard-monitoring, src/config.rs), judged once per snapshot for TG120-TG122: in Rego, each
# of the three rules cost 100-200 ms on a 2,000-account organisation.

import data.trailguard.lib
import rego.v1

deny contains lib.finding(lib.account_resource(acct), msg) if {
	some acct, parts in trailguard.config.problems(input).scope
	msg := sprintf("Account %s: AWS Config %s", [acct, concat("; ", parts)])
}
