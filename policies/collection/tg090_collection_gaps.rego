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
import data.trailguard.lib.trail.operation_rules
import rego.v1

deny contains object.union(lib.finding(tl.gap_finding_resource(r, gaps), msg), graded(rules)) if {
	some r, gaps in gaps_by_resource
	calls := sort({call(g) | some g in gaps})
	rules := sort({id |
		some g in gaps
		some id in object.get(operation_rules, operation(g), [])
	})
	msg := sprintf("Could not read %s: %s; %s", [tl.gap_subject(r), concat("; ", calls), consequence(rules)])
}

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
