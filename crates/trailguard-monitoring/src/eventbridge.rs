//! The EventBridge path: in every region the event is needed in, an enabled rule on the default
//! bus whose pattern matches the event as EventBridge wraps a CloudTrail record, with a target
//! that delivers.
//!
//! Rules belong to one account and region. A rule whose plain `source`, `detail-type`,
//! `detail.eventSource` or `detail.eventName` lists leave out every event of the question is set
//! aside by plain comparisons ([`may_catch`]); each distinct pattern is judged once per question
//! (rules deployed to every account share theirs), and one that names no account or region field
//! is matched once against each record's canonical envelope.

use crate::link::Link;
use crate::outcome::{listing, Outcome};
use crate::record::{Event, Keys};
use crate::snapshot::show_field;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use trailguard_json::{Json, Kind};
use trailguard_patterns::events::EventPattern;
use trailguard_patterns::PatternCache;

/// The state of a rule that also receives read-only management events.
const ALL_EVENTS: &str = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

/// What trailguard makes of one event pattern, for the question's events.
pub(crate) struct PatternInfo {
    /// It may catch an event of the question at all.
    relevant: bool,
    /// The parsed pattern, or why trailguard cannot judge it.
    parsed: Result<Arc<EventPattern>, String>,
    /// It names no field whose value depends on the account or region.
    fixed: bool,
    /// For a fixed pattern it can judge: the events it matches.
    hits: BTreeSet<usize>,
}

/// Event patterns judged so far in this question, by their text.
pub(crate) type Infos = HashMap<(bool, String), Arc<PatternInfo>>;

/// Whether `obj.key` is a non-empty list of exact strings, none of them among `values`.
fn excludes<J: Json>(obj: &J, key: &str, values: &HashSet<&str>) -> bool {
    let Some(list) = obj.get_field(key) else {
        return false;
    };
    if !matches!(list.kind(), Kind::Array) || list.items().next().is_none() {
        return false;
    }
    list.items()
        .all(|v| v.as_text().is_some_and(|s| !values.contains(s)))
}

/// False when the pattern's plain lists of source, detail-type, detail.eventSource or
/// detail.eventName leave out every value the keys allow; a pattern given as text is left to
/// the matcher; anything else is no pattern.
pub(crate) fn may_catch<J: Json>(pattern: &J, keys: &Keys<'_>) -> bool {
    match pattern.kind() {
        Kind::String(_) => true,
        Kind::Object => {
            !excludes(pattern, "source", &keys.sources)
                && !excludes(pattern, "detail-type", &keys.types)
                && pattern.get_field("detail").is_none_or(|detail| {
                    !matches!(detail.kind(), Kind::Object)
                        || (!excludes(detail, "eventSource", &keys.event_sources)
                            && !excludes(detail, "eventName", &keys.names))
                })
        }
        _ => false,
    }
}

/// The pattern's JSON text, and whether it was given as text.
fn pattern_text<J: Json>(pattern: &J) -> (bool, String) {
    match pattern.as_text() {
        Some(text) => (true, text.to_string()),
        None => (false, pattern.text()),
    }
}

/// What one event pattern is, judged once per question.
pub(crate) fn pattern_info<J: Json>(
    pattern: &J,
    keys: &Keys<'_>,
    events: &[Event],
    cache: &PatternCache,
    infos: &mut Infos,
) -> Arc<PatternInfo> {
    let key = pattern_text(pattern);
    if let Some(info) = infos.get(&key) {
        return Arc::clone(info);
    }
    let relevant = may_catch(pattern, keys);
    let parsed = if relevant {
        cache.event_pattern(&key.1)
    } else {
        Err(String::new())
    };
    let fixed = !key.1.contains("ccount") && !key.1.contains("egion");
    let hits = match (&parsed, fixed) {
        (Ok(p), true) => events
            .iter()
            .enumerate()
            .filter(|(_, e)| p.matches(&e.canonical_envelope()))
            .map(|(i, _)| i)
            .collect(),
        _ => BTreeSet::new(),
    };
    let info = Arc::new(PatternInfo {
        relevant,
        parsed,
        fixed,
        hits,
    });
    infos.insert(key, Arc::clone(&info));
    info
}

/// A rule's state, as its messages and the events it receives depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// `ENABLED`: every event but read-only management events.
    Enabled,
    /// `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`.
    AllEvents,
    Disabled,
    /// Another string.
    Other,
    /// Not read.
    Unread,
}

/// One rule of a region that may catch an event of the question.
pub(crate) struct Rule<'a, J> {
    rule: &'a J,
    name: String,
    state: State,
    info: Arc<PatternInfo>,
    link: Link,
}

impl<'a, J: Json> Rule<'a, J> {
    /// The rule, when its pattern may catch an event of the question.
    pub fn new(
        rule: &'a J,
        link: impl FnOnce() -> Link,
        keys: &Keys<'_>,
        events: &[Event],
        cache: &PatternCache,
        infos: &mut Infos,
    ) -> Option<Rule<'a, J>> {
        let pattern = rule.get_field("EventPattern")?;
        if matches!(pattern.kind(), Kind::Null) {
            return None;
        }
        let info = pattern_info(pattern, keys, events, cache, infos);
        if !info.relevant {
            return None;
        }
        let state = match rule.get_field("State").map(Json::kind) {
            Some(Kind::String("ENABLED")) => State::Enabled,
            Some(Kind::String(ALL_EVENTS)) => State::AllEvents,
            Some(Kind::String("DISABLED")) => State::Disabled,
            Some(Kind::String(_)) => State::Other,
            _ => State::Unread,
        };
        Some(Rule {
            rule,
            name: show_field(rule, "Name", "(unnamed)"),
            state,
            info,
            link: link(),
        })
    }

    /// Whether the rule's pattern (judged) matches the event in the account and region.
    fn hits(&self, account: &str, region: &str, i: usize, e: &Event) -> bool {
        match &self.info.parsed {
            Ok(_) if self.info.fixed => self.info.hits.contains(&i),
            Ok(p) => p.matches(&e.envelope(account, region)),
            Err(_) => false,
        }
    }

    /// Whether the rule surely delivers the event in the region: judged, matching, enabled for
    /// it, with a target that delivers.
    fn surely_delivers(&self, account: &str, region: &str, i: usize, e: &Event) -> bool {
        self.link == Link::Delivers
            && match self.state {
                State::AllEvents => true,
                State::Enabled => !e.read_only,
                _ => false,
            }
            && self.hits(account, region, i, e)
    }

    /// What the rule does with the event; `None` when it does not catch it.
    fn verdict(&self, account: &str, region: &str, i: usize, e: &Event) -> Option<Verdict> {
        match &self.info.parsed {
            Err(error) => {
                let receives = match self.state {
                    State::AllEvents | State::Unread => true,
                    State::Enabled => !e.read_only,
                    _ => false,
                };
                let pattern = self.rule.get_field("EventPattern")?;
                (receives
                    && !matches!(self.link, Link::Broken(_))
                    && may_catch(pattern, &Keys::of([e])))
                .then(|| {
                    Verdict::Unjudged(format!(
                        "cannot judge EventBridge rule {} in {region}: {error}",
                        self.name
                    ))
                })
            }
            Ok(_) if !self.hits(account, region, i, e) => None,
            Ok(_) => Some(match (self.state, &self.link) {
                (State::Disabled, _) => self.broken("it is disabled".into()),
                (State::Enabled, _) if e.read_only => self.broken(format!(
                    "it gets no read-only events (its state is ENABLED, not {ALL_EVENTS})"
                )),
                (State::Other | State::Unread, _) => Verdict::Unknown,
                (_, Link::Delivers) => Verdict::Covered(self.name.clone()),
                (_, Link::Unread) => Verdict::Unknown,
                (_, Link::Broken(_)) => self.broken(self.link.problems()),
            }),
        }
    }

    fn broken(&self, problem: String) -> Verdict {
        Verdict::Uncovered((self.name.clone(), problem))
    }
}

/// What one rule does with an event it catches.
enum Verdict {
    Covered(String),
    Unjudged(String),
    Unknown,
    /// (rule, problem).
    Uncovered((String, String)),
}

/// The outcome of an event among the rules of one region.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Region {
    /// By these rules.
    Covered(BTreeSet<String>),
    Unjudged(BTreeSet<String>),
    Unknown,
    /// (rule, problem) of the rules that catch it and do not deliver.
    Uncovered(BTreeSet<(String, String)>),
}

/// An account's rules that may matter, by the collected region whose rules were read.
pub(crate) struct Rules<'a, J> {
    pub by_region: BTreeMap<&'a str, Vec<Rule<'a, J>>>,
}

impl<'a, J: Json> Rules<'a, J> {
    /// The events each region's rules surely deliver, before any event is looked at in detail.
    pub fn delivered(&self, account: &str, events: &[Event]) -> BTreeMap<&'a str, BTreeSet<usize>> {
        self.by_region
            .iter()
            .map(|(region, rules)| {
                let ids = events
                    .iter()
                    .enumerate()
                    .filter(|(i, e)| {
                        rules
                            .iter()
                            .any(|r| r.surely_delivers(account, region, *i, e))
                    })
                    .map(|(i, _)| i)
                    .collect();
                (*region, ids)
            })
            .collect()
    }

    fn region(&self, account: &str, region: &str, i: usize, e: &Event) -> Region {
        let Some(rules) = self.by_region.get(region) else {
            return Region::Unknown;
        };
        let verdicts: Vec<Verdict> = rules
            .iter()
            .filter_map(|r| r.verdict(account, region, i, e))
            .collect();
        let covering: BTreeSet<String> = verdicts
            .iter()
            .filter_map(|v| match v {
                Verdict::Covered(name) => Some(name.clone()),
                _ => None,
            })
            .collect();
        if !covering.is_empty() {
            return Region::Covered(covering);
        }
        let cannot: BTreeSet<String> = verdicts
            .iter()
            .filter_map(|v| match v {
                Verdict::Unjudged(c) => Some(c.clone()),
                _ => None,
            })
            .collect();
        if !cannot.is_empty() {
            return Region::Unjudged(cannot);
        }
        if verdicts.iter().any(|v| matches!(v, Verdict::Unknown)) {
            return Region::Unknown;
        }
        Region::Uncovered(
            verdicts
                .into_iter()
                .filter_map(|v| match v {
                    Verdict::Uncovered(p) => Some(p),
                    _ => None,
                })
                .collect(),
        )
    }

    /// The event's outcome on the EventBridge path, in the regions it is needed in.
    pub fn outcome(&self, account: &str, needed: &[&str], i: usize, e: &Event) -> Outcome {
        let outs: Vec<(&str, Region)> = needed
            .iter()
            .map(|r| (*r, self.region(account, r, i, e)))
            .collect();
        if outs.iter().any(|(_, o)| matches!(o, Region::Uncovered(_))) {
            return Outcome::Uncovered(regions_why(e, &outs));
        }
        if outs.iter().all(|(_, o)| matches!(o, Region::Covered(_))) {
            return Outcome::Covered;
        }
        let cannot: BTreeSet<String> = outs
            .iter()
            .filter_map(|(_, o)| match o {
                Region::Unjudged(c) => Some(c.iter().cloned()),
                _ => None,
            })
            .flatten()
            .collect();
        if outs.iter().any(|(_, o)| matches!(o, Region::Unjudged(_))) {
            return Outcome::Unjudged(cannot);
        }
        Outcome::Unknown
    }
}

/// Where EventBridge misses the event: "EventBridge rule sg-watch covers eu-west-1 only
/// (us-east-1 has none)", "no EventBridge rule catches {it}", or what breaks the rules that
/// catch it.
fn regions_why(e: &Event, outs: &[(&str, Region)]) -> String {
    let mut good: Vec<&str> = Vec::new();
    let mut covering: BTreeSet<String> = BTreeSet::new();
    let mut none: Vec<&str> = Vec::new();
    for (region, out) in outs {
        match out {
            Region::Covered(rules) => {
                good.push(region);
                covering.extend(rules.iter().cloned());
            }
            Region::Uncovered(problems) if problems.is_empty() => none.push(region),
            _ => {}
        }
    }
    good.sort_unstable();
    none.sort_unstable();
    let problems = rule_problems(outs);
    if !good.is_empty() {
        let mut why = have_none(&none);
        why.extend(problems);
        return format!(
            "EventBridge {} {} only ({})",
            listing(("rule", "covers"), ("rules", "cover"), &covering),
            good.join(", "),
            why.join("; ")
        );
    }
    if !e.global && none.len() == outs.len() {
        return "no EventBridge rule catches {it}".into();
    }
    let mut why = problems;
    if !none.is_empty() {
        why.push(format!(
            "no EventBridge rule catches {{it}} in {}",
            none.join(", ")
        ));
    }
    why.join("; ")
}

/// What breaks the rules that catch the event where it is not covered, a rule broken the same
/// way in several regions once: "EventBridge rule r in eu-west-1, us-east-1 catches {it}, but
/// it has no target".
fn rule_problems(outs: &[(&str, Region)]) -> Vec<String> {
    let mut regions: BTreeMap<&(String, String), BTreeSet<&str>> = BTreeMap::new();
    for (region, out) in outs {
        if let Region::Uncovered(problems) = out {
            for p in problems {
                regions.entry(p).or_default().insert(region);
            }
        }
    }
    let said: BTreeSet<String> = regions
        .into_iter()
        .map(|((rule, problem), regions)| {
            format!(
                "EventBridge rule {rule} in {} catches {{it}}, but {problem}",
                regions.into_iter().collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    said.into_iter().collect()
}

fn have_none(regions: &[&str]) -> Vec<String> {
    match regions {
        [] => Vec::new(),
        [one] => vec![format!("{one} has none")],
        _ => vec![format!("{} have none", regions.join(", "))],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stop_logging() -> Event {
        Event::new(
            0,
            json!({
                "eventID": "x", "eventName": "StopLogging", "eventSource": "cloudtrail.amazonaws.com",
                "eventTime": "2026-01-01T00:00:00Z", "awsRegion": "us-east-1",
                "recipientAccountId": "123456789012",
            }),
        )
        .unwrap()
    }

    #[test]
    fn a_rule_whose_plain_lists_leave_out_every_event_is_set_aside() {
        let events = [stop_logging()];
        let keys = Keys::of(&events);
        assert!(may_catch(&json!({"source": ["aws.cloudtrail"]}), &keys));
        assert!(!may_catch(&json!({"source": ["aws.ec2"]}), &keys));
        assert!(!may_catch(
            &json!({"detail": {"eventName": ["DeleteTrail"]}}),
            &keys
        ));
        assert!(!may_catch(
            &json!({"detail-type": ["AWS Console Sign In via CloudTrail"]}),
            &keys
        ));
        // A matcher in the list, or a pattern as text, is left to the matcher.
        assert!(may_catch(
            &json!({"detail": {"eventName": [{"prefix": "Stop"}]}}),
            &keys
        ));
        assert!(may_catch(&json!(r#"{"source": ["aws.ec2"]}"#), &keys));
        assert!(!may_catch(&json!(7), &keys));
    }

    #[test]
    fn a_pattern_is_fixed_unless_it_names_an_account_or_region_field() {
        let events = [stop_logging()];
        let keys = Keys::of(&events);
        let cache = PatternCache::default();
        let mut infos = Infos::new();
        let mut info = |p: serde_json::Value| pattern_info(&p, &keys, &events, &cache, &mut infos);
        let fixed =
            info(json!({"source": ["aws.cloudtrail"], "detail": {"eventName": ["StopLogging"]}}));
        assert!(fixed.fixed && fixed.hits.contains(&0));
        assert!(!info(json!({"account": ["111122223333"]})).fixed);
        assert!(!info(json!({"detail": {"awsRegion": ["us-east-1"]}})).fixed);
        let text = info(json!(
            r#"{"detail": {"recipientAccountId": ["111122223333"]}}"#
        ));
        assert!(!text.fixed && text.parsed.is_ok() && text.hits.is_empty());
        let broken = info(json!({"source": "aws.cloudtrail"}));
        assert!(broken.parsed.is_err());
    }
}
