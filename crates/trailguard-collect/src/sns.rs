//! SNS: the topics alarms and EventBridge rules notify: GetTopicAttributes (policy, encryption)
//! and ListSubscriptionsByTopic, in the topic's region.
//!
//! A subscription is confirmed when its `SubscriptionArn` is an ARN (`PendingConfirmation` until
//! then). The topic attributes' subscription counts are not used: they lag, and moto reports
//! them as 0.

use crate::call::{Ctx, Scope};
use crate::s3::parse_json;
use crate::sdk::Clients;
use crate::Operation;
use trailguard_snapshot::{Arn, Collected, Subscription, Topic, TopicAttributes};

/// What AWS answers for a topic that does not exist.
const NOT_FOUND: &[&str] = &["NotFound", "NotFoundException"];

/// The region and account of a topic ARN (`arn:aws:sns:REGION:ACCOUNT:NAME`); `None` for any
/// other ARN.
pub(crate) fn locate(arn: &str) -> Option<(String, String)> {
    let parsed = Arn::parse(arn).ok()?;
    let account = parsed.account_id()?;
    (parsed.service() == "sns" && !parsed.region().is_empty())
        .then(|| (parsed.region().to_string(), account.to_string()))
}

/// Reads the topic `arn` with the credentials of `reader` (its owner when the owner is
/// scanned).
pub(crate) async fn topic(
    ctx: &Ctx,
    clients: &Clients,
    reader: &str,
    arn: &str,
    (region, owner): &(String, String),
) -> Topic {
    let mut scope = Scope::new(reader, region, arn);
    if reader != owner {
        scope.note = Some(
            "the topic belongs to an account that is not scanned; scan it too with --role-arn",
        );
    }
    let client = clients.sns(region);
    let attributes = ctx
        .read(
            Operation::GetTopicAttributes,
            &scope,
            NOT_FOUND,
            client.get_topic_attributes().topic_arn(arn).send(),
        )
        .await
        .map(|out| {
            let get = |key: &str| out.attributes().and_then(|a| a.get(key));
            TopicAttributes {
                policy: get("Policy").map(|text| parse_json(text)),
                kms_master_key_id: get("KmsMasterKeyId").filter(|k| !k.is_empty()).cloned(),
            }
        });
    let subscriptions = match attributes {
        // A topic that does not exist has no subscriptions to list.
        Collected::Absent => Collected::Present(Vec::new()),
        _ => {
            let pages = ctx.read_pages(
                Operation::ListSubscriptionsByTopic,
                &scope,
                client
                    .list_subscriptions_by_topic()
                    .topic_arn(arn)
                    .into_paginator()
                    .send(),
            );
            pages.await.and_then(|pages| {
                let mut list = Vec::new();
                for s in pages.iter().flat_map(|p| p.subscriptions()) {
                    let (Some(subscription_arn), Some(protocol), Some(endpoint)) =
                        (s.subscription_arn(), s.protocol(), s.endpoint())
                    else {
                        ctx.incomplete(
                            Operation::ListSubscriptionsByTopic,
                            &scope,
                            "ListSubscriptionsByTopic answered a subscription without its ARN, \
                             protocol or endpoint"
                                .to_string(),
                        );
                        return Collected::Unknown;
                    };
                    list.push(Subscription {
                        confirmed: subscription_arn.starts_with("arn:"),
                        subscription_arn: subscription_arn.to_string(),
                        protocol: protocol.to_string(),
                        endpoint: endpoint.to_string(),
                    });
                }
                list.sort_by(|a, b| {
                    (&a.endpoint, &a.subscription_arn).cmp(&(&b.endpoint, &b.subscription_arn))
                });
                Collected::Present(list)
            })
        }
    };
    Topic {
        topic_arn: arn.to_string(),
        account_id: owner.clone(),
        region: region.clone(),
        attributes,
        subscriptions,
    }
}

#[cfg(test)]
mod tests {
    use super::locate;

    #[test]
    fn a_topic_arn_names_its_region_and_account_and_other_arns_none() {
        assert_eq!(
            locate("arn:aws:sns:eu-west-1:111122223333:ops-alerts"),
            Some(("eu-west-1".to_string(), "111122223333".to_string()))
        );
        assert_eq!(
            locate("arn:aws:lambda:eu-west-1:111122223333:function:f"),
            None
        );
        assert_eq!(locate("arn:aws:automate:eu-west-1:ec2:stop"), None);
        assert_eq!(locate("ops-alerts"), None);
    }
}
