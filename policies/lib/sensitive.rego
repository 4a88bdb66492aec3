# METADATA
# title: trailguard helpers for the requests that blind the trail
# description: >-
#   The sensitive requests on what each account owns (stop or reconfigure its trails, destroy the
#   logs in its log buckets, disable its trail keys), which TG065 and TG066 ask
#   trailguard.iam.principals_that_can about, and the grants of bucket and key policies to anyone
#   or to other accounts.
package trailguard.lib.sensitive

# Rules of trailguard.lib are imported one by one: naming them through `lib.` would make regorus
# evaluate every package under trailguard.lib, this one included (see policies/README.md). The
# parameters are read as data.trailguard.params for the same reason.

import data.trailguard.lib.policy
import data.trailguard.lib.trails_by_bucket
import data.trailguard.lib.trails_by_key
import rego.v1

# ---------------------------------------------------------------------------------------------
# The sensitive requests of each account

# trail_actions stop a trail, delete it, or change what it records and where.
trail_actions := ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"]

# object_actions destroy log files; bucket_actions the log bucket or the policy that protects it.
object_actions := ["s3:DeleteObject", "s3:DeleteObjectVersion"]

bucket_actions := ["s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketPolicy"]

# key_actions make everything the key encrypted unreadable.
key_actions := ["kms:DisableKey", "kms:ScheduleKeyDeletion"]

# request is one sensitive request: `topic` is "trail", "bucket" or "key" (the rule that asks),
# `name` how the resource is called in a message.
request(topic, action, resource, name) := {"topic": topic, "action": action, "resource": resource, "name": name}

# requests maps each account to the sensitive requests on what it owns: its trails, the log
# buckets it owns (the bucket and a log object under each trail's prefix), and its trail keys.
requests := {account: array.concat(array.concat(on_trails, on_objects), array.concat(on_buckets, on_keys)) |
	some account, _ in input.accounts
	on_trails := [request("trail", action, arn, input.trails[arn].Name) |
		some arn in object.get(trails_owned, account, set())
		some action in trail_actions
	]
	on_objects := [request("bucket", action, log_object(name, input.trails[arn]), name) |
		some name in object.get(buckets_owned, account, set())
		some arn in trails_by_bucket[name]
		some action in object_actions
	]
	on_buckets := [request("bucket", action, sprintf("arn:aws:s3:::%s", [name]), name) |
		some name in object.get(buckets_owned, account, set())
		some action in bucket_actions
	]
	on_keys := [request("key", action, arn, arn) |
		some arn in object.get(keys_owned, account, set())
		some action in key_actions
	]
}

# trails_owned, buckets_owned and keys_owned group the trails, log buckets and trail keys by the
# account that owns them, in one pass each (a loop over every resource for every account would
# grow with the square of an organisation's size).
trails_owned[account] contains arn if {
	some arn, trail in input.trails
	account := trail.AccountId
}

buckets_owned[account] contains name if {
	some name, bucket in input.buckets
	trails_by_bucket[name]
	account := bucket.OwnerAccount
}

keys_owned[account] contains arn if {
	some arn, _ in trails_by_key
	account := key_owner(arn)
}

# log_object is the ARN of a log file the trail delivers (under its prefix, AWSLogs/ACCOUNT/).
log_object(name, trail) := sprintf("arn:aws:s3:::%s/%sAWSLogs/%s/CloudTrail/%s/log.json.gz", [
	name, key_prefix(trail), object.get(trail, "AccountId", "000000000000"), object.get(trail, "HomeRegion", "us-east-1"),
])

key_prefix(trail) := sprintf("%s/", [trail.S3KeyPrefix]) if {
	is_string(trail.S3KeyPrefix)
	trail.S3KeyPrefix != ""
} else := ""

key_owner(arn) := parts[4] if {
	startswith(arn, "arn:")
	parts := split(arn, ":")
}

# key_policy is a trail key's policy document; null when the key or its policy is not in the
# snapshot.
key_policy(arn) := object.get(object.get(input.kms_keys, arn, {}), "Policy", null)

# bucket_policy is a log bucket's policy document; null when it has none or it is unknown.
bucket_policy(name) := object.get(object.get(input.buckets, name, {}), "Policy", null)

# ---------------------------------------------------------------------------------------------
# Resource policies (bucket and key policies)

# outsiders says whom a resource-policy statement lets in from outside the resource's account:
# "anyone" for a wildcard principal, else the other accounts it names (trusted accounts left
# out); empty for statements within the account.
outsiders(st, owner) := {"anyone"} if {
	policy.principal_is_wildcard(st)
} else := {sprintf("account %s", [other]) |
	some other in policy.principal_accounts(st)
	other != owner
	not other in data.trailguard.params.trusted_accounts
}

# outside_grants are a resource policy's Allow statements that give one of the requests'
# actions (on its resource) to anyone or another account, as {"statement", "who", "actions",
# "conditions"}. Conditions the library cannot evaluate are listed: a condition that limits the
# caller to the owner's account (kms:CallerAccount, aws:PrincipalOrgID, ...) is one, and the
# finding then says the grant is conditional on it.
outside_grants(doc, asked, owner) := [g |
	some i, st in policy.statements(doc)
	st.Effect == "Allow"
	who := outsiders(st, owner)
	count(who) > 0
	granted := sort({r.action | some r in asked; policy.covers_action(st, r.action); policy.covers_resource(st, r.resource)})
	count(granted) > 0
	g := {
		"statement": policy.statement_name(st, i),
		"who": concat(", ", sort(who)),
		"actions": concat(", ", granted),
		"conditions": sort(policy.unknown_condition_keys(st, {"aws:securetransport": true})),
	}
]

# asked are every account's requests of one topic, for trailguard.iam.holders.
asked(topic) := [r | some requested in requests; some r in requested; r.topic == topic]

# topic_requests are an account's requests of one topic.
topic_requests(account, topic) := [r | some r in requests[account]; r.topic == topic]

# conditional_note is the message suffix for open conditions.
conditional_note(conditions) := "" if {
	count(conditions) == 0
} else := sprintf(" (conditional on %s, which trailguard does not evaluate)", [concat(", ", conditions)])
