//! AWS IAM policy evaluation, written once in Rust for every trailguard rule.
//!
//! [`Policy::parse`] reads a policy document once; [`decide`] answers one request (may this
//! principal perform this action on this resource?) under AWS's documented evaluation logic,
//! with every policy type trailguard collects: identity policies, permissions boundaries,
//! service and resource control policies, and the resource's own policy (bucket or KMS key
//! policy). Conditions are evaluated three-valued: a condition on something the snapshot cannot
//! know (MFA, source IP, time, tags) makes the verdict [`Verdict::Conditional`] and is named,
//! never guessed.
//!
//! ```
//! use trailguard_iam::*;
//!
//! let policy = Policy::parse(&serde_json::json!({"Statement": [
//!     {"Effect": "Allow", "Action": "kms:*", "Resource": "*",
//!      "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]})).unwrap();
//! let principal = Principal {
//!     arn: "arn:aws:iam::111111111111:user/jane".into(),
//!     account: "111111111111".into(),
//!     kind: PrincipalKind::User,
//! };
//! let identity = [Source { name: "user jane inline policy kms", policy: &policy }];
//! let context = Context::new();
//! let decision = decide(
//!     &Request {
//!         principal: &principal,
//!         action: "kms:DisableKey",
//!         resource: "arn:aws:kms:us-east-1:111111111111:key/k",
//!         resource_account: "111111111111",
//!         context: &context,
//!     },
//!     &Policies {
//!         identity: &identity,
//!         unread_identity: &[],
//!         boundary: Known::None,
//!         scps: Known::None,
//!         rcps: Known::None,
//!         resource: ResourcePolicy::None,
//!     },
//! );
//! assert_eq!(decision.verdict, Verdict::Conditional);
//! assert!(decision.conditions.contains("Bool aws:MultiFactorAuthPresent"));
//! ```

mod condition;
pub mod delivery;
mod evaluate;
mod holders;
pub mod outsiders;
mod parallel;
mod policy;
mod question;
mod snapshot;
mod truth;
mod variables;
mod wildcard;

pub use condition::{Condition, Context, Operator, SetOperator};
pub use evaluate::{
    decide, rcps_apply_to, works_across_accounts, Decision, Known, OrgLevels, Policies, Principal,
    PrincipalKind, Request, ResourcePolicy, Source, StatementRef, Verdict, RCP_SERVICES,
    SAME_ACCOUNT_ONLY, UNREAD_RCPS, UNREAD_SCPS,
};
pub use holders::{policy_holders, Holder, Way};
pub use policy::{Effect, Patterns, Policy, PolicyError, PrincipalSet, Principals, Statement};
pub use question::{
    answer, ask, ask_in, decision_json, QuestionError, UNREAD_BOUNDARY, UNREAD_RESOURCE,
};
pub use snapshot::{Entry, IndexError, Power, SnapshotIndex};
pub use trailguard_json::{Json, Kind};
pub use truth::Truth;
pub use wildcard::{action_matches, arn_matches, glob};
