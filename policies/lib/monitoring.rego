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
import rego.v1

# A control is covered in an account when every canonical event of the control
# (data.trailguard.lib.monitoring_events.controls[ID].events) is caught by a chain that delivers:
#
# - CloudWatch: a trail of the account (TrailArns) that is logging, multi-region, records every
#   read and write management event and sends them to a log group (delivering_trails: that
#   judgement is made here); a metric filter of that log group whose pattern catches the event; an
#   alarm on the filter's metric with its actions enabled and at least one action; the action a
#   live SNS topic (it exists and has a confirmed subscription) or anything else (a Lambda
#   function, an SSM OpsItem, ...: taken to deliver).
# - EventBridge: in every collected region of the account (only us-east-1 for the events of
#   global services, which EventBridge receives there), an enabled rule whose pattern matches the
#   event as EventBridge wraps a CloudTrail record, with a target (a live SNS topic, or anything
#   else). A rule in state ENABLED does not receive read-only management events; one in state
#   ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS does.
#
# The chains are followed by the builtin trailguard.monitoring.coverage (crate
# trailguard-monitoring; policies/README.md documents it): it judges which trails deliver to
# CloudWatch Logs once per snapshot (the judgement of delivering_trails below, which a
# differential test holds it to), writes the account's id into each record (recipientAccountId,
# userIdentity.accountId), matches filters in the record's own region and EventBridge rules in
# theirs, and says, per account, which events nothing delivers and why ("{it}" standing for the
# events), and which only a pattern trailguard cannot judge might deliver. A link the collector
# could not read (a field left out, a log group, alarm or topic not in the snapshot, an account's
# Monitoring, an incomplete trail list) may have delivered: such an event gets no verdict (TG090
# reports the gap). Judging the chains here, in Rego, cost 0.3-1 s per control on a
# 2,000-account organisation, and judging the trails 20-40 ms per control.

# ---------------------------------------------------------------------------------------------
# Findings

# findings(control) are the findings of a monitoring control (TG100-TG115: one of
# data.trailguard.lib.monitoring_events.controls, each rule importing its own): one per account
# where an event of the control reaches no one, or where a pattern trailguard cannot judge leaves
# it unverified.
findings(control) := {lib.finding(lib.account_resource(acct), message(acct, control, gaps)) |
	some acct, gaps in trailguard.monitoring.coverage(input, control.events)
}

# message words the account's gaps; each group's `said` names its events and what breaks:
# "StopLogging (tg104-stoplogging), DeleteTrail (tg104-deletetrail): no metric filter ... catches
# them; no EventBridge rule catches them".
message(acct, control, gaps) := sprintf("Account %s: nobody is alerted to %s: %s", [
	acct, control.title,
	concat(". ", array.concat(
		[g.said | some g in gaps.uncovered],
		[sprintf("Cannot verify %s", [g.said]) | some g in gaps.unjudged],
	)),
]) if {
	count(gaps.uncovered) > 0
} else := sprintf("Account %s: cannot verify that anyone is alerted to %s: %s", [
	acct, control.title,
	concat(". ", [g.said | some g in gaps.unjudged]),
])

# ---------------------------------------------------------------------------------------------
# CloudWatch Logs: which trails deliver (the builtin's judgement, in Rego, for custom policies;
# crates/trailguard-engine/tests/monitoring_trails.rs checks that the two agree)

# delivering_trails are the trails that do (state "delivers"), may (state "maybe": their status or
# selectors were not read), or should but fail to (state "failing") send every region's management
# events to a log group, by ARN: {log_group, state, name, error}, where log_group is the group's
# key in input.log_groups (the trail's CloudWatchLogsLogGroupArn without its trailing ":*").
delivering_trails(trails) := {arn: {"log_group": trim_suffix(group, ":*"), "state": state, "name": object.get(trail, "Name", arn), "error": object.get(object.get(trail, "Status", {}), "LatestCloudWatchLogsDeliveryError", "")} |
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
} else := "delivers" if {
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
