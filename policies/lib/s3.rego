# METADATA
# title: trailguard log bucket helpers
# description: Helpers shared by the rules about the buckets trails write their logs to.
package trailguard.lib.s3

import rego.v1

# Function bodies here name core helpers by their full path (data.trailguard.lib.X), not through an
# import: regorus 0.14 leaves a function undefined when its body uses an import alias and a rule
# of the same module was evaluated before it in the same query.

# label names a log bucket and the trails writing to it, to start a finding's message:
# "Log bucket logs (trail(s) main, org)".
label(name) := sprintf("Log bucket %s (trail(s) %s)", [name, data.trailguard.lib.trail_names(arns)]) if {
	arns := data.trailguard.lib.trails_by_bucket[name]
} else := sprintf("Log bucket %s", [name])

# public_groups are the ACL grantee groups that make a bucket public, with the name messages use.
public_groups := {
	"http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
	"http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}

# pab_settings are the four settings of a public access block, in AWS's order.
pab_settings := ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]

# pab_off is the set of settings a read public access block leaves off; a null block (none
# configured) leaves all four off.
pab_off(pab) := {s | some s in pab_settings; object.get(pab, s, false) != true} if {
	is_object(pab)
} else := {s | some s in pab_settings}

# account_pab_known holds when the public access block of a bucket's owner account was read (it
# may be null: none configured).
account_pab_known(bucket) if data.trailguard.lib.has(input.accounts[bucket.OwnerAccount], "PublicAccessBlock")

# account_pab is the public access block of a bucket's owner account (null when none); only
# defined when account_pab_known.
account_pab(bucket) := input.accounts[bucket.OwnerAccount].PublicAccessBlock

# retention_days is an Object Lock default retention in days (Years counted as 365 days);
# undefined when it gives neither.
retention_days(retention) := retention.Days if {
	is_number(retention.Days)
} else := retention.Years * 365 if {
	is_number(retention.Years)
}
