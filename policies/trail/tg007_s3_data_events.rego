# METADATA
# title: No multi-region trail logs S3 object-level events for all buckets
# description: >-
#   S3 object-level (data) events such as GetObject, PutObject and DeleteObject are the only record
#   of who read, replaced or deleted which object. Management events show a bucket policy change,
#   not the exfiltration or ransom-style deletion that follows it: without a multi-region trail
#   logging object reads and writes in every bucket, an investigation cannot say what data an
#   attacker took or destroyed.
# custom:
#   id: TG007
#   severity: low
#   controls:
#     cis: ["v1.4.0-v2.0.0/3.10", "v1.4.0-v2.0.0/3.11", "v3.0.0-v5.0.0/3.8",
#       "v3.0.0-v5.0.0/3.9", "v6.0.0/4.8", "v6.0.0/4.9"]
#   remediation: >-
#     Log S3 object-level read and write events for every bucket on the account's multi-region
#     (or organisation) trail: `aws cloudtrail put-event-selectors --trail-name TRAIL_ARN
#     --advanced-event-selectors '[{"Name": "Management events", "FieldSelectors":
#     [{"Field": "eventCategory", "Equals": ["Management"]}]}, {"Name": "S3 object events, all
#     buckets", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
#     {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}]'`. put-event-selectors
#     replaces every selector: keep the trail's other selectors (management events, Lambda) in the
#     same call. CIS asks for write events and for read events in two recommendations; data
#     events are charged per event.
package trailguard.rules.tg007

import data.trailguard.lib
import data.trailguard.lib.trail as tl
import data.trailguard.lib.trail.data_selector_trails
import data.trailguard.lib.trail.selectors_unknown
import data.trailguard.lib.trail.trail_list_unknown
import rego.v1

_s3 := "AWS::S3::Object"

# _recorded are [arn, direction] for the multi-region trails whose selectors record S3
# object-level events of that direction ("read", "write") for every bucket. data_directions, a
# few calls, runs only for the multi-region trails with an S3 data selector.
_recorded contains [arn, d] if {
	some arn, trail in input.trails
	trail.IsMultiRegionTrail == true
	[arn, _s3] in data_selector_trails
	some d in tl.data_directions(trail, _s3)
}

deny contains lib.finding(lib.account_resource(id), msg) if {
	some id, account in input.accounts
	not id in trail_list_unknown # the trail list may be incomplete (TG090)
	arns := tl.account_trail_arns(account)
	recorded := {d | some arn in arns; some d in ["read", "write"]; [arn, d] in _recorded}
	missing := [d | some d in ["read", "write"]; not d in recorded]
	count(missing) > 0
	not _unsure(arns) # TG090 reports the gap
	msg := sprintf("Account %s: no multi-region trail logs S3 object-level %s events for all buckets%s", [
		id, concat(" and ", missing), trails_text(arns),
	])
}

# _unsure holds when one of the trails is not in the snapshot, or is a multi-region trail whose
# selectors were not read: it may record what is missing.
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
