# METADATA
# title: A trail exists but is not logging
# description: >-
#   A stopped trail records nothing while still looking configured. Stopping logging is a classic
#   first step of an attacker covering their tracks (cloudtrail:StopLogging).
# custom:
#   id: TG003
#   severity: high
#   controls: {}
#   remediation: >-
#     Start the trail: `aws cloudtrail start-logging --name TRAIL_ARN`, and find out who stopped it
#     (event `StopLogging` in the CloudTrail event history).
package trailguard.rules.tg003

import data.trailguard.lib
import data.trailguard.lib.trail as tl
import rego.v1

deny contains lib.finding(arn, msg) if {
	some arn, trail in input.trails
	trail.Status.IsLogging == false # tl.not_logging(trail), without a call per trail
	msg := sprintf("Trail %s is not logging%s", [tl.label(arn), since(trail)])
}

since(trail) := sprintf(" (stopped at %s)", [trail.Status.StopLoggingTime]) if {
	is_string(trail.Status.StopLoggingTime)
} else := ""
