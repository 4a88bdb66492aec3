# METADATA
# title: trailguard policy-document helpers
# description: >-
#   Helpers over IAM, bucket and key policy documents, which AWS lets write the same thing in
#   several shapes: Statement as one object or a list, Action and Principal entries as a string or
#   a list, action names and condition keys in any case.
package trailguard.lib.policy

import rego.v1

# Function calls are the dear part of a regorus evaluation (each body evaluated costs ~15 us), and
# these helpers run once per statement of every policy: alternatives are else-chains, which stop
# at the first body that holds, and bodies use builtins rather than other helpers where easy.

# as_list turns a policy value that may be one string or a list into a list (null becomes the
# empty list).
as_list(x) := x if {
	is_array(x)
} else := [] if {
	x == null
} else := [x]

# statements is the list of statements of a policy document, whether Statement is one object or a
# list; empty for a null document or one without statements.
statements(doc) := s if {
	s := doc.Statement
	is_array(s)
} else := [s] if {
	s := doc.Statement
	is_object(s)
} else := []

# statement_name names a statement for a message: its Sid when it has one, else its index.
statement_name(st, i) := sprintf("statement \"%s\"", [st.Sid]) if {
	is_string(st.Sid)
	st.Sid != ""
} else := sprintf("Statement[%d]", [i])

# principal_is_wildcard holds for a statement whose principal is everyone: "*" or {"AWS": "*"}
# (the AWS entry a string or a list).
principal_is_wildcard(st) if {
	st.Principal == "*"
} else if {
	st.Principal.AWS == "*"
} else if {
	is_array(st.Principal.AWS)
	"*" in st.Principal.AWS
}

# has_service holds when a statement's Principal.Service (a string or a list) names the service
# principal, given lower case ("cloudtrail.amazonaws.com").
has_service(st, service) if {
	s := st.Principal.Service
	is_string(s)
	lower(s) == service
} else if {
	is_array(st.Principal.Service)
	some s in st.Principal.Service
	lower(s) == service
}

# actions is the set of Action patterns of a statement, lower case (NotAction is not included).
actions(st) := {lower(a) | some a in as_list(st.Action)}

# action_matches holds when an IAM action pattern (with * and ? wildcards) matches an action,
# ignoring case as AWS does (trailguard.iam.action_matches: the matcher of trailguard's IAM
# evaluator).
action_matches(pattern, action) if trailguard.iam.action_matches(pattern, action)

# allows_action holds when a statement's Action covers the given action.
allows_action(st, action) if {
	some pattern in as_list(st.Action)
	action_matches(pattern, action)
}

# covers_service holds when a statement's Action covers every action of a service prefix ("s3"):
# "*", "s3:*", "s3*", "*:*" and the like.
covers_service(st, prefix) if {
	full := sprintf("%s:", [lower(prefix)])
	some pattern in as_list(st.Action)
	head_covers_service(trim_right(lower(pattern), "*"), pattern, full)
}

# head_covers_service holds when a pattern ends in "*" and its head (the pattern without its
# trailing stars) matches some prefix of "service:", so the pattern matches every action of it.
head_covers_service(head, pattern, full) if {
	endswith(pattern, "*")
	not contains(head, "*")
	not contains(head, "?")
	startswith(full, head)
} else if {
	endswith(pattern, "*")
	head != replace(replace(head, "*", ""), "?", "")
	some n in numbers.range(1, count(full))
	glob.match(head, [], substring(full, 0, n))
}

# covers_action holds when a statement applies to the action: one of its Action patterns matches
# it, or it has NotAction and none of those patterns matches. Case is ignored, as AWS does.
covers_action(st, action) if {
	object.get(st, "Action", null) != null
	some pattern in as_list(st.Action)
	trailguard.iam.action_matches(pattern, action)
} else if {
	object.get(st, "Action", null) == null
	object.get(st, "NotAction", null) != null
	not matches_any_action(as_list(st.NotAction), action)
}

matches_any_action(patterns, action) if {
	some pattern in patterns
	trailguard.iam.action_matches(pattern, action)
}

# covers_resource holds when a statement applies to the resource: one of its Resource patterns
# matches it (trailguard.iam.arn_matches: segment by segment, case-sensitively, as AWS matches
# ARNs), or it has NotResource and none matches. A statement with neither (a resource policy's
# statement, which applies to the resource it is attached to) covers it.
covers_resource(st, resource) if {
	object.get(st, "Resource", null) != null
	some pattern in as_list(st.Resource)
	trailguard.iam.arn_matches(pattern, resource)
} else if {
	object.get(st, "Resource", null) == null
	object.get(st, "NotResource", null) != null
	not matches_any_resource(as_list(st.NotResource), resource)
} else if {
	object.get(st, "Resource", null) == null
	object.get(st, "NotResource", null) == null
}

matches_any_resource(patterns, resource) if {
	some pattern in patterns
	trailguard.iam.arn_matches(pattern, resource)
}

# aws_principals is the list of AWS principal entries of a resource or trust policy statement
# (account ids, root and principal ARNs), as written.
aws_principals(st) := as_list(st.Principal.AWS) if {
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

# outsiders says whom a resource or trust policy statement lets in from outside `owner`'s
# account: "anyone" for a wildcard principal, else "account ID" for each other account it names,
# the `trusted` account ids left out; empty for statements within the account. It is the builtin
# trailguard.iam.outsiders, which rules call directly (a helper call costs as much as the answer):
# principal_is_wildcard and principal_accounts above say the same, and a test holds them to it.
outsiders(st, owner, trusted) := trailguard.iam.outsiders(st, owner, trusted)

# unknown_condition_keys are the condition keys of a statement (lower case) that `known` (an
# object of lower-case keys to values) does not give: what a grant is conditional on.
unknown_condition_keys(st, known) := {k |
	some _, block in object.get(st, "Condition", {})
	some key, _ in block
	k := lower(key)
	not k in object.keys(known)
}

# condition_keys is the set of condition keys a statement tests, under any operator, lower case.
condition_keys(st) := {lower(k) | some _, block in st.Condition; some k, _ in block}

# has_condition holds when a statement has at least one condition key.
has_condition(st) if {
	some _, block in st.Condition
	count(block) > 0
}

# condition_values is the list of values a statement's condition gives a key under one of the
# operators (both compared ignoring case; operators given lower case, e.g. {"bool"}).
condition_values(st, operators, key) := [v |
	some op, block in st.Condition
	lower(op) in operators
	some k, value in block
	lower(k) == lower(key)
	some v in as_list(value)
]

# is_false holds for false written as a boolean or as a string in any case.
is_false(v) if {
	v == false
} else if {
	is_string(v)
	lower(v) == "false"
}
