//! Gaps: what the collector tried to read and could not.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One API call that failed after retries. A gap is never a pass: rules that need what the call
/// would have returned skip the resource, and rule TG090 reports the gap.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct Gap {
    /// The account the call was made in.
    #[serde(deserialize_with = "crate::account_id::required")]
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub account_id: String,
    /// The AWS service (`s3`, `kms`, `cloudtrail`, `iam`, `s3control`, `sts`, ...).
    pub service: String,
    /// The API operation, as AWS names it (`GetBucketPolicy`).
    pub operation: String,
    /// The region the call was sent to.
    pub region: String,
    /// The resource the call was about: the bucket name for S3 bucket calls, the trail or key
    /// ARN for calls on one trail or key, the ARN of an IAM entity for calls on one principal,
    /// and the account id for account-wide calls (`DescribeTrails`,
    /// `GetAccountAuthorizationDetails`, `s3control:GetPublicAccessBlock`).
    pub resource: String,
    /// The AWS error code (`AccessDenied`, `ThrottlingException`, `RequestTimeout`, ...).
    pub error_code: String,
    /// The error message, with no credentials in it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}
