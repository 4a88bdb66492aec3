//! Collectors: snapshot the CloudTrail set-up of live AWS accounts.
//!
//! [`collect`] reads every trail of the selected regions and accounts, then only the S3 buckets
//! and KMS keys those trails use, the account's IAM (so least-privilege rules can see every
//! grant), Block Public Access and organisation (with the organisation's service and resource
//! control policies, where the credentials may read them), into one
//! [`trailguard_snapshot::Snapshot`].
//! It never judges anything: that is the engine's job.
//!
//! - **Credentials the AWS way**: the default chain (environment, profiles, SSO, web identity,
//!   instance metadata), a profile, or one assumed role per account ([`Options`]).
//! - **Polite**: calls go out concurrently within a limit per service ([`Concurrency`]), every
//!   list is paginated to the end, the SDK's adaptive retry absorbs throttling, every call has a
//!   timeout.
//! - **Gaps, never silence**: a call that still fails is recorded in the snapshot's gaps
//!   (service, operation, region, resource, error code) and collection goes on. Only a
//!   collection that cannot start fails ([`CollectError`]).
//! - **Visible cost**: [`Operation`] lists every call the collector can make with the IAM action
//!   it needs, and each collection counts its calls ([`CallStats`]).
//! - **Beyond one machine**: [`list_accounts`] lists an organisation's accounts
//!   (`trailguard accounts`), so hundreds of accounts can be collected in shards whose
//!   snapshots `trailguard eval` merges.
//!
//! ```
//! use trailguard_collect::{permissions_policy, Operation};
//!
//! // The read-only policy `trailguard permissions` prints: one action per operation.
//! let policy = permissions_policy();
//! let actions = policy["Statement"][0]["Action"].as_array().unwrap();
//! assert!(actions.iter().any(|a| a == "cloudtrail:GetTrailStatus"));
//! assert_eq!(Operation::GetBucketPolicy.to_string(), "s3:GetBucketPolicy");
//! ```

mod account;
mod call;
mod cloudtrail;
mod cloudwatch;
mod collector;
mod config;
mod error;
mod events;
mod guardrails;
mod iam;
mod kms;
mod lake;
mod logs;
mod monitoring;
mod operation;
mod options;
mod organization;
mod progress;
mod s3;
mod sdk;
mod sns;
mod stats;
mod time;

pub use collector::{collect, collect_blocking, Collection};
pub use error::{AccountsError, CollectError};
pub use operation::{permissions_policy, Operation, Service};
pub use options::{
    Concurrency, Options, Regions, RoleTarget, Timeouts, DEFAULT_CLOUDTRAIL_CONCURRENCY,
    DEFAULT_IAM_CONCURRENCY, DEFAULT_KMS_CONCURRENCY, DEFAULT_MAX_ATTEMPTS,
    DEFAULT_OTHER_CONCURRENCY, DEFAULT_S3_CONCURRENCY,
};
pub use organization::{
    list_accounts, list_accounts_blocking, OrganizationAccount, LIST_ACCOUNTS_ACTION,
    MAX_ACCOUNTS_PAGE_SIZE,
};
pub use progress::{NoProgress, Progress};
pub use stats::CallStats;
