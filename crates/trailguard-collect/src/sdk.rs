//! One `SdkConfig` for the whole collection, and per-account service clients built from it.
//!
//! Every client gets an explicit behavior version, adaptive retry, timeouts and the rustls (ring)
//! HTTPS client. With an endpoint override (`--endpoint-url` or `AWS_ENDPOINT_URL`), S3 uses
//! path-style addressing and S3 Control does not put the account id in front of the host.

use crate::error::CollectError;
use crate::options::{Options, Timeouts, DEFAULT_MAX_ATTEMPTS};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// The AWS behavior version every client is built with. Raise it deliberately, after reading the
/// SDK's changelog: it changes defaults such as retry and timeout behaviour.
pub(crate) fn behavior_version() -> BehaviorVersion {
    BehaviorVersion::v2026_01_12()
}

/// The region for calls that are not about a regional resource (IAM, STS, Organizations) when
/// none is configured.
pub(crate) const FALLBACK_REGION: &str = "us-east-1";

/// Attempts of the identity call that opens a collection.
const IDENTITY_ATTEMPTS: u32 = 2;

/// The session name that appears in the scanned accounts' CloudTrail for `--role-arn`.
const SESSION_NAME: &str = "trailguard";

/// The longest wait between two attempts of a call (the SDK's default). Adaptive retry waits
/// up to this long before retrying a throttled call: its client-side rate limiter charges a
/// throttled retry 10 tokens, refilled at 0.5 a second right after a throttle.
const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// The timeout of a call, retries included: the configured one, but never less than every
/// attempt timing out with the longest wait between them. So the attempt budget, not this
/// backstop, ends a call's retries, and its gap says why the last attempt failed
/// (`ThrottlingException`, not `Timeout`, for a call throttled to the end).
pub(crate) fn operation_timeout(timeouts: &Timeouts, attempts: u32) -> Duration {
    let attempts = attempts.max(1);
    let budget =
        timeouts.attempt.saturating_mul(attempts) + MAX_BACKOFF.saturating_mul(attempts - 1);
    timeouts.operation.max(budget)
}

/// Loads the shared configuration: the default credential chain (environment, profiles, SSO,
/// web identity, container and instance metadata) or `--profile`, the endpoint override, retry
/// and timeouts.
pub(crate) async fn load(options: &Options) -> SdkConfig {
    let http_client = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let attempts = if options.max_attempts == 0 {
        DEFAULT_MAX_ATTEMPTS
    } else {
        options.max_attempts
    };
    let mut loader = aws_config::defaults(behavior_version())
        .http_client(http_client)
        .retry_config(
            RetryConfig::adaptive()
                .with_max_attempts(attempts)
                .with_max_backoff(MAX_BACKOFF),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(options.timeouts.connect)
                .operation_attempt_timeout(options.timeouts.attempt)
                .operation_timeout(operation_timeout(&options.timeouts, attempts))
                .build(),
        );
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

/// Checks that the configuration has credentials, before any call is made.
pub(crate) async fn check_credentials(config: &SdkConfig) -> Result<(), CollectError> {
    let provider = config
        .credentials_provider()
        .ok_or_else(|| CollectError::NoCredentials {
            message: "no credential provider is configured".to_string(),
        })?;
    provider
        .provide_credentials()
        .await
        .map(|_| ())
        .map_err(|e| {
            // The chain's error comes from the last provider it tried (often instance metadata);
            // say what was searched, then that error in one line, without the SDK's debug dump.
            let last =
                std::error::Error::source(&e).map_or_else(|| e.to_string(), ToString::to_string);
            CollectError::NoCredentials {
                message: format!(
                    "none found in the environment, shared config and credentials files, SSO, \
                     web identity, or container and instance metadata (last: {last})"
                ),
            }
        })
}

/// The configuration for one `--role-arn`: the base configuration with the role's credentials.
pub(crate) async fn assume_role(
    base: &SdkConfig,
    arn: &str,
    external_id: Option<&str>,
) -> Result<SdkConfig, CollectError> {
    let mut builder = aws_config::sts::AssumeRoleProvider::builder(arn)
        .session_name(SESSION_NAME)
        .configure(base);
    if let Some(id) = external_id {
        builder = builder.external_id(id);
    }
    let provider = builder.build().await;
    // Fetch once now, so a role that cannot be assumed is one clear error, not a gap per call.
    provider
        .provide_credentials()
        .await
        .map_err(|e| CollectError::AssumeRole {
            arn: arn.to_string(),
            message: crate::call::chain(&e),
        })?;
    Ok(base
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build())
}

/// Whether clients are sent to an endpoint other than AWS's (`--endpoint-url`,
/// `AWS_ENDPOINT_URL`, or the S3 / S3 Control service variables).
pub(crate) fn endpoint_overridden(config: &SdkConfig) -> bool {
    config.endpoint_url().is_some()
        || ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_S3_CONTROL"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// The endpoint for messages: the override, or "AWS".
pub(crate) fn endpoint_label(config: &SdkConfig) -> String {
    config.endpoint_url().unwrap_or("AWS").to_string()
}

/// Service clients for one account, built on first use per region and kept.
pub(crate) struct Clients {
    config: SdkConfig,
    overridden: bool,
    /// The region for global services and account-wide calls.
    pub(crate) home_region: String,
    cloudtrail: Mutex<HashMap<String, aws_sdk_cloudtrail::Client>>,
    s3: Mutex<HashMap<String, aws_sdk_s3::Client>>,
    kms: Mutex<HashMap<String, aws_sdk_kms::Client>>,
    logs: Mutex<HashMap<String, aws_sdk_cloudwatchlogs::Client>>,
    cloudwatch: Mutex<HashMap<String, aws_sdk_cloudwatch::Client>>,
    sns: Mutex<HashMap<String, aws_sdk_sns::Client>>,
    events: Mutex<HashMap<String, aws_sdk_eventbridge::Client>>,
    aws_config: Mutex<HashMap<String, aws_sdk_config::Client>>,
}

fn cached<C: Clone>(map: &Mutex<HashMap<String, C>>, region: &str, build: impl FnOnce() -> C) -> C {
    match map.lock() {
        Ok(mut clients) => clients
            .entry(region.to_string())
            .or_insert_with(build)
            .clone(),
        // A poisoned cache only costs a rebuilt client.
        Err(_) => build(),
    }
}

impl Clients {
    pub(crate) fn new(config: SdkConfig, home_region: String) -> Clients {
        Clients {
            overridden: endpoint_overridden(&config),
            config,
            home_region,
            cloudtrail: Mutex::default(),
            s3: Mutex::default(),
            kms: Mutex::default(),
            logs: Mutex::default(),
            cloudwatch: Mutex::default(),
            sns: Mutex::default(),
            events: Mutex::default(),
            aws_config: Mutex::default(),
        }
    }

    fn regional(&self, region: &str) -> SdkConfig {
        self.config
            .to_builder()
            .region(Region::new(region.to_string()))
            .build()
    }

    pub(crate) fn cloudtrail(&self, region: &str) -> aws_sdk_cloudtrail::Client {
        cached(&self.cloudtrail, region, || {
            aws_sdk_cloudtrail::Client::new(&self.regional(region))
        })
    }

    pub(crate) fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        cached(&self.s3, region, || {
            let config = aws_sdk_s3::config::Builder::from(&self.regional(region))
                .force_path_style(self.overridden)
                .build();
            aws_sdk_s3::Client::from_conf(config)
        })
    }

    pub(crate) fn kms(&self, region: &str) -> aws_sdk_kms::Client {
        cached(&self.kms, region, || {
            aws_sdk_kms::Client::new(&self.regional(region))
        })
    }

    pub(crate) fn logs(&self, region: &str) -> aws_sdk_cloudwatchlogs::Client {
        cached(&self.logs, region, || {
            aws_sdk_cloudwatchlogs::Client::new(&self.regional(region))
        })
    }

    pub(crate) fn cloudwatch(&self, region: &str) -> aws_sdk_cloudwatch::Client {
        cached(&self.cloudwatch, region, || {
            aws_sdk_cloudwatch::Client::new(&self.regional(region))
        })
    }

    pub(crate) fn sns(&self, region: &str) -> aws_sdk_sns::Client {
        cached(&self.sns, region, || {
            aws_sdk_sns::Client::new(&self.regional(region))
        })
    }

    pub(crate) fn events(&self, region: &str) -> aws_sdk_eventbridge::Client {
        cached(&self.events, region, || {
            aws_sdk_eventbridge::Client::new(&self.regional(region))
        })
    }

    pub(crate) fn config(&self, region: &str) -> aws_sdk_config::Client {
        cached(&self.aws_config, region, || {
            aws_sdk_config::Client::new(&self.regional(region))
        })
    }

    /// STS for the first call of a collection: two attempts (or fewer, if the configured
    /// budget is smaller), not the full retry budget, so an endpoint that is down is reported in
    /// seconds.
    pub(crate) fn sts(&self) -> aws_sdk_sts::Client {
        let attempts = self.config.retry_config().map_or(IDENTITY_ATTEMPTS, |r| {
            r.max_attempts().min(IDENTITY_ATTEMPTS)
        });
        let config = aws_sdk_sts::config::Builder::from(&self.regional(&self.home_region))
            .retry_config(RetryConfig::standard().with_max_attempts(attempts))
            .build();
        aws_sdk_sts::Client::from_conf(config)
    }

    pub(crate) fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.regional(&self.home_region))
    }

    pub(crate) fn organizations(&self) -> aws_sdk_organizations::Client {
        aws_sdk_organizations::Client::new(&self.regional(&self.home_region))
    }

    pub(crate) fn account(&self) -> aws_sdk_account::Client {
        aws_sdk_account::Client::new(&self.regional(&self.home_region))
    }

    pub(crate) fn s3control(&self) -> aws_sdk_s3control::Client {
        let mut config =
            aws_sdk_s3control::config::Builder::from(&self.regional(&self.home_region));
        if self.overridden {
            config = config.endpoint_resolver(s3control_endpoint::NoAccountHost::default());
        }
        aws_sdk_s3control::Client::from_conf(config.build())
    }
}

/// S3 Control puts the account id in front of the endpoint's host (`123456789012.s3-control...`).
/// Against an endpoint override such as `http://127.0.0.1:5000` that makes a host that does not
/// resolve, so with an override the account id stays out of the host (it is still sent in the
/// `x-amz-account-id` header, which is what the API reads).
mod s3control_endpoint {
    use aws_sdk_s3control::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
    use aws_smithy_runtime_api::client::endpoint::EndpointFuture;

    #[derive(Debug, Default)]
    pub(crate) struct NoAccountHost(DefaultResolver);

    impl ResolveEndpoint for NoAccountHost {
        fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
            let inner = self.0.resolve_endpoint(params);
            EndpointFuture::new(async move {
                let endpoint = inner.await?;
                let prefix = params.account_id().map(|id| format!("://{id}."));
                let url = match prefix {
                    Some(prefix) if endpoint.url().contains(&prefix) => {
                        endpoint.url().replacen(&prefix, "://", 1)
                    }
                    _ => return Ok(endpoint),
                };
                Ok(endpoint.into_builder().url(url).build())
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_throttled_to_the_end_uses_its_attempts_before_the_operation_times_out() {
        // Defaults: 6 attempts of at most 20 s, and up to 20 s of adaptive backoff between them.
        let timeouts = Timeouts::default();
        let attempts = DEFAULT_MAX_ATTEMPTS;
        let longest = timeouts.attempt * attempts + MAX_BACKOFF * (attempts - 1);
        assert!(operation_timeout(&timeouts, attempts) >= longest);
        // Five throttled retries, each after the longest backoff, fit.
        assert!(operation_timeout(&timeouts, attempts) >= MAX_BACKOFF * 5);
        // A longer configured timeout is kept.
        let long = Timeouts {
            operation: Duration::from_secs(3600),
            ..timeouts
        };
        assert_eq!(operation_timeout(&long, 2), Duration::from_secs(3600));
        assert_eq!(
            operation_timeout(&timeouts, 0),
            timeouts.operation.max(timeouts.attempt)
        );
    }
}
