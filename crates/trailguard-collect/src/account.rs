//! Account-wide facts: who the credentials are (GetCallerIdentity), the enabled regions
//! (ListRegions), the organisation (DescribeOrganization) and the account's Block Public Access
//! (s3control GetPublicAccessBlock).

use crate::call::{Ctx, FailureKind, Scope};
use crate::error::CollectError;
use crate::sdk::Clients;
use crate::Operation;
use aws_sdk_account::types::RegionOptStatus;
use trailguard_snapshot::{CallerIdentity, Collected, Organization, PublicAccessBlock};

/// The account and principal of the credentials. Failing here stops the collection: without an
/// identity there is nothing to collect with.
pub(crate) async fn caller_identity(
    ctx: &Ctx,
    clients: &Clients,
    endpoint: &str,
) -> Result<CallerIdentity, CollectError> {
    let scope = Scope::new("", &clients.home_region, "");
    let identity = ctx.call(
        Operation::GetCallerIdentity,
        &scope,
        clients.sts().get_caller_identity().send(),
    );
    match identity.await {
        Ok(out) => Ok(CallerIdentity {
            account: out.account().unwrap_or_default().to_string(),
            arn: out.arn().unwrap_or_default().to_string(),
            user_id: out.user_id().unwrap_or_default().to_string(),
        }),
        Err(failure) => Err(match failure.kind {
            FailureKind::Service => CollectError::Refused {
                code: failure.code,
                message: failure.message,
            },
            FailureKind::Busy => CollectError::Busy {
                code: failure.code,
                message: failure.message,
            },
            FailureKind::Unreachable | FailureKind::Timeout | FailureKind::Other => {
                CollectError::Unreachable {
                    endpoint: endpoint.to_string(),
                    message: failure.message,
                }
            }
        }),
    }
}

/// The regions enabled in the account; `None` when the call failed (a gap says why).
pub(crate) async fn enabled_regions(
    ctx: &Ctx,
    clients: &Clients,
    account: &str,
) -> Option<Vec<String>> {
    let scope = Scope::new(account, &clients.home_region, account);
    let pages = ctx.read_pages(
        Operation::ListRegions,
        &scope,
        clients
            .account()
            .list_regions()
            .region_opt_status_contains(RegionOptStatus::Enabled)
            .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
            .into_paginator()
            .send(),
    );
    let pages = pages.await.into_present()?;
    let mut regions: Vec<String> = pages
        .iter()
        .flat_map(|p| p.regions())
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect();
    regions.sort();
    regions.dedup();
    Some(regions)
}

/// The account's organisation; `null` when it belongs to none.
pub(crate) async fn organization(
    ctx: &Ctx,
    clients: &Clients,
    account: &str,
) -> Collected<Organization> {
    let scope = Scope::new(account, &clients.home_region, account);
    let organization = ctx.read(
        Operation::DescribeOrganization,
        &scope,
        &["AWSOrganizationsNotInUseException"],
        clients.organizations().describe_organization().send(),
    );
    organization.await.and_then(|out| {
        out.organization()
            .map(|o| Organization {
                id: o.id().unwrap_or_default().to_string(),
                master_account_id: o.master_account_id().unwrap_or_default().to_string(),
            })
            .into()
    })
}

/// The account's Block Public Access settings; `null` when none are set.
pub(crate) async fn public_access_block(
    ctx: &Ctx,
    clients: &Clients,
    account: &str,
) -> Collected<PublicAccessBlock> {
    let scope = Scope::new(account, &clients.home_region, account);
    ctx.read(
        Operation::GetAccountPublicAccessBlock,
        &scope,
        &["NoSuchPublicAccessBlockConfiguration"],
        clients
            .s3control()
            .get_public_access_block()
            .account_id(account)
            .send(),
    )
    .await
    .map(|out| {
        let c = out.public_access_block_configuration();
        PublicAccessBlock {
            block_public_acls: c.and_then(|c| c.block_public_acls()).unwrap_or(false),
            ignore_public_acls: c.and_then(|c| c.ignore_public_acls()).unwrap_or(false),
            block_public_policy: c.and_then(|c| c.block_public_policy()).unwrap_or(false),
            restrict_public_buckets: c.and_then(|c| c.restrict_public_buckets()).unwrap_or(false),
        }
    })
}
