# METADATA
# title: Rotation is disabled on the trail's KMS key
# description: >-
#   Automatic rotation replaces the key material of a customer managed key every year. A trail's
#   key that never rotates keeps encrypting years of audit logs with the same material, widening
#   what one compromise exposes. CIS requires rotation on every customer managed key.
# custom:
#   id: TG022
#   severity: medium
#   controls:
#     cis: ["v1.4.0-v2.0.0/3.8", "v3.0.0-v5.0.0/3.6", "v6.0.0/4.6"]
#   remediation: >-
#     Enable automatic rotation: `aws kms enable-key-rotation --key-id KEY_ARN`.
package trailguard.rules.tg022

import data.trailguard.lib
import data.trailguard.lib.trails_by_key
import rego.v1

deny contains lib.finding(arn, msg) if {
	some arn, key in input.kms_keys
	key.KeyRotationEnabled == false
	key.KeyMetadata.KeyManager == "CUSTOMER"
	msg := sprintf("KMS key %s, used by trail(s) %s, does not rotate its key material", [
		arn,
		lib.trail_names(trails_by_key[arn]),
	])
}
