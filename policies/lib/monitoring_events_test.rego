package trailguard.lib.monitoring_events_test

import data.trailguard.lib.monitoring_events
import rego.v1

# The tests collect what is wrong as a set of strings naming the control and the record, print
# it (on standard error) when it is not empty, and then require it to be empty.

control_ids := {sprintf("TG%d", [n]) | some n in numbers.range(100, 115)}

controls := monitoring_events.controls

benign := monitoring_events.benign

# parses holds when trailguard can judge the control's reference filter.
parses(control) if trailguard.logs.pattern_error(control.reference_filter) == null

records := array.concat([e | some c in controls; some e in c.events], benign)

# shown prints a non-empty set of problems under a heading; it holds either way.
shown(heading, problems) if count(problems) == 0

shown(heading, problems) if {
	count(problems) > 0
	print(heading, sort(problems))
}

test_every_control_is_there if {
	# Stops here, silently, where controls cannot be read: regorus evaluates this package along with
	# the rest of trailguard.lib when another test names a rule through `lib.`, and there the rules
	# of sibling packages read as undefined.
	is_object(controls)
	ids := {id | some id, _ in controls}
	problems := {sprintf("missing %s", [id]) | some id in control_ids - ids} | {sprintf("unexpected %s", [id]) | some id in ids - control_ids}
	shown("controls:", problems)
	count(problems) == 0
}

test_every_control_has_events if {
	empty := {id | some id, c in controls; count(c.events) == 0}
	shown("controls without events:", empty)
	count(empty) == 0
}

test_every_reference_filter_parses if {
	errors := {sprintf("%s: %s", [id, err]) |
		some id, c in controls
		err := trailguard.logs.pattern_error(c.reference_filter)
		err != null
	}
	shown("reference filters trailguard cannot judge:", errors)
	count(errors) == 0
}

test_every_reference_filter_catches_its_events if {
	misses := {sprintf("%s misses %s", [id, e.eventID]) |
		some id, c in controls
		parses(c)
		some e in c.events
		not trailguard.logs.matches(c.reference_filter, e)
	}
	shown("events their control's reference filter does not catch:", misses)
	count(misses) == 0
}

test_no_reference_filter_catches_a_benign_record if {
	caught := {sprintf("%s catches %s", [id, e.eventID]) |
		some id, c in controls
		parses(c)
		some e in benign
		trailguard.logs.matches(c.reference_filter, e)
	}
	shown("benign records a reference filter catches:", caught)
	count(caught) == 0
	count(benign) > 0
}

# Every event name a reference filter compares $.eventName with has a record of that name among
# the control's events (the `!=` of a negated name does not count).
test_every_event_name_of_a_reference_filter_has_a_record if {
	uncovered := {sprintf("%s has no %s record", [id, name]) |
		some id, c in controls
		some m in regex.find_all_string_submatch_n(`\$\.eventName\s*=\s*"?([A-Za-z]+)"?`, c.reference_filter, -1)
		name := m[1]
		count([e | some e in c.events; e.eventName == name]) == 0
	}
	shown("event names without a record:", uncovered)
	count(uncovered) == 0
}

test_the_required_kinds_of_record_are_there if {
	events := {id: c.events | some id, c in controls}

	# An AccessDenied and an EC2-style *UnauthorizedOperation.
	some denied in events.TG100
	denied.errorCode == "AccessDenied"
	some unauthorized in events.TG100
	unauthorized.errorCode == "Client.UnauthorizedOperation"

	# A successful IAM user sign-in without MFA.
	some nomfa in events.TG101
	nomfa.userIdentity.type == "IAMUser"
	nomfa.additionalEventData.MFAUsed == "No"
	nomfa.responseElements.ConsoleLogin == "Success"

	# A root sign-in, and a root API call.
	some root_login in events.TG102
	root_login.eventName == "ConsoleLogin"
	root_login.userIdentity.type == "Root"
	some root_call in events.TG102
	root_call.eventType == "AwsApiCall"
	root_call.userIdentity.type == "Root"
	not root_call.userIdentity.invokedBy

	# A failed sign-in.
	some failure in events.TG105
	failure.errorMessage == "Failed authentication"
	failure.responseElements.ConsoleLogin == "Failure"

	# DisableKey and ScheduleKeyDeletion on KMS.
	{e.eventName | some e in events.TG106; e.eventSource == "kms.amazonaws.com"} == {"DisableKey", "ScheduleKeyDeletion"}

	# CloudTrail records the PutBucketLifecycleConfiguration API as PutBucketLifecycle.
	some lifecycle in events.TG115
	lifecycle.eventName == "PutBucketLifecycle"
}

required_fields := {
	"eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
	"userAgent", "requestParameters", "responseElements", "eventID", "readOnly", "eventType",
	"managementEvent", "recipientAccountId", "eventCategory",
}

test_records_are_shaped_as_cloudtrail_writes_them if {
	problems := {sprintf("%s: %s", [e.eventID, p]) | some e in records; some p in shape_problems(e)}
	shown("malformed records:", problems)
	count(problems) == 0
}

shape_problems(e) := {sprintf("lacks %s", [f]) | some f in required_fields; not f in object.keys(e)} | {check[0] |
	some check in [
		["eventVersion is not 1.09", e.eventVersion == "1.09"],
		["recipientAccountId is not 111122223333", e.recipientAccountId == "111122223333"],
		["eventTime is not yyyy-mm-ddThh:mm:ssZ", whole_seconds_utc(e.eventTime)],
		["eventType is not AwsApiCall, AwsConsoleSignIn or AwsServiceEvent", (e.eventType in {"AwsApiCall", "AwsConsoleSignIn", "AwsServiceEvent"})],
		["eventCategory does not follow managementEvent", e.managementEvent == (e.eventCategory == "Management")],
		["a sign-in record that is not AwsConsoleSignIn, or the reverse", (e.eventSource == "signin.amazonaws.com") == (e.eventType == "AwsConsoleSignIn")],
	]
	check[1] == false
}

# whole_seconds_utc holds for a timestamp as CloudTrail writes eventTime: 2025-03-01T03:12:45Z.
whole_seconds_utc(t) := true if {
	count(t) == 20
	substring(t, 10, 1) == "T"
	endswith(t, "Z")
	time.parse_rfc3339_ns(t)
} else := false

test_event_ids_are_unique_and_name_their_control if {
	ids := [e.eventID | some e in records]
	count({id | some id in ids}) == count(ids)
	misnamed := {sprintf("%s: %s", [cid, e.eventID]) |
		some cid, c in controls
		some e in c.events
		not startswith(e.eventID, sprintf("%s-", [lower(cid)]))
	} | {e.eventID | some e in benign; not startswith(e.eventID, "benign-")}
	shown("eventIDs that do not start with their control:", misnamed)
	count(misnamed) == 0
}
