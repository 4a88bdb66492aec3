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
# ignoring case as AWS does. The common shapes (exact, "*", "s3:*", "s3:Put*") avoid glob.match,
# which compiles its pattern on every call.
action_matches(pattern, action) if {
	lower(pattern) == lower(action)
} else if {
	p := lower(pattern)
	endswith(p, "*")
	head := trim_suffix(p, "*")
	not contains(head, "*")
	not contains(head, "?")
	startswith(lower(action), head)
} else if {
	p := lower(pattern)
	head := trim_suffix(p, "*")
	head != replace(replace(head, "*", ""), "?", "")
	glob.match(p, [], lower(action))
}

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
