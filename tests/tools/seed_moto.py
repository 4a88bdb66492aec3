#!/usr/bin/env python3
"""Seed a (patched) moto server with one CloudTrail scenario for trailguard's tests.

Usage:
    python tests/tools/seed_moto.py ENDPOINT SCENARIO [ARGS]

ENDPOINT is the server started by moto_server.py, e.g. http://127.0.0.1:5000.
SCENARIO is one of:

    compliant       a two-account organisation-style set-up (444444444444 owns
                    the trail, 555555555555 the log bucket and KMS key) that
                    mirrors inputs/compliant.json as closely as moto allows,
                    with alerting on every CIS monitoring event (metric
                    filters, alarms, a confirmed SNS topic, an EventBridge
                    rule) and AWS Config recording in both accounts
    broken          everything wrong in 123456789012 / us-east-1 (its bucket
                    policy's VPC-endpoint Deny would block CloudTrail; the
                    compliant bucket's has the exemption for AWS services)
    multi-region    two trails in 123456789012 (us-east-1 and eu-west-1)
    delivery        a trail in 123456789012 whose key policy forgot CloudTrail, whose
                    topic lets only CloudWatch alarms publish, whose log group has
                    no KMS key and a 30-day retention, and whose CloudWatch Logs
                    role trusts CloudTrail for any account; and a CloudTrail Lake
                    event data store with AWS's key, unprotected, kept 90 days
    selectors       a trail in 123456789012 recording write management events
                    only, with Insights (for a server started with
                    --stock-selector-flags, whose DescribeTrails says neither)
    monitoring      123456789012 in us-east-1 and eu-west-1: a multi-region trail
                    sending its events to a CloudWatch Logs log group, with CIS
                    metric filters, alarms and SNS topics and one break in each
                    kind of chain (a typo'd filter, an alarm without an action,
                    a topic nobody confirmed, an EventBridge rule in eu-west-1
                    only, AWS Config stopped in eu-west-1)
    least-privilege 123456789012 with five principals or statements that can
                    blind the trail, and one that only reads
    access-denied   123456789012 with an ``auditor`` user denied three reads;
                    turns on moto's IAM enforcement as its last step
    organization    an organisation managed by 123456789012: four member
                    accounts (one of them a delegated administrator), one
                    closed; access keys of a member and of the administrator;
                    an organisation trail in 123456789012 and a trail in
                    workload-prod, both writing to a central bucket in Log
                    Archive; SCPs enabled, Log Archive in a Security OU whose
                    SCP forbids deleting the logs; AdministratorAccess on
                    every member's OrganizationAccountAccessRole; the
                    trailguard-audit role in every active account
    audit-role ACCOUNT...  the ``trailguard-audit`` role (trusted by
                    123456789012) in each account, for ``--role-arn``
    bench N         N trails and N fully configured log buckets

It prints ONE JSON object on stdout describing what it created.  All calls
use the dummy credentials testing/testing; another account is addressed with
moto's ``x-moto-account-id`` request header.  Identifiers are deterministic:
moto's random generator is seeded first and everything that consumes it
(KMS key ids, access keys) is created sequentially.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
from botocore.config import Config

DEFAULT_ACCOUNT = "123456789012"
ORG_ACCOUNT = "444444444444"  # owns the organisation trail
LOG_ACCOUNT = "555555555555"  # log archive: bucket + KMS key
AUDITOR_TRUSTED_ROOT = f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"

CLOUDTRAIL_FULL_ACCESS = "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"
READ_ONLY_ACCESS = "arn:aws:iam::aws:policy/ReadOnlyAccess"

# Seed for moto's random generator, so KMS key ids and access keys repeat.
MOTO_RANDOM_SEED = 20261120

COMPLIANT_TAGS = {
    "DataClassification": "audit",
    "ManagedBy": "terraform",
    "Owner": "security-engineering",
}

# bench's 16 workers share one client per service; botocore's default pool
# of 10 connections would make them queue.
CLIENT_CONFIG = Config(
    max_pool_connections=64,
    retries={"max_attempts": 2, "mode": "standard"},
)


# --------------------------------------------------------------------------
# plumbing
# --------------------------------------------------------------------------


class Moto:
    """Builds boto3 clients for the server, optionally as another account."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint.rstrip("/")
        self.session = boto3.session.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def client(self, service: str, region: str = "us-east-1", account: str | None = None) -> Any:
        client = self.session.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            config=CLIENT_CONFIG,
        )
        if account and account != DEFAULT_ACCOUNT:
            add_account_header(client, account)
        return client

    def post(self, path: str, body: bytes = b"") -> None:
        """POST to moto's own control API (/moto-api/...)."""
        # Not form-encoded (urllib's default): Flask would swallow the body as
        # form fields and moto's reset-auth would read an empty string.
        request = urllib.request.Request(
            self.endpoint + path,
            data=body,
            method="POST",
            headers={"Content-Type": "text/plain"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()


def add_account_header(client: Any, account: str) -> None:
    """Make every request of ``client`` act in ``account``.

    moto picks the account from the x-moto-account-id header before looking
    at the access key, so one set of dummy credentials can seed any account.
    """

    def set_header(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = account

    client.meta.events.register("before-sign.*.*", set_header)


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    """Tags in the [{"Key": .., "Value": ..}] form S3 and CloudTrail take, sorted."""
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def trail_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:cloudtrail:{region}:{account}:trail/{name}"


def run_parallel(func: Callable[[int], Any], items: range, workers: int = 16) -> list[Any]:
    """Map ``func`` over ``items`` in a thread pool, re-raising the first error."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(func, items))


# --------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------


def create_bucket(
    s3: Any, name: str, region: str, object_lock: bool = False, ownership: str = "BucketOwnerEnforced"
) -> None:
    # AWS creates buckets with Object Ownership BucketOwnerEnforced (ACLs off) since April 2023;
    # moto creates them without ownership controls, as AWS did before: say it explicitly.
    kwargs: dict[str, Any] = {"Bucket": name, "ObjectOwnership": ownership}
    # us-east-1 is the one region that rejects an explicit LocationConstraint.
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    if object_lock:
        kwargs["ObjectLockEnabledForBucket"] = True
    s3.create_bucket(**kwargs)


def cloudtrail_bucket_statements(bucket: str, trail: str, account: str) -> list[dict[str, Any]]:
    """The statements CloudTrail's console writes so a trail may deliver logs."""
    source = {"aws:SourceArn": trail}
    return [
        {
            "Sid": "AWSCloudTrailAclCheck20150319",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": f"arn:aws:s3:::{bucket}",
            "Condition": {"StringEquals": source},
        },
        {
            "Sid": "AWSCloudTrailWrite20150319",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account}/*",
            "Condition": {
                "StringEquals": {**source, "s3:x-amz-acl": "bucket-owner-full-control"}
            },
        },
    ]


def deny_insecure_transport(bucket: str) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def deny_outside_vpce(bucket: str, exempt_services: bool) -> dict[str, Any]:
    """A data-perimeter Deny: the bucket only through the organisation's VPC endpoint. CloudTrail
    never calls through one, so without the exemption for AWS services it blocks delivery."""
    condition: dict[str, Any] = {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60718"}}
    if exempt_services:
        condition["BoolIfExists"] = {"aws:PrincipalIsAWSService": "false"}
    return {
        "Sid": "DenyOutsideVpce",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": condition,
    }


def put_policy(s3: Any, bucket: str, statements: list[dict[str, Any]]) -> None:
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )


ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def block_public_access(s3: Any, bucket: str) -> None:
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=ALL_BLOCKED)


def strip_account_host_label(request: Any, **_: Any) -> None:
    """Send s3control calls to the endpoint itself.

    botocore prefixes the host with "<AccountId>." (as AWS wants), which does
    not resolve for 127.0.0.1; moto recognises s3control by its /v20180820/
    path anyway.
    """
    scheme, rest = request.url.split("://", 1)
    host, _, path = rest.partition("/")
    label, dot, endpoint_host = host.partition(".")
    if dot and label.isdigit():
        request.url = f"{scheme}://{endpoint_host}/{path}"


def block_account_public_access(moto: Moto, account: str) -> None:
    # The AccountId parameter must name the caller's own account in moto,
    # so the request also carries the account header.
    s3control = moto.client("s3control", account=account)
    s3control.meta.events.register("before-sign.s3-control.*", strip_account_host_label)
    s3control.put_public_access_block(AccountId=account, PublicAccessBlockConfiguration=ALL_BLOCKED)


def enable_versioning(s3: Any, bucket: str, mfa_delete: bool = False) -> None:
    config = {"Status": "Enabled"}
    kwargs: dict[str, Any] = {}
    if mfa_delete:
        config["MFADelete"] = "Enabled"
        # Real S3 needs the root user's MFA for this; moto ignores the value.
        kwargs["MFA"] = f"arn:aws:iam::{LOG_ACCOUNT}:mfa/root-account-mfa-device 123456"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration=config, **kwargs)


def kms_encryption(s3: Any, bucket: str, key_arn: str) -> None:
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key_arn,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )


def put_tags(s3: Any, bucket: str, tags: dict[str, str]) -> None:
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tag_list(tags)})


def create_key(kms: Any, description: str, policy: dict[str, Any] | None = None) -> dict[str, str]:
    """Create a customer managed symmetric key with rotation on."""
    kwargs: dict[str, Any] = {
        "Description": description,
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeySpec": "SYMMETRIC_DEFAULT",
    }
    if policy is not None:
        kwargs["Policy"] = json.dumps(policy)
    meta = kms.create_key(**kwargs)["KeyMetadata"]
    kms.enable_key_rotation(KeyId=meta["KeyId"])
    return {"KeyId": meta["KeyId"], "Arn": meta["Arn"]}


def create_trail(ct: Any, name: str, bucket: str, start: bool = True, **options: Any) -> str:
    arn = ct.create_trail(Name=name, S3BucketName=bucket, **options)["TrailARN"]
    if start:
        ct.start_logging(Name=name)
    return arn


def trust_policy(principal: dict[str, Any], condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def create_role(iam: Any, name: str, trust: str, policy_arns: list[str], path: str = "/") -> str:
    arn = iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    for policy_arn in policy_arns:
        attach_if_present(iam.attach_role_policy, RoleName=name, PolicyArn=policy_arn)
    return arn


def attach_if_present(attach: Callable[..., Any], **kwargs: Any) -> bool:
    """Attach a managed policy, tolerating moto builds that lack it."""
    try:
        attach(**kwargs)
        return True
    except attach.__self__.exceptions.NoSuchEntityException:
        return False


def create_audit_role(moto: Moto, account: str) -> str:
    """The role trailguard assumes from the default account to audit ``account``."""
    iam = moto.client("iam", account=account)
    trust = trust_policy({"AWS": AUDITOR_TRUSTED_ROOT})
    return create_role(iam, "trailguard-audit", trust, [READ_ONLY_ACCESS])


# --------------------------------------------------------------------------
# monitoring: metric filters, alarms, SNS topics, EventBridge rules, AWS Config
# --------------------------------------------------------------------------

# The CIS reference metric-filter pattern of each monitoring control (TG100-TG115), verbatim from
# policies/lib/monitoring_events.rego (controls[ID].reference_filter), which cites each source.
REFERENCE_FILTERS: dict[str, str] = {
    "TG100": '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
    "TG101": '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    "TG102": '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    "TG103": "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
    "TG104": "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
    "TG105": '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
    "TG106": "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
    "TG107": "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
    "TG108": "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}",
    "TG109": "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
    "TG110": "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
    "TG111": "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
    "TG112": "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}",
    "TG113": "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
    "TG114": "{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }",
    "TG115": "{ (($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = PutEventSelectors) || ($.eventName = PutInsightSelectors) || ($.eventName = DeleteEventDataStore) || ($.eventName = StopEventDataStoreIngestion))) || (($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketPolicy) || ($.eventName = DeleteBucketPolicy) || ($.eventName = PutBucketLifecycle) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = PutBucketVersioning))) || (($.eventSource = kms.amazonaws.com) && ($.eventName = PutKeyPolicy)) || (($.eventSource = logs.amazonaws.com) && (($.eventName = DeleteLogGroup) || ($.eventName = DeleteMetricFilter))) || (($.eventSource = monitoring.amazonaws.com) && (($.eventName = DeleteAlarms) || ($.eventName = DisableAlarmActions))) || (($.eventSource = sns.amazonaws.com) && (($.eventName = DeleteTopic) || ($.eventName = Unsubscribe))) }",
}

# The same controls written other ways that catch the same events: the rules judge a filter by
# what it catches, not by its text. Clauses reordered, quotes dropped or added, parentheses
# dropped, wildcards, and %regex% values (CloudWatch Logs allows two a pattern, without groups).
VARIANT_FILTERS: dict[str, str] = {
    # The two clauses swapped.
    "TG100": '{($.errorCode="AccessDenied*") || ($.errorCode="*UnauthorizedOperation")}',
    # Unquoted values, no parentheses, the clauses in another order.
    "TG101": "{ $.responseElements.ConsoleLogin = Success && $.userIdentity.type = IAMUser && $.eventName = ConsoleLogin && $.additionalEventData.MFAUsed != Yes }",
    # Every value quoted, no parentheses.
    "TG103": "{ "
    + " || ".join(
        f'$.eventName = "{name}"'
        for name in [
            "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy",
            "PutRolePolicy", "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion",
            "DeletePolicyVersion", "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy",
            "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy",
        ]
    )
    + " }",
    # Two anchored %regex% alternations.
    "TG104": "{ ($.eventName = %^CreateTrail$|^UpdateTrail$|^DeleteTrail$%) || ($.eventName = %^StartLogging$|^StopLogging$%) }",
    # A %regex% for the error message.
    "TG105": "{ $.eventName = ConsoleLogin && $.errorMessage = %^Failed authentication$% }",
    # The event names first, every value quoted.
    "TG106": '{ (($.eventName = "ScheduleKeyDeletion") || ($.eventName = "DisableKey")) && ($.eventSource = "kms.amazonaws.com") }',
    # A %regex% for the four rule changes.
    "TG109": "{ ($.eventName = %^AuthorizeSecurityGroup|^RevokeSecurityGroup%) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
    # One unanchored %regex% (it also catches DescribeNetworkAcls: wider, and still a catch).
    "TG110": "{ $.eventName = %NetworkAcl% }",
    # Quoted wildcards: CreateRoute* is CreateRoute and CreateRouteTable.
    "TG112": '{ ($.eventName = "CreateRoute*") || ($.eventName = "ReplaceRoute*") || ($.eventName = "DeleteRoute*") || ($.eventName = "DisassociateRouteTable") }',
}

# The metric (and filter, and alarm) name of each control, as AWS's CIS walkthroughs name them.
CIS_NAMESPACE = "CISBenchmark"
CIS_METRICS: dict[str, str] = {
    "TG100": "UnauthorizedAPICalls",
    "TG101": "ConsoleSignInWithoutMFA",
    "TG102": "RootAccountUsage",
    "TG103": "IAMPolicyChanges",
    "TG104": "CloudTrailChanges",
    "TG105": "ConsoleSignInFailures",
    "TG106": "DisableOrDeleteCMK",
    "TG107": "S3BucketPolicyChanges",
    "TG108": "AWSConfigChanges",
    "TG109": "SecurityGroupChanges",
    "TG110": "NACLChanges",
    "TG111": "NetworkGatewayChanges",
    "TG112": "RouteTableChanges",
    "TG113": "VPCChanges",
    "TG114": "OrganizationsChanges",
    "TG115": "AuditChainTampering",
}


def queue_for_topic(moto: Moto, account: str, region: str, name: str) -> str:
    """An SQS queue whose policy lets SNS deliver to it; returns its ARN."""
    sqs = moto.client("sqs", region, account)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowSnsDelivery",
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": arn,
                "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:sns:{region}:{account}:*"}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    return arn


def alert_topic(moto: Moto, account: str, region: str, name: str, sqs: bool = False, email: str | None = None) -> str:
    """An SNS topic that CloudWatch alarms and EventBridge may publish to, with an SQS queue
    (confirmed at once, as in AWS) and/or an email address (pending until someone clicks the
    link; moto_server.py patch j lists it as PendingConfirmation) subscribed."""
    sns = moto.client("sns", region, account)
    arn = sns.create_topic(Name=name)["TopicArn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AlarmsAndEventBridgePublish",
                "Effect": "Allow",
                "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
                "Action": "sns:Publish",
                "Resource": arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            }
        ],
    }
    sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy", AttributeValue=json.dumps(policy))
    if sqs:
        queue = queue_for_topic(moto, account, region, name)
        sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue)
    if email:
        sns.subscribe(TopicArn=arn, Protocol="email", Endpoint=email)
    return arn


def cis_alarms(
    moto: Moto,
    account: str,
    region: str,
    log_group: str,
    filters: dict[str, str],
    actions: dict[str, list[str]],
) -> dict[str, dict[str, str]]:
    """One metric filter per control on the log group, counting into its own metric, and an alarm
    on that metric (at least one match in five minutes) with its actions enabled and `actions`
    (an SNS topic, or none). Returns, per control, the filter's name and the alarm's ARN."""
    logs = moto.client("logs", region, account)
    cloudwatch = moto.client("cloudwatch", region, account)
    made = {}
    for control, pattern in sorted(filters.items()):
        metric = CIS_METRICS[control]
        logs.put_metric_filter(
            logGroupName=log_group,
            filterName=metric,
            filterPattern=pattern,
            metricTransformations=[{"metricName": metric, "metricNamespace": CIS_NAMESPACE, "metricValue": "1"}],
        )
        cloudwatch.put_metric_alarm(
            AlarmName=metric,
            AlarmDescription=f"{control}: {metric}",
            MetricName=metric,
            Namespace=CIS_NAMESPACE,
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1.0,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            TreatMissingData="notBreaching",
            ActionsEnabled=True,
            AlarmActions=actions[control],
        )
        made[control] = {
            "filter": metric,
            "pattern": pattern,
            "alarm_arn": f"arn:aws:cloudwatch:{region}:{account}:alarm:{metric}",
        }
    return made


def event_rule(moto: Moto, account: str, region: str, name: str, pattern: dict[str, Any], topic: str) -> str:
    """An EventBridge rule on the default bus that sends what it matches to an SNS topic."""
    events = moto.client("events", region, account)
    arn = events.put_rule(Name=name, EventPattern=json.dumps(pattern), State="ENABLED")["RuleArn"]
    events.put_targets(Rule=name, Targets=[{"Id": "notify", "Arn": topic}])
    return arn


CONFIG_RECORDER = "default"
CONFIG_CHANNEL = "default"


def config_bucket(moto: Moto, account: str, region: str, name: str, writers: list[str]) -> str:
    """The bucket AWS Config delivers to, with the policy Config's documentation gives."""
    s3 = moto.client("s3", region, account)
    create_bucket(s3, name, region)
    statements = [
        {
            "Sid": "AWSConfigBucketPermissionsCheck",
            "Effect": "Allow",
            "Principal": {"Service": "config.amazonaws.com"},
            "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
            "Resource": f"arn:aws:s3:::{name}",
            "Condition": {"StringEquals": {"aws:SourceAccount": writers}},
        },
        {
            "Sid": "AWSConfigBucketDelivery",
            "Effect": "Allow",
            "Principal": {"Service": "config.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": [f"arn:aws:s3:::{name}/AWSLogs/{w}/Config/*" for w in writers],
            "Condition": {
                "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": writers}
            },
        },
    ]
    put_policy(s3, name, statements)
    block_public_access(s3, name)
    return name


def seed_config(moto: Moto, account: str, region: str, bucket: str, global_types: bool, recording: bool) -> None:
    """AWS Config in one region: a recorder of every supported resource type (and the global IAM
    types when `global_types`: AWS advises recording them in one region only), a delivery channel
    to `bucket`, and the recorder started, or started and then stopped when not `recording`."""
    config = moto.client("config", region, account)
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": CONFIG_RECORDER,
            "roleARN": f"arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": global_types},
        }
    )
    config.put_delivery_channel(
        DeliveryChannel={
            "name": CONFIG_CHANNEL,
            "s3BucketName": bucket,
            "configSnapshotDeliveryProperties": {"deliveryFrequency": "TwentyFour_Hours"},
        }
    )
    config.start_configuration_recorder(ConfigurationRecorderName=CONFIG_RECORDER)
    if not recording:
        config.stop_configuration_recorder(ConfigurationRecorderName=CONFIG_RECORDER)


def cloudwatch_logs_role(moto: Moto, account: str, region: str, trail: str, group: str) -> str:
    """The service role that lets CloudTrail write `trail`'s events into log group `group`."""
    iam = moto.client("iam", account=account)
    trust = trust_policy(
        {"Service": "cloudtrail.amazonaws.com"},
        {"StringEquals": {"aws:SourceArn": trail_arn(region, account, trail)}},
    )
    arn = create_role(iam, "CloudTrailToCloudWatchLogs", trust, [], path="/service-role/")
    iam.put_role_policy(
        RoleName="CloudTrailToCloudWatchLogs",
        PolicyName="CloudTrailToCloudWatchLogs",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                        "Resource": f"arn:aws:logs:{region}:{account}:log-group:{group}:*",
                    }
                ],
            }
        ),
    )
    return arn


# --------------------------------------------------------------------------
# scenario: compliant
# --------------------------------------------------------------------------

COMPLIANT_REGION = "eu-central-1"
COMPLIANT_TRAIL = "org-audit-trail"
COMPLIANT_BUCKET = f"org-audit-logs-{LOG_ACCOUNT}"
ACCESS_LOG_BUCKET = f"org-s3-access-logs-{LOG_ACCOUNT}"
COMPLIANT_TRAIL_ARN = trail_arn(COMPLIANT_REGION, ORG_ACCOUNT, COMPLIANT_TRAIL)
CW_LOG_GROUP_ARN = f"arn:aws:logs:{COMPLIANT_REGION}:{ORG_ACCOUNT}:log-group:{COMPLIANT_TRAIL}:*"
CW_ROLE_ARN = f"arn:aws:iam::{ORG_ACCOUNT}:role/service-role/CloudTrailToCloudWatchLogs"

ADVANCED_EVENT_SELECTORS = [
    {
        "Name": "Management events",
        "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
    },
    {
        "Name": "S3 object events, all buckets",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        ],
    },
    {
        "Name": "Lambda invocations, all functions",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
        ],
    },
]

COMPLIANT_LIFECYCLE = {
    "Rules": [
        {
            "ID": "archive-then-expire-after-7-years",
            "Status": "Enabled",
            "Filter": {"Prefix": "AWSLogs/"},
            "Expiration": {"Days": 2557},
            "NoncurrentVersionExpiration": {"NoncurrentDays": 400},
            "Transitions": [
                {"Days": 90, "StorageClass": "GLACIER_IR"},
                {"Days": 400, "StorageClass": "DEEP_ARCHIVE"},
            ],
        }
    ]
}


def enable_iam_permissions(account: str) -> dict[str, Any]:
    """The default key policy statement that lets the account's IAM policies grant the key."""
    return {
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }


def cloudtrail_key_policy(account: str, trail: str) -> dict[str, Any]:
    """The key policy CloudTrail's console writes for a trail of `account`."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            enable_iam_permissions(account),
            {
                "Sid": "Allow CloudTrail to encrypt logs",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceArn": trail},
                    "StringLike": {
                        "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{account}:trail/*"
                    },
                },
            },
            {
                "Sid": "Allow CloudTrail to describe key",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "kms:DescribeKey",
                "Resource": "*",
            },
        ],
    }


def compliant_key_policy() -> dict[str, Any]:
    """The key policy of inputs/compliant.json (it already names our ARNs)."""
    encryption_context = {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ORG_ACCOUNT}:trail/*"}
    source = {"aws:SourceArn": COMPLIANT_TRAIL_ARN}
    return {
        "Version": "2012-10-17",
        "Id": "Key policy created by CloudTrail",
        "Statement": [
            enable_iam_permissions(LOG_ACCOUNT),
            {
                "Sid": "Allow CloudTrail to encrypt logs",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {"StringEquals": source, "StringLike": encryption_context},
            },
            {
                "Sid": "Allow CloudTrail to describe key",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "kms:DescribeKey",
                "Resource": "*",
                "Condition": {"StringEquals": source},
            },
            {
                "Sid": "Allow principals in the account to decrypt log files",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:Decrypt", "kms:ReEncryptFrom"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"kms:CallerAccount": LOG_ACCOUNT},
                    "StringLike": encryption_context,
                },
            },
        ],
    }


def seed_access_log_bucket(s3: Any) -> None:
    """Target of the audit bucket's server access logs.

    moto (like S3) refuses PutBucketLogging unless the target bucket lets the
    logging service write, so it gets the standard logging policy.
    """
    create_bucket(s3, ACCESS_LOG_BUCKET, COMPLIANT_REGION)
    put_policy(
        s3,
        ACCESS_LOG_BUCKET,
        [
            {
                "Sid": "S3ServerAccessLogsPolicy",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{ACCESS_LOG_BUCKET}/*",
                "Condition": {"StringEquals": {"aws:SourceAccount": LOG_ACCOUNT}},
            }
        ],
    )
    block_public_access(s3, ACCESS_LOG_BUCKET)
    put_tags(s3, ACCESS_LOG_BUCKET, COMPLIANT_TAGS)


def seed_audit_bucket(s3: Any, key_arn: str) -> None:
    # Object Lock can only be enabled when the bucket is created.
    create_bucket(s3, COMPLIANT_BUCKET, COMPLIANT_REGION, object_lock=True)
    statements = cloudtrail_bucket_statements(COMPLIANT_BUCKET, COMPLIANT_TRAIL_ARN, ORG_ACCOUNT)
    put_policy(
        s3,
        COMPLIANT_BUCKET,
        statements
        + [deny_insecure_transport(COMPLIANT_BUCKET), deny_outside_vpce(COMPLIANT_BUCKET, exempt_services=True)],
    )
    block_public_access(s3, COMPLIANT_BUCKET)
    enable_versioning(s3, COMPLIANT_BUCKET, mfa_delete=True)
    kms_encryption(s3, COMPLIANT_BUCKET, key_arn)
    s3.put_object_lock_configuration(
        Bucket=COMPLIANT_BUCKET,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 400}},
        },
    )
    s3.put_bucket_lifecycle_configuration(Bucket=COMPLIANT_BUCKET, LifecycleConfiguration=COMPLIANT_LIFECYCLE)
    s3.put_bucket_logging(
        Bucket=COMPLIANT_BUCKET,
        BucketLoggingStatus={
            "LoggingEnabled": {
                "TargetBucket": ACCESS_LOG_BUCKET,
                "TargetPrefix": f"{COMPLIANT_BUCKET}/",
            }
        },
    )
    put_tags(s3, COMPLIANT_BUCKET, COMPLIANT_TAGS)


def seed_log_account(moto: Moto) -> dict[str, Any]:
    """Account 555555555555: KMS key, access-log bucket and audit bucket."""
    kms = moto.client("kms", COMPLIANT_REGION, LOG_ACCOUNT)
    key = create_key(kms, "Encrypts the organisation audit trail", compliant_key_policy())
    kms.create_alias(AliasName="alias/org-audit-trail", TargetKeyId=key["KeyId"])
    s3 = moto.client("s3", COMPLIANT_REGION, LOG_ACCOUNT)
    seed_access_log_bucket(s3)
    seed_audit_bucket(s3, key["Arn"])
    block_account_public_access(moto, LOG_ACCOUNT)
    return {
        "kms_key_id": key["KeyId"],
        "kms_key_arn": key["Arn"],
        "kms_alias": "alias/org-audit-trail",
        "audit_role_arn": create_audit_role(moto, LOG_ACCOUNT),
    }


def seed_cloudwatch_delivery(moto: Moto) -> None:
    """The log group and service role the trail's CloudWatch Logs settings name."""
    logs = moto.client("logs", COMPLIANT_REGION, ORG_ACCOUNT)
    # Encrypted with a key of the organisation's (TG051), events kept 400 days (TG052).
    kms = moto.client("kms", COMPLIANT_REGION, ORG_ACCOUNT)
    key = create_key(kms, "Encrypts the trail's CloudWatch Logs copy")
    logs.create_log_group(logGroupName=COMPLIANT_TRAIL, kmsKeyId=key["Arn"])
    logs.put_retention_policy(logGroupName=COMPLIANT_TRAIL, retentionInDays=400)
    role = cloudwatch_logs_role(moto, ORG_ACCOUNT, COMPLIANT_REGION, COMPLIANT_TRAIL, COMPLIANT_TRAIL)
    assert role == CW_ROLE_ARN, role


COMPLIANT_ALERT_TOPIC = "org-security-alerts"
COMPLIANT_CONFIG_BUCKET = f"org-config-{LOG_ACCOUNT}"
COMPLIANT_EVENT_RULE = "cloudtrail-tampering"
# CIS's reference filters, some written other ways (VARIANT_FILTERS): all still catch their events.
COMPLIANT_FILTERS = {
    **REFERENCE_FILTERS,
    **{c: VARIANT_FILTERS[c] for c in ("TG100", "TG101", "TG103", "TG104", "TG106", "TG109")},
}


def seed_compliant_monitoring(moto: Moto) -> dict[str, Any]:
    """Someone is alerted to every monitoring control, and AWS Config records everywhere scanned.

    On the organisation trail's log group (444444444444), one metric filter per control
    (TG100-TG115) with an alarm notifying a topic with a confirmed SQS subscription; an
    EventBridge rule on the default bus sending trail tampering to the same topic; in both
    accounts' eu-central-1, a Config recorder of every type (global ones included), started, with
    a delivery channel to a bucket in the log archive account."""
    topic = alert_topic(moto, ORG_ACCOUNT, COMPLIANT_REGION, COMPLIANT_ALERT_TOPIC, sqs=True)
    alarms = cis_alarms(
        moto,
        ORG_ACCOUNT,
        COMPLIANT_REGION,
        COMPLIANT_TRAIL,
        COMPLIANT_FILTERS,
        {control: [topic] for control in COMPLIANT_FILTERS},
    )
    pattern = {
        "source": ["aws.cloudtrail"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventSource": ["cloudtrail.amazonaws.com"], "eventName": ["StopLogging", "DeleteTrail", "UpdateTrail"]},
    }
    rule = event_rule(moto, ORG_ACCOUNT, COMPLIANT_REGION, COMPLIANT_EVENT_RULE, pattern, topic)
    bucket = config_bucket(moto, LOG_ACCOUNT, COMPLIANT_REGION, COMPLIANT_CONFIG_BUCKET, [ORG_ACCOUNT, LOG_ACCOUNT])
    for account in (ORG_ACCOUNT, LOG_ACCOUNT):
        seed_config(moto, account, COMPLIANT_REGION, bucket, global_types=True, recording=True)
    return {
        "log_group_arn": f"arn:aws:logs:{COMPLIANT_REGION}:{ORG_ACCOUNT}:log-group:{COMPLIANT_TRAIL}",
        "metric_filters": alarms,
        "alert_topic_arn": topic,
        "event_rule": {"name": COMPLIANT_EVENT_RULE, "arn": rule, "pattern": pattern},
        "config_bucket": bucket,
    }


def seed_org_trail(moto: Moto, key_arn: str) -> str:
    ct = moto.client("cloudtrail", COMPLIANT_REGION, ORG_ACCOUNT)
    arn = create_trail(
        ct,
        COMPLIANT_TRAIL,
        COMPLIANT_BUCKET,
        start=False,
        IncludeGlobalServiceEvents=True,
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        # An organisation trail: moto_server.py shows it in the other seeded accounts too, as
        # AWS shows it in every member account (so the log archive account is covered).
        IsOrganizationTrail=True,
        CloudWatchLogsLogGroupArn=CW_LOG_GROUP_ARN,
        CloudWatchLogsRoleArn=CW_ROLE_ARN,
        KmsKeyId=key_arn,
        TagsList=tag_list(COMPLIANT_TAGS),
    )
    ct.put_event_selectors(TrailName=COMPLIANT_TRAIL, AdvancedEventSelectors=ADVANCED_EVENT_SELECTORS)
    ct.put_insight_selectors(
        TrailName=COMPLIANT_TRAIL,
        InsightSelectors=[{"InsightType": "ApiCallRateInsight"}, {"InsightType": "ApiErrorRateInsight"}],
    )
    ct.start_logging(Name=COMPLIANT_TRAIL)
    return arn


def seed_org_account(moto: Moto, key_arn: str) -> dict[str, Any]:
    """Account 444444444444: the trail, its CloudWatch role and IAM roles."""
    seed_cloudwatch_delivery(moto)
    arn = seed_org_trail(moto, key_arn)
    block_account_public_access(moto, ORG_ACCOUNT)
    iam = moto.client("iam", account=ORG_ACCOUNT)
    # Only a root-trusted role whose sessions must use MFA holds CloudTrail
    # admin rights - the pattern the compliant fixture is meant to pass.
    admin_trust = trust_policy(
        {"AWS": f"arn:aws:iam::{ORG_ACCOUNT}:root"},
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    )
    admin_arn = create_role(iam, "cloudtrail-admin", admin_trust, [CLOUDTRAIL_FULL_ACCESS])
    return {
        "trail_arn": arn,
        "audit_role_arn": create_audit_role(moto, ORG_ACCOUNT),
        "cloudtrail_admin_role_arn": admin_arn,
        "cloudwatch_logs_role_arn": CW_ROLE_ARN,
    }


def scenario_compliant(moto: Moto, _args: list[str]) -> dict[str, Any]:
    log = seed_log_account(moto)  # first: the trail needs the bucket and key
    org = seed_org_account(moto, log["kms_key_arn"])
    monitoring = seed_compliant_monitoring(moto)
    # A CloudTrail Lake event data store: seven years, protected, the log account's key.
    moto.client("cloudtrail", COMPLIANT_REGION, ORG_ACCOUNT).create_event_data_store(
        Name="org-audit-lake", RetentionPeriod=2557, KmsKeyId=log["kms_key_arn"]
    )
    return {
        "scenario": "compliant",
        "region": COMPLIANT_REGION,
        "trail_account": ORG_ACCOUNT,
        "log_account": LOG_ACCOUNT,
        "trail_name": COMPLIANT_TRAIL,
        "trail_arn": org["trail_arn"],
        "bucket": COMPLIANT_BUCKET,
        "access_log_bucket": ACCESS_LOG_BUCKET,
        "kms_key_id": log["kms_key_id"],
        "kms_key_arn": log["kms_key_arn"],
        "kms_alias": log["kms_alias"],
        "audit_role_arns": {ORG_ACCOUNT: org["audit_role_arn"], LOG_ACCOUNT: log["audit_role_arn"]},
        "cloudtrail_admin_role_arn": org["cloudtrail_admin_role_arn"],
        "cloudwatch_logs_role_arn": org["cloudwatch_logs_role_arn"],
        "monitoring": monitoring,
    }


# --------------------------------------------------------------------------
# scenario: broken
# --------------------------------------------------------------------------


def scenario_broken(moto: Moto, _args: list[str]) -> dict[str, Any]:
    region, bucket, trail = "us-east-1", "broken-trail-logs", "broken-trail"
    arn = trail_arn(region, DEFAULT_ACCOUNT, trail)
    s3 = moto.client("s3", region)
    create_bucket(s3, bucket, region, ownership="ObjectWriter")  # ACLs still decide access
    public_read = {
        "Sid": "PublicRead",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    # The VPC-endpoint Deny has no exemption for AWS services: CloudTrail could not deliver.
    put_policy(
        s3,
        bucket,
        cloudtrail_bucket_statements(bucket, arn, DEFAULT_ACCOUNT)
        + [public_read, deny_outside_vpce(bucket, exempt_services=False)],
    )
    ct = moto.client("cloudtrail", region)
    create_trail(
        ct,
        trail,
        bucket,
        start=False,  # never started: IsLogging stays false
        IncludeGlobalServiceEvents=False,
        IsMultiRegionTrail=False,
        EnableLogFileValidation=False,
    )
    iam = moto.client("iam")
    iam.create_user(UserName="ops-admin")
    attach_if_present(iam.attach_user_policy, UserName="ops-admin", PolicyArn=CLOUDTRAIL_FULL_ACCESS)
    iam.create_user(UserName="auditor-bot")
    return {
        "scenario": "broken",
        "account": DEFAULT_ACCOUNT,
        "region": region,
        "trail_name": trail,
        "trail_arn": arn,
        "bucket": bucket,
        "users": ["auditor-bot", "ops-admin"],
    }


# --------------------------------------------------------------------------
# scenario: selectors
# --------------------------------------------------------------------------


def scenario_selectors(moto: Moto, _args: list[str]) -> dict[str, Any]:
    """A logging multi-region trail that records write management events only and has
    Insights: what DescribeTrails' Has*Selectors flags would hide if they were believed."""
    region, bucket, trail = "us-east-1", "selectors-trail-logs", "selectors-trail"
    arn = seed_simple_trail(moto, region, trail, bucket, multi_region=True)
    ct = moto.client("cloudtrail", region)
    ct.put_event_selectors(
        TrailName=trail,
        EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}],
    )
    ct.put_insight_selectors(TrailName=trail, InsightSelectors=[{"InsightType": "ApiCallRateInsight"}])
    return {"scenario": "selectors", "account": DEFAULT_ACCOUNT, "trail_arn": arn}


# --------------------------------------------------------------------------
# scenario: delivery
# --------------------------------------------------------------------------


def scenario_delivery(moto: Moto, _args: list[str]) -> dict[str, Any]:
    """A logging multi-region trail whose delivery is broken or exposed beyond its bucket: its
    KMS key's policy does not let CloudTrail use it (TG026), its SNS topic lets only CloudWatch
    alarms publish (TG012), its CloudWatch Logs log group has no KMS key and keeps events 30
    days (TG051, TG052), and the role CloudTrail assumes to write there trusts it for any
    account (TG053)."""
    region, bucket, trail, group = "us-east-1", "delivery-trail-logs", "delivery-trail", "delivery-trail-events"
    account = DEFAULT_ACCOUNT
    arn = trail_arn(region, account, trail)
    s3 = moto.client("s3", region)
    create_bucket(s3, bucket, region)
    put_policy(s3, bucket, cloudtrail_bucket_statements(bucket, arn, account))
    kms = moto.client("kms", region)
    root_only = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    key = create_key(kms, "Trail key whose policy forgot CloudTrail", root_only)
    logs = moto.client("logs", region)
    logs.create_log_group(logGroupName=group)
    logs.put_retention_policy(logGroupName=group, retentionInDays=30)
    iam = moto.client("iam")
    role = create_role(
        iam,
        "CloudTrailToLogsAnyAccount",
        trust_policy({"Service": "cloudtrail.amazonaws.com"}),
        [],
        path="/service-role/",
    )
    # The trail's topic lets only CloudWatch alarms publish (TG012).
    sns = moto.client("sns", region)
    topic = sns.create_topic(Name="delivery-trail-notifications")["TopicArn"]
    sns.set_topic_attributes(
        TopicArn=topic,
        AttributeName="Policy",
        AttributeValue=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AllowCloudWatchAlarms",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": "sns:Publish",
                        "Resource": topic,
                    }
                ],
            }
        ),
    )
    ct = moto.client("cloudtrail", region)
    create_trail(
        ct,
        trail,
        bucket,
        SnsTopicName="delivery-trail-notifications",
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        KmsKeyId=key["Arn"],
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:{region}:{account}:log-group:{group}:*",
        CloudWatchLogsRoleArn=role,
    )
    # A CloudTrail Lake event data store with AWS's key, no termination protection, 90 days.
    lake = ct.create_event_data_store(
        Name="delivery-lake", RetentionPeriod=90, TerminationProtectionEnabled=False
    )["EventDataStoreArn"]
    return {
        "scenario": "delivery",
        "event_data_store_arn": lake,
        "account": account,
        "trail_arn": arn,
        "bucket": bucket,
        "kms_key_arn": key["Arn"],
        "log_group_arn": f"arn:aws:logs:{region}:{account}:log-group:{group}",
        "role_arn": role,
        "topic_arn": topic,
    }


# --------------------------------------------------------------------------
# scenario: multi-region
# --------------------------------------------------------------------------


def seed_simple_trail(moto: Moto, region: str, trail: str, bucket: str, multi_region: bool) -> str:
    """A logging trail with validation and tags, writing to a versioned, tagged bucket whose
    policy lets CloudTrail deliver (AWS's CreateTrail refuses a bucket without it,
    InsufficientS3BucketPolicyException; moto does not check)."""
    tags = {"Owner": "platform", "Trail": trail}
    s3 = moto.client("s3", region)
    create_bucket(s3, bucket, region)
    put_policy(s3, bucket, cloudtrail_bucket_statements(bucket, trail_arn(region, DEFAULT_ACCOUNT, trail), DEFAULT_ACCOUNT))
    enable_versioning(s3, bucket)
    put_tags(s3, bucket, tags)
    ct = moto.client("cloudtrail", region)
    return create_trail(
        ct,
        trail,
        bucket,
        IsMultiRegionTrail=multi_region,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        TagsList=tag_list(tags),
    )


def scenario_multi_region(moto: Moto, _args: list[str]) -> dict[str, Any]:
    us = seed_simple_trail(moto, "us-east-1", "us-trail", "us-trail-logs", multi_region=False)
    eu = seed_simple_trail(moto, "eu-west-1", "eu-trail", "eu-trail-logs", multi_region=True)
    return {
        "scenario": "multi-region",
        "account": DEFAULT_ACCOUNT,
        "trails": {
            "us-trail": {"arn": us, "region": "us-east-1", "bucket": "us-trail-logs", "multi_region": False},
            "eu-trail": {"arn": eu, "region": "eu-west-1", "bucket": "eu-trail-logs", "multi_region": True},
        },
    }


# --------------------------------------------------------------------------
# scenario: monitoring
# --------------------------------------------------------------------------

MON_HOME, MON_OTHER = "us-east-1", "eu-west-1"
MON_TRAIL, MON_BUCKET = "monitoring-trail", "monitoring-trail-logs"
MON_LOG_GROUP = "CloudTrail/monitoring"
MON_CONFIG_BUCKET = f"monitoring-config-{DEFAULT_ACCOUNT}"
# Each broken link, on the control it leaves without an alert.
MON_TYPO = "TG104"  # its filter spells StopLogging "StopLoging"
MON_SILENT_ALARM = "TG102"  # its alarm has no action
MON_UNCONFIRMED = "TG106"  # its alarm notifies a topic whose one subscriber never confirmed
MON_EVENTBRIDGE = "TG109"  # no metric filter; an EventBridge rule in eu-west-1 only
MON_EVENT_RULE = "security-group-changes"
MON_SECURITY_GROUP_EVENTS = [
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
]


def monitoring_filters() -> dict[str, str]:
    """The filters of the monitoring scenario: every control but TG109, several written other
    ways than CIS's reference, and TG104's with a typo."""
    filters = {
        **REFERENCE_FILTERS,
        **{c: VARIANT_FILTERS[c] for c in ("TG100", "TG101", "TG105", "TG110", "TG112")},
    }
    del filters[MON_EVENTBRIDGE]
    # Only the StopLogging clause is wrong: the four other CloudTrail changes are still caught.
    filters[MON_TYPO] = REFERENCE_FILTERS[MON_TYPO].replace("StopLogging", "StopLoging")
    assert filters[MON_TYPO] != REFERENCE_FILTERS[MON_TYPO]
    return filters


def scenario_monitoring(moto: Moto, _args: list[str]) -> dict[str, Any]:
    """One account, two regions, a multi-region trail that sends its events to CloudWatch Logs,
    and one break in each alerting chain:

    - metric filters with alarms notifying a topic with a confirmed (SQS) subscription for every
      control but TG109, several written other ways than CIS's reference; TG104's filter says
      StopLoging (so StopLogging is not caught), TG102's alarm has no action, and TG106's alarm
      notifies a topic whose only subscriber is an unconfirmed email address;
    - security group changes (TG109) only by an EventBridge rule in eu-west-1 (none in us-east-1);
    - AWS Config recording in us-east-1; in eu-west-1 its recorder was stopped."""
    account = DEFAULT_ACCOUNT
    group_arn = f"arn:aws:logs:{MON_HOME}:{account}:log-group:{MON_LOG_GROUP}"
    moto.client("logs", MON_HOME).create_log_group(logGroupName=MON_LOG_GROUP)
    role = cloudwatch_logs_role(moto, account, MON_HOME, MON_TRAIL, MON_LOG_GROUP)
    # The trail and bucket of the multi-region scenario (versioned, tagged, validated), with
    # CloudWatch Logs delivery: the same findings about them, TG050 aside.
    tags = {"Owner": "platform", "Trail": MON_TRAIL}
    s3 = moto.client("s3", MON_HOME)
    create_bucket(s3, MON_BUCKET, MON_HOME)
    put_policy(
        s3,
        MON_BUCKET,
        cloudtrail_bucket_statements(MON_BUCKET, trail_arn(MON_HOME, account, MON_TRAIL), account),
    )
    enable_versioning(s3, MON_BUCKET)
    put_tags(s3, MON_BUCKET, tags)
    trail = create_trail(
        moto.client("cloudtrail", MON_HOME),
        MON_TRAIL,
        MON_BUCKET,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        CloudWatchLogsLogGroupArn=f"{group_arn}:*",
        CloudWatchLogsRoleArn=role,
        TagsList=tag_list(tags),
    )

    alerts = alert_topic(moto, account, MON_HOME, "cis-alarms", sqs=True)
    kms_alerts = alert_topic(moto, account, MON_HOME, "kms-key-alerts", email="security@example.com")
    filters = monitoring_filters()
    actions = {c: [alerts] for c in filters}
    actions[MON_SILENT_ALARM] = []
    actions[MON_UNCONFIRMED] = [kms_alerts]
    alarms = cis_alarms(moto, account, MON_HOME, MON_LOG_GROUP, filters, actions)

    sg_alerts = alert_topic(moto, account, MON_OTHER, "security-group-alerts", sqs=True)
    pattern = {
        "source": ["aws.ec2"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventSource": ["ec2.amazonaws.com"], "eventName": MON_SECURITY_GROUP_EVENTS},
    }
    rule = event_rule(moto, account, MON_OTHER, MON_EVENT_RULE, pattern, sg_alerts)

    bucket = config_bucket(moto, account, MON_HOME, MON_CONFIG_BUCKET, [account])
    seed_config(moto, account, MON_HOME, bucket, global_types=True, recording=True)
    seed_config(moto, account, MON_OTHER, bucket, global_types=False, recording=False)
    return {
        "scenario": "monitoring",
        "account": account,
        "regions": [MON_HOME, MON_OTHER],
        "trail_arn": trail,
        "bucket": MON_BUCKET,
        "log_group_arn": group_arn,
        "metric_filters": alarms,
        "topics": {"cis-alarms": alerts, "kms-key-alerts": kms_alerts, "security-group-alerts": sg_alerts},
        "event_rule_arn": rule,
        "config_bucket": bucket,
        "broken": {
            "typo": MON_TYPO,
            "alarm_without_action": MON_SILENT_ALARM,
            "unconfirmed_topic": MON_UNCONFIRMED,
            "eventbridge_one_region": MON_EVENTBRIDGE,
            "config_not_recording": MON_OTHER,
        },
    }


# --------------------------------------------------------------------------
# scenario: least-privilege
# --------------------------------------------------------------------------

LP_REGION, LP_BUCKET, LP_TRAIL = "us-east-1", "lp-trail-logs", "main"
LP_OUTSIDE_ACCOUNT = "999999999999"


def scenario_least_privilege(moto: Moto, _args: list[str]) -> dict[str, Any]:
    """One account where five principals or statements can blind the trail, each in its own way:
    a customer managed policy with cloudtrail:Stop* on a user, a group member holding
    AWSCloudTrail_FullAccess without MFA, a role with AWSCloudTrail_FullAccess trusted by another
    account, an inline s3:DeleteObject on the log bucket, and a key policy that lets anyone
    schedule the trail key's deletion."""
    account = DEFAULT_ACCOUNT
    arn = trail_arn(LP_REGION, account, LP_TRAIL)
    s3 = moto.client("s3", LP_REGION)
    create_bucket(s3, LP_BUCKET, LP_REGION)
    put_policy(s3, LP_BUCKET, cloudtrail_bucket_statements(LP_BUCKET, arn, account))
    kms = moto.client("kms", LP_REGION)
    key_policy = {
        "Version": "2012-10-17",
        "Statement": [
            enable_iam_permissions(account),
            {
                "Sid": "Allow CloudTrail to encrypt logs",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceArn": arn}},
            },
            {
                "Sid": "AnyoneMaySchedule",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:DescribeKey", "kms:ScheduleKeyDeletion"],
                "Resource": "*",
            },
        ],
    }
    key = create_key(kms, "trail key", key_policy)
    ct = moto.client("cloudtrail", LP_REGION)
    create_trail(
        ct,
        LP_TRAIL,
        LP_BUCKET,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        KmsKeyId=key["Arn"],
    )
    iam = moto.client("iam")
    # 1. A customer managed policy that lets its user pause the trail.
    pause = iam.create_policy(
        PolicyName="TrailPause",
        PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "Read", "Effect": "Allow", "Action": "cloudtrail:Describe*", "Resource": "*"},
                {"Sid": "Pause", "Effect": "Allow", "Action": "cloudtrail:Stop*", "Resource": "*"},
            ],
        }),
    )["Policy"]["Arn"]
    iam.create_user(UserName="deployer")
    iam.attach_user_policy(UserName="deployer", PolicyArn=pause)
    # 2. AWSCloudTrail_FullAccess through a group, to a member without MFA.
    iam.create_group(GroupName="trail-admins")
    attach_if_present(iam.attach_group_policy, GroupName="trail-admins", PolicyArn=CLOUDTRAIL_FULL_ACCESS)
    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="trail-admins", UserName="alice")
    # 3. A role with AWSCloudTrail_FullAccess that another account may assume.
    vendor = create_role(
        iam, "ct-vendor", trust_policy({"AWS": f"arn:aws:iam::{LP_OUTSIDE_ACCOUNT}:root"}), [CLOUDTRAIL_FULL_ACCESS]
    )
    # 4. An inline policy that deletes log files.
    iam.create_user(UserName="cleaner")
    iam.put_user_policy(
        UserName="cleaner",
        PolicyName="tidy-logs",
        PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{LP_BUCKET}"},
                {"Sid": "Tidy", "Effect": "Allow", "Action": "s3:DeleteObject", "Resource": f"arn:aws:s3:::{LP_BUCKET}/*"},
            ],
        }),
    )
    # A principal with read access only: no finding.
    iam.create_user(UserName="reader")
    attach_if_present(iam.attach_user_policy, UserName="reader", PolicyArn="arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess")
    return {
        "scenario": "least-privilege",
        "account": account,
        "region": LP_REGION,
        "trail_arn": arn,
        "bucket": LP_BUCKET,
        "kms_key_arn": key["Arn"],
        "vendor_role_arn": vendor,
    }


# --------------------------------------------------------------------------
# scenario: access-denied
# --------------------------------------------------------------------------

DENIED_ACTIONS = ["s3:GetBucketPolicy", "kms:GetKeyRotationStatus", "cloudtrail:GetEventSelectors"]


def scenario_access_denied(moto: Moto, _args: list[str]) -> dict[str, Any]:
    region, bucket, trail = "us-east-1", "denied-trail-logs", "main"
    tags = {"Owner": "security"}
    # A key policy that lets CloudTrail use the key: AWS's CreateTrail refuses one that does not
    # (InsufficientEncryptionPolicyException; moto does not check).
    key = create_key(
        moto.client("kms", region),
        "Encrypts the main trail",
        cloudtrail_key_policy(DEFAULT_ACCOUNT, trail_arn(region, DEFAULT_ACCOUNT, trail)),
    )
    s3 = moto.client("s3", region)
    create_bucket(s3, bucket, region)
    enable_versioning(s3, bucket)
    put_tags(s3, bucket, tags)
    ct = moto.client("cloudtrail", region)
    arn = create_trail(
        ct,
        trail,
        bucket,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        KmsKeyId=key["Arn"],
        TagsList=tag_list(tags),
    )
    # Custom selectors (management events plus S3 data events): what the GetEventSelectors the
    # auditor is denied would have shown (the collector asks for every trail's selectors).
    ct.put_event_selectors(
        TrailName=trail,
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            }
        ],
    )
    iam = moto.client("iam")
    iam.create_user(UserName="auditor")
    iam.put_user_policy(
        UserName="auditor",
        PolicyName="read-all-but-three",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
                    {"Sid": "DenySome", "Effect": "Deny", "Action": DENIED_ACTIONS, "Resource": "*"},
                ],
            }
        ),
    )
    access_key = iam.create_access_key(UserName="auditor")["AccessKey"]
    # Last: from now on moto checks signatures and IAM policies on every call
    # (the dummy testing/testing credentials stop working too).
    moto.post("/moto-api/reset-auth", b"0")
    return {
        "scenario": "access-denied",
        "account": DEFAULT_ACCOUNT,
        "region": region,
        "trail_name": trail,
        "trail_arn": arn,
        "bucket": bucket,
        "kms_key_id": key["KeyId"],
        "kms_key_arn": key["Arn"],
        "user": "auditor",
        "access_key_id": access_key["AccessKeyId"],
        "secret_access_key": access_key["SecretAccessKey"],
        "denied_actions": DENIED_ACTIONS,
    }


# --------------------------------------------------------------------------
# scenario: organization
# --------------------------------------------------------------------------

# Member accounts in creation order; moto draws their ids from its seeded generator.  Names
# with spaces and an ampersand, as real organisations have them.
ORG_MEMBERS = ["Log Archive", "Security Tooling", "workload-prod", "Sandbox & Experiments", "workload-dev"]
ORG_CLOSED = "Sandbox & Experiments"
ORG_DELEGATED_ADMIN = "Security Tooling"
ORG_PLAIN_MEMBER = "workload-dev"


def member_access_key(moto: Moto, account: str, user: str) -> dict[str, str]:
    iam = moto.client("iam", account=account)
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return {"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}


ORG_REGION = "us-east-1"
ORG_TRAIL = "org-trail"
WORKLOAD_TRAIL = "prod-trail"


def seed_central_logging(moto: Moto, log_account: str, workload_account: str) -> dict[str, Any]:
    """A central bucket in the log archive account, written to by the organisation trail of the
    management account and by a trail of its own in a workload account.

    The bucket's findings (no versioning, a CloudTrail grant without aws:SourceArn, ...) can
    only be judged from the log archive account's read of it: the trails' accounts cannot read
    it once cross-account access is locked."""
    bucket = f"central-trail-logs-{log_account}"
    s3 = moto.client("s3", ORG_REGION, log_account)
    create_bucket(s3, bucket, ORG_REGION)
    put_policy(
        s3,
        bucket,
        [
            {
                "Sid": "CloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": f"arn:aws:s3:::{bucket}",
            },
            {
                "Sid": "CloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/*",
            },
        ],
    )
    block_public_access(s3, bucket)
    org_trail = create_trail(
        moto.client("cloudtrail", ORG_REGION),
        ORG_TRAIL,
        bucket,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        IsOrganizationTrail=True,
    )
    workload_trail = create_trail(
        moto.client("cloudtrail", ORG_REGION, workload_account),
        WORKLOAD_TRAIL,
        bucket,
        IsMultiRegionTrail=False,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=False,
    )
    return {"bucket": bucket, "org_trail_arn": org_trail, "workload_trail_arn": workload_trail}


ORG_ADMIN_ROLE = "OrganizationAccountAccessRole"
ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"
ORG_SCP_NAME = "protect-cloudtrail-logs"
ORG_RCP_NAME = "data-perimeter"


def grant_org_access_role(moto: Moto, account: str) -> str:
    """AdministratorAccess for the OrganizationAccountAccessRole that CreateAccount made.

    AWS attaches AdministratorAccess to it; moto creates the role with no policy at all."""
    iam = moto.client("iam", account=account)
    iam.attach_role_policy(RoleName=ORG_ADMIN_ROLE, PolicyArn=ADMINISTRATOR_ACCESS)
    return iam.get_role(RoleName=ORG_ADMIN_ROLE)["Role"]["Arn"]


def seed_guardrails(org: Any, ids: dict[str, str], organization: str) -> dict[str, Any]:
    """SCPs and RCPs enabled on the root; Log Archive moved into a Security OU whose SCP forbids
    deleting CloudTrail logs (except to a break-glass role), and whose RCP keeps S3 to the
    organisation's principals without exempting AWS services: CloudTrail, a service principal
    in no organisation, can no longer deliver to the central bucket (AWS applies RCPs to service
    principals; moto enforces none, trailguard predicts it: TG041).

    moto attaches FullAWSAccess and RCPFullAWSAccess to every new OU and account, as AWS does
    once the policy types are enabled, so the SCP is the only thing between Log Archive's admin
    role and the central bucket, and the RCP the only thing between CloudTrail and it."""
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    org.enable_policy_type(RootId=root, PolicyType="RESOURCE_CONTROL_POLICY")
    security = org.create_organizational_unit(ParentId=root, Name="Security")["OrganizationalUnit"]["Id"]
    org.move_account(AccountId=ids["Log Archive"], SourceParentId=root, DestinationParentId=security)
    content = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ProtectTrailLogs",
                "Effect": "Deny",
                "Action": [
                    "s3:DeleteBucket",
                    "s3:DeleteBucketPolicy",
                    "s3:DeleteObject",
                    "s3:DeleteObjectVersion",
                    "s3:PutBucketPolicy",
                ],
                "Resource": ["arn:aws:s3:::central-trail-logs-*", "arn:aws:s3:::central-trail-logs-*/*"],
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/break-glass"}},
            }
        ],
    }
    policy = org.create_policy(
        Name=ORG_SCP_NAME,
        Description="Nobody but break-glass deletes CloudTrail logs",
        Type="SERVICE_CONTROL_POLICY",
        Content=json.dumps(content),
    )["Policy"]["PolicySummary"]
    org.attach_policy(PolicyId=policy["Id"], TargetId=security)
    perimeter = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EnforceOrgIdentities",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": organization}},
            }
        ],
    }
    rcp = org.create_policy(
        Name=ORG_RCP_NAME,
        Description="Only the organisation's principals reach its buckets (no exemption for AWS services)",
        Type="RESOURCE_CONTROL_POLICY",
        Content=json.dumps(perimeter),
    )["Policy"]["PolicySummary"]
    org.attach_policy(PolicyId=rcp["Id"], TargetId=security)
    return {
        "root_id": root,
        "security_ou": security,
        "scp_id": policy["Id"],
        "scp_content": content,
        "rcp_id": rcp["Id"],
        "rcp_content": perimeter,
    }


def scenario_organization(moto: Moto, _args: list[str]) -> dict[str, Any]:
    """An organisation whose management account is the default account."""
    org = moto.client("organizations")
    organization = org.create_organization(FeatureSet="ALL")["Organization"]
    ids: dict[str, str] = {}
    for name in ORG_MEMBERS:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower())
        status = org.create_account(AccountName=name, Email=f"aws+{slug}@example.com")
        ids[name] = status["CreateAccountStatus"]["AccountId"]
    org.close_account(AccountId=ids[ORG_CLOSED])
    guardrails = seed_guardrails(org, ids, organization["Id"])
    org.register_delegated_administrator(
        AccountId=ids[ORG_DELEGATED_ADMIN], ServicePrincipal="guardduty.amazonaws.com"
    )
    accounts = {
        a["Id"]: {"name": a["Name"], "email": a["Email"], "arn": a["Arn"], "state": a["State"]}
        for page in org.get_paginator("list_accounts").paginate()
        for a in page["Accounts"]
    }
    logging = seed_central_logging(moto, ids["Log Archive"], ids["workload-prod"])
    active = sorted(a for a, facts in accounts.items() if facts["state"] == "ACTIVE")
    return {
        "scenario": "organization",
        "organization_id": organization["Id"],
        "management_account": organization["MasterAccountId"],
        "members": ids,
        "closed": ids[ORG_CLOSED],
        "accounts": accounts,
        "region": ORG_REGION,
        **logging,
        **guardrails,
        "admin_role_arns": {
            name: grant_org_access_role(moto, ids[name]) for name in ORG_MEMBERS if name != ORG_CLOSED
        },
        "audit_role_arns": {a: create_audit_role(moto, a) for a in active},
        "delegated_admin_key": member_access_key(moto, ids[ORG_DELEGATED_ADMIN], "lister"),
        "member_key": member_access_key(moto, ids[ORG_PLAIN_MEMBER], "lister"),
    }


# --------------------------------------------------------------------------
# scenario: audit-role ACCOUNT...
# --------------------------------------------------------------------------


def scenario_audit_role(moto: Moto, args: list[str]) -> dict[str, Any]:
    if not args or not all(a.isdigit() and len(a) == 12 for a in args):
        raise SystemExit("usage: seed_moto.py ENDPOINT audit-role ACCOUNT...   (12-digit ids)")
    return {
        "scenario": "audit-role",
        "audit_role_arns": {account: create_audit_role(moto, account) for account in args},
    }


# --------------------------------------------------------------------------
# scenario: bench N
# --------------------------------------------------------------------------

BENCH_REGION = "us-east-1"
BENCH_KEYS = 10
BENCH_USERS, BENCH_GROUPS, BENCH_ROLES = 20, 5, 10


def bench_bucket_lifecycle() -> dict[str, Any]:
    return {
        "Rules": [
            {
                "ID": "expire-after-a-year",
                "Status": "Enabled",
                "Filter": {"Prefix": "AWSLogs/"},
                "Expiration": {"Days": 365},
                "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
            }
        ]
    }


def seed_bench_trail(s3: Any, ct: Any, index: int, key_arn: str) -> str:
    """One trail and its fully configured bucket, so every per-bucket read has a value."""
    name = f"{index:05d}"
    bucket, trail = f"bench-logs-{name}", f"bench-trail-{name}"
    arn = trail_arn(BENCH_REGION, DEFAULT_ACCOUNT, trail)
    tags = {"Bench": "true", "Index": name}
    create_bucket(s3, bucket, BENCH_REGION)
    put_policy(s3, bucket, cloudtrail_bucket_statements(bucket, arn, DEFAULT_ACCOUNT))
    block_public_access(s3, bucket)
    enable_versioning(s3, bucket)
    kms_encryption(s3, bucket, key_arn)
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=bench_bucket_lifecycle())
    put_tags(s3, bucket, tags)
    return create_trail(
        ct,
        trail,
        bucket,
        start=False,  # started in a second pass, once every trail exists
        IsMultiRegionTrail=False,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        KmsKeyId=key_arn,
        TagsList=tag_list(tags),
    )


def seed_bench_iam(moto: Moto) -> None:
    """20 users in 5 groups and 10 roles; CloudTrail admin on 2 users, 1 group, 1 role."""
    iam = moto.client("iam")
    groups = [f"bench-group-{g:02d}" for g in range(1, BENCH_GROUPS + 1)]
    for group in groups:
        iam.create_group(GroupName=group)
    for u in range(1, BENCH_USERS + 1):
        user = f"bench-user-{u:02d}"
        iam.create_user(UserName=user)
        iam.add_user_to_group(GroupName=groups[(u - 1) % BENCH_GROUPS], UserName=user)
        if u <= 2:
            attach_if_present(iam.attach_user_policy, UserName=user, PolicyArn=CLOUDTRAIL_FULL_ACCESS)
    attach_if_present(iam.attach_group_policy, GroupName=groups[0], PolicyArn=CLOUDTRAIL_FULL_ACCESS)
    trust = trust_policy({"AWS": AUDITOR_TRUSTED_ROOT})
    for r in range(1, BENCH_ROLES + 1):
        create_role(iam, f"bench-role-{r:02d}", trust, [CLOUDTRAIL_FULL_ACCESS] if r == 1 else [])


def scenario_bench(moto: Moto, args: list[str]) -> dict[str, Any]:
    if len(args) != 1 or not args[0].isdigit() or int(args[0]) < 1:
        raise SystemExit("usage: seed_moto.py ENDPOINT bench N   (N >= 1)")
    count = int(args[0])
    kms = moto.client("kms", BENCH_REGION)
    # Keys first and in order: their ids come from moto's seeded generator.
    keys = [create_key(kms, f"bench key {k:02d}") for k in range(1, BENCH_KEYS + 1)]
    seed_bench_iam(moto)
    # One client per service shared by all workers: botocore clients are
    # thread-safe, creating them is slow and Session.client() is not.
    s3 = moto.client("s3", BENCH_REGION)
    ct = moto.client("cloudtrail", BENCH_REGION)
    arns = run_parallel(
        lambda i: seed_bench_trail(s3, ct, i, keys[(i - 1) % BENCH_KEYS]["Arn"]),
        range(1, count + 1),
    )
    run_parallel(lambda i: ct.start_logging(Name=f"bench-trail-{i:05d}"), range(1, count + 1))
    return {
        "scenario": "bench",
        "account": DEFAULT_ACCOUNT,
        "region": BENCH_REGION,
        "trails": len(arns),
        "buckets": len(arns),
        "kms_keys": len(keys),
        "users": BENCH_USERS,
        "groups": BENCH_GROUPS,
        "roles": BENCH_ROLES,
        "cloudtrail_full_access": {"users": 2, "groups": 1, "roles": 1},
        "first_trail_arn": arns[0],
        "last_trail_arn": arns[-1],
    }


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

SCENARIOS: dict[str, Callable[[Moto, list[str]], dict[str, Any]]] = {
    "compliant": scenario_compliant,
    "broken": scenario_broken,
    "multi-region": scenario_multi_region,
    "selectors": scenario_selectors,
    "delivery": scenario_delivery,
    "monitoring": scenario_monitoring,
    "access-denied": scenario_access_denied,
    "least-privilege": scenario_least_privilege,
    "organization": scenario_organization,
    "audit-role": scenario_audit_role,
    "bench": scenario_bench,
}


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] not in SCENARIOS:
        print(f"usage: seed_moto.py ENDPOINT {{{'|'.join(SCENARIOS)}}} [ARGS]", file=sys.stderr)
        return 2
    moto = Moto(argv[0])
    # Deterministic ids (KMS keys, access keys) for every run of a scenario.
    moto.post(f"/moto-api/seed?a={MOTO_RANDOM_SEED}")
    result = SCENARIOS[argv[1]](moto, argv[2:])
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
