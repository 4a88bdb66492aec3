# METADATA
# title: trailguard access helpers
# description: >-
#   IAM policy evaluation with AWS semantics, for rules that ask who can do what: action and
#   resource matching with wildcards, NotAction and NotResource; principal matching in resource
#   policies; the conditions the CloudTrail checks need; and a principal's effective permission
#   from its identity policies (inline, customer and AWS managed, through groups), where an
#   explicit Deny wins and a permissions boundary limits. A condition this library cannot
#   evaluate makes the verdict "conditional" instead of a guess.
package trailguard.lib.access

import data.trailguard.lib.policy
import rego.v1

# ---------------------------------------------------------------------------------------------
# Actions and resources

# covers_action holds when a statement applies to the action: one of its Action patterns matches
# it, or it has NotAction and none of those patterns matches. Case is ignored, as AWS does.
covers_action(st, action) if {
	object.get(st, "Action", null) != null
	some pattern in policy.as_list(st.Action)
	policy.action_matches(pattern, action)
} else if {
	object.get(st, "Action", null) == null
	object.get(st, "NotAction", null) != null
	not matches_any_action(policy.as_list(st.NotAction), action)
}

matches_any_action(patterns, action) if {
	some pattern in patterns
	policy.action_matches(pattern, action)
}

# arn_matches holds when an IAM resource pattern matches an ARN: "*" and "?" match anywhere
# (across ":" and "/"), and the rest is compared case-sensitively, as AWS does.
arn_matches(pattern, arn) if {
	pattern == "*"
} else if {
	pattern == arn
} else if {
	pattern != replace(replace(pattern, "*", ""), "?", "")
	glob.match(pattern, null, arn) # null: no delimiters; [] would stop "*" at "."
}

# covers_resource holds when a statement applies to the resource: one of its Resource patterns
# matches it, or it has NotResource and none matches. A statement with neither (a resource
# policy's statement, which applies to the resource it is attached to) covers it.
covers_resource(st, resource) if {
	object.get(st, "Resource", null) != null
	some pattern in policy.as_list(st.Resource)
	arn_matches(pattern, resource)
} else if {
	object.get(st, "Resource", null) == null
	object.get(st, "NotResource", null) != null
	not matches_any_resource(policy.as_list(st.NotResource), resource)
} else if {
	object.get(st, "Resource", null) == null
	object.get(st, "NotResource", null) == null
}

matches_any_resource(patterns, resource) if {
	some pattern in patterns
	arn_matches(pattern, resource)
}

# ---------------------------------------------------------------------------------------------
# Principals (resource policies: bucket and key policies, role trust policies)

# principal_kind tells how a statement's Principal reaches beyond one account: "everyone" for
# "*" or {"AWS": "*"}, else undefined.
everyone(st) if policy.principal_is_wildcard(st)

# aws_principals is the list of AWS principal entries of a statement (account ids, root and
# principal ARNs), as written.
aws_principals(st) := policy.as_list(st.Principal.AWS) if {
	is_object(st.Principal)
} else := []

# principal_account is the account an AWS principal entry belongs to: a 12-digit id, or the
# account of an ARN; "*" for the wildcard.
principal_account(entry) := entry if {
	regex.match(`^[0-9]{12}$`, entry)
} else := account if {
	startswith(entry, "arn:")
	parts := split(entry, ":")
	account := parts[4]
} else := "*" if {
	entry == "*"
}

# principal_accounts is the set of accounts a statement's AWS principals belong to.
principal_accounts(st) := {principal_account(e) | some e in aws_principals(st)}

# trusts_account holds when a statement's principal includes any principal of the account:
# everyone, the account id, its root, or one of its users or roles.
trusts_account(st, account) if {
	everyone(st)
} else if {
	account in principal_accounts(st)
}

# covers_principal holds when a statement's principal names the principal ARN (of an IAM user or
# role in `account`): everyone, the account (id or root: the account delegates to its IAM
# policies), or the ARN itself.
covers_principal(st, arn, account) if {
	everyone(st)
} else if {
	some entry in aws_principals(st)
	entry in {account, sprintf("arn:aws:iam::%s:root", [account]), arn}
}

# ---------------------------------------------------------------------------------------------
# Conditions

# known_keys are the condition keys this library evaluates, lower case.
known_keys := {
	"aws:securetransport",
	"aws:sourcearn",
	"aws:sourceaccount",
	"kms:encryptioncontext:aws:cloudtrail:arn",
	"aws:principalorgid",
	"aws:multifactorauthpresent",
	"aws:principalarn",
	"aws:principalaccount",
}

# unknown_condition_keys are the condition keys of a statement that `context` gives no value for
# (lower case); a non-empty set makes the statement's verdict conditional.
unknown_condition_keys(st, context) := {k |
	some op, block in object.get(st, "Condition", {})
	some key, _ in block
	k := lower(key)
	not has_value(context, k, op)
}

# has_value holds when the context gives the key a value, or when the operator's IfExists form
# makes an absent key true.
has_value(context, key, _) if {
	key in known_keys
	_ = context[key]
}

# conditions_hold holds when every condition of a statement holds in `context` (an object of
# lower-case condition keys to values), all of whose keys the context gives. Operators:
# String(Not)Equals(IgnoreCase), String(Not)Like, Arn(Not)Equals, Arn(Not)Like, Bool, Null, each
# with IfExists; ForAnyValue:/ForAllValues: prefixes on single values.
conditions_hold(st, context) if {
	every op, block in object.get(st, "Condition", {}) {
		every key, expected in block {
			operator_holds(base_operator(op), policy.as_list(expected), context[lower(key)])
		}
	}
}

# base_operator is an operator in lower case, without IfExists or a set prefix.
base_operator(op) := trim_suffix(o, "ifexists") if {
	parts := split(lower(op), ":")
	o := parts[count(parts) - 1]
}

operator_holds("stringequals", values, actual) if actual in values

operator_holds("stringnotequals", values, actual) if not actual in values

operator_holds("stringequalsignorecase", values, actual) if {
	some v in values
	lower(v) == lower(actual)
}

operator_holds("stringlike", values, actual) if {
	some v in values
	arn_matches(v, actual)
}

operator_holds("stringnotlike", values, actual) if {
	not matches_any_resource(values, actual)
}

operator_holds("arnequals", values, actual) if actual in values

operator_holds("arnlike", values, actual) if {
	some v in values
	arn_matches(v, actual)
}

operator_holds("arnnotequals", values, actual) if not actual in values

operator_holds("arnnotlike", values, actual) if {
	not matches_any_resource(values, actual)
}

operator_holds("bool", values, actual) if {
	some v in values
	lower(sprintf("%v", [v])) == lower(sprintf("%v", [actual]))
}

# ---------------------------------------------------------------------------------------------
# Effective permission of a principal (identity policies)

# labelled is one statement of a principal's identity policies, with where it comes from.
labelled(source, st, i) := {"policy": source, "index": i, "statement": st}

# policy_entries are the statements of one policy document, labelled with `source`.
policy_entries(source, doc) := [labelled(source, st, i) | some i, st in policy.statements(doc)]

# managed_entries are the statements of the managed policies attached to a principal or group.
managed_entries(iam, attached) := [e |
	some a in attached
	doc := object.get(object.get(iam.Policies, a.PolicyArn, {}), "Document", null)
	some e in policy_entries(a.PolicyName, doc)
]

# inline_entries are the statements of a principal's or group's inline policies.
inline_entries(owner, inline) := [e |
	some p in inline
	some e in policy_entries(sprintf("%s inline policy %s", [owner, p.PolicyName]), p.PolicyDocument)
]

# user_entries are every identity-policy statement that applies to a user, its groups' included.
user_entries(iam, user) := array.concat(
	array.concat(
		inline_entries(sprintf("user %s", [user.UserName]), object.get(user, "UserPolicyList", [])),
		managed_entries(iam, object.get(user, "AttachedManagedPolicies", [])),
	),
	[e |
		some name in object.get(user, "GroupList", [])
		group := iam.Groups[name]
		some e in array.concat(
			inline_entries(sprintf("group %s", [name]), object.get(group, "GroupPolicyList", [])),
			managed_entries(iam, object.get(group, "AttachedManagedPolicies", [])),
		)
	],
)

# role_entries are every identity-policy statement of a role.
role_entries(iam, role) := array.concat(
	inline_entries(sprintf("role %s", [role.RoleName]), object.get(role, "RolePolicyList", [])),
	managed_entries(iam, object.get(role, "AttachedManagedPolicies", [])),
)

# applies holds when an entry's statement covers the action on the resource.
applies(e, action, resource) if {
	covers_action(e.statement, action)
	covers_resource(e.statement, resource)
}

# decision evaluates identity-policy entries for one request, AWS's way: an explicit Deny whose
# conditions hold wins; otherwise an Allow whose conditions hold allows. A statement with a
# condition `context` cannot decide makes the answer conditional rather than a guess.
#
# Returns {"verdict": "allowed" | "conditional" | "denied" | "implicit_deny", "grants": [entries
# that allow], "conditions": [condition keys left open]}.
decision(entries, action, resource, context) := result if {
	matching := [e | some e in entries; applies(e, action, resource)]
	denies := [e | some e in matching; e.statement.Effect == "Deny"]
	allows := [e | some e in matching; e.statement.Effect == "Allow"]
	result := verdict(denies, allows, context)
}

verdict(denies, allows, context) := {"verdict": "denied", "grants": [], "conditions": []} if {
	some e in denies
	count(unknown_condition_keys(e.statement, context)) == 0
	conditions_hold(e.statement, context)
} else := {"verdict": "allowed", "grants": certain, "conditions": open} if {
	certain := [e | some e in allows; count(unknown_condition_keys(e.statement, context)) == 0; conditions_hold(e.statement, context)]
	count(certain) > 0
	open := sort({k | some e in denies; some k in unknown_condition_keys(e.statement, context)})
	count(open) == 0
} else := {"verdict": "conditional", "grants": grants, "conditions": open} if {
	grants := [e | some e in allows; not_refuted(e.statement, context)]
	count(grants) > 0
	open := sort({k |
		some e in array.concat(grants, denies)
		some k in unknown_condition_keys(e.statement, context)
	})
} else := {"verdict": "implicit_deny", "grants": [], "conditions": []}

# not_refuted holds when no condition of the statement that the context can decide is false.
not_refuted(st, context) if {
	every op, block in object.get(st, "Condition", {}) {
		every key, expected in block {
			decidable_true_or_unknown(op, key, expected, context)
		}
	}
}

decidable_true_or_unknown(_, key, _, context) if {
	not has_value(context, lower(key), "")
}

decidable_true_or_unknown(op, key, expected, context) if {
	operator_holds(base_operator(op), policy.as_list(expected), context[lower(key)])
}

# permission is the decision for a principal with its permissions boundary applied: with a
# boundary, the boundary must allow the action too. `boundary` is the boundary policy's document,
# null when the principal has none, or "unknown" when it has one that was not collected.
permission(entries, boundary, action, resource, context) := decision(entries, action, resource, context) if {
	boundary == null
} else := with_boundary(
	decision(entries, action, resource, context),
	{"verdict": "conditional", "grants": [], "conditions": ["permissions boundary (not collected)"]},
) if {
	boundary == "unknown"
} else := with_boundary(
	decision(entries, action, resource, context),
	decision(policy_entries("permissions boundary", boundary), action, resource, context),
)

# with_boundary combines a decision with its boundary's: allowed only when both allow.
with_boundary(d, b) := d if {
	b.verdict == "allowed"
} else := object.union(d, {"verdict": "conditional", "conditions": sort(array.concat(d.conditions, b.conditions))}) if {
	b.verdict == "conditional"
	d.verdict in {"allowed", "conditional"}
} else := object.union(d, {"verdict": "implicit_deny", "grants": []}) if {
	d.verdict != "denied"
} else := d
