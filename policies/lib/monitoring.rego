# METADATA
# title: trailguard monitoring helpers
# description: >-
#   Whether someone is alerted to the CloudTrail events of a monitoring control (TG100-TG115): the
#   chains that deliver an event to a person, judged by what their patterns catch. TG100-TG115
#   each ask findings(ID) for their control.
package trailguard.lib.monitoring

import data.trailguard.lib
import data.trailguard.lib.trail as tl
import data.trailguard.lib.trail.plainly_records_all_management
import data.trailguard.lib.trail.trail_list_unknown
import rego.v1

# A control is covered in an account when every canonical event of the control
# (data.trailguard.lib.monitoring_events.controls[ID].events) is caught by a chain that delivers:
#
# - CloudWatch: a trail of the account (TrailArns) that is logging, multi-region, records every
#   read and write management event and sends them to a log group; a metric filter of that log
#   group whose pattern catches the event; an alarm on the filter's metric with its actions
#   enabled and at least one action; the action a live SNS topic (it exists and has a confirmed
#   subscription) or anything else (a Lambda function, an SSM OpsItem, ...: taken to deliver).
# - EventBridge: in every collected region of the account (only us-east-1 for the events of
#   global services, which EventBridge receives there), an enabled rule whose pattern matches the
#   event as EventBridge wraps a CloudTrail record, with a target (a live SNS topic, or anything
#   else). A rule in state ENABLED does not receive read-only management events; one in state
#   ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS does.
#
# The records are the canonical ones with the account's id written in: recipientAccountId and
# userIdentity.accountId (where the record has it) become the account's id. A log group's
# filters see the record in its canonical region (awsRegion), since a multi-region trail sends
# every region's records to the one log group; an EventBridge rule sees it in the rule's region
# (awsRegion and the envelope's region). The other fields (ARNs, addresses, times) stay as the
# canonical record has them.
#
# Each link is known, broken or unknown. A link the collector could not read (a field left out,
# a log group, alarm or topic not in the snapshot, an account's Monitoring) may have delivered:
# an event such a link might have caught gets no verdict (TG090 reports the gap). A pattern that
# trailguard cannot judge (trailguard.logs.pattern_error or trailguard.events.pattern_error not
# null) is never skipped: an event it might have caught, and that nothing else delivers, makes
# the control's finding say it cannot verify the alerting, naming the pattern and the error.
#
# Outcomes of an event on one path, from the best: covered (a chain delivers it), unjudged (a
# pattern trailguard cannot judge might), unknown (an unread link might), uncovered (nothing
# does; `why` says what breaks, with "{it}" for the event or events it is said of).
#
# Cost: the rule of each control evaluates only its own events, and what does not depend on the
# account once. Which filters of a log group catch which events, and so each event's outcome on
# that log group, is computed once per log group: a filter pattern catches a record in every
# account or in none unless it can see the account id (a digit in a pattern that is not JSON, or
# a JSON pattern that selects accountId, recipientAccountId or a wildcard); only such a pattern
# is matched again per account. EventBridge rules belong to one account and region: those whose
# plain source, detail-type, detail.eventSource or detail.eventName lists leave out every event
# of the control are set aside by plain comparisons; each distinct pattern is judged once per
# control (rules deployed to every account share theirs), and one that names no account or region
# field is matched once against each record's canonical envelope.

# global_sources are the services whose events CloudTrail records, and EventBridge receives, in
# us-east-1 only.
global_sources := {"iam.amazonaws.com", "organizations.amazonaws.com", "cloudfront.amazonaws.com", "route53.amazonaws.com"}

# all_events_state is the state of an EventBridge rule that also receives read-only management
# events.
all_events_state := "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"

no_trail := "no trail that logs every region's management events delivers to CloudWatch Logs"

covered := {"s": "covered"}

unknown := {"s": "unknown"}

uncovered(why) := {"s": "uncovered", "why": why}

unjudged(cannot) := {"s": "unjudged", "cannot": cannot}

# ---------------------------------------------------------------------------------------------
# Findings

# findings(id) are the findings of monitoring control `id` (TG100-TG115): one per account where an
# event of the control reaches no one, or where a pattern trailguard cannot judge leaves it
# unverified.
#
# In three passes: the CloudWatch path of every account (log groups judged once each); then the
# EventBridge patterns of the accounts where it leaves an event out, each distinct pattern judged
# once (rules deployed to every account by a stack set share theirs); then those accounts' rules.
findings(id) := result if {
	control := data.trailguard.lib.monitoring_events.controls[id]
	events := control.events
	accounts := object.get(input, "accounts", {})
	trails := delivering_trails(object.get(input, "trails", {}))
	tables := {key: log_group_table(key, events) | some key in {t.key | some t in trails}}
	keys := object.union(pattern_keys(events), {
		"by_event": {e.eventID: event_keys(e) | some e in events},
		"read_only": {e.eventID | some e in events; e.readOnly == true},
	})
	pending := {acct: cw |
		some acct, account in accounts
		cw := account_cw(acct, account, events, trails, tables)
		count([o | some o in cw; o.s != "covered"]) > 0
	}
	patterns := {q |
		some acct, _ in pending
		some q in account_patterns(accounts[acct], keys)
	}
	info := {p: pattern_info(p, keys, events) | some p in patterns}
	result := {lib.finding(lib.account_resource(acct), msg) |
		some acct, cw in pending
		msg := account_message(acct, accounts[acct], control, cw, info, keys)
	}
}

# account_cw are the outcomes of the control's events on the account's CloudWatch path.
account_cw(acct, account, events, trails, tables) := [cw_outcome(acct, e, chains, unread, tables) | some e in events] if {
	chains := account_chains(tl.list(account, "TrailArns"), trails)
	unread := trails_unread(acct, account)
}

account_message(acct, account, control, cw, info, keys) := msg if {
	rules := rules_by_region(account, keys, info)
	delivered := delivered_by_region(acct, rules, keys, control.events)
	outcomes := [[i, e, o] |
		some i, e in control.events
		o := event_outcome(cw[i], acct, account, rules, delivered, keys, e)
	]
	gone := [x | some x in outcomes; x[2].s == "uncovered"]
	unverified := [x | some x in outcomes; x[2].s == "unjudged"]
	count(gone) + count(unverified) > 0
	msg := message(acct, control.title, uncovered_groups(gone), unjudged_groups(unverified))
}

# event_outcome is the event's outcome over both paths: EventBridge is only looked at when the
# CloudWatch path does not deliver it, and in detail only when its rules do not surely deliver it
# in every region it is needed in.
event_outcome(cw, acct, account, rules, delivered, keys, e) := cw if {
	cw.s == "covered"
} else := covered if {
	is_object(account.Monitoring)
	needed := needed_regions(e, tl.list(account, "Regions"))
	every r in needed {
		e.eventID in delivered[r]
	}
} else := either(cw, eb_outcome(acct, account, rules, keys, e))

either(cw, eb) := covered if {
	eb.s == "covered"
} else := unjudged(sort(cannots(cw) | cannots(eb))) if {
	"unjudged" in {cw.s, eb.s}
} else := unknown if {
	"unknown" in {cw.s, eb.s}
} else := uncovered(sprintf("%s; %s", [cw.why, eb.why]))

cannots(o) := {c | some c in o.cannot} if {
	o.s == "unjudged"
} else := set()

message(acct, title, gone, unverified) := sprintf("Account %s: nobody is alerted to %s: %s", [
	acct, title,
	concat(". ", array.concat(gone, [sprintf("Cannot verify %s", [t]) | some t in unverified])),
]) if {
	count(gone) > 0
} else := sprintf("Account %s: cannot verify that anyone is alerted to %s: %s", [acct, title, concat(". ", unverified)])

# uncovered_groups words the uncovered events, those that break at the same links together, in
# the order of the control's events: "StopLogging (tg104-stoplogging), DeleteTrail
# (tg104-deletetrail): no metric filter ... catches them; no EventBridge rule catches them".
uncovered_groups(xs) := [g[1] | some g in sort([[first, text] |
	some why in {x[2].why | some x in xs}
	members := [x | some x in xs; x[2].why == why]
	first := members[0][0]
	text := sprintf("%s: %s", [labels(members), replace(why, "{it}", pronoun(members))])
])]

unjudged_groups(xs) := [g[1] | some g in sort([[first, text] |
	some why in {concat("; ", x[2].cannot) | some x in xs}
	members := [x | some x in xs; concat("; ", x[2].cannot) == why]
	first := members[0][0]
	text := sprintf("%s: %s", [labels(members), why])
])]

labels(members) := concat(", ", [sprintf("%s (%s)", [x[1].eventName, x[1].eventID]) | some x in members])

pronoun(members) := "it" if count(members) == 1 else := "them"

# ---------------------------------------------------------------------------------------------
# The records

# record is the canonical record with the account's id written in, in `region`.
record(e, acct, region) := object.union(e, {
	"recipientAccountId": acct,
	"awsRegion": region,
	"userIdentity": identity(e, acct),
})

identity(e, acct) := object.union(e.userIdentity, {"accountId": acct}) if {
	is_string(e.userIdentity.accountId)
} else := object.get(e, "userIdentity", null)

# envelope is the event EventBridge delivers for a CloudTrail record, in `region`.
envelope(e, acct, region) := {
	"version": "0",
	"id": e.eventID,
	"detail-type": detail_type(e),
	"source": event_source(e),
	"account": acct,
	"time": e.eventTime,
	"region": region,
	"resources": [],
	"detail": record(e, acct, region),
}

detail_type(e) := "AWS Console Sign In via CloudTrail" if {
	e.eventType == "AwsConsoleSignIn"
} else := "AWS Service Event via CloudTrail" if {
	e.eventType == "AwsServiceEvent"
} else := "AWS API Call via CloudTrail"

# event_source is EventBridge's source for a CloudTrail record: "aws." and the service part of
# its eventSource (signin.amazonaws.com: aws.signin).
event_source(e) := sprintf("aws.%s", [split(e.eventSource, ".")[0]])

# needed_regions are the regions where an EventBridge rule must catch the event: us-east-1 for a
# global service's event (when us-east-1 was not scanned, eb_outcome says so), every collected
# region for the others.
needed_regions(e, regions) := ["us-east-1"] if {
	e.eventSource in global_sources
	"us-east-1" in regions
} else := regions if {
	not e.eventSource in global_sources
	count(regions) > 0
}

# ---------------------------------------------------------------------------------------------
# CloudWatch Logs: trails, log groups, metric filters, alarms

# delivering_trails are the trails that do, or may (state "maybe": their status or selectors were
# not read), send every region's management events to a log group, by ARN: {key, state}, where
# key is the log group's key in input.log_groups (the trail's CloudWatchLogsLogGroupArn without
# its trailing ":*").
delivering_trails(trails) := {arn: {"key": trim_suffix(group, ":*"), "state": state, "name": object.get(trail, "Name", arn), "error": object.get(object.get(trail, "Status", {}), "LatestCloudWatchLogsDeliveryError", "")} |
	some arn, trail in trails
	group := trail.CloudWatchLogsLogGroupArn
	is_string(group)
	group != ""
	state := trail_state(arn, trail)
}

# trail_state is "failing" for a trail whose last delivery to CloudWatch Logs failed
# (GetTrailStatus's LatestCloudWatchLogsDeliveryError): its log group does not receive the
# events, however well it is watched.
trail_state(arn, trail) := "failing" if {
	failing(trail)
} else := "yes" if {
	trail.IsMultiRegionTrail == true
	trail.Status.IsLogging == true
	records_all(arn, trail)
} else := "maybe" if {
	not trail.IsMultiRegionTrail == false
	maybe_logging(trail)
	maybe_records_all(arn, trail)
}

records_all(arn, trail) if {
	arn in plainly_records_all_management
} else := true if {
	tl.records_all_management(trail)
}

failing(trail) if {
	error := trail.Status.LatestCloudWatchLogsDeliveryError
	is_string(error)
	error != ""
}

maybe_logging(trail) if {
	trail.Status.IsLogging == true
} else := true if {
	not tl.status_known(trail)
}

maybe_records_all(arn, trail) if {
	records_all(arn, trail)
} else := true if {
	not tl.selectors_known(trail)
}

# account_chains are the log groups the account's delivering trails send to: {key, state}, state
# "yes" when one of those trails surely delivers.
account_chains(arns, trails) := [{"key": key, "state": chain_state(key, arns, trails), "failing": chain_failures(key, arns, trails)} |
	some key in {trails[arn].key | some arn in arns}
]

chain_state(key, arns, trails) := "yes" if {
	some arn in arns
	trails[arn].key == key
	trails[arn].state == "yes"
} else := "maybe" if {
	some arn in arns
	trails[arn].key == key
	trails[arn].state == "maybe"
} else := "failing"

# chain_failures says, for a log group only failing trails deliver to, why.
chain_failures(key, arns, trails) := concat("; ", sort({sprintf("trail %s's delivery to CloudWatch Logs fails (%s)", [trails[arn].name, trails[arn].error]) |
	some arn in arns
	trails[arn].key == key
	trails[arn].state == "failing"
}))

# trails_unread holds when the account's trails are not all known: its trail list was not read,
# or names a trail the snapshot does not hold.
trails_unread(acct, account) if {
	not is_array(account.TrailArns)
} else := true if {
	acct in trail_list_unknown
} else := true if {
	some arn in account.TrailArns
	not input.trails[arn]
} else := false

# cw_outcome is the event's outcome on the CloudWatch path of the account.
cw_outcome(acct, e, chains, unread, tables) := any_of(array.concat(
	[degrade(log_group_outcome(acct, e, tables[c.key]), c) | some c in chains],
	[unknown | unread],
))

# any_of is the best of several outcomes: the event is covered when one chain delivers it. With
# no chain at all, it says no trail delivers to CloudWatch Logs.
any_of(outcomes) := uncovered(no_trail) if {
	count(outcomes) == 0
} else := covered if {
	some o in outcomes
	o.s == "covered"
} else := unjudged(sort({c | some x in outcomes; x.s == "unjudged"; some c in x.cannot})) if {
	some o in outcomes
	o.s == "unjudged"
} else := unknown if {
	some o in outcomes
	o.s == "unknown"
} else := uncovered(concat("; ", sort({o.why | some o in outcomes})))

# degrade: a log group that catches the event through a trail that may not deliver (its status
# or selectors unread) gives no verdict; one only failing trails deliver to covers nothing.
degrade(o, chain) := uncovered(chain.failing) if {
	chain.state == "failing"
} else := unknown if {
	chain.state == "maybe"
	o.s == "covered"
} else := o

# log_group_table is what a log group's metric filters are, once per log group: {state, name,
# filters, ...}. state is "unknown" (the group or its filters were not read), "missing" (AWS says
# it does not exist) or "known". Each filter: {name, pattern, error (null when trailguard can
# judge the pattern), chain (its alarms' delivery, as filter_chain), fixed (it catches the same
# records in every account)}. For a known group, `hits` are, by eventID, the fixed filters that
# catch the event, and `variable` the judged filters that are not fixed, matched per account;
# when there are none (the usual case), `outcomes` are each event's outcome, for every account.
log_group_table(key, events) := {"state": "unknown", "name": group_name(key)} if {
	not input.log_groups[key]
} else := {"state": "missing", "name": group_name(key)} if {
	input.log_groups[key].Settings == null
} else := {"state": "unknown", "name": group_name(key)} if {
	not is_array(input.log_groups[key].MetricFilters)
} else := table if {
	name := group_name(key)
	filters := [filter_entry(f) | some f in input.log_groups[key].MetricFilters]
	hits := {e.eventID: [f |
		some f in filters
		f.error == null
		f.fixed
		trailguard.logs.matches(f.pattern, e)
	] | some e in events}
	variable := [f | some f in filters; f.error == null; not f.fixed]
	table := {
		"state": "known", "name": name, "filters": filters, "hits": hits, "variable": variable,
		"outcomes": {id: filters_outcome(name, filters, catching) | count(variable) == 0; some id, catching in hits},
	}
}

group_name(key) := name if {
	name := input.log_groups[key].LogGroupName
	is_string(name)
} else := name if {
	parts := split(key, ":log-group:")
	count(parts) == 2
	name := parts[1]
} else := key

filter_entry(f) := entry if {
	pattern := object.get(f, "FilterPattern", "")
	entry := {
		"name": object.get(f, "FilterName", "(unnamed)"),
		"pattern": pattern,
		"error": filter_error(pattern),
		"chain": filter_chain(f),
		"fixed": fixed_pattern(pattern),
	}
}

filter_error(pattern) := trailguard.logs.pattern_error(pattern) if {
	is_string(pattern)
} else := "the filter pattern is not a string"

# fixed_pattern is true for a pattern that catches a record in every account or in none: one
# without a digit (a twelve-digit account id differs from another only in its digits), or a JSON
# pattern that selects no field holding the account id (no accountId or recipientAccountId, no
# wildcard selector). Any other pattern is matched again for each account.
fixed_pattern(pattern) := true if {
	not is_string(pattern)
} else := true if {
	not regex.match(`[0-9]`, pattern)
} else := true if {
	startswith(trim_space(pattern), "{")
	not contains(pattern, "ccountId")
	not contains(pattern, ".*")
	not contains(pattern, "*]")
} else := false

# log_group_outcome is the event's outcome on one log group's filters.
log_group_outcome(acct, e, table) := unknown if {
	table.state == "unknown"
} else := uncovered(sprintf("log group %s does not exist", [table.name])) if {
	table.state == "missing"
} else := table.outcomes[e.eventID] if {
	count(table.variable) == 0
} else := o if {
	catching := array.concat(object.get(table.hits, e.eventID, []), [f |
		some f in table.variable
		trailguard.logs.matches(f.pattern, record(e, acct, e.awsRegion))
	])
	o := filters_outcome(table.name, table.filters, catching)
}

filters_outcome(name, filters, catching) := covered if {
	some f in catching
	f.chain.state == "delivers"
} else := unjudged(cannot) if {
	cannot := sort({sprintf("cannot judge filter %s on log group %s: %s", [f.name, name, f.error]) |
		some f in filters
		f.error != null
		f.chain.state != "broken"
	})
	count(cannot) > 0
} else := unknown if {
	some f in catching
	f.chain.state == "unknown"
} else := uncovered(missed(name, filters, catching))

# missed says why no filter of the log group delivers the event.
missed(name, filters, catching) := concat("; ", sort({sprintf("filter %s on log group %s catches {it}, but %s", [
	f.name, name, concat(", ", f.chain.problems),
]) | some f in catching})) if {
	count(catching) > 0
} else := sprintf("log group %s has no metric filter", [name]) if {
	count(filters) == 0
} else := sprintf("no metric filter on log group %s catches {it}", [name]) if {
	count({f | some f in filters; f.error == null}) == 0
} else := sprintf("no metric filter on log group %s catches {it} — %s {it}", [
	name,
	listing("filter", "misses", "filters", "miss", {f.name | some f in filters; f.error == null}),
])

# listing names a few things: "filter a misses", "filters a, b miss", "filters a, ..., e and 3
# more miss".
listing(one, verb_one, many, verb_many, names) := sprintf("%s %s %s", [one, sort(names)[0], verb_one]) if {
	count(names) == 1
} else := sprintf("%s %s %s", [many, concat(", ", sort(names)), verb_many]) if {
	count(names) <= 6
} else := sprintf("%s %s and %d more %s", [many, concat(", ", array.slice(sort(names), 0, 5)), count(names) - 5, verb_many])

# ---------------------------------------------------------------------------------------------
# Delivery: metrics, alarms, actions, topics. A chain is {state, problems}: state "delivers",
# "unknown" or "broken", problems saying what breaks it.

delivers := {"state": "delivers", "problems": []}

unread_link := {"state": "unknown", "problems": []}

broken(problems) := {"state": "broken", "problems": problems}

# best_chain is the best of several chains; `none` are the problems when there is none.
best_chain(chains, none) := broken(none) if {
	count(chains) == 0
} else := delivers if {
	some c in chains
	c.state == "delivers"
} else := unread_link if {
	some c in chains
	c.state == "unknown"
} else := broken(sort({p | some x in chains; some p in x.problems}))

filter_chain(f) := best_chain([metric_chain(mt) | some mt in tl.list(f, "MetricTransformations")], ["it has no metric"])

metric_chain(mt) := unread_link if {
	not is_array(mt.AlarmArns)
} else := best_chain([alarm_chain(arn) | some arn in mt.AlarmArns], [sprintf("no alarm watches its metric %s/%s", [
	object.get(mt, "MetricNamespace", "?"), object.get(mt, "MetricName", "?"),
])])

alarm_chain(arn) := unread_link if {
	not input.alarms[arn]
} else := broken([sprintf("alarm %s has no action", [alarm_name(arn)])]) if {
	count(tl.list(input.alarms[arn], "AlarmActions")) == 0
} else := broken([sprintf("alarm %s's actions are disabled", [alarm_name(arn)])]) if {
	input.alarms[arn].ActionsEnabled == false
} else := unread_link if {
	not input.alarms[arn].ActionsEnabled == true
} else := best_chain([action_chain(a) | some a in input.alarms[arn].AlarmActions], [])

alarm_name(arn) := name if {
	name := input.alarms[arn].AlarmName
	is_string(name)
} else := arn

# action_chain: an SNS topic delivers when it exists and has a confirmed subscription; any other
# action (a Lambda function, an SSM OpsItem or incident, an Auto Scaling or EC2 action, another
# event bus) is taken to deliver.
action_chain(arn) := topic_chain(arn) if {
	is_sns(arn)
} else := delivers

is_sns(arn) if {
	is_string(arn)
	parts := split(arn, ":")
	count(parts) >= 6
	parts[0] == "arn"
	parts[2] == "sns"
}

topic_chain(arn) := unread_link if {
	not input.topics[arn]
} else := broken([sprintf("topic %s does not exist", [topic_name(arn)])]) if {
	input.topics[arn].Attributes == null
} else := unread_link if {
	not is_array(input.topics[arn].Subscriptions)
} else := delivers if {
	some s in input.topics[arn].Subscriptions
	s.Confirmed == true
} else := broken([sprintf("topic %s has no confirmed subscription", [topic_name(arn)])])

topic_name(arn) := split(arn, ":")[5]

# ---------------------------------------------------------------------------------------------
# EventBridge

# pattern_keys are what the control's events show EventBridge: the sets a rule's plain lists of
# source, detail-type, detail.eventSource and detail.eventName must meet for the rule to matter.
pattern_keys(events) := {
	"global": count([e | some e in events; not e.eventSource in global_sources]) == 0,
	"sources": {event_source(e) | some e in events},
	"types": {detail_type(e) | some e in events},
	"event_sources": {e.eventSource | some e in events},
	"names": {e.eventName | some e in events},
}

event_keys(e) := {
	"sources": {event_source(e)},
	"types": {detail_type(e)},
	"event_sources": {e.eventSource},
	"names": {e.eventName},
}

# rules_by_region are, by collected region whose rules were read, the account's EventBridge rules
# with an event pattern that may catch an event of the control, with what pattern_info says of the
# pattern and the delivery of the rule's targets: [{rule, error, fixed, hits, chain}]. A region
# whose rules were not read is left out.
rules_by_region(account, keys, info) := {r: rules |
	some r in rule_regions(tl.list(account, "Regions"), keys.global)
	m := account.Monitoring[r]
	is_array(m.EventRules)
	rules := [{"rule": rule, "error": i.error, "fixed": i.fixed, "hits": i.hits, "chain": target_chain(rule)} |
		some rule in m.EventRules
		i := info[rule.EventPattern]
		i.relevant
	]
}

# account_patterns are the event patterns of the account's rules in the regions that may matter.
account_patterns(account, keys) := {p |
	some r in rule_regions(tl.list(account, "Regions"), keys.global)
	rules := account.Monitoring[r].EventRules
	is_array(rules)
	some rule in rules
	p := rule.EventPattern
	p != null
}

# pattern_info is what trailguard makes of one event pattern, once per control: whether it may
# catch an event of the control at all (relevant), the error that keeps it from judging it (null
# when it can), whether it is fixed (fixed_event_pattern), and for a fixed pattern it can judge
# the eventIDs it matches (hits).
pattern_info(p, keys, events) := {"relevant": false} if {
	not may_catch(p, keys)
} else := {"relevant": true, "error": err, "fixed": fixed, "hits": hits} if {
	err := trailguard.events.pattern_error(p)
	fixed := fixed_event_pattern(p)
	hits := pattern_hits(p, err, fixed, events)
}

pattern_hits(p, err, fixed, events) := {e.eventID |
	some e in events
	trailguard.events.matches(p, envelope(e, e.recipientAccountId, e.awsRegion))
} if {
	err == null
	fixed
} else := set()

# fixed_event_pattern holds for an event pattern that names no field whose value depends on the
# account or region (account, region, recipientAccountId, awsRegion, accountId): an event pattern
# looks only at the fields it names, so it matches the canonical envelope of a record exactly when
# it matches the account's, in any region.
fixed_event_pattern(p) := true if {
	text := pattern_text(p)
	not contains(text, "ccount")
	not contains(text, "egion")
} else := false

pattern_text(p) := p if is_string(p) else := json.marshal(p)

# rule_regions are the regions whose rules may matter: us-east-1 alone when every event of the
# control is a global service's.
rule_regions(regions, global) := [r | some r in regions; r == "us-east-1"] if {
	global
} else := regions

# may_catch is false when the pattern's plain lists (of exact strings) of source, detail-type,
# detail.eventSource or detail.eventName leave out every value the keys allow; any pattern that
# is not an object (a string that is not JSON) is left to the builtin.
may_catch(p, keys) if {
	is_object(p)
	not excludes(p, "source", keys.sources)
	not excludes(p, "detail-type", keys.types)
	detail := object.get(p, "detail", {})
	not excludes(detail, "eventSource", keys.event_sources)
	not excludes(detail, "eventName", keys.names)
} else := true if {
	is_string(p)
}

# excludes holds for a non-empty list of exact strings none of which is among the values (a list
# with a matcher, such as {"prefix": ...}, is left to the builtin).
excludes(obj, key, values) if {
	is_object(obj)
	list := obj[key]
	is_array(list)
	count(list) > 0
	every v in list {
		is_string(v)
		not v in values
	}
}

# delivered_by_region are, by region, the events a rule there surely delivers (its pattern judged
# and matching, enabled for the event, a target that delivers): one plain pass over the rules,
# before any event is looked at in detail.
delivered_by_region(acct, rules, keys, events) := {r: surely_delivered(acct, r, xs, keys, events) | some r, xs in rules}

surely_delivered(acct, r, xs, keys, events) := {id |
	some x in xs
	x.fixed
	x.error == null
	x.chain.state == "delivers"
	x.rule.State == all_events_state
	some id in x.hits
} | {id |
	some x in xs
	x.fixed
	x.error == null
	x.chain.state == "delivers"
	x.rule.State == "ENABLED"
	some id in x.hits
	not id in keys.read_only
} | {e.eventID |
	some x in xs
	not x.fixed
	x.error == null
	x.chain.state == "delivers"
	some e in events
	receives_surely(x.rule.State, e)
	trailguard.events.matches(x.rule.EventPattern, envelope(e, acct, r))
}

receives_surely(state, e) if {
	state == all_events_state
} else := true if {
	state == "ENABLED"
	not e.readOnly == true
}

# eb_outcome is the event's outcome on the EventBridge path: the account's Monitoring and regions
# must be known, and a rule must deliver it in every region it is needed in.
eb_outcome(acct, account, rules, keys, e) := unknown if {
	not is_object(account.Monitoring)
} else := uncovered("no EventBridge rule can be seen catching {it}: its events reach EventBridge in us-east-1, which was not scanned") if {
	# A global service's events reach EventBridge in us-east-1 only. Not scanning it is the
	# user's choice, not a failed call (no gap says so): the control is reported, with why.
	e.eventSource in global_sources
	not "us-east-1" in tl.list(account, "Regions")
} else := o if {
	needed := needed_regions(e, tl.list(account, "Regions"))
	event := keys.by_event[e.eventID]
	outs := {r: region_outcome(acct, r, rules, event, e) | some r in needed}
	o := all_regions(e, needed, outs)
} else := unknown

# region_outcome is the event's outcome among the rules of one region.
region_outcome(acct, r, rules, keys, e) := unknown if {
	not rules[r]
} else := region_best([v | some x in rules[r]; v := rule_verdict(x, acct, r, keys, e)])

# rule_hit holds when the rule's pattern (judged) matches the event: a fixed pattern's hits, else
# matched against the account's envelope in the rule's region.
rule_hit(x, acct, r, e) if {
	x.fixed
	e.eventID in x.hits
} else := true if {
	not x.fixed
	trailguard.events.matches(x.rule.EventPattern, envelope(e, acct, r))
}

# rule_verdict is what one rule ({rule, error, fixed, hits, chain}, as rules_by_region gives it) does
# with the event: undefined when it does not catch it. A pattern trailguard cannot judge counts
# for the events its plain lists do not leave out (keys: the event's, as event_keys).
rule_verdict(x, acct, r, keys, e) := unjudged([sprintf("cannot judge EventBridge rule %s in %s: %s", [rule_name(x.rule), r, x.error])]) if {
	x.error != null
	may_catch(x.rule.EventPattern, keys)
	receives(x.rule, e)
	x.chain.state != "broken"
} else := v if {
	x.error == null
	rule_hit(x, acct, r, e)
	v := caught_by(x.rule, x.chain, e, r)
}

# receives holds when the rule is enabled for the event (or its state was not read).
receives(rule, e) if {
	rule.State == all_events_state
} else := true if {
	rule.State == "ENABLED"
	not e.readOnly == true
} else := true if {
	not is_string(rule.State)
}

caught_by(rule, chain, e, r) := rule_broken(rule, r, ["it is disabled"]) if {
	rule.State == "DISABLED"
} else := rule_broken(rule, r, [sprintf("it gets no read-only events (its state is ENABLED, not %s)", [all_events_state])]) if {
	rule.State == "ENABLED"
	e.readOnly == true
} else := unknown if {
	not rule.State in {"ENABLED", all_events_state}
} else := delivered_by(rule, r, chain)

delivered_by(rule, r, chain) := {"s": "covered", "rule": rule_name(rule)} if {
	chain.state == "delivers"
} else := unknown if {
	chain.state == "unknown"
} else := rule_broken(rule, r, chain.problems)

rule_broken(rule, r, problems) := {"s": "uncovered", "problems": [{"rule": rule_name(rule), "problem": concat(", ", problems)}]}

rule_name(rule) := object.get(rule, "Name", "(unnamed)")

target_chain(rule) := unread_link if {
	not is_array(rule.Targets)
} else := best_chain([action_chain(t.Arn) | some t in rule.Targets], ["it has no target"])

# region_best is the best of the rules' verdicts in one region.
region_best(verdicts) := {"s": "covered", "rules": {x.rule | some x in verdicts; x.s == "covered"}} if {
	some v in verdicts
	v.s == "covered"
} else := unjudged(sort({c | some x in verdicts; x.s == "unjudged"; some c in x.cannot})) if {
	some v in verdicts
	v.s == "unjudged"
} else := unknown if {
	some v in verdicts
	v.s == "unknown"
} else := {"s": "uncovered", "problems": {p | some x in verdicts; some p in x.problems}}

# all_regions: EventBridge covers the event when every region it is needed in does.
all_regions(e, needed, outs) := uncovered(regions_why(e, needed, outs)) if {
	some r in needed
	outs[r].s == "uncovered"
} else := covered if {
	every r in needed {
		outs[r].s == "covered"
	}
} else := unjudged(sort({c | some q in needed; outs[q].s == "unjudged"; some c in outs[q].cannot})) if {
	some r in needed
	outs[r].s == "unjudged"
} else := unknown

# regions_why says where EventBridge misses the event: "EventBridge rule sg-watch covers
# eu-west-1 only (us-east-1 has none)", "no EventBridge rule catches it", or what breaks the rules
# that catch it.
regions_why(e, needed, outs) := sprintf("EventBridge %s %s only (%s)", [
	listing("rule", "covers", "rules", "cover", {n | some r in good; some n in outs[r].rules}),
	concat(", ", good),
	concat("; ", array.concat(have_none(none), problems)),
]) if {
	good := sort([r | some r in needed; outs[r].s == "covered"])
	count(good) > 0
	none := sort([r | some r in needed; outs[r].s == "uncovered"; count(outs[r].problems) == 0])
	problems := rule_problems(needed, outs)
} else := "no EventBridge rule catches {it}" if {
	not e.eventSource in global_sources
	every r in needed {
		outs[r].s == "uncovered"
		count(outs[r].problems) == 0
	}
} else := concat("; ", array.concat(
	rule_problems(needed, outs),
	none_catches(sort([r | some r in needed; outs[r].s == "uncovered"; count(outs[r].problems) == 0])),
))

# rule_problems say what breaks the rules that catch the event where it is not covered, a rule
# broken the same way in several regions once: "EventBridge rule r in eu-west-1, us-east-1
# catches it, but it has no target".
rule_problems(needed, outs) := sort({sprintf("EventBridge rule %s in %s catches {it}, but %s", [k[0], concat(", ", regions), k[1]]) |
	some k in {[p.rule, p.problem] | some r in needed; outs[r].s == "uncovered"; some p in outs[r].problems}
	regions := sort({r |
		some r in needed
		outs[r].s == "uncovered"
		some p in outs[r].problems
		[p.rule, p.problem] == k
	})
})

have_none(regions) := [] if {
	count(regions) == 0
} else := [sprintf("%s has none", [regions[0]])] if {
	count(regions) == 1
} else := [sprintf("%s have none", [concat(", ", regions)])]

none_catches(regions) := [] if {
	count(regions) == 0
} else := [sprintf("no EventBridge rule catches {it} in %s", [concat(", ", regions)])]

# ---------------------------------------------------------------------------------------------
# AWS Config (TG120-TG122)

# config_of is the AWS Config part of the account's Monitoring in region r: {Recorders,
# RecorderStatuses, DeliveryChannels, DeliveryChannelStatuses}, each left out when it was not read.
config_of(account, r) := c if {
	c := account.Monitoring[r].Config
	is_object(c)
}

# service_linked holds for a recorder an AWS service owns (RecordingScope INTERNAL, or the name
# AWS gives those recorders): it records for that service, not for the account.
service_linked(recorder) if {
	recorder.RecordingScope == "INTERNAL"
} else := true if {
	is_string(recorder.Name)
	startswith(recorder.Name, "AWSConfigurationRecorderFor")
}

# own_recorders are the recorders of a region that are not service-linked; undefined when the
# recorders were not read.
own_recorders(c) := [x | some x in c.Recorders; not service_linked(x)] if is_array(c.Recorders)

# recording holds when one of the recorders has a status that says it is recording.
recording(own, statuses) if {
	some x in own
	some s in statuses
	s.Name == x.Name
	s.Recording == true
}

# not_recording says why AWS Config does not record in region r for the account itself; undefined
# when it does, or when the recorders or their statuses were not read.
not_recording(account, r) := why if {
	c := config_of(account, r)
	own := own_recorders(c)
	statuses := c.RecorderStatuses
	is_array(statuses)
	not recording(own, statuses)
	why := stopped_why(c.Recorders, own, statuses)
}

stopped_why(all, own, statuses) := "no configuration recorder" if {
	count(all) == 0
} else := sprintf("only the service-linked recorder%s %s", [plural(all), concat(", ", sort({x.Name | some x in all}))]) if {
	count(own) == 0
} else := concat(", ", sort({recorder_state(x, statuses) | some x in own}))

recorder_state(x, statuses) := sprintf("recorder %s is stopped%s", [x.Name, last_error(s)]) if {
	some s in statuses
	s.Name == x.Name
} else := sprintf("recorder %s has no status", [x.Name])

last_error(s) := sprintf(" (last error: %s)", [s.LastErrorCode]) if {
	is_string(s.LastErrorCode)
	s.LastErrorCode != ""
} else := ""

plural(xs) := "" if count(xs) == 1 else := "s"

# recording_regions are the account's recording regions: those where a recorder of its own is recording.
recording_regions(account) := {r |
	some r in tl.list(account, "Regions")
	c := config_of(account, r)
	own := own_recorders(c)
	statuses := c.RecorderStatuses
	is_array(statuses)
	recording(own, statuses)
}

# The recording strategy of a recorder's RecordingGroup: ALL_SUPPORTED_RESOURCE_TYPES,
# EXCLUSION_BY_RESOURCE_TYPES or INCLUSION_BY_RESOURCE_TYPES, as RecordingStrategy.UseOnly says,
# else as AllSupported and the lists imply.
strategy(group) := s if {
	s := group.RecordingStrategy.UseOnly
	is_string(s)
} else := s if {
	s := group.RecordingStrategy
	is_string(s)
} else := "ALL_SUPPORTED_RESOURCE_TYPES" if {
	group.AllSupported == true
} else := "EXCLUSION_BY_RESOURCE_TYPES" if {
	count(exclusions(group)) > 0
} else := "INCLUSION_BY_RESOURCE_TYPES"

exclusions(group) := list if {
	list := group.ExclusionByResourceTypes
	is_array(list)
} else := list if {
	list := group.ExclusionByResourceTypes.ResourceTypes
	is_array(list)
} else := []

iam_types := {"AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::Role", "AWS::IAM::Policy"}

# audit_types are the resource types of the audit chain a recorder must not leave out.
audit_types := ["AWS::CloudTrail::Trail", "AWS::S3::Bucket", "AWS::KMS::Key"]

# records_iam holds when a recording group records global IAM resource types.
records_iam(group) if {
	strategy(group) == "ALL_SUPPORTED_RESOURCE_TYPES"
	group.IncludeGlobalResourceTypes == true
} else := true if {
	strategy(group) == "EXCLUSION_BY_RESOURCE_TYPES"
	some t in iam_types
	not t in exclusions(group)
} else := true if {
	strategy(group) == "INCLUSION_BY_RESOURCE_TYPES"
	some t in tl.list(group, "ResourceTypes")
	is_string(t)
	startswith(t, "AWS::IAM::")
}

# left_out says which audit resource types a recording group leaves out, and how: "excludes
# AWS::KMS::Key", "does not record AWS::CloudTrail::Trail, AWS::S3::Bucket"; undefined when it
# records them all, or has no recording group (null: AWS's default, every supported type).
left_out(group) := sprintf("excludes %s", [concat(", ", missing)]) if {
	is_object(group)
	strategy(group) == "EXCLUSION_BY_RESOURCE_TYPES"
	missing := [t | some t in audit_types; t in exclusions(group)]
	count(missing) > 0
} else := sprintf("does not record %s", [concat(", ", missing)]) if {
	is_object(group)
	strategy(group) == "INCLUSION_BY_RESOURCE_TYPES"
	missing := [t | some t in audit_types; not t in tl.list(group, "ResourceTypes")]
	count(missing) > 0
}

# delivery_problems say why a region's delivery channel does not deliver: none, or a last history
# or snapshot delivery that failed (statuses judged only when they were read); empty when it
# delivers, undefined when the channels were not read.
delivery_problems(c) := ["no delivery channel"] if {
	is_array(c.DeliveryChannels)
	count(c.DeliveryChannels) == 0
} else := problems if {
	is_array(c.DeliveryChannels)
	problems := sort({sprintf("the last %s delivery of channel %s failed%s", [label, s.Name, last_error(info)]) |
		some s in tl.list(c, "DeliveryChannelStatuses")
		some field, label in {"ConfigHistoryDeliveryInfo": "configuration history", "ConfigSnapshotDeliveryInfo": "configuration snapshot"}
		info := s[field]
		is_string(info.LastStatus)
		lower(info.LastStatus) == "failure"
	})
}
