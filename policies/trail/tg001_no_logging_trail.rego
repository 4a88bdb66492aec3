# METADATA
# title: No trail is logging in the account
# description: >-
#   Without a logging trail, API activity in the account is kept only in the 90-day event history,
#   which cannot be protected, searched across regions or kept for investigations. An attacker's
#   actions leave no durable record.
# custom:
#   id: TG001
#   severity: high
#   controls:
#     securityhub: [CloudTrail.3]
#   remediation: >-
#     Create a multi-region trail and start it: `aws cloudtrail create-trail --name main
#     --s3-bucket-name LOG_BUCKET --is-multi-region-trail --enable-log-file-validation`, then
#     `aws cloudtrail start-logging --name main`. For a stopped trail, `aws cloudtrail start-logging
#     --name TRAIL_ARN` is enough.
package trailguard.rules.tg001

import data.trailguard.lib
import data.trailguard.lib.trail as tl
import data.trailguard.lib.trail.trail_list_unknown
import rego.v1

# may_be_logging are the accounts with a trail that is logging, or whose logging is unknown (not
# read, or the trail itself not in the snapshot): no verdict for those. A trail known to be logging
# is taken by a plain comparison; maybe_logging, a call per trail, judges the others.
# (account.TrailArns, when an array, is tl.account_trail_arns(account), without a call per account.)
may_be_logging contains id if {
	some id, account in input.accounts
	arns := account.TrailArns
	is_array(arns)
	some arn in arns
	input.trails[arn].Status.IsLogging == true
}

may_be_logging contains id if {
	some id, account in input.accounts
	arns := account.TrailArns
	is_array(arns)
	some arn in arns
	not input.trails[arn].Status.IsLogging == true
	maybe_logging(arn)
}

maybe_logging(arn) if {
	not input.trails[arn]
} else := true if {
	not tl.status_known(input.trails[arn])
} else := true if {
	tl.is_logging(input.trails[arn])
}

deny contains lib.finding(lib.account_resource(id), msg) if {
	some id, account in input.accounts
	not id in may_be_logging
	not id in trail_list_unknown
	msg := message(id, tl.account_trail_arns(account))
}

message(id, arns) := sprintf("Account %s: no trail records its API activity (it has no CloudTrail trail)", [id]) if {
	count(arns) == 0
} else := sprintf("Account %s: no trail is logging (trail(s) %s are stopped)", [id, tl.names(arns)])
