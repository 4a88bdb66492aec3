//! KMS keys that encrypt trail logs: DescribeKey, GetKeyPolicy, GetKeyRotationStatus and
//! ListAliases, in the key's region.

use crate::call::{Ctx, Scope};
use crate::s3::parse_json;
use crate::sdk::Clients;
use crate::time::rfc3339;
use crate::Operation;
use aws_sdk_kms::types as aws;
use trailguard_snapshot::{KeyManager, KeyMetadata, KmsKey};

/// A key policy's only name.
const DEFAULT_POLICY_NAME: &str = "default";

/// The region of a key ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`).
pub(crate) fn key_region(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

/// Reads one key, with the credentials of `account`.
pub(crate) async fn key(
    ctx: &Ctx,
    clients: &Clients,
    account: &str,
    arn: &str,
    fallback_region: &str,
) -> KmsKey {
    let region = key_region(arn).unwrap_or(fallback_region);
    let mut scope = Scope::new(account, region, arn);
    if arn.split(':').nth(4) != Some(account) {
        scope.note =
            Some("the key belongs to an account that is not scanned; scan it too with --role-arn");
    }
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
        key_metadata: metadata.map(|out| out.key_metadata().map(key_metadata).unwrap_or_default()),
        policy: policy.map(|out| parse_json(out.policy().unwrap_or_default())),
        key_rotation_enabled: rotation.map(|out| out.key_rotation_enabled()),
        aliases,
    }
}

fn key_metadata(m: &aws::KeyMetadata) -> KeyMetadata {
    KeyMetadata {
        key_id: m.key_id().to_string(),
        aws_account_id: m.aws_account_id().unwrap_or_default().to_string(),
        enabled: m.enabled(),
        key_state: m
            .key_state()
            .map_or_else(String::new, |s| s.as_str().to_string()),
        key_manager: match m.key_manager() {
            Some(aws::KeyManagerType::Aws) => KeyManager::Aws,
            _ => KeyManager::Customer,
        },
        key_usage: m.key_usage().map(|u| u.as_str().to_string()),
        key_spec: m.key_spec().map(|s| s.as_str().to_string()),
        origin: m.origin().map(|o| o.as_str().to_string()),
        multi_region: m.multi_region().unwrap_or(false),
        deletion_date: m.deletion_date().and_then(rfc3339),
        description: m.description().map(str::to_string),
    }
}
