#!/usr/bin/env python3
"""Start a moto server patched to behave like real AWS where trailguard cares.

trailguard's end-to-end tests run the real binary against moto.  moto 5.2.x
differs from AWS in a few places that either break the Rust SDK outright or
would make trailguard's findings wrong, so this launcher patches moto in
process and then runs moto's own server:

  a. S3 GetBucketVersioning answers with a ``VersioningConfiguration`` root
     element and remembers ``MfaDelete``.
  b. CloudTrail returns the default event selector, reports
     ``HasCustomEventSelectors``/``HasInsightSelectors`` truthfully and raises
     ``InsightNotEnabledException`` like AWS (``--stock-selector-flags`` keeps
     moto's own flags, both always false, for the test that the collector
     reads every trail's selectors whatever the flags say).
  c. The Account service gains ``ListRegions``.
  d. Cross-account S3 access can be switched off at run time with a lock file.
  e. GetAccountAuthorizationDetails names its managed policies.
    f. With IAM enforcement on, denied KMS/CloudTrail/Account calls fail with a
     JSON AccessDeniedException instead of an XML body JSON SDKs cannot read.
  g. Organisation trails show in the other seeded accounts' DescribeTrails, as
     AWS shows them in member accounts, and members read their selectors by ARN.
  h. An Object Lock default retention sends only the period that was set
     (moto adds ``Years: 0``).
  i. Organizations ListAccounts, ListRoots, ListChildren, ListPolicies,
     DescribePolicy and ListTargetsForPolicy answer only the management
     account and delegated administrators (members get AccessDeniedException,
     accounts outside any organisation AWSOrganizationsNotInUseException);
     moto answered everyone, from the management account's organisation or
     from an empty one of the member's own.
  j. SNS lists email, email-json, http and https subscriptions as
     ``PendingConfirmation`` (AWS lists them so until the endpoint confirms;
     moto confirmed them at once, which would make a topic nobody confirmed
     look like it alerts someone).
  k. Config's DescribeDeliveryChannelStatus, which moto 5.2.5 does not
     implement (its server answered HTTP 500, which the SDK retried for 20 s),
     answers a 400 ``InvalidAction`` error at once: the collector records the
     gap, as it would for any call AWS refuses, and the tests expect it.
  l. CloudWatch answers the Smithy RPC v2 CBOR protocol aws-sdk-cloudwatch
     speaks (moto 5.2.5 routes only CloudWatch's query and JSON protocols and
     answered DescribeAlarmsForMetric with a 404 HTML page): the request is
     translated to the JSON protocol and moto's answer back to CBOR.

  m. CloudTrail Lake, which moto 5.2.5 does not implement: CreateEventDataStore,
     ListEventDataStores and GetEventDataStore keep event data stores per
     account and region, with AWS's defaults (multi-region, termination
     protection on, 2557 days, a key AWS owns unless KmsKeyId is given) and
     AWS's EventDataStoreNotFoundException; an account without stores lists
     none, as AWS answers an account that never used Lake.

Not patched, because the product already follows AWS there: GetKeyPolicy is
called with the policy name ``default`` (AWS's only name; moto requires it),
and the collector never calls ListBuckets with MaxBuckets (moto ignores
paging; the collector follows ContinuationToken until there is none).


Usage:
    python tests/tools/moto_server.py --port PORT [--lock-file PATH]
                                      [--regions r1,r2,...]

The server always binds 127.0.0.1.  Nothing is printed on stdout beyond what
moto itself prints; our own errors go to stderr.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
from typing import Any

DEFAULT_REGIONS = "us-east-1,eu-west-1,eu-central-1"
S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"

# Regions that ListRegions reports; set from --regions before the server starts.
_REGIONS: list[str] = []


# The moto release these patches are written for (tests/requirements.txt pins it).
MOTO_VERSION = "5.2.5"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--lock-file",
        default=None,
        help="while this file exists, cross-account S3 bucket access is denied",
    )
    parser.add_argument(
        "--stock-selector-flags",
        action="store_true",
        help="leave DescribeTrails' Has*Selectors flags as moto reports them (always false)",
    )
    parser.add_argument(
        "--regions",
        default=DEFAULT_REGIONS,
        help="comma-separated regions reported by account:ListRegions",
    )
    return parser.parse_args(argv)


# --------------------------------------------------------------------------
# a. S3 bucket versioning
# --------------------------------------------------------------------------

_MFA_DELETE_RE = re.compile(r"<MfaDelete>\s*([A-Za-z]+)\s*</MfaDelete>")
_STATUS_RE = re.compile(r"<Status>\s*([A-Za-z]+)\s*</Status>")


def _is_success(response: Any) -> bool:
    """True when a moto handler result is a 2xx (tuple) or a plain body."""
    if isinstance(response, tuple) and response and isinstance(response[0], int):
        return 200 <= response[0] < 300
    return True


def versioning_configuration_xml(status: str | None, mfa_delete: str | None) -> str:
    """Render GetBucketVersioning exactly as S3 does.

    S3 omits <Status> on a bucket that was never versioned and <MfaDelete>
    when it was never configured, leaving an empty root element.
    """
    parts = []
    if status:
        parts.append(f"<Status>{status}</Status>")
    if mfa_delete:
        parts.append(f"<MfaDelete>{mfa_delete}</MfaDelete>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<VersioningConfiguration xmlns="{S3_XMLNS}">'
        + "".join(parts)
        + "</VersioningConfiguration>"
    )


def patch_s3_versioning() -> None:
    """Restore S3's GetBucketVersioning shape and MfaDelete memory.

    moto 5.2.x answers GetBucketVersioning with a ``GetBucketVersioningResponse``
    root that the Rust SDK rejects (AWS uses ``VersioningConfiguration``), and
    it drops the ``MfaDelete`` element of PutBucketVersioning on the floor, so
    MFA-delete checks could never pass.
    """
    from moto.s3.responses import S3Response

    original_put = S3Response._bucket_response_put

    def bucket_response_put(self, request, bucket_name, querystring):  # type: ignore[no-untyped-def]
        if not (querystring and "versioning" in querystring):
            return original_put(self, request, bucket_name, querystring)
        body = self.body.decode("utf-8") if isinstance(self.body, bytes) else self.body
        mfa = _MFA_DELETE_RE.search(body or "")
        if mfa and not _STATUS_RE.search(body or ""):
            # AWS accepts a configuration that only changes MfaDelete; moto
            # would answer 404 because it insists on <Status>.
            self._set_action("BUCKET", "PUT", querystring)
            self._authenticate_and_authorize_s3_action(bucket_name=bucket_name)
            self.backend.get_bucket(bucket_name).tg_mfa_delete = mfa.group(1)
            return 200, {}, ""
        response = original_put(self, request, bucket_name, querystring)
        if mfa and _is_success(response):
            self.backend.get_bucket(bucket_name).tg_mfa_delete = mfa.group(1)
        return response

    def get_bucket_versioning(self):  # type: ignore[no-untyped-def]
        bucket = self.backend.get_bucket(self.bucket_name)
        self.data["Action"] = "GetBucketVersioning"
        body = versioning_configuration_xml(
            bucket.versioning_status, getattr(bucket, "tg_mfa_delete", None)
        )
        return 200, {"Content-Type": "application/xml"}, body

    S3Response._bucket_response_put = bucket_response_put
    S3Response.get_bucket_versioning = get_bucket_versioning


# --------------------------------------------------------------------------
# b. CloudTrail selectors
# --------------------------------------------------------------------------

# What AWS returns from GetEventSelectors for a trail whose selectors were
# never changed: one basic selector logging all management events.
DEFAULT_EVENT_SELECTORS = [
    {
        "ReadWriteType": "All",
        "IncludeManagementEvents": True,
        "DataResources": [],
        "ExcludeManagementEventSources": [],
    }
]


def _with_selector_defaults(selector: dict[str, Any]) -> dict[str, Any]:
    """AWS echoes every field of a basic selector, filling in the defaults."""
    return {**DEFAULT_EVENT_SELECTORS[0], **selector}


def _aws_error(error_type: str, message: str) -> Exception:
    """An error as AWS's JSON protocols answer it: HTTP 400 and `__type`."""
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError(error_type, message)


def patch_cloudtrail_models(stock_flags: bool) -> None:
    """Track which selectors a trail really has, as AWS does (and, unless
    ``stock_flags``, say so in DescribeTrails)."""
    from moto.cloudtrail.models import Trail

    original_put_event_selectors = Trail.put_event_selectors
    original_description = Trail.description

    def put_event_selectors(self, event_selectors, advanced_event_selectors):  # type: ignore[no-untyped-def]
        original_put_event_selectors(self, event_selectors, advanced_event_selectors)
        # AWS flips HasCustomEventSelectors once PutEventSelectors is called,
        # whichever flavour (basic or advanced) was used.
        self.tg_custom_selectors = True
        if event_selectors:
            # Basic and advanced selectors are mutually exclusive in AWS:
            # putting basic ones replaces advanced ones (moto kept both).
            self.advanced_event_selectors = []

    def put_insight_selectors(self, insight_selectors):  # type: ignore[no-untyped-def]
        # AWS replaces the trail's insight selectors (an empty list turns
        # Insights off); moto appended, so repeated calls duplicated them.
        self.insight_selectors = list(insight_selectors or [])

    def description(self, include_region=False):  # type: ignore[no-untyped-def]
        desc = original_description(self, include_region=include_region)
        # moto hard-codes both flags to False.
        desc["HasCustomEventSelectors"] = bool(getattr(self, "tg_custom_selectors", False))
        desc["HasInsightSelectors"] = bool(self.insight_selectors)
        return desc

    Trail.put_event_selectors = put_event_selectors
    Trail.put_insight_selectors = put_insight_selectors
    if not stock_flags:
        Trail.description = description


def patch_cloudtrail_responses() -> None:
    """Make GetEventSelectors/GetInsightSelectors answer like AWS."""
    from moto.cloudtrail.responses import CloudTrailResponse


    def get_event_selectors(self):  # type: ignore[no-untyped-def]
        trail_name = json.loads(self.body).get("TrailName")
        trail = self.cloudtrail_backend.get_trail(trail_name)
        resp: dict[str, Any] = {"TrailARN": trail.arn}
        if not getattr(trail, "tg_custom_selectors", False):
            # Never configured: AWS reports its default basic selector, moto [].
            resp["EventSelectors"] = DEFAULT_EVENT_SELECTORS
        elif trail.advanced_event_selectors:
            # AWS returns only the flavour in use.
            resp["AdvancedEventSelectors"] = trail.advanced_event_selectors
        else:
            resp["EventSelectors"] = [_with_selector_defaults(s) for s in trail.event_selectors]
        return json.dumps(resp)

    def get_insight_selectors(self):  # type: ignore[no-untyped-def]
        trail_name = self._get_param("TrailName")
        trail = self.cloudtrail_backend.get_trail(trail_name)
        if not trail.insight_selectors:
            # AWS fails instead of returning an empty list.
            raise _aws_error(
                "InsightNotEnabledException", f"Trail {trail.arn} does not have Insights enabled."
            )
        return json.dumps(
            {"TrailARN": trail.arn, "InsightSelectors": trail.insight_selectors}
        )

    # Patch m: a small CloudTrail Lake, per account and region.
    def lake(self):  # type: ignore[no-untyped-def]
        backend = self.cloudtrail_backend
        if not hasattr(backend, "tg_lake"):
            backend.tg_lake = {}
        return backend.tg_lake

    def create_event_data_store(self):  # type: ignore[no-untyped-def]
        import uuid

        body = json.loads(self.body)
        arn = f"arn:aws:cloudtrail:{self.region}:{self.current_account}:eventdatastore/{uuid.uuid4()}"
        store = {
            "EventDataStoreArn": arn,
            "Name": body["Name"],
            "Status": "ENABLED",
            "MultiRegionEnabled": body.get("MultiRegionEnabled", True),
            "OrganizationEnabled": body.get("OrganizationEnabled", False),
            "RetentionPeriod": body.get("RetentionPeriod", 2557),
            "TerminationProtectionEnabled": body.get("TerminationProtectionEnabled", True),
            "BillingMode": body.get("BillingMode", "EXTENDABLE_RETENTION_PRICING"),
        }
        if body.get("KmsKeyId"):
            store["KmsKeyId"] = body["KmsKeyId"]
        lake(self)[arn] = store
        return json.dumps(store)

    def list_event_data_stores(self):  # type: ignore[no-untyped-def]
        listed = [
            {k: v for k, v in store.items() if k in ("EventDataStoreArn", "Name")}
            for store in lake(self).values()
        ]
        return json.dumps({"EventDataStores": listed})

    def get_event_data_store(self):  # type: ignore[no-untyped-def]
        wanted = json.loads(self.body).get("EventDataStore")
        for arn, store in lake(self).items():
            if wanted in (arn, store["Name"]):
                return json.dumps(store)
        raise _aws_error(
            "EventDataStoreNotFoundException",
            f"The specified event data store {wanted} was not found.",
        )

    CloudTrailResponse.get_event_selectors = get_event_selectors
    CloudTrailResponse.get_insight_selectors = get_insight_selectors
    CloudTrailResponse.create_event_data_store = create_event_data_store
    CloudTrailResponse.list_event_data_stores = list_event_data_stores
    CloudTrailResponse.get_event_data_store = get_event_data_store


def patch_s3_object_lock_retention() -> None:
    """Send only the retention period that was set, as AWS does.

    A default retention has Days or Years; moto stores the other as 0 and sends it too
    (`Years: 0`), which AWS never does.
    """
    from moto.s3.models import S3Backend

    original = S3Backend.get_object_lock_configuration

    def get_object_lock_configuration(self, bucket_name):  # type: ignore[no-untyped-def]
        enabled, mode, days, years = original(self, bucket_name)
        return enabled, mode, days or None, years or None

    S3Backend.get_object_lock_configuration = get_object_lock_configuration


def patch_cloudtrail_org_trails() -> None:
    """Show organisation trails in the other accounts, as AWS shows them to member accounts.

    AWS lists an organisation trail, with its owner's ARN and home region, in DescribeTrails of
    every member account. moto keeps trails per account and shows them only to their owner.
    moto has no link between its organisations and the accounts the tests seed, so here every
    seeded account counts as a member of every organisation trail's organisation.
    """
    from moto.cloudtrail.models import CloudTrailBackend, cloudtrail_backends

    original = CloudTrailBackend.describe_trails

    def describe_trails(self, include_shadow_trails):  # type: ignore[no-untyped-def]
        trails = list(original(self, include_shadow_trails))
        if not include_shadow_trails:
            return trails
        for account_id, regions in cloudtrail_backends.items():
            if account_id == self.account_id:
                continue
            for backend in regions.values():
                for trail in backend.trails.values():
                    if trail.is_org_trail and (
                        trail.is_multi_region or trail.region_name == self.region_name
                    ):
                        trails.append(trail)
        return trails

    CloudTrailBackend.describe_trails = describe_trails

    # AWS lets a member account read an organisation trail by its ARN (GetEventSelectors,
    # GetInsightSelectors); moto's get_trail looks only at the caller's own trails.
    from moto.cloudtrail.exceptions import TrailNotFoundException

    original_get_trail = CloudTrailBackend.get_trail

    def get_trail(self, name_or_arn):  # type: ignore[no-untyped-def]
        try:
            return original_get_trail(self, name_or_arn)
        except TrailNotFoundException:
            for trail in describe_trails(self, True):
                if trail.is_org_trail and trail.arn == name_or_arn:
                    return trail
            raise

    CloudTrailBackend.get_trail = get_trail


# --------------------------------------------------------------------------
# c. Account ListRegions
# --------------------------------------------------------------------------

REGION_OPT_STATUS = "ENABLED_BY_DEFAULT"
LIST_REGIONS_MAX = 50  # AWS's upper bound for MaxResults


def list_regions_page(
    regions: list[str],
    status_filter: list[str] | None,
    max_results: int | None,
    next_token: str | None,
) -> dict[str, Any]:
    """Compute one ListRegions page; NextToken is the offset of the next item."""
    entries = [{"RegionName": r, "RegionOptStatus": REGION_OPT_STATUS} for r in regions]
    if status_filter:
        wanted = {s.upper() for s in status_filter}
        entries = [e for e in entries if e["RegionOptStatus"] in wanted]
    start = int(next_token) if next_token and next_token.isdigit() else 0
    size = max(1, min(int(max_results or LIST_REGIONS_MAX), LIST_REGIONS_MAX))
    page: dict[str, Any] = {"Regions": entries[start : start + size]}
    if start + size < len(entries):
        page["NextToken"] = str(start + size)
    return page


def patch_account_list_regions() -> None:
    """Add account:ListRegions, which moto does not implement.

    trailguard discovers enabled regions with it.  The server routes a SigV4
    request signed for "account" to host account.<region>.amazonaws.com
    (werkzeug_app.infer_service_region_host), whose Flask app is built from
    moto.account.urls.url_paths when the first account request arrives, so
    registering the path here (before the server starts) is enough.
    """
    from moto.account import urls
    from moto.account.responses import AccountResponse

    def list_regions(self):  # type: ignore[no-untyped-def]
        page = list_regions_page(
            _REGIONS,
            self._get_param("RegionOptStatusContains"),
            self._get_param("MaxResults"),
            self._get_param("NextToken"),
        )
        return 200, {"Content-Type": "application/json"}, json.dumps(page)

    AccountResponse.list_regions = list_regions
    urls.url_paths["{0}/listRegions$"] = AccountResponse.dispatch


# --------------------------------------------------------------------------
# d. Cross-account S3 lock
# --------------------------------------------------------------------------


def patch_cross_account_lock(lock_file: str) -> None:
    """Deny cross-account bucket access while ``lock_file`` exists.

    In AWS another account can read a bucket only if the bucket policy grants
    it; moto grants it unconditionally unless MOTO_S3_ALLOW_CROSSACCOUNT_ACCESS
    is false, in which case it raises AccessDenied.  Tests need to flip this
    after seeding (the trail must be created against the other account's
    bucket first), hence a file instead of the process environment.
    """
    import moto.settings as settings

    original = settings.s3_allow_crossdomain_access

    def s3_allow_crossdomain_access() -> bool:
        return not os.path.exists(lock_file)

    settings.s3_allow_crossdomain_access = s3_allow_crossdomain_access
    import moto.s3.models  # noqa: F401  (binds the name at import time)

    # Every module that did `from moto.settings import s3_allow_crossdomain_access`
    # holds its own reference; rebind all of them.
    for module in list(sys.modules.values()):
        if getattr(module, "s3_allow_crossdomain_access", None) is original:
            module.s3_allow_crossdomain_access = s3_allow_crossdomain_access


# --------------------------------------------------------------------------
# e. IAM managed policy names in GetAccountAuthorizationDetails
# --------------------------------------------------------------------------


def patch_iam_policy_detail_names() -> None:
    """Fill PolicyName/PolicyId of GetAccountAuthorizationDetails' Policies.

    AWS's ManagedPolicyDetail carries both; moto's serializer looks for
    attributes named policy_name/policy_id, but its policy objects call them
    name/id, so every entry came back without a name.
    """
    from moto.iam.models import ManagedPolicy

    ManagedPolicy.policy_name = property(lambda self: self.name)
    ManagedPolicy.policy_id = property(lambda self: self.id)


# --------------------------------------------------------------------------
# f. IAM enforcement errors in the JSON protocols
# --------------------------------------------------------------------------

# What JSON-protocol services (KMS, CloudTrail, Account, ...) call the
# authentication/authorization failures that moto names in Query style.
JSON_AUTH_ERROR_CODES = {
    "AccessDenied": "AccessDeniedException",
    "InvalidClientTokenId": "UnrecognizedClientException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
}

_PROTOCOLS: dict[str, str] = {}


def _service_protocol(response: Any) -> str:
    """botocore protocol ("json", "rest-json", "query", "rest-xml", ...) of a handler."""
    from moto.core.utils import get_service_model

    name = response.boto3_service_name
    if name not in _PROTOCOLS:
        try:
            _PROTOCOLS[name] = get_service_model(name).metadata.get("protocol", "")
        except Exception:  # unknown to botocore: leave moto's answer alone
            _PROTOCOLS[name] = ""
    return _PROTOCOLS[name]


def patch_json_auth_errors() -> None:
    """Answer denied JSON-protocol calls with a JSON error, as AWS does.

    With IAM enforcement on (POST /moto-api/reset-auth), moto rejects a
    denied KMS or CloudTrail call with HTTP 403 and a Query-style XML
    <ErrorResponse> body.  AWS answers HTTP 400 with
    {"__type": "AccessDeniedException", ...}; an SDK for a JSON protocol cannot
    read an error code out of the XML, so the denial would look like an
    unknown failure instead of AccessDeniedException.  S3, IAM and STS (XML
    protocols) already get the right shape and are left alone.
    """
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.core.exceptions import JsonRESTError, _RESTError

    original = ActionAuthenticatorMixin._authenticate_and_authorize_action

    def authenticate_and_authorize(self, iam_request_cls, resource="*"):  # type: ignore[no-untyped-def]
        try:
            original(self, iam_request_cls, resource)
        except _RESTError as err:
            if isinstance(err, JsonRESTError) or _service_protocol(self) not in ("json", "rest-json"):
                raise
            error_type = JSON_AUTH_ERROR_CODES.get(err.error_type, err.error_type)
            json_error = JsonRESTError(error_type, err.message)
            json_error.code = 400
            # call_action copies only the body and status from the exception;
            # these headers ride along via response_headers.
            self.response_headers["Content-Type"] = "application/x-amz-json-1.1"
            self.response_headers["x-amzn-ErrorType"] = error_type
            raise json_error from err

    ActionAuthenticatorMixin._authenticate_and_authorize_action = authenticate_and_authorize


# --------------------------------------------------------------------------
# i. Organizations: ListAccounts, the tree and the control policies
# --------------------------------------------------------------------------


def patch_organizations_list_accounts() -> None:
    """Let only the management account and delegated administrators list the accounts, the
    tree and the policies.

    AWS allows ListAccounts (and ListRoots, ListChildren, ListPolicies,
    DescribePolicy, ListTargetsForPolicy) in the organisation's management
    account and in accounts registered as a delegated administrator; other
    member accounts get AccessDeniedException, and an account in no
    organisation AWSOrganizationsNotInUseException.
    """
    from moto.organizations.exceptions import (
        AWSOrganizationsNotInUseException,
        OrganizationsClientError,
    )
    from moto.organizations.models import OrganizationsBackend, organizations_backends

    class AccessDeniedException(OrganizationsClientError):
        def __init__(self) -> None:
            super().__init__(
                "AccessDeniedException",
                "You don't have permissions to access this resource.",
            )

    # moto answered ListAccounts in any account with the accounts of its own (empty) backend,
    # ListRoots in a member account with the management account's roots, and ListChildren,
    # ListPolicies, DescribePolicy and ListTargetsForPolicy with the member's own (empty)
    # backend.
    def management_only(name: str) -> None:
        original = getattr(OrganizationsBackend, name)

        def guarded(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self.org is not None:
                return original(self, *args, **kwargs)
            member = organizations_backends.master_accounts.get(self.account_id)
            if member is None:
                raise AWSOrganizationsNotInUseException
            management = organizations_backends[member[0]][member[1]]
            if not any(admin.account.id == self.account_id for admin in management.admins):
                raise AccessDeniedException
            return original(management, *args, **kwargs)

        setattr(OrganizationsBackend, name, guarded)

    for name in (
        "list_accounts",
        "list_roots",
        "list_children",
        "list_policies",
        "describe_policy",
        "list_targets_for_policy",
    ):
        management_only(name)


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def patch_sns_pending_confirmation() -> None:
    """j. Subscriptions that need the endpoint to confirm are listed as pending."""
    import copy

    from moto.sns.models import SNSBackend

    original = SNSBackend.list_subscriptions_by_topic
    needs_confirmation = {"email", "email-json", "http", "https"}

    def list_subscriptions_by_topic(self, topic_arn, next_token=None):  # type: ignore[no-untyped-def]
        subscriptions, token = original(self, topic_arn, next_token=next_token)
        shown = []
        for subscription in subscriptions:
            if subscription.protocol in needs_confirmation:
                subscription = copy.copy(subscription)
                subscription.arn = "PendingConfirmation"
            shown.append(subscription)
        return shown, token

    SNSBackend.list_subscriptions_by_topic = list_subscriptions_by_topic


def patch_config_delivery_channel_status() -> None:
    """k. DescribeDeliveryChannelStatus fails at once with a client error."""
    from moto.config.responses import ConfigResponse
    from moto.core.exceptions import JsonRESTError

    def describe_delivery_channel_status(self):  # type: ignore[no-untyped-def]
        raise JsonRESTError(
            "InvalidAction",
            f"moto {MOTO_VERSION} does not implement DescribeDeliveryChannelStatus",
        )

    ConfigResponse.describe_delivery_channel_status = describe_delivery_channel_status


# aws-sdk-cloudwatch speaks Smithy RPC v2 CBOR: POST {CBOR_PREFIX}OPERATION.
CLOUDWATCH_CBOR_PREFIX = "/service/GraniteServiceVersion20100801/operation/"


class _StringMapShape:
    """The shape of a map of strings (an error body), for botocore's CBOR serializer."""

    type_name = "map"

    class key:  # noqa: N801
        type_name = "string"

    class value:  # noqa: N801
        type_name = "string"


def patch_cloudwatch_cbor() -> None:
    """l. CloudWatch answers the Smithy RPC v2 CBOR protocol the Rust SDK speaks.

    aws-sdk-cloudwatch sends POST /service/GraniteServiceVersion20100801/operation/OP with a
    CBOR body (header smithy-protocol: rpc-v2-cbor); moto 5.2.5 routes only CloudWatch's query
    and JSON protocols and answers 404 with an HTML page. Such a request is rewritten into the
    JSON protocol (X-Amz-Target: GraniteServiceVersion20100801.OP), moto answers it, and the
    answer is encoded in CBOR with the operation's output shape from botocore's model
    (timestamps as CBOR tag 1), errors as {"__type", "message"}. The rewritten request keeps
    the original signature, so it would fail moto's IAM enforcement (reset-auth); no scenario
    that turns enforcement on has a CloudWatch call.
    """
    from botocore.parsers import JSONParser, RpcV2CBORParser
    from botocore.serialize import RpcV2CBORSerializer
    from moto.core.utils import get_service_model
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    decoder = RpcV2CBORParser()
    encoder = RpcV2CBORSerializer()

    def jsonable(value: Any) -> Any:
        if hasattr(value, "timestamp"):  # a datetime (CBOR tag 1)
            return value.timestamp()
        if isinstance(value, dict):
            return {k: jsonable(v) for k, v in value.items()}
        if isinstance(value, list):
            return [jsonable(v) for v in value]
        return value

    original = DomainDispatcherApplication.__call__

    def call(self, environ, start_response):  # type: ignore[no-untyped-def]
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") != "POST" or not path.startswith(CLOUDWATCH_CBOR_PREFIX):
            return original(self, environ, start_response)
        operation = path[len(CLOUDWATCH_CBOR_PREFIX) :]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        params = decoder.parse_data_item(io.BufferedReader(io.BytesIO(body))) if body else {}
        text = json.dumps(jsonable(params)).encode()
        environ = dict(environ)
        environ.update(
            {
                "PATH_INFO": "/",
                "HTTP_X_AMZ_TARGET": f"GraniteServiceVersion20100801.{operation}",
                "CONTENT_TYPE": "application/x-amz-json-1.0",
                "CONTENT_LENGTH": str(len(text)),
                "wsgi.input": io.BytesIO(text),
            }
        )
        environ.pop("HTTP_SMITHY_PROTOCOL", None)
        captured: dict[str, Any] = {}

        def capture(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        answer = b"".join(original(self, environ, capture))
        status = captured["status"]
        code = int(status.split()[0])
        output = get_service_model("cloudwatch").operation_model(operation).output_shape
        out = bytearray()
        if 200 <= code < 300:
            if output is not None:
                value = JSONParser().parse(
                    {"body": answer or b"{}", "headers": {}, "status_code": code}, output
                )
                value.pop("ResponseMetadata", None)
                encoder._serialize_data_item(out, value, output)
        else:
            parsed = json.loads(answer) if answer.strip().startswith(b"{") else {}
            error = {
                "__type": parsed.get("__type", "InternalFailure"),
                "message": parsed.get("message", parsed.get("Message", "")),
            }
            encoder._serialize_type_map(out, error, _StringMapShape(), None)
        headers = [
            (k, v)
            for k, v in captured["headers"]
            if k.lower() not in ("content-type", "content-length")
        ]
        headers += [
            ("Content-Type", "application/cbor"),
            ("smithy-protocol", "rpc-v2-cbor"),
            ("Content-Length", str(len(out))),
        ]
        start_response(status, headers)
        return [bytes(out)]

    DomainDispatcherApplication.__call__ = call


def apply_patches(args: argparse.Namespace) -> None:
    _REGIONS[:] = [r.strip() for r in args.regions.split(",") if r.strip()]
    patch_s3_versioning()
    patch_s3_object_lock_retention()
    patch_cloudtrail_models(args.stock_selector_flags)
    patch_cloudtrail_responses()
    patch_cloudtrail_org_trails()
    patch_account_list_regions()
    patch_iam_policy_detail_names()
    patch_json_auth_errors()
    patch_organizations_list_accounts()
    patch_sns_pending_confirmation()
    patch_config_delivery_channel_status()
    patch_cloudwatch_cbor()
    if args.lock_file:
        patch_cross_account_lock(os.path.abspath(args.lock_file))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # Without this moto's IAM has no AWS managed policies, so attaching
    # arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess would fail.  moto reads
    # it when the IAM backend is created, so it must be set before import.
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    # MOTO_ACCOUNT_ID would pin every request to one account and silently
    # defeat the x-moto-account-id header and assumed-role credentials.
    os.environ.pop("MOTO_ACCOUNT_ID", None)
    import moto

    if moto.__version__ != MOTO_VERSION:
        print(
            f"moto_server.py: the patches are written for moto {MOTO_VERSION}, found "
            f"{moto.__version__} ({moto.__file__}); run ./scripts/test, which installs "
            "tests/requirements.txt into target/test-venv",
            file=sys.stderr,
        )
        return 2
    try:
        apply_patches(args)
    except Exception as exc:  # a moto upgrade moved something we patch
        print(f"moto_server.py: failed to patch moto: {exc!r}", file=sys.stderr)
        return 2

    from moto.server import main as moto_main

    # Loopback only: the tests must never expose the emulator.
    moto_main(["-H", "127.0.0.1", "-p", str(args.port)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
