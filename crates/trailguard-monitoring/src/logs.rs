//! The CloudWatch Logs path: a trail delivers the account's events to a log group, whose metric
//! filters catch some of them, each filter with the delivery of its metric's alarms.
//!
//! A log group's filters are judged once per question: a filter pattern catches a record in every
//! account or in none unless it can see the account id ([`fixed_pattern`]); only such a pattern
//! is matched again per account.

use crate::link::Link;
use crate::outcome::{any_of, listing, Outcome};
use crate::record::Event;
use crate::snapshot::{entry, is_list, is_null, list, show_field, text, Snapshot};
use crate::{DeliveringTrail, TrailState};
use std::collections::BTreeSet;
use std::sync::Arc;
use trailguard_json::Json;
use trailguard_patterns::logs::{FilterPattern, LogEvent};
use trailguard_patterns::PatternCache;

/// For each fixed filter pattern matched so far in a question (by the address of the parsed
/// pattern, which the snapshot's models keep alive), whether it catches each event.
pub(crate) type Caught = std::collections::HashMap<usize, Arc<Vec<bool>>>;

/// One metric filter of a log group.
pub(crate) struct Filter {
    name: String,
    /// The parsed pattern, or why trailguard cannot judge it.
    pattern: Result<Arc<FilterPattern>, String>,
    link: Link,
    /// It catches the same records in every account.
    fixed: bool,
}

/// A log group's metric filters as the snapshot has them, read once per snapshot.
pub(crate) enum GroupModel {
    /// The group or its filters were not read.
    Unknown,
    /// AWS says the group does not exist.
    Missing { name: String },
    /// Its filters were read.
    Known { name: String, filters: Vec<Filter> },
}

/// What a log group's metric filters catch of one question's events.
pub(crate) struct LogGroup<'m> {
    model: &'m GroupModel,
    /// By event, the fixed filters (judged) that catch it.
    hits: Vec<Vec<usize>>,
    /// The judged filters that are not fixed, matched per account.
    variable: Vec<usize>,
}

/// Whether a filter pattern catches a record in every account or in none: one without a digit (a
/// twelve-digit account id differs from another only in its digits), or a JSON pattern that
/// selects no field holding the account id (no accountId or recipientAccountId, no wildcard
/// selector).
pub(crate) fn fixed_pattern(pattern: &str) -> bool {
    !pattern.bytes().any(|b| b.is_ascii_digit())
        || (pattern.trim().starts_with('{')
            && !pattern.contains("ccountId")
            && !pattern.contains(".*")
            && !pattern.contains("*]"))
}

/// A log group's name for messages: its LogGroupName, else the name in its ARN, else the key.
fn group_name<J: Json>(key: &str, group: &J) -> String {
    if let Some(name) = text(group, "LogGroupName") {
        return name.to_string();
    }
    match key.split(":log-group:").collect::<Vec<_>>().as_slice() {
        [_, name] => name.to_string(),
        _ => key.to_string(),
    }
}

impl GroupModel {
    /// The log group `key` (a trail's CloudWatchLogsLogGroupArn without `:*`) of the snapshot.
    pub fn new<J: Json>(snapshot: &Snapshot<'_, J>, key: &str, cache: &PatternCache) -> GroupModel {
        let Some(group) = entry(snapshot.log_groups, key) else {
            return GroupModel::Unknown;
        };
        let name = group_name(key, group);
        if is_null(group, "Settings") {
            return GroupModel::Missing { name };
        }
        if !is_list(group, "MetricFilters") {
            return GroupModel::Unknown;
        }
        let filters = list(group, "MetricFilters")
            .into_iter()
            .map(|f| {
                let text = match f.get_field("FilterPattern") {
                    None => Some(""),
                    Some(p) => p.as_text(),
                };
                let (pattern, fixed) = match text {
                    Some(text) => (cache.filter(text), fixed_pattern(text)),
                    None => (Err("the filter pattern is not a string".into()), true),
                };
                Filter {
                    name: show_field(f, "FilterName", "(unnamed)"),
                    pattern,
                    link: snapshot.filter_link(f),
                    fixed,
                }
            })
            .collect();
        GroupModel::Known { name, filters }
    }
}

impl<'m> LogGroup<'m> {
    /// What the group's filters catch of `events`; `caught` keeps, for each fixed pattern
    /// already matched in this question, which events it catches (an organisation's log groups
    /// share their filters' patterns).
    pub fn new(model: &'m GroupModel, events: &[Event], caught: &mut Caught) -> LogGroup<'m> {
        let mut group = LogGroup {
            model,
            hits: vec![Vec::new(); events.len()],
            variable: Vec::new(),
        };
        let GroupModel::Known { filters, .. } = model else {
            return group;
        };
        for (i, f) in filters.iter().enumerate() {
            let Ok(parsed) = &f.pattern else {
                continue;
            };
            if !f.fixed {
                group.variable.push(i);
                continue;
            }
            let hits = caught
                .entry(Arc::as_ptr(parsed) as usize)
                .or_insert_with(|| {
                    Arc::new(
                        events
                            .iter()
                            .map(|e| parsed.matches(&LogEvent::json(&e.record)))
                            .collect(),
                    )
                });
            for (e, hit) in hits.iter().enumerate() {
                if *hit {
                    group.hits[e].push(i);
                }
            }
        }
        group
    }

    /// The outcome of event `i` on this log group, for account `account`.
    pub fn outcome(&self, account: &str, i: usize, e: &Event) -> Outcome {
        match self.model {
            GroupModel::Unknown => Outcome::Unknown,
            GroupModel::Missing { name } => {
                Outcome::Uncovered(format!("log group {name} does not exist"))
            }
            GroupModel::Known { name, filters } => {
                let mut catching: Vec<usize> = self.hits[i].clone();
                if !self.variable.is_empty() {
                    let record = e.record_in(account, &e.region);
                    let event = LogEvent::json(&record);
                    catching.extend(
                        self.variable.iter().copied().filter(|&f| {
                            filters[f].pattern.as_ref().is_ok_and(|p| p.matches(&event))
                        }),
                    );
                }
                filters_outcome(name, filters, &catching)
            }
        }
    }
}

fn filters_outcome(name: &str, filters: &[Filter], catching: &[usize]) -> Outcome {
    if catching.iter().any(|&f| filters[f].link == Link::Delivers) {
        return Outcome::Covered;
    }
    let cannot: BTreeSet<String> = filters
        .iter()
        .filter(|f| !matches!(f.link, Link::Broken(_)))
        .filter_map(|f| {
            let error = f.pattern.as_ref().err()?;
            Some(format!(
                "cannot judge filter {} on log group {name}: {error}",
                f.name
            ))
        })
        .collect();
    if !cannot.is_empty() {
        return Outcome::Unjudged(cannot);
    }
    if catching.iter().any(|&f| filters[f].link == Link::Unread) {
        return Outcome::Unknown;
    }
    Outcome::Uncovered(missed(name, filters, catching))
}

/// Why no filter of the log group delivers the event.
fn missed(name: &str, filters: &[Filter], catching: &[usize]) -> String {
    if !catching.is_empty() {
        let each: BTreeSet<String> = catching
            .iter()
            .map(|&f| {
                format!(
                    "filter {} on log group {name} catches {{it}}, but {}",
                    filters[f].name,
                    filters[f].link.problems()
                )
            })
            .collect();
        return each.into_iter().collect::<Vec<_>>().join("; ");
    }
    if filters.is_empty() {
        return format!("log group {name} has no metric filter");
    }
    let judged: BTreeSet<String> = filters
        .iter()
        .filter(|f| f.pattern.is_ok())
        .map(|f| f.name.clone())
        .collect();
    if judged.is_empty() {
        return format!("no metric filter on log group {name} catches {{it}}");
    }
    format!(
        "no metric filter on log group {name} catches {{it}} — {} {{it}}",
        listing(("filter", "misses"), ("filters", "miss"), &judged)
    )
}

/// A log group the account's trails deliver to, and how surely they do.
pub(crate) struct Chain<'t> {
    pub key: &'t str,
    pub state: TrailState,
    /// For a log group only failing trails deliver to, why.
    pub failing: String,
}

/// The log groups the account's delivering trails (by ARN, `arns`) send to.
pub(crate) fn account_chains<'t>(
    arns: &[&str],
    delivering: &'t std::collections::HashMap<String, DeliveringTrail>,
) -> Vec<Chain<'t>> {
    let trails: Vec<&DeliveringTrail> = arns.iter().filter_map(|a| delivering.get(*a)).collect();
    let keys: BTreeSet<&str> = trails.iter().map(|t| t.log_group.as_str()).collect();
    keys.into_iter()
        .map(|key| {
            let to_it: Vec<&&DeliveringTrail> =
                trails.iter().filter(|t| t.log_group == key).collect();
            let state = if to_it.iter().any(|t| t.state == TrailState::Delivers) {
                TrailState::Delivers
            } else if to_it.iter().any(|t| t.state == TrailState::Maybe) {
                TrailState::Maybe
            } else {
                TrailState::Failing
            };
            let failing: BTreeSet<String> = to_it
                .iter()
                .filter(|t| t.state == TrailState::Failing)
                .map(|t| {
                    format!(
                        "trail {}'s delivery to CloudWatch Logs fails ({})",
                        t.name, t.error
                    )
                })
                .collect();
            Chain {
                key,
                state,
                failing: failing.into_iter().collect::<Vec<_>>().join("; "),
            }
        })
        .collect()
}

/// The event's outcome on the account's CloudWatch path: through any of its chains, or unknown
/// when the account's trails are not all known (`unread`).
pub(crate) fn cloudwatch_outcome(
    account: &str,
    i: usize,
    e: &Event,
    chains: &[(&Chain<'_>, &LogGroup<'_>)],
    unread: bool,
) -> Outcome {
    let mut outcomes: Vec<Outcome> = chains
        .iter()
        .map(|(chain, group)| match chain.state {
            TrailState::Failing => Outcome::Uncovered(chain.failing.clone()),
            TrailState::Maybe => match group.outcome(account, i, e) {
                Outcome::Covered => Outcome::Unknown,
                other => other,
            },
            TrailState::Delivers => group.outcome(account, i, e),
        })
        .collect();
    if unread {
        outcomes.push(Outcome::Unknown);
    }
    any_of(outcomes)
}

#[cfg(test)]
mod tests {
    use super::fixed_pattern;

    #[test]
    fn a_pattern_is_fixed_unless_it_can_see_an_account_id() {
        assert!(fixed_pattern(r#"{ $.eventName = "StopLogging" }"#));
        assert!(fixed_pattern("StopLogging"));
        // Digits, and a field that may hold the account id.
        assert!(!fixed_pattern("111122223333"));
        assert!(!fixed_pattern(
            r#"{ $.userIdentity.accountId = "111122223333" }"#
        ));
        assert!(!fixed_pattern(r#"{ $.requestParameters.* = "1" }"#));
        assert!(!fixed_pattern(r#"{ $.resources[*] = "1" }"#));
        // A JSON pattern with digits elsewhere sees no account id.
        assert!(fixed_pattern(r#"{ $.eventVersion = "1.08" }"#));
    }
}
