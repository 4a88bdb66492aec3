package trailguard.lib.holders_test

import data.trailguard.lib.holders
import rego.v1

answer(decision, grants, conditions) := {
	"arn": "arn:aws:iam::111111111111:role/ops", "kind": "Role", "name": "ops", "account": "111111111111",
	"decision": decision, "grants": grants, "denied_by": [], "conditions": conditions, "unless": [],
}

test_summary_of_an_allowed_and_a_conditional_request if {
	granted := {
		{"action": "s3:DeleteObject", "name": "logs", "answer": answer("allow", [{"policy": "managed policy A", "statement": 0, "sid": null}], [])},
		{"action": "s3:DeleteBucket", "name": "logs2", "answer": answer("conditional", [{"policy": "role ops inline policy b", "statement": 2, "sid": "Del"}], ["Bool aws:MultiFactorAuthPresent"])},
	}
	holders.summary(granted) == {
		"actions": "s3:DeleteBucket, s3:DeleteObject",
		"resources": "logs, logs2",
		"plural": "s",
		"grants": "managed policy A Statement[0]; role ops inline policy b statement \"Del\"",
		"conditions": "",
		"unless": "",
	}
	holders.describe({"kind": "Role", "name": "ops", "account": "111111111111"}) == "Role ops in account 111111111111"
}

test_summary_conditional_only if {
	granted := {{"action": "kms:DisableKey", "name": "k", "answer": answer("conditional", [], ["the key policy of k (not collected)"])}}
	holders.summary(granted).conditions == " (conditional on the key policy of k (not collected), which trailguard does not evaluate)"
}

test_summary_names_unread_control_policies if {
	unread := object.union(answer("allow", [], []), {"unless": ["a service control policy"]})
	holders.summary({{"action": "s3:DeleteObject", "name": "logs", "answer": unread}}).unless == ", unless a service control policy denies it"
	both := object.union(answer("allow", [], []), {"unless": ["a service control policy", "a resource control policy"]})
	holders.summary({{"action": "s3:DeleteObject", "name": "logs", "answer": both}}).unless == ", unless a resource control policy or a service control policy denies it"
}

test_exempt_by_pattern if {
	holders.exempt("arn:aws:iam::111111111111:role/admin") with data.trailguard.params as {"cloudtrail_admins": ["arn:aws:iam::*:role/adm*"]}
	not holders.exempt("arn:aws:iam::111111111111:role/ops") with data.trailguard.params as {"cloudtrail_admins": ["arn:aws:iam::*:role/adm*"]}
}
