# METADATA
# title: Organisation member account without an organisation trail
# description: >-
#   An account of an AWS Organization should be covered by the organisation trail, which the
#   member account cannot stop, delete or reconfigure. An account left to its own trails depends
#   on its own administrators, who are the people an investigation may be about.
# custom:
#   id: TG010
#   severity: low
#   controls: {}
#   remediation: >-
#     From the management (or delegated administrator) account, create an organisation trail:
#     `aws cloudtrail create-trail --name org-trail --s3-bucket-name LOG_BUCKET
#     --is-organization-trail --is-multi-region-trail`, then `aws cloudtrail start-logging`.
package trailguard.rules.tg010

import data.trailguard.lib
import data.trailguard.lib.trail.trail_list_unknown
import rego.v1

deny contains lib.finding(lib.account_resource(account), msg) if {
	some account, a in input.accounts
	org := a.Organization
	is_object(org) # a member (null: no organisation; absent: not read, TG090)
	not account in trail_list_unknown # the trail list may be incomplete (TG090)
	every arn in object.get(a, "TrailArns", []) {
		input.trails[arn].IsOrganizationTrail == false
	}
	msg := sprintf("Account %s is a member of organisation %s but no organisation trail covers it", [account, org.Id])
}
