//! AWS's policy evaluation logic for one request, with every policy type trailguard collects:
//! identity policies, a permissions boundary, service and resource control policies, and the
//! resource's own policy (a bucket policy, or a KMS key policy with its delegation rule).
//!
//! The order and the rules are AWS's ("Policy evaluation logic" and "Cross-account policy
//! evaluation logic" in the IAM User Guide):
//! 1. An explicit `Deny` in any applicable policy decides.
//! 2. SCPs (on the principal's account) and RCPs (on the resource's account) must allow, at
//!    every level of the organisation (root, each OU, the account).
//! 3. Within one account, a resource policy that names the user itself (or everyone) allows
//!    on its own; one that names a role allows within the role's permissions boundary; one that
//!    names the account delegates to the identity policies. Across accounts, both the resource
//!    policy and the principal's identity policies must allow.
//! 4. Identity policies must allow, within the permissions boundary.
//! 5. A KMS key policy is the key's primary policy: identity policies count only when the key
//!    policy allows the account (its root) the action.
//!
//! Every step is three-valued ([`Truth`]): what depends on an unknown condition key or an
//! uncollected policy makes the verdict [`Verdict::Conditional`] and is named in
//! [`Decision::conditions`].

use crate::condition::Context;
use crate::policy::{Effect, Patterns, Policy, PrincipalSet, Principals, Statement};
use crate::truth::Truth;
use crate::wildcard::{action_matches, arn_matches};
use std::collections::BTreeSet;

/// Who makes the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Its ARN (`arn:aws:iam::111111111111:role/admin`).
    pub arn: String,
    /// Its account.
    pub account: String,
    /// What kind of principal it is.
    pub kind: PrincipalKind,
}

/// The kinds of principal whose treatment differs in AWS's logic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// An IAM user: a resource policy naming it allows even without identity policy or
    /// boundary (same account).
    User,
    /// An IAM role (acting through its sessions): a resource policy naming it allows within its
    /// permissions boundary (same account).
    Role,
    /// The account's root user: needs no identity policy, but SCPs and resource policies still
    /// apply.
    Root,
    /// An AWS service principal (`cloudtrail.amazonaws.com`, its [`Principal::arn`]) acting on
    /// a resource for itself, as CloudTrail does when it delivers logs: it has no identity
    /// policies and SCPs do not apply to it, so only the resource's policy grants (naming the
    /// service, or everyone); explicit denies and RCPs bind it. Its [`Principal::account`] is
    /// the resource's account.
    Service,
}

/// A policy with where it comes from (`role admin inline policy ops`), for the statements a
/// decision names.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// What the policy is, in words.
    pub name: &'a str,
    /// The policy.
    pub policy: &'a Policy,
}

/// A policy that may not have been collected.
#[derive(Debug, Clone, Copy)]
pub enum Known<'a, T> {
    /// There is none: nothing to apply.
    None,
    /// There is one, but it could not be read; the string says which (a verdict that depends on
    /// it is conditional on it).
    Unknown(&'a str),
    /// It is this.
    Is(T),
}

/// The policies of an organisation that apply to one account: one list per level, root first,
/// then each OU, then the account. Every level must allow.
pub type OrgLevels<'a> = Known<'a, &'a [Vec<Source<'a>>]>;

/// What the resource's own policy is.
#[derive(Debug, Clone, Copy)]
pub enum ResourcePolicy<'a> {
    /// The resource cannot have a policy (a trail): only identity policies grant, and never
    /// across accounts.
    None,
    /// A bucket policy or similar, which may grant on its own within the account.
    Resource(Known<'a, Source<'a>>),
    /// A KMS key policy: identity policies count only where it delegates to the account.
    Key(Known<'a, Source<'a>>),
}

/// Everything that applies to one request.
#[derive(Debug, Clone, Copy)]
pub struct Policies<'a> {
    /// The principal's identity policies: inline, managed, and through its groups.
    pub identity: &'a [Source<'a>],
    /// Identity policies attached to the principal that were not read, by name: each may allow
    /// or deny, so what they could decide is conditional on them.
    pub unread_identity: &'a [String],
    /// Its permissions boundary.
    pub boundary: Known<'a, Source<'a>>,
    /// SCPs on the principal's account (`Known::None` outside an organisation or for its
    /// management account, to which SCPs do not apply).
    pub scps: OrgLevels<'a>,
    /// RCPs on the resource's account (`Known::None` likewise).
    pub rcps: OrgLevels<'a>,
    /// The resource's own policy.
    pub resource: ResourcePolicy<'a>,
}

/// One request: may `principal` perform `action` on `resource` (owned by `resource_account`)?
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Who.
    pub principal: &'a Principal,
    /// The action (`cloudtrail:StopLogging`).
    pub action: &'a str,
    /// The resource's ARN.
    pub resource: &'a str,
    /// The account that owns the resource.
    pub resource_account: &'a str,
    /// What is known of the request's condition keys.
    pub context: &'a Context,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Allowed, denied, or conditional.
    pub verdict: Verdict,
    /// The statements that allow (for `Allow` and `Conditional`).
    pub grants: Vec<StatementRef>,
    /// The explicit `Deny` statements that apply or may apply (for `Deny`, at least one of them
    /// certainly does; for a conditional verdict, none does for certain).
    pub denied_by: Vec<StatementRef>,
    /// What a conditional verdict depends on: condition keys (`Bool aws:MultiFactorAuthPresent`)
    /// and policies that were not collected.
    pub conditions: BTreeSet<String>,
    /// Service or resource control policies that apply but were not collected ([`UNREAD_SCPS`],
    /// [`UNREAD_RCPS`]), for an `Allow` or `Conditional` verdict. They never grant, so they
    /// cannot make a denied request allowed; they may deny an allowed one: the verdict holds
    /// "unless a service control policy denies it".
    pub unless: BTreeSet<String>,
}

/// What [`Decision::unless`] holds when the service control policies were not collected.
pub const UNREAD_SCPS: &str = "a service control policy";
/// What [`Decision::unless`] holds when the resource control policies were not collected.
pub const UNREAD_RCPS: &str = "a resource control policy";

/// The services whose resources resource control policies apply to (by action prefix), from
/// AWS Organizations' "List of AWS services that support RCPs". An RCP has no effect on any
/// other service's actions.
pub const RCP_SERVICES: &[&str] = &[
    "aoss",
    "cognito-identity",
    "dynamodb",
    "ecr",
    "kms",
    "logs",
    "s3",
    "secretsmanager",
    "sqs",
    "sts",
];

/// Whether resource control policies apply to `action` (`s3:DeleteObject` yes,
/// `cloudtrail:StopLogging` no).
pub fn rcps_apply_to(action: &str) -> bool {
    let service = action
        .split_once(':')
        .map_or(action, |(service, _)| service);
    RCP_SERVICES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(service))
}

/// Actions only a principal of the resource's own account can perform, whatever any policy
/// grants to another account, from the services' API references:
/// - KMS key management: every operation documented "Cross-account use: No. You cannot perform
///   this operation on a KMS key in a different AWS account" (only the cryptographic
///   operations, `DescribeKey`, `GetPublicKey`, the grant operations and
///   `GetKeyRotationStatus` work across accounts);
/// - S3's bucket policy operations: a caller outside the bucket owner's account gets
///   "405 Method Not Allowed" from `GetBucketPolicy`, `PutBucketPolicy` and
///   `DeleteBucketPolicy`, whatever its permissions.
///
/// An action not listed is taken to work across accounts when both sides allow it: an unknown
/// action is answered as possible, never as impossible.
pub const SAME_ACCOUNT_ONLY: &[&str] = &[
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DeleteImportedKeyMaterial",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetParametersForImport",
    "kms:ImportKeyMaterial",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:ReplicateKey",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
    "kms:UpdatePrimaryRegion",
    "s3:DeleteBucketPolicy",
    "s3:GetBucketPolicy",
    "s3:PutBucketPolicy",
];

/// Whether a principal of another account can ever perform `action` ([`SAME_ACCOUNT_ONLY`]):
/// `kms:Decrypt` yes, `kms:DisableKey` no.
pub fn works_across_accounts(action: &str) -> bool {
    !SAME_ACCOUNT_ONLY
        .iter()
        .any(|only| only.eq_ignore_ascii_case(action))
}

/// A decision's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Allowed whatever the rest of the request.
    Allow,
    /// Allowed for some requests: see [`Decision::conditions`].
    Conditional,
    /// Denied by an explicit `Deny`.
    Deny,
    /// Not allowed by anything (or not by every policy that must allow).
    ImplicitDeny,
}

/// A statement a decision names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StatementRef {
    /// The policy, in words.
    pub policy: String,
    /// The statement's position in it, from 0.
    pub index: usize,
    /// Its `Sid`, if any.
    pub sid: Option<String>,
}

/// How a resource policy's statement names the requesting principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Named {
    /// Not at all.
    No,
    /// Through its account (the id or `:root`): a delegation to the account's IAM policies.
    Account,
    /// Itself, or everyone.
    Directly,
}

/// Statements that apply, with how certainly.
#[derive(Default)]
struct Applying {
    truth: Option<Truth>,
    statements: Vec<StatementRef>,
}

impl Applying {
    fn add(&mut self, source: &Source<'_>, statement: &Statement, truth: Truth) {
        if truth.is_no() {
            return;
        }
        self.statements.push(StatementRef {
            policy: source.name.to_string(),
            index: statement.index,
            sid: statement.sid.clone(),
        });
        self.truth = Some(match self.truth.take() {
            Some(t) => t.or(truth),
            None => truth,
        });
    }

    fn truth(&self) -> Truth {
        self.truth.clone().unwrap_or(Truth::No)
    }
}

/// Decides one request under AWS's evaluation logic.
///
/// ```
/// use trailguard_iam::*;
///
/// let admin = Policy::parse(&serde_json::json!({"Statement": [
///     {"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "*"}]})).unwrap();
/// let scp = Policy::parse(&serde_json::json!({"Statement": [
///     {"Effect": "Allow", "Action": "*", "Resource": "*"},
///     {"Effect": "Deny", "Action": "cloudtrail:StopLogging", "Resource": "*"}]})).unwrap();
/// let principal = Principal {
///     arn: "arn:aws:iam::222222222222:role/admin".into(),
///     account: "222222222222".into(),
///     kind: PrincipalKind::Role,
/// };
/// let identity = [Source { name: "role admin policy", policy: &admin }];
/// let levels = [vec![Source { name: "SCP protect-trail", policy: &scp }]];
/// let context = Context::new();
/// let request = Request {
///     principal: &principal,
///     action: "cloudtrail:StopLogging",
///     resource: "arn:aws:cloudtrail:us-east-1:222222222222:trail/org",
///     resource_account: "222222222222",
///     context: &context,
/// };
/// let mut policies = Policies {
///     identity: &identity,
///     unread_identity: &[],
///     boundary: Known::None,
///     scps: Known::None,
///     rcps: Known::None,
///     resource: ResourcePolicy::None,
/// };
/// assert_eq!(decide(&request, &policies).verdict, Verdict::Allow);
/// policies.scps = Known::Is(&levels);
/// let decision = decide(&request, &policies);
/// assert_eq!(decision.verdict, Verdict::Deny);
/// assert_eq!(decision.denied_by[0].policy, "SCP protect-trail");
/// ```
pub fn decide(request: &Request<'_>, policies: &Policies<'_>) -> Decision {
    let mut denies = Applying::default();
    let mut grants = Applying::default();

    // 1. Explicit denies, in every policy that applies.
    let deny_in = |source: &Source<'_>, denies: &mut Applying| {
        for statement in &source.policy.statements {
            if statement.effect == Effect::Deny {
                denies.add(source, statement, applies(statement, request).0);
            }
        }
    };
    for source in policies.identity {
        deny_in(source, &mut denies);
    }
    if let Known::Is(boundary) = &policies.boundary {
        deny_in(boundary, &mut denies);
    }
    // RCPs bind only the services that support them: for any other action there are none.
    let rcps = if rcps_apply_to(request.action) {
        policies.rcps
    } else {
        Known::None
    };
    // SCPs bind the principals of the organisation's accounts, never a service principal.
    let scps = if principal_is_service(request) {
        Known::None
    } else {
        policies.scps
    };
    for levels in [&scps, &rcps] {
        if let Known::Is(levels) = levels {
            for source in levels.iter().flatten() {
                deny_in(source, &mut denies);
            }
        }
    }
    if let ResourcePolicy::Resource(Known::Is(source)) | ResourcePolicy::Key(Known::Is(source)) =
        &policies.resource
    {
        deny_in(source, &mut denies);
    }
    // A resource policy or an identity policy that could not be read may deny, too.
    let unread = Truth::any(
        policies
            .unread_identity
            .iter()
            .map(|name| Truth::maybe(name.as_str())),
    );
    let denied = match &policies.resource {
        ResourcePolicy::Resource(Known::Unknown(what))
        | ResourcePolicy::Key(Known::Unknown(what)) => denies.truth().or(Truth::maybe(*what)),
        _ => denies.truth(),
    }
    .or(unread.clone());

    // 2. The organisation's guardrails. One that was not read can only deny: the verdict is
    // kept, "unless" it denies.
    let mut unless = BTreeSet::new();
    let mut guardrail = |levels: &OrgLevels<'_>| match levels {
        Known::None => Truth::Yes,
        Known::Unknown(what) => {
            unless.insert(what.to_string());
            Truth::Yes
        }
        Known::Is(levels) => Truth::all(levels.iter().map(|level| {
            let mut allows = Applying::default();
            for source in level {
                allow_in(source, request, &mut allows);
            }
            allows.truth()
        })),
    };
    let scps = guardrail(&scps);
    let rcps = guardrail(&rcps);

    // 3 and 4. What grants, within the boundary.
    let principal = request.principal;
    let mut identity_grants = Applying::default();
    for source in policies.identity {
        allow_in(source, request, &mut identity_grants);
    }
    let identity = match principal.kind {
        PrincipalKind::Root => Truth::Yes,
        PrincipalKind::User | PrincipalKind::Role => identity_grants.truth().or(unread),
        // A service has no identity policies: only the resource's policy grants.
        PrincipalKind::Service => Truth::No,
    };
    let boundary = match (&policies.boundary, principal.kind) {
        (_, PrincipalKind::Root | PrincipalKind::Service) | (Known::None, _) => Truth::Yes,
        (Known::Unknown(what), _) => Truth::maybe(*what),
        (Known::Is(source), _) => {
            let mut allows = Applying::default();
            allow_in(source, request, &mut allows);
            allows.truth()
        }
    };
    let same_account = principal.account == request.resource_account;
    let within_boundary = identity.clone().and(boundary.clone());
    let key = matches!(policies.resource, ResourcePolicy::Key(_));
    let (granted, resource_grants) = match &policies.resource {
        // Across accounts, some actions are refused whatever the policies grant.
        _ if !same_account && !works_across_accounts(request.action) => {
            (Truth::No, Applying::default())
        }
        // No resource policy: identity policies grant, within the account only.
        ResourcePolicy::None
        | ResourcePolicy::Resource(Known::None)
        | ResourcePolicy::Key(Known::None) => (
            if same_account {
                within_boundary
            } else {
                Truth::No
            },
            Applying::default(),
        ),
        ResourcePolicy::Resource(Known::Unknown(what))
        | ResourcePolicy::Key(Known::Unknown(what)) => {
            let unknown = Truth::maybe(*what);
            // In its own account, an unread policy may name the principal itself (a role's
            // session is not bound by the role's boundary), so it may grant what nothing else
            // does: a bucket policy adds to the identity policies; a key policy decides alone,
            // naming the principal or delegating to the identity policies, so without it nothing
            // is known to grant. Across accounts, both it and the identity policies must allow.
            (
                if !same_account {
                    unknown.and(within_boundary)
                } else if key {
                    unknown
                } else {
                    within_boundary.or(unknown)
                },
                Applying::default(),
            )
        }
        ResourcePolicy::Resource(Known::Is(source)) | ResourcePolicy::Key(Known::Is(source)) => {
            let (direct, account, applying) = resource_allows(source, request, same_account);
            let granted = if same_account {
                let direct = match principal.kind {
                    PrincipalKind::User | PrincipalKind::Root | PrincipalKind::Service => direct,
                    PrincipalKind::Role => direct.and(boundary.clone()),
                };
                if key {
                    // The key policy delegates to the account: identity policies decide.
                    direct.or(account.and(within_boundary))
                } else {
                    direct.or(within_boundary)
                }
            } else {
                direct.or(account).and(within_boundary)
            };
            (granted, applying)
        }
    };
    for statement in identity_grants.statements {
        grants.statements.push(statement);
    }
    grants.statements.extend(resource_grants.statements);

    let allowed = scps.and(rcps).and(granted);
    let result = allowed.and(!denied.clone());
    let (verdict, conditions) = match (&denied, result) {
        (Truth::Yes, _) => (Verdict::Deny, BTreeSet::new()),
        (_, Truth::Yes) => (Verdict::Allow, BTreeSet::new()),
        (_, Truth::No) => (Verdict::ImplicitDeny, BTreeSet::new()),
        (_, Truth::Maybe(on)) => (Verdict::Conditional, on),
    };
    let (grants, denied_by) = match verdict {
        Verdict::Deny => (Vec::new(), denies.statements),
        Verdict::ImplicitDeny => (Vec::new(), Vec::new()),
        Verdict::Allow => (grants.statements, Vec::new()),
        Verdict::Conditional => (grants.statements, denies.statements),
    };
    if matches!(verdict, Verdict::Deny | Verdict::ImplicitDeny) {
        unless.clear();
    }
    Decision {
        verdict,
        grants,
        denied_by,
        conditions,
        unless,
    }
}

/// Adds the `Allow` statements of a policy that apply to the request.
fn allow_in(source: &Source<'_>, request: &Request<'_>, allows: &mut Applying) {
    for statement in &source.policy.statements {
        if statement.effect == Effect::Allow {
            allows.add(source, statement, applies(statement, request).0);
        }
    }
}

/// What a resource policy's `Allow` statements grant: to the principal itself (or everyone),
/// and to its account.
///
/// The statements returned are those that grant to the principal: the ones naming it (or
/// everyone), and across accounts those naming its account. Within the account, a statement
/// naming the account only lets identity policies decide (KMS's "Enable IAM User Permissions"),
/// so the identity statements are the grants.
fn resource_allows(
    source: &Source<'_>,
    request: &Request<'_>,
    same_account: bool,
) -> (Truth, Truth, Applying) {
    let mut direct = Applying::default();
    let mut account = Applying::default();
    for statement in &source.policy.statements {
        if statement.effect != Effect::Allow {
            continue;
        }
        let (truth, named) = applies(statement, request);
        match named {
            Named::Directly => direct.add(source, statement, truth),
            Named::Account => account.add(source, statement, truth),
            Named::No => {}
        }
    }
    let (d, a) = (direct.truth(), account.truth());
    if !same_account {
        direct.statements.extend(account.statements);
    }
    (d, a, direct)
}

/// Whether a statement applies to the request, and how it names the principal (`Directly` for
/// statements without a principal element).
fn applies(statement: &Statement, request: &Request<'_>) -> (Truth, Named) {
    let named = match &statement.principals {
        None => Named::Directly,
        Some(Principals::Only(set)) => names(set, request.principal),
        Some(Principals::Except(set)) => match names(set, request.principal) {
            Named::No => Named::Directly,
            Named::Account | Named::Directly => Named::No,
        },
    };
    if named == Named::No || !covers_action(&statement.actions, request.action) {
        return (Truth::No, named);
    }
    let resource = match &statement.resources {
        None => Truth::Yes,
        Some(patterns) => covers_resource(patterns, request),
    };
    let conditions = Truth::all(
        statement
            .conditions
            .iter()
            .map(|c| c.holds(request.context)),
    );
    (resource.and(conditions), named)
}

pub(crate) fn covers_action(patterns: &Patterns, action: &str) -> bool {
    match patterns {
        Patterns::Only(list) => list.iter().any(|p| action_matches(p, action)),
        Patterns::Except(list) => !list.iter().any(|p| action_matches(p, action)),
    }
}

/// Whether a statement's resources may cover `resource` whatever the request: a pattern with a
/// policy variable (`${aws:username}`) and `NotResource` may; a pattern that certainly does
/// not match does not. What [`covers_resource`] could answer anything but "no" for.
pub(crate) fn may_cover_resource(patterns: Option<&Patterns>, resource: &str) -> bool {
    match patterns {
        None | Some(Patterns::Except(_)) => true,
        Some(Patterns::Only(list)) => list
            .iter()
            .any(|pattern| pattern.contains("${") || !resource_matches(pattern, resource).is_no()),
    }
}

fn covers_resource(patterns: &Patterns, request: &Request<'_>) -> Truth {
    let (list, except) = match patterns {
        Patterns::Only(list) => (list, false),
        Patterns::Except(list) => (list, true),
    };
    let any = Truth::any(list.iter().map(|pattern| {
        match crate::variables::substitute(pattern, request.context) {
            Ok(Some(pattern)) => resource_matches(&pattern, request.resource),
            Ok(None) => Truth::No,
            Err(unknown) => unknown,
        }
    }));
    if except {
        !any
    } else {
        any
    }
}

/// Whether a resource pattern matches the resource. AWS matches an ARN pattern segment by
/// segment; a pattern of fewer than six segments (`arn:aws:cloudtrail:*`) has no documented
/// meaning, so where a wildcard across segments would match, the answer is unknown and names the
/// pattern rather than a guess either way.
fn resource_matches(pattern: &str, resource: &str) -> Truth {
    if pattern == "*" || pattern.splitn(6, ':').count() == 6 {
        return Truth::from_bool(arn_matches(pattern, resource));
    }
    if crate::wildcard::glob(pattern, resource, false) {
        Truth::maybe(format!(
            "resource pattern {pattern} (not a six-segment ARN)"
        ))
    } else {
        Truth::No
    }
}

fn principal_is_service(request: &Request<'_>) -> bool {
    request.principal.kind == PrincipalKind::Service
}

/// How a principal set names the principal.
fn names(set: &PrincipalSet, principal: &Principal) -> Named {
    if principal.kind == PrincipalKind::Service {
        // `"*"` and `{"AWS": "*"}` take in service principals too; an account or an ARN never
        // names one.
        return if set.everyone || set.services.iter().any(|s| s == &principal.arn) {
            Named::Directly
        } else {
            Named::No
        };
    }
    if set.everyone || set.aws.iter().any(|entry| entry == &principal.arn) {
        return Named::Directly;
    }
    let root = format!("arn:aws:iam::{}:root", principal.account);
    if set
        .aws
        .iter()
        .any(|entry| entry == &principal.account || entry == &root)
    {
        return if principal.kind == PrincipalKind::Root {
            Named::Directly
        } else {
            Named::Account
        };
    }
    Named::No
}
