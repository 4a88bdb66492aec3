# METADATA
# title: trailguard IAM helpers
# description: >-
#   Who holds AWSCloudTrail_FullAccess: the builtin trailguard.iam.policy_holders(input, ARN)
#   answers from the snapshot's IAM (GetAccountAuthorizationDetails), users directly or through
#   groups and roles, by account.
package trailguard.lib.iam

import rego.v1

# full_access_arn is the AWS managed policy whose holders administer CloudTrail.
full_access_arn := "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"
