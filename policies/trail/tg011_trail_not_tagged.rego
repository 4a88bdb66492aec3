# METADATA
# title: Trail is not tagged
# description: >-
#   Tags say who owns a trail and what it is for, and drive tag-based access control and cost
#   allocation. An untagged trail is easy to mistake for a leftover and delete.
# custom:
#   id: TG011
#   severity: low
#   controls:
#     securityhub: [CloudTrail.9]
#   remediation: >-
#     `aws cloudtrail add-tags --resource-id TRAIL_ARN --tags-list Key=owner,Value=security`.
package trailguard.rules.tg011

import data.trailguard.lib
import data.trailguard.lib.trail as tl
import rego.v1

deny contains lib.finding(arn, msg) if {
	some arn, trail in input.trails
	trail.Tags in {null, {}} # null (no tags) or an empty map; a comparison, not a call per trail
	msg := sprintf("Trail %s has no tags", [tl.label(arn)])
}
