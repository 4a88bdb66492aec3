//! Whether anyone is alerted to a CloudTrail event: the chains a snapshot's trails, metric
//! filters, alarms, SNS topics and EventBridge rules form, judged event by event.
//!
//! [`coverage`] takes a snapshot (the policy `input`, read in place through
//! [`trailguard_json::Json`]), the CloudTrail records a control exists to catch, and the
//! snapshot's chains ([`Chains::of`]: the trails that deliver to CloudWatch Logs and their log
//! groups' filters, read once per snapshot),
//! and says, for each account where some event reaches no one, which link breaks.
//!
//! An event is **covered** in an account when
//! - **CloudWatch**: a trail of the account delivers to a log group; a metric filter of that
//!   group catches the record (matched by `trailguard-patterns`, in the record's region, with the
//!   account's id written in); an alarm on the filter's metric has its actions enabled and an
//!   action that delivers: an SNS topic that exists and has a confirmed subscription, or any
//!   other action (a Lambda function, an SSM OpsItem, ...); or
//! - **EventBridge**: in every collected region of the account (us-east-1 alone for the events of
//!   global services, which EventBridge receives there), an enabled rule whose pattern matches
//!   the event as EventBridge wraps a CloudTrail record has a target that delivers. A rule in
//!   state `ENABLED` does not receive read-only management events; one in state
//!   `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` does.
//!
//! Every link is known, broken or unread. A link the collector could not read may have
//! delivered: an event it might have carried gets no verdict (the snapshot's gaps say why). A
//! pattern trailguard cannot judge is never skipped: an event it might have caught, and that
//! nothing else delivers, is **unjudged**, with the pattern and the error named.
//!
//! ```
//! use serde_json::json;
//! use trailguard_monitoring::{coverage, Chains};
//! use trailguard_patterns::PatternCache;
//!
//! let snapshot = json!({
//!     "accounts": {"111122223333": {
//!         "Regions": ["us-east-1"],
//!         "TrailArns": ["arn:aws:cloudtrail:us-east-1:111122223333:trail/main"],
//!         "Monitoring": {"us-east-1": {"EventRules": []}},
//!     }},
//!     "trails": {"arn:aws:cloudtrail:us-east-1:111122223333:trail/main": {
//!         "Name": "main", "IsMultiRegionTrail": true, "Status": {"IsLogging": true},
//!         "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true}],
//!         "CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:trail:*",
//!     }},
//!     "log_groups": {"arn:aws:logs:us-east-1:111122223333:log-group:trail": {
//!         "LogGroupName": "trail", "Settings": {},
//!         "MetricFilters": [{
//!             "FilterName": "stops", "FilterPattern": "{ $.eventName = StopLogging }",
//!             "MetricTransformations": [{"MetricName": "Stops", "AlarmArns": []}],
//!         }],
//!     }},
//! });
//! let stop = json!({
//!     "eventID": "stop", "eventName": "StopLogging", "eventSource": "cloudtrail.amazonaws.com",
//!     "eventTime": "2026-01-01T00:00:00Z", "awsRegion": "us-east-1",
//!     "recipientAccountId": "123456789012",
//! });
//! let cache = PatternCache::default();
//! let gaps = coverage(&snapshot, &[stop], &Chains::of(&snapshot, &cache), &cache)?;
//! let gap = &gaps["111122223333"].uncovered[0];
//! assert_eq!(gap.events, [0]);
//! assert_eq!(
//!     gap.why,
//!     "filter stops on log group trail catches {it}, but no alarm watches its metric ?/Stops; \
//!      no EventBridge rule catches {it}"
//! );
//! # Ok::<(), trailguard_monitoring::CoverageError>(())
//! ```

mod config;
mod eventbridge;
mod link;
mod logs;
mod outcome;
mod record;
mod snapshot;
mod trails;

pub use config::ConfigProblems;
use eventbridge::{Infos, Rule, Rules};
use logs::{account_chains, cloudwatch_outcome, GroupModel, LogGroup};
use outcome::{either, Outcome};
use record::{Event, Keys};
use snapshot::{entry, is_list, list, Snapshot};
use std::collections::{BTreeMap, HashMap, HashSet};
use trailguard_json::{Json, Kind};
use trailguard_patterns::PatternCache;

/// Why a question cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoverageError {
    /// An event is not a CloudTrail record the chains can place.
    #[error("event {index}: {problem}")]
    Event {
        /// Its position among the events.
        index: usize,
        /// What is wrong with it.
        problem: String,
    },
    /// The snapshot is not an object.
    #[error("{0}")]
    Shape(String),
}

/// How surely a trail sends every region's management events to its log group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrailState {
    /// It does: logging, multi-region, recording every read and write management event.
    Delivers,
    /// It may: its status or selectors were not read.
    Maybe,
    /// Its last delivery to CloudWatch Logs failed: its log group does not receive the events.
    Failing,
}

/// A trail that sends (or may send) its events to a CloudWatch Logs log group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveringTrail {
    /// The log group's key in the snapshot's `log_groups` (the trail's
    /// CloudWatchLogsLogGroupArn without its trailing `:*`).
    pub log_group: String,
    /// How surely it delivers.
    pub state: TrailState,
    /// The trail's name, for messages.
    pub name: String,
    /// For a failing trail, the error CloudTrail reported.
    pub error: String,
}

/// The trails that deliver to CloudWatch Logs, and the accounts whose trail list is incomplete
/// ([`Trails::of`] a snapshot).
#[derive(Debug, Clone, Default)]
pub struct Trails {
    delivering: HashMap<String, DeliveringTrail>,
    unlisted: HashSet<String>,
}

/// What a snapshot's CloudWatch chains start from, read once per snapshot: the trails that
/// deliver to CloudWatch Logs and the log groups they deliver to, with each metric filter's
/// pattern parsed and the delivery of its alarms followed.
pub struct Chains {
    trails: Trails,
    groups: HashMap<String, GroupModel>,
}

impl Chains {
    /// Reads `snapshot`'s chains, parsing patterns through `cache`.
    pub fn of<J: Json>(snapshot: &J, cache: &PatternCache) -> Chains {
        let trails = Trails::of(snapshot);
        let view = Snapshot::new(snapshot);
        let mut groups = HashMap::new();
        for trail in trails.delivering.values() {
            if !groups.contains_key(&trail.log_group) {
                let model = GroupModel::new(&view, &trail.log_group, cache);
                groups.insert(trail.log_group.clone(), model);
            }
        }
        Chains { trails, groups }
    }
}

impl std::fmt::Debug for Chains {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chains")
            .field("trails", &self.trails)
            .field("log_groups", &self.groups.len())
            .finish()
    }
}

/// Events that break at the same link, said together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The events' positions among the question's events, in order.
    pub events: Vec<usize>,
    /// For uncovered events, why nothing delivers them, with `{it}` where the events are meant
    /// ("no metric filter on log group g catches {it}"); for unjudged ones, the patterns that
    /// cannot be judged and why, joined by `; `.
    pub why: String,
}

/// Where an account's events reach no one, in the order of their first event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountGaps {
    /// Events nothing delivers.
    pub uncovered: Vec<Group>,
    /// Events only a pattern trailguard cannot judge might deliver.
    pub unjudged: Vec<Group>,
}

impl Group {
    /// The group in words, with the names and ids of `events` (the question's records):
    /// "StopLogging (tg104-stoplogging), DeleteTrail (tg104-deletetrail): no metric filter on
    /// log group g catches them".
    pub fn said(&self, events: &[serde_json::Value]) -> String {
        let field = |i: usize, name: &str| -> String {
            events
                .get(i)
                .and_then(|e| e.get(name))
                .and_then(serde_json::Value::as_str)
                .map_or_else(|| format!("event {i}"), str::to_string)
        };
        let labels: Vec<String> = self
            .events
            .iter()
            .map(|&i| format!("{} ({})", field(i, "eventName"), field(i, "eventID")))
            .collect();
        let pronoun = if self.events.len() == 1 { "it" } else { "them" };
        format!(
            "{}: {}",
            labels.join(", "),
            self.why.replace("{it}", pronoun)
        )
    }
}

impl AccountGaps {
    /// `{"uncovered": [{"events": [0, 2], "why": "...", "said": "..."}], "unjudged": [...]}`,
    /// `said` as [`Group::said`] words the group with `events`, the question's records.
    pub fn to_json(&self, events: &[serde_json::Value]) -> serde_json::Value {
        let groups = |gs: &[Group]| -> serde_json::Value {
            gs.iter()
                .map(|g| serde_json::json!({"events": g.events, "why": g.why, "said": g.said(events)}))
                .collect()
        };
        serde_json::json!({
            "uncovered": groups(&self.uncovered),
            "unjudged": groups(&self.unjudged),
        })
    }
}

/// Groups the events by what is said of them, in the order of their first event.
fn group(said: Vec<(usize, String)>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for (i, why) in said {
        match groups.iter_mut().find(|g| g.why == why) {
            Some(g) => g.events.push(i),
            None => groups.push(Group {
                events: vec![i],
                why,
            }),
        }
    }
    groups
}

/// For each account of `snapshot` where an event of `events` (CloudTrail records: each needs
/// string `eventID`, `eventName`, `eventSource`, `eventTime`, `awsRegion` and
/// `recipientAccountId`) reaches no one, or only through a pattern trailguard cannot judge,
/// what breaks. Accounts where every event is covered, or has no verdict, are left out.
pub fn coverage<J: Json>(
    snapshot: &J,
    events: &[serde_json::Value],
    chains: &Chains,
    cache: &PatternCache,
) -> Result<BTreeMap<String, AccountGaps>, CoverageError> {
    if !matches!(snapshot.kind(), Kind::Object) {
        return Err(CoverageError::Shape(format!(
            "the snapshot is an object, not {}",
            snapshot.describe()
        )));
    }
    let events = events
        .iter()
        .enumerate()
        .map(|(i, e)| Event::new(i, e.clone()))
        .collect::<Result<Vec<Event>, CoverageError>>()?;
    let view = Snapshot::new(snapshot);
    let keys = Keys::of(&events);
    let trails = &chains.trails;
    let mut caught = logs::Caught::new();
    let groups: HashMap<&str, LogGroup<'_>> = chains
        .groups
        .iter()
        .map(|(key, model)| (key.as_str(), LogGroup::new(model, &events, &mut caught)))
        .collect();
    let mut infos = Infos::new();
    let mut gaps = BTreeMap::new();
    let Some(accounts) = view.accounts else {
        return Ok(gaps);
    };
    for (acct, account) in accounts.entries() {
        let listed = list(account, "TrailArns");
        let arns: Vec<&str> = listed.iter().filter_map(|a| a.as_text()).collect();
        let chains = account_chains(&arns, &trails.delivering);
        let chains: Vec<_> = chains
            .iter()
            .filter_map(|c| Some((c, groups.get(c.key)?)))
            .collect();
        let unread = !is_list(account, "TrailArns")
            || trails.unlisted.contains(acct)
            || listed.iter().any(|arn| {
                arn.as_text()
                    .is_none_or(|a| entry(view.trails, a).is_none())
            });
        let cw: Vec<Outcome> = events
            .iter()
            .enumerate()
            .map(|(i, e)| cloudwatch_outcome(acct, i, e, &chains, unread))
            .collect();
        if cw.iter().all(|o| *o == Outcome::Covered) {
            continue;
        }
        let outcomes =
            eventbridge_outcomes(&view, acct, account, cw, &events, &keys, cache, &mut infos);
        let mut uncovered = Vec::new();
        let mut unjudged = Vec::new();
        for (i, o) in outcomes.into_iter().enumerate() {
            match o {
                Outcome::Uncovered(why) => uncovered.push((i, why)),
                Outcome::Unjudged(cannot) => {
                    unjudged.push((i, cannot.into_iter().collect::<Vec<_>>().join("; ")))
                }
                Outcome::Covered | Outcome::Unknown => {}
            }
        }
        if !uncovered.is_empty() || !unjudged.is_empty() {
            gaps.insert(
                acct.to_string(),
                AccountGaps {
                    uncovered: group(uncovered),
                    unjudged: group(unjudged),
                },
            );
        }
    }
    Ok(gaps)
}

/// The events' outcomes over both paths, given their CloudWatch outcomes: EventBridge is looked
/// at only for an event the CloudWatch path does not deliver, and in detail only when the rules
/// do not surely deliver it in every region it is needed in.
#[allow(clippy::too_many_arguments)] // One account's question; a struct would only rename them.
fn eventbridge_outcomes<J: Json>(
    view: &Snapshot<'_, J>,
    acct: &str,
    account: &J,
    cw: Vec<Outcome>,
    events: &[Event],
    keys: &Keys<'_>,
    cache: &PatternCache,
    infos: &mut Infos,
) -> Vec<Outcome> {
    let regions: Vec<String> = list(account, "Regions")
        .into_iter()
        .filter_map(|r| r.as_text().map(str::to_string))
        .collect();
    let monitoring = account
        .get_field("Monitoring")
        .filter(|m| matches!(m.kind(), Kind::Object));
    let Some(monitoring) = monitoring else {
        // Not read: no verdict on this path.
        return cw
            .into_iter()
            .map(|o| either(o, Outcome::Unknown))
            .collect();
    };
    let mut by_region = BTreeMap::new();
    for region in &regions {
        if keys.global && region != "us-east-1" {
            continue;
        }
        let Some(read) = monitoring
            .get_field(region)
            .filter(|m| is_list(*m, "EventRules"))
        else {
            continue;
        };
        let rules: Vec<Rule<'_, J>> = list(read, "EventRules")
            .into_iter()
            .filter_map(|rule| {
                Rule::new(rule, || view.targets_link(rule), keys, events, cache, infos)
            })
            .collect();
        by_region.insert(region.as_str(), rules);
    }
    let rules = Rules { by_region };
    let delivered = rules.delivered(acct, events);
    cw.into_iter()
        .zip(events.iter().enumerate())
        .map(|(cw, (i, e))| {
            if cw == Outcome::Covered {
                return cw;
            }
            let needed = e.needed_regions(&regions);
            if let Some(needed) = &needed {
                if needed
                    .iter()
                    .all(|r| delivered.get(r).is_some_and(|ids| ids.contains(&i)))
                {
                    return Outcome::Covered;
                }
            }
            let eb = if e.global && !regions.iter().any(|r| r == "us-east-1") {
                // A global service's events reach EventBridge in us-east-1 only. Not scanning
                // it is the user's choice, not a failed call: the control is reported, with why.
                Outcome::Uncovered(
                    "no EventBridge rule can be seen catching {it}: its events reach \
                     EventBridge in us-east-1, which was not scanned"
                        .into(),
                )
            } else {
                match needed {
                    Some(needed) => rules.outcome(acct, &needed, i, e),
                    None => Outcome::Unknown,
                }
            };
            either(cw, eb)
        })
        .collect()
}
