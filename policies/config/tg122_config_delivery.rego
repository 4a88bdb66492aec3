# METADATA
# title: AWS Config has no delivery channel, or its last delivery failed
# description: >-
#   A recorder without a delivery channel, or whose channel fails to deliver, keeps its
#   configuration history and snapshots out of the bucket where investigators (and CIS) expect
#   them. Judged in the regions where a recorder of the account is recording: a region without a
#   delivery channel, or whose channel status reports that the last configuration history or
#   snapshot delivery failed. Regions whose recorders, statuses or channels could not be read give
#   no verdict; when only the channel statuses could not be read, the missing channel is still
#   judged.
# custom:
#   id: TG122
#   severity: medium
#   controls:
#     cis: ["v1.4.0-v2.0.0/3.5", "v3.0.0-v5.0.0/3.3", "v6.0.0/4.3"]
#   remediation: >-
#     Create a delivery channel to a bucket AWS Config may write to: `aws configservice
#     put-delivery-channel --delivery-channel name=default,s3BucketName=BUCKET`; for a failed
#     delivery, fix what the error names (the bucket policy must let config.amazonaws.com, or the
#     recorder's role, write; a KMS key must let it encrypt) and check with `aws configservice
#     describe-delivery-channel-status`.
package trailguard.rules.tg122

# AWS Config's verdicts come from the builtin trailguard.config.problems (crate
# trailguard-monitoring, src/config.rs), judged once per snapshot for TG120-TG122: in Rego, each
# of the three rules cost 100-200 ms on a 2,000-account organisation.

import data.trailguard.lib
import rego.v1

deny contains lib.finding(lib.account_resource(acct), msg) if {
	some acct, problems in trailguard.config.problems(input).delivery
	msg := sprintf("Account %s: AWS Config records but does not deliver in %s", [acct, concat("; ", problems)])
}
