# METADATA
# title: CloudTrail Insights is not enabled on any trail of the account
# description: >-
#   Insights watches write-management-event rates and error rates and records unusual activity,
#   such as a burst of IAM or KMS calls, as an Insights event. Without it, an attacker's noisy
#   reconnaissance or mass deletion leaves only the raw events to notice it by.
# custom:
#   id: TG009
#   severity: low
#   controls: {}
#   remediation: >-
#     `aws cloudtrail put-insight-selectors --trail-name TRAIL_ARN --insight-selectors
#     '[{"InsightType":"ApiCallRateInsight"},{"InsightType":"ApiErrorRateInsight"}]'` on the
#     account's multi-region (or organisation) trail.
package trailguard.rules.tg009

import data.trailguard.lib
import data.trailguard.lib.trail.trail_list_unknown
import rego.v1

deny contains lib.finding(lib.account_resource(account), msg) if {
	some account, a in input.accounts
	arns := object.get(a, "TrailArns", [])
	not account in trail_list_unknown # the trail list may be incomplete (TG090)
	# Every trail of the account is known to have no Insights; one unknown leaves it to TG090.
	every arn in arns {
		no_insights(input.trails[arn])
	}
	msg := sprintf("Account %s: no trail has CloudTrail Insights enabled%s", [account, trails_text(arns)])
}

# no_insights holds when a trail is known to have no insight selectors: GetInsightSelectors said
# so (null or empty), or it was not read and DescribeTrails says the trail has none.
no_insights(trail) if {
	trail.InsightSelectors in {null, []}
} else if {
	not lib.has(trail, "InsightSelectors")
	trail.HasInsightSelectors == false
}

trails_text(arns) := " (it has no trail)" if {
	count(arns) == 0
} else := sprintf(" (trails: %s)", [lib.trail_names(arns)])
