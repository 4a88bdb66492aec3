# METADATA
# title: No multi-region trail logs Lambda data events for all functions
# description: >-
#   Lambda data events record every Invoke of a function: who ran which function, from where. An
#   attacker who plants or reuses a function to run code with its role, or invokes one to reach
#   data behind it, shows up only there; management events record changes to functions, not their
#   use.
# custom:
#   id: TG008
#   severity: low
#   controls: {}
#   remediation: >-
#     Log Lambda data events for every function on the account's multi-region (or organisation)
#     trail: `aws cloudtrail put-event-selectors --trail-name TRAIL_ARN --advanced-event-selectors
#     '[{"Name": "Management events", "FieldSelectors": [{"Field": "eventCategory", "Equals":
#     ["Management"]}]}, {"Name": "Lambda invocations, all functions", "FieldSelectors":
#     [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals":
#     ["AWS::Lambda::Function"]}]}]'`. put-event-selectors replaces every selector: keep the
#     trail's other selectors (management events, S3 objects) in the same call. Data events are
#     charged per event.
package trailguard.rules.tg008

import data.trailguard.lib
import data.trailguard.lib.trail as tl
import data.trailguard.lib.trail.data_selector_trails
import data.trailguard.lib.trail.selectors_unknown
import data.trailguard.lib.trail.trail_list_unknown
import rego.v1

_lambda := "AWS::Lambda::Function"

# _recorded are the multi-region trails whose selectors record Lambda data events for every
# function. Invoke, the Lambda data event, is a write (readOnly false). data_directions, a few
# calls, runs only for the multi-region trails with a Lambda data selector.
_recorded contains arn if {
	some arn, trail in input.trails
	trail.IsMultiRegionTrail == true
	[arn, _lambda] in data_selector_trails
	"write" in tl.data_directions(trail, _lambda)
}

deny contains lib.finding(lib.account_resource(id), msg) if {
	some id, account in input.accounts
	not id in trail_list_unknown # the trail list may be incomplete (TG090)
	arns := tl.account_trail_arns(account)
	count([arn | some arn in arns; arn in _recorded]) == 0
	not _unsure(arns) # TG090 reports the gap
	msg := sprintf("Account %s: no multi-region trail logs Lambda data events for all functions%s", [id, trails_text(arns)])
}

# _unsure holds when one of the trails is not in the snapshot, or is a multi-region trail whose
# selectors were not read: it may record them.
_unsure(arns) if {
	some arn in arns
	not input.trails[arn]
} else := true if {
	some arn in arns
	arn in selectors_unknown
	input.trails[arn].IsMultiRegionTrail == true
}

trails_text(arns) := " (it has no trail)" if {
	count(arns) == 0
} else := sprintf(" (trails: %s)", [tl.names(arns)])
