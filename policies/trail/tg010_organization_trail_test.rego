package trailguard.rules.tg010_test

import data.trailguard.rules.tg010
import rego.v1

org_trail := "arn:aws:cloudtrail:us-east-1:111111111111:trail/org"

own_trail := "arn:aws:cloudtrail:us-east-1:222222222222:trail/own"

trails := {
	org_trail: {"Name": "org", "IsOrganizationTrail": true},
	own_trail: {"Name": "own", "IsOrganizationTrail": false},
}

snapshot(org, arns) := {
	"accounts": {"222222222222": {"AccountId": "222222222222", "Organization": org, "TrailArns": arns}},
	"trails": trails,
}

member := {"Id": "o-abc", "MasterAccountId": "111111111111"}

test_allow_member_with_organisation_trail if {
	count(tg010.deny) == 0 with input as snapshot(member, [org_trail, own_trail])
}

test_allow_account_outside_any_organisation if {
	count(tg010.deny) == 0 with input as snapshot(null, [own_trail])
}

test_deny_member_without_organisation_trail if {
	findings := tg010.deny with input as snapshot(member, [own_trail])
	findings == {{"resource": "AWS::::Account:222222222222", "message": "Account 222222222222 is a member of organisation o-abc but no organisation trail covers it"}}
}

test_allow_unknown_organisation_is_left_to_tg090 if {
	count(tg010.deny) == 0 with input as {"accounts": {"222222222222": {"AccountId": "222222222222", "TrailArns": [own_trail]}}, "trails": trails}
}
