# METADATA
# title: Trail does not include global service events
# description: >-
#   IAM, STS and CloudFront are global services whose events are only recorded by trails that
#   include global service events. Without them, changes to users, roles and credentials go
#   unrecorded by this trail.
# custom:
#   id: TG004
#   severity: medium
#   controls:
#     cis: ["v1.4.0-v5.0.0/3.1", "v6.0.0/4.1"]
#   remediation: >-
#     `aws cloudtrail update-trail --name TRAIL_ARN --include-global-service-events` (use a
#     multi-region trail so these events are recorded once).
package trailguard.rules.tg004

import data.trailguard.lib
import data.trailguard.lib.trail as tl
import rego.v1

deny contains lib.finding(arn, msg) if {
	some arn, trail in input.trails
	trail.IncludeGlobalServiceEvents == false
	msg := sprintf("Trail %s does not include global service events (IAM, STS, CloudFront)", [tl.label(arn)])
}
