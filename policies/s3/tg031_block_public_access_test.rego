package trailguard.rules.tg031_test

import data.trailguard.rules.tg031
import rego.v1

account := "111111111111"

trails := {"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {"Name": "main", "S3BucketName": "logs"}}

all_on := {
	"BlockPublicAcls": true,
	"IgnorePublicAcls": true,
	"BlockPublicPolicy": true,
	"RestrictPublicBuckets": true,
}

bucket(pab) := {"Name": "logs", "Arn": "arn:aws:s3:::logs", "OwnerAccount": account, "PublicAccessBlock": pab}

test_allow_bucket_fully_on if {
	count(tg031.deny) == 0 with input as {
		"trails": trails,
		"buckets": {"logs": bucket(all_on)},
		"accounts": {account: {"PublicAccessBlock": null}},
	}
}

test_allow_account_fully_on if {
	count(tg031.deny) == 0 with input as {
		"trails": trails,
		"buckets": {"logs": bucket(null)},
		"accounts": {account: {"PublicAccessBlock": all_on}},
	}
}

test_allow_settings_split_between_bucket_and_account if {
	count(tg031.deny) == 0 with input as {
		"trails": trails,
		"buckets": {"logs": bucket({"BlockPublicAcls": true, "IgnorePublicAcls": true})},
		"accounts": {account: {"PublicAccessBlock": {"BlockPublicPolicy": true, "RestrictPublicBuckets": true, "BlockPublicAcls": false}}},
	}
}

test_deny_settings_off_on_both if {
	findings := tg031.deny with input as {
		"trails": trails,
		"buckets": {"logs": bucket({"BlockPublicAcls": true, "IgnorePublicAcls": false, "BlockPublicPolicy": true, "RestrictPublicBuckets": false})},
		"accounts": {account: {"PublicAccessBlock": {"BlockPublicPolicy": true}}},
	}
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) has Block Public Access settings IgnorePublicAcls, RestrictPublicBuckets off on both the bucket and its account 111111111111",
	}}
}

test_deny_no_block_anywhere if {
	findings := tg031.deny with input as {
		"trails": trails,
		"buckets": {"logs": bucket(null)},
		"accounts": {account: {"PublicAccessBlock": null}},
	}
	findings == {{
		"resource": "arn:aws:s3:::logs",
		"message": "Log bucket logs (trail(s) main) has Block Public Access settings BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets off on both the bucket and its account 111111111111",
	}}
}

test_allow_unknown_account_block_is_undecidable if {
	count(tg031.deny) == 0 with input as {
		"trails": trails,
		"buckets": {"logs": bucket(null)},
		"accounts": {account: {}},
	}
}

test_allow_account_not_collected_is_undecidable if {
	count(tg031.deny) == 0 with input as {"trails": trails, "buckets": {"logs": bucket(null)}}
}

test_allow_unknown_owner_is_undecidable if {
	count(tg031.deny) == 0 with input as {
		"trails": trails,
		"buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs", "PublicAccessBlock": null}},
		"accounts": {account: {"PublicAccessBlock": null}},
	}
}

test_allow_unknown_bucket_block_is_left_to_tg090 if {
	count(tg031.deny) == 0 with input as {
		"trails": trails,
		"buckets": {"logs": {"Name": "logs", "Arn": "arn:aws:s3:::logs", "OwnerAccount": account}},
		"accounts": {account: {"PublicAccessBlock": null}},
	}
}

test_allow_account_fully_on if {
	count(tg031.deny) == 0 with input as {
		"trails": trails,
		"buckets": {"logs": bucket(null)},
		"accounts": {account: {"PublicAccessBlock": all_on}},
	}
}
