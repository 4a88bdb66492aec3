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

# requests are the sensitive requests on one resource, as trailguard.iam.holders takes them: one
# per action, `name` being how the resource is called in a message. (One object for the actions
# of a resource: building an object per request in Rego cost more than answering it.)
requests(actions, resource, name) := {"actions": actions, "resource": resource, "name": name}

# trail_requests, bucket_requests and key_requests are the sensitive requests on what the
# collected accounts own: their trails; their log buckets (each bucket, and a log file under
# each path of each trail that writes to it, trailguard.delivery.log_objects: an organisation
# trail writes under AWSLogs/ORG_ID/ACCOUNT/ too); their trail keys. One list per rule that
# asks, so each rule builds only its own (regorus rebuilds a helper's rules for every rule that
# names them).
trail_requests := [requests(trail_actions, arn, trail.Name) |
	some arn, trail in input.trails
	input.accounts[trail.AccountId]
]

bucket_requests := [r |
	some name in owned_log_buckets
	some r in bucket_requests_for(name, trails_by_bucket[name])
]

key_requests := [r |
	some arn in owned_trail_keys
	some r in key_requests_for(arn)
]

# owned_log_buckets are the log buckets (used by a trail) that a collected account owns.
owned_log_buckets contains name if {
	some name, bucket in input.buckets
	trails_by_bucket[name]
	input.accounts[bucket.OwnerAccount]
}

# owned_trail_keys are the trail keys that a collected account owns.
owned_trail_keys contains arn if {
	some arn, _ in trails_by_key
	input.accounts[key_owner(arn)]
}

# bucket_requests_for are the sensitive requests on one log bucket, given the ARNs of the trails
# that write to it (trailguard.lib.trails_by_bucket[name]). The caller passes them: read inside
# this function, called from a rule of another package under `with input as`, regorus gave an
# empty trails_by_bucket (a TG065 test caught it), so the function reads no rule.
bucket_requests_for(name, writers) := array.concat(
	[{"actions": object_actions, "resource": object, "name": name} |
		some arn in writers
		some object in trailguard.delivery.log_objects(input, arn, name)
	],
	[{"actions": bucket_actions, "resource": concat("", ["arn:aws:s3:::", name]), "name": name}],
)

# key_requests_for are the sensitive requests on one trail key.
key_requests_for(arn) := [requests(key_actions, arn, arn)]

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

# open_statements are a resource policy's Allow statements that name anyone or another account
# (not a trusted one), as {"index", "statement", "who"}: what outside_grants looks into. Most
# policies have none, so a rule asks for these first and builds its requests only when there
# are some. The builtin reads every statement's principals (trailguard.lib.policy.outsiders) in
# one call: as a comprehension over the statements it was most of TG065's and TG066's time.
open_statements(doc, owner) := trailguard.iam.open_statements(doc, owner, data.trailguard.params.trusted_accounts)

# outside_grants are the open statements (open_statements) that give one of the requests'
# actions (on its resource) to anyone or another account, as {"statement", "who", "actions",
# "conditions"}. Conditions the library cannot evaluate are listed: a condition that limits the
# caller to the owner's account (kms:CallerAccount, aws:PrincipalOrgID, ...) is one, and the
# finding then says the grant is conditional on it.
outside_grants(open, asked) := [g |
	some o in open
	granted := sort({action |
		some r in asked
		policy.covers_resource(o.statement, r.resource)
		some action in r.actions
		policy.covers_action(o.statement, action)
		reaches(o.who, action)
	})
	count(granted) > 0
	g := {
		"statement": policy.statement_name(o.statement, o.index),
		"who": concat(", ", sort(o.who)),
		"actions": concat(", ", granted),
		"conditions": sort(policy.unknown_condition_keys(o.statement, {"aws:securetransport": true})),
	}
]

# reaches holds when a grant to `who` (outsiders' names) can be used for the action: a grant to
# anyone also reaches the owner's own principals; one to another account only where AWS lets
# the action cross accounts (kms:DisableKey, kms:ScheduleKeyDeletion and the bucket policy
# operations do not: trailguard.iam.works_across_accounts).
reaches(who, _) if "anyone" in who

reaches(_, action) if trailguard.iam.works_across_accounts(action)

# conditional_note is the message suffix for open conditions.
conditional_note(conditions) := "" if {
	count(conditions) == 0
} else := sprintf(" (conditional on %s, which trailguard does not evaluate)", [concat(", ", conditions)])
