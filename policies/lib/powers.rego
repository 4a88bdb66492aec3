# METADATA
# title: trailguard helpers for "who can blind the trail"
# description: >-
#   Which IAM principals can stop or reconfigure an account's trails (TG063), destroy the logs in
#   its log buckets (TG065) or disable its trail keys (TG066), with the exact statements that
#   grant it. Every statement of every policy is matched once against the account's sensitive
#   requests (action on resource); a principal is then evaluated, with lib.access's semantics,
#   only for the requests one of its statements covers. A large account (thousands of roles and
#   policies) is so evaluated in one pass over its IAM.
package trailguard.lib.powers

# Rules of trailguard.lib are imported one by one: naming them through `lib.` would make regorus
# evaluate every package under trailguard.lib, this one included (see policies/README.md). The
# parameters are read as data.trailguard.params for the same reason.

import data.trailguard.lib.access
import data.trailguard.lib.iam
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
# `name` how the resource is called in a message, `identity` false when identity policies cannot
# allow it (a KMS key whose policy does not delegate the action to IAM), `unread` names the
# resource policy that decides too but could not be read (null when read or none): a verdict is
# then conditional on it, never a guess.
request(topic, action, resource, name, identity, unread) := r if {
	parts := split(action, ":")
	r := {
		"id": concat(" ", [topic, action, resource]),
		"topic": topic, "action": action, "resource": resource, "name": name,
		"service": parts[0], "identity": identity, "unread": unread,
	}
}

# requests maps each account to the sensitive requests on what it owns: its trails, the log
# buckets it owns (the bucket and a log object under each trail's prefix), and its trail keys.
requests := {account: array.concat(array.concat(on_trails, on_objects), array.concat(on_buckets, on_keys)) |
	some account, _ in input.accounts
	on_trails := [request("trail", action, arn, input.trails[arn].Name, true, null) |
		some arn in object.get(trails_owned, account, set())
		some action in trail_actions
	]
	on_objects := [request("bucket", action, log_object(name, input.trails[arn]), name, true, unread_bucket(input.buckets[name], name)) |
		some name in object.get(buckets_owned, account, set())
		some arn in trails_by_bucket[name]
		some action in object_actions
	]
	on_buckets := [request("bucket", action, sprintf("arn:aws:s3:::%s", [name]), name, true, unread_bucket(input.buckets[name], name)) |
		some name in object.get(buckets_owned, account, set())
		some action in bucket_actions
	]
	on_keys := [request("key", action, arn, arn, key_identity(arn, account, action), unread_key(arn)) |
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

# unread_bucket names a log bucket's policy when GetBucketPolicy failed (the field is absent).
unread_bucket(bucket, name) := sprintf("the bucket policy of %s (not collected)", [name]) if {
	object.get(bucket, "Policy", 0) == 0
} else := null

# unread_key names a trail key's policy when it could not be read (the key or the field absent).
unread_key(arn) := sprintf("the key policy of %s (not collected)", [arn]) if {
	object.get(object.get(input.kms_keys, arn, {}), "Policy", 0) == 0
} else := null

# key_identity is true when identity policies can grant the action on the key: its policy
# delegates it to the account, or the policy is unknown (the verdict is then conditional on it).
key_identity(arn, account, action) := true if {
	delegates(key_policy(arn), account, action)
} else := true if {
	unread_key(arn) != null
} else := false

# key_policy is a trail key's policy document; null when the key or its policy is not in the
# snapshot.
key_policy(arn) := object.get(object.get(input.kms_keys, arn, {}), "Policy", null)

# bucket_policy is a log bucket's policy document; null when it has none or it is unknown.
bucket_policy(name) := object.get(object.get(input.buckets, name, {}), "Policy", null)

# resource_policies maps each account to the policies of the log buckets and trail keys it owns,
# as {"source", "doc", "scope"} (see resource_entries).
resource_policies := {account: array.concat(buckets, keys) |
	some account, _ in input.accounts
	buckets := [{"source": sprintf("bucket policy of %s", [name]), "doc": doc, "scope": null} |
		some name in object.get(buckets_owned, account, set())
		doc := input.buckets[name].Policy
		is_object(doc)
	]
	keys := [{"source": sprintf("key policy of %s", [arn]), "doc": doc, "scope": arn} |
		some arn in object.get(keys_owned, account, set())
		doc := key_policy(arn)
		is_object(doc)
	]
}

# ---------------------------------------------------------------------------------------------
# Statement index

# watched_services are the services of the sensitive actions.
watched_services := {"cloudtrail", "s3", "kms"}

# services_of is the set of watched services whose actions a statement may name: the service
# parts of its Action patterns (all of them when one is a wildcard, "*" or "s?:..."); for
# NotAction, those it does not exclude whole ("s3:*"). A handful of builtins: this runs once per
# distinct statement of the snapshot.
#
# (Indexing a call's result, `split(p, ":")[0]`, is several times slower in regorus than naming
# the result first: these helpers always bind it to a variable.)
services_of(st) := watched_services if {
	joined := lower(concat(",", policy.as_list(st.Action)))
	prefixes := {parts[0] | some p in split(joined, ","); parts := split(p, ":")}
	s := concat(",", prefixes)
	s != replace(replace(s, "*", ""), "?", "") # a wildcard service part
} else := watched_services & prefixes if {
	object.get(st, "Action", null) != null
	joined := lower(concat(",", policy.as_list(st.Action)))
	prefixes := {parts[0] | some p in split(joined, ","); parts := split(p, ":")}
} else := watched_services - {s |
	some p in policy.as_list(st.NotAction)
	parts := split(lower(p), ":")
	parts[1] == "*"
	s := parts[0]
} if {
	not "*" in policy.as_list(st.NotAction)
} else := set()

# statements_of are every distinct statement of an account's policies: managed policies and the
# inline policies of its users, groups and roles (identical statements, common in large
# accounts, are matched once).
statements_of(iam) := {st |
	some p in object.get(iam, "Policies", {})
	some st in policy.statements(object.get(p, "Document", null))
} | {st |
	some kind, key in {"Users": "UserPolicyList", "Groups": "GroupPolicyList", "Roles": "RolePolicyList"}
	some entity in object.get(iam, kind, {})
	some doc in object.get(entity, key, [])
	some st in policy.statements(doc.PolicyDocument)
}

# coverage maps each account to its distinct statements that apply to one of its requests, each
# to the request ids it covers.
coverage := {account: covers |
	some account, a in input.accounts
	is_object(a.Iam)
	covers := {st: ids |
		some st in statements_of(a.Iam)
		ids := covered(st, account)
		count(ids) > 0
	}
}

# covered is the set of an account's request ids a statement applies to (action and resource;
# conditions are weighed later). The resource is tried first, once per distinct resource.
covered(st, account) := {r.id |
	services := services_of(st)
	count(services) > 0
	heads := resource_heads(st)
	hits := {res |
		some service in services
		some res in resources_by_service[account][service]
		some head in heads
		startswith(res, head) # cheap: most statements name other resources
		access.covers_resource(st, res)
	}
	count(hits) > 0
	some r in requests[account]
	r.resource in hits
	access.covers_action(st, r.action)
}

# resource_heads are the literal beginnings of a statement's Resource patterns (up to the first
# wildcard), which a resource must start with to match one: {""} for NotResource or no Resource.
resource_heads(st) := {head |
	some pattern in policy.as_list(st.Resource)
	before_star := split(pattern, "*")
	before_any := split(before_star[0], "?")
	head := before_any[0]
} if {
	object.get(st, "Resource", null) != null
} else := {""}

# resources_by_service maps each account to its sensitive resources, by service.
resources_by_service := {account: {service: resources |
	some service in watched_services
	resources := {r.resource | some r in asked; r.service == service}
} |
	some account, asked in requests
}

# relevant are the statements of a policy document that apply to one of the account's requests,
# labelled (lib.access.labelled) with the ids they cover.
relevant(source, doc, account) := [e |
	some i, st in policy.statements(doc)
	ids := coverage[account][st]
	e := object.union(access.labelled(source, st, i), {"covers": ids})
]

# The indexes below are complete rules (one object each), which regorus builds once; a partial
# rule `x[account] := ...` read with a key from inside a function would be rebuilt on every call.

# managed maps each account to its managed policies' relevant statements, by policy ARN: every
# policy is read once, however many principals attach it.
managed := {account: policies |
	some account, a in input.accounts
	is_object(a.Iam)
	covers := coverage[account]
	policies := {arn: entries |
		some arn, p in object.get(a.Iam, "Policies", {})
		# Inline, not through relevant(): this runs once per managed policy of the account.
		entries := [e |
			some i, st in policy.statements(object.get(p, "Document", null))
			ids := covers[st]
			e := object.union(access.labelled(sprintf("managed policy %s", [p.PolicyName]), st, i), {"covers": ids})
		]
		count(entries) > 0
	}
}

# inline is the relevant statements of an entity's inline policies (`key` is UserPolicyList,
# GroupPolicyList or RolePolicyList; `kind` and `name` name the entity in messages).
inline(kind, name, entity, key, account) := [e |
	some p in object.get(entity, key, [])
	some e in relevant(sprintf("%s %s inline policy %s", [kind, name, p.PolicyName]), p.PolicyDocument, account)
]

# ---------------------------------------------------------------------------------------------
# Principals

# principals maps each account to its IAM users and roles that a statement of their identity
# policies or of the account's resource policies applies to, as
# {"kind", "name", "arn", "account", "entries", "topics", "boundary", "full_access"}: entries are
# their relevant identity-policy statements (inline, managed, through groups), topics those of
# the requests their Allow statements cover (see topics_of), boundary is the
# permissions boundary's document (null when none, "unknown" when not collected). AWS's
# service-linked roles are left out: AWS owns their policies and trust, and no customer can
# assume them, so they are not a principal a reviewer can fix.
principals := {account: array.concat(users, roles) |
	some account, a in input.accounts
	is_object(a.Iam)
	policies := object.get(managed, account, {})
	named := {arn | some rp in resource_policies[account]; some arn in named_in(rp.doc)}
	groups := {name: array.concat(inline("group", name, g, "GroupPolicyList", account), attached) |
		some name, g in object.get(a.Iam, "Groups", {})
		attached := [e | some att in object.get(g, "AttachedManagedPolicies", []); some e in policies[att.PolicyArn]]
	}
	full_access_groups := iam.full_access_groups(a.Iam)
	users := [p |
		some user in object.get(a.Iam, "Users", {})
		attached := [e | some att in object.get(user, "AttachedManagedPolicies", []); some e in policies[att.PolicyArn]]
		through_groups := [e | some g in object.get(user, "GroupList", []); some e in object.get(groups, g, [])]
		entries := array.concat(array.concat(inline("user", user.UserName, user, "UserPolicyList", account), attached), through_groups)
		topics := topics_of(entries, user.Arn, named)
		count(topics) > 0
		p := {
			"kind": "User", "name": user.UserName, "arn": user.Arn, "account": account,
			"entries": entries, "topics": topics, "boundary": boundary(a.Iam, user),
			"full_access": user_full_access(user, full_access_groups),
		}
	]
	# Inline comprehensions and plain comparisons (topics_of, inline, written out): this runs once
	# per role of the account.
	roles := [p |
		some role in object.get(a.Iam, "Roles", {})
		not startswith(object.get(role, "Path", ""), "/aws-service-role/") # service-linked
		attached := [e | some att in object.get(role, "AttachedManagedPolicies", []); some e in policies[att.PolicyArn]]
		own := [e |
			some pol in object.get(role, "RolePolicyList", [])
			some e in relevant(sprintf("role %s inline policy %s", [role.RoleName, pol.PolicyName]), pol.PolicyDocument, account)
		]
		entries := array.concat(own, attached)
		topics := {topic |
			some e in entries
			e.statement.Effect == "Allow"
			some id in e.covers
			parts := split(id, " ")
			topic := parts[0]
		} | {topic | role.Arn in named; some topic in all_topics}
		count(topics) > 0
		p := {
			"kind": "Role", "name": role.RoleName, "arn": role.Arn, "account": account,
			"entries": entries, "topics": topics, "boundary": boundary(a.Iam, role),
			"full_access": role_full_access(role),
		}
	]
}

# topics_of are the topics ("trail", "bucket", "key") of the requests that a principal's Allow
# statements cover: all of them when a resource policy names the principal, none when it has no
# such statement (Deny statements alone grant nothing).
topics_of(entries, arn, named) := all_topics if {
	arn in named
} else := {topic |
	some e in entries
	e.statement.Effect == "Allow"
	some id in e.covers
	parts := split(id, " ")
	topic := parts[0]
}

all_topics := {"trail", "bucket", "key"}

# user_full_access is true when a user holds AWSCloudTrail_FullAccess, itself or through one of
# `groups` (the account's groups that hold it), else false.
user_full_access(user, groups) := true if {
	iam.holds_full_access(user)
} else := true if {
	some g in object.get(user, "GroupList", [])
	g in groups
} else := false

role_full_access(role) := true if iam.holds_full_access(role) else := false

# boundary is the document of an entity's permissions boundary: null when it has none, "unknown"
# when the boundary policy is not in the snapshot.
boundary(account_iam, entity) := null if {
	object.get(entity, "PermissionsBoundary", null) == null
} else := doc if {
	doc := account_iam.Policies[entity.PermissionsBoundary.PermissionsBoundaryArn].Document
} else := "unknown"

# exempt holds for principals the cloudtrail_admins parameter allows (ARNs, with * and ?).
exempt(p) if {
	some pattern in data.trailguard.params.cloudtrail_admins
	access.arn_matches(pattern, p.arn)
}

# ---------------------------------------------------------------------------------------------
# Evaluation

# context is what trailguard knows of the requests it imagines: the principal, over TLS (an
# attacker picks TLS). Other condition keys stay unknown, and make a verdict conditional.
context(p) := {
	"aws:securetransport": true,
	"aws:principalarn": p.arn,
	"aws:principalaccount": p.account,
}

# powers are the requests of `topic` that a principal (not exempt) is allowed, or conditionally
# allowed, to make, each with its lib.access decision: its identity statements that cover the
# request, and the resource policies' statements that name it (Allow) or cover it (Deny); the
# permissions boundary applied. Empty for a principal none of whose statements can allow one.
powers(p, topic) := [object.union(r, {"decision": d}) |
	topic in p.topics
	not exempt(p)
	extra := [e |
		some rp in resource_policies[p.account]
		some e in resource_entries(rp.source, rp.doc, p, rp.scope)
	]
	some r in requests[p.account]
	r.topic == topic
	own := [e | some e in p.entries; r.id in e.covers; counts(e, r)]
	theirs := [e | some e in extra; access.applies(e, r.action, r.resource)]
	matching := array.concat(own, theirs)
	allows := [x | some x in matching; x.statement.Effect == "Allow"]
	count(allows) > 0
	denies := [x | some x in matching; x.statement.Effect == "Deny"]
	d := unread(bounded(p, access.verdict(denies, allows, context(p)), r), r)
	d.verdict in {"allowed", "conditional"}
]

# counts holds when an identity statement counts for a request: Deny always; Allow unless the
# request is one identity policies cannot allow.
counts(e, _) if e.statement.Effect == "Deny"

counts(e, r) if {
	e.statement.Effect == "Allow"
	r.identity
}

# bounded applies the principal's permissions boundary to a decision.
bounded(p, d, r) := d if {
	p.boundary == null
} else := access.with_boundary(d, {"verdict": "conditional", "grants": [], "conditions": ["permissions boundary (not collected)"]}) if {
	p.boundary == "unknown"
} else := access.with_boundary(d, access.decision(access.policy_entries("permissions boundary", p.boundary), r.action, r.resource, context(p)))

# unread makes a decision conditional on the request's unread resource policy, if any.
unread(d, r) := d if {
	r.unread == null
} else := access.with_boundary(d, {"verdict": "conditional", "grants": [], "conditions": [r.unread]})

# summary turns a principal's granted requests into the parts of a finding's message: the actions,
# the resources by name ("plural" is "s" for several), the granting statements, and the open
# conditions ("" when at least one request is allowed outright).
summary(granted) := {
	"actions": concat(", ", sort({r.action | some r in granted})),
	"resources": concat(", ", sort({r.name | some r in granted})),
	"plural": plural({r.name | some r in granted}),
	"grants": concat("; ", sort({grant_name(g) | some r in granted; some g in r.decision.grants})),
	"conditions": open_conditions(granted),
}

plural(names) := "s" if count(names) > 1 else := ""

grant_name(g) := sprintf("%s %s", [g.policy, policy.statement_name(g.statement, g.index)])

open_conditions(granted) := "" if {
	some r in granted
	r.decision.verdict == "allowed"
} else := conditional_note(sort({c | some r in granted; some c in r.decision.conditions}))

# describe names a principal for a message: "role ops in account 111111111111".
describe(p) := sprintf("%s %s in account %s", [lower(p.kind), p.name, p.account])

# ---------------------------------------------------------------------------------------------
# Resource policies (bucket and key policies)

# resource_entries are the statements of a resource policy that apply to a principal of the
# snapshot beyond its identity policies: Allow statements naming its ARN, and Deny statements
# that cover it in any form (its ARN, its account, everyone). Grants to everyone or to an
# account are not included: the rules report grants to everyone and to other accounts on the
# resource itself, and a grant to the own account only delegates to IAM policies.
#
# `scope` is the resource ARN a policy's statements are about when their Resource only says "this
# resource" (a key policy's "*"), else null: several keys' statements can then be evaluated side
# by side without one key's statements applying to another.
resource_entries(source, doc, p, scope) := [e |
	some i, st in policy.statements(doc)
	applies_to(st, p)
	e := access.labelled(source, scoped(st, scope), i)
]

scoped(st, scope) := st if {
	scope == null
} else := object.union(object.remove(st, ["NotResource"]), {"Resource": scope})

applies_to(st, p) if {
	st.Effect == "Allow"
	p.arn in access.aws_principals(st)
} else if {
	st.Effect == "Deny"
	access.covers_principal(st, p.arn, p.account)
}

# named_in are the principal ARNs that a resource policy's Allow statements name.
named_in(doc) := {arn |
	some st in policy.statements(doc)
	st.Effect == "Allow"
	some arn in access.aws_principals(st)
	startswith(arn, "arn:")
	not endswith(arn, ":root")
}

# delegates is true when a resource policy allows the action to its owner account as a whole
# (its id or root), which lets the account's IAM policies grant it (a KMS key policy's "Enable
# IAM User Permissions" statement); false otherwise, never undefined.
delegates(doc, owner, action) := true if {
	some st in policy.statements(doc)
	st.Effect == "Allow"
	some entry in access.aws_principals(st)
	entry in {owner, sprintf("arn:aws:iam::%s:root", [owner])}
	access.covers_action(st, action)
} else := false

# outsiders says whom a resource-policy statement lets in from outside the resource's account:
# "anyone" for a wildcard principal, else the other accounts it names (trusted accounts left
# out); empty for statements within the account.
outsiders(st, owner) := {"anyone"} if {
	access.everyone(st)
} else := {sprintf("account %s", [other]) |
	some other in access.principal_accounts(st)
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
	granted := sort({r.action | some r in asked; access.covers_action(st, r.action); access.covers_resource(st, r.resource)})
	count(granted) > 0
	g := {
		"statement": policy.statement_name(st, i),
		"who": concat(", ", sort(who)),
		"actions": concat(", ", granted),
		"conditions": sort(access.unknown_condition_keys(st, {"aws:securetransport": true})),
	}
]

# topic_requests are an account's requests of one topic.
topic_requests(account, topic) := [r | some r in requests[account]; r.topic == topic]

# conditional_note is the message suffix for open conditions.
conditional_note(conditions) := "" if {
	count(conditions) == 0
} else := sprintf(" (conditional on %s, which trailguard does not evaluate)", [concat(", ", conditions)])
