# METADATA
# title: trailguard core helpers
# description: Helpers every rule (built-in or custom) may import as data.trailguard.lib.
package trailguard.lib

import rego.v1

# finding is the object a rule puts in its deny set: the resource it is about (ARN, bucket name
# or account resource) and a message that names that resource.
finding(resource, message) := {"resource": resource, "message": message}

# account_resource names an account as a whole, in Security Hub's form.
account_resource(account_id) := sprintf("AWS::::Account:%s", [account_id])

# params are the tunable values of the rules (retention days, allowed holder count, ...).
params := data.trailguard.params

# has(obj, key) holds when the collector read that field: a field it could not read is left out
# of the snapshot (and a gap says why), while a field AWS says does not exist is null.
has(obj, key) if {
	_ = obj[key]
}

has(obj, key) if {
	object.get(obj, key, "__absent__") == null
}

# gap_resources are the resources some call failed on.
gap_resources contains g.Resource if {
	some g in input.gaps
}

# tag_problem says what is wrong with a resource's tags (read: a map, or null for none): "has no
# tags"; "has only tags AWS set (aws:...)", which say nothing of who owns it; or "lacks the
# required tag(s) ..." (params.required_tag_keys). Undefined when the tags are fine.
tag_problem(tags) := "has no tags" if {
	tags in {null, {}}
} else := sprintf("has only tags AWS set (%s)", [concat(", ", sort(object.keys(tags)))]) if {
	count(params.required_tag_keys) == 0
	count(own_tag_keys(tags)) == 0
} else := sprintf("lacks the required tag%s %s", [plural(missing), concat(", ", sort(missing))]) if {
	own := own_tag_keys(tags)
	missing := {k | some k in params.required_tag_keys; not k in own}
	count(missing) > 0
}

# own_tag_keys are the keys of the tags a user set: AWS's own (aws:cloudformation:stack-name, ...)
# left out.
own_tag_keys(tags) := {k | some k, _ in tags; not startswith(lower(k), "aws:")}

plural(items) := "s" if count(items) > 1 else := ""

# trails_by_bucket maps each log bucket name to the ARNs of the trails writing to it, and
# trails_by_key each KMS key ARN to those it encrypts: the builtin trailguard.snapshot.trails_by
# groups the trails by the field once per snapshot (regorus builds a rule again for every rule
# that names it; over 2,000 trails that cost each of these rules 9 ms).
trails_by_bucket := trailguard.snapshot.trails_by(input, "S3BucketName")

trails_by_key := trailguard.snapshot.trails_by(input, "KmsKeyId")

# trails_by_log_group maps each CloudWatch Logs log group (its key in input.log_groups: the
# trail's CloudWatchLogsLogGroupArn without ":*") to the ARNs of the trails sending to it.
trails_by_log_group[key] contains arn if {
	some arn, trail in input.trails
	group := trail.CloudWatchLogsLogGroupArn
	is_string(group)
	group != ""
	key := trim_suffix(group, ":*")
}

# names joins the names of a set of trail ARNs for a message, sorted.
trail_names(arns) := concat(", ", sort([input.trails[arn].Name | some arn in arns]))
