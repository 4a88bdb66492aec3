# METADATA
# title: Management events are excluded or only partly recorded
# description: >-
#   Management events are the control-plane record of an account: who changed what. A trail that
#   records only read or only write events, or leaves out event sources such as KMS, misses part
#   of that record, often exactly the part an investigation needs.
# custom:
#   id: TG006
#   severity: medium
#   controls:
#     securityhub: [CloudTrail.1]
#     cis: ["v1.4.0-v5.0.0/3.1", "v6.0.0/4.1"]
#   remediation: >-
#     Record all management events: `aws cloudtrail put-event-selectors --trail-name TRAIL_ARN
#     --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true,"ExcludeManagementEventSources":[]}]'`
#     (with advanced selectors, keep one selector with only `eventCategory = Management`).
#     Re-add any data event selectors the trail had.
package trailguard.rules.tg006

import data.trailguard.lib
import data.trailguard.lib.trail as tl
import data.trailguard.lib.trail.plainly_records_all_management
import rego.v1

deny contains lib.finding(arn, msg) if {
	some arn, trail in input.trails
	not plainly_records_all_management[arn] # no problem, known without the calls below
	tl.selectors_known(trail)
	problems := tl.management_problems(trail)
	count(problems) > 0
	msg := sprintf("Trail %s %s", [tl.label(arn), concat("; ", problems)])
}
