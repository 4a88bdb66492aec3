# METADATA
# title: No multi-region trail logs read and write management events
# description: >-
#   Only a multi-region trail that records every read and write management event sees activity in
#   regions nobody watches, where attackers like to work, and every configuration change. Without
#   one, parts of the account's control plane go unrecorded.
# custom:
#   id: TG002
#   severity: high
#   controls:
#     securityhub: [CloudTrail.1]
#     cis: ["v1.4.0-v5.0.0/3.1", "v6.0.0/4.1"]
#   remediation: >-
#     Make a trail multi-region and log all management events: `aws cloudtrail update-trail --name
#     TRAIL --is-multi-region-trail`, then `aws cloudtrail put-event-selectors --trail-name TRAIL
#     --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'` and
#     `aws cloudtrail start-logging --name TRAIL`. put-event-selectors replaces every selector:
#     include the trail's data event selectors in the same call.
package trailguard.rules.tg002

import data.trailguard.lib
import data.trailguard.lib.trail as tl
import data.trailguard.lib.trail.trail_list_unknown
import data.trailguard.lib.trail.plainly_records_all_management
import rego.v1

# may_qualify are the accounts with a trail that qualifies, or that could once its unknown fields
# (status, selectors, or the whole trail) are read: no verdict for those. The usual qualifying
# trail is recognised by plain comparisons (_plainly_qualifies); maybe_qualifies, which costs far
# more, judges the others. (account.TrailArns, when an array, is tl.account_trail_arns(account),
# without a call per account.)
may_qualify contains id if {
	some id, account in input.accounts
	arns := account.TrailArns
	is_array(arns)
	some arn in arns
	_plainly_qualifies[arn]
}

may_qualify contains id if {
	some id, account in input.accounts
	arns := account.TrailArns
	is_array(arns)
	some arn in arns
	not _plainly_qualifies[arn]
	maybe_qualifies(arn)
}

# _plainly_qualifies are trails known to be multi-region, logging, and to record all management
# events through one basic selector: maybe_qualifies holds for them.
_plainly_qualifies contains arn if {
	some arn in plainly_records_all_management
	trail := input.trails[arn]
	trail.IsMultiRegionTrail == true
	trail.Status.IsLogging == true
}

maybe_qualifies(arn) if {
	not input.trails[arn]
} else := true if {
	trail := input.trails[arn]
	not trail.IsMultiRegionTrail == false
	maybe_logging(trail)
	maybe_all_management(trail)
}

maybe_logging(trail) if {
	tl.is_logging(trail)
} else := true if {
	not tl.status_known(trail)
}

maybe_all_management(trail) if {
	not tl.selectors_known(trail)
} else := true if {
	tl.records_all_management(trail)
}

deny contains lib.finding(lib.account_resource(id), msg) if {
	some id, account in input.accounts
	not id in may_qualify
	not id in trail_list_unknown
	msg := message(id, tl.account_trail_arns(account))
}

message(id, arns) := sprintf("Account %s: no multi-region trail is logging and recording all read and write management events (it has no trail)", [id]) if {
	count(arns) == 0
} else := sprintf("Account %s: no multi-region trail is logging and recording all read and write management events (trails: %s)", [id, tl.names(arns)])
