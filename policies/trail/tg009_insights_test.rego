package trailguard.rules.tg009_test

import data.trailguard.rules.tg009
import rego.v1

arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

snapshot(trail) := {
	"accounts": {"111111111111": {"AccountId": "111111111111", "TrailArns": [arn]}},
	"trails": {arn: object.union({"Name": "main"}, trail)},
}

test_allow_insights_on if {
	count(tg009.deny) == 0 with input as snapshot({"HasInsightSelectors": true, "InsightSelectors": [{"InsightType": "ApiCallRateInsight"}]})
}

test_deny_no_insights if {
	findings := tg009.deny with input as snapshot({"HasInsightSelectors": false, "InsightSelectors": null})
	findings == {{"resource": "AWS::::Account:111111111111", "message": "Account 111111111111: no trail has CloudTrail Insights enabled (trails: main)"}}
}

test_deny_unread_selectors_of_a_trail_that_reports_none if {
	count(tg009.deny) == 1 with input as snapshot({"HasInsightSelectors": false})
}

test_allow_unread_selectors_of_a_trail_that_reports_some if {
	count(tg009.deny) == 0 with input as snapshot({"HasInsightSelectors": true})
}

test_deny_account_without_trails if {
	findings := tg009.deny with input as {"accounts": {"111111111111": {"AccountId": "111111111111", "TrailArns": []}}}
	findings == {{"resource": "AWS::::Account:111111111111", "message": "Account 111111111111: no trail has CloudTrail Insights enabled (it has no trail)"}}
}

test_allow_incomplete_trail_list_is_left_to_tg090 if {
	gap := {"AccountId": "111111111111", "Service": "cloudtrail", "Operation": "DescribeTrails", "Region": "eu-west-1", "Resource": "111111111111", "ErrorCode": "AccessDeniedException"}
	count(tg009.deny) == 0 with input as object.union(snapshot({"HasInsightSelectors": false, "InsightSelectors": null}), {"gaps": [gap]})
}
