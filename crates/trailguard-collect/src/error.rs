//! Errors that stop a collection. Everything else becomes a gap in the snapshot.

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
            CollectError::AssumeRole { .. } => Some(
                "the role's trust policy must allow your credentials (and --external-id if it \
                 requires one), and your credentials need sts:AssumeRole on it",
            ),
            _ => None,
        }
    }
}
