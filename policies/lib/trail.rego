# METADATA
# title: trailguard trail helpers
# description: >-
#   Helpers shared by the rules about trails (TG001-TG011, TG050) and by TG090: trail labels,
#   logging status, what the event selectors record, timestamps, and which rules each collector
#   operation feeds.
package trailguard.lib.trail

import data.trailguard.lib
import rego.v1

# ---------------------------------------------------------------------------------------------
# Names

# name_of is a trail's name, or its ARN when the trail is not in the snapshot.
name_of(arn) := input.trails[arn].Name if {
	is_string(input.trails[arn].Name)
} else := arn

# label names a trail for a message: "main (arn:aws:cloudtrail:...:trail/main)".
label(arn) := sprintf("%s (%s)", [input.trails[arn].Name, arn]) if {
	is_string(input.trails[arn].Name)
} else := arn

# names joins the names of a collection of trail ARNs, sorted (ARNs for trails not in the snapshot).
names(arns) := concat(", ", sort([name_of(arn) | some arn in arns]))

# list is obj[key] when it is an array, else the empty list (the key absent, or null).
list(obj, key) := v if {
	v := obj[key]
	is_array(v)
} else := []

# account_trail_arns are the trails that apply to an account (its own and organisation trails).
account_trail_arns(account) := list(account, "TrailArns")

# ---------------------------------------------------------------------------------------------
# Logging status (GetTrailStatus)

# status_known holds when GetTrailStatus was read for the trail (Status is then an object, or
# null). Same as lib.has(trail, "Status"), in one body: it runs once per trail.
status_known(trail) if object.get(trail, "Status", 0) != 0

# is_logging holds when the trail is known to be logging.
is_logging(trail) if trail.Status.IsLogging == true

# not_logging holds when the trail is known to be stopped.
not_logging(trail) if trail.Status.IsLogging == false

# trail_list_unknown are the accounts where listing the trails failed somewhere, so their
# TrailArns may miss trails: account-wide verdicts (TG001, TG002) cannot be given for them.
trail_list_unknown contains g.AccountId if {
	some g in input.gaps
	g.Service == "cloudtrail"
	g.Operation == "DescribeTrails"
}

# ---------------------------------------------------------------------------------------------
# Event selectors (GetEventSelectors)

# selectors_known holds when the trail's event selectors were read. AWS returns basic or advanced
# selectors, never both, so one non-empty list is the whole picture.
selectors_known(trail) if {
	object.get(trail, "EventSelectors", 0) != 0
	object.get(trail, "AdvancedEventSelectors", 0) != 0
} else := true if {
	count(list(trail, "EventSelectors")) > 0
} else := true if {
	count(list(trail, "AdvancedEventSelectors")) > 0
}

# management_views describe every selector that records management events, basic or advanced, as
# {reads, writes, sources, filters}: whether it records read and write events, the event sources
# it excludes, and the other fields it filters on (advanced selectors).
management_views(trail) := array.concat(basic_views(trail), advanced_views(trail))

basic_views(trail) := [v |
	some s in list(trail, "EventSelectors")
	object.get(s, "IncludeManagementEvents", true) == true
	rw := object.get(s, "ReadWriteType", "All")
	v := {
		"reads": rw in {"All", "ReadOnly"},
		"writes": rw in {"All", "WriteOnly"},
		"sources": sort(list(s, "ExcludeManagementEventSources")),
		"filters": [],
	}
]

advanced_views(trail) := [v |
	some sel in list(trail, "AdvancedEventSelectors")
	fss := list(sel, "FieldSelectors")
	advanced_management(fss)
	v := {
		"reads": admits(fss, "readOnly", "true"),
		"writes": admits(fss, "readOnly", "false"),
		"sources": sort({src |
			some fs in fss
			source_exclusion(fs)
			some src in list(fs, "NotEquals")
		}),
		"filters": sort({fs.Field |
			some fs in fss
			not fs.Field in {"eventCategory", "readOnly"}
			not source_exclusion(fs)
		}),
	}
]

# advanced_management holds when an advanced selector's field selectors pick management events.
advanced_management(fss) if {
	some fs in fss
	fs.Field == "eventCategory"
	not field_excludes(fss, "eventCategory", "Management")
}

# source_exclusion holds for an eventSource field selector that only lists sources to leave out.
source_exclusion(fs) if {
	fs.Field == "eventSource"
	count(list(fs, "NotEquals")) > 0
	every op in ["Equals", "StartsWith", "EndsWith", "NotStartsWith", "NotEndsWith"] {
		count(list(fs, op)) == 0
	}
}

# admits is true when every field selector on `field` lets `value` through, else false.
admits(fss, field, value) := false if {
	field_excludes(fss, field, value)
} else := true

field_excludes(fss, field, value) if {
	some fs in fss
	fs.Field == field
	excluded_by(fs, value)
}

# excluded_by holds when one of the field selector's conditions rejects the value (they all must
# hold for an event to be recorded).
excluded_by(fs, v) if {
	eq := list(fs, "Equals")
	count(eq) > 0
	not v in eq
} else := true if {
	prefixes := list(fs, "StartsWith")
	count(prefixes) > 0
	not any_prefix(v, prefixes)
} else := true if {
	suffixes := list(fs, "EndsWith")
	count(suffixes) > 0
	not any_suffix(v, suffixes)
} else := true if {
	v in list(fs, "NotEquals")
} else := true if {
	any_prefix(v, list(fs, "NotStartsWith"))
} else := true if {
	any_suffix(v, list(fs, "NotEndsWith"))
}

any_prefix(v, prefixes) if {
	some p in prefixes
	startswith(v, p)
}

any_suffix(v, suffixes) if {
	some s in suffixes
	endswith(v, s)
}

# unfiltered holds for a management view that records every event source.
unfiltered(view) if {
	count(view.sources) == 0
	count(view.filters) == 0
}

# plainly_records_all_management are the trails with one basic event selector that records every
# read and write management event from every source: the usual configuration, for which
# records_all_management holds and management_problems is empty. Plain comparisons over all trails
# at once, so rules can take these trails out before calling the functions below on the others.
plainly_records_all_management contains arn if {
	some arn, trail in input.trails
	selectors := trail.EventSelectors
	is_array(selectors)
	some s in selectors
	object.get(s, "IncludeManagementEvents", true) == true
	object.get(s, "ReadWriteType", "All") == "All"
	object.get(s, "ExcludeManagementEventSources", []) in {[], null}
}

# records_all_management holds when the trail's selectors record every read and every write
# management event, from every source (possibly split over several selectors).
records_all_management(trail) if all_management(management_views(trail))

all_management(views) if {
	some r in views
	r.reads
	unfiltered(r)
	some w in views
	w.writes
	unfiltered(w)
}

# management_problems says, in words, why a trail whose selectors are known does not record all
# management events; empty when it does.
management_problems(trail) := problems_of(management_views(trail))

problems_of(views) := [] if {
	all_management(views)
} else := ["records no management events"] if {
	count(views) == 0
} else := problems if {
	sources := sort({s | some v in views; some s in v.sources})
	filters := sort({f | some v in views; some f in v.filters})
	candidates := [
		[not_any(views, "reads"), "records only write management events"],
		[not_any(views, "writes"), "records only read management events"],
		[count(sources) > 0, sprintf("excludes management events from %s", [concat(", ", sources)])],
		[count(filters) > 0, sprintf("filters management events on %s", [concat(", ", filters)])],
	]
	found := [text | some c in candidates; c[0]; text := c[1]]
	problems := fallback(found)
}

not_any(views, key) := false if {
	some v in views
	v[key]
} else := true

fallback(found) := found if {
	count(found) > 0
} else := ["does not record every management event"]

# ---------------------------------------------------------------------------------------------
# Data events (TG007, TG008)

# data_resource_arns describes, per data resource type the rules judge, the ARNs of its resources:
# the service in them and how many colon-separated parts lead up to the resource's own name
# (arn:aws:s3:::BUCKET/KEY, arn:aws:lambda:REGION:ACCOUNT:function:NAME).
data_resource_arns := {
	"AWS::S3::Object": {"service": "s3", "parts": 6},
	"AWS::Lambda::Function": {"service": "lambda", "parts": 4},
}

# covers_all(type, v) holds when v, a basic selector's data resource value or an advanced
# selector's resources.ARN prefix, is a prefix of every ARN of that resource type, in any
# partition: "arn:aws:s3" (what AWS documents) or "arn:aws:s3:::" for every S3 object,
# "arn:aws:lambda" or "arn:aws:lambda:" for every Lambda function. "arn:aws:s3:::bucket/" covers
# one bucket only.
covers_all(type, v) if {
	shape := data_resource_arns[type]
	is_string(v)
	parts := split(v, ":")
	count(parts) >= 3
	count(parts) <= shape.parts
	parts[0] == "arn"
	partition(parts[1])
	parts[2] == shape.service
	every p in array.slice(parts, 3, count(parts)) {
		p == ""
	}
}

partition(p) if {
	p == "aws"
} else := true if {
	startswith(p, "aws-")
}

# data_views describe every selector of the trail that records data events on resources of
# `type` ("AWS::S3::Object", "AWS::Lambda::Function"), basic or advanced, as {reads, writes,
# filters}: whether it records read and write events, and the fields that narrow it to fewer than
# all resources of the type (resources.ARN for basic values that name some resources only; any
# field of an advanced selector but eventCategory, resources.type and readOnly, except a
# resources.ARN prefix that covers all).
data_views(trail, type) := array.concat(basic_data_views(trail, type), advanced_data_views(trail, type))

basic_data_views(trail, type) := [v |
	some s in list(trail, "EventSelectors")
	some dr in list(s, "DataResources")
	dr.Type == type
	rw := object.get(s, "ReadWriteType", "All")
	v := {
		"reads": rw in {"All", "ReadOnly"},
		"writes": rw in {"All", "WriteOnly"},
		"filters": basic_data_filters(type, list(dr, "Values")),
	}
]

basic_data_filters(type, values) := [] if {
	some v in values
	covers_all(type, v)
} else := ["resources.ARN"]

advanced_data_views(trail, type) := [v |
	some sel in list(trail, "AdvancedEventSelectors")
	fss := list(sel, "FieldSelectors")
	advanced_data(fss, type)
	v := {
		"reads": admits(fss, "readOnly", "true"),
		"writes": admits(fss, "readOnly", "false"),
		"filters": sort({fs.Field |
			some fs in fss
			not fs.Field in {"eventCategory", "resources.type", "readOnly"}
			not arn_prefix_covers_all(fs, type)
		}),
	}
]

# advanced_data holds when an advanced selector's field selectors pick data events on resources of
# `type`: eventCategory lets "Data" through and resources.type names the type (AWS requires both
# fields in a data event selector).
advanced_data(fss, type) if {
	some c in fss
	c.Field == "eventCategory"
	not field_excludes(fss, "eventCategory", "Data")
	some t in fss
	t.Field == "resources.type"
	type in list(t, "Equals")
	not field_excludes(fss, "resources.type", type)
}

# arn_prefix_covers_all holds for a resources.ARN field selector whose only condition is a list of
# prefixes, one of which covers every resource of the type ("arn:aws:s3:::").
arn_prefix_covers_all(fs, type) if {
	fs.Field == "resources.ARN"
	some p in list(fs, "StartsWith")
	covers_all(type, p)
	every op in ["Equals", "EndsWith", "NotEquals", "NotStartsWith", "NotEndsWith"] {
		count(list(fs, op)) == 0
	}
}

# data_directions are the directions, "read" and "write", in which the trail's selectors record
# the data events of every resource of `type` (possibly split over several selectors). Lambda's
# Invoke is a write.
data_directions(trail, type) := {d |
	some v in data_views(trail, type)
	count(v.filters) == 0
	some d, on in {"read": v.reads, "write": v.writes}
	on
}

# data_selector_trails are [arn, type] for every trail with a selector that names data resources
# of `type` (a basic DataResources entry, or an advanced resources.type Equals): the only trails
# for which data_directions may be non-empty. Plain comparisons over all trails at once, so rules
# call data_directions for these trails only.
data_selector_trails contains [arn, dr.Type] if {
	some arn, trail in input.trails
	selectors := trail.EventSelectors
	is_array(selectors)
	some s in selectors
	resources := s.DataResources
	is_array(resources)
	some dr in resources
}

data_selector_trails contains [arn, type] if {
	some arn, trail in input.trails
	selectors := trail.AdvancedEventSelectors
	is_array(selectors)
	some sel in selectors
	fss := sel.FieldSelectors
	is_array(fss)
	some fs in fss
	fs.Field == "resources.type"
	types := fs.Equals
	is_array(types)
	some type in types
}

# selectors_unknown are the trails whose event selectors were not read (GetEventSelectors failed:
# a gap, TG090's business). Plain comparisons pick the trails missing a field; selectors_known
# judges those.
selectors_unknown contains arn if {
	some arn, trail in input.trails
	some field in ["EventSelectors", "AdvancedEventSelectors"]
	object.get(trail, field, 0) == 0
	not selectors_known(trail)
}

# ---------------------------------------------------------------------------------------------
# Time

# day_ns is 24 hours in nanoseconds.
day_ns := ((24 * 60) * 60) * 1000000000

# time_ns parses an RFC 3339 timestamp ("2026-11-20T00:00:00Z", "2026-11-20T01:00:00.5+01:00");
# undefined, never an evaluation error, for anything else. The checks are plain string operations
# (a regular expression per call is several times slower over many trails).
time_ns(s) := time.parse_rfc3339_ns(s) if {
	is_string(s)
	count(s) >= 20
	valid_date(s)
	valid_clock(s)
	valid_zone(substring(s, 19, count(s) - 19))
}

# valid_date checks YYYY-MM-DD against the calendar (no 31 April, 30 February, or 29 February
# of a common year) and keeps the year where nanoseconds since 1970 fit in 64 bits.
valid_date(s) if {
	substring(s, 4, 1) == "-"
	substring(s, 7, 1) == "-"
	substring(s, 10, 1) == "T"
	year := number(substring(s, 0, 4))
	year > 1677
	year < 2262
	month := number(substring(s, 5, 2))
	month >= 1
	month <= 12
	day := number(substring(s, 8, 2))
	day >= 1
	day <= days_in_month(year, month)
}

# valid_clock checks hh:mm:ss.
valid_clock(s) if {
	substring(s, 13, 1) == ":"
	substring(s, 16, 1) == ":"
	number(substring(s, 11, 2)) <= 23
	number(substring(s, 14, 2)) <= 59
	number(substring(s, 17, 2)) <= 59
}

# valid_zone checks what follows the seconds: optional fraction (1-9 digits), then Z or +hh:mm.
valid_zone(z) if {
	z == "Z"
} else := true if {
	offset(z)
} else := true if {
	startswith(z, ".")
	endswith(z, "Z")
	fraction(substring(z, 1, count(z) - 2))
} else := true if {
	startswith(z, ".")
	count(z) > 7
	offset(substring(z, count(z) - 6, 6))
	fraction(substring(z, 1, count(z) - 7))
}

offset(z) if {
	count(z) == 6
	substring(z, 0, 1) in {"+", "-"}
	substring(z, 3, 1) == ":"
	number(substring(z, 1, 2)) <= 23
	number(substring(z, 4, 2)) <= 59
}

fraction(f) if {
	count(f) >= 1
	count(f) <= 9
	number(f)
}

# number reads a non-empty run of decimal digits, which may start with zeros ("08"); undefined
# for anything else (to_number would fail on leading zeros or signs).
number(t) := n if {
	t != ""
	trim_left(t, "0123456789") == ""
	n := digits(t)
}

digits(t) := to_number(u) if {
	u := trim_left(t, "0")
	u != ""
} else := 0

days_in_month(year, month) := 30 if {
	month in {4, 6, 9, 11}
} else := 29 if {
	month == 2
	leap_year(year)
} else := 28 if {
	month == 2
} else := 31

leap_year(year) if {
	year % 400 == 0
} else := true if {
	year % 4 == 0
	year % 100 != 0
}

# collected_ns is when the snapshot was collected; undefined when collected_at is not a timestamp.
collected_ns := time_ns(input.collected_at)

# older_than_a_day holds when timestamp t is more than 24 h before the snapshot was collected.
older_than_a_day(t) if {
	collected_ns - time_ns(t) > day_ns
}

# day_before_collection is collected_at minus 24 h, as "YYYY-MM-DDTHH:MM:SSZ"; undefined when
# collected_at is not a timestamp or has a fraction of a second. It lets a rule clear most
# timestamps without parsing them: a string of exactly 20 characters that time_ns accepts has that
# same shape (UTC, no fraction), and two such strings compare as the times they name. So for such
# a t, t >= day_before_collection proves older_than_a_day(t) false (t valid and recent, or
# invalid: undefined either way); any other t must take older_than_a_day.
day_before_collection := s if {
	s := time.format(collected_ns - day_ns)
	count(s) == 20
}

# ---------------------------------------------------------------------------------------------
# Gaps (TG090)

# operation_rules maps each "service:Operation" the collector calls (exactly those of
# trailguard_collect::Operation; a test keeps the two equal) to the rules that need what it
# returns, and so cannot judge a resource when it failed on it.
operation_rules := {
	"account:ListRegions": trail_rules,
	"cloudtrail:DescribeTrails": trail_rules,
	"cloudtrail:GetTrailStatus": ["TG001", "TG002", "TG003", "TG005"],
	"cloudtrail:GetEventSelectors": ["TG002", "TG006", "TG007", "TG008"],
	"cloudtrail:GetInsightSelectors": ["TG009"],
	"cloudtrail:ListTags": ["TG011"],
	"cloudtrail:ListEventDataStores": ["TG013"],
	"cloudtrail:GetEventDataStore": ["TG013"],
	"s3:ListBuckets": ["TG038"],
	"s3:GetBucketLocation": ["TG005", "TG026"],
	"s3:GetBucketPolicy": ["TG030", "TG036", "TG037", "TG041"],
	"s3:GetBucketPolicyStatus": ["TG030"],
	"s3:GetPublicAccessBlock": ["TG031"],
	"s3:GetBucketAcl": ["TG030"],
	"s3:GetBucketLogging": ["TG032"],
	"s3:GetBucketVersioning": ["TG033", "TG034"],
	"s3:GetBucketEncryption": ["TG021"],
	"s3:GetObjectLockConfiguration": ["TG035"],
	"s3:GetBucketLifecycleConfiguration": ["TG039"],
	"s3:GetBucketTagging": ["TG040"],
	"s3:GetBucketOwnershipControls": ["TG042"],
	"s3control:GetPublicAccessBlock": ["TG031"],
	"kms:DescribeKey": ["TG021", "TG022", "TG023"],
	"kms:GetKeyPolicy": ["TG012", "TG024", "TG025", "TG026", "TG066"],
	"kms:GetKeyRotationStatus": ["TG022"],
	"kms:ListAliases": [],
	"iam:GetAccountAuthorizationDetails": ["TG053", "TG060", "TG061", "TG062", "TG063", "TG064", "TG065", "TG066"],
	"iam:ListEntitiesForPolicy": ["TG060", "TG061", "TG062"],
	"iam:ListMFADevices": ["TG061"],
	"organizations:DescribeOrganization": ["TG010", "TG063", "TG065", "TG066"],
	"organizations:ListRoots": guardrail_rules,
	"organizations:ListChildren": guardrail_rules,
	"organizations:ListPolicies": guardrail_rules,
	"organizations:DescribePolicy": guardrail_rules,
	"organizations:ListTargetsForPolicy": guardrail_rules,
	"sts:GetCallerIdentity": ["TG001", "TG002", "TG010", "TG038"],
	"logs:DescribeLogGroups": ["TG051", "TG052"],
	"logs:DescribeMetricFilters": monitoring_rules,
	"cloudwatch:DescribeAlarmsForMetric": monitoring_rules,
	"sns:GetTopicAttributes": array.concat(["TG012"], monitoring_rules),
	"sns:ListSubscriptionsByTopic": monitoring_rules,
	"events:ListRules": monitoring_rules,
	"events:ListTargetsByRule": monitoring_rules,
	"config:DescribeConfigurationRecorders": ["TG120", "TG121"],
	"config:DescribeConfigurationRecorderStatus": ["TG120"],
	"config:DescribeDeliveryChannels": ["TG122"],
	"config:DescribeDeliveryChannelStatus": ["TG122"],
}

# monitoring_rules judge the chain that alerts on the trail's events: a log group's metric
# filters, the alarms on their metrics, the topics they notify, EventBridge rules.
monitoring_rules := [
	"TG100", "TG101", "TG102", "TG103", "TG104", "TG105", "TG106", "TG107", "TG108", "TG109",
	"TG110", "TG111", "TG112", "TG113", "TG114", "TG115",
]

# guardrail_rules weigh the organisation's service and resource control policies: without them
# their findings in member accounts hold "unless a service control policy denies it".
guardrail_rules := ["TG063", "TG065", "TG066"]

# trail_rules need the trail list and DescribeTrails' fields.
trail_rules := [
	"TG001", "TG002", "TG003", "TG004", "TG005", "TG006", "TG007", "TG008", "TG009", "TG010",
	"TG011", "TG020", "TG021", "TG050",
]

# gaps_by_resource groups the gaps by the resource they are about (the account when a gap names
# none), built once.
gaps_by_resource[r] contains g if {
	some g in input.gaps
	r := gap_resource(g)
}

gap_resource(g) := g.Resource if {
	g.Resource != ""
} else := g.AccountId

# gap_subject names a gap's resource for a message, by what the snapshot knows it to be.
gap_subject(r) := sprintf("log bucket %s", [r]) if {
	is_bucket(r)
} else := sprintf("trail %s", [label(r)]) if {
	is_trail(r)
} else := sprintf("KMS key %s", [r]) if {
	is_key(r)
} else := sprintf("account %s", [r]) if {
	is_account(r)
} else := sprintf("organisation %s", [r]) if {
	is_organization(r)
} else := sprintf("log group %s", [r]) if {
	input.log_groups[r]
} else := sprintf("SNS topic %s", [r]) if {
	input.topics[r]
} else := r

# gap_finding_resource is the resource a TG090 finding about r names, given the gaps about r: the
# form the other rules name that resource by, so that one waiver and one alert follow a resource
# whatever rule reports it. A bucket by its ARN (arn:aws:s3:::NAME), an account in Security Hub's
# form (AWS::::Account:ID), trails, keys and IAM entities by the ARN the gap names.
gap_finding_resource(r, gaps) := bucket_arn(r) if {
	is_bucket(r)
} else := lib.account_resource(r) if {
	not is_trail(r)
	not is_key(r)
	is_account(r)
} else := bucket_arn(r) if {
	bucket_call_on(r, gaps)
} else := organization_arn(r) if {
	is_organization(r)
} else := r

# is_organization holds for an organisation id (o-...).
is_organization(r) if regex.match(`^o-[a-z0-9]{10,32}$`, r)

# organization_arn is an organisation's ARN (arn:aws:organizations::MANAGEMENT:organization/ID),
# its management account as a collected account of it names it; the id when none does.
organization_arn(id) := arn if {
	managers := {o.MasterAccountId |
		some a in input.accounts
		o := a.Organization
		is_object(o)
		o.Id == id
		o.MasterAccountId != ""
	}
	count(managers) == 1
	some manager in managers
	arn := sprintf("arn:aws:organizations::%s:organization/%s", [manager, id])
} else := id

# bucket_call_on holds when r, neither an ARN nor an account, is the resource of an S3 bucket
# call (every s3 operation but ListBuckets, which is about the account): a bucket the snapshot
# does not otherwise know.
bucket_call_on(r, gaps) if {
	not startswith(r, "arn:")
	some g in gaps
	g.Service == "s3"
	g.Operation != "ListBuckets"
}

# bucket_arn is a bucket's ARN, as the snapshot holds it or as AWS writes it.
bucket_arn(name) := arn if {
	arn := input.buckets[name].Arn
	is_string(arn)
	arn != ""
} else := sprintf("arn:aws:s3:::%s", [name])

# severity_rank orders the severities a rule's METADATA may declare.
severity_rank := {"low": 1, "medium": 2, "high": 3, "critical": 4}

# highest_severity is the most severe METADATA severity among the rules `ids`, as the engine
# gives each loaded rule's: data.trailguard.rules_meta[ID].severity. Rules that are not loaded
# are left out; undefined when none of them is.
highest_severity(ids) := s if {
	ranks := {rank |
		some id in ids
		rank := severity_rank[data.trailguard.rules_meta[id].severity]
	}
	count(ranks) > 0
	some s, rank in severity_rank
	rank == max(ranks)
}

is_bucket(r) if {
	input.buckets[r]
} else := true if {
	data.trailguard.lib.trails_by_bucket[r]
}

is_trail(r) if {
	input.trails[r]
} else := true if {
	startswith(r, "arn:")
	contains(r, ":cloudtrail:")
}

is_key(r) if {
	input.kms_keys[r]
} else := true if {
	data.trailguard.lib.trails_by_key[r]
} else := true if {
	startswith(r, "arn:")
	contains(r, ":kms:")
}

is_account(r) if {
	input.accounts[r]
} else := true if {
	count(r) == 12
	trim_left(r, "0123456789") == ""
}
