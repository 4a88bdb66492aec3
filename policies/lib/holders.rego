# METADATA
# title: trailguard helpers for rules on trailguard.iam.principals_that_can
# description: >-
#   The rules that ask who may stop a trail (TG063), delete its logs (TG065) or disable its key
#   (TG066) get trailguard.iam.holders' answers by principal, {"arn", "kind", "name", "account",
#   "granted"}, "granted" listing {"action", "name", "answer"} (one per request the principal may
#   make, `name` the resource as a message calls it), and word their findings with these
#   helpers.
package trailguard.lib.holders

import rego.v1

# describe names a principal for a message: "role ops in account 111111111111".
describe(p) := sprintf("%s %s in account %s", [p.kind, p.name, p.account])

# exempt holds for principals the cloudtrail_admins parameter allows (ARNs, with * and ?).
exempt(arn) if {
	some pattern in data.trailguard.params.cloudtrail_admins
	glob.match(pattern, null, arn) # null: no delimiters, "*" matches across ":" and "/"
}

# summary turns a granted list into the parts of a finding's message: the actions, the
# resources by name ("plural" is "s" for several), the granting statements, the open
# conditions ("" when at least one request is allowed outright), and the control policies that
# were not read and could still deny ("" when every one that applies was read).
summary(granted) := {
	"actions": concat(", ", sort({g.action | some g in granted})),
	"resources": concat(", ", sort({g.name | some g in granted})),
	"plural": plural({g.name | some g in granted}),
	"grants": concat("; ", sort({grant_name(s) | some g in granted; some s in g.answer.grants})),
	"conditions": open_conditions(granted),
	"unless": unless(granted),
}

plural(names) := "s" if count(names) > 1 else := ""

# grant_name names a statement: its policy, then its Sid or its index.
grant_name(s) := sprintf("%s statement \"%s\"", [s.policy, s.sid]) if {
	is_string(s.sid)
	s.sid != ""
} else := sprintf("%s Statement[%d]", [s.policy, s.statement])

# open_conditions is "" when one request is allowed outright, else what the answers depend on.
open_conditions(granted) := "" if {
	some g in granted
	g.answer.decision == "allow"
} else := sprintf(" (conditional on %s, which trailguard does not evaluate)", [
	concat(", ", sort({c | some g in granted; some c in g.answer.conditions})),
])

# unless is ", unless a service control policy denies it" when the organisation's control
# policies that apply were not collected (an SCP or RCP never grants, so it could only deny);
# "" otherwise.
unless(granted) := "" if {
	count(unread_guardrails(granted)) == 0
} else := sprintf(", unless %s denies it", [concat(" or ", sort(unread_guardrails(granted)))])

unread_guardrails(granted) := {u | some g in granted; some u in g.answer.unless}
