//! AWS Config in one region: DescribeConfigurationRecorders, DescribeConfigurationRecorderStatus,
//! DescribeDeliveryChannels and DescribeDeliveryChannelStatus.

use crate::call::{Ctx, Scope};
use crate::sdk::Clients;
use crate::time::rfc3339;
use crate::Operation;
use aws_sdk_config::types as aws;
use trailguard_snapshot::{
    Collected, ConfigService, ConfigurationRecorder, DeliveryChannel, DeliveryChannelStatus,
    DeliveryInfo, RecorderStatus, RecordingGroup,
};

/// AWS Config in `region` of `account`.
pub(crate) async fn config(
    ctx: &Ctx,
    clients: &Clients,
    account: &str,
    region: &str,
) -> ConfigService {
    let scope = Scope::new(account, region, account);
    let client = clients.config(region);
    let (recorders, statuses, channels, channel_statuses) = tokio::join!(
        ctx.read(
            Operation::DescribeConfigurationRecorders,
            &scope,
            &[],
            client.describe_configuration_recorders().send(),
        ),
        ctx.read(
            Operation::DescribeConfigurationRecorderStatus,
            &scope,
            &[],
            client.describe_configuration_recorder_status().send(),
        ),
        ctx.read(
            Operation::DescribeDeliveryChannels,
            &scope,
            &[],
            client.describe_delivery_channels().send(),
        ),
        ctx.read(
            Operation::DescribeDeliveryChannelStatus,
            &scope,
            &[],
            client.describe_delivery_channel_status().send(),
        ),
    );
    // Each list is keyed by name for the rules (a status joins its recorder by name): an item
    // AWS answered without one makes that list unknown, with a gap, rather than guessed at.
    let named = |op: Operation, names: Vec<Option<&str>>| {
        let complete = names.iter().all(Option::is_some);
        if !complete {
            ctx.incomplete(
                op,
                &scope,
                format!("{} answered an item without its name", op.name()),
            );
        }
        complete
    };
    ConfigService {
        recorders: recorders.and_then(|out| {
            let items = out.configuration_recorders();
            if !named(
                Operation::DescribeConfigurationRecorders,
                items.iter().map(|r| r.name()).collect(),
            ) {
                return Collected::Unknown;
            }
            let mut list: Vec<ConfigurationRecorder> = items.iter().map(recorder).collect();
            list.sort_by(|a, b| a.name.cmp(&b.name));
            Collected::Present(list)
        }),
        recorder_statuses: statuses.and_then(|out| {
            let items = out.configuration_recorders_status();
            if !named(
                Operation::DescribeConfigurationRecorderStatus,
                items.iter().map(|r| r.name()).collect(),
            ) {
                return Collected::Unknown;
            }
            let mut list: Vec<RecorderStatus> = items
                .iter()
                .filter_map(|s| {
                    Some(RecorderStatus {
                        name: s.name()?.to_string(),
                        recording: s.recording(),
                        last_status: s.last_status().map(|v| v.as_str().to_string()),
                        last_error_code: s.last_error_code().map(str::to_string),
                    })
                })
                .collect();
            list.sort_by(|a, b| a.name.cmp(&b.name));
            Collected::Present(list)
        }),
        delivery_channels: channels.and_then(|out| {
            let items = out.delivery_channels();
            if !named(
                Operation::DescribeDeliveryChannels,
                items.iter().map(|c| c.name()).collect(),
            ) {
                return Collected::Unknown;
            }
            let mut list: Vec<DeliveryChannel> = items
                .iter()
                .filter_map(|c| {
                    Some(DeliveryChannel {
                        name: c.name()?.to_string(),
                        s3_bucket_name: c.s3_bucket_name().map(str::to_string),
                        sns_topic_arn: c.sns_topic_arn().map(str::to_string),
                    })
                })
                .collect();
            list.sort_by(|a, b| a.name.cmp(&b.name));
            Collected::Present(list)
        }),
        delivery_channel_statuses: channel_statuses.and_then(|out| {
            let items = out.delivery_channels_status();
            if !named(
                Operation::DescribeDeliveryChannelStatus,
                items.iter().map(|c| c.name()).collect(),
            ) {
                return Collected::Unknown;
            }
            let mut list: Vec<DeliveryChannelStatus> = items
                .iter()
                .filter_map(|c| {
                    Some(DeliveryChannelStatus {
                        name: c.name()?.to_string(),
                        config_history_delivery_info: c
                            .config_history_delivery_info()
                            .map(export_info),
                        config_snapshot_delivery_info: c
                            .config_snapshot_delivery_info()
                            .map(export_info),
                        config_stream_delivery_info: c.config_stream_delivery_info().map(|i| {
                            DeliveryInfo {
                                last_status: i.last_status().map(|s| s.as_str().to_string()),
                                last_error_code: i.last_error_code().map(str::to_string),
                                last_attempt_time: i.last_status_change_time().and_then(rfc3339),
                            }
                        }),
                    })
                })
                .collect();
            list.sort_by(|a, b| a.name.cmp(&b.name));
            Collected::Present(list)
        }),
    }
}

fn recorder(r: &aws::ConfigurationRecorder) -> ConfigurationRecorder {
    ConfigurationRecorder {
        // Checked present by the caller.
        name: r.name().unwrap_or("").to_string(),
        role_arn: r.role_arn().map(str::to_string),
        recording_group: r.recording_group().map(|g| RecordingGroup {
            all_supported: g.all_supported(),
            include_global_resource_types: g.include_global_resource_types(),
            resource_types: g
                .resource_types()
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
            exclusion_by_resource_types: g
                .exclusion_by_resource_types()
                // No exclusion object: nothing is excluded.
                .map_or_else(Vec::new, |e| {
                    e.resource_types()
                        .iter()
                        .map(|t| t.as_str().to_string())
                        .collect()
                }),
            recording_strategy: g
                .recording_strategy()
                .and_then(|s| s.use_only())
                .map(|u| u.as_str().to_string()),
        }),
        recording_scope: r.recording_scope().map(|s| s.as_str().to_string()),
        service_principal: r.service_principal().map(str::to_string),
    }
}

fn export_info(i: &aws::ConfigExportDeliveryInfo) -> DeliveryInfo {
    DeliveryInfo {
        last_status: i.last_status().map(|s| s.as_str().to_string()),
        last_error_code: i.last_error_code().map(str::to_string),
        last_attempt_time: i.last_attempt_time().and_then(rfc3339),
    }
}
