//! The accounts of an AWS organisation (Organizations `ListAccounts`), for `trailguard accounts`:
//! what an organisation-wide scan is sharded over.
//!
//! This is not part of a collection: `ListAccounts` is not an [`Operation`](crate::Operation),
//! so the policy `trailguard permissions` prints for `collect` does not grant it. It needs
//! [`LIST_ACCOUNTS_ACTION`], which AWS allows only in the organisation's management account or
//! in a delegated administrator account.

use crate::call::{Ctx, Failure, FailureKind};
use crate::error::{AccountsError, CollectError};
use crate::options::{Concurrency, Options};
use crate::sdk::{self, Clients, FALLBACK_REGION};
use crate::{account, NoProgress};
use std::collections::BTreeMap;
use std::sync::Arc;
use trailguard_snapshot::Arn;

/// The IAM action `trailguard accounts` needs, in the management account or a delegated
/// administrator account.
pub const LIST_ACCOUNTS_ACTION: &str = "organizations:ListAccounts";

/// The most accounts one `ListAccounts` call returns (AWS's upper bound for `MaxResults`).
pub const MAX_ACCOUNTS_PAGE_SIZE: u8 = 20;

/// The state of an account that is a working member of its organisation.
const ACTIVE: &str = "ACTIVE";

/// One account of the organisation, as `ListAccounts` describes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OrganizationAccount {
    /// The 12-digit account id.
    pub id: String,
    /// The account's name.
    pub name: String,
    /// The account's root email address.
    pub email: String,
    /// The account's ARN in Organizations (`arn:aws:organizations::MGMT:account/o-.../ID`).
    pub arn: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, ... (AWS's `State`, or its older `Status`
    /// when an endpoint does not send `State`).
    pub state: String,
}

impl OrganizationAccount {
    /// Whether the account is a working member (state `ACTIVE`).
    pub fn is_active(&self) -> bool {
        self.state == ACTIVE
    }

    /// The partition of the account's ARN (`aws`, `aws-us-gov`, `aws-cn`); `aws` when the ARN
    /// does not say (an emulator that sends none, or a malformed one).
    pub fn partition(&self) -> &str {
        // The partition is the second part: `arn:` is 4 bytes before it.
        match Arn::parse(&self.arn) {
            Ok(arn) => self.arn.get(4..4 + arn.partition().len()).unwrap_or("aws"),
            Err(_) => "aws",
        }
    }

    /// The ARN of the IAM role `name` (a path may precede it: `audit/trailguard`) in this
    /// account, for `collect --role-arn`.
    pub fn role_arn(&self, name: &str) -> String {
        format!("arn:{}:iam::{}:role/{name}", self.partition(), self.id)
    }
}

/// Every account of the organisation the credentials can list, sorted by id, whatever their
/// state.
///
/// Uses the profile, endpoint, timeouts and attempts of `options` (its regions, roles and
/// concurrency do not apply). The credentials are checked first (`sts:GetCallerIdentity`, which
/// needs no permission), so missing credentials, an endpoint that is down and refused
/// credentials are told apart from a refused `ListAccounts`. Pages of `page_size` accounts
/// (1 to [`MAX_ACCOUNTS_PAGE_SIZE`]) are read to the end with the SDK's paginator and adaptive
/// retry.
pub async fn list_accounts(
    options: &Options,
    page_size: u8,
) -> Result<Vec<OrganizationAccount>, AccountsError> {
    let config = sdk::load(options).await;
    sdk::check_credentials(&config).await?;
    let endpoint = sdk::endpoint_label(&config);
    // Organizations is a global service: any region of the partition reaches it.
    let region = config
        .region()
        .map_or_else(|| FALLBACK_REGION.to_string(), |r| r.as_ref().to_string());
    let clients = Clients::new(config, region);
    let ctx = Ctx::new(Concurrency::default(), Arc::new(NoProgress));
    let identity = account::caller_identity(&ctx, &clients, &endpoint).await?;

    let size = i32::from(page_size.clamp(1, MAX_ACCOUNTS_PAGE_SIZE));
    let mut pages = clients
        .organizations()
        .list_accounts()
        .into_paginator()
        .page_size(size)
        .send();
    let mut accounts: BTreeMap<String, OrganizationAccount> = BTreeMap::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| {
            refused(
                Failure::from_sdk(&e),
                &identity.account,
                &identity.arn,
                &endpoint,
            )
        })?;
        for a in page.accounts() {
            let Some(id) = a.id() else { continue };
            let state = a
                .state()
                .map(|s| s.as_str().to_string())
                .or_else(|| a.status().map(|s| s.as_str().to_string()))
                .unwrap_or_else(|| "UNKNOWN".to_string());
            accounts.insert(
                id.to_string(),
                OrganizationAccount {
                    id: id.to_string(),
                    name: a.name().unwrap_or_default().to_string(),
                    email: a.email().unwrap_or_default().to_string(),
                    arn: a.arn().unwrap_or_default().to_string(),
                    state,
                },
            );
        }
    }
    Ok(accounts.into_values().collect())
}

/// [`list_accounts`] on a runtime of its own, for callers that are not async.
pub fn list_accounts_blocking(
    options: &Options,
    page_size: u8,
) -> Result<Vec<OrganizationAccount>, AccountsError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AccountsError::Start(CollectError::Runtime(e)))?;
    runtime.block_on(list_accounts(options, page_size))
}

/// Why a page of `ListAccounts` failed, as an error for the person running the command.
fn refused(failure: Failure, account: &str, principal: &str, endpoint: &str) -> AccountsError {
    match failure.kind {
        FailureKind::Service => match failure.code.as_str() {
            "AccessDeniedException" | "AccessDenied" => AccountsError::AccessDenied {
                principal: principal.to_string(),
                message: failure.message,
            },
            "AWSOrganizationsNotInUseException" => AccountsError::NotInOrganization {
                account: account.to_string(),
                message: failure.message,
            },
            _ => AccountsError::Failed {
                code: failure.code,
                message: failure.message,
            },
        },
        FailureKind::Unreachable | FailureKind::Timeout => {
            AccountsError::Start(CollectError::Unreachable {
                endpoint: endpoint.to_string(),
                message: failure.message,
            })
        }
        FailureKind::Busy | FailureKind::Other => AccountsError::Failed {
            code: failure.code,
            message: failure.message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(arn: &str) -> OrganizationAccount {
        OrganizationAccount {
            id: "111111111111".into(),
            name: "workload".into(),
            email: "w@example.com".into(),
            arn: arn.into(),
            state: ACTIVE.into(),
        }
    }

    #[test]
    fn role_arns_keep_the_partition_of_the_account() {
        let gov = account("arn:aws-us-gov:organizations::222222222222:account/o-x/111111111111");
        assert_eq!(
            gov.role_arn("audit/trailguard"),
            "arn:aws-us-gov:iam::111111111111:role/audit/trailguard"
        );
        assert_eq!(
            account("").role_arn("trailguard-audit"),
            "arn:aws:iam::111111111111:role/trailguard-audit"
        );
    }

    #[test]
    fn any_region_of_the_partition_reaches_the_global_endpoint() {
        use aws_sdk_organizations::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
        use futures_util::FutureExt;
        let aws = "https://organizations.us-east-1.amazonaws.com";
        let gov = "https://organizations.us-gov-west-1.amazonaws.com";
        for (region, url) in [
            ("eu-central-1", aws),
            ("us-east-1", aws),
            ("us-gov-west-1", gov),
        ] {
            let params = Params::builder().region(region).build().unwrap();
            let endpoint = DefaultResolver::new()
                .resolve_endpoint(&params)
                .now_or_never()
                .unwrap()
                .unwrap();
            assert_eq!(endpoint.url(), url, "{region}");
        }
    }

    #[test]
    fn errors_name_the_cause() {
        let failure = |code: &str| Failure {
            kind: FailureKind::Service,
            code: code.to_string(),
            message: "m".to_string(),
        };
        let denied = refused(failure("AccessDeniedException"), "1", "arn:p", "AWS");
        assert!(matches!(denied, AccountsError::AccessDenied { .. }));
        assert!(denied
            .hint()
            .is_some_and(|h| h.contains(LIST_ACCOUNTS_ACTION)));
        let none = refused(
            failure("AWSOrganizationsNotInUseException"),
            "1",
            "p",
            "AWS",
        );
        assert!(matches!(none, AccountsError::NotInOrganization { .. }));
        let other = refused(failure("TooManyRequestsException"), "1", "p", "AWS");
        assert_eq!(
            other.to_string(),
            "organizations:ListAccounts failed (TooManyRequestsException): m"
        );
    }
}
