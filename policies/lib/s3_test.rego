package trailguard.lib_s3_test

import data.trailguard.lib.s3
import rego.v1

test_label_names_trails if {
	got := s3.label("logs") with input as {"trails": {
		"arn:b": {"Name": "b", "S3BucketName": "logs"},
		"arn:a": {"Name": "a", "S3BucketName": "logs"},
	}}
	got == "Log bucket logs (trail(s) a, b)"
}

test_label_without_trails if {
	got := s3.label("logs") with input as {"trails": {}}
	got == "Log bucket logs"
}

test_pab_off if {
	s3.pab_off(null) == {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"}
	s3.pab_off({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": false}) == {"BlockPublicPolicy", "RestrictPublicBuckets"}
	s3.pab_off({
		"BlockPublicAcls": true,
		"IgnorePublicAcls": true,
		"BlockPublicPolicy": true,
		"RestrictPublicBuckets": true,
	}) == set()
}

test_account_pab_known if {
	inp := {"accounts": {
		"111111111111": {"PublicAccessBlock": null},
		"222222222222": {},
	}}
	s3.account_pab_known({"OwnerAccount": "111111111111"}) with input as inp
	s3.account_pab({"OwnerAccount": "111111111111"}) == null with input as inp
	not s3.account_pab_known({"OwnerAccount": "222222222222"}) with input as inp
	not s3.account_pab_known({"OwnerAccount": "333333333333"}) with input as inp
	not s3.account_pab_known({}) with input as inp
}

test_retention_days if {
	s3.retention_days({"Days": 30}) == 30
	s3.retention_days({"Years": 2}) == 730
	not s3.retention_days({"Mode": "COMPLIANCE"})
}

test_label_after_a_rule_of_the_module if {
	# Guards the regorus quirk noted in s3.rego: a rule of the module, then a function using core.
	got := [s3.public_groups, s3.label("logs"), s3.pab_settings, s3.label("logs")] with input as {"trails": {"arn:a": {"Name": "a", "S3BucketName": "logs"}}}
	got[1] == "Log bucket logs (trail(s) a)"
	got[3] == "Log bucket logs (trail(s) a)"
}
