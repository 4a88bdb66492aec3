//! Who in a snapshot can do what: every IAM user and role of every collected account with its
//! identity policies and boundary, and every bucket and key policy, parsed once
//! ([`SnapshotIndex::new`]) and asked many questions ([`SnapshotIndex::principals_that_can`]).
//!
//! The index reads the snapshot's JSON form (the policy `input`), and only what IAM questions
//! need: `accounts[*].Iam` and `.Organization`, `organizations`, `buckets[*].OwnerAccount` and
//! `.Policy`, `kms_keys[*].Policy`. A policy field left out is a policy that was not read (a
//! gap); `null` is one that does not exist. A Rego test's hand-written input works the same as a
//! collected snapshot: an account without `Organization` is one whose organisation was not
//! read, so its answers hold "unless a service control policy denies it"; `"Organization":
//! null` says it belongs to none.
//!
//! Service control policies apply to the users and roles of a member account, resource control
//! policies to the resources of a member account (for the services RCPs support,
//! [`crate::RCP_SERVICES`]); neither applies to the management account. Each level from the
//! root down to the account must allow (`organizations[ID].Parents` walks the account up to the
//! root; a policy applies at the levels its `Targets` name).

use crate::condition::Context;
use crate::evaluate::{
    decide, Decision, Known, OrgLevels, Policies, Principal, PrincipalKind, Request,
    ResourcePolicy, Source, Verdict, UNREAD_RCPS, UNREAD_SCPS,
};
use crate::policy::{Effect, Policy, PolicyError, Principals};
use crate::{Json, Kind};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

/// Part of the snapshot that could not be read: a malformed policy document, an IAM entity
/// without its name or ARN, or what a question about CloudTrail's delivery needs
/// ([`crate::delivery`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// A policy document is malformed.
    #[error("{policy}: {source}")]
    Policy {
        /// Which policy (`role ops inline policy admin`).
        policy: String,
        /// What is wrong with it.
        source: PolicyError,
    },
    /// A field IAM questions need is missing or of the wrong type.
    #[error("{at}: {message}")]
    Field {
        /// Where (`accounts.111111111111.Iam.Roles.ops`).
        at: String,
        /// What is wrong.
        message: String,
    },
}

pub(crate) fn field_error(at: &str, message: impl Into<String>) -> IndexError {
    IndexError::Field {
        at: at.to_string(),
        message: message.into(),
    }
}

/// A policy with its name.
#[derive(Debug)]
struct Named {
    name: String,
    policy: Policy,
}

/// A policy that may be absent or unread, with what to call it when unread.
#[derive(Debug)]
enum Have {
    None,
    Unknown(String),
    Is(Arc<Named>),
}

impl Have {
    fn known(&self) -> Known<'_, Source<'_>> {
        match self {
            Have::None => Known::None,
            Have::Unknown(what) => Known::Unknown(what),
            Have::Is(named) => Known::Is(source(named)),
        }
    }
}

fn source(named: &Named) -> Source<'_> {
    Source {
        name: &named.name,
        policy: &named.policy,
    }
}

/// An identity policy of an account, with its number there (its place in
/// [`AccountIam::policies`]): which policies allow an action is worked out once per account and
/// action ([`AccountIam::allowing`]), not once for each principal that holds them.
#[derive(Debug, Clone)]
struct Numbered {
    number: usize,
    named: Arc<Named>,
}

/// The identity policies of an account, numbered as they are read.
#[derive(Default)]
struct Numbering(Vec<Arc<Named>>);

impl Numbering {
    fn add(&mut self, named: Arc<Named>) -> Numbered {
        self.0.push(Arc::clone(&named));
        Numbered {
            number: self.0.len() - 1,
            named,
        }
    }
}

/// An IAM user or role and everything that decides what it may do.
#[derive(Debug)]
pub struct Entry {
    /// Who it is.
    pub principal: Principal,
    /// Its user or role name.
    pub name: String,
    identity: Vec<Numbered>,
    unread_identity: Vec<String>,
    boundary: Have,
    /// Its account's place in an organisation, which its requests carry (shared by the
    /// account's principals).
    membership: Arc<Membership>,
}

impl Entry {
    fn new(
        principal: Principal,
        name: &str,
        identity: Vec<Numbered>,
        unread_identity: Vec<String>,
        boundary: Have,
        membership: Arc<Membership>,
    ) -> Entry {
        Entry {
            principal,
            name: name.to_string(),
            identity,
            unread_identity,
            boundary,
            membership,
        }
    }

    /// What is known of every request it makes (the same for each question): built when a
    /// request is decided, which the prefilter spares most principals.
    fn context(&self) -> Context {
        let context = Context::new()
            .with("aws:SecureTransport", "true")
            .with("aws:PrincipalArn", self.principal.arn.clone())
            .with("aws:PrincipalAccount", self.principal.account.clone());
        match self.membership.as_ref() {
            Membership::Unknown => context,
            Membership::None => context.without("aws:PrincipalOrgID"),
            Membership::Member(id) | Membership::Management(id) => {
                context.with("aws:PrincipalOrgID", id.clone())
            }
        }
    }
}

impl Entry {
    /// Whether the principal may be allowed the request at all, before deciding it: an `Allow`
    /// of its identity policies covers the action and may cover the resource, one of its
    /// identity policies was not read, or the resource's policy names it directly. Otherwise
    /// nothing can grant it the request (a resource policy naming only its account delegates
    /// to identity policies, and an unread resource policy is not each principal's finding),
    /// and `decide` would say so, slower: most principals of a large account hold nothing near
    /// a sensitive action on the trail's own resources.
    fn may_be_allowed(&self, asked: &Asked<'_>, named: &Grantees<'_>) -> bool {
        named.names(&self.principal.arn) || self.identity_may_allow(asked)
    }

    /// Whether its identity policies may allow the request: an `Allow` covers the action and
    /// may cover the resource, or one of them was not read. Across accounts they must,
    /// whatever the resource's policy says.
    fn identity_may_allow(&self, asked: &Asked<'_>) -> bool {
        !self.unread_identity.is_empty()
            || self.identity.iter().any(|policy| {
                // A number the account does not have cannot be: the policy is read then.
                asked.allowing.get(policy.number) != Some(&false)
                    && policy.named.policy.statements.iter().any(|st| {
                        st.effect == Effect::Allow
                            && crate::evaluate::covers_action(&st.actions, asked.action)
                            && crate::evaluate::may_cover_resource(
                                st.resources.as_ref(),
                                asked.resource,
                            )
                    })
            })
    }
}

/// A request as the prefilter sees it, with which of the account's identity policies allow
/// its action ([`AccountIam::allowing`]).
struct Asked<'a> {
    action: &'a str,
    resource: &'a str,
    allowing: &'a [bool],
}

/// Whom a resource policy's `Allow` statements name.
enum Grantees<'a> {
    /// These principals only (ARNs, account ids and account roots, as written).
    Arns(Vec<&'a str>),
    /// Possibly anyone: a statement without a principal, or with `NotPrincipal`.
    Anyone,
}

impl<'a> Grantees<'a> {
    fn by(policy: Option<&'a Have>) -> Grantees<'a> {
        let Some(Have::Is(named)) = policy else {
            return Grantees::Arns(Vec::new());
        };
        let mut arns = Vec::new();
        for st in named
            .policy
            .statements
            .iter()
            .filter(|st| st.effect == Effect::Allow)
        {
            match &st.principals {
                Some(Principals::Only(set)) => arns.extend(set.aws.iter().map(String::as_str)),
                Some(Principals::Except(_)) | None => return Grantees::Anyone,
            }
        }
        Grantees::Arns(arns)
    }

    /// Whether they name this principal itself.
    fn names(&self, arn: &str) -> bool {
        match self {
            Grantees::Anyone => true,
            Grantees::Arns(arns) => arns.contains(&arn),
        }
    }

    /// The accounts they name, themselves or through a principal of theirs, in order; `None`
    /// when they may name anyone.
    fn accounts(&self) -> Option<BTreeSet<&'a str>> {
        match self {
            Grantees::Anyone => None,
            Grantees::Arns(arns) => Some(
                arns.iter()
                    .filter_map(|arn| {
                        if arn.starts_with("arn:") {
                            arn.split(':').nth(4)
                        } else {
                            Some(*arn)
                        }
                    })
                    .collect(),
            ),
        }
    }

    /// Whether they name the account (`111111111111` or `arn:aws:iam::111111111111:root`),
    /// which lets its identity policies decide for each of its principals.
    fn names_account(&self, account: &str) -> bool {
        match self {
            Grantees::Anyone => true,
            Grantees::Arns(arns) => arns.iter().any(|arn| {
                *arn == account
                    || arn
                        .strip_prefix("arn:aws:iam::")
                        .and_then(|rest| rest.strip_suffix(":root"))
                        == Some(account)
            }),
        }
    }
}

/// A principal allowed (or conditionally allowed) to make a request, with the decision.
#[derive(Debug)]
pub struct Power<'a> {
    /// The principal.
    pub entry: &'a Entry,
    /// Its decision: [`Verdict::Allow`] or [`Verdict::Conditional`].
    pub decision: Decision,
}

/// An account's place in an organisation, from its `Organization` field.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Membership {
    /// Not read.
    Unknown,
    /// In no organisation.
    None,
    /// A member account of this organisation.
    Member(String),
    /// The management account of this organisation.
    Management(String),
}

/// The control policies of one type that apply to an account: one list per level, root first.
#[derive(Debug)]
enum Levels {
    /// None apply (no organisation, the management account, or the type is not enabled).
    None,
    /// Some may apply, but they were not read (a gap says why).
    Unknown,
    /// These.
    Is(Vec<Vec<Arc<Named>>>),
}

impl Levels {
    /// The levels as the evaluator takes them, with the sources borrowed into `sources`.
    fn known<'a>(
        &'a self,
        sources: &'a [Vec<Source<'a>>],
        unread: &'static str,
    ) -> Known<'a, &'a [Vec<Source<'a>>]> {
        match self {
            Levels::None => Known::None,
            Levels::Unknown => Known::Unknown(unread),
            Levels::Is(_) => Known::Is(sources),
        }
    }

    fn sources(&self) -> Vec<Vec<Source<'_>>> {
        match self {
            Levels::Is(levels) => levels
                .iter()
                .map(|level| level.iter().map(|n| source(n)).collect())
                .collect(),
            Levels::None | Levels::Unknown => Vec::new(),
        }
    }
}

/// The service and resource control policies that apply to one account.
#[derive(Debug)]
struct Guardrails {
    scps: Levels,
    rcps: Levels,
}

impl Guardrails {
    /// Neither kind applies.
    const NONE: Guardrails = Guardrails {
        scps: Levels::None,
        rcps: Levels::None,
    };
    /// Both kinds may apply, unread.
    const UNKNOWN: Guardrails = Guardrails {
        scps: Levels::Unknown,
        rcps: Levels::Unknown,
    };
}

/// The deepest an account may sit under the root: AWS allows five levels of OUs; a longer
/// `Parents` chain is a loop or a malformed snapshot.
const MAX_DEPTH: usize = 16;

/// The users and roles of one account, and the control policies that bind them.
#[derive(Debug)]
struct AccountIam {
    /// Its users and roles; none when its IAM was not read (a gap of its own, TG090).
    entries: Vec<Entry>,
    guardrails: Guardrails,
    /// Its identity policies (managed, inline, of groups), by number ([`Numbered`]).
    policies: Vec<Arc<Named>>,
    /// For each action asked so far, which of `policies` have an `Allow` covering it.
    allowing: Mutex<HashMap<String, Arc<[bool]>>>,
}

impl AccountIam {
    /// Which of the account's identity policies have an `Allow` statement covering `action`, by
    /// number: worked out on the first question about the action. A large account's
    /// principals share a few thousand policies, so this is far less work than reading each
    /// principal's policies for each question.
    fn allowing(&self, action: &str) -> Arc<[bool]> {
        // A thread that panicked holding the lock left the map whole (entries are inserted
        // complete), and its panic is its rule's error.
        let mut known = self.allowing.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = known.get(action) {
            return Arc::clone(found);
        }
        let found: Arc<[bool]> = self
            .policies
            .iter()
            .map(|named| {
                named.policy.statements.iter().any(|st| {
                    st.effect == Effect::Allow
                        && crate::evaluate::covers_action(&st.actions, action)
                })
            })
            .collect();
        known.insert(action.to_string(), Arc::clone(&found));
        found
    }
}

/// The snapshot's IAM, parsed once.
#[derive(Debug, Default)]
pub struct SnapshotIndex {
    accounts: BTreeMap<String, AccountIam>,
    buckets: BTreeMap<String, (Option<String>, Have)>,
    keys: BTreeMap<String, Have>,
}

impl SnapshotIndex {
    /// Parses every policy of a snapshot, given in its JSON form. A malformed document is an
    /// error naming it: the questions it would answer cannot be answered.
    ///
    /// The accounts' users and roles are read on several threads (an organisation has
    /// thousands of accounts); an error is the first in the order of the snapshot: any account's
    /// organisation or control policies, then any account's IAM.
    pub fn new<J: Json + Sync>(snapshot: &J) -> Result<SnapshotIndex, IndexError> {
        let mut index = SnapshotIndex::default();
        let mut organizations = Organizations::new(snapshot)?;
        let mut accounts = Vec::new();
        for (account, a) in entries(snapshot, "accounts")? {
            // Read (and checked) for every account, kept with its IAM.
            let membership = membership(account, a)?;
            let guardrails = organizations.guardrails(account, &membership)?;
            let iam = a.get_field("Iam").filter(|iam| iam.kind() != Kind::Null);
            accounts.push((account, iam, membership, guardrails));
        }
        let read = crate::parallel::map(&accounts, |(account, iam, membership, _)| match iam {
            None => Ok((Vec::new(), Vec::new())),
            Some(iam) => principals(
                &format!("accounts.{account}.Iam"),
                account,
                *iam,
                membership,
            ),
        });
        for ((account, _, _, guardrails), read) in accounts.into_iter().zip(read) {
            let (entries, policies) = read?;
            let iam = AccountIam {
                entries,
                guardrails,
                policies,
                allowing: Mutex::default(),
            };
            index.accounts.insert(account.to_string(), iam);
        }
        for (name, bucket) in entries(snapshot, "buckets")? {
            let owner = bucket
                .get_field("OwnerAccount")
                .and_then(Json::as_text)
                .map(str::to_string);
            let policy = have(
                bucket.get_field("Policy"),
                &format!("bucket policy of {name}"),
                &format!("the bucket policy of {name} (not collected)"),
            )?;
            index.buckets.insert(name.to_string(), (owner, policy));
        }
        for (arn, key) in entries(snapshot, "kms_keys")? {
            let policy = have(
                key.get_field("Policy"),
                &format!("key policy of {arn}"),
                &format!("the key policy of {arn} (not collected)"),
            )?;
            index.keys.insert(arn.to_string(), policy);
        }
        Ok(index)
    }

    /// Runs `f` with the resource control policies that bind the resources of `account`, as
    /// [`decide`] takes them: none for the management account or an account in no
    /// organisation (or whose organisation has not enabled RCPs); unread ("unless a resource
    /// control policy denies it") for an account that was not collected or whose organisation
    /// was not read.
    ///
    /// ```
    /// use trailguard_iam::{Known, SnapshotIndex};
    /// let index = SnapshotIndex::new(&serde_json::json!({
    ///     "accounts": {"111111111111": {"Organization": null}}})).unwrap();
    /// assert!(index.with_rcps("111111111111", |rcps| matches!(rcps, Known::None)));
    /// assert!(index.with_rcps("222222222222", |rcps| matches!(rcps, Known::Unknown(_))));
    /// ```
    pub fn with_rcps<R>(&self, account: &str, f: impl FnOnce(OrgLevels<'_>) -> R) -> R {
        self.with_levels(account, |g| &g.rcps, UNREAD_RCPS, f)
    }

    /// Runs `f` with the service control policies that bind the users and roles of `account`,
    /// as [`SnapshotIndex::with_rcps`] does for RCPs.
    pub fn with_scps<R>(&self, account: &str, f: impl FnOnce(OrgLevels<'_>) -> R) -> R {
        self.with_levels(account, |g| &g.scps, UNREAD_SCPS, f)
    }

    /// Runs `f` with the control policies of one `kind` on `account`, unread (`unread` names
    /// them) for an account that was not collected.
    fn with_levels<R>(
        &self,
        account: &str,
        kind: fn(&Guardrails) -> &Levels,
        unread: &'static str,
        f: impl FnOnce(OrgLevels<'_>) -> R,
    ) -> R {
        let levels = self
            .accounts
            .get(account)
            .map_or(&Levels::Unknown, |a| kind(&a.guardrails));
        let sources = levels.sources();
        f(levels.known(&sources, unread))
    }

    /// The users and roles that may make the request (allowed, or allowed under conditions the
    /// snapshot cannot decide), with their decisions: those of the resource's account, then
    /// those of other collected accounts that the resource's policy grants to (by ARN, or
    /// through their account), each in the order of the snapshot. AWS's service-linked roles
    /// are left out: AWS owns their policies. A principal only an unread resource policy could
    /// allow is not listed (see below), nor are a resource policy's grants to everyone counted
    /// (see `have`).
    ///
    /// The resource is a trail or other ARN (owned by the account in the ARN), a bucket or an
    /// object in it (`arn:aws:s3:::bucket/key`, owned by the bucket's owner, under its bucket
    /// policy), or a KMS key (under its key policy). The request is imagined over TLS
    /// (`aws:SecureTransport` is true: an attacker chooses TLS), with the principal's ARN and
    /// account known; every other condition key is unknown. A principal of another account
    /// is bound by its own account's SCPs and the resource account's RCPs, and needs both its
    /// identity policies and the resource's policy to allow: a trail, which has no resource
    /// policy, is never granted across accounts.
    pub fn principals_that_can(&self, action: &str, resource: &str) -> Vec<Power<'_>> {
        self.answers(action, resource, true)
    }

    /// [`SnapshotIndex::principals_that_can`], deciding for every principal of every account
    /// when `prefilter` is false (the tests check the filter drops no one who would be listed).
    fn answers(&self, action: &str, resource: &str, prefilter: bool) -> Vec<Power<'_>> {
        let (owner, policy) = self.resource(resource);
        let Some(owner) = owner else {
            return Vec::new();
        };
        let own = match policy {
            Some((true, have)) => ResourcePolicy::Key(have.known()),
            Some((false, have)) => ResourcePolicy::Resource(have.known()),
            None => ResourcePolicy::None,
        };
        // RCPs are the resource account's, whoever asks; an account that was not collected may
        // have some.
        let owner_account = self.accounts.get(&owner);
        let rcp_levels = owner_account.map_or(&Levels::Unknown, |a| &a.guardrails.rcps);
        let rcp_sources = rcp_levels.sources();
        let rcps = rcp_levels.known(&rcp_sources, UNREAD_RCPS);
        let named = Grantees::by(policy.map(|(_, have)| have));
        let ask = Ask {
            action,
            resource,
            owner: &owner,
            rcps,
            resource_policy: own,
        };
        let mut powers = Vec::new();
        if let Some(account) = owner_account {
            ask.principals(
                account,
                |entry, asked| !prefilter || entry.may_be_allowed(asked, &named),
                &mut powers,
            );
        }
        // Across accounts only a resource policy that was read can grant: one that was not is
        // a gap of its own (TG090), not a finding about every principal of every account.
        // Some actions never work across accounts: no one of another account is asked then.
        let across = !prefilter || crate::evaluate::works_across_accounts(action);
        if let (Some((_, Have::Is(_))), true) = (policy, across) {
            let others: Vec<(&String, &AccountIam)> = match (prefilter, named.accounts()) {
                (true, Some(ids)) => ids
                    .into_iter()
                    .filter_map(|id| self.accounts.get_key_value(id))
                    .collect(),
                _ => self.accounts.iter().collect(),
            };
            for (id, account) in others {
                if id == &owner {
                    continue;
                }
                let whole_account = named.names_account(id);
                ask.principals(
                    account,
                    |entry, asked| {
                        !prefilter
                            || ((whole_account || named.names(&entry.principal.arn))
                                && entry.identity_may_allow(asked))
                    },
                    &mut powers,
                );
            }
        }
        powers
    }

    /// The account owning a resource, and its policy (`true` for a key policy).
    fn resource(&self, resource: &str) -> (Option<String>, Option<(bool, &Have)>) {
        if let Some(rest) = resource.strip_prefix("arn:aws:s3:::") {
            let bucket = rest.split_once('/').map_or(rest, |(bucket, _)| bucket);
            return match self.buckets.get(bucket) {
                Some((owner, policy)) => (owner.clone(), Some((false, policy))),
                None => (None, None),
            };
        }
        let owner = resource.split(':').nth(4).map(str::to_string);
        if resource.starts_with("arn:aws:kms:") {
            return (owner, self.keys.get(resource).map(|have| (true, have)));
        }
        (owner, None)
    }
}

/// One request, asked of principal after principal.
struct Ask<'a> {
    action: &'a str,
    resource: &'a str,
    owner: &'a str,
    rcps: Known<'a, &'a [Vec<Source<'a>>]>,
    resource_policy: ResourcePolicy<'a>,
}

impl Ask<'_> {
    /// Decides the request for the principals of `account` that `consider` keeps (given the
    /// request as the prefilter sees it in that account), adding those allowed or
    /// conditionally allowed to `powers`. They are bound by their account's SCPs.
    fn principals<'i>(
        &self,
        account: &'i AccountIam,
        consider: impl Fn(&Entry, &Asked<'_>) -> bool,
        powers: &mut Vec<Power<'i>>,
    ) {
        let allowing = account.allowing(self.action);
        let asked = Asked {
            action: self.action,
            resource: self.resource,
            allowing: &allowing,
        };
        let scp_sources = account.guardrails.scps.sources();
        let scps = account.guardrails.scps.known(&scp_sources, UNREAD_SCPS);
        for entry in account
            .entries
            .iter()
            .filter(|entry| consider(entry, &asked))
        {
            let identity: Vec<Source<'_>> =
                entry.identity.iter().map(|n| source(&n.named)).collect();
            let decision = decide(
                &Request {
                    principal: &entry.principal,
                    action: self.action,
                    resource: self.resource,
                    resource_account: self.owner,
                    context: &entry.context(),
                },
                &Policies {
                    identity: &identity,
                    unread_identity: &entry.unread_identity,
                    boundary: entry.boundary.known(),
                    scps,
                    rcps: self.rcps,
                    resource: self.resource_policy,
                },
            );
            // A conditional answer names a principal only for what is its own: a statement
            // that grants it, or an identity policy of its own that was not read. An unread
            // bucket or key policy could grant anyone; it is a gap of its own (TG090), not a
            // finding about each principal of the account.
            let listed = match decision.verdict {
                Verdict::Allow => true,
                Verdict::Conditional => {
                    !decision.grants.is_empty() || !entry.unread_identity.is_empty()
                }
                Verdict::Deny | Verdict::ImplicitDeny => false,
            };
            if listed {
                powers.push(Power { entry, decision });
            }
        }
    }
}

/// The entries of an object field (`accounts`, `Roles`); none when the field is absent.
/// Each entry must be an object itself: one that is not (`"accounts": {"1...": 5}`) would
/// otherwise read as an entry with nothing in it, and answer nothing.
pub(crate) fn entries<'a, J: Json>(
    parent: &'a J,
    field: &str,
) -> Result<Vec<(&'a str, &'a J)>, IndexError> {
    let found: Vec<(&str, &J)> = match parent.get_field(field) {
        None => Vec::new(),
        Some(map) => match map.kind() {
            Kind::Null => Vec::new(),
            Kind::Object => map.entries().collect(),
            _ => return Err(field_error(field, "must be an object")),
        },
    };
    match found.iter().find(|(_, entry)| entry.kind() != Kind::Object) {
        Some((key, _)) => Err(field_error(&format!("{field}.{key}"), "must be an object")),
        None => Ok(found),
    }
}

/// A string field, required.
pub(crate) fn text<'a, J: Json>(
    at: &str,
    value: &'a J,
    field: &str,
) -> Result<&'a str, IndexError> {
    value
        .get_field(field)
        .and_then(Json::as_text)
        .ok_or_else(|| field_error(&format!("{at}.{field}"), "is required, a string"))
}

/// A list field; empty when absent.
pub(crate) fn list<'a, J: Json>(
    at: &str,
    value: &'a J,
    field: &str,
) -> Result<Vec<&'a J>, IndexError> {
    match value.get_field(field) {
        None => Ok(Vec::new()),
        Some(items) => match items.kind() {
            Kind::Null => Ok(Vec::new()),
            Kind::Array => Ok(items.items().collect()),
            _ => Err(field_error(&format!("{at}.{field}"), "must be a list")),
        },
    }
}

/// A policy document, or the error naming it.
pub(crate) fn parse_policy<J: Json>(name: &str, document: &J) -> Result<Policy, IndexError> {
    Policy::parse(document).map_err(|source| IndexError::Policy {
        policy: name.to_string(),
        source,
    })
}

fn parse<J: Json>(name: String, document: &J) -> Result<Arc<Named>, IndexError> {
    let policy = parse_policy(&name, document)?;
    Ok(Arc::new(Named { name, policy }))
}

/// A policy document field that must be there: a missing one is the error a `null` one is.
fn required<J: Json>(name: &str, document: Option<&J>) -> Result<Arc<Named>, IndexError> {
    match document {
        Some(document) => parse(name.to_string(), document),
        None => Err(IndexError::Policy {
            policy: name.to_string(),
            source: PolicyError::NotAnObject("null"),
        }),
    }
}

/// A resource's policy field: left out when it was not read, `null` when there is none.
///
/// Its `Allow` statements that grant to everyone (`"Principal": "*"`) are left out: what a
/// resource policy grants to anyone is a finding about the resource, made once (TG065, TG066
/// report it), not one about each principal of the account. Its `Deny` statements all stay.
fn have<J: Json>(field: Option<&J>, name: &str, unread: &str) -> Result<Have, IndexError> {
    Ok(match field {
        None => Have::Unknown(unread.to_string()),
        Some(document) if document.kind() == Kind::Null => Have::None,
        Some(document) => {
            let mut policy = parse_policy(name, document)?;
            policy.statements.retain(|st| {
                !(st.effect == Effect::Allow
                    && matches!(&st.principals, Some(Principals::Only(set)) if set.everyone))
            });
            Have::Is(Arc::new(Named {
                name: name.to_string(),
                policy,
            }))
        }
    })
}

/// An account's `Organization` field: left out when it was not read, `null` for none.
fn membership<J: Json>(account: &str, a: &J) -> Result<Membership, IndexError> {
    let at = format!("accounts.{account}.Organization");
    match a.get_field("Organization") {
        None => Ok(Membership::Unknown),
        Some(organization) if organization.kind() == Kind::Null => Ok(Membership::None),
        Some(organization) => {
            let id = text(&at, organization, "Id")?.to_string();
            let management = text(&at, organization, "MasterAccountId")?;
            Ok(if management == account {
                Membership::Management(id)
            } else {
                Membership::Member(id)
            })
        }
    }
}

/// The `organizations` section, with each control policy parsed once (an organisation's
/// policies apply to many accounts).
struct Organizations<'a, J> {
    section: BTreeMap<&'a str, &'a J>,
    parsed: BTreeMap<(String, &'static str, String), Arc<Named>>,
}

impl<'a, J: Json> Organizations<'a, J> {
    fn new(snapshot: &'a J) -> Result<Organizations<'a, J>, IndexError> {
        Ok(Organizations {
            section: entries(snapshot, "organizations")?.into_iter().collect(),
            parsed: BTreeMap::new(),
        })
    }

    /// The SCPs and RCPs that apply to an account.
    fn guardrails(
        &mut self,
        account: &str,
        membership: &Membership,
    ) -> Result<Guardrails, IndexError> {
        let id = match membership {
            Membership::Unknown => return Ok(Guardrails::UNKNOWN),
            Membership::None | Membership::Management(_) => return Ok(Guardrails::NONE),
            Membership::Member(id) => id,
        };
        let Some(organization) = self.section.get(id.as_str()).copied() else {
            return Ok(Guardrails::UNKNOWN);
        };
        let at = format!("organizations.{id}");
        let Some((root, root_id)) = root_of(&at, organization)? else {
            return Ok(Guardrails::UNKNOWN);
        };
        let enabled = list(&format!("{at}.Root"), root, "PolicyTypes")?;
        let Some(path) = path_from_root(&at, organization, root_id, account)? else {
            return Ok(Guardrails::UNKNOWN);
        };
        let mut levels_of = |field: &'static str, kind: &'static str, enabled_as: &str| {
            if !enabled.iter().any(|t| t.as_text() == Some(enabled_as)) {
                return Ok(Levels::None);
            }
            let policies = match organization.get_field(field) {
                None => return Ok(Levels::Unknown),
                Some(map) => match map.kind() {
                    Kind::Null => return Ok(Levels::None),
                    Kind::Object => map,
                    _ => return Err(field_error(&format!("{at}.{field}"), "must be an object")),
                },
            };
            let mut levels: Vec<Vec<Arc<Named>>> = vec![Vec::new(); path.len()];
            for (policy_id, policy) in policies.entries() {
                let at = format!("{at}.{field}.{policy_id}");
                if policy.kind() != Kind::Object {
                    return Err(field_error(&at, "must be an object"));
                }
                let targets: Vec<&str> = match policy.get_field("Targets") {
                    None => return Ok(Levels::Unknown),
                    Some(targets) if targets.kind() == Kind::Array => {
                        match targets
                            .items()
                            .map(Json::as_text)
                            .collect::<Option<Vec<_>>>()
                        {
                            Some(ids) => ids,
                            None => {
                                return Err(field_error(
                                    &format!("{at}.Targets"),
                                    "must hold the ids of roots, OUs and accounts",
                                ))
                            }
                        }
                    }
                    Some(_) => return Err(field_error(&format!("{at}.Targets"), "must be a list")),
                };
                let attached: Vec<usize> = path
                    .iter()
                    .enumerate()
                    .filter(|(_, target)| targets.contains(&target.as_str()))
                    .map(|(level, _)| level)
                    .collect();
                if attached.is_empty() {
                    continue;
                }
                let key = (id.clone(), field, policy_id.to_string());
                let named = match self.parsed.get(&key) {
                    Some(named) => Arc::clone(named),
                    None => {
                        let Some(content) = policy.get_field("Content") else {
                            return Ok(Levels::Unknown);
                        };
                        let name = text(&at, policy, "Name")?;
                        let named = parse(format!("{kind} {name}"), content)?;
                        self.parsed.insert(key, Arc::clone(&named));
                        named
                    }
                };
                for level in attached {
                    levels[level].push(Arc::clone(&named));
                }
            }
            Ok(Levels::Is(levels))
        };
        let scps = levels_of("ServiceControlPolicies", "SCP", "SERVICE_CONTROL_POLICY")?;
        let rcps = levels_of("ResourceControlPolicies", "RCP", "RESOURCE_CONTROL_POLICY")?;
        Ok(Guardrails { scps, rcps })
    }
}

/// An organisation's root (`organizations[ID].Root`, at `at`) and the root's id; `None` when the
/// root was not read (left out, or null).
pub(crate) fn root_of<'a, J: Json>(
    at: &str,
    organization: &'a J,
) -> Result<Option<(&'a J, &'a str)>, IndexError> {
    match organization.get_field("Root") {
        Some(root) if root.kind() != Kind::Null => {
            Ok(Some((root, text(&format!("{at}.Root"), root, "Id")?)))
        }
        _ => Ok(None),
    }
}

/// An account's path in its organisation: the root, each OU, the account; `None` when
/// `Parents` does not hold it (its place in the tree was not read).
pub(crate) fn path_from_root<J: Json>(
    at: &str,
    organization: &J,
    root_id: &str,
    account: &str,
) -> Result<Option<Vec<String>>, IndexError> {
    let parents = match organization.get_field("Parents") {
        None => return Ok(None),
        Some(map) => match map.kind() {
            Kind::Null => return Ok(None),
            Kind::Object => map,
            _ => return Err(field_error(&format!("{at}.Parents"), "must be an object")),
        },
    };
    let mut path = vec![account.to_string()];
    loop {
        let last = path.last().map_or(account, String::as_str);
        if last == root_id {
            path.reverse();
            return Ok(Some(path));
        }
        if path.len() > MAX_DEPTH {
            return Err(field_error(
                &format!("{at}.Parents"),
                format!("{account} is more than {MAX_DEPTH} levels under the root (a loop?)"),
            ));
        }
        match parents.get_field(last).map(|p| p.kind()) {
            Some(Kind::String(parent)) => path.push(parent.to_string()),
            Some(_) => {
                return Err(field_error(
                    &format!("{at}.Parents.{last}"),
                    "must be the id of the parent",
                ))
            }
            None => return Ok(None),
        }
    }
}

/// The users and roles of an account, each with its identity policies and boundary; and the
/// account's identity policies, by number.
fn principals<J: Json>(
    at: &str,
    account: &str,
    iam: &J,
    membership: &Membership,
) -> Result<(Vec<Entry>, Vec<Arc<Named>>), IndexError> {
    let membership = Arc::new(membership.clone());
    let mut numbering = Numbering::default();
    let mut managed: BTreeMap<&str, Numbered> = BTreeMap::new();
    for (arn, p) in entries(iam, "Policies")? {
        let at = format!("{at}.Policies.{arn}");
        let name = text(&at, p, "PolicyName")?;
        let named = required(&format!("managed policy {name}"), p.get_field("Document"))?;
        managed.insert(arn, numbering.add(named));
    }
    // Attached managed policies, and the names of those the snapshot does not hold.
    let attached = |at: &str,
                    entity: &J,
                    into: &mut Vec<Numbered>,
                    unread: &mut Vec<String>|
     -> Result<(), IndexError> {
        for a in list(at, entity, "AttachedManagedPolicies")? {
            let arn = text(at, a, "PolicyArn")?;
            match managed.get(arn) {
                Some(numbered) => into.push(numbered.clone()),
                None => unread.push(format!(
                    "managed policy {} (not collected)",
                    text(at, a, "PolicyName")?
                )),
            }
        }
        Ok(())
    };
    let inline = |numbering: &mut Numbering,
                  at: &str,
                  entity: &J,
                  field: &str,
                  owner: &str|
     -> Result<Vec<Numbered>, IndexError> {
        list(at, entity, field)?
            .into_iter()
            .map(|p| {
                let name = text(at, p, "PolicyName")?;
                let named = required(
                    &format!("{owner} inline policy {name}"),
                    p.get_field("PolicyDocument"),
                )?;
                Ok(numbering.add(named))
            })
            .collect()
    };
    let boundary = |entity: &J, owner: &str| -> Have {
        let arn = entity
            .get_field("PermissionsBoundary")
            .and_then(|b| b.get_field("PermissionsBoundaryArn"))
            .and_then(Json::as_text);
        match arn {
            None => Have::None,
            Some(arn) => match managed.get(arn) {
                Some(numbered) => Have::Is(Arc::new(Named {
                    name: "permissions boundary".into(),
                    policy: numbered.named.policy.clone(),
                })),
                None => Have::Unknown(format!(
                    "the permissions boundary of {owner} (not collected)"
                )),
            },
        }
    };
    let mut groups: BTreeMap<&str, (Vec<Numbered>, Vec<String>)> = BTreeMap::new();
    for (name, group) in entries(iam, "Groups")? {
        let at = format!("{at}.Groups.{name}");
        let owner = format!("group {name}");
        let mut policies = inline(&mut numbering, &at, group, "GroupPolicyList", &owner)?;
        let mut unread = Vec::new();
        attached(&at, group, &mut policies, &mut unread)?;
        groups.insert(name, (policies, unread));
    }
    let mut found = Vec::new();
    for (key, user) in entries(iam, "Users")? {
        let at = format!("{at}.Users.{key}");
        let name = text(&at, user, "UserName")?;
        let owner = format!("user {name}");
        let mut identity = inline(&mut numbering, &at, user, "UserPolicyList", &owner)?;
        let mut unread_identity = Vec::new();
        attached(&at, user, &mut identity, &mut unread_identity)?;
        for group in list(&at, user, "GroupList")? {
            let group = group
                .as_text()
                .ok_or_else(|| field_error(&format!("{at}.GroupList"), "must hold group names"))?;
            match groups.get(group) {
                Some((policies, unread)) => {
                    identity.extend(policies.iter().cloned());
                    unread_identity.extend(unread.iter().cloned());
                }
                None => {
                    unread_identity.push(format!("the policies of group {group} (not collected)"))
                }
            }
        }
        let principal = Principal {
            arn: text(&at, user, "Arn")?.to_string(),
            account: account.to_string(),
            kind: PrincipalKind::User,
        };
        let boundary = boundary(user, &owner);
        found.push(Entry::new(
            principal,
            name,
            identity,
            unread_identity,
            boundary,
            Arc::clone(&membership),
        ));
    }
    for (key, role) in entries(iam, "Roles")? {
        let at = format!("{at}.Roles.{key}");
        if role
            .get_field("Path")
            .and_then(Json::as_text)
            .is_some_and(|path| path.starts_with("/aws-service-role/"))
        {
            continue;
        }
        let name = text(&at, role, "RoleName")?;
        let owner = format!("role {name}");
        let mut identity = inline(&mut numbering, &at, role, "RolePolicyList", &owner)?;
        let mut unread_identity = Vec::new();
        attached(&at, role, &mut identity, &mut unread_identity)?;
        let principal = Principal {
            arn: text(&at, role, "Arn")?.to_string(),
            account: account.to_string(),
            kind: PrincipalKind::Role,
        };
        let boundary = boundary(role, &owner);
        found.push(Entry::new(
            principal,
            name,
            identity,
            unread_identity,
            boundary,
            Arc::clone(&membership),
        ));
    }
    Ok((found, numbering.0))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

    use super::*;
    use crate::decision_json;

    /// The filter before `decide` drops only principals `decide` would not list.
    #[test]
    fn the_prefilter_drops_no_principal_decide_would_list() {
        let extra = serde_json::json!({
            "accounts": {"111111111111": {"Organization": null, "Iam": {
                "Users": {}, "Groups": {}, "Policies": {},
                "Roles": {
                    "named": {"RoleName": "named", "Arn": "arn:aws:iam::111111111111:role/named"},
                    "reader": {"RoleName": "reader", "Arn": "arn:aws:iam::111111111111:role/reader",
                        "RolePolicyList": [{"PolicyName": "r", "PolicyDocument": {"Statement": [
                            {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}}]},
                    "not-action": {"RoleName": "not-action", "Arn": "arn:aws:iam::111111111111:role/not-action",
                        "RolePolicyList": [{"PolicyName": "n", "PolicyDocument": {"Statement": [
                            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}}]},
                    // Resource patterns: another bucket, a variable, NotResource, a pattern of
                    // fewer than six segments, a case that differs, the key and trail by ARN.
                    "resources": {"RoleName": "resources", "Arn": "arn:aws:iam::111111111111:role/resources",
                        "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
                            {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::app-data/*"},
                            {"Effect": "Allow", "Action": "s3:Delete*", "Resource": "arn:aws:s3:::${aws:PrincipalAccount}-*/*"},
                            {"Effect": "Allow", "Action": "kms:*", "NotResource": "arn:aws:kms:*:*:key/other"},
                            {"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "arn:aws:cloudtrail:*"},
                            {"Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::DIRECT"},
                            {"Effect": "Allow", "Action": "s3:PutBucketPolicy", "Resource": "arn:aws:s3:::dir*"}]}}]},
                    "variable": {"RoleName": "variable", "Arn": "arn:aws:iam::111111111111:role/variable",
                        "RolePolicyList": [{"PolicyName": "v", "PolicyDocument": {"Statement": [
                            {"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::${aws:username}/*"}]}}]},
                },
            }}},
            "buckets": {
                "direct": {"OwnerAccount": "111111111111", "Policy": {"Statement": [{"Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::111111111111:role/named"},
                    "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::direct/*"}]}},
                "111111111111-logs": {"OwnerAccount": "111111111111", "Policy": null},
                "not-principal": {"OwnerAccount": "111111111111", "Policy": {"Statement": [{"Effect": "Allow",
                    "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:role/reader"},
                    "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::not-principal/*"}]}},
            },
        });
        // Grants across accounts: to an account, to a role of it, to all but one role.
        let role = |account: &str, name: &str, action: &str| {
            serde_json::json!({"RoleName": name, "Arn": format!("arn:aws:iam::{account}:role/{name}"),
                "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
                    {"Effect": "Allow", "Action": action, "Resource": "*"}]}}]})
        };
        let account = |id: &str| {
            serde_json::json!({"Organization": null, "Iam": {"Users": {}, "Groups": {}, "Policies": {}, "Roles": {
                "admin": role(id, "admin", "*"),
                "deleter": role(id, "deleter", "s3:Delete*"),
                "reader": role(id, "reader", "s3:Get*"),
                "opaque": {"RoleName": "opaque", "Arn": format!("arn:aws:iam::{id}:role/opaque"),
                    "AttachedManagedPolicies": [{"PolicyName": "H", "PolicyArn": "arn:aws:iam::1:policy/H"}]},
            }}})
        };
        let grant = |principal: serde_json::Value, action: &str, resource: &str| serde_json::json!({"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource});
        let across = serde_json::json!({
            "accounts": {"111111111111": account("111111111111"), "222222222222": account("222222222222"),
                "333333333333": account("333333333333")},
            "buckets": {
                "to-account": {"OwnerAccount": "111111111111", "Policy": {"Statement": [
                    grant(serde_json::json!({"AWS": "arn:aws:iam::222222222222:root"}), "s3:DeleteObject", "arn:aws:s3:::to-account/*"),
                    grant(serde_json::json!({"AWS": "333333333333"}), "s3:*", "*")]}},
                "to-role": {"OwnerAccount": "111111111111", "Policy": {"Statement": [
                    grant(serde_json::json!({"AWS": ["arn:aws:iam::222222222222:role/reader",
                        "arn:aws:iam::333333333333:role/deleter"]}), "s3:*", "*")]}},
                "not-principal": {"OwnerAccount": "111111111111", "Policy": {"Statement": [{"Effect": "Allow",
                    "NotPrincipal": {"AWS": "arn:aws:iam::222222222222:role/admin"},
                    "Action": "s3:DeleteBucket", "Resource": "*"}]}},
            },
            "kms_keys": {"arn:aws:kms:us-east-1:111111111111:key/k": {"Policy": {"Statement": [
                grant(serde_json::json!({"AWS": "arn:aws:iam::111111111111:root"}), "kms:*", "*"),
                grant(serde_json::json!({"AWS": "222222222222"}), "kms:DisableKey", "*")]}}},
        });
        let mut snapshots = vec![extra, across];
        for text in [
            include_str!("../../../inputs/demo.json"),
            include_str!("../../../inputs/broken.json"),
            include_str!("../../../inputs/compliant.json"),
        ] {
            snapshots.push(serde_json::from_str(text).unwrap());
        }
        let actions = [
            "cloudtrail:StopLogging",
            "cloudtrail:DeleteTrail",
            "s3:DeleteObject",
            "s3:DeleteBucket",
            "s3:PutBucketPolicy",
            "kms:DisableKey",
            "kms:ScheduleKeyDeletion",
            "iam:CreateUser",
        ];
        let mut listed = 0;
        for snapshot in &snapshots {
            let index = SnapshotIndex::new(snapshot).unwrap();
            let mut resources: Vec<String> = Vec::new();
            for (section, object) in [("trails", false), ("buckets", true), ("kms_keys", false)] {
                if section == "trails" {
                    resources.push("arn:aws:cloudtrail:us-east-1:111111111111:trail/t".into());
                }
                for (key, _) in entries(snapshot, section).unwrap() {
                    if object {
                        resources.push(format!("arn:aws:s3:::{key}"));
                        resources.push(format!("arn:aws:s3:::{key}/AWSLogs/x"));
                    } else {
                        resources.push(key.to_string());
                    }
                }
            }
            for resource in &resources {
                for action in actions {
                    let json = |powers: Vec<Power<'_>>| -> Vec<(String, serde_json::Map<String, serde_json::Value>)> {
                        powers
                            .iter()
                            .map(|p| (p.entry.principal.arn.clone(), decision_json(&p.decision)))
                            .collect()
                    };
                    let filtered = json(index.answers(action, resource, true));
                    let all = json(index.answers(action, resource, false));
                    assert_eq!(filtered, all, "{action} on {resource}");
                    listed += all.len();
                }
            }
        }
        assert!(
            listed > 20,
            "only {listed} answers: the test asks nothing worth asking"
        );
    }
}
