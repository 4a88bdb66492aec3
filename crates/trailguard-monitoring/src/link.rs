//! What happens after a filter or rule catches an event: metrics, alarms, actions, topics,
//! targets. Each link delivers, was not read, or is broken for reasons said in words.

use crate::snapshot::{entry, is_bool, is_list, is_null, list, show, show_field, Snapshot};
use std::collections::BTreeSet;
use trailguard_json::Json;

/// The delivery of what a filter or rule catches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Link {
    /// It reaches someone.
    Delivers,
    /// A link on the way was not read: it may.
    Unread,
    /// It reaches no one; the problems say why ("alarm a has no action").
    Broken(BTreeSet<String>),
}

impl Link {
    fn broken(problem: String) -> Link {
        Link::Broken(BTreeSet::from([problem]))
    }

    /// The problems of a broken link, joined: "alarm a has no action, topic t does not exist".
    pub fn problems(&self) -> String {
        match self {
            Link::Broken(problems) => problems.iter().cloned().collect::<Vec<_>>().join(", "),
            _ => String::new(),
        }
    }
}

/// The best of several ways: one that delivers, else one not read, else every problem;
/// `none` is the problem when there is no way at all.
pub(crate) fn best(links: impl IntoIterator<Item = Link>, none: impl FnOnce() -> String) -> Link {
    let mut problems = BTreeSet::new();
    let (mut any, mut unread) = (false, false);
    for link in links {
        any = true;
        match link {
            Link::Delivers => return Link::Delivers,
            Link::Unread => unread = true,
            Link::Broken(p) => problems.extend(p),
        }
    }
    if !any {
        Link::broken(none())
    } else if unread {
        Link::Unread
    } else {
        Link::Broken(problems)
    }
}

impl<J: Json> Snapshot<'_, J> {
    /// A metric filter's delivery: through any of its metrics.
    pub fn filter_link(&self, filter: &J) -> Link {
        best(
            list(filter, "MetricTransformations")
                .into_iter()
                .map(|mt| self.metric_link(mt)),
            || "it has no metric".into(),
        )
    }

    fn metric_link(&self, metric: &J) -> Link {
        if !is_list(metric, "AlarmArns") {
            return Link::Unread;
        }
        best(
            list(metric, "AlarmArns")
                .into_iter()
                .map(|arn| self.alarm_link(arn)),
            || {
                format!(
                    "no alarm watches its metric {}/{}",
                    show_field(metric, "MetricNamespace", "?"),
                    show_field(metric, "MetricName", "?")
                )
            },
        )
    }

    /// An alarm with its actions enabled, and an action that delivers.
    fn alarm_link(&self, arn: &J) -> Link {
        let Some(alarm) = arn.as_text().and_then(|arn| entry(self.alarms, arn)) else {
            return Link::Unread;
        };
        let name = || show_field(alarm, "AlarmName", &show(arn));
        let actions = list(alarm, "AlarmActions");
        if actions.is_empty() {
            Link::broken(format!("alarm {} has no action", name()))
        } else if is_bool(alarm, "ActionsEnabled", false) {
            Link::broken(format!("alarm {}'s actions are disabled", name()))
        } else if !is_bool(alarm, "ActionsEnabled", true) {
            Link::Unread
        } else {
            best(
                actions.into_iter().map(|a| self.action_link(a)),
                String::new,
            )
        }
    }

    /// An alarm action or rule target: an SNS topic delivers when it exists and has a confirmed
    /// subscription; any other action (a Lambda function, an SSM OpsItem or incident, an Auto
    /// Scaling or EC2 action, another event bus) is taken to deliver.
    pub fn action_link(&self, arn: &J) -> Link {
        match arn
            .as_text()
            .and_then(|text| Some((text, sns_topic_name(text)?)))
        {
            Some((arn, name)) => self.topic_link(arn, name),
            None => Link::Delivers,
        }
    }

    fn topic_link(&self, arn: &str, name: &str) -> Link {
        let Some(topic) = entry(self.topics, arn) else {
            return Link::Unread;
        };
        if is_null(topic, "Attributes") {
            Link::broken(format!("topic {name} does not exist"))
        } else if !is_list(topic, "Subscriptions") {
            Link::Unread
        } else if list(topic, "Subscriptions")
            .iter()
            .any(|s| is_bool(*s, "Confirmed", true))
        {
            Link::Delivers
        } else {
            Link::broken(format!("topic {name} has no confirmed subscription"))
        }
    }

    /// An EventBridge rule's delivery: through any of its targets.
    pub fn targets_link(&self, rule: &J) -> Link {
        if !is_list(rule, "Targets") {
            return Link::Unread;
        }
        best(
            list(rule, "Targets")
                .into_iter()
                .filter_map(|t| t.get_field("Arn"))
                .map(|arn| self.action_link(arn)),
            || "it has no target".into(),
        )
    }
}

/// The topic's name when `arn` is an SNS topic's ARN (`arn:aws:sns:REGION:ACCOUNT:NAME`).
fn sns_topic_name(arn: &str) -> Option<&str> {
    let parts: Vec<&str> = arn.split(':').collect();
    (parts.len() >= 6 && parts[0] == "arn" && parts[2] == "sns").then(|| parts[5])
}
