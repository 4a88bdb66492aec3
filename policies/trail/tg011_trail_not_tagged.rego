# METADATA
# title: Trail is not tagged
# description: >-
#   Tags say who owns a trail and what it is for, and drive tag-based access control and cost
#   allocation. An untagged trail is easy to mistake for a leftover and delete. Tags AWS sets
#   (aws:...) do not count; the `required_tag_keys` parameter names the tags every trail must
#   carry.
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
	lib.has(trail, "Tags") # not read: TG090
	problem := lib.tag_problem(trail.Tags)
	msg := sprintf("Trail %s %s", [tl.label(arn), problem])
}
