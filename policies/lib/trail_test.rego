package trailguard.lib_trail_test

import data.trailguard.lib.trail as tl
import rego.v1

test_label_and_names if {
	tl.label("arn:a") == "a (arn:a)" with input as {"trails": {"arn:a": {"Name": "a"}}}
	tl.label("arn:x") == "arn:x" with input as {"trails": {}}
	tl.names(["arn:b", "arn:x", "arn:a"]) == "a, arn:x, b" with input as {"trails": {
		"arn:a": {"Name": "a"},
		"arn:b": {"Name": "b"},
	}}
}

test_status if {
	tl.is_logging({"Status": {"IsLogging": true}})
	tl.not_logging({"Status": {"IsLogging": false}})
	not tl.is_logging({})
	not tl.not_logging({})
	not tl.status_known({})
	tl.status_known({"Status": null})
}

test_selectors_known if {
	tl.selectors_known({"EventSelectors": [], "AdvancedEventSelectors": null})
	tl.selectors_known({"EventSelectors": [{"ReadWriteType": "All"}]})
	tl.selectors_known({"AdvancedEventSelectors": [{"FieldSelectors": []}]})
	not tl.selectors_known({})
	not tl.selectors_known({"EventSelectors": []})
}

test_basic_defaults_record_everything if {
	# ReadWriteType and IncludeManagementEvents default to All and true, as in AWS.
	tl.records_all_management({"EventSelectors": [{}]})
}

test_advanced_field_operators if {
	mgmt := {"Field": "eventCategory", "Equals": ["Management"]}
	tl.records_all_management({"AdvancedEventSelectors": [{"FieldSelectors": [mgmt]}]})
	tl.records_all_management({"AdvancedEventSelectors": [
		{"FieldSelectors": [mgmt, {"Field": "readOnly", "Equals": ["true"]}]},
		{"FieldSelectors": [mgmt, {"Field": "readOnly", "NotEquals": ["true"]}]},
	]})
	not tl.records_all_management({"AdvancedEventSelectors": [{"FieldSelectors": [
		mgmt,
		{"Field": "eventSource", "NotStartsWith": ["kms"]},
	]}]})
	not tl.records_all_management({"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "NotEquals": ["Management"]},
	]}]})
	tl.management_problems({"AdvancedEventSelectors": [{"FieldSelectors": [
		mgmt,
		{"Field": "eventSource", "NotStartsWith": ["kms"]},
		{"Field": "eventName", "Equals": ["ConsoleLogin"]},
	]}]}) == ["filters management events on eventName, eventSource"]
}

test_management_problems_split_selectors if {
	# Reads recorded in full, writes only without KMS: the exclusion is the problem.
	tl.management_problems({"EventSelectors": [
		{"ReadWriteType": "ReadOnly"},
		{"ReadWriteType": "WriteOnly", "ExcludeManagementEventSources": ["kms.amazonaws.com"]},
	]}) == ["excludes management events from kms.amazonaws.com"]
	tl.management_problems({"EventSelectors": [{"ReadWriteType": "All"}]}) == []
}

test_covers_all if {
	every v in ["arn:aws:s3", "arn:aws:s3:", "arn:aws:s3:::", "arn:aws-cn:s3", "arn:aws-us-gov:s3:::"] {
		tl.covers_all("AWS::S3::Object", v)
	}
	every v in ["arn:aws:s3:::bucket/", "arn:aws:s3::::", "arn:aws:s3:::b", "arn:aws:lambda", "arn:awsx:s3", "arn:aws", "", 3] {
		not tl.covers_all("AWS::S3::Object", v)
	}
	tl.covers_all("AWS::Lambda::Function", "arn:aws:lambda")
	tl.covers_all("AWS::Lambda::Function", "arn:aws:lambda:")
	not tl.covers_all("AWS::Lambda::Function", "arn:aws:lambda::")
	not tl.covers_all("AWS::Lambda::Function", "arn:aws:lambda:us-east-1")
	not tl.covers_all("AWS::DynamoDB::Table", "arn:aws:dynamodb")
}

test_data_views if {
	trail := {
		"EventSelectors": [
			{"ReadWriteType": "ReadOnly", "DataResources": [
				{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::a/", "arn:aws:s3"]},
				{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda:us-east-1:111111111111:function:f"]},
			]},
			{"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::b/"]}]},
		],
		"AdvancedEventSelectors": [],
	}
	tl.data_views(trail, "AWS::S3::Object") == [
		{"reads": true, "writes": false, "filters": []},
		{"reads": true, "writes": true, "filters": ["resources.ARN"]},
	]
	tl.data_views(trail, "AWS::Lambda::Function") == [{"reads": true, "writes": false, "filters": ["resources.ARN"]}]
	tl.data_directions(trail, "AWS::S3::Object") == {"read"}
	tl.data_directions(trail, "AWS::Lambda::Function") == set()
}

test_advanced_data_views if {
	data_s3 := [
		{"Field": "eventCategory", "Equals": ["Data"]},
		{"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
	]
	trail := {"EventSelectors": [], "AdvancedEventSelectors": [
		{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
		{"FieldSelectors": array.concat(data_s3, [{"Field": "readOnly", "Equals": ["true"]}])},
		{"FieldSelectors": array.concat(data_s3, [
			{"Field": "readOnly", "NotEquals": ["true"]},
			{"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::"]},
			{"Field": "eventName", "NotEquals": ["GetObject"]},
		])},
		{"FieldSelectors": [
			{"Field": "eventCategory", "Equals": ["Data"]},
			{"Field": "resources.type", "Equals": ["AWS::S3::Object"], "NotEquals": ["AWS::S3::Object"]},
		]},
	]}
	tl.data_views(trail, "AWS::S3::Object") == [
		{"reads": true, "writes": false, "filters": []},
		{"reads": false, "writes": true, "filters": ["eventName"]},
	]
	tl.data_directions(trail, "AWS::S3::Object") == {"read"}
	# Management selectors are not data selectors, nor the other way round.
	tl.records_all_management(trail)
	count(tl.advanced_views(trail)) == 1
}

test_data_selector_trails if {
	trails := {
		"arn:a": {"EventSelectors": [{"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::b/"]}]}], "AdvancedEventSelectors": []},
		"arn:b": {"EventSelectors": [], "AdvancedEventSelectors": [{"FieldSelectors": [
			{"Field": "eventCategory", "Equals": ["Data"]},
			{"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
		]}]},
		"arn:c": {"EventSelectors": [{"ReadWriteType": "All", "DataResources": []}], "AdvancedEventSelectors": null},
		"arn:d": {"Name": "unread"},
	}
	found := tl.data_selector_trails with input as {"trails": trails}
	found == {["arn:a", "AWS::S3::Object"], ["arn:b", "AWS::Lambda::Function"]}
	unknown := tl.selectors_unknown with input as {"trails": trails}
	unknown == {"arn:d"}
}

test_time_ns_never_errors if {
	tl.time_ns("2026-11-20T00:00:00Z") == 1795132800000000000
	tl.time_ns("2026-11-20T01:00:00.5+01:00") == 1795132800500000000
	tl.time_ns("2024-02-29T00:00:00Z")
	not tl.time_ns("2026-02-29T00:00:00Z")
	not tl.time_ns("2026-04-31T00:00:00Z")
	not tl.time_ns("1900-02-29T00:00:00Z")
	not tl.time_ns("9999-01-01T00:00:00Z")
	not tl.time_ns("yesterday")
	not tl.time_ns(null)
	tl.time_ns("2026-11-20T00:00:00.123456789Z") == 1795132800123456789
	tl.time_ns("2026-11-19T19:00:00-05:00") == 1795132800000000000
	tl.time_ns("2026-11-19T19:00:00.000-05:00") == 1795132800000000000
	not tl.time_ns("2026-11-20T00:00:00.Z")
	not tl.time_ns("2026-11-20T00:00:00.1234567890Z")
	not tl.time_ns("2026-11-20T24:00:00Z")
	not tl.time_ns("2026-11-20T00:60:00Z")
	not tl.time_ns("2026-00-20T00:00:00Z")
	not tl.time_ns("2026-11-00T00:00:00Z")
	not tl.time_ns("2026-11-20 00:00:00Z")
	not tl.time_ns("2026-11-20T00:00:00+0100")
	not tl.time_ns("2026-11-20T00:00:00+25:00")
	not tl.time_ns("-026-11-20T00:00:00Z")
	not tl.time_ns("2026-1a-20T00:00:00Z")
	not tl.time_ns("2026-11-20T00:00:00ZZ")
}

test_older_than_a_day_uses_collected_at if {
	tl.older_than_a_day("2026-11-18T23:59:59Z") with input as {"collected_at": "2026-11-20T00:00:00Z"}
	not tl.older_than_a_day("2026-11-19T00:00:00Z") with input as {"collected_at": "2026-11-20T00:00:00Z"}
	not tl.older_than_a_day("2026-11-01T00:00:00Z") with input as {"collected_at": "not a time"}
}

test_operation_rules_cover_the_collector if {
	# The operations of trailguard_collect::Operation (crates/trailguard-collect/tests/operations.rs
	# checks this list against the code).
	collector := {
		"account:ListRegions", "organizations:DescribeOrganization", "sts:GetCallerIdentity",
		"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
		"cloudtrail:GetInsightSelectors", "cloudtrail:ListTags", "cloudtrail:ListEventDataStores",
		"cloudtrail:GetEventDataStore",
		"s3:ListBuckets", "s3:GetBucketLocation", "s3:GetBucketPolicy", "s3:GetBucketPolicyStatus",
		"s3:GetPublicAccessBlock", "s3:GetBucketAcl", "s3:GetBucketLogging", "s3:GetBucketVersioning",
		"s3:GetBucketEncryption", "s3:GetObjectLockConfiguration",
		"s3:GetBucketLifecycleConfiguration", "s3:GetBucketTagging", "s3:GetBucketOwnershipControls",
		"s3control:GetPublicAccessBlock",
		"kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListAliases",
		"iam:GetAccountAuthorizationDetails", "iam:ListEntitiesForPolicy", "iam:ListMFADevices",
		"organizations:ListRoots", "organizations:ListChildren", "organizations:ListPolicies",
		"organizations:DescribePolicy", "organizations:ListTargetsForPolicy",
		"logs:DescribeLogGroups", "logs:DescribeMetricFilters", "cloudwatch:DescribeAlarmsForMetric",
		"sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "events:ListRules",
		"events:ListTargetsByRule", "config:DescribeConfigurationRecorders",
		"config:DescribeConfigurationRecorderStatus", "config:DescribeDeliveryChannels",
		"config:DescribeDeliveryChannelStatus",
	}
	{op | some op, _ in tl.operation_rules} == collector
	every _, ids in tl.operation_rules {
		every id in ids {
			regex.match(`^TG[0-9]{3}$`, id)
		}
	}
}

gap_snapshot := {
	"accounts": {"111111111111": {}},
	"trails": {"arn:aws:cloudtrail:us-east-1:111111111111:trail/t": {"Name": "t", "S3BucketName": "b"}},
	"buckets": {},
	"kms_keys": {},
}

test_gap_subject_bucket if {
	tl.gap_subject("b") == "log bucket b" with input as gap_snapshot
}

test_gap_subject_trail if {
	subject := tl.gap_subject("arn:aws:cloudtrail:us-east-1:111111111111:trail/t") with input as gap_snapshot
	subject == "trail t (arn:aws:cloudtrail:us-east-1:111111111111:trail/t)"
}

test_gap_subject_key if {
	subject := tl.gap_subject("arn:aws:kms:us-east-1:111111111111:key/k") with input as gap_snapshot
	subject == "KMS key arn:aws:kms:us-east-1:111111111111:key/k"
}

test_gap_subject_account if {
	tl.gap_subject("111111111111") == "account 111111111111" with input as gap_snapshot
}

test_gap_finding_resource if {
	tl.gap_finding_resource("111111111111", []) == "AWS::::Account:111111111111" with input as gap_snapshot
	tl.gap_finding_resource("b", []) == "arn:aws:s3:::b" with input as gap_snapshot
	tl.gap_finding_resource("b", []) == "arn:aws-cn:s3:::b" with input as object.union(gap_snapshot, {"buckets": {"b": {"Arn": "arn:aws-cn:s3:::b"}}})
	tl.gap_finding_resource("other", [{"Service": "s3", "Operation": "GetBucketAcl"}]) == "arn:aws:s3:::other" with input as gap_snapshot
	tl.gap_finding_resource("111111111111", [{"Service": "s3", "Operation": "ListBuckets"}]) == "AWS::::Account:111111111111" with input as gap_snapshot
	tl.gap_finding_resource("111111111111", [{"Service": "s3", "Operation": "GetBucketAcl"}]) == "AWS::::Account:111111111111" with input as gap_snapshot
	tl.gap_finding_resource("arn:aws:kms:us-east-1:111111111111:key/k", []) == "arn:aws:kms:us-east-1:111111111111:key/k" with input as gap_snapshot
	tl.gap_finding_resource("arn:aws:cloudtrail:us-east-1:111111111111:trail/t", []) == "arn:aws:cloudtrail:us-east-1:111111111111:trail/t" with input as gap_snapshot
	tl.gap_finding_resource("arn:aws:iam::111111111111:user/u", [{"Service": "iam", "Operation": "ListMFADevices"}]) == "arn:aws:iam::111111111111:user/u" with input as gap_snapshot
}

test_highest_severity_reads_the_engine_data if {
	meta := {"A": {"severity": "low"}, "B": {"severity": "critical"}, "C": {"severity": "medium"}}
	tl.highest_severity(["A", "C"]) == "medium" with data.trailguard.rules_meta as meta
	tl.highest_severity(["A", "B", "C"]) == "critical" with data.trailguard.rules_meta as meta
	tl.highest_severity(["A", "NOT-LOADED"]) == "low" with data.trailguard.rules_meta as meta
	not tl.highest_severity(["NOT-LOADED"]) with data.trailguard.rules_meta as meta
	not tl.highest_severity([]) with data.trailguard.rules_meta as meta
}

test_gaps_by_resource_falls_back_to_the_account if {
	index := tl.gaps_by_resource with input as {"gaps": [
		{"AccountId": "111111111111", "Service": "sts", "Operation": "GetCallerIdentity", "Resource": ""},
		{"AccountId": "111111111111", "Service": "s3", "Operation": "GetBucketAcl", "Resource": "logs"},
	]}
	index == {
		"111111111111": {{"AccountId": "111111111111", "Service": "sts", "Operation": "GetCallerIdentity", "Resource": ""}},
		"logs": {{"AccountId": "111111111111", "Service": "s3", "Operation": "GetBucketAcl", "Resource": "logs"}},
	}
}

test_trail_list_unknown if {
	tl.trail_list_unknown == {"111111111111"} with input as {"gaps": [
		{"AccountId": "111111111111", "Service": "cloudtrail", "Operation": "DescribeTrails"},
		{"AccountId": "222222222222", "Service": "cloudtrail", "Operation": "GetTrailStatus"},
	]}
}

test_day_before_collection if {
	tl.day_before_collection == "2026-11-19T00:00:00Z" with input as {"collected_at": "2026-11-20T00:00:00Z"}
	tl.day_before_collection == "2026-11-19T01:00:00Z" with input as {"collected_at": "2026-11-20T02:00:00+01:00"}
	not tl.day_before_collection with input as {"collected_at": "2026-11-20T00:00:00.5Z"}
	not tl.day_before_collection with input as {"collected_at": "not a time"}
}

test_plainly_records_all_management_agrees if {
	trails := {
		"arn:plain": {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "ExcludeManagementEventSources": []}]},
		"arn:defaults": {"EventSelectors": [{}]},
		"arn:excluded": {"EventSelectors": [{"ExcludeManagementEventSources": ["kms.amazonaws.com"]}]},
		"arn:split": {"EventSelectors": [{"ReadWriteType": "ReadOnly"}, {"ReadWriteType": "WriteOnly"}]},
		"arn:advanced": {"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]},
	}
	plain := tl.plainly_records_all_management with input as {"trails": trails}
	plain == {"arn:plain", "arn:defaults"}

	# Every trail it takes records all management events (the converse need not hold).
	every arn in plain {
		tl.records_all_management(trails[arn])
	}
}
