# METADATA
# title: trailguard canonical monitoring events
# description: >-
#   The CloudTrail records that each monitoring control (TG100-TG115: the CIS AWS Foundations
#   Benchmark's log metric filters and alarms, and TG115 for the tampering CIS leaves out) exists
#   to catch, with the reference metric-filter pattern that catches them. A control's events are
#   what a CloudWatch Logs metric filter on the trail's log group must match for the control to be
#   met: one record (at least) for every event name its reference pattern names, shaped as
#   CloudTrail writes it (account 111122223333, eventID naming the record). `benign` are records
#   no reference pattern catches. A filter that differs from the reference can be judged by
#   running it over these records with trailguard.logs.matches.
package trailguard.lib.monitoring_events

import rego.v1

# principal are the identities (userIdentity) that act in the records.
principal := {
	# an IAM user calling with her access key
	"alice": {"type": "IAMUser", "principalId": "AIDACKCEVSQ6C2EXAMPLE", "arn": "arn:aws:iam::111122223333:user/alice", "accountId": "111122223333", "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "userName": "alice"},
	# an IAM user signing in to the console
	"bob": {"type": "IAMUser", "principalId": "AIDAJ45Q7YFFAREXAMPLE", "arn": "arn:aws:iam::111122223333:user/bob", "accountId": "111122223333", "userName": "bob"},
	# the same user failing to sign in: no ARN
	"bob_failing": {"type": "IAMUser", "principalId": "AIDAJ45Q7YFFAREXAMPLE", "accountId": "111122223333", "accessKeyId": "", "userName": "bob"},
	# a role session from the console (MFA)
	"admin": {"type": "AssumedRole", "principalId": "AROAXUGXYGHGADMINROLE:jane", "arn": "arn:aws:sts::111122223333:assumed-role/Admin/jane", "accountId": "111122223333", "accessKeyId": "ASIAXUGXYGHGEXAMPLE2", "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAXUGXYGHGADMINROLE", "arn": "arn:aws:iam::111122223333:role/Admin", "accountId": "111122223333", "userName": "Admin"}, "webIdFederationData": {}, "attributes": {"creationDate": "2025-03-01T08:00:00Z", "mfaAuthenticated": "true"}}},
	# a role session of a CI pipeline
	"terraform": {"type": "AssumedRole", "principalId": "AROAXUGXYGHGTERRAFORM:ci-4242", "arn": "arn:aws:sts::111122223333:assumed-role/terraform-deploy/ci-4242", "accountId": "111122223333", "accessKeyId": "ASIAXUGXYGHGEXAMPLE3", "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAXUGXYGHGTERRAFORM", "arn": "arn:aws:iam::111122223333:role/terraform-deploy", "accountId": "111122223333", "userName": "terraform-deploy"}, "webIdFederationData": {}, "attributes": {"creationDate": "2025-03-01T08:00:00Z", "mfaAuthenticated": "false"}}},
	# a role CloudFormation acts as, for a stack
	"cloudformation": {"type": "AssumedRole", "principalId": "AROAXUGXYGHGSTACKSETS:AWSCloudFormation", "arn": "arn:aws:sts::111122223333:assumed-role/AWSCloudFormationStackSetExecutionRole/AWSCloudFormation", "accountId": "111122223333", "accessKeyId": "ASIAXUGXYGHGEXAMPLE1", "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAXUGXYGHGSTACKSETS", "arn": "arn:aws:iam::111122223333:role/AWSCloudFormationStackSetExecutionRole", "accountId": "111122223333", "userName": "AWSCloudFormationStackSetExecutionRole"}, "webIdFederationData": {}, "attributes": {"creationDate": "2025-03-10T12:04:30Z", "mfaAuthenticated": "false"}}, "invokedBy": "cloudformation.amazonaws.com"},
	# an instance profile's role session
	"app": {"type": "AssumedRole", "principalId": "AROAXUGXYGHGAPPRUNTME:i-0123456789abcdef0", "arn": "arn:aws:sts::111122223333:assumed-role/app-runtime/i-0123456789abcdef0", "accountId": "111122223333", "accessKeyId": "ASIAXUGXYGHGEXAMPLE4", "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAXUGXYGHGAPPRUNTME", "arn": "arn:aws:iam::111122223333:role/app-runtime", "accountId": "111122223333", "userName": "app-runtime"}, "webIdFederationData": {}, "attributes": {"creationDate": "2025-03-17T08:55:00Z", "mfaAuthenticated": "false"}}},
	# the root user signing in
	"root_signing_in": {"type": "Root", "principalId": "111122223333", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333", "accessKeyId": ""},
	# the root user's console session
	"root_console": {"type": "Root", "principalId": "111122223333", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333", "accessKeyId": "ASIAI44QH8DHBEXAMPLE", "sessionContext": {"attributes": {"creationDate": "2025-03-02T22:05:31Z", "mfaAuthenticated": "true"}}},
	# the root user calling with an access key
	"root_key": {"type": "Root", "principalId": "111122223333", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333", "accessKeyId": "AKIAI44QH8DHBEXAMPLE"},
}

# Each control: its title; its CIS recommendation (section 4 from CIS v1.4.0 to v5.0.0, section 5
# from v6.0.0; null for TG115); its Security Hub control (null where Security Hub has none); the
# reference filter pattern, verbatim from the source cited above the control; and its events.
# `controls` has them by id; each is also its own rule (tg100 to tg115), which the built-in rule
# of that control imports: regorus builds a rule's whole value each time a rule names it, and
# building all sixteen cost every monitoring rule about 1 ms at any snapshot size.
# The Security Hub patterns are those of its CloudWatch controls page (cited per control), as of
# github.com/awsdocs/aws-security-hub-user-guide, doc_source/cloudwatch-controls.md at bda5bf7 (2023-03-19):
# Security Hub fails the control unless this exact pattern is used.
controls := {
	"TG100": tg100,
	"TG101": tg101,
	"TG102": tg102,
	"TG103": tg103,
	"TG104": tg104,
	"TG105": tg105,
	"TG106": tg106,
	"TG107": tg107,
	"TG108": tg108,
	"TG109": tg109,
	"TG110": tg110,
	"TG111": tg111,
	"TG112": tg112,
	"TG113": tg113,
	"TG114": tg114,
	"TG115": tg115,
}

# -------------------------------------------------------------------------------------------
# TG100: Security Hub CloudWatch.2, CIS 4.1 / 5.1.
# Source: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-2
# CIS v1.4.0-v3.0.0 print a variant that appends `|| ($.sourceIPAddress!="delivery.logs.amazonaws.com")
# || ($.eventName!="HeadBucket")` (which, joined by ||, catches nearly every record); v4.0.1 to
# v6.0.0 join those two terms with && instead (&& binding tighter, they then exempt only AccessDenied*
# errors). Security Hub checks for the pattern below.
tg100 := {
	"title": "unauthorized API calls",
	"cis": {"v1.4-v5.0": "4.1", "v6.0": "5.1"},
	"security_hub": "CloudWatch.2",
	"reference_filter": `{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}`,
	"events": [
		{
			"eventID": "tg100-accessdenied-s3", "eventVersion": "1.09", "eventTime": "2025-03-01T03:12:45Z", "eventType": "AwsApiCall",
			"eventSource": "s3.amazonaws.com", "eventName": "GetBucketAcl", "awsRegion": "eu-west-1", "readOnly": true,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/s3api.get-bucket-acl",
			"errorCode": "AccessDenied", "errorMessage": "Access Denied",
			"requestParameters": {"bucketName": "aws-cloudtrail-logs-111122223333-3c9d1f5e", "Host": "aws-cloudtrail-logs-111122223333-3c9d1f5e.s3.eu-west-1.amazonaws.com", "acl": ""},
			"responseElements": null,
			"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 0, "bytesTransferredOut": 0},
			"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::aws-cloudtrail-logs-111122223333-3c9d1f5e"}],
			"requestID": "205CC281821E5D9A", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg100-accessdenied-iam", "eventVersion": "1.09", "eventTime": "2025-03-01T03:13:20Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "ListUsers", "awsRegion": "us-east-1", "readOnly": true,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/iam.list-users",
			"errorCode": "AccessDenied", "errorMessage": "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::111122223333:user/ because no identity-based policy allows the iam:ListUsers action",
			"requestParameters": null,
			"responseElements": null,
			"requestID": "c5bd7bdc-8eb1-59db-8e42-dab54edf2079", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg100-unauthorizedoperation-ec2", "eventVersion": "1.09", "eventTime": "2025-03-01T03:15:02Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "RunInstances", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/ec2.run-instances",
			"errorCode": "Client.UnauthorizedOperation", "errorMessage": "You are not authorized to perform this operation. User: arn:aws:iam::111122223333:user/alice is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:eu-west-1:111122223333:instance/* because no identity-based policy allows the ec2:RunInstances action. Encoded authorization failure message: EXAMPLE-encoded-message",
			"requestParameters": {"instancesSet": {"items": [{"imageId": "ami-0abcdef1234567890", "minCount": 1, "maxCount": 1}]}, "instanceType": "p4d.24xlarge", "blockDeviceMapping": {}, "monitoring": {"enabled": false}, "disableApiTermination": false, "disableApiStop": false, "clientToken": "7f4c3a2e-0d5b-4c1f-9a3e-EXAMPLE11111"},
			"responseElements": null,
			"requestID": "ab58b448-c434-555b-9571-0c79f4e2491c", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg100-accessdeniedexception-kms", "eventVersion": "1.09", "eventTime": "2025-03-01T03:16:40Z", "eventType": "AwsApiCall",
			"eventSource": "kms.amazonaws.com", "eventName": "Decrypt", "awsRegion": "eu-west-1", "readOnly": true,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/kms.decrypt",
			"errorCode": "AccessDeniedException", "errorMessage": "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab because no identity-based policy allows the kms:Decrypt action",
			"requestParameters": {"encryptionAlgorithm": "SYMMETRIC_DEFAULT"},
			"responseElements": null,
			"resources": [{"accountId": "111122223333", "type": "AWS::KMS::Key", "ARN": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}],
			"requestID": "51b2b38f-c3a8-5bf7-879d-80f1021425ac", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}

# -------------------------------------------------------------------------------------------
# TG101: Security Hub CloudWatch.3, CIS 4.2 / 5.2.
# Source: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-3
# This is CIS's variant "to reduce false positives in case Single Sign-On (SSO) is used"; CIS
# also gives the looser { ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }.
tg101 := {
	"title": "console sign-in without MFA",
	"cis": {"v1.4-v5.0": "4.2", "v6.0": "5.2"},
	"security_hub": "CloudWatch.3",
	"reference_filter": `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`,
	"events": [
		{
			"eventID": "tg101-consolelogin-iamuser-nomfa", "eventVersion": "1.09", "eventTime": "2025-03-02T08:41:09Z", "eventType": "AwsConsoleSignIn",
			"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.bob,
			"sourceIPAddress": "203.0.113.24", "userAgent": "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0",
			"requestParameters": null,
			"responseElements": {"ConsoleLogin": "Success"},
			"additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_0123456789abcdef", "MobileVersion": "No", "MFAUsed": "No"},
			"managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}

# -------------------------------------------------------------------------------------------
# TG102: Security Hub CloudWatch.1, CIS 4.3 / 5.3.
# Source: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-1
tg102 := {
	"title": "root user usage",
	"cis": {"v1.4-v5.0": "4.3", "v6.0": "5.3"},
	"security_hub": "CloudWatch.1",
	"reference_filter": `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`,
	"events": [
		{
			"eventID": "tg102-consolelogin-root", "eventVersion": "1.09", "eventTime": "2025-03-02T22:05:31Z", "eventType": "AwsConsoleSignIn",
			"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.root_signing_in,
			"sourceIPAddress": "198.51.100.77", "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
			"requestParameters": null,
			"responseElements": {"ConsoleLogin": "Success"},
			"additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true", "MobileVersion": "No", "MFAUsed": "Yes"},
			"managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg102-root-createaccesskey", "eventVersion": "1.09", "eventTime": "2025-03-02T22:07:12Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "CreateAccessKey", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.root_console,
			"sourceIPAddress": "198.51.100.77", "userAgent": "AWS Internal",
			"requestParameters": null,
			"responseElements": {"accessKey": {"accessKeyId": "AKIAI44QH8DHBEXAMPLE", "status": "Active", "createDate": "Mar 2, 2025, 10:07:12 PM"}},
			"requestID": "afe0e4cd-32ad-57ac-8b2e-8c8b4314534b", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg102-root-cli-describeregions", "eventVersion": "1.09", "eventTime": "2025-03-03T01:30:55Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "DescribeRegions", "awsRegion": "us-east-1", "readOnly": true,
			"userIdentity": principal.root_key,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/ec2.describe-regions",
			"requestParameters": {"regionSet": {}, "allRegions": false},
			"responseElements": null,
			"requestID": "77685e1e-cb34-59d3-abb7-9ad702577c9e", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}

# -------------------------------------------------------------------------------------------
# TG103: Security Hub CloudWatch.4, CIS 4.4 / 5.4.
# Source: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-4
# The pattern names no eventSource: Organizations' CreatePolicy and DeletePolicy (TG114) match it too.
tg103 := {
	"title": "IAM policy changes",
	"cis": {"v1.4-v5.0": "4.4", "v6.0": "5.4"},
	"security_hub": "CloudWatch.4",
	"reference_filter": `{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}`,
	"events": [
		{
			"eventID": "tg103-deletegrouppolicy", "eventVersion": "1.09", "eventTime": "2025-03-04T10:15:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "DeleteGroupPolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"groupName": "developers", "policyName": "deny-prod-writes"},
			"responseElements": null,
			"requestID": "57232042-a208-51ec-9048-90d731e9683d", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg103-deleterolepolicy", "eventVersion": "1.09", "eventTime": "2025-03-04T10:16:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "DeleteRolePolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"roleName": "app-runtime", "policyName": "deny-kms-admin"},
			"responseElements": null,
			"requestID": "d9b49e42-e35f-5d2f-9308-0f2797ee2fd4", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg103-deleteuserpolicy", "eventVersion": "1.09", "eventTime": "2025-03-04T10:17:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "DeleteUserPolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"userName": "alice", "policyName": "boundary-helper"},
			"responseElements": null,
			"requestID": "17bf60ef-db12-598c-9293-b5a954b37b27", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg103-putgrouppolicy", "eventVersion": "1.09", "eventTime": "2025-03-04T10:18:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "PutGroupPolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"groupName": "developers", "policyName": "read-assets", "policyDocument": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::example-app-assets/*\"}]\n}"},
			"responseElements": null,
			"requestID": "b084ac8a-bc94-5915-8138-92b87766c2ce", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg103-putrolepolicy", "eventVersion": "1.09", "eventTime": "2025-03-04T10:19:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "PutRolePolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/iam#1.31.3",
			"requestParameters": {"roleName": "app-runtime", "policyName": "read-assets", "policyDocument": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::example-app-assets/*\"}]\n}"},
			"responseElements": null,
			"requestID": "1ddfab83-36b2-56c9-9a87-2e6807d44e79", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg103-putuserpolicy", "eventVersion": "1.09", "eventTime": "2025-03-04T10:20:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "PutUserPolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"userName": "alice", "policyName": "read-assets", "policyDocument": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::example-app-assets/*\"}]\n}"},
			"responseElements": null,
			"requestID": "f0285327-c33e-5dbd-8387-f26bc8cf908a", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg103-createpolicy", "eventVersion": "1.09", "eventTime": "2025-03-04T10:21:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "CreatePolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"policyName": "app-read-assets", "policyDocument": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::example-app-assets/*\"}]\n}"},
			"responseElements": {"policy": {"policyName": "app-read-assets", "policyId": "ANPAXUGXYGHGEXAMPLE01", "arn": "arn:aws:iam::111122223333:policy/app-read-assets", "path": "/", "defaultVersionId": "v1", "attachmentCount": 0, "permissionsBoundaryUsageCount": 0, "isAttachable": true, "createDate": "Mar 4, 2025, 10:21:02 AM", "updateDate": "Mar 4, 2025, 10:21:02 AM"}},
			"requestID": "6f71a288-0de8-54aa-896f-f77bdc0baaf6", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg103-deletepolicy", "eventVersion": "1.09", "eventTime": "2025-03-04T10:22:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "DeletePolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"policyArn": "arn:aws:iam::111122223333:policy/legacy-deny-iam"},
			"responseElements": null,
			"requestID": "a5246a6c-307c-582b-8593-e7009b3b9a18", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg103-createpolicyversion", "eventVersion": "1.09", "eventTime": "2025-03-04T10:23:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "CreatePolicyVersion", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"policyArn": "arn:aws:iam::111122223333:policy/app-read-assets", "policyDocument": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::example-app-assets/*\"}]\n}", "setAsDefault": true},
			"responseElements": {"policyVersion": {"versionId": "v2", "isDefaultVersion": true, "createDate": "Mar 4, 2025, 10:23:02 AM"}},
			"requestID": "2c11f30f-e3b6-5348-8a32-6c4f88eef291", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg103-deletepolicyversion", "eventVersion": "1.09", "eventTime": "2025-03-04T10:24:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "DeletePolicyVersion", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"policyArn": "arn:aws:iam::111122223333:policy/app-read-assets", "versionId": "v1"},
			"responseElements": null,
			"requestID": "b3bd0212-db6b-565d-927f-2b8303ce97a8", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg103-attachrolepolicy", "eventVersion": "1.09", "eventTime": "2025-03-04T10:25:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "AttachRolePolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"roleName": "app-runtime", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
			"responseElements": null,
			"requestID": "98af5145-a3c9-50da-a638-0fb84a215f34", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg103-detachrolepolicy", "eventVersion": "1.09", "eventTime": "2025-03-04T10:26:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "DetachRolePolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"roleName": "app-runtime", "policyArn": "arn:aws:iam::111122223333:policy/app-read-assets"},
			"responseElements": null,
			"requestID": "1c7c866b-7974-51b4-95ef-34a045ca3f65", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg103-attachuserpolicy", "eventVersion": "1.09", "eventTime": "2025-03-04T10:27:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "AttachUserPolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/iam.attach-user-policy",
			"requestParameters": {"userName": "alice", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
			"responseElements": null,
			"requestID": "d5b0216b-5023-5fc8-a2e1-7af3ad810b16", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg103-detachuserpolicy", "eventVersion": "1.09", "eventTime": "2025-03-04T10:28:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "DetachUserPolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"userName": "alice", "policyArn": "arn:aws:iam::111122223333:policy/app-read-assets"},
			"responseElements": null,
			"requestID": "0ebfea07-7535-5858-91af-80f10faa8563", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg103-attachgrouppolicy", "eventVersion": "1.09", "eventTime": "2025-03-04T10:29:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "AttachGroupPolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"groupName": "developers", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
			"responseElements": null,
			"requestID": "93815e52-756c-513e-8b57-432441695e6e", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg103-detachgrouppolicy", "eventVersion": "1.09", "eventTime": "2025-03-04T10:30:02Z", "eventType": "AwsApiCall",
			"eventSource": "iam.amazonaws.com", "eventName": "DetachGroupPolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"groupName": "developers", "policyArn": "arn:aws:iam::111122223333:policy/app-read-assets"},
			"responseElements": null,
			"requestID": "e29b5697-85a4-571b-a2fa-991398dd7160", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}

# -------------------------------------------------------------------------------------------
# TG104: Security Hub CloudWatch.5, CIS 4.5 / 5.5.
# Source: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-5
tg104 := {
	"title": "CloudTrail configuration changes",
	"cis": {"v1.4-v5.0": "4.5", "v6.0": "5.5"},
	"security_hub": "CloudWatch.5",
	"reference_filter": `{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}`,
	"events": [
		{
			"eventID": "tg104-createtrail", "eventVersion": "1.09", "eventTime": "2025-03-05T09:00:14Z", "eventType": "AwsApiCall",
			"eventSource": "cloudtrail.amazonaws.com", "eventName": "CreateTrail", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "198.51.100.77", "userAgent": "AWS Internal",
			"requestParameters": {"name": "management-events", "s3BucketName": "aws-cloudtrail-logs-111122223333-3c9d1f5e", "includeGlobalServiceEvents": true, "isMultiRegionTrail": true, "enableLogFileValidation": true, "isOrganizationTrail": false},
			"responseElements": {"name": "management-events", "s3BucketName": "aws-cloudtrail-logs-111122223333-3c9d1f5e", "includeGlobalServiceEvents": true, "isMultiRegionTrail": true, "trailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events", "logFileValidationEnabled": true, "isOrganizationTrail": false},
			"requestID": "32292b4b-8695-5538-9d09-8609a73b1887", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg104-updatetrail", "eventVersion": "1.09", "eventTime": "2025-03-05T09:05:41Z", "eventType": "AwsApiCall",
			"eventSource": "cloudtrail.amazonaws.com", "eventName": "UpdateTrail", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "198.51.100.77", "userAgent": "AWS Internal",
			"requestParameters": {"name": "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events", "isMultiRegionTrail": false},
			"responseElements": {"name": "management-events", "s3BucketName": "aws-cloudtrail-logs-111122223333-3c9d1f5e", "includeGlobalServiceEvents": true, "isMultiRegionTrail": false, "trailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events", "logFileValidationEnabled": true, "isOrganizationTrail": false},
			"requestID": "568f3463-cdfa-5919-adf3-c8f430eb1a9c", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg104-stoplogging", "eventVersion": "1.09", "eventTime": "2025-03-05T09:06:03Z", "eventType": "AwsApiCall",
			"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/cloudtrail.stop-logging",
			"requestParameters": {"name": "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"},
			"responseElements": null,
			"requestID": "add3ae9c-1cc6-5915-b177-001235498a28", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg104-startlogging", "eventVersion": "1.09", "eventTime": "2025-03-05T09:31:27Z", "eventType": "AwsApiCall",
			"eventSource": "cloudtrail.amazonaws.com", "eventName": "StartLogging", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "198.51.100.77", "userAgent": "AWS Internal",
			"requestParameters": {"name": "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"},
			"responseElements": null,
			"requestID": "0c160801-c493-543e-844d-222ee5388860", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg104-deletetrail", "eventVersion": "1.09", "eventTime": "2025-03-05T09:40:50Z", "eventType": "AwsApiCall",
			"eventSource": "cloudtrail.amazonaws.com", "eventName": "DeleteTrail", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/cloudtrail.delete-trail",
			"requestParameters": {"name": "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"},
			"responseElements": null,
			"requestID": "ffd01ca7-3ea9-5e69-9086-3904cb706537", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}

# -------------------------------------------------------------------------------------------
# TG105: Security Hub CloudWatch.6, CIS 4.6 / 5.6.
# Source: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-6
tg105 := {
	"title": "console authentication failures",
	"cis": {"v1.4-v5.0": "4.6", "v6.0": "5.6"},
	"security_hub": "CloudWatch.6",
	"reference_filter": `{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}`,
	"events": [
		{
			"eventID": "tg105-consolelogin-iamuser-failure", "eventVersion": "1.09", "eventTime": "2025-03-06T02:11:47Z", "eventType": "AwsConsoleSignIn",
			"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.bob_failing,
			"sourceIPAddress": "192.0.2.199", "userAgent": "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0",
			"errorMessage": "Failed authentication",
			"requestParameters": null,
			"responseElements": {"ConsoleLogin": "Failure"},
			"additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true", "MobileVersion": "No", "MFAUsed": "No"},
			"managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg105-consolelogin-root-failure", "eventVersion": "1.09", "eventTime": "2025-03-06T02:14:05Z", "eventType": "AwsConsoleSignIn",
			"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.root_signing_in,
			"sourceIPAddress": "192.0.2.199", "userAgent": "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0",
			"errorMessage": "Failed authentication",
			"requestParameters": null,
			"responseElements": {"ConsoleLogin": "Failure"},
			"additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true", "MobileVersion": "No", "MFAUsed": "No"},
			"managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}

# -------------------------------------------------------------------------------------------
# TG106: Security Hub CloudWatch.7, CIS 4.7 / 5.7.
# Source: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-7
tg106 := {
	"title": "disabling or scheduled deletion of customer managed KMS keys",
	"cis": {"v1.4-v5.0": "4.7", "v6.0": "5.7"},
	"security_hub": "CloudWatch.7",
	"reference_filter": `{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}`,
	"events": [
		{
			"eventID": "tg106-disablekey", "eventVersion": "1.09", "eventTime": "2025-03-07T11:20:33Z", "eventType": "AwsApiCall",
			"eventSource": "kms.amazonaws.com", "eventName": "DisableKey", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "198.51.100.77", "userAgent": "AWS Internal",
			"requestParameters": {"keyId": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
			"responseElements": null,
			"resources": [{"accountId": "111122223333", "type": "AWS::KMS::Key", "ARN": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}],
			"requestID": "bafb8e8a-ab0c-5e6f-847a-2fcc17ffca1a", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg106-schedulekeydeletion", "eventVersion": "1.09", "eventTime": "2025-03-07T11:21:09Z", "eventType": "AwsApiCall",
			"eventSource": "kms.amazonaws.com", "eventName": "ScheduleKeyDeletion", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/kms.schedule-key-deletion",
			"requestParameters": {"keyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "pendingWindowInDays": 7},
			"responseElements": {"keyId": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "deletionDate": "Mar 14, 2025, 11:21:09 AM", "keyState": "PendingDeletion", "pendingWindowInDays": 7},
			"resources": [{"accountId": "111122223333", "type": "AWS::KMS::Key", "ARN": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}],
			"requestID": "a450ed36-6cd2-52bb-a013-8ab40f7799c2", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}

# -------------------------------------------------------------------------------------------
# TG107: Security Hub CloudWatch.8, CIS 4.8 / 5.8.
# Source: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-8
tg107 := {
	"title": "S3 bucket policy changes",
	"cis": {"v1.4-v5.0": "4.8", "v6.0": "5.8"},
	"security_hub": "CloudWatch.8",
	"reference_filter": `{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}`,
	"events": [
		{
			"eventID": "tg107-putbucketacl", "eventVersion": "1.09", "eventTime": "2025-03-08T15:01:19Z", "eventType": "AwsApiCall",
			"eventSource": "s3.amazonaws.com", "eventName": "PutBucketAcl", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/s3#1.53.1",
			"requestParameters": {"bucketName": "example-app-assets", "Host": "example-app-assets.s3.eu-west-1.amazonaws.com", "acl": "", "AccessControlPolicy": {"AccessControlList": {"Grant": [{"Grantee": {"xsi:type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"}]}, "Owner": {"ID": "EXAMPLE8fb0b4f1d5a3c2e9d7f4b2a1c3e5d7f9b1a3c5e7d9f1b3a5c7e9d1f3b5"}}},
			"responseElements": null,
			"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 412, "bytesTransferredOut": 0},
			"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::example-app-assets"}],
			"requestID": "A4D254846B935031", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg107-putbucketpolicy", "eventVersion": "1.09", "eventTime": "2025-03-08T15:02:19Z", "eventType": "AwsApiCall",
			"eventSource": "s3.amazonaws.com", "eventName": "PutBucketPolicy", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/s3#1.53.1",
			"requestParameters": {"bucketName": "example-app-assets", "Host": "example-app-assets.s3.eu-west-1.amazonaws.com", "policy": "", "bucketPolicy": {"Version": "2012-10-17", "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-app-assets/*"}]}},
			"responseElements": null,
			"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 412, "bytesTransferredOut": 0},
			"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::example-app-assets"}],
			"requestID": "5F254D4A07535A69", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg107-putbucketcors", "eventVersion": "1.09", "eventTime": "2025-03-08T15:03:19Z", "eventType": "AwsApiCall",
			"eventSource": "s3.amazonaws.com", "eventName": "PutBucketCors", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/s3#1.53.1",
			"requestParameters": {"bucketName": "example-app-assets", "Host": "example-app-assets.s3.eu-west-1.amazonaws.com", "cors": "", "CORSConfiguration": {"CORSRule": {"AllowedMethod": "GET", "AllowedOrigin": "*"}}},
			"responseElements": null,
			"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 412, "bytesTransferredOut": 0},
			"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::example-app-assets"}],
			"requestID": "B442C76B5D765EF8", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg107-putbucketlifecycle", "eventVersion": "1.09", "eventTime": "2025-03-08T15:04:19Z", "eventType": "AwsApiCall",
			"eventSource": "s3.amazonaws.com", "eventName": "PutBucketLifecycle", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/s3#1.53.1",
			"requestParameters": {"bucketName": "example-app-assets", "Host": "example-app-assets.s3.eu-west-1.amazonaws.com", "lifecycle": "", "LifecycleConfiguration": {"Rule": {"ID": "expire-old", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 30}}}},
			"responseElements": null,
			"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 412, "bytesTransferredOut": 0},
			"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::example-app-assets"}],
			"requestID": "CC530E11F03F5DA7", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg107-putbucketreplication", "eventVersion": "1.09", "eventTime": "2025-03-08T15:05:19Z", "eventType": "AwsApiCall",
			"eventSource": "s3.amazonaws.com", "eventName": "PutBucketReplication", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/s3#1.53.1",
			"requestParameters": {"bucketName": "example-app-assets", "Host": "example-app-assets.s3.eu-west-1.amazonaws.com", "replication": "", "ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/s3-replication", "Rule": {"ID": "to-dr", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""}, "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::example-app-assets-dr"}}}},
			"responseElements": null,
			"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 412, "bytesTransferredOut": 0},
			"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::example-app-assets"}],
			"requestID": "1AB01A26E1DA5934", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg107-deletebucketpolicy", "eventVersion": "1.09", "eventTime": "2025-03-08T15:06:19Z", "eventType": "AwsApiCall",
			"eventSource": "s3.amazonaws.com", "eventName": "DeleteBucketPolicy", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/s3#1.53.1",
			"requestParameters": {"bucketName": "example-app-assets", "Host": "example-app-assets.s3.eu-west-1.amazonaws.com", "policy": ""},
			"responseElements": null,
			"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 0, "bytesTransferredOut": 0},
			"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::example-app-assets"}],
			"requestID": "41C63971C0315461", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg107-deletebucketcors", "eventVersion": "1.09", "eventTime": "2025-03-08T15:07:19Z", "eventType": "AwsApiCall",
			"eventSource": "s3.amazonaws.com", "eventName": "DeleteBucketCors", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/s3#1.53.1",
			"requestParameters": {"bucketName": "example-app-assets", "Host": "example-app-assets.s3.eu-west-1.amazonaws.com", "cors": ""},
			"responseElements": null,
			"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 0, "bytesTransferredOut": 0},
			"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::example-app-assets"}],
			"requestID": "1E6990160E5A5368", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg107-deletebucketlifecycle", "eventVersion": "1.09", "eventTime": "2025-03-08T15:08:19Z", "eventType": "AwsApiCall",
			"eventSource": "s3.amazonaws.com", "eventName": "DeleteBucketLifecycle", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/s3#1.53.1",
			"requestParameters": {"bucketName": "example-app-assets", "Host": "example-app-assets.s3.eu-west-1.amazonaws.com", "lifecycle": ""},
			"responseElements": null,
			"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 0, "bytesTransferredOut": 0},
			"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::example-app-assets"}],
			"requestID": "6FBBF465D6505AA7", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg107-deletebucketreplication", "eventVersion": "1.09", "eventTime": "2025-03-08T15:09:19Z", "eventType": "AwsApiCall",
			"eventSource": "s3.amazonaws.com", "eventName": "DeleteBucketReplication", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/s3#1.53.1",
			"requestParameters": {"bucketName": "example-app-assets", "Host": "example-app-assets.s3.eu-west-1.amazonaws.com", "replication": ""},
			"responseElements": null,
			"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 0, "bytesTransferredOut": 0},
			"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::example-app-assets"}],
			"requestID": "AADDCD65BD295F99", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}

# -------------------------------------------------------------------------------------------
# TG108: Security Hub CloudWatch.9, CIS 4.9 / 5.9.
# Source: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-9
tg108 := {
	"title": "AWS Config configuration changes",
	"cis": {"v1.4-v5.0": "4.9", "v6.0": "5.9"},
	"security_hub": "CloudWatch.9",
	"reference_filter": `{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}`,
	"events": [
		{
			"eventID": "tg108-stopconfigurationrecorder", "eventVersion": "1.09", "eventTime": "2025-03-09T07:45:01Z", "eventType": "AwsApiCall",
			"eventSource": "config.amazonaws.com", "eventName": "StopConfigurationRecorder", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "198.51.100.77", "userAgent": "AWS Internal",
			"requestParameters": {"configurationRecorderName": "default"},
			"responseElements": null,
			"requestID": "eae531e2-3caa-5f4c-a371-97049cced0ec", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg108-deletedeliverychannel", "eventVersion": "1.09", "eventTime": "2025-03-09T07:46:12Z", "eventType": "AwsApiCall",
			"eventSource": "config.amazonaws.com", "eventName": "DeleteDeliveryChannel", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "198.51.100.77", "userAgent": "AWS Internal",
			"requestParameters": {"deliveryChannelName": "default"},
			"responseElements": null,
			"requestID": "a4f0cf35-f23a-5cea-ba12-b083ce892877", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg108-putdeliverychannel", "eventVersion": "1.09", "eventTime": "2025-03-09T07:50:30Z", "eventType": "AwsApiCall",
			"eventSource": "config.amazonaws.com", "eventName": "PutDeliveryChannel", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "198.51.100.77", "userAgent": "AWS Internal",
			"requestParameters": {"deliveryChannel": {"name": "default", "s3BucketName": "config-bucket-111122223333", "configSnapshotDeliveryProperties": {"deliveryFrequency": "TwentyFour_Hours"}}},
			"responseElements": null,
			"requestID": "930d2781-29ba-5ec8-9185-567838a5f28f", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg108-putconfigurationrecorder", "eventVersion": "1.09", "eventTime": "2025-03-09T07:51:44Z", "eventType": "AwsApiCall",
			"eventSource": "config.amazonaws.com", "eventName": "PutConfigurationRecorder", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "198.51.100.77", "userAgent": "AWS Internal",
			"requestParameters": {"configurationRecorder": {"name": "default", "roleARN": "arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig", "recordingGroup": {"allSupported": true, "includeGlobalResourceTypes": true, "resourceTypes": []}}},
			"responseElements": null,
			"requestID": "537c0e7a-5cc2-5901-aa06-028c6531274b", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}

# -------------------------------------------------------------------------------------------
# TG109: Security Hub CloudWatch.10, CIS 4.10 / 5.10.
# Source: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-10
# CIS v5.0.0 and v6.0.0 add `|| ($.eventName = ModifySecurityGroupRules)`, which this pattern does
# not catch: a ModifySecurityGroupRules record is deliberately absent from the events below.
tg109 := {
	"title": "security group changes",
	"cis": {"v1.4-v5.0": "4.10", "v6.0": "5.10"},
	"security_hub": "CloudWatch.10",
	"reference_filter": `{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}`,
	"events": [
		{
			"eventID": "tg109-authorizesecuritygroupingress", "eventVersion": "1.09", "eventTime": "2025-03-10T12:01:58Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "AuthorizeSecurityGroupIngress", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"groupId": "sg-0123456789abcdef0", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groups": {}, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}, "ipv6Ranges": {}, "prefixListIds": {}}]}},
			"responseElements": {"requestId": "df5bab06-c55b-5606-b59d-24fb006fabb8", "_return": true, "securityGroupRuleSet": {"items": [{"groupOwnerId": "111122223333", "groupId": "sg-0123456789abcdef0", "securityGroupRuleId": "sgr-0abc1234def567890", "isEgress": false, "ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "cidrIpv4": "0.0.0.0/0"}]}},
			"requestID": "df5bab06-c55b-5606-b59d-24fb006fabb8", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg109-authorizesecuritygroupegress", "eventVersion": "1.09", "eventTime": "2025-03-10T12:02:58Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "AuthorizeSecurityGroupEgress", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"groupId": "sg-0123456789abcdef0", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "groups": {}, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}, "ipv6Ranges": {}, "prefixListIds": {}}]}},
			"responseElements": {"requestId": "af5ee34e-be68-5d37-a57c-29e4aeae2a5b", "_return": true, "securityGroupRuleSet": {"items": [{"groupOwnerId": "111122223333", "groupId": "sg-0123456789abcdef0", "securityGroupRuleId": "sgr-0abc1234def567890", "isEgress": true, "ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "0.0.0.0/0"}]}},
			"requestID": "af5ee34e-be68-5d37-a57c-29e4aeae2a5b", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg109-revokesecuritygroupingress", "eventVersion": "1.09", "eventTime": "2025-03-10T12:03:58Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "RevokeSecurityGroupIngress", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"groupId": "sg-0123456789abcdef0", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groups": {}, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}, "ipv6Ranges": {}, "prefixListIds": {}}]}},
			"responseElements": {"requestId": "678d7ef4-0cd9-5783-962c-ffaf94fc0c6f", "_return": true},
			"requestID": "678d7ef4-0cd9-5783-962c-ffaf94fc0c6f", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg109-revokesecuritygroupegress", "eventVersion": "1.09", "eventTime": "2025-03-10T12:04:58Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "RevokeSecurityGroupEgress", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"groupId": "sg-0123456789abcdef0", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "groups": {}, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}, "ipv6Ranges": {}, "prefixListIds": {}}]}},
			"responseElements": {"requestId": "360d9aa4-c16c-512a-b7f2-33250921ddc8", "_return": true},
			"requestID": "360d9aa4-c16c-512a-b7f2-33250921ddc8", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg109-createsecuritygroup", "eventVersion": "1.09", "eventTime": "2025-03-10T12:05:58Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "CreateSecurityGroup", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.cloudformation,
			"sourceIPAddress": "cloudformation.amazonaws.com", "userAgent": "cloudformation.amazonaws.com",
			"requestParameters": {"groupName": "app-web", "groupDescription": "app web tier", "vpcId": "vpc-0a1b2c3d4e5f67890"},
			"responseElements": {"requestId": "5e161c33-8f90-5452-85a7-a638553e286b", "_return": true, "groupId": "sg-0123456789abcdef0"},
			"requestID": "5e161c33-8f90-5452-85a7-a638553e286b", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg109-deletesecuritygroup", "eventVersion": "1.09", "eventTime": "2025-03-10T12:06:58Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "DeleteSecurityGroup", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"groupId": "sg-0123456789abcdef0"},
			"responseElements": {"requestId": "6033b3ad-1cbd-52a3-bbb7-2dde78a4849f", "_return": true, "groupId": "sg-0123456789abcdef0"},
			"requestID": "6033b3ad-1cbd-52a3-bbb7-2dde78a4849f", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}

# -------------------------------------------------------------------------------------------
# TG110: Security Hub CloudWatch.11, CIS 4.11 / 5.11.
# Source: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-11
tg110 := {
	"title": "network ACL changes",
	"cis": {"v1.4-v5.0": "4.11", "v6.0": "5.11"},
	"security_hub": "CloudWatch.11",
	"reference_filter": `{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}`,
	"events": [
		{
			"eventID": "tg110-createnetworkacl", "eventVersion": "1.09", "eventTime": "2025-03-11T13:01:07Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "CreateNetworkAcl", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"vpcId": "vpc-0a1b2c3d4e5f67890"},
			"responseElements": {"requestId": "8401ddbe-9738-5605-83ac-11d857ef2904", "networkAcl": {"networkAclId": "acl-0f1e2d3c4b5a69788", "vpcId": "vpc-0a1b2c3d4e5f67890", "default": false, "entrySet": {}, "associationSet": {}, "tagSet": {}, "ownerId": "111122223333"}},
			"requestID": "8401ddbe-9738-5605-83ac-11d857ef2904", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg110-createnetworkaclentry", "eventVersion": "1.09", "eventTime": "2025-03-11T13:02:07Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "CreateNetworkAclEntry", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"networkAclId": "acl-0f1e2d3c4b5a69788", "ruleNumber": 100, "egress": false, "ruleAction": "allow", "icmpTypeCode": {}, "portRange": {"from": 0, "to": 65535}, "aclProtocol": "-1", "cidrBlock": "0.0.0.0/0"},
			"responseElements": {"requestId": "1bdf5007-9a0f-550b-9e83-f6a499a5fc7d", "_return": true},
			"requestID": "1bdf5007-9a0f-550b-9e83-f6a499a5fc7d", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg110-replacenetworkaclentry", "eventVersion": "1.09", "eventTime": "2025-03-11T13:03:07Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "ReplaceNetworkAclEntry", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"networkAclId": "acl-0f1e2d3c4b5a69788", "ruleNumber": 100, "egress": false, "ruleAction": "allow", "icmpTypeCode": {}, "portRange": {"from": 22, "to": 22}, "aclProtocol": "6", "cidrBlock": "0.0.0.0/0"},
			"responseElements": {"requestId": "6c8be1b4-638e-5074-b4da-bc1c10e56964", "_return": true},
			"requestID": "6c8be1b4-638e-5074-b4da-bc1c10e56964", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg110-replacenetworkaclassociation", "eventVersion": "1.09", "eventTime": "2025-03-11T13:04:07Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "ReplaceNetworkAclAssociation", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"associationId": "aclassoc-0a1b2c3d4e5f60718", "networkAclId": "acl-0f1e2d3c4b5a69788"},
			"responseElements": {"requestId": "6f324b2c-27e1-5930-849c-fd118b25a159", "newAssociationId": "aclassoc-0f9e8d7c6b5a40312"},
			"requestID": "6f324b2c-27e1-5930-849c-fd118b25a159", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg110-deletenetworkaclentry", "eventVersion": "1.09", "eventTime": "2025-03-11T13:05:07Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "DeleteNetworkAclEntry", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"networkAclId": "acl-0f1e2d3c4b5a69788", "ruleNumber": 100, "egress": false},
			"responseElements": {"requestId": "9327ab66-6738-57fc-b063-fc3a13bc3c76", "_return": true},
			"requestID": "9327ab66-6738-57fc-b063-fc3a13bc3c76", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg110-deletenetworkacl", "eventVersion": "1.09", "eventTime": "2025-03-11T13:06:07Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "DeleteNetworkAcl", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"networkAclId": "acl-0f1e2d3c4b5a69788"},
			"responseElements": {"requestId": "12482070-d06b-5f4a-8a8e-81ccb10a8fdd", "_return": true},
			"requestID": "12482070-d06b-5f4a-8a8e-81ccb10a8fdd", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}

# -------------------------------------------------------------------------------------------
# TG111: Security Hub CloudWatch.12, CIS 4.12 / 5.12.
# Source: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-12
tg111 := {
	"title": "network gateway changes",
	"cis": {"v1.4-v5.0": "4.12", "v6.0": "5.12"},
	"security_hub": "CloudWatch.12",
	"reference_filter": `{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}`,
	"events": [
		{
			"eventID": "tg111-createcustomergateway", "eventVersion": "1.09", "eventTime": "2025-03-12T16:01:36Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "CreateCustomerGateway", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"type": "ipsec.1", "ipAddress": "198.51.100.10", "bgpAsn": 65000},
			"responseElements": {"requestId": "249a59a6-fc06-5291-825b-8cb0adfdcccb", "customerGateway": {"customerGatewayId": "cgw-0e1f2a3b4c5d6e7f8", "state": "available", "type": "ipsec.1", "ipAddress": "198.51.100.10", "bgpAsn": "65000", "tagSet": {}}},
			"requestID": "249a59a6-fc06-5291-825b-8cb0adfdcccb", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg111-deletecustomergateway", "eventVersion": "1.09", "eventTime": "2025-03-12T16:02:36Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "DeleteCustomerGateway", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"customerGatewayId": "cgw-0e1f2a3b4c5d6e7f8"},
			"responseElements": {"requestId": "3cce9440-84e3-5709-b2a5-51e87c7cf0e3", "_return": true},
			"requestID": "3cce9440-84e3-5709-b2a5-51e87c7cf0e3", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg111-createinternetgateway", "eventVersion": "1.09", "eventTime": "2025-03-12T16:03:36Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "CreateInternetGateway", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {},
			"responseElements": {"requestId": "86fc171f-e025-53c8-9347-4f720922b349", "internetGateway": {"internetGatewayId": "igw-0c1d2e3f4a5b6c7d8", "attachmentSet": {}, "ownerId": "111122223333", "tagSet": {}}},
			"requestID": "86fc171f-e025-53c8-9347-4f720922b349", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg111-attachinternetgateway", "eventVersion": "1.09", "eventTime": "2025-03-12T16:04:36Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "AttachInternetGateway", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"internetGatewayId": "igw-0c1d2e3f4a5b6c7d8", "vpcId": "vpc-0a1b2c3d4e5f67890"},
			"responseElements": {"requestId": "9df12f1c-d88b-5184-9077-c1f0284ecc2a", "_return": true},
			"requestID": "9df12f1c-d88b-5184-9077-c1f0284ecc2a", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg111-detachinternetgateway", "eventVersion": "1.09", "eventTime": "2025-03-12T16:05:36Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "DetachInternetGateway", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"internetGatewayId": "igw-0c1d2e3f4a5b6c7d8", "vpcId": "vpc-0a1b2c3d4e5f67890"},
			"responseElements": {"requestId": "9f85a678-c10e-5aec-8558-8772b41d2065", "_return": true},
			"requestID": "9f85a678-c10e-5aec-8558-8772b41d2065", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg111-deleteinternetgateway", "eventVersion": "1.09", "eventTime": "2025-03-12T16:06:36Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "DeleteInternetGateway", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"internetGatewayId": "igw-0c1d2e3f4a5b6c7d8"},
			"responseElements": {"requestId": "d196a221-8d05-57ec-b616-082baea8dcfd", "_return": true},
			"requestID": "d196a221-8d05-57ec-b616-082baea8dcfd", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}

# -------------------------------------------------------------------------------------------
# TG112: Security Hub CloudWatch.13, CIS 4.13 / 5.13.
# Source: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-13
tg112 := {
	"title": "route table changes",
	"cis": {"v1.4-v5.0": "4.13", "v6.0": "5.13"},
	"security_hub": "CloudWatch.13",
	"reference_filter": `{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}`,
	"events": [
		{
			"eventID": "tg112-createroutetable", "eventVersion": "1.09", "eventTime": "2025-03-13T17:01:12Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "CreateRouteTable", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"vpcId": "vpc-0a1b2c3d4e5f67890"},
			"responseElements": {"requestId": "dd8cee87-0fe9-5bd4-852d-75bfa2121d57", "routeTable": {"routeTableId": "rtb-0a9b8c7d6e5f40312", "vpcId": "vpc-0a1b2c3d4e5f67890", "routeSet": {"items": [{"destinationCidrBlock": "10.0.0.0/16", "gatewayId": "local", "state": "active", "origin": "CreateRouteTable"}]}, "associationSet": {}, "propagatingVgwSet": {}, "tagSet": {}, "ownerId": "111122223333"}},
			"requestID": "dd8cee87-0fe9-5bd4-852d-75bfa2121d57", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg112-createroute", "eventVersion": "1.09", "eventTime": "2025-03-13T17:02:12Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "CreateRoute", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"routeTableId": "rtb-0a9b8c7d6e5f40312", "destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-0c1d2e3f4a5b6c7d8"},
			"responseElements": {"requestId": "e7860387-1c7d-5b59-a973-2a0ef1243d3c", "_return": true},
			"requestID": "e7860387-1c7d-5b59-a973-2a0ef1243d3c", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg112-replaceroute", "eventVersion": "1.09", "eventTime": "2025-03-13T17:03:12Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "ReplaceRoute", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"routeTableId": "rtb-0a9b8c7d6e5f40312", "destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-0d1e2f3a4b5c6d7e8"},
			"responseElements": {"requestId": "73b31f14-d637-53ed-9952-b687c53a1e24", "_return": true},
			"requestID": "73b31f14-d637-53ed-9952-b687c53a1e24", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg112-replaceroutetableassociation", "eventVersion": "1.09", "eventTime": "2025-03-13T17:04:12Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "ReplaceRouteTableAssociation", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"associationId": "rtbassoc-0b1c2d3e4f5a60718", "routeTableId": "rtb-0a9b8c7d6e5f40312"},
			"responseElements": {"requestId": "af2a6b27-dd3e-53fd-b78f-77c06626f376", "newAssociationId": "rtbassoc-0c2d3e4f5a6b70819", "associationState": {"state": "associated"}},
			"requestID": "af2a6b27-dd3e-53fd-b78f-77c06626f376", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg112-disassociateroutetable", "eventVersion": "1.09", "eventTime": "2025-03-13T17:05:12Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "DisassociateRouteTable", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"associationId": "rtbassoc-0b1c2d3e4f5a60718"},
			"responseElements": {"requestId": "5a62c903-b2e4-59db-b8b1-62c823927088", "_return": true},
			"requestID": "5a62c903-b2e4-59db-b8b1-62c823927088", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg112-deleteroute", "eventVersion": "1.09", "eventTime": "2025-03-13T17:06:12Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "DeleteRoute", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"routeTableId": "rtb-0a9b8c7d6e5f40312", "destinationCidrBlock": "0.0.0.0/0"},
			"responseElements": {"requestId": "c684ab4c-3e72-5ea2-88b5-c1548ee6595d", "_return": true},
			"requestID": "c684ab4c-3e72-5ea2-88b5-c1548ee6595d", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg112-deleteroutetable", "eventVersion": "1.09", "eventTime": "2025-03-13T17:07:12Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "DeleteRouteTable", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"routeTableId": "rtb-0a9b8c7d6e5f40312"},
			"responseElements": {"requestId": "8f3045c8-a898-5608-a251-6050be0966d9", "_return": true},
			"requestID": "8f3045c8-a898-5608-a251-6050be0966d9", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}

# -------------------------------------------------------------------------------------------
# TG113: Security Hub CloudWatch.14, CIS 4.14 / 5.14.
# Source: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-14
# ClassicLink was retired with EC2-Classic in 2023; CIS still names its four calls.
tg113 := {
	"title": "VPC changes",
	"cis": {"v1.4-v5.0": "4.14", "v6.0": "5.14"},
	"security_hub": "CloudWatch.14",
	"reference_filter": `{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}`,
	"events": [
		{
			"eventID": "tg113-createvpc", "eventVersion": "1.09", "eventTime": "2025-03-14T18:01:45Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "CreateVpc", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"cidrBlock": "10.0.0.0/16", "instanceTenancy": "default", "amazonProvidedIpv6CidrBlock": false},
			"responseElements": {"requestId": "2e7735a2-02be-5433-96a0-99cb33076676", "vpc": {"vpcId": "vpc-0a1b2c3d4e5f67890", "state": "pending", "ownerId": "111122223333", "cidrBlock": "10.0.0.0/16", "dhcpOptionsId": "dopt-0a1b2c3d4e5f60718", "instanceTenancy": "default", "isDefault": false, "tagSet": {}}},
			"requestID": "2e7735a2-02be-5433-96a0-99cb33076676", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg113-modifyvpcattribute", "eventVersion": "1.09", "eventTime": "2025-03-14T18:02:45Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "ModifyVpcAttribute", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"vpcId": "vpc-0a1b2c3d4e5f67890", "enableDnsHostnames": {"value": true}},
			"responseElements": {"requestId": "3de940a4-554a-5d3b-b1b3-cb52da9e1533", "_return": true},
			"requestID": "3de940a4-554a-5d3b-b1b3-cb52da9e1533", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg113-createvpcpeeringconnection", "eventVersion": "1.09", "eventTime": "2025-03-14T18:03:45Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "CreateVpcPeeringConnection", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"vpcId": "vpc-0a1b2c3d4e5f67890", "peerVpcId": "vpc-0f9e8d7c6b5a43210", "peerOwnerId": "444455556666"},
			"responseElements": {"requestId": "24493b43-ef9b-56cd-b756-f9d26041e701", "vpcPeeringConnection": {"vpcPeeringConnectionId": "pcx-0e1d2c3b4a5968778", "status": {"code": "initiating-request", "message": "Initiating Request to 444455556666"}}},
			"requestID": "24493b43-ef9b-56cd-b756-f9d26041e701", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg113-acceptvpcpeeringconnection", "eventVersion": "1.09", "eventTime": "2025-03-14T18:04:45Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "AcceptVpcPeeringConnection", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"vpcPeeringConnectionId": "pcx-0a2b4c6d8e0f13579"},
			"responseElements": {"requestId": "34e2cf4d-0b1d-5fcc-beed-ecdda34edbc1", "vpcPeeringConnection": {"vpcPeeringConnectionId": "pcx-0a2b4c6d8e0f13579", "status": {"code": "provisioning", "message": "Provisioning"}}},
			"requestID": "34e2cf4d-0b1d-5fcc-beed-ecdda34edbc1", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg113-rejectvpcpeeringconnection", "eventVersion": "1.09", "eventTime": "2025-03-14T18:05:45Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "RejectVpcPeeringConnection", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"vpcPeeringConnectionId": "pcx-0b3c5d7e9f1a24680"},
			"responseElements": {"requestId": "a27db7ed-9b04-5318-8079-e16ae8ca287b", "_return": true},
			"requestID": "a27db7ed-9b04-5318-8079-e16ae8ca287b", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg113-deletevpcpeeringconnection", "eventVersion": "1.09", "eventTime": "2025-03-14T18:06:45Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "DeleteVpcPeeringConnection", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"vpcPeeringConnectionId": "pcx-0e1d2c3b4a5968778"},
			"responseElements": {"requestId": "b3307db7-80a1-55f0-b998-c027c26f8443", "_return": true},
			"requestID": "b3307db7-80a1-55f0-b998-c027c26f8443", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg113-enablevpcclassiclink", "eventVersion": "1.09", "eventTime": "2025-03-14T18:07:45Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "EnableVpcClassicLink", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"vpcId": "vpc-0a1b2c3d4e5f67890"},
			"responseElements": {"requestId": "3a68424e-0e31-5246-acb0-9436dcd43251", "_return": true},
			"requestID": "3a68424e-0e31-5246-acb0-9436dcd43251", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg113-attachclassiclinkvpc", "eventVersion": "1.09", "eventTime": "2025-03-14T18:08:45Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "AttachClassicLinkVpc", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"instanceId": "i-0123456789abcdef0", "vpcId": "vpc-0a1b2c3d4e5f67890", "groupSet": {"items": [{"groupId": "sg-0123456789abcdef0"}]}},
			"responseElements": {"requestId": "a5033ae7-5564-53ac-bb95-2fbdd4a691c9", "_return": true},
			"requestID": "a5033ae7-5564-53ac-bb95-2fbdd4a691c9", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg113-detachclassiclinkvpc", "eventVersion": "1.09", "eventTime": "2025-03-14T18:09:45Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "DetachClassicLinkVpc", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"instanceId": "i-0123456789abcdef0", "vpcId": "vpc-0a1b2c3d4e5f67890"},
			"responseElements": {"requestId": "8279d3f2-cc10-5a54-a274-0f32d2fadbf6", "_return": true},
			"requestID": "8279d3f2-cc10-5a54-a274-0f32d2fadbf6", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg113-disablevpcclassiclink", "eventVersion": "1.09", "eventTime": "2025-03-14T18:10:45Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "DisableVpcClassicLink", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"vpcId": "vpc-0a1b2c3d4e5f67890"},
			"responseElements": {"requestId": "7722cac3-522b-520c-80aa-e61cff2cd323", "_return": true},
			"requestID": "7722cac3-522b-520c-80aa-e61cff2cd323", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg113-deletevpc", "eventVersion": "1.09", "eventTime": "2025-03-14T18:11:45Z", "eventType": "AwsApiCall",
			"eventSource": "ec2.amazonaws.com", "eventName": "DeleteVpc", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.terraform,
			"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/ec2#1.152.0",
			"requestParameters": {"vpcId": "vpc-0a1b2c3d4e5f67890"},
			"responseElements": {"requestId": "92f11151-f370-535a-8a15-c1d36a7bd4db", "_return": true},
			"requestID": "92f11151-f370-535a-8a15-c1d36a7bd4db", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}

# -------------------------------------------------------------------------------------------
# TG114: CIS 4.15 / 5.15; no Security Hub control.
# Source: the CIS v5.0.0 recommendation 4.15 as Prowler carries it,
# https://github.com/prowler-cloud/prowler/blob/3e000faa3109230b748e4418a13c11c9e59f5cfb/prowler/compliance/aws/cis_5.0_aws.json
# (the same text in cis_6.0_aws.json as 5.15).
# CIS v1.4.0 quotes the event names ("AcceptHandshake"); the match is the same.
tg114 := {
	"title": "AWS Organizations changes",
	"cis": {"v1.4-v5.0": "4.15", "v6.0": "5.15"},
	"security_hub": null,
	"reference_filter": `{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }`,
	"events": [
		{
			"eventID": "tg114-accepthandshake", "eventVersion": "1.09", "eventTime": "2025-03-15T19:01:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "AcceptHandshake", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"handshakeId": "h-examplehandshakeid1"},
			"responseElements": {"handshake": {"id": "h-examplehandshakeid1", "arn": "arn:aws:organizations::111122223333:handshake/o-a1b2c3d4e5/invite/h-examplehandshakeid1", "state": "ACCEPTED", "action": "INVITE"}},
			"requestID": "1cf9a7b0-38bd-56bc-8a13-7cc682c58438", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-attachpolicy", "eventVersion": "1.09", "eventTime": "2025-03-15T19:02:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "AttachPolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"policyId": "p-examplepolicyid111", "targetId": "ou-a1b2-f6g7h8i9"},
			"responseElements": null,
			"requestID": "48b81b92-751a-5c02-a763-479d0aaadbaf", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-createaccount", "eventVersion": "1.09", "eventTime": "2025-03-15T19:03:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "CreateAccount", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"email": "HIDDEN_DUE_TO_SECURITY_REASONS", "accountName": "HIDDEN_DUE_TO_SECURITY_REASONS"},
			"responseElements": {"createAccountStatus": {"id": "car-examplecreateaccountrequestid1", "state": "IN_PROGRESS", "accountName": "HIDDEN_DUE_TO_SECURITY_REASONS", "requestedTimestamp": "Mar 15, 2025, 7:03:21 PM"}},
			"requestID": "b0f0339a-bffd-54a9-9000-6222e74dc085", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-createorganizationalunit", "eventVersion": "1.09", "eventTime": "2025-03-15T19:04:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "CreateOrganizationalUnit", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"parentId": "r-a1b2", "name": "Sandbox"},
			"responseElements": {"organizationalUnit": {"id": "ou-a1b2-f6g7h8i9", "arn": "arn:aws:organizations::111122223333:ou/o-a1b2c3d4e5/ou-a1b2-f6g7h8i9", "name": "Sandbox"}},
			"requestID": "8b45d5a4-7fa5-579c-a3d3-8642c62d35c1", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-createpolicy", "eventVersion": "1.09", "eventTime": "2025-03-15T19:05:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "CreatePolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"cloudtrail:StopLogging\",\"Resource\":\"*\"}]}", "description": "Deny stopping the trail", "name": "protect-cloudtrail", "type": "SERVICE_CONTROL_POLICY"},
			"responseElements": {"policy": {"policySummary": {"id": "p-examplepolicyid111", "arn": "arn:aws:organizations::111122223333:policy/o-a1b2c3d4e5/service_control_policy/p-examplepolicyid111", "name": "protect-cloudtrail", "description": "Deny stopping the trail", "type": "SERVICE_CONTROL_POLICY", "awsManaged": false}, "content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"cloudtrail:StopLogging\",\"Resource\":\"*\"}]}"}},
			"requestID": "87efad88-cd43-54d3-8229-4b92b3d9e447", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-declinehandshake", "eventVersion": "1.09", "eventTime": "2025-03-15T19:06:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "DeclineHandshake", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"handshakeId": "h-examplehandshakeid2"},
			"responseElements": {"handshake": {"id": "h-examplehandshakeid2", "state": "DECLINED", "action": "INVITE"}},
			"requestID": "de6ed262-2f56-5c1d-a3e3-4214cdddc03e", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-deleteorganization", "eventVersion": "1.09", "eventTime": "2025-03-15T19:07:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "DeleteOrganization", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": null,
			"responseElements": null,
			"requestID": "af2b15e1-222a-5ac6-975d-98fa2ad8d7df", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-deleteorganizationalunit", "eventVersion": "1.09", "eventTime": "2025-03-15T19:08:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "DeleteOrganizationalUnit", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"organizationalUnitId": "ou-a1b2-f6g7h8i9"},
			"responseElements": null,
			"requestID": "cbd406c8-2530-56ab-9aab-4d0ab885e466", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-deletepolicy", "eventVersion": "1.09", "eventTime": "2025-03-15T19:09:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "DeletePolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"policyId": "p-examplepolicyid111"},
			"responseElements": null,
			"requestID": "e67195c5-5e99-5daf-9c6b-47ea2d9ddd3f", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-detachpolicy", "eventVersion": "1.09", "eventTime": "2025-03-15T19:10:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "DetachPolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"policyId": "p-examplepolicyid111", "targetId": "ou-a1b2-f6g7h8i9"},
			"responseElements": null,
			"requestID": "f72484bb-92e0-523d-bdca-17fc41f4930b", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-disablepolicytype", "eventVersion": "1.09", "eventTime": "2025-03-15T19:11:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "DisablePolicyType", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"rootId": "r-a1b2", "policyType": "SERVICE_CONTROL_POLICY"},
			"responseElements": {"root": {"id": "r-a1b2", "arn": "arn:aws:organizations::111122223333:root/o-a1b2c3d4e5/r-a1b2", "name": "Root", "policyTypes": []}},
			"requestID": "0d97af6d-ee3e-57f2-801a-9dd4cbef5cdd", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-enablepolicytype", "eventVersion": "1.09", "eventTime": "2025-03-15T19:12:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "EnablePolicyType", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"rootId": "r-a1b2", "policyType": "SERVICE_CONTROL_POLICY"},
			"responseElements": {"root": {"id": "r-a1b2", "arn": "arn:aws:organizations::111122223333:root/o-a1b2c3d4e5/r-a1b2", "name": "Root", "policyTypes": [{"type": "SERVICE_CONTROL_POLICY", "status": "PENDING_ENABLE"}]}},
			"requestID": "2c1aa399-d890-50a8-a7e0-caadf19c6d5e", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-inviteaccounttoorganization", "eventVersion": "1.09", "eventTime": "2025-03-15T19:13:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "InviteAccountToOrganization", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"target": {"id": "444455556666", "type": "ACCOUNT"}},
			"responseElements": {"handshake": {"id": "h-examplehandshakeid3", "state": "OPEN", "action": "INVITE"}},
			"requestID": "0cd0c1d7-7020-5b96-b925-d75b83a258d3", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-leaveorganization", "eventVersion": "1.09", "eventTime": "2025-03-15T19:14:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "LeaveOrganization", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": null,
			"responseElements": null,
			"requestID": "7924431c-a1b6-5cee-a1c0-01761ca5b228", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-moveaccount", "eventVersion": "1.09", "eventTime": "2025-03-15T19:15:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "MoveAccount", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"accountId": "444455556666", "sourceParentId": "r-a1b2", "destinationParentId": "ou-a1b2-f6g7h8i9"},
			"responseElements": null,
			"requestID": "e23e4ae3-e3d9-5520-9002-3c795806cfbb", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-removeaccountfromorganization", "eventVersion": "1.09", "eventTime": "2025-03-15T19:16:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "RemoveAccountFromOrganization", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"accountId": "444455556666"},
			"responseElements": null,
			"requestID": "5a557e03-a548-590a-a473-0071d3309f2c", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-updatepolicy", "eventVersion": "1.09", "eventTime": "2025-03-15T19:17:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "UpdatePolicy", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"policyId": "p-examplepolicyid111", "content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"cloudtrail:StopLogging\",\"Resource\":\"*\"}]}"},
			"responseElements": {"policy": {"policySummary": {"id": "p-examplepolicyid111", "arn": "arn:aws:organizations::111122223333:policy/o-a1b2c3d4e5/service_control_policy/p-examplepolicyid111", "name": "protect-cloudtrail", "description": "Deny stopping the trail", "type": "SERVICE_CONTROL_POLICY", "awsManaged": false}, "content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"cloudtrail:StopLogging\",\"Resource\":\"*\"}]}"}},
			"requestID": "11ae22cb-d2a5-599c-9dc3-ffc1f92d7ec5", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg114-updateorganizationalunit", "eventVersion": "1.09", "eventTime": "2025-03-15T19:18:21Z", "eventType": "AwsApiCall",
			"eventSource": "organizations.amazonaws.com", "eventName": "UpdateOrganizationalUnit", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
			"requestParameters": {"organizationalUnitId": "ou-a1b2-f6g7h8i9", "name": "Sandbox-old"},
			"responseElements": {"organizationalUnit": {"id": "ou-a1b2-f6g7h8i9", "arn": "arn:aws:organizations::111122223333:ou/o-a1b2c3d4e5/ou-a1b2-f6g7h8i9", "name": "Sandbox-old"}},
			"requestID": "68af8a26-e5ad-57c1-b0a9-67c1bbdf3596", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}

# -------------------------------------------------------------------------------------------
# TG115: no CIS recommendation, no Security Hub control; the pattern is trailguard's own.
# CIS watches the trail's own configuration calls (TG104) and every bucket's policy, ACL, CORS,
# lifecycle and replication (TG107), but not narrowing what a trail records (PutEventSelectors,
# PutInsightSelectors), deleting or stopping a CloudTrail Lake event data store, suspending the
# log bucket's versioning, rewriting a key's policy, or dismantling the alerting itself: the log
# group, its metric filters, the alarms and their SNS topic. The bucket policy and lifecycle
# calls repeat TG107's so that this filter alone covers the log bucket.
tg115 := {
	"title": "tampering with the audit chain that CIS leaves out",
	"cis": null,
	"security_hub": null,
	"reference_filter": `{ (($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = PutEventSelectors) || ($.eventName = PutInsightSelectors) || ($.eventName = DeleteEventDataStore) || ($.eventName = StopEventDataStoreIngestion))) || (($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketPolicy) || ($.eventName = DeleteBucketPolicy) || ($.eventName = PutBucketLifecycle) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = PutBucketVersioning))) || (($.eventSource = kms.amazonaws.com) && ($.eventName = PutKeyPolicy)) || (($.eventSource = logs.amazonaws.com) && (($.eventName = DeleteLogGroup) || ($.eventName = DeleteMetricFilter))) || (($.eventSource = monitoring.amazonaws.com) && (($.eventName = DeleteAlarms) || ($.eventName = DisableAlarmActions))) || (($.eventSource = sns.amazonaws.com) && (($.eventName = DeleteTopic) || ($.eventName = Unsubscribe))) }`,
	"events": [
		{
			"eventID": "tg115-puteventselectors", "eventVersion": "1.09", "eventTime": "2025-03-16T20:01:03Z", "eventType": "AwsApiCall",
			"eventSource": "cloudtrail.amazonaws.com", "eventName": "PutEventSelectors", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/cloudtrail.put-event-selectors",
			"requestParameters": {"trailName": "management-events", "eventSelectors": [{"readWriteType": "ReadOnly", "includeManagementEvents": true, "dataResources": [], "excludeManagementEventSources": []}]},
			"responseElements": {"trailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events", "eventSelectors": [{"readWriteType": "ReadOnly", "includeManagementEvents": true, "dataResources": [], "excludeManagementEventSources": []}]},
			"requestID": "9ec76f4c-f620-5613-9310-fbf5b6f1bcb5", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg115-putinsightselectors", "eventVersion": "1.09", "eventTime": "2025-03-16T20:02:03Z", "eventType": "AwsApiCall",
			"eventSource": "cloudtrail.amazonaws.com", "eventName": "PutInsightSelectors", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "198.51.100.77", "userAgent": "AWS Internal",
			"requestParameters": {"trailName": "management-events", "insightSelectors": []},
			"responseElements": {"trailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events", "insightSelectors": []},
			"requestID": "dfe0573b-bbfa-5e74-b131-1336dc1d9b48", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg115-deleteeventdatastore", "eventVersion": "1.09", "eventTime": "2025-03-16T20:03:03Z", "eventType": "AwsApiCall",
			"eventSource": "cloudtrail.amazonaws.com", "eventName": "DeleteEventDataStore", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "198.51.100.77", "userAgent": "AWS Internal",
			"requestParameters": {"eventDataStore": "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE"},
			"responseElements": null,
			"requestID": "0225e816-c6ae-5a16-a4ec-7dc3922437f7", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg115-stopeventdatastoreingestion", "eventVersion": "1.09", "eventTime": "2025-03-16T20:04:03Z", "eventType": "AwsApiCall",
			"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopEventDataStoreIngestion", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.admin,
			"sourceIPAddress": "198.51.100.77", "userAgent": "AWS Internal",
			"requestParameters": {"eventDataStore": "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE"},
			"responseElements": null,
			"requestID": "a8a6d9f0-a433-5d27-81ec-0cd571c6d33f", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg115-putbucketpolicy-logbucket", "eventVersion": "1.09", "eventTime": "2025-03-16T20:05:03Z", "eventType": "AwsApiCall",
			"eventSource": "s3.amazonaws.com", "eventName": "PutBucketPolicy", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/s3api.put-bucket-policy",
			"requestParameters": {"bucketName": "aws-cloudtrail-logs-111122223333-3c9d1f5e", "Host": "aws-cloudtrail-logs-111122223333-3c9d1f5e.s3.eu-west-1.amazonaws.com", "policy": "", "bucketPolicy": {"Version": "2012-10-17", "Statement": [{"Sid": "AWSCloudTrailWrite", "Effect": "Deny", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::aws-cloudtrail-logs-111122223333-3c9d1f5e/AWSLogs/111122223333/*"}]}},
			"responseElements": null,
			"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 412, "bytesTransferredOut": 0},
			"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::aws-cloudtrail-logs-111122223333-3c9d1f5e"}],
			"requestID": "59CE874A56FD5549", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg115-deletebucketpolicy-logbucket", "eventVersion": "1.09", "eventTime": "2025-03-16T20:06:03Z", "eventType": "AwsApiCall",
			"eventSource": "s3.amazonaws.com", "eventName": "DeleteBucketPolicy", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/s3api.delete-bucket-policy",
			"requestParameters": {"bucketName": "aws-cloudtrail-logs-111122223333-3c9d1f5e", "Host": "aws-cloudtrail-logs-111122223333-3c9d1f5e.s3.eu-west-1.amazonaws.com", "policy": ""},
			"responseElements": null,
			"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 0, "bytesTransferredOut": 0},
			"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::aws-cloudtrail-logs-111122223333-3c9d1f5e"}],
			"requestID": "96AADA8137745229", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg115-putbucketlifecycle-logbucket", "eventVersion": "1.09", "eventTime": "2025-03-16T20:07:03Z", "eventType": "AwsApiCall",
			"eventSource": "s3.amazonaws.com", "eventName": "PutBucketLifecycle", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/s3api.put-bucket-lifecycle-configuration",
			"requestParameters": {"bucketName": "aws-cloudtrail-logs-111122223333-3c9d1f5e", "Host": "aws-cloudtrail-logs-111122223333-3c9d1f5e.s3.eu-west-1.amazonaws.com", "lifecycle": "", "LifecycleConfiguration": {"Rule": {"ID": "purge", "Status": "Enabled", "Filter": {"Prefix": "AWSLogs/"}, "Expiration": {"Days": 1}}}},
			"responseElements": null,
			"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 412, "bytesTransferredOut": 0},
			"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::aws-cloudtrail-logs-111122223333-3c9d1f5e"}],
			"requestID": "8BDB50C6725E5AFF", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg115-deletebucketlifecycle-logbucket", "eventVersion": "1.09", "eventTime": "2025-03-16T20:08:03Z", "eventType": "AwsApiCall",
			"eventSource": "s3.amazonaws.com", "eventName": "DeleteBucketLifecycle", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/s3api.delete-bucket-lifecycle",
			"requestParameters": {"bucketName": "aws-cloudtrail-logs-111122223333-3c9d1f5e", "Host": "aws-cloudtrail-logs-111122223333-3c9d1f5e.s3.eu-west-1.amazonaws.com", "lifecycle": ""},
			"responseElements": null,
			"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 0, "bytesTransferredOut": 0},
			"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::aws-cloudtrail-logs-111122223333-3c9d1f5e"}],
			"requestID": "A6E940A46D365C55", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg115-putbucketversioning-logbucket", "eventVersion": "1.09", "eventTime": "2025-03-16T20:09:03Z", "eventType": "AwsApiCall",
			"eventSource": "s3.amazonaws.com", "eventName": "PutBucketVersioning", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/s3api.put-bucket-versioning",
			"requestParameters": {"bucketName": "aws-cloudtrail-logs-111122223333-3c9d1f5e", "Host": "aws-cloudtrail-logs-111122223333-3c9d1f5e.s3.eu-west-1.amazonaws.com", "versioning": "", "VersioningConfiguration": {"Status": "Suspended", "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"}},
			"responseElements": null,
			"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 412, "bytesTransferredOut": 0},
			"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::aws-cloudtrail-logs-111122223333-3c9d1f5e"}],
			"requestID": "28D55C247E355A09", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg115-putkeypolicy", "eventVersion": "1.09", "eventTime": "2025-03-16T20:10:03Z", "eventType": "AwsApiCall",
			"eventSource": "kms.amazonaws.com", "eventName": "PutKeyPolicy", "awsRegion": "eu-west-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/kms.put-key-policy",
			"requestParameters": {"keyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "policyName": "default", "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Enable IAM User Permissions\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}", "bypassPolicyLockoutSafetyCheck": false},
			"responseElements": null,
			"resources": [{"accountId": "111122223333", "type": "AWS::KMS::Key", "ARN": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}],
			"requestID": "980a57fb-970b-5542-90ad-547025cf5be9", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg115-deleteloggroup", "eventVersion": "1.09", "eventTime": "2025-03-16T20:11:03Z", "eventType": "AwsApiCall",
			"eventSource": "logs.amazonaws.com", "eventName": "DeleteLogGroup", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/logs.delete-log-group",
			"requestParameters": {"logGroupName": "aws-cloudtrail-logs-111122223333-management"},
			"responseElements": null,
			"requestID": "09651ad6-03bc-59fa-a897-b0df8f0f8dca", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg115-deletemetricfilter", "eventVersion": "1.09", "eventTime": "2025-03-16T20:12:03Z", "eventType": "AwsApiCall",
			"eventSource": "logs.amazonaws.com", "eventName": "DeleteMetricFilter", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/logs.delete-metric-filter",
			"requestParameters": {"logGroupName": "aws-cloudtrail-logs-111122223333-management", "filterName": "RootAccountUsage"},
			"responseElements": null,
			"requestID": "adeb0c15-77f7-5b4a-b242-50b6f74f3106", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg115-deletealarms", "eventVersion": "1.09", "eventTime": "2025-03-16T20:13:03Z", "eventType": "AwsApiCall",
			"eventSource": "monitoring.amazonaws.com", "eventName": "DeleteAlarms", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/cloudwatch.delete-alarms",
			"requestParameters": {"alarmNames": ["CIS-1.7-RootAccountUsage"]},
			"responseElements": null,
			"requestID": "71963897-5486-59e4-9e28-bd7cf15dbd5e", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg115-disablealarmactions", "eventVersion": "1.09", "eventTime": "2025-03-16T20:14:03Z", "eventType": "AwsApiCall",
			"eventSource": "monitoring.amazonaws.com", "eventName": "DisableAlarmActions", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/cloudwatch.disable-alarm-actions",
			"requestParameters": {"alarmNames": ["CIS-3.1-UnauthorizedAPICalls"]},
			"responseElements": null,
			"requestID": "ce32c72e-6b5a-5f2f-8646-52d886dae4a9", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg115-unsubscribe", "eventVersion": "1.09", "eventTime": "2025-03-16T20:15:03Z", "eventType": "AwsApiCall",
			"eventSource": "sns.amazonaws.com", "eventName": "Unsubscribe", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/sns.unsubscribe",
			"requestParameters": {"subscriptionArn": "arn:aws:sns:us-east-1:111122223333:cis-alarms:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"},
			"responseElements": null,
			"requestID": "f6b88b58-3b7b-57f8-9ff2-67ca6ae9418c", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
		{
			"eventID": "tg115-deletetopic", "eventVersion": "1.09", "eventTime": "2025-03-16T20:16:03Z", "eventType": "AwsApiCall",
			"eventSource": "sns.amazonaws.com", "eventName": "DeleteTopic", "awsRegion": "us-east-1", "readOnly": false,
			"userIdentity": principal.alice,
			"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/sns.delete-topic",
			"requestParameters": {"topicArn": "arn:aws:sns:us-east-1:111122223333:cis-alarms"},
			"responseElements": null,
			"requestID": "afef99b9-9bd7-5847-becd-a0c06e2ea558", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
		},
	],
}


# benign are records no reference filter above catches: a read, a sign-in with MFA, a data event,
# changes next to the watched ones (a new bucket, a bucket's tags, enabling a key), an AWS service
# event (automatic key rotation) and a service assuming a role.
benign := [
	{
		"eventID": "benign-describeinstances-iamuser", "eventVersion": "1.09", "eventTime": "2025-03-17T09:00:12Z", "eventType": "AwsApiCall",
		"eventSource": "ec2.amazonaws.com", "eventName": "DescribeInstances", "awsRegion": "eu-west-1", "readOnly": true,
		"userIdentity": principal.alice,
		"sourceIPAddress": "198.51.100.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/ec2.describe-instances",
		"requestParameters": {"instancesSet": {}, "filterSet": {}},
		"responseElements": null,
		"requestID": "a66585ef-24a1-563e-9bab-b010da496414", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
	},
	{
		"eventID": "benign-consolelogin-iamuser-mfa", "eventVersion": "1.09", "eventTime": "2025-03-17T09:02:40Z", "eventType": "AwsConsoleSignIn",
		"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin", "awsRegion": "us-east-1", "readOnly": false,
		"userIdentity": principal.bob,
		"sourceIPAddress": "203.0.113.24", "userAgent": "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0",
		"requestParameters": null,
		"responseElements": {"ConsoleLogin": "Success"},
		"additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true", "MobileVersion": "No", "MFAUsed": "Yes"},
		"managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
	},
	{
		"eventID": "benign-getobject-role", "eventVersion": "1.09", "eventTime": "2025-03-17T09:03:05Z", "eventType": "AwsApiCall",
		"eventSource": "s3.amazonaws.com", "eventName": "GetObject", "awsRegion": "eu-west-1", "readOnly": true,
		"userIdentity": principal.app,
		"sourceIPAddress": "10.0.12.34", "userAgent": "Boto3/1.34.74 md/Botocore#1.34.74 ua/2.0 os/linux#5.10.213 lang/python#3.12.2 exec-env/AWS_Lambda_python3.12 api/s3#1.34.74",
		"requestParameters": {"bucketName": "example-app-assets", "Host": "example-app-assets.s3.eu-west-1.amazonaws.com", "key": "img/logo.png"},
		"responseElements": null,
		"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 0, "bytesTransferredOut": 18311},
		"resources": [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::example-app-assets/img/logo.png"}, {"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::example-app-assets"}],
		"requestID": "21EE5966FEA052D7", "managementEvent": false, "eventCategory": "Data", "recipientAccountId": "111122223333",
	},
	{
		"eventID": "benign-createbucket-role", "eventVersion": "1.09", "eventTime": "2025-03-17T09:04:44Z", "eventType": "AwsApiCall",
		"eventSource": "s3.amazonaws.com", "eventName": "CreateBucket", "awsRegion": "eu-west-1", "readOnly": false,
		"userIdentity": principal.terraform,
		"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/s3#1.53.1",
		"requestParameters": {"bucketName": "example-app-uploads", "Host": "example-app-uploads.s3.eu-west-1.amazonaws.com", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1", "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"}},
		"responseElements": null,
		"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 153, "bytesTransferredOut": 0},
		"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::example-app-uploads"}],
		"requestID": "E54CFEEEBEDE5043", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
	},
	{
		"eventID": "benign-putbuckettagging-role", "eventVersion": "1.09", "eventTime": "2025-03-17T09:05:30Z", "eventType": "AwsApiCall",
		"eventSource": "s3.amazonaws.com", "eventName": "PutBucketTagging", "awsRegion": "eu-west-1", "readOnly": false,
		"userIdentity": principal.terraform,
		"sourceIPAddress": "192.0.2.41", "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.43.0 aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 api/s3#1.53.1",
		"requestParameters": {"bucketName": "example-app-assets", "Host": "example-app-assets.s3.eu-west-1.amazonaws.com", "tagging": "", "Tagging": {"TagSet": {"Tag": {"Key": "team", "Value": "web"}}}},
		"responseElements": null,
		"additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader", "bytesTransferredIn": 412, "bytesTransferredOut": 0},
		"resources": [{"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::example-app-assets"}],
		"requestID": "43B5260D99EA542B", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
	},
	{
		"eventID": "benign-describetrails-role", "eventVersion": "1.09", "eventTime": "2025-03-17T09:06:18Z", "eventType": "AwsApiCall",
		"eventSource": "cloudtrail.amazonaws.com", "eventName": "DescribeTrails", "awsRegion": "us-east-1", "readOnly": true,
		"userIdentity": principal.admin,
		"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
		"requestParameters": {"includeShadowTrails": false},
		"responseElements": null,
		"requestID": "5d453880-92fe-51a6-adef-a026e92cd0ce", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
	},
	{
		"eventID": "benign-enablekey-role", "eventVersion": "1.09", "eventTime": "2025-03-17T09:07:51Z", "eventType": "AwsApiCall",
		"eventSource": "kms.amazonaws.com", "eventName": "EnableKey", "awsRegion": "eu-west-1", "readOnly": false,
		"userIdentity": principal.admin,
		"sourceIPAddress": "203.0.113.24", "userAgent": "AWS Internal",
		"requestParameters": {"keyId": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		"responseElements": null,
		"resources": [{"accountId": "111122223333", "type": "AWS::KMS::Key", "ARN": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}],
		"requestID": "5dd6bebc-6e8b-53d8-81d5-338768e1d056", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
	},
	{
		"eventID": "benign-rotatekey-serviceevent", "eventVersion": "1.09", "eventTime": "2025-03-17T09:10:00Z", "eventType": "AwsServiceEvent",
		"eventSource": "kms.amazonaws.com", "eventName": "RotateKey", "awsRegion": "eu-west-1", "readOnly": false,
		"userIdentity": {"accountId": "111122223333", "invokedBy": "kms.amazonaws.com"},
		"sourceIPAddress": "kms.amazonaws.com", "userAgent": "kms.amazonaws.com",
		"requestParameters": null,
		"responseElements": null,
		"additionalEventData": {"keyId": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		"resources": [{"accountId": "111122223333", "type": "AWS::KMS::Key", "ARN": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}],
		"managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
	},
	{
		"eventID": "benign-assumerole-service", "eventVersion": "1.09", "eventTime": "2025-03-17T09:11:27Z", "eventType": "AwsApiCall",
		"eventSource": "sts.amazonaws.com", "eventName": "AssumeRole", "awsRegion": "eu-west-1", "readOnly": true,
		"userIdentity": {"type": "AWSService", "invokedBy": "lambda.amazonaws.com"},
		"sourceIPAddress": "lambda.amazonaws.com", "userAgent": "lambda.amazonaws.com",
		"requestParameters": {"roleArn": "arn:aws:iam::111122223333:role/app-runtime", "roleSessionName": "app-handler"},
		"responseElements": {"credentials": {"accessKeyId": "ASIAXUGXYGHGEXAMPLE5", "sessionToken": "EXAMPLE-session-token", "expiration": "Mar 17, 2025, 9:11:27 PM"}},
		"resources": [{"accountId": "111122223333", "type": "AWS::IAM::Role", "ARN": "arn:aws:iam::111122223333:role/app-runtime"}],
		"requestID": "e44f5bd9-2f76-52c0-9210-ac4f5d466934", "managementEvent": true, "eventCategory": "Management", "recipientAccountId": "111122223333",
	},
]
