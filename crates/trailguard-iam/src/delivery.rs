//! What CloudTrail itself asks of a trail's destinations when it delivers the trail's logs, and
//! how each request is decided under the destination's own policy.
//!
//! CloudTrail delivers as the service principal `cloudtrail.amazonaws.com`:
//! - to the log bucket, `s3:GetBucketAcl` on the bucket, then `s3:PutObject` of each log file
//!   under `PREFIX/AWSLogs/ACCOUNT/` (and, for an organisation trail, under
//!   `PREFIX/AWSLogs/ORG_ID/ACCOUNT/`), with the ACL `bucket-owner-full-control`;
//! - to the trail's KMS key, `kms:GenerateDataKey` with the trail in the encryption context
//!   (`aws:cloudtrail:arn`), and `kms:DescribeKey`.
//!
//! Only the destination's own policy grants to a service principal; its explicit denies bind it
//! ([`crate::decide`]), and so do the resource control policies on the destination's account:
//! AWS applies RCPs to requests of AWS service principals too, which is why AWS's data
//! perimeter RCPs exempt them (`BoolIfExists aws:PrincipalIsAWSService false`). An RCP that
//! forgets to stops CloudTrail's delivery. The request carries what CloudTrail's requests carry:
//! the trail as `aws:SourceArn`, its account as `aws:SourceAccount`, the account's organisation
//! as `aws:SourceOrgID` and its place there as `aws:SourceOrgPaths`, TLS; keys a service
//! principal's request never has (a VPC endpoint, a principal ARN, account or organisation) are
//! known to be absent, so a `Deny` keyed on them is judged; anything else (`aws:SourceIp`, ...)
//! is unknown and a statement depending on it makes the verdict conditional.
//!
//! The snapshot is read in place ([`Json`]), as the builtins `trailguard.delivery.to_bucket` and
//! `trailguard.delivery.to_key` are given it, with its IAM index ([`SnapshotIndex`]) for the
//! organisations' control policies.

use crate::evaluate::{decide, Decision, Known, Policies, Principal, PrincipalKind, Request};
use crate::evaluate::{ResourcePolicy, Source};
use crate::policy::Policy;
use crate::question::UNREAD_RESOURCE;
use crate::snapshot::{
    entries, field_error, parse_policy, path_from_root, root_of, text, IndexError,
};
use crate::{Context, OrgLevels, SnapshotIndex, Verdict};
use trailguard_json::{Json, Kind};

/// The principal that delivers.
pub const SERVICE: &str = "cloudtrail.amazonaws.com";

/// What a bucket policy is called in a decision's statements.
pub const BUCKET_POLICY: &str = "the bucket policy";

/// What a key policy is called in a decision's statements.
pub const KEY_POLICY: &str = "the key policy";

/// One request CloudTrail makes to deliver, and its decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The action (`s3:PutObject`).
    pub action: &'static str,
    /// The resource's ARN (for `s3:PutObject`, one log file's).
    pub resource: String,
    /// For `s3:PutObject`, the key prefix the log files go under (`ct/AWSLogs/111111111111/`).
    pub path: Option<String>,
    /// How it is decided.
    pub decision: Decision,
    /// Whether the destination's policy would let it in but a level of the resource control
    /// policies on the destination's account allows none of it: the implicit deny is the
    /// RCPs', not the destination policy's.
    pub refused_by_rcps: bool,
}

/// What is known of the organisation of a trail's account: the values of `aws:SourceOrgID` and
/// `aws:SourceOrgPaths` in CloudTrail's requests for the trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceOrg<'a> {
    /// Not read: both keys are unknown.
    Unknown,
    /// The account is in no organisation: requests carry neither key.
    None,
    /// The account is in organisation `id`. `path` is the account's place in it, as
    /// `aws:SourceOrgPaths` gives it (`o-abc/r-1/ou-1/`: the organisation, its root and each OU
    /// down to the account's parent), or `None` when the organisation's tree was not read.
    Id {
        /// The organisation's id.
        id: &'a str,
        /// The account's path.
        path: Option<String>,
    },
}

/// The condition keys of CloudTrail's requests for trail `trail_arn` of `account` (in
/// organisation `org`): each with its value, or `None` for a key such a request never carries
/// (see the module's overview). Any other key is unknown. `trailguard.delivery.context` gives
/// this to Rego ([`trail_context`]; TG012 and TG053 ask `trailguard.iam.decide_in` with it), so
/// there is one description of CloudTrail's requests.
pub fn request_context(
    trail_arn: &str,
    account: &str,
    org: SourceOrg<'_>,
) -> Vec<(&'static str, Option<String>)> {
    let known = |value: &str| Some(value.to_string());
    let org = match org {
        SourceOrg::Unknown => Vec::new(),
        SourceOrg::None => vec![("aws:SourceOrgID", None), ("aws:SourceOrgPaths", None)],
        SourceOrg::Id { id, path: None } => vec![("aws:SourceOrgID", known(id))],
        SourceOrg::Id {
            id,
            path: Some(path),
        } => vec![
            ("aws:SourceOrgID", known(id)),
            ("aws:SourceOrgPaths", Some(path)),
        ],
    };
    let mut keys = vec![
        ("aws:SourceArn", known(trail_arn)),
        ("aws:SourceAccount", known(account)),
        ("aws:PrincipalIsAWSService", known("true")),
        ("aws:PrincipalServiceName", known(SERVICE)),
        ("aws:SecureTransport", known("true")),
        ("aws:SourceVpce", None),
        ("aws:SourceVpc", None),
        ("aws:PrincipalArn", None),
        ("aws:PrincipalAccount", None),
        ("aws:PrincipalOrgID", None),
        ("aws:PrincipalOrgPaths", None),
    ];
    keys.extend(org);
    keys
}

/// The condition keys of CloudTrail's requests for trail `trail_arn` of `input` (the snapshot),
/// as [`request_context`] gives them, with the trail's account and its organisation read from
/// the snapshot: what `trailguard.delivery.context` answers, and what [`to_bucket`] and
/// [`to_key`] ask with.
///
/// ```
/// use serde_json::json;
/// let input = json!({
///     "accounts": {"111111111111": {"Organization": {"Id": "o-abc", "MasterAccountId": "111111111111"}}},
///     "trails": {"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {
///         "AccountId": "111111111111", "HomeRegion": "us-east-1"}},
/// });
/// let keys = trailguard_iam::delivery::trail_context(
///     &input, "arn:aws:cloudtrail:us-east-1:111111111111:trail/main").unwrap();
/// assert!(keys.contains(&("aws:SourceOrgID", Some("o-abc".to_string()))));
/// assert!(keys.contains(&("aws:SourceAccount", Some("111111111111".to_string()))));
/// ```
pub fn trail_context<J: Json>(
    input: &J,
    trail_arn: &str,
) -> Result<Vec<(&'static str, Option<String>)>, IndexError> {
    let trail = Trail::read(input, trail_arn)?;
    Ok(request_context(trail.arn, trail.account, trail.source_org))
}

/// `aws:SourceOrgPaths` for `account` of organisation `id`: the organisation, its root and each
/// OU down to the account's parent (`o-abc/r-1/ou-1/`), as `organizations[id]` holds them; `None`
/// when the organisation, its root or the account's place under it was not read.
fn org_path<J: Json>(input: &J, id: &str, account: &str) -> Result<Option<String>, IndexError> {
    let at = format!("organizations.{id}");
    let organization = match entries(input, "organizations")?
        .into_iter()
        .find(|(key, _)| *key == id)
    {
        None => return Ok(None),
        Some((_, organization)) => organization,
    };
    let Some((_, root_id)) = root_of(&at, organization)? else {
        return Ok(None);
    };
    Ok(
        path_from_root(&at, organization, root_id, account)?.map(|path| {
            let above = path.len().saturating_sub(1);
            path[..above]
                .iter()
                .fold(format!("{id}/"), |out, level| format!("{out}{level}/"))
        }),
    )
}

/// The trail as delivery reads it.
struct Trail<'a> {
    arn: &'a str,
    account: &'a str,
    region: &'a str,
    /// `PREFIX/`, or empty.
    prefix: String,
    /// The organisation's id, for an organisation trail whose organisation is known.
    organization: Option<&'a str>,
    /// The organisation of the trail's account, as far as it was read.
    source_org: SourceOrg<'a>,
}

impl<'a> Trail<'a> {
    fn read<J: Json>(input: &'a J, arn: &'a str) -> Result<Trail<'a>, IndexError> {
        let at = format!("trails.{arn}");
        let trail = section_entry(input, "trails", arn)?;
        let account = text(&at, trail, "AccountId")?;
        let region = text(&at, trail, "HomeRegion")?;
        let prefix = match trail.get_field("S3KeyPrefix").and_then(Json::as_text) {
            Some(p) if !p.is_empty() => format!("{p}/"),
            _ => String::new(),
        };
        // The account's `Organization`: left out (not read), null (none), or read. The IAM
        // index has checked its form ([`SnapshotIndex::new`]).
        let source_org = match input
            .get_field("accounts")
            .and_then(|a| a.get_field(account))
            .and_then(|a| a.get_field("Organization"))
        {
            None => SourceOrg::Unknown,
            Some(o) if o.kind() == Kind::Null => SourceOrg::None,
            Some(o) => match o.get_field("Id").and_then(Json::as_text) {
                None => SourceOrg::Unknown,
                Some(id) => SourceOrg::Id {
                    id,
                    path: org_path(input, id, account)?,
                },
            },
        };
        let organization = match (
            trail.get_field("IsOrganizationTrail").map(Json::kind),
            &source_org,
        ) {
            (Some(Kind::Bool(true)), SourceOrg::Id { id, .. }) => Some(*id),
            _ => None,
        };
        Ok(Trail {
            arn,
            account,
            region,
            prefix,
            organization,
            source_org,
        })
    }

    /// What CloudTrail's requests for this trail carry.
    fn context(&self) -> Context {
        request_context(self.arn, self.account, self.source_org.clone())
            .into_iter()
            .fold(Context::new(), |context, (key, value)| match value {
                Some(value) => context.with(key, value),
                None => context.without(key),
            })
    }

    /// The key prefixes the trail's log files go under.
    fn log_paths(&self) -> Vec<String> {
        let mut paths = vec![format!("{}AWSLogs/{}/", self.prefix, self.account)];
        if let Some(org) = self.organization {
            paths.push(format!("{}AWSLogs/{org}/{}/", self.prefix, self.account));
        }
        paths.sort();
        paths.dedup();
        paths
    }

    /// The rest of a log file's key under a path, as CloudTrail names it.
    fn log_file(&self) -> String {
        let (region, account) = (self.region, self.account);
        format!(
            "CloudTrail/{region}/2026/01/01/{account}_CloudTrail_{region}_20260101T0000Z_trailguard.json.gz"
        )
    }

    /// Each path the trail writes to in `bucket`, with the ARN of a log file under it.
    fn log_files(&self, bucket: &str) -> Vec<(String, String)> {
        let file = self.log_file();
        self.log_paths()
            .into_iter()
            .map(|path| {
                let arn = format!("arn:aws:s3:::{bucket}/{path}{file}");
                (path, arn)
            })
            .collect()
    }
}

/// `section.key` of the snapshot, which must be an object.
fn section_entry<'a, J: Json>(input: &'a J, section: &str, key: &str) -> Result<&'a J, IndexError> {
    let at = format!("{section}.{key}");
    match input.get_field(section).and_then(|s| s.get_field(key)) {
        Some(entry) if entry.kind() == Kind::Object => Ok(entry),
        Some(_) => Err(field_error(&at, "must be an object")),
        None => Err(field_error(&at, "is not in the snapshot")),
    }
}

/// A destination's `Policy`: left out (not read), `null` (it has none), or a document.
fn read_policy<J: Json>(entry: &J, at: &str) -> Result<Known<'static, Policy>, IndexError> {
    match entry.get_field("Policy") {
        None => Ok(Known::Unknown(UNREAD_RESOURCE)),
        Some(document) if document.kind() == Kind::Null => Ok(Known::None),
        Some(document) => Ok(Known::Is(parse_policy(&format!("{at}.Policy"), document)?)),
    }
}

/// The destination's policy as [`decide`] takes it.
fn resource_policy<'a>(policy: &'a Known<'static, Policy>, key: bool) -> ResourcePolicy<'a> {
    let name = if key { KEY_POLICY } else { BUCKET_POLICY };
    let known = match policy {
        // No policy at all: the request has nothing to be allowed by.
        Known::None => return ResourcePolicy::None,
        Known::Unknown(what) => Known::Unknown(what),
        Known::Is(policy) => Known::Is(Source { name, policy }),
    };
    if key {
        ResourcePolicy::Key(known)
    } else {
        ResourcePolicy::Resource(known)
    }
}

/// One destination's side of the requests: its owner, its policy and the RCPs on its account.
#[derive(Clone, Copy)]
struct Destination<'a> {
    owner: &'a str,
    policy: ResourcePolicy<'a>,
    rcps: OrgLevels<'a>,
}

/// Decides one request of CloudTrail's on `to`.
fn ask(
    action: &'static str,
    resource: String,
    to: Destination<'_>,
    context: &Context,
    path: Option<String>,
) -> Delivery {
    let principal = Principal {
        arn: SERVICE.to_string(),
        account: to.owner.to_string(),
        kind: PrincipalKind::Service,
    };
    let request = Request {
        principal: &principal,
        action,
        resource: &resource,
        resource_account: to.owner,
        context,
    };
    let policies = |rcps| Policies {
        identity: &[],
        unread_identity: &[],
        boundary: Known::None,
        scps: Known::None,
        rcps,
        resource: to.policy,
    };
    let decision = decide(&request, &policies(to.rcps));
    // Refused with nothing denying it: by the destination's policy, or by an RCP level that
    // allows none of it (AWS's default RCPFullAWSAccess at every level allows everything).
    let refused_by_rcps = decision.verdict == Verdict::ImplicitDeny
        && matches!(to.rcps, Known::Is(_))
        && decide(&request, &policies(Known::None)).verdict != Verdict::ImplicitDeny;
    Delivery {
        action,
        resource,
        path,
        decision,
        refused_by_rcps,
    }
}

/// CloudTrail's requests to deliver trail `trail_arn`'s log files to bucket `bucket` (both in
/// `input`, the snapshot, whose IAM `index` says which RCPs bind the bucket's account), each
/// decided under the bucket policy and those RCPs. The bucket's owner is its `OwnerAccount`, or
/// the trail's account when that was not read. A bucket policy left out of the snapshot (not
/// read) makes each verdict conditional on it; RCPs not read leave an allowed request allowed
/// "unless a resource control policy" denies it.
///
/// ```
/// use serde_json::json;
/// use trailguard_iam::SnapshotIndex;
/// let input = json!({
///     "trails": {"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {
///         "AccountId": "111111111111", "HomeRegion": "us-east-1", "S3KeyPrefix": "ct"}},
///     "buckets": {"logs": {"OwnerAccount": "111111111111", "Policy": null}},
/// });
/// let index = SnapshotIndex::new(&input).unwrap();
/// let asked = trailguard_iam::delivery::to_bucket(
///     &input, &index, "arn:aws:cloudtrail:us-east-1:111111111111:trail/main", "logs").unwrap();
/// assert_eq!(asked[0].action, "s3:GetBucketAcl");
/// assert_eq!(asked[1].path.as_deref(), Some("ct/AWSLogs/111111111111/"));
/// // No bucket policy: nothing lets CloudTrail in.
/// assert_eq!(asked[1].decision.verdict, trailguard_iam::Verdict::ImplicitDeny);
/// ```
pub fn to_bucket<J: Json>(
    input: &J,
    index: &SnapshotIndex,
    trail_arn: &str,
    bucket: &str,
) -> Result<Vec<Delivery>, IndexError> {
    let trail = Trail::read(input, trail_arn)?;
    let entry = section_entry(input, "buckets", bucket)?;
    let owner = entry
        .get_field("OwnerAccount")
        .and_then(Json::as_text)
        .unwrap_or(trail.account);
    let policy = read_policy(entry, &format!("buckets.{bucket}"))?;
    let context = trail.context();
    let bucket_arn = format!("arn:aws:s3:::{bucket}");
    let put = context
        .clone()
        .with("s3:x-amz-acl", "bucket-owner-full-control");
    Ok(index.with_rcps(owner, |rcps| {
        let to = Destination {
            owner,
            policy: resource_policy(&policy, false),
            rcps,
        };
        let mut asked = vec![ask("s3:GetBucketAcl", bucket_arn, to, &context, None)];
        for (path, resource) in trail.log_files(bucket) {
            asked.push(ask("s3:PutObject", resource, to, &put, Some(path)));
        }
        asked
    }))
}

/// The ARN of a log file trail `trail_arn` (in `input`) delivers to bucket `bucket`, under each
/// path it writes to (`PREFIX/AWSLogs/ACCOUNT/`, and `PREFIX/AWSLogs/ORG_ID/ACCOUNT/` for an
/// organisation trail), named as CloudTrail names its files: the objects TG065 asks who may
/// delete, with the paths [`to_bucket`] asks CloudTrail may write.
///
/// ```
/// use serde_json::json;
/// let input = json!({"trails": {"arn:aws:cloudtrail:us-east-1:111111111111:trail/main": {
///     "AccountId": "111111111111", "HomeRegion": "us-east-1", "S3KeyPrefix": "ct"}}});
/// let files = trailguard_iam::delivery::log_objects(
///     &input, "arn:aws:cloudtrail:us-east-1:111111111111:trail/main", "logs").unwrap();
/// assert_eq!(files, ["arn:aws:s3:::logs/ct/AWSLogs/111111111111/CloudTrail/us-east-1/2026/01/01/\
///     111111111111_CloudTrail_us-east-1_20260101T0000Z_trailguard.json.gz"]);
/// ```
pub fn log_objects<J: Json>(
    input: &J,
    trail_arn: &str,
    bucket: &str,
) -> Result<Vec<String>, IndexError> {
    let trail = Trail::read(input, trail_arn)?;
    Ok(trail
        .log_files(bucket)
        .into_iter()
        .map(|(_, arn)| arn)
        .collect())
}

/// CloudTrail's requests to encrypt trail `trail_arn`'s log files with KMS key `key_arn` (both
/// in `input`, whose IAM `index` says which RCPs bind the key's account), each decided under the
/// key policy and those RCPs; the key's owner is the account in its ARN. A key policy left out of
/// the snapshot makes each verdict conditional on it.
pub fn to_key<J: Json>(
    input: &J,
    index: &SnapshotIndex,
    trail_arn: &str,
    key_arn: &str,
) -> Result<Vec<Delivery>, IndexError> {
    let trail = Trail::read(input, trail_arn)?;
    let entry = section_entry(input, "kms_keys", key_arn)?;
    let owner = match key_arn.split(':').collect::<Vec<_>>()[..] {
        ["arn", _, "kms", _, account, _] if !account.is_empty() => account,
        _ => {
            return Err(field_error(
                &format!("kms_keys.{key_arn}"),
                "is not a KMS key ARN (arn:PARTITION:kms:REGION:ACCOUNT:key/ID)",
            ))
        }
    };
    let policy = read_policy(entry, &format!("kms_keys.{key_arn}"))?;
    let context = trail.context();
    let generate = context
        .clone()
        .with("kms:EncryptionContext:aws:cloudtrail:arn", trail.arn);
    let key = || key_arn.to_string();
    Ok(index.with_rcps(owner, |rcps| {
        let to = Destination {
            owner,
            policy: resource_policy(&policy, true),
            rcps,
        };
        vec![
            ask("kms:GenerateDataKey", key(), to, &generate, None),
            ask("kms:DescribeKey", key(), to, &context, None),
        ]
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: fail loudly.
mod tests {
    use super::*;
    use crate::Verdict;
    use serde_json::{json, Value};

    const TRAIL: &str = "arn:aws:cloudtrail:us-east-1:111111111111:trail/main";
    const KEY: &str = "arn:aws:kms:us-east-1:222222222222:key/k";

    fn snapshot(trail: Value, policy: Option<Value>) -> Value {
        let mut bucket = json!({"OwnerAccount": "333333333333"});
        let mut key = json!({});
        if let Some(policy) = policy {
            bucket["Policy"] = policy.clone();
            key["Policy"] = policy;
        }
        json!({
            "accounts": {"111111111111": {"Organization": {"Id": "o-abc", "MasterAccountId": "999999999999"}}},
            "trails": {TRAIL: trail},
            "buckets": {"logs": bucket},
            "kms_keys": {KEY: key},
        })
    }

    /// The IAM index of `input`'s accounts and organisations: what delivery asks it (the
    /// RCPs), without the destinations' policies, whose errors the tests below are about.
    fn index(input: &Value) -> SnapshotIndex {
        SnapshotIndex::new(&json!({
            "accounts": input["accounts"],
            "organizations": input.get("organizations"),
        }))
        .unwrap()
    }

    fn bucket(input: &Value, trail: &str, name: &str) -> Result<Vec<Delivery>, IndexError> {
        to_bucket(input, &index(input), trail, name)
    }

    fn key(input: &Value, trail: &str, arn: &str) -> Result<Vec<Delivery>, IndexError> {
        to_key(input, &index(input), trail, arn)
    }

    fn trail() -> Value {
        json!({"AccountId": "111111111111", "HomeRegion": "us-east-1"})
    }

    fn allow(action: &str, resource: &str, condition: Value) -> Value {
        json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": SERVICE},
            "Action": action, "Resource": resource, "Condition": condition}]})
    }

    #[test]
    fn a_bucket_is_asked_for_its_acl_then_a_log_file_under_each_path() {
        let mut org = trail();
        org["S3KeyPrefix"] = json!("ct");
        org["IsOrganizationTrail"] = json!(true);
        let asked = bucket(&snapshot(org, Some(Value::Null)), TRAIL, "logs").unwrap();
        let shown: Vec<(&str, Option<&str>)> = asked
            .iter()
            .map(|d| (d.action, d.path.as_deref()))
            .collect();
        assert_eq!(
            shown,
            [
                ("s3:GetBucketAcl", None),
                ("s3:PutObject", Some("ct/AWSLogs/111111111111/")),
                ("s3:PutObject", Some("ct/AWSLogs/o-abc/111111111111/")),
            ]
        );
        assert_eq!(asked[0].resource, "arn:aws:s3:::logs");
        assert_eq!(
            asked[1].resource,
            "arn:aws:s3:::logs/ct/AWSLogs/111111111111/CloudTrail/us-east-1/2026/01/01/\
             111111111111_CloudTrail_us-east-1_20260101T0000Z_trailguard.json.gz"
        );
        // No bucket policy: nothing allows a service principal.
        assert!(asked
            .iter()
            .all(|d| d.decision.verdict == Verdict::ImplicitDeny));
        // Not an organisation trail, or its organisation unknown: the account's path only.
        let plain = bucket(&snapshot(trail(), Some(Value::Null)), TRAIL, "logs").unwrap();
        assert_eq!(plain.len(), 2);
        assert_eq!(plain[1].path.as_deref(), Some("AWSLogs/111111111111/"));
    }

    #[test]
    fn the_log_objects_are_the_files_put_under_each_path() {
        let mut org = trail();
        org["S3KeyPrefix"] = json!("ct");
        org["IsOrganizationTrail"] = json!(true);
        let input = snapshot(org, None);
        let put: Vec<String> = bucket(&input, TRAIL, "logs")
            .unwrap()
            .into_iter()
            .filter(|d| d.action == "s3:PutObject")
            .map(|d| d.resource)
            .collect();
        let objects = log_objects(&input, TRAIL, "logs").unwrap();
        assert_eq!(objects, put);
        assert_eq!(objects.len(), 2);
        assert!(objects[1].starts_with("arn:aws:s3:::logs/ct/AWSLogs/o-abc/111111111111/"));
        let error = log_objects(&input, "arn:aws:cloudtrail:us-east-1:1:trail/x", "logs");
        assert_eq!(
            error.unwrap_err().to_string(),
            "trails.arn:aws:cloudtrail:us-east-1:1:trail/x: is not in the snapshot"
        );
    }

    #[test]
    fn a_bucket_policy_is_asked_with_what_cloudtrail_sends() {
        let needs_acl = allow(
            "s3:PutObject",
            "arn:aws:s3:::logs/AWSLogs/111111111111/*",
            json!({"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                "aws:SourceArn": TRAIL, "aws:SourceAccount": "111111111111"}}),
        );
        let asked = bucket(&snapshot(trail(), Some(needs_acl)), TRAIL, "logs").unwrap();
        assert_eq!(asked[1].decision.verdict, Verdict::Allow);
        // The ACL check has no statement.
        assert_eq!(asked[0].decision.verdict, Verdict::ImplicitDeny);
        // Another trail's source is not this one.
        let other = allow(
            "s3:*",
            "arn:aws:s3:::logs*",
            json!({"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/other"}}),
        );
        let asked = bucket(&snapshot(trail(), Some(other)), TRAIL, "logs").unwrap();
        assert!(asked
            .iter()
            .all(|d| d.decision.verdict == Verdict::ImplicitDeny));
    }

    #[test]
    fn keys_a_service_request_never_carries_are_judged_and_others_stay_conditional() {
        let mut policy = allow("s3:*", "arn:aws:s3:::logs*", json!({}));
        let deny = |condition: Value| {
            json!({"Sid": "Fence", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": "arn:aws:s3:::logs*", "Condition": condition})
        };
        let statements = policy["Statement"].as_array_mut().unwrap();
        statements.push(deny(
            json!({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}),
        ));
        let asked = bucket(&snapshot(trail(), Some(policy.clone())), TRAIL, "logs").unwrap();
        assert!(asked.iter().all(|d| d.decision.verdict == Verdict::Deny));
        let statements = policy["Statement"].as_array_mut().unwrap();
        statements[1] = deny(json!({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}));
        let asked = bucket(&snapshot(trail(), Some(policy)), TRAIL, "logs").unwrap();
        assert!(asked
            .iter()
            .all(|d| d.decision.verdict == Verdict::Conditional));
        assert!(asked[0]
            .decision
            .conditions
            .iter()
            .any(|c| c.contains("aws:SourceIp")));
    }

    #[test]
    fn an_unread_policy_makes_every_answer_conditional_on_it() {
        for asked in [
            bucket(&snapshot(trail(), None), TRAIL, "logs").unwrap(),
            key(&snapshot(trail(), None), TRAIL, KEY).unwrap(),
        ] {
            for d in asked {
                assert_eq!(d.decision.verdict, Verdict::Conditional, "{}", d.action);
                assert!(d.decision.conditions.contains(UNREAD_RESOURCE));
            }
        }
    }

    #[test]
    fn a_key_is_asked_for_a_data_key_for_this_trail_and_its_description() {
        let policy = allow(
            "kms:GenerateDataKey*",
            "*",
            json!({"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*"}}),
        );
        let asked = key(&snapshot(trail(), Some(policy)), TRAIL, KEY).unwrap();
        let shown: Vec<(&str, Verdict)> = asked
            .iter()
            .map(|d| (d.action, d.decision.verdict))
            .collect();
        assert_eq!(
            shown,
            [
                ("kms:GenerateDataKey", Verdict::Allow),
                ("kms:DescribeKey", Verdict::ImplicitDeny),
            ]
        );
        assert!(asked.iter().all(|d| d.resource == KEY));
        assert_eq!(asked[0].decision.grants[0].policy, KEY_POLICY);
    }

    #[test]
    fn what_is_missing_is_an_error_naming_it() {
        let error = |result: Result<Vec<Delivery>, IndexError>| result.unwrap_err().to_string();
        let input = snapshot(json!({"AccountId": "111111111111"}), Some(Value::Null));
        assert_eq!(
            error(bucket(&input, TRAIL, "logs")),
            format!("trails.{TRAIL}.HomeRegion: is required, a string")
        );
        let input = snapshot(trail(), Some(Value::Null));
        assert_eq!(
            error(bucket(
                &input,
                "arn:aws:cloudtrail:us-east-1:1:trail/x",
                "logs"
            )),
            "trails.arn:aws:cloudtrail:us-east-1:1:trail/x: is not in the snapshot"
        );
        assert_eq!(
            error(bucket(&input, TRAIL, "other")),
            "buckets.other: is not in the snapshot"
        );
        let mut alias = input.clone();
        alias["kms_keys"]["alias/logs"] = json!({"Policy": null});
        assert!(error(key(&alias, TRAIL, "alias/logs")).contains("is not a KMS key ARN"));
        let broken = snapshot(trail(), Some(json!({"Statement": [{"Effect": "Maybe"}]})));
        assert!(error(bucket(&broken, TRAIL, "logs")).starts_with("buckets.logs.Policy: "));
    }

    /// `input` with the bucket's and the key's accounts (333333333333, 222222222222) members of
    /// organisation o-abc, whose root has these RCPs attached (`management`: the bucket's
    /// account is the management account instead).
    fn with_rcps(mut input: Value, rcps: Value, management: bool) -> Value {
        let member = json!({"Organization": {"Id": "o-abc", "MasterAccountId": "999999999999"}});
        input["accounts"]["222222222222"] = member.clone();
        input["accounts"]["333333333333"] = member;
        if management {
            input["accounts"]["333333333333"]["Organization"]["MasterAccountId"] =
                json!("333333333333");
        }
        input["organizations"] = json!({"o-abc": {
            "Root": {"Id": "r-1", "PolicyTypes": ["RESOURCE_CONTROL_POLICY"]},
            "Parents": {"333333333333": "r-1", "222222222222": "r-1"},
            "ResourceControlPolicies": rcps,
        }});
        input
    }

    /// AWS's default RCP (which AWS attaches to every root, OU and account: each level must
    /// allow), and an RCP of one `Deny` statement for S3 and KMS with `condition`.
    fn rcps(condition: Value) -> Value {
        json!({
            "p-full": {"Name": "RCPFullAWSAccess", "Targets": ["r-1", "222222222222", "333333333333"],
             "Content": {"Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}},
            "p-perimeter": {"Name": "perimeter", "Targets": ["r-1"], "Content": {"Statement": [
                {"Sid": "Perimeter", "Effect": "Deny", "Principal": "*", "Action": ["s3:*", "kms:*"],
                 "Resource": "*", "Condition": condition}]}},
        })
    }

    fn verdicts(asked: &[Delivery]) -> Vec<Verdict> {
        asked.iter().map(|d| d.decision.verdict).collect()
    }

    /// A bucket and key policy that let CloudTrail in for this trail.
    fn open_to_cloudtrail() -> Value {
        json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": SERVICE},
            "Action": ["s3:GetBucketAcl", "s3:PutObject", "kms:GenerateDataKey", "kms:DescribeKey"],
            "Resource": "*"}]})
    }

    #[test]
    fn an_rcp_perimeter_without_the_service_exemption_refuses_delivery() {
        // AWS's data perimeter example: only the organisation's principals. CloudTrail is none.
        let identities = json!({"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}});
        let input = with_rcps(
            snapshot(trail(), Some(open_to_cloudtrail())),
            rcps(identities),
            false,
        );
        let asked = bucket(&input, TRAIL, "logs").unwrap();
        assert_eq!(verdicts(&asked), [Verdict::Deny, Verdict::Deny]);
        assert_eq!(asked[1].decision.denied_by[0].policy, "RCP perimeter");
        assert_eq!(
            asked[1].decision.denied_by[0].sid.as_deref(),
            Some("Perimeter")
        );
        assert_eq!(
            verdicts(&key(&input, TRAIL, KEY).unwrap()),
            [Verdict::Deny, Verdict::Deny]
        );
        // The example as AWS writes it exempts AWS's service principals: delivery goes through.
        let exempt = json!({"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"},
            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}});
        let input = with_rcps(
            snapshot(trail(), Some(open_to_cloudtrail())),
            rcps(exempt),
            false,
        );
        assert_eq!(
            verdicts(&bucket(&input, TRAIL, "logs").unwrap()),
            [Verdict::Allow; 2]
        );
        assert_eq!(
            verdicts(&key(&input, TRAIL, KEY).unwrap()),
            [Verdict::Allow; 2]
        );
    }

    #[test]
    fn the_confused_deputy_rcp_lets_in_the_organisations_own_trails_only() {
        // AWS's confused deputy example: a service acting for a source outside the organisation
        // is refused. The trail's account is in o-abc (aws:SourceOrgID).
        let deputy = json!({"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-abc"},
            "Null": {"aws:SourceAccount": "false"}, "Bool": {"aws:PrincipalIsAWSService": "true"}});
        let input = with_rcps(
            snapshot(trail(), Some(open_to_cloudtrail())),
            rcps(deputy.clone()),
            false,
        );
        assert_eq!(
            verdicts(&bucket(&input, TRAIL, "logs").unwrap()),
            [Verdict::Allow; 2]
        );
        // A trail of an account in another organisation, or in none, is refused.
        let mut other = input.clone();
        other["accounts"]["111111111111"]["Organization"]["Id"] = json!("o-other");
        assert_eq!(
            verdicts(&bucket(&other, TRAIL, "logs").unwrap()),
            [Verdict::Deny; 2]
        );
        other["accounts"]["111111111111"]["Organization"] = Value::Null;
        assert_eq!(
            verdicts(&bucket(&other, TRAIL, "logs").unwrap()),
            [Verdict::Deny; 2]
        );
        // Its organisation not read: which organisation it sends is unknown.
        let mut unread = input;
        unread["accounts"]["111111111111"] = json!({});
        let asked = bucket(&unread, TRAIL, "logs").unwrap();
        assert_eq!(verdicts(&asked), [Verdict::Conditional; 2]);
        assert!(asked[0]
            .decision
            .conditions
            .iter()
            .any(|c| c.contains("aws:SourceOrgID")));
    }

    /// `input` with the trail's account two OUs under the root of o-abc (`ou-1`, then `ou-2`).
    fn in_ou(mut input: Value) -> Value {
        input["organizations"] = json!({"o-abc": {
            "Root": {"Id": "r-1", "PolicyTypes": []},
            "Parents": {"111111111111": "ou-2", "ou-2": "ou-1", "ou-1": "r-1"},
        }});
        input
    }

    #[test]
    fn requests_carry_the_trail_accounts_place_in_the_organisation_as_source_org_paths() {
        let paths = |input: &Value| {
            trail_context(input, TRAIL)
                .unwrap()
                .into_iter()
                .find(|(key, _)| *key == "aws:SourceOrgPaths")
        };
        let input = in_ou(snapshot(trail(), None));
        assert_eq!(
            paths(&input),
            Some(("aws:SourceOrgPaths", Some("o-abc/r-1/ou-1/ou-2/".into())))
        );
        // Its place not read (the account, or the root, missing from the tree): unknown.
        let mut unplaced = input.clone();
        unplaced["organizations"]["o-abc"]["Parents"] = json!({"ou-1": "r-1"});
        assert_eq!(paths(&unplaced), None);
        assert_eq!(paths(&snapshot(trail(), None)), None);
        // In no organisation: the requests carry no path.
        let mut none = input.clone();
        none["accounts"]["111111111111"]["Organization"] = Value::Null;
        assert_eq!(paths(&none), Some(("aws:SourceOrgPaths", None)));
        // A malformed organisation is an error, not an unknown.
        let mut malformed = input;
        malformed["organizations"]["o-abc"] = json!([]);
        assert!(trail_context(&malformed, TRAIL).is_err());
    }

    #[test]
    fn a_bucket_policy_scoped_to_an_ou_admits_the_trails_under_it_only() {
        let policy = |pattern: &str| {
            allow(
                "s3:*",
                "arn:aws:s3:::logs*",
                json!({"ForAnyValue:StringLike": {"aws:SourceOrgPaths": pattern}}),
            )
        };
        let input = in_ou(snapshot(trail(), Some(policy("o-abc/r-1/ou-1/*"))));
        assert_eq!(
            verdicts(&bucket(&input, TRAIL, "logs").unwrap()),
            [Verdict::Allow; 2]
        );
        let other = in_ou(snapshot(trail(), Some(policy("o-abc/r-1/ou-9/*"))));
        assert_eq!(
            verdicts(&bucket(&other, TRAIL, "logs").unwrap()),
            [Verdict::ImplicitDeny; 2]
        );
        // The tree not read: the answer depends on the path, and says so.
        let asked = bucket(
            &snapshot(trail(), Some(policy("o-abc/r-1/ou-1/*"))),
            TRAIL,
            "logs",
        )
        .unwrap();
        assert_eq!(verdicts(&asked), [Verdict::Conditional; 2]);
        assert!(asked[0]
            .decision
            .conditions
            .iter()
            .any(|c| c.contains("aws:SourceOrgPaths")));
    }

    #[test]
    fn rcps_do_not_bind_the_management_account_and_unread_ones_are_named() {
        let identities = json!({"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}});
        let input = with_rcps(
            snapshot(trail(), Some(open_to_cloudtrail())),
            rcps(identities),
            true,
        );
        assert_eq!(
            verdicts(&bucket(&input, TRAIL, "logs").unwrap()),
            [Verdict::Allow; 2]
        );
        // The key's account is a member: its RCPs apply.
        assert_eq!(
            verdicts(&key(&input, TRAIL, KEY).unwrap()),
            [Verdict::Deny; 2]
        );
        // The bucket's account not collected: allowed, unless an RCP denies it.
        let asked = bucket(
            &snapshot(trail(), Some(open_to_cloudtrail())),
            TRAIL,
            "logs",
        )
        .unwrap();
        assert_eq!(verdicts(&asked), [Verdict::Allow; 2]);
        assert!(asked
            .iter()
            .all(|d| d.decision.unless.contains(crate::UNREAD_RCPS)));
    }

    #[test]
    fn an_rcp_level_that_allows_nothing_is_named_as_the_refusal() {
        // The default RCPFullAWSAccess detached from the root: nothing is allowed there.
        let only_deny = json!({"p-other": {"Name": "other", "Targets": ["r-1"], "Content": {
            "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "*"}]}}});
        let input = with_rcps(
            snapshot(trail(), Some(open_to_cloudtrail())),
            only_deny.clone(),
            false,
        );
        let asked = bucket(&input, TRAIL, "logs").unwrap();
        assert_eq!(verdicts(&asked), [Verdict::ImplicitDeny; 2]);
        assert!(asked.iter().all(|d| d.refused_by_rcps));
        // No bucket policy: the bucket's refusal, whatever the RCPs.
        let input = with_rcps(snapshot(trail(), Some(Value::Null)), only_deny, false);
        let asked = bucket(&input, TRAIL, "logs").unwrap();
        assert_eq!(verdicts(&asked), [Verdict::ImplicitDeny; 2]);
        assert!(asked.iter().all(|d| !d.refused_by_rcps));
    }
}
