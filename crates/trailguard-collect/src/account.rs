//! Account-wide facts: who the credentials are (GetCallerIdentity), the enabled regions
//! (ListRegions), the organisation (DescribeOrganization) and the account's Block Public Access
//! (s3control GetPublicAccessBlock).

use crate::call::{Ctx, FailureKind, Scope};
use crate::error::CollectError;
use crate::sdk::Clients;
use crate::Operation;
use aws_sdk_account::types::RegionOptStatus;
use trailguard_snapshot::{Arn, CallerIdentity, Collected, Organization, PublicAccessBlock};

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
        Ok(out) => identity_of(out.account(), out.arn(), out.user_id()),
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

/// The caller identity from GetCallerIdentity's fields. Each is required: without the account
/// (12 digits) there is no account to key the snapshot by, and the ARN and user id say who
/// collected it. A missing or malformed one stops the collection rather than keying the snapshot
/// by `""`.
fn identity_of(
    account: Option<&str>,
    arn: Option<&str>,
    user_id: Option<&str>,
) -> Result<CallerIdentity, CollectError> {
    let incomplete = |problem: String| CollectError::IncompleteIdentity { problem };
    let account = account.ok_or_else(|| incomplete("it has no Account".to_string()))?;
    if !trailguard_snapshot::is_account_id(account) {
        return Err(incomplete(format!(
            "its Account {account:?} is not a 12-digit account id"
        )));
    }
    let arn = arn.ok_or_else(|| incomplete("it has no Arn".to_string()))?;
    Arn::parse(arn).map_err(|e| incomplete(format!("its Arn is malformed: {e}")))?;
    let user_id = user_id.ok_or_else(|| incomplete("it has no UserId".to_string()))?;
    Ok(CallerIdentity {
        account: account.to_string(),
        arn: arn.to_string(),
        user_id: user_id.to_string(),
    })
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
    organization
        .await
        .and_then(|out| organization_of(ctx, &scope, out.organization()))
}

/// The organisation DescribeOrganization answered; `Unknown` with a gap when it left out the
/// organisation's id or its management account.
fn organization_of(
    ctx: &Ctx,
    scope: &Scope<'_>,
    organization: Option<&aws_sdk_organizations::types::Organization>,
) -> Collected<Organization> {
    match organization {
        None => Collected::Absent,
        Some(o) => match (o.id(), o.master_account_id()) {
            (Some(id), Some(master)) if !id.is_empty() && !master.is_empty() => {
                Collected::Present(Organization {
                    id: id.to_string(),
                    master_account_id: master.to_string(),
                })
            }
            (id, _) => {
                let missing = if id.is_none_or(str::is_empty) {
                    "Id"
                } else {
                    "MasterAccountId"
                };
                ctx.incomplete(
                    Operation::DescribeOrganization,
                    scope,
                    format!("DescribeOrganization answered without the organisation's {missing}"),
                );
                Collected::Unknown
            }
        },
    }
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
        // A setting left out is not set, and S3 enforces only the settings that are true.
        PublicAccessBlock {
            block_public_acls: c.and_then(|c| c.block_public_acls()).unwrap_or(false),
            ignore_public_acls: c.and_then(|c| c.ignore_public_acls()).unwrap_or(false),
            block_public_policy: c.and_then(|c| c.block_public_policy()).unwrap_or(false),
            restrict_public_buckets: c.and_then(|c| c.restrict_public_buckets()).unwrap_or(false),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Concurrency;
    use crate::NoProgress;
    use aws_sdk_organizations::types::Organization as AwsOrganization;
    use std::sync::Arc;

    const USER: &str = "arn:aws:iam::111122223333:user/ops";

    #[test]
    fn a_caller_identity_without_an_account_stops_the_collection() {
        let error = identity_of(None, Some(USER), Some("AIDA")).unwrap_err();
        assert!(matches!(error, CollectError::IncompleteIdentity { .. }));
        assert!(error.to_string().contains("it has no Account"), "{error}");
        // Not keyed by a malformed account either, nor collected for a malformed principal.
        let error = identity_of(Some(""), Some(USER), Some("AIDA")).unwrap_err();
        assert!(error.to_string().contains("not a 12-digit"), "{error}");
        let error = identity_of(Some("111122223333"), Some("ops"), Some("AIDA")).unwrap_err();
        assert!(error.to_string().contains("invalid ARN"), "{error}");
        assert!(identity_of(Some("111122223333"), None, Some("AIDA")).is_err());
        assert!(identity_of(Some("111122223333"), Some(USER), None).is_err());
        let identity = identity_of(Some("111122223333"), Some(USER), Some("AIDA")).unwrap();
        assert_eq!(identity.account, "111122223333");
    }

    #[test]
    fn an_organization_without_its_management_account_is_a_gap_not_an_empty_id() {
        let ctx = Ctx::new(Concurrency::default(), Arc::new(NoProgress));
        let scope = Scope::new("111122223333", "us-east-1", "111122223333");
        let partial = AwsOrganization::builder().id("o-1").build();
        assert!(organization_of(&ctx, &scope, Some(&partial)).is_unknown());
        let gaps = ctx.take_gaps();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert_eq!(gaps[0].operation, "DescribeOrganization");
        assert!(
            gaps[0].message.ends_with("MasterAccountId"),
            "{}",
            gaps[0].message
        );
        // No organisation at all is a fact, not a gap.
        assert!(matches!(
            organization_of(&ctx, &scope, None),
            Collected::Absent
        ));
        let whole = AwsOrganization::builder()
            .id("o-1")
            .master_account_id("444455556666")
            .build();
        assert!(organization_of(&ctx, &scope, Some(&whole))
            .present()
            .is_some());
        assert_eq!(ctx.take_gaps(), []);
    }
}
