//! Errors that stop a collection (everything else becomes a gap in the snapshot), and those that
//! stop listing an organisation's accounts.

use thiserror::Error;

/// Why a collection could not run at all.
///
/// Failures of single calls (AccessDenied on a bucket, throttling, a timeout) do not stop
/// collection: they are recorded as gaps. These errors are the ones where there is nothing to
/// collect with.
#[derive(Debug, Error)]
pub enum CollectError {
    /// No credentials were found in the default chain or the profile.
    #[error("no AWS credentials: {message}")]
    NoCredentials {
        /// What the credential chain said.
        message: String,
    },
    /// The AWS endpoint could not be reached.
    #[error("cannot reach the AWS endpoint {endpoint}: {message}")]
    Unreachable {
        /// The endpoint, or "AWS" for the default endpoints.
        endpoint: String,
        /// What failed.
        message: String,
    },
    /// The credentials were refused.
    #[error("AWS refused the credentials ({code}): {message}")]
    Refused {
        /// The AWS error code.
        code: String,
        /// AWS's message.
        message: String,
    },
    /// AWS throttled the identity call, or could not answer it, on every attempt: the
    /// credentials may well be fine.
    #[error("AWS STS throttled or could not answer GetCallerIdentity on every attempt ({code}): {message}")]
    Busy {
        /// The AWS error code (`Throttling`, `ServiceUnavailable`, `HTTP503`).
        code: String,
        /// AWS's message.
        message: String,
    },
    /// A `--role-arn` could not be assumed.
    #[error("cannot assume role {arn}: {message}")]
    AssumeRole {
        /// The role.
        arn: String,
        /// Why.
        message: String,
    },
    /// No region was given and none is configured.
    #[error("no AWS region: pass --region REGION or --all-regions, or set AWS_REGION or a profile region")]
    NoRegion,
    /// A `--role-arn` is not a role ARN.
    #[error("{0} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)")]
    BadRoleArn(String),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
    /// GetCallerIdentity answered without the account, ARN or user id of the credentials, or
    /// with a malformed one: there is no account to collect.
    #[error("AWS STS answered GetCallerIdentity, but {problem}: cannot tell which account the credentials are in")]
    IncompleteIdentity {
        /// What was missing or malformed.
        problem: String,
    },
    /// The system clock is outside the years a snapshot's `collected_at` (RFC 3339) can hold.
    #[error("the system clock cannot be written as collected_at: {0}")]
    Clock(#[from] trailguard_snapshot::TimestampError),
    /// Ctrl-C (SIGINT) arrived during [`crate::collect_blocking`]: the calls in flight were
    /// dropped and nothing was collected.
    #[error("interrupted")]
    Interrupted,
}

impl CollectError {
    /// A hint for the person at the terminal, when there is one.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            CollectError::NoCredentials { .. } => Some(
                "set AWS_PROFILE or pass --profile, run `aws sso login`, or export \
                 AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; in GitHub Actions use \
                 aws-actions/configure-aws-credentials with OIDC",
            ),
            CollectError::Unreachable { .. } => {
                Some("check --endpoint-url / AWS_ENDPOINT_URL, your network and proxy settings")
            }
            CollectError::Refused { .. } => {
                Some("the credentials are invalid or expired; refresh them and retry")
            }
            CollectError::Busy { .. } => Some(
                "nothing is wrong with the credentials: retry in a minute; if other tools call AWS \
                 heavily from the same account, run collect when they are done",
            ),
            CollectError::AssumeRole { .. } => Some(
                "the role's trust policy must allow your credentials (and --external-id if it \
                 requires one), and your credentials need sts:AssumeRole on it",
            ),
            _ => None,
        }
    }
}

/// Why the accounts of an organisation could not be listed (`trailguard accounts`).
#[derive(Debug, Error)]
pub enum AccountsError {
    /// No credentials, an endpoint that cannot be reached, refused credentials, no runtime: the
    /// same failures that stop a collection before it starts.
    #[error(transparent)]
    Start(#[from] CollectError),
    /// AWS refused `organizations:ListAccounts`.
    #[error("AWS denied organizations:ListAccounts to {principal}: {message}")]
    AccessDenied {
        /// The caller's ARN.
        principal: String,
        /// AWS's message.
        message: String,
    },
    /// The credentials' account belongs to no organisation.
    #[error("account {account} does not belong to an AWS organisation (AWSOrganizationsNotInUseException): {message}")]
    NotInOrganization {
        /// The credentials' account.
        account: String,
        /// AWS's message.
        message: String,
    },
    /// Any other failure, after the SDK's retries.
    #[error("organizations:ListAccounts failed ({code}): {message}")]
    Failed {
        /// The AWS error code, or a name for a failure without one.
        code: String,
        /// What failed.
        message: String,
    },
}

impl AccountsError {
    /// A hint for the person at the terminal, when there is one.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            AccountsError::Start(e) => e.hint(),
            AccountsError::AccessDenied { .. } => Some(
                "listing accounts needs organizations:ListAccounts, which AWS allows only in the \
                 organisation's management account or a delegated administrator account; run \
                 with credentials of a role there that grants it (`trailguard permissions` is the \
                 policy for `collect` in each account, and does not include it)",
            ),
            AccountsError::NotInOrganization { .. } => Some(
                "run with credentials of the organisation's management account or a delegated \
                 administrator; to scan accounts without an organisation, pass their roles to \
                 `trailguard collect --role-arn ARN ...` directly",
            ),
            AccountsError::Failed { .. } => None,
        }
    }
}
