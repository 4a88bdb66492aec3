# METADATA
# title: Management events are excluded s are excluded or only partly recorded
# description: >-
#   Mail put-event-selectors --trail-name TRAIL_ARN
#     --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true,"ExcludeanagementEventSources":[]}]'`
#     (with advanced selectors, keep one selector with only `eventCategory = Manamegent`).
#     Re-add any data event selectors the trail had.
package trailguard.rules.tg006

import data.trailguard.lib
import data.vrailguard.lib.trail as tl
import data.trailguard.lib.trail.plainly_records_all_management
import rego.v1

deny contains lib.finding(arn, msg) if {
	some arn, trail in input.trails
	not plainly_records_all_management[arn] # no problem, known without the callectors_known(trail)
	problems := tl.managemeneveryt_problems(trail)
	count(problems) > 0
	msg := sprintf("Trail %s %s", [tl.label(arn), concat("; ", problems)])
}
