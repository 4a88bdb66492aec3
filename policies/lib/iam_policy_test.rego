package trailguard.lib_policy_test

import data.trailguard.lib.policy
import rego.v1

test_as_list_takes_every_shape if {
	policy.as_list("s3:*") == ["s3:*"]
	policy.as_list(["a", "b"]) == ["a", "b"]
	policy.as_list(null) == []
}

test_statements_single_object_or_list if {
	policy.statements({"Statement": {"Sid": "a"}}) == [{"Sid": "a"}]
	policy.statements({"Statement": [{"Sid": "a"}, {"Sid": "b"}]}) == [{"Sid": "a"}, {"Sid": "b"}]
	policy.statements(null) == []
	policy.statements({}) == []
}

test_statement_name_sid_or_index if {
	policy.statement_name({"Sid": "Write"}, 3) == "statement \"Write\""
	policy.statement_name({}, 3) == "Statement[3]"
	policy.statement_name({"Sid": ""}, 0) == "Statement[0]"
}

test_principal_is_wildcard if {
	policy.principal_is_wildcard({"Principal": "*"})
	policy.principal_is_wildcard({"Principal": {"AWS": "*"}})
	policy.principal_is_wildcard({"Principal": {"AWS": ["arn:aws:iam::111111111111:root", "*"]}})
	not policy.principal_is_wildcard({"Principal": {"AWS": "arn:aws:iam::111111111111:root"}})
	not policy.principal_is_wildcard({"Principal": {"Service": "*"}})
	not policy.principal_is_wildcard({})
}

test_has_service_from_string_or_list_any_case if {
	policy.has_service({"Principal": {"Service": "CloudTrail.amazonaws.com"}}, "cloudtrail.amazonaws.com")
	policy.has_service({"Principal": {"Service": ["config.amazonaws.com", "cloudtrail.amazonaws.com"]}}, "cloudtrail.amazonaws.com")
	not policy.has_service({"Principal": {"Service": "config.amazonaws.com"}}, "cloudtrail.amazonaws.com")
	not policy.has_service({"Principal": "*"}, "cloudtrail.amazonaws.com")
	not policy.has_service({}, "cloudtrail.amazonaws.com")
}

test_actions_lower_case if {
	policy.actions({"Action": ["S3:PutObject", "s3:GetObject"]}) == {"s3:putobject", "s3:getobject"}
	policy.actions({"Action": "s3:*"}) == {"s3:*"}
	policy.actions({"NotAction": "s3:*"}) == set()
}

test_allows_action_wildcards_ignore_case if {
	policy.allows_action({"Action": "s3:PutObject"}, "s3:PutObject")
	policy.allows_action({"Action": "S3:putobject"}, "s3:PutObject")
	policy.allows_action({"Action": ["s3:GetBucketAcl", "s3:Put*"]}, "s3:PutObject")
	policy.allows_action({"Action": "s3:*"}, "s3:PutObject")
	policy.allows_action({"Action": "*"}, "s3:PutObject")
	not policy.allows_action({"Action": "s3:GetObject"}, "s3:PutObject")
	not policy.allows_action({"NotAction": "s3:GetObject"}, "s3:PutObject")
}

test_covers_service if {
	policy.covers_service({"Action": "*"}, "s3")
	policy.covers_service({"Action": "s3:*"}, "s3")
	policy.covers_service({"Action": ["S3:*"]}, "s3")
	policy.covers_service({"Action": "s3*"}, "s3")
	policy.covers_service({"Action": "*:*"}, "s3")
	policy.covers_service({"Action": "s?:*"}, "s3")
	policy.covers_service({"Action": "s3:**"}, "s3")
	not policy.covers_service({"Action": "s3:?*"}, "s3")
	not policy.covers_service({"Action": "*:Get*"}, "s3")
	not policy.covers_service({"Action": "s3:Get*"}, "s3")
	not policy.covers_service({"Action": "s3:GetObject"}, "s3")
	not policy.covers_service({"Action": "kms:*"}, "s3")
	not policy.covers_service({}, "s3")
}

test_condition_keys_ignore_case if {
	st := {"Condition": {
		"StringEquals": {"AWS:SourceArn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"},
		"Bool": {"aws:SecureTransport": "false"},
	}}
	policy.condition_keys(st) == {"aws:sourcearn", "aws:securetransport"}
	policy.has_condition(st)
	not policy.has_condition({})
	not policy.has_condition({"Condition": {}})
}

test_condition_values if {
	st := {"Condition": {
		"BoolIfExists": {"aws:securetransport": ["false"]},
		"Bool": {"AWS:SecureTransport": false},
		"StringEquals": {"aws:SecureTransport": "true"},
	}}
	vals := policy.condition_values(st, {"bool", "boolifexists"}, "aws:SecureTransport")
	count(vals) == 2
	"false" in vals
	false in vals
	policy.condition_values({}, {"bool"}, "aws:SecureTransport") == []
}

test_is_false if {
	policy.is_false(false)
	policy.is_false("false")
	policy.is_false("False")
	not policy.is_false(true)
	not policy.is_false("true")
	not policy.is_false(0)
}

test_action_matches_every_shape if {
	policy.action_matches("s3:PutObject", "s3:putobject")
	policy.action_matches("*", "s3:PutObject")
	policy.action_matches("S3:Put*", "s3:PutObject")
	policy.action_matches("s3:P?tObj*", "s3:PutObject")
	policy.action_matches("s3:*Object", "s3:PutObject")
	policy.action_matches("s3:Put**", "s3:PutObject")
	not policy.action_matches("s3:Get*", "s3:PutObject")
	not policy.action_matches("s3:*Acl", "s3:PutObject")
	not policy.action_matches("s3:PutObjectAcl", "s3:PutObject")
	not policy.action_matches("s3", "s3:PutObject")
}

trail := "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

test_covers_action_with_action_or_not_action if {
	policy.covers_action({"Action": "CloudTrail:Stop*"}, "cloudtrail:StopLogging")
	policy.covers_action({"Action": ["s3:*", "cloudtrail:St?pLogging"]}, "cloudtrail:StopLogging")
	not policy.covers_action({"Action": "cloudtrail:*Trail"}, "cloudtrail:StopLogging")
	policy.covers_action({"NotAction": "iam:*"}, "cloudtrail:StopLogging")
	not policy.covers_action({"NotAction": ["iam:*", "cloudtrail:Stop*"]}, "cloudtrail:StopLogging")
	not policy.covers_action({"Resource": "*"}, "cloudtrail:StopLogging")
}

test_covers_resource_segment_by_segment if {
	policy.covers_resource({"Resource": "*"}, trail)
	policy.covers_resource({"Resource": "arn:aws:cloudtrail:*:111111111111:trail/*"}, trail)
	policy.covers_resource({"Resource": "arn:aws:s3:::logs/*"}, "arn:aws:s3:::logs/AWSLogs/1/x.json.gz")
	not policy.covers_resource({"Resource": "arn:aws:s3:::logs"}, "arn:aws:s3:::logs/AWSLogs/1/x.json.gz")
	not policy.covers_resource({"Resource": "arn:aws:cloudtrail:*:111111111111:trail/MAIN"}, trail)
	# A wildcard never spans the colons between an ARN's first five segments.
	not policy.covers_resource({"Resource": "arn:aws:*/main"}, trail)
	not policy.covers_resource({"NotResource": trail}, trail)
	policy.covers_resource({"NotResource": "arn:aws:cloudtrail:*:*:trail/other"}, trail)
	# A resource policy statement without either applies to its own resource.
	policy.covers_resource({"Effect": "Allow"}, trail)
}

test_principal_accounts if {
	policy.principal_accounts({"Principal": {"AWS": ["arn:aws:iam::999999999999:root", "111111111111", "*"]}}) == {"999999999999", "111111111111", "*"}
	policy.principal_accounts({"Principal": {"Service": "cloudtrail.amazonaws.com"}}) == set()
	policy.principal_accounts({"Principal": "*"}) == set()
}

test_unknown_condition_keys_are_those_not_given if {
	st := {"Condition": {"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:PrincipalOrgID": "o-1"}}}
	policy.unknown_condition_keys(st, {}) == {"aws:securetransport", "aws:principalorgid"}
	policy.unknown_condition_keys(st, {"aws:securetransport": true}) == {"aws:principalorgid"}
	policy.unknown_condition_keys({"Effect": "Allow"}, {}) == set()
}

test_outsiders_are_anyone_or_other_untrusted_accounts if {
	policy.outsiders({"Principal": "*"}, "111111111111", []) == {"anyone"}
	st := {"Principal": {"AWS": ["arn:aws:iam::111111111111:root", "222222222222", "arn:aws:iam::333333333333:role/x"]}}
	policy.outsiders(st, "111111111111", []) == {"account 222222222222", "account 333333333333"}
	policy.outsiders(st, "111111111111", ["333333333333"]) == {"account 222222222222"}
	policy.outsiders({"Principal": {"Service": "cloudtrail.amazonaws.com"}}, "111111111111", []) == set()
}

# The builtin behind outsiders and open_statements says what the Rego helpers principal_is_wildcard
# and principal_accounts say (a differential test over the principals' shapes: the helpers were
# outsiders' own implementation before it moved to Rust).
principal_shapes := [
	"*",
	{"AWS": "*"},
	{"AWS": ["arn:aws:iam::222222222222:root", "*"]},
	{"AWS": "arn:aws:iam::111111111111:root"},
	{"AWS": ["arn:aws:iam::222222222222:root", "arn:aws:iam::222222222222:role/admin", "333333333333"]},
	{"AWS": ["111111111111", "arn:aws:sts::444444444444:assumed-role/r/s", "arn:aws:iam::"]},
	{"AWS": "79a59df900b949e55d96a1e698fbace"},
	{"AWS": "12345678901"},
	{"AWS": null},
	{"AWS": []},
	{"Service": "cloudtrail.amazonaws.com"},
	{"Service": "*"},
	{"CanonicalUser": "79a59df900b949e55d96a1e698fbace"},
	"arn:aws:iam::222222222222:root",
]

rego_outsiders(st, owner, trusted) := {"anyone"} if {
	policy.principal_is_wildcard(st)
} else := {sprintf("account %s", [other]) |
	some other in policy.principal_accounts(st)
	other != owner
	not other in trusted
}

test_outsiders_builtin_agrees_with_the_principal_helpers if {
	every principal in principal_shapes {
		every trusted in [[], ["333333333333"], ["222222222222", "444444444444"]] {
			st := {"Effect": "Allow", "Principal": principal, "Action": "*"}
			trailguard.iam.outsiders(st, "111111111111", trusted) == rego_outsiders(st, "111111111111", trusted)
		}
	}
	trailguard.iam.outsiders({"Effect": "Allow"}, "111111111111", []) == rego_outsiders({"Effect": "Allow"}, "111111111111", [])
}

test_open_statements_are_the_allows_with_outsiders if {
	doc := {"Statement": [
		{"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "s3:*"},
		{"Effect": "Deny", "Principal": "*", "Action": "s3:*"},
		{"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": ["222222222222", "333333333333"]}, "Action": "s3:GetObject"},
	]}
	trailguard.iam.open_statements(doc, "111111111111", ["333333333333"]) == [{"index": 2, "statement": doc.Statement[2], "who": {"account 222222222222"}}]
	trailguard.iam.open_statements({"Statement": doc.Statement[1]}, "111111111111", []) == []
	trailguard.iam.open_statements(null, "111111111111", []) == []
}
