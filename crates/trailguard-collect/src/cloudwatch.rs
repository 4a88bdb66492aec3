//! CloudWatch: the alarms on a metric filter's metric (DescribeAlarmsForMetric), in the log
//! group's region, with its owner's credentials.

use crate::call::{Ctx, Scope};
use crate::sdk::Clients;
use crate::Operation;
use trailguard_snapshot::{Alarm, Arn, Collected};

/// The alarms on the metric `name` of `namespace`; `Unknown` with a gap when the call failed or
/// answered an alarm without its name or ARN.
pub(crate) async fn alarms_for_metric(
    ctx: &Ctx,
    clients: &Clients,
    account: &str,
    region: &str,
    (namespace, name): (&str, &str),
    log_group: &str,
) -> Collected<Vec<Alarm>> {
    let scope = Scope::new(account, region, log_group);
    let client = clients.cloudwatch(region);
    let answer = ctx.read(
        Operation::DescribeAlarmsForMetric,
        &scope,
        &[],
        client
            .describe_alarms_for_metric()
            .metric_name(name)
            .namespace(namespace)
            .send(),
    );
    answer.await.and_then(|out| {
        let mut alarms = Vec::new();
        for a in out.metric_alarms() {
            // The fields the rules need: an alarm without them is not guessed at.
            let arn = a.alarm_arn().and_then(|arn| {
                let parsed = Arn::parse(arn).ok()?;
                let account = parsed.account_id()?.to_string();
                let region = Some(parsed.region()).filter(|r| !r.is_empty())?.to_string();
                Some((arn, account, region))
            });
            let (
                Some((alarm_arn, alarm_account, alarm_region)),
                Some(alarm_name),
                Some(actions_enabled),
            ) = (arn, a.alarm_name(), a.actions_enabled())
            else {
                ctx.incomplete(
                    Operation::DescribeAlarmsForMetric,
                    &scope,
                    format!(
                        "DescribeAlarmsForMetric answered an alarm on {namespace}/{name} without \
                         its ARN (with its account and region), name or ActionsEnabled"
                    ),
                );
                return Collected::Unknown;
            };
            alarms.push(Alarm {
                alarm_arn: alarm_arn.to_string(),
                alarm_name: alarm_name.to_string(),
                account_id: alarm_account,
                region: alarm_region,
                metric_name: a.metric_name().unwrap_or(name).to_string(),
                namespace: a.namespace().unwrap_or(namespace).to_string(),
                actions_enabled,
                alarm_actions: a.alarm_actions().to_vec(),
                state_value: a.state_value().map(|s| s.as_str().to_string()),
                comparison_operator: a.comparison_operator().map(|c| c.as_str().to_string()),
                threshold: a.threshold(),
                statistic: a.statistic().map(|s| s.as_str().to_string()),
                evaluation_periods: a.evaluation_periods(),
                period: a.period(),
            });
        }
        alarms.sort_by(|a, b| a.alarm_arn.cmp(&b.alarm_arn));
        Collected::Present(alarms)
    })
}
