//! KMS keys that encrypt trail logs: DescribeKey, GetKeyPolicy, GetKeyRotationStatus and
//! ListAliases, in the key's region.

use crate::call::{Ctx, Scope};
use crate::s3::parse_json;
use crate::sdk::Clients;
use crate::time::rfc3339;
use crate::Operation;
use aws_sdk_kms::types as aws;
use trailguard_snapshot::{Arn, Collected, KeyManager, KeyMetadata, KmsKey};

/// A key policy's only name.
const DEFAULT_POLICY_NAME: &str = "default";

/// The region of a key ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`); `None` for anything else.
pub(crate) fn key_region(arn: &Arn) -> Option<&str> {
    Some(arn.region()).filter(|r| !r.is_empty())
}

/// The account of a trail's `KmsKeyId` when it is a key ARN with one.
pub(crate) fn key_account(key: &str) -> Option<String> {
    Arn::parse(key).ok()?.account_id().map(str::to_string)
}

/// Reads one key, with the credentials of `account`.
pub(crate) async fn key(
    ctx: &Ctx,
    clients: &Clients,
    account: &str,
    arn: &str,
    fallback_region: &str,
) -> KmsKey {
    let parsed = Arn::parse(arn);
    // A KmsKeyId that is not an ARN names no region: the trail's is the best guess, and the
    // note of any gap says why the call may have failed.
    let region = parsed
        .as_ref()
        .ok()
        .and_then(key_region)
        .unwrap_or(fallback_region);
    let mut scope = Scope::new(account, region, arn);
    scope.note = match &parsed {
        Ok(key) if key.account_id() == Some(account) => None,
        Ok(_) => {
            Some("the key belongs to an account that is not scanned; scan it too with --role-arn")
        }
        Err(_) => Some("the trail's KmsKeyId is not a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)"),
    };
    let client = clients.kms(region);
    let (metadata, policy, rotation, aliases) = tokio::join!(
        ctx.read(
            Operation::DescribeKey,
            &scope,
            &[],
            client.describe_key().key_id(arn).send(),
        ),
        ctx.read(
            Operation::GetKeyPolicy,
            &scope,
            &[],
            client
                .get_key_policy()
                .key_id(arn)
                .policy_name(DEFAULT_POLICY_NAME)
                .send(),
        ),
        ctx.read(
            Operation::GetKeyRotationStatus,
            &scope,
            &[],
            client.get_key_rotation_status().key_id(arn).send(),
        ),
        async {
            let pages = ctx.read_pages(
                Operation::ListAliases,
                &scope,
                client.list_aliases().key_id(arn).into_paginator().send(),
            );
            pages.await.map(|pages| {
                pages
                    .iter()
                    .flat_map(|p| p.aliases())
                    .filter_map(|a| a.alias_name().map(str::to_string))
                    .collect()
            })
        },
    );
    KmsKey {
        arn: arn.to_string(),
        key_metadata: metadata.and_then(|out| metadata_of(ctx, &scope, out.key_metadata())),
        policy: policy.and_then(|out| match out.policy() {
            Some(text) => Collected::Present(parse_json(text)),
            None => {
                ctx.incomplete(
                    Operation::GetKeyPolicy,
                    &scope,
                    "GetKeyPolicy answered without the Policy".to_string(),
                );
                Collected::Unknown
            }
        }),
        key_rotation_enabled: rotation.map(|out| out.key_rotation_enabled()),
        aliases,
    }
}

/// The metadata DescribeKey answered; `Unknown` with a gap naming the fields the rules need that
/// it left out.
fn metadata_of(
    ctx: &Ctx,
    scope: &Scope<'_>,
    metadata: Option<&aws::KeyMetadata>,
) -> Collected<KeyMetadata> {
    let missing = match metadata.map(key_metadata) {
        Some(Ok(metadata)) => return Collected::Present(metadata),
        Some(Err(fields)) => fields.join(", "),
        None => "KeyMetadata".to_string(),
    };
    ctx.incomplete(
        Operation::DescribeKey,
        scope,
        format!("DescribeKey answered without {missing}"),
    );
    Collected::Unknown
}

/// The key's metadata, or the fields the rules need that DescribeKey left out: its account,
/// state and manager (AWS or customer).
fn key_metadata(m: &aws::KeyMetadata) -> Result<KeyMetadata, Vec<&'static str>> {
    let mut missing = Vec::new();
    let aws_account_id = m.aws_account_id().filter(|id| !id.is_empty());
    if aws_account_id.is_none() {
        missing.push("AWSAccountId");
    }
    let key_state = m.key_state();
    if key_state.is_none() {
        missing.push("KeyState");
    }
    let key_manager = match m.key_manager() {
        Some(aws::KeyManagerType::Aws) => Some(KeyManager::Aws),
        // An unknown value from a newer API is not AWS's: judged as the customer's.
        Some(_) => Some(KeyManager::Customer),
        None => None,
    };
    if key_manager.is_none() {
        missing.push("KeyManager");
    }
    match (aws_account_id, key_state, key_manager) {
        (Some(aws_account_id), Some(key_state), Some(key_manager)) if missing.is_empty() => {
            Ok(KeyMetadata {
                key_id: m.key_id().to_string(),
                aws_account_id: aws_account_id.to_string(),
                enabled: m.enabled(),
                key_state: key_state.as_str().to_string(),
                key_manager,
                key_usage: m.key_usage().map(|u| u.as_str().to_string()),
                key_spec: m.key_spec().map(|s| s.as_str().to_string()),
                origin: m.origin().map(|o| o.as_str().to_string()),
                // AWS: a key is single-Region unless created with MultiRegion true ("Default:
                // false"); keys older than multi-Region keys carry no flag (moto sends null).
                multi_region: m.multi_region().unwrap_or(false),
                deletion_date: m.deletion_date().and_then(rfc3339),
                description: m.description().map(str::to_string),
            })
        }
        _ => Err(missing),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Concurrency;
    use crate::NoProgress;
    use std::sync::Arc;

    const ARN: &str = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd";

    fn metadata() -> aws::builders::KeyMetadataBuilder {
        aws::KeyMetadata::builder()
            .key_id("1234abcd")
            .aws_account_id("111122223333")
            .enabled(true)
            .key_state(aws::KeyState::Enabled)
            .key_manager(aws::KeyManagerType::Customer)
            .multi_region(false)
    }

    #[test]
    fn a_describe_key_response_without_an_account_is_a_gap_not_an_empty_account() {
        let ctx = Ctx::new(Concurrency::default(), Arc::new(NoProgress));
        let scope = Scope::new("111122223333", "eu-west-1", ARN);
        let without = metadata().set_aws_account_id(None).build().unwrap();
        assert!(metadata_of(&ctx, &scope, Some(&without)).is_unknown());
        let no_metadata = metadata_of(&ctx, &scope, None);
        assert!(no_metadata.is_unknown());
        let gaps = ctx.take_gaps();
        let messages: Vec<&str> = gaps.iter().map(|g| g.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "DescribeKey answered without AWSAccountId",
                "DescribeKey answered without KeyMetadata"
            ]
        );
        assert!(gaps
            .iter()
            .all(|g| g.operation == "DescribeKey" && g.resource == ARN));
        // A complete answer is the key's metadata, in its account.
        let complete = metadata_of(&ctx, &scope, Some(&metadata().build().unwrap()));
        assert_eq!(
            complete.present().map(|m| m.aws_account_id.as_str()),
            Some("111122223333")
        );
        assert_eq!(ctx.take_gaps(), []);
    }

    #[test]
    fn a_key_without_its_state_or_manager_is_not_judged_on_defaults() {
        let m = metadata()
            .set_key_state(None)
            .set_key_manager(None)
            .build()
            .unwrap();
        assert_eq!(key_metadata(&m).unwrap_err(), ["KeyState", "KeyManager"]);
        // MultiRegion has AWS's documented default (moto sends null): a single-Region key.
        let m = metadata().set_multi_region(None).build().unwrap();
        assert_eq!(key_metadata(&m).map(|k| k.multi_region), Ok(false));
    }

    #[test]
    fn the_account_and_region_of_a_key_come_from_its_arn() {
        assert_eq!(key_account(ARN).as_deref(), Some("111122223333"));
        assert_eq!(
            Arn::parse(ARN).ok().as_ref().and_then(key_region),
            Some("eu-west-1")
        );
        // Not a key ARN: no account, rather than an empty one.
        assert_eq!(key_account("1234abcd"), None);
        assert_eq!(key_account("alias/logs"), None);
        assert_eq!(key_account("arn:aws:kms:eu-west-1:key/1234abcd"), None);
    }
}
