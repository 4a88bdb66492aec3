package trailguard.lib_monitoring_test

import data.trailguard.lib.monitoring
import data.trailguard.lib.monitoring_events
import rego.v1

# A snapshot of one account (two regions) whose multi-region trail sends its events to log group
# CloudTrail/org, built from the filters, alarms, topics and EventBridge rules a test gives.

acct := "111122223333"

trail_arn := "arn:aws:cloudtrail:us-east-1:111122223333:trail/org"

group_arn := "arn:aws:logs:us-east-1:111122223333:log-group:CloudTrail/org"

topic_arn := "arn:aws:sns:us-east-1:111122223333:ops-alerts"

alarm_arn(name) := sprintf("arn:aws:cloudwatch:us-east-1:111122223333:alarm:%s", [name])

trail := {
	"Name": "org", "AccountId": acct, "HomeRegion": "us-east-1",
	"IsMultiRegionTrail": true, "IsOrganizationTrail": false, "Status": {"IsLogging": true},
	"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true}],
	"AdvancedEventSelectors": null,
	"CloudWatchLogsLogGroupArn": sprintf("%s:*", [group_arn]),
}

filter(name, pattern, alarms) := {
	"FilterName": name, "FilterPattern": pattern,
	"MetricTransformations": [{
		"MetricName": name, "MetricNamespace": "CIS", "MetricValue": "1",
		"AlarmArns": [alarm_arn(a) | some a in alarms],
	}],
}

alarm(name, actions) := {
	"AlarmArn": alarm_arn(name), "AlarmName": name, "AccountId": acct, "Region": "us-east-1",
	"MetricName": name, "Namespace": "CIS", "ActionsEnabled": true, "AlarmActions": actions,
}

topic(confirmed) := {
	"TopicArn": topic_arn, "AccountId": acct, "Region": "us-east-1", "Attributes": {},
	"Subscriptions": [{
		"SubscriptionArn": sprintf("%s:0f1e2d3c", [topic_arn]), "Protocol": "email",
		"Endpoint": "ops@example.com", "Confirmed": confirmed,
	}],
}

log_group(filters) := {
	"Arn": group_arn, "AccountId": acct, "Region": "us-east-1", "LogGroupName": "CloudTrail/org",
	"Settings": {}, "MetricFilters": filters,
}

# rules maps each region to its EventBridge rules.
snapshot(filters, alarms, topics, rules) := {
	"accounts": {acct: {
		"AccountId": acct, "Regions": ["eu-west-1", "us-east-1"], "TrailArns": [trail_arn],
		"Monitoring": {r: {"EventRules": list} | some r, list in rules},
	}},
	"trails": {trail_arn: trail},
	"log_groups": {group_arn: log_group(filters)},
	"alarms": {a.AlarmArn: a | some a in alarms},
	"topics": {t.TopicArn: t | some t in topics},
}

no_rules := {"eu-west-1": [], "us-east-1": []}

event_rule(name, pattern, targets) := {
	"Name": name, "Arn": sprintf("arn:aws:events:us-east-1:111122223333:rule/%s", [name]),
	"State": "ENABLED", "EventPattern": pattern,
	"Targets": [{"Id": sprintf("t%d", [i]), "Arn": arn} | some i, arn in targets],
}

reference(id) := monitoring_events.controls[id].reference_filter

# alerted is a snapshot where filter `pattern` feeds an alarm that notifies a live topic.
alerted(pattern) := snapshot([filter("watch", pattern, ["watch"])], [alarm("watch", [topic_arn])], [topic(true)], no_rules)

# with_key is snap with its `key` replaced (object.union would merge the two values).
with_key(snap, key, value) := object.union(object.remove(snap, [key]), {key: value})

findings(id, snap) := f if {
	f := monitoring.findings(monitoring_events.controls[id]) with input as snap
}

# ---------------------------------------------------------------------------------------------
# CloudWatch Logs: metric filters judged by what they catch

test_allow_reference_filter_with_alarm_and_subscriber if {
	count(findings("TG104", alerted(reference("TG104")))) == 0
}

test_allow_every_reference_filter if {
	failing := {id |
		some id, _ in monitoring_events.controls
		count(findings(id, alerted(reference(id)))) > 0
	}
	failing == set()
}

test_allow_filter_written_other_ways if {
	variants := [
		# clauses reordered
		`{($.eventName=StopLogging) || ($.eventName=StartLogging) || ($.eventName=DeleteTrail) || ($.eventName=UpdateTrail) || ($.eventName=CreateTrail)}`,
		# quoted values, spaces
		`{ ($.eventName = "CreateTrail") || ($.eventName = "UpdateTrail") || ($.eventName = "DeleteTrail") || ($.eventName = "StartLogging") || ($.eventName = "StopLogging") }`,
		# regular expressions
		`{ ($.eventSource = "cloudtrail.amazonaws.com") && (($.eventName = %Trail$%) || ($.eventName = %Logging$%)) }`,
		# wildcards, no parentheses
		`{ $.eventName = "*Trail" || $.eventName = "*Logging" }`,
	]
	failing := [p |
		some p in variants
		count(findings("TG104", alerted(p))) > 0
	]
	failing == []
}

test_deny_typo_in_event_name if {
	typo := `{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLoging)}`
	findings("TG104", alerted(typo)) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to CloudTrail configuration changes: StopLogging (tg104-stoplogging): no metric filter on log group CloudTrail/org catches it — filter watch misses it; no EventBridge rule catches it",
	}}
}

test_deny_filters_that_miss if {
	snap := snapshot(
		[
			filter("signin-watch", `{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed = "Yes" }`, ["watch"]),
			filter("root-watch", reference("TG102"), ["watch"]),
		],
		[alarm("watch", [topic_arn])], [topic(true)], no_rules,
	)
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): no metric filter on log group CloudTrail/org catches it — filters root-watch, signin-watch miss it; no EventBridge rule catches it",
	}}
}

test_deny_every_event_grouped if {
	snap := snapshot([], [], [], no_rules)
	findings("TG106", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to disabling or scheduled deletion of customer managed KMS keys: DisableKey (tg106-disablekey), ScheduleKeyDeletion (tg106-schedulekeydeletion): log group CloudTrail/org has no metric filter; no EventBridge rule catches them",
	}}
}

test_allow_filter_for_this_account_only if {
	# A pattern with a digit is matched again for each account: this one names the account.
	pattern := `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.recipientAccountId = "111122223333") }`
	count(findings("TG101", alerted(pattern))) == 0
}

test_deny_filter_for_another_account if {
	pattern := `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.recipientAccountId = "444455556666") }`
	findings("TG101", alerted(pattern)) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): no metric filter on log group CloudTrail/org catches it — filter watch misses it; no EventBridge rule catches it",
	}}
}

test_deny_organization_log_group_judged_per_account if {
	# Two accounts share the management account's trail and log group; the filter only catches
	# the member account's sign-ins.
	member := "444455556666"
	pattern := `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.recipientAccountId = "444455556666") }`
	base := alerted(pattern)
	snap := object.union(base, {"accounts": {member: {
		"AccountId": member, "Regions": ["us-east-1"], "TrailArns": [trail_arn],
		"Monitoring": {"us-east-1": {"EventRules": []}},
	}}})
	{f.resource | some f in findings("TG101", snap)} == {"AWS::::Account:111122223333"}
}

# ---------------------------------------------------------------------------------------------
# CloudWatch Logs: the alarm and its actions

test_deny_alarm_without_actions if {
	snap := snapshot([filter("signin-watch", reference("TG101"), ["no-mfa"])], [alarm("no-mfa", [])], [], no_rules)
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): filter signin-watch on log group CloudTrail/org catches it, but alarm no-mfa has no action; no EventBridge rule catches it",
	}}
}

test_deny_alarm_actions_disabled if {
	off := object.union(alarm("no-mfa", [topic_arn]), {"ActionsEnabled": false})
	snap := snapshot([filter("signin-watch", reference("TG101"), ["no-mfa"])], [off], [topic(true)], no_rules)
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): filter signin-watch on log group CloudTrail/org catches it, but alarm no-mfa's actions are disabled; no EventBridge rule catches it",
	}}
}

test_deny_topic_without_confirmed_subscription if {
	snap := snapshot([filter("signin-watch", reference("TG101"), ["no-mfa"])], [alarm("no-mfa", [topic_arn])], [topic(false)], no_rules)
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): filter signin-watch on log group CloudTrail/org catches it, but topic ops-alerts has no confirmed subscription; no EventBridge rule catches it",
	}}
}

test_deny_topic_does_not_exist if {
	gone := object.union(topic(true), {"Attributes": null, "Subscriptions": []})
	snap := snapshot([filter("signin-watch", reference("TG101"), ["no-mfa"])], [alarm("no-mfa", [topic_arn])], [gone], no_rules)
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): filter signin-watch on log group CloudTrail/org catches it, but topic ops-alerts does not exist; no EventBridge rule catches it",
	}}
}

test_deny_metric_without_alarm if {
	snap := snapshot([filter("signin-watch", reference("TG101"), [])], [], [], no_rules)
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): filter signin-watch on log group CloudTrail/org catches it, but no alarm watches its metric CIS/signin-watch; no EventBridge rule catches it",
	}}
}

test_allow_action_that_is_not_a_topic if {
	opsitem := "arn:aws:ssm:us-east-1:111122223333:opsitem:3"
	snap := snapshot([filter("signin-watch", reference("TG101"), ["no-mfa"])], [alarm("no-mfa", [opsitem])], [], no_rules)
	count(findings("TG101", snap)) == 0
}

test_allow_one_good_alarm_among_broken_ones if {
	f := object.union(filter("signin-watch", reference("TG101"), ["silent"]), {"MetricTransformations": [
		{"MetricName": "a", "MetricNamespace": "CIS", "AlarmArns": [alarm_arn("silent"), alarm_arn("loud")]},
	]})
	snap := snapshot([f], [alarm("silent", []), alarm("loud", [topic_arn])], [topic(true)], no_rules)
	count(findings("TG101", snap)) == 0
}

test_deny_log_group_does_not_exist if {
	base := snapshot([], [], [], no_rules)
	snap := object.union(base, {"log_groups": {group_arn: {"Settings": null}}})
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): log group CloudTrail/org does not exist; no EventBridge rule catches it",
	}}
}

test_deny_no_trail_delivers_to_cloudwatch_logs if {
	base := snapshot([filter("signin-watch", reference("TG101"), ["no-mfa"])], [alarm("no-mfa", [topic_arn])], [topic(true)], no_rules)
	snap := object.union(base, {"trails": {trail_arn: {"Status": {"IsLogging": false}}}})
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): no trail that logs every region's management events delivers to CloudWatch Logs; no EventBridge rule catches it",
	}}
}

test_deny_single_region_trail if {
	base := alerted(reference("TG101"))
	snap := object.union(base, {"trails": {trail_arn: {"IsMultiRegionTrail": false}}})
	count(findings("TG101", snap)) == 1
}

test_deny_trail_without_read_events if {
	base := alerted(reference("TG101"))
	snap := object.union(base, {"trails": {trail_arn: {"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}]}}})
	count(findings("TG101", snap)) == 1
}

# ---------------------------------------------------------------------------------------------
# What was not read gives no verdict

test_allow_unknown_metric_filters if {
	base := snapshot([], [], [], no_rules)
	snap := with_key(base, "log_groups", {group_arn: object.remove(log_group([]), ["MetricFilters"])})
	count(findings("TG101", snap)) == 0
}

test_allow_log_group_not_collected if {
	snap := object.remove(snapshot([], [], [], no_rules), ["log_groups"])
	count(findings("TG101", snap)) == 0
}

test_allow_unknown_alarms if {
	f := object.union(filter("signin-watch", reference("TG101"), []), {"MetricTransformations": [{"MetricName": "a", "MetricNamespace": "CIS"}]})
	count(findings("TG101", snapshot([f], [], [], no_rules))) == 0
}

test_allow_alarm_not_collected if {
	snap := snapshot([filter("signin-watch", reference("TG101"), ["no-mfa"])], [], [], no_rules)
	count(findings("TG101", snap)) == 0
}

test_allow_topic_not_collected if {
	snap := snapshot([filter("signin-watch", reference("TG101"), ["no-mfa"])], [alarm("no-mfa", [topic_arn])], [], no_rules)
	count(findings("TG101", snap)) == 0
}

test_allow_unknown_subscriptions if {
	t := object.remove(topic(false), ["Subscriptions"])
	snap := snapshot([filter("signin-watch", reference("TG101"), ["no-mfa"])], [alarm("no-mfa", [topic_arn])], [t], no_rules)
	count(findings("TG101", snap)) == 0
}

test_allow_trail_status_unknown_when_a_filter_catches if {
	snap := with_key(alerted(reference("TG101")), "trails", {trail_arn: object.remove(trail, ["Status"])})
	count(findings("TG101", snap)) == 0
}

test_deny_trail_status_unknown_but_no_filter_catches if {
	snap := with_key(snapshot([], [], [], no_rules), "trails", {trail_arn: object.remove(trail, ["Status"])})
	count(findings("TG101", snap)) == 1
}

test_allow_without_monitoring_and_log_group if {
	# The demo's shape: no Monitoring, trails without CloudWatchLogsLogGroupArn: the EventBridge
	# side is unknown, so no verdict.
	snap := {
		"accounts": {acct: {"AccountId": acct, "Regions": ["us-east-1"], "TrailArns": [trail_arn]}},
		"trails": {trail_arn: object.remove(trail, ["CloudWatchLogsLogGroupArn"])},
	}
	count(findings("TG101", snap)) == 0
}

test_allow_unknown_event_rules if {
	# eu-west-1 has a rule that delivers; us-east-1's rules were not read (left out, or not a list).
	rule := event_rule("signin-watch", signin_pattern, [topic_arn])
	snap := snapshot([], [], [topic(true)], {"eu-west-1": [rule]})
	count(findings("TG101", snap)) == 0
	unread := snapshot([], [], [topic(true)], {"eu-west-1": [rule], "us-east-1": "unread"})
	count(findings("TG101", unread)) == 0
}

test_allow_unlisted_trails if {
	snap := object.union(snapshot([], [], [], no_rules), {"gaps": [{
		"AccountId": acct, "Service": "cloudtrail", "Operation": "DescribeTrails",
		"Region": "us-east-1", "Resource": acct, "ErrorCode": "AccessDenied",
	}]})
	count(findings("TG101", snap)) == 0
}

# ---------------------------------------------------------------------------------------------
# Patterns trailguard cannot judge

test_deny_unparseable_filter_cannot_be_verified if {
	snap := snapshot([filter("signin-watch", `{ $.eventName == "ConsoleLogin" }`, ["no-mfa"])], [alarm("no-mfa", [topic_arn])], [topic(true)], no_rules)
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": sprintf("Account 111122223333: cannot verify that anyone is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): cannot judge filter signin-watch on log group CloudTrail/org: %s", [trailguard.logs.pattern_error(`{ $.eventName == "ConsoleLogin" }`)]),
	}}
}

test_unparseable_filter_error_is_named if {
	err := trailguard.logs.pattern_error(`{ $.eventName == "ConsoleLogin" }`)
	is_string(err)
	startswith(err, "column ")
}

test_deny_unparseable_filter_beside_uncovered_events if {
	snap := snapshot(
		[filter("broken", `{ $.eventName == "DisableKey" }`, ["watch"])],
		[alarm("watch", [topic_arn])], [topic(true)], no_rules,
	)
	err := trailguard.logs.pattern_error(`{ $.eventName == "DisableKey" }`)
	findings("TG106", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": sprintf("Account 111122223333: cannot verify that anyone is alerted to disabling or scheduled deletion of customer managed KMS keys: DisableKey (tg106-disablekey), ScheduleKeyDeletion (tg106-schedulekeydeletion): cannot judge filter broken on log group CloudTrail/org: %s", [err]),
	}}
}

test_allow_unparseable_filter_when_another_delivers if {
	snap := snapshot(
		[filter("broken", `{ $.eventName == "ConsoleLogin" }`, ["watch"]), filter("good", reference("TG101"), ["watch"])],
		[alarm("watch", [topic_arn])], [topic(true)], no_rules,
	)
	count(findings("TG101", snap)) == 0
}

test_allow_unparseable_filter_whose_alarm_has_no_action_is_moot if {
	# Whatever it catches, it alerts no one: the event is plainly not alerted on.
	snap := snapshot([filter("broken", `{ $.eventName == "ConsoleLogin" }`, ["watch"])], [alarm("watch", [])], [], no_rules)
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): no metric filter on log group CloudTrail/org catches it; no EventBridge rule catches it",
	}}
}

test_deny_unparseable_event_pattern if {
	rule := event_rule("signin", "not json", [topic_arn])
	snap := snapshot([], [], [topic(true)], {"eu-west-1": [rule], "us-east-1": [rule]})
	err := trailguard.events.pattern_error("not json")
	is_string(err)
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": sprintf("Account 111122223333: cannot verify that anyone is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): cannot judge EventBridge rule signin in eu-west-1: %s; cannot judge EventBridge rule signin in us-east-1: %s", [err, err]),
	}}
}

# ---------------------------------------------------------------------------------------------
# EventBridge

signin_pattern := {
	"source": ["aws.signin"],
	"detail-type": ["AWS Console Sign In via CloudTrail"],
	"detail": {"eventName": ["ConsoleLogin"], "additionalEventData": {"MFAUsed": [{"anything-but": "Yes"}]}},
}

test_allow_event_rule_in_every_region if {
	rule := event_rule("signin-watch", signin_pattern, [topic_arn])
	snap := snapshot([], [], [topic(true)], {"eu-west-1": [rule], "us-east-1": [rule]})
	count(findings("TG101", snap)) == 0
}

test_allow_event_rule_pattern_as_json_text if {
	rule := event_rule("signin-watch", json.marshal(signin_pattern), ["arn:aws:lambda:us-east-1:111122223333:function:page"])
	snap := snapshot([], [], [], {"eu-west-1": [rule], "us-east-1": [rule]})
	count(findings("TG101", snap)) == 0
}

test_deny_event_rule_in_one_of_two_regions if {
	rule := event_rule("signin-watch", signin_pattern, [topic_arn])
	snap := snapshot([], [], [topic(true)], {"eu-west-1": [rule], "us-east-1": []})
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): log group CloudTrail/org has no metric filter; EventBridge rule signin-watch covers eu-west-1 only (us-east-1 has none)",
	}}
}

test_allow_global_service_event_covered_in_us_east_1 if {
	rule := event_rule("iam-watch", {"source": ["aws.iam"], "detail-type": ["AWS API Call via CloudTrail"]}, [topic_arn])
	snap := snapshot([], [], [topic(true)], {"eu-west-1": [], "us-east-1": [rule]})
	count(findings("TG103", snap)) == 0
}

test_deny_global_service_event_rule_outside_us_east_1 if {
	rule := event_rule("org-watch", {"source": ["aws.organizations"]}, [topic_arn])
	snap := snapshot([], [], [topic(true)], {"eu-west-1": [rule], "us-east-1": []})
	findings := monitoring.findings(monitoring_events.controls.TG114) with input as snap
	count(findings) == 1
	some f in findings
	endswith(f.message, ": log group CloudTrail/org has no metric filter; no EventBridge rule catches them in us-east-1")
}

test_deny_read_only_event_not_delivered_to_enabled_rule if {
	rule := event_rule("root-watch", {"detail": {"userIdentity": {"type": ["Root"]}}}, [topic_arn])
	snap := snapshot([], [], [topic(true)], {"eu-west-1": [rule], "us-east-1": [rule]})
	findings("TG102", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to root user usage: DescribeRegions (tg102-root-cli-describeregions): log group CloudTrail/org has no metric filter; EventBridge rule root-watch in eu-west-1, us-east-1 catches it, but it gets no read-only events (its state is ENABLED, not ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS)",
	}}
}

test_allow_read_only_event_delivered_with_all_management_events if {
	rule := object.union(event_rule("root-watch", {"detail": {"userIdentity": {"type": ["Root"]}}}, [topic_arn]), {"State": "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"})
	snap := snapshot([], [], [topic(true)], {"eu-west-1": [rule], "us-east-1": [rule]})
	count(findings("TG102", snap)) == 0
}

test_deny_disabled_rule_and_rule_without_target if {
	off := object.union(event_rule("signin-off", signin_pattern, [topic_arn]), {"State": "DISABLED"})
	idle := event_rule("signin-idle", signin_pattern, [])
	snap := snapshot([], [], [topic(true)], {"eu-west-1": [off], "us-east-1": [idle]})
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): log group CloudTrail/org has no metric filter; EventBridge rule signin-idle in us-east-1 catches it, but it has no target; EventBridge rule signin-off in eu-west-1 catches it, but it is disabled",
	}}
}

test_deny_rule_target_topic_without_subscriber if {
	rule := event_rule("signin-watch", signin_pattern, [topic_arn])
	good := event_rule("signin-watch", signin_pattern, ["arn:aws:lambda:us-east-1:111122223333:function:page"])
	snap := snapshot([], [], [topic(false)], {"eu-west-1": [good], "us-east-1": [rule]})
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): log group CloudTrail/org has no metric filter; EventBridge rule signin-watch covers eu-west-1 only (EventBridge rule signin-watch in us-east-1 catches it, but topic ops-alerts has no confirmed subscription)",
	}}
}

test_allow_unknown_targets if {
	rule := object.remove(event_rule("signin-watch", signin_pattern, []), ["Targets"])
	snap := snapshot([], [], [], {"eu-west-1": [rule], "us-east-1": [rule]})
	count(findings("TG101", snap)) == 0
}

test_deny_no_rule_in_a_region_whose_rules_were_read if {
	# us-east-1's rules were not read, but eu-west-1 has none that catches the event: a failure
	# whatever us-east-1 holds.
	snap := snapshot([], [], [], {"eu-west-1": []})
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): log group CloudTrail/org has no metric filter; no EventBridge rule catches it in eu-west-1",
	}}
}

test_deny_rule_for_other_events_is_set_aside if {
	rule := event_rule("ec2-state", {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}, [topic_arn])
	snap := snapshot([], [], [topic(true)], {"eu-west-1": [rule], "us-east-1": [rule]})
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): log group CloudTrail/org has no metric filter; no EventBridge rule catches it",
	}}
}

test_allow_both_paths_together if {
	# CloudWatch catches the IAM user's failed sign-in, EventBridge the root's.
	filter_iam := filter("iam-failures", `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") && ($.userIdentity.type = IAMUser) }`, ["watch"])
	rule := event_rule("root-failures", {"source": ["aws.signin"], "detail": {"userIdentity": {"type": ["Root"]}, "errorMessage": ["Failed authentication"]}}, [topic_arn])
	snap := snapshot([filter_iam], [alarm("watch", [topic_arn])], [topic(true)], {"eu-west-1": [rule], "us-east-1": [rule]})
	count(findings("TG105", snap)) == 0
}

# ---------------------------------------------------------------------------------------------
# Patterns that see the account or region are matched per account

test_allow_event_rule_for_this_account if {
	rule := event_rule("signin-watch", object.union(signin_pattern, {"account": [acct]}), [topic_arn])
	snap := snapshot([], [], [topic(true)], {"eu-west-1": [rule], "us-east-1": [rule]})
	count(findings("TG101", snap)) == 0
}

test_deny_event_rule_for_another_account_or_region if {
	elsewhere := event_rule("signin-watch", object.union(signin_pattern, {"account": ["444455556666"]}), [topic_arn])
	ireland := event_rule("signin-ireland", object.union(signin_pattern, {"region": ["eu-west-1"]}), [topic_arn])
	snap := snapshot([], [], [topic(true)], {"eu-west-1": [elsewhere, ireland], "us-east-1": [elsewhere, ireland]})
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): log group CloudTrail/org has no metric filter; EventBridge rule signin-ireland covers eu-west-1 only (us-east-1 has none)",
	}}
}

test_deny_uncovered_events_beside_unverified_ones if {
	bad := {"source": ["aws.s3"], "detail": {"errorCode": [{"bogus": "AccessDenied"}]}}
	rule := object.union(event_rule("s3-denied", bad, [topic_arn]), {"State": "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"})
	snap := snapshot([], [], [topic(true)], {"eu-west-1": [rule], "us-east-1": [rule]})
	err := trailguard.events.pattern_error(bad)
	is_string(err)
	findings("TG100", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": sprintf("Account 111122223333: nobody is alerted to unauthorized API calls: ListUsers (tg100-accessdenied-iam): log group CloudTrail/org has no metric filter; no EventBridge rule catches it in us-east-1. RunInstances (tg100-unauthorizedoperation-ec2), Decrypt (tg100-accessdeniedexception-kms): log group CloudTrail/org has no metric filter; no EventBridge rule catches them. Cannot verify GetBucketAcl (tg100-accessdenied-s3): cannot judge EventBridge rule s3-denied in eu-west-1: %s; cannot judge EventBridge rule s3-denied in us-east-1: %s", [err, err]),
	}}
}

# Regression (review of issue 17): a trail whose delivery to CloudWatch Logs fails still counted
# as delivering, so a perfectly watched log group that receives nothing passed.
test_deny_trail_whose_delivery_to_cloudwatch_logs_fails if {
	base := alerted(reference("TG101"))
	failing := {"IsLogging": true, "LatestCloudWatchLogsDeliveryError": "AccessDeniedException"}
	snap := object.union(base, {"trails": {trail_arn: {"Status": failing}}})
	findings("TG101", snap) == {{
		"resource": "AWS::::Account:111122223333",
		"message": "Account 111122223333: nobody is alerted to console sign-in without MFA: ConsoleLogin (tg101-consolelogin-iamuser-nomfa): trail org's delivery to CloudWatch Logs fails (AccessDeniedException); no EventBridge rule catches it",
	}}
}

test_allow_trail_delivering_to_cloudwatch_logs_without_error if {
	count(findings("TG101", alerted(reference("TG101")))) == 0
}

# Regression (review of issue 17): with us-east-1 not scanned, IAM's events (which reach
# EventBridge there only) gave no verdict at all, with no gap saying why, even where no filter
# caught them: TG103 was silent.
test_deny_global_event_when_us_east_1_is_not_scanned if {
	base := snapshot([], [], [], {"eu-west-1": []})
	snap := object.union(base, {"accounts": {acct: {"Regions": ["eu-west-1"]}}})
	some f in findings("TG103", snap)
	contains(f.message, "log group CloudTrail/org has no metric filter")
	contains(f.message, "no EventBridge rule can be seen catching them: its events reach EventBridge in us-east-1, which was not scanned")
}
