# METADATA
# title: The collector could not read something a rule needs
# description: >-
#   A configuration the collector could not read is neither a pass nor a failure: the rules that
#   need it cannot judge the resource. Reporting the gap keeps an unreadable bucket policy or a
#   throttled call from hiding behind a clean report. A finding is as severe as the most severe
#   rule the gap blinds (an unread bucket policy blinds TG030: critical), medium when no rule
#   needs what was missed; only a waiver naming TG090 waives it.
# custom:
#   id: TG090
#   severity: medium
#   controls: {}
#   remediation: >-
#     Give the collecting role the missing read permission (the operation named in the finding, for
#     example `s3:GetBucketPolicy`; `trailguard permissions` prints the whole policy), also allowed
#     by the bucket or key policy for cross-account resources, or retry a throttled collection;
#     then run `trailguard collect` again.
package trailguard.rules.tg090

import data.trailguard.lib
import data.trailguard.lib.trail as tl
import data.trailguard.lib.trail.gaps_by_resource
import data.trailguard.lib.trail.monitoring_rules as trail_monitoring_rules
import data.trailguard.lib.trail.operation_rules
import rego.v1

deny contains object.union(lib.finding(resource, msg), graded(rules)) if {
	some r, gaps in gaps_by_resource
	resource := tl.gap_finding_resource(r, gaps)
	calls := array.concat(sort({call(g) | some g in gaps}), unmonitored_note(resource))
	rules := sort({id |
		some id in unmonitored_rules(resource)
	} | {id |
		some g in gaps
		some id in object.get(operation_rules, operation(g), [])
	})
	msg := sprintf("Could not read %s: %s; %s", [tl.gap_subject(r), concat("; ", calls), consequence(rules)])
}

# An account read in some regions whose snapshot holds no Monitoring was collected by a trailguard
# from before EventBridge rules and AWS Config were read (or written by hand): the monitoring and
# AWS Config rules have nothing to judge there, and no gap says so. That is a gap too: said in
# the account's finding about its other gaps, or in one of its own (one finding per resource, as
# GitHub keys alerts on rule and resource).
deny contains object.union(lib.finding(resource, msg), graded(monitoring_rules)) if {
	some resource, _ in unmonitored
	not resource in gap_finding_resources
	msg := sprintf("Could not read account %s: %s; %s", [
		unmonitored[resource], concat("", unmonitored_note(resource)), consequence(monitoring_rules),
	])
}

# unmonitored maps the finding resource of each account without Monitoring to its id.
unmonitored[lib.account_resource(id)] := id if {
	some id, account in input.accounts
	count(object.get(account, "Regions", [])) > 0
	not lib.has(account, "Monitoring")
}

gap_finding_resources contains tl.gap_finding_resource(r, gaps) if {
	some r, gaps in gaps_by_resource
}

unmonitored_note(resource) := ["the snapshot holds no monitoring for it (EventBridge rules, AWS Config), as one written before trailguard read them does not: collect it again"] if {
	unmonitored[resource]
} else := []

unmonitored_rules(resource) := monitoring_rules if {
	unmonitored[resource]
} else := []

# monitoring_rules judge what an account's Monitoring holds (and the alerting chain through it).
monitoring_rules := sort(array.concat(trail_monitoring_rules, ["TG120", "TG121", "TG122"]))

# graded gives the finding the highest severity among the rules the gap blinds, so that a gap
# weighs as much as the worst finding it may hide (and `--fail-on high` fails a blind scan); with
# no such rule, the finding keeps this rule's own severity (medium).
graded(rules) := {"severity": s} if {
	s := tl.highest_severity(rules)
} else := {}

operation(g) := sprintf("%s:%s", [g.Service, g.Operation])

call(g) := sprintf("%s (%s) in %s, account %s", [operation(g), g.ErrorCode, g.Region, g.AccountId])

consequence(rules) := "no built-in rule depends on it" if {
	count(rules) == 0
} else := sprintf("%s cannot judge it", [concat(", ", rules)])
