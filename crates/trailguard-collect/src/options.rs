//! What to collect and how: credentials, regions, accounts, endpoint, concurrency.

use crate::Service;
use std::time::Duration;

/// Which regions to read trails in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Regions {
    /// The region of the profile or environment (`AWS_REGION`, `region =` in the profile).
    #[default]
    Configured,
    /// These regions (`--region`, repeatable).
    Listed(Vec<String>),
    /// Every region enabled in each account (`--all-regions`, via `account:ListRegions`).
    AllEnabled,
}

/// A role to assume, one per account to scan (`--role-arn`, `--external-id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleTarget {
    /// The role's ARN.
    pub arn: String,
    /// The external id the role's trust policy requires, if any.
    pub external_id: Option<String>,
}

/// How many calls may be in flight at once, per service.
///
/// The defaults stay well inside AWS's published request rates: S3 serves thousands of reads per
/// second per bucket, KMS hundreds, while CloudTrail's and IAM's control planes throttle early.
/// Throttling that still happens is absorbed by the SDK's adaptive retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concurrency {
    per_service: [usize; Service::ALL.len()],
}

/// Calls in flight to S3 at once, by default.
pub const DEFAULT_S3_CONCURRENCY: usize = 128;
/// Calls in flight to KMS at once, by default.
pub const DEFAULT_KMS_CONCURRENCY: usize = 16;
/// Calls in flight to CloudTrail at once, by default.
pub const DEFAULT_CLOUDTRAIL_CONCURRENCY: usize = 16;
/// Calls in flight to IAM at once, by default.
pub const DEFAULT_IAM_CONCURRENCY: usize = 4;
/// Calls in flight to the other services (STS, Organizations, Account, S3 Control), by default.
pub const DEFAULT_OTHER_CONCURRENCY: usize = 4;

impl Default for Concurrency {
    fn default() -> Self {
        let mut per_service = [DEFAULT_OTHER_CONCURRENCY; Service::ALL.len()];
        for (i, service) in Service::ALL.iter().enumerate() {
            per_service[i] = match service {
                Service::S3 => DEFAULT_S3_CONCURRENCY,
                Service::Kms => DEFAULT_KMS_CONCURRENCY,
                Service::CloudTrail => DEFAULT_CLOUDTRAIL_CONCURRENCY,
                Service::Iam => DEFAULT_IAM_CONCURRENCY,
                _ => DEFAULT_OTHER_CONCURRENCY,
            };
        }
        Concurrency { per_service }
    }
}

impl Concurrency {
    /// The same limit for every service (at least 1).
    pub fn uniform(limit: usize) -> Self {
        Concurrency {
            per_service: [limit.max(1); Service::ALL.len()],
        }
    }

    /// The limit for one service.
    pub fn of(&self, service: Service) -> usize {
        Service::ALL
            .iter()
            .position(|s| *s == service)
            .map_or(1, |i| self.per_service[i])
    }
}

/// How long the collector waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To open a connection.
    pub connect: Duration,
    /// For one attempt of a call.
    pub attempt: Duration,
    /// For a call, retries included; raised to what the attempts need (every attempt timing
    /// out, with the longest backoff between them), so the attempt budget ends retries.
    pub operation: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            attempt: Duration::from_secs(20),
            operation: Duration::from_secs(90),
        }
    }
}

/// Attempts per call (the first one included) before a failure becomes a gap.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 6;

/// Everything `collect` needs to know.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The shared-config profile (`--profile`); `None` for the default chain.
    pub profile: Option<String>,
    /// Which regions to read trails in.
    pub regions: Regions,
    /// Roles to assume, one per account; empty to scan the credentials' own account.
    pub roles: Vec<RoleTarget>,
    /// Send every client to this endpoint, with S3 path-style addressing (`--endpoint-url`).
    /// `AWS_ENDPOINT_URL` has the same effect.
    pub endpoint_url: Option<String>,
    /// Calls in flight per service.
    pub concurrency: Concurrency,
    /// Timeouts.
    pub timeouts: Timeouts,
    /// Attempts per call; 0 means [`DEFAULT_MAX_ATTEMPTS`].
    pub max_attempts: u32,
}
