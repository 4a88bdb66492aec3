# METADATA
# title: AWS Config is not recording in a collected region
# description: >-
#   AWS Config's configuration history shows what each resource looked like before and after a
#   change, and who changed it: the other half of an investigation that starts from the trail. A
#   region where no recorder of the account is recording keeps no such history. A service-linked
#   recorder (RecordingScope INTERNAL, or named AWSConfigurationRecorderFor...) records only for
#   the AWS service that owns it and does not count. Regions whose recorders or recorder statuses
#   could not be read get no verdict (TG090 reports them).
# custom:
#   id: TG120
#   severity: medium
#   controls:
#     securityhub: [Config.1]
#     cis: ["v1.4.0-v2.0.0/3.5", "v3.0.0-v5.0.0/3.3", "v6.0.0/4.3"]
#   remediation: >-
#     In each region named, create a recorder for every resource type, a delivery channel, and
#     start recording: `aws configservice put-configuration-recorder --configuration-recorder
#     name=default,roleARN=arn:aws:iam::ACCOUNT:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig
#     --recording-group allSupported=true,includeGlobalResourceTypes=true`, `aws configservice
#     put-delivery-channel --delivery-channel name=default,s3BucketName=BUCKET` and `aws
#     configservice start-configuration-recorder --configuration-recorder-name default` (or
#     `aws configservice start-configuration-recorder` for a stopped recorder).
package trailguard.rules.tg120

# AWS Config's verdicts come from the builtin trailguard.config.problems (crate
# trailguard-monitoring, src/config.rs), judged once per snapshot for TG120-TG122: in Rego, each
# of the three rules cost 100-200 ms on a 2,000-account organisation.

import data.trailguard.lib
import rego.v1

deny contains lib.finding(lib.account_resource(acct), msg) if {
	some acct, regions in trailguard.config.problems(input).not_recording
	msg := sprintf("Account %s: AWS Config is not recording in %s", [acct, concat(", ", regions)])
}
