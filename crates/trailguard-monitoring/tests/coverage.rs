//! `coverage` through its public API, on serde_json and regorus values alike.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests: fail loudly.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use trailguard_monitoring::{coverage, AccountGaps, Chains, CoverageError, Group};
use trailguard_patterns::PatternCache;

const A: &str = "111122223333";
const B: &str = "444455556666";
const TRAIL: &str = "arn:aws:cloudtrail:us-east-1:111122223333:trail/org";
const GROUP: &str = "arn:aws:logs:us-east-1:111122223333:log-group:org";
const ALARM: &str = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:watch";
const TOPIC: &str = "arn:aws:sns:us-east-1:111122223333:alerts";

fn event(id: &str, name: &str) -> Value {
    json!({
        "eventID": id, "eventName": name, "eventSource": "cloudtrail.amazonaws.com",
        "eventTime": "2026-01-01T00:00:00Z", "awsRegion": "us-east-1",
        "recipientAccountId": "123456789012", "readOnly": false,
        "userIdentity": {"type": "IAMUser", "accountId": "123456789012"},
    })
}

/// Two accounts under one organisation trail whose log group has `filters` (each feeding the
/// one alarm, which notifies a topic with a confirmed subscription); account B also has the
/// EventBridge rules `rules_b` in eu-west-1 and none in us-east-1.
fn snapshot(filters: Vec<(&str, &str)>, rules_b: Value) -> Value {
    let account = |id: &str, monitoring: Value| json!({"AccountId": id, "Regions": ["eu-west-1", "us-east-1"], "TrailArns": [TRAIL], "Monitoring": monitoring});
    let filters: Vec<Value> = filters
        .into_iter()
        .map(|(name, pattern)| {
            json!({"FilterName": name, "FilterPattern": pattern, "MetricTransformations": [
                {"MetricName": name, "MetricNamespace": "CIS", "AlarmArns": [ALARM]}]})
        })
        .collect();
    json!({
        "accounts": {
            A: account(A, json!({"eu-west-1": {"EventRules": []}, "us-east-1": {"EventRules": []}})),
            B: account(B, json!({"eu-west-1": {"EventRules": rules_b}, "us-east-1": {"EventRules": []}})),
        },
        "trails": {TRAIL: trail("delivers")},
        "log_groups": {GROUP: {"LogGroupName": "org", "Settings": {}, "MetricFilters": filters}},
        "alarms": {ALARM: {"AlarmName": "watch", "ActionsEnabled": true, "AlarmActions": [TOPIC]}},
        "topics": {TOPIC: {"Attributes": {}, "Subscriptions": [{"Confirmed": true}]}},
    })
}

/// The organisation trail, delivering to the log group: surely, maybe (its status was not read)
/// or failing (its last delivery failed).
fn trail(state: &str) -> Value {
    let mut trail = json!({
        "Name": "org", "IsMultiRegionTrail": true, "Status": {"IsLogging": true},
        "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true}],
        "CloudWatchLogsLogGroupArn": format!("{GROUP}:*"),
    });
    match state {
        "delivers" => {}
        "maybe" => drop(trail.as_object_mut().unwrap().remove("Status")),
        "failing" => trail["Status"]["LatestCloudWatchLogsDeliveryError"] = json!("AccessDenied"),
        other => panic!("no trail state {other}"),
    }
    trail
}

fn with_trail(mut snapshot: Value, state: &str) -> Value {
    snapshot["trails"][TRAIL] = trail(state);
    snapshot
}

/// The answer for a serde_json snapshot, checked to be the answer for the same snapshot as a
/// regorus value (the builtin's input).
fn answer(snapshot: &Value, events: Vec<Value>) -> BTreeMap<String, AccountGaps> {
    let cache = PatternCache::default();
    let serde = coverage(snapshot, &events, &Chains::of(snapshot, &cache), &cache).unwrap();
    let rego = regorus::Value::from_json_str(&snapshot.to_string()).unwrap();
    let regorus = coverage(&rego, &events, &Chains::of(&rego, &cache), &cache).unwrap();
    assert_eq!(serde, regorus, "serde_json and regorus inputs disagree");
    serde
}

fn uncovered(events: &[usize], why: &str) -> AccountGaps {
    AccountGaps {
        uncovered: vec![Group {
            events: events.to_vec(),
            why: why.into(),
        }],
        unjudged: vec![],
    }
}

#[test]
fn a_filter_catching_every_event_covers_every_account() {
    let snap = snapshot(
        vec![(
            "trail-changes",
            "{ $.eventSource = cloudtrail.amazonaws.com }",
        )],
        json!([]),
    );
    let events = vec![event("stop", "StopLogging"), event("delete", "DeleteTrail")];
    assert!(answer(&snap, events).is_empty());
}

#[test]
fn a_filter_written_for_one_account_covers_that_account_only() {
    let pattern = r#"{ ($.eventName = StopLogging) && ($.recipientAccountId = "111122223333") }"#;
    let snap = snapshot(vec![("a-only", pattern)], json!([]));
    let gaps = answer(&snap, vec![event("stop", "StopLogging")]);
    assert_eq!(
        gaps,
        BTreeMap::from([(
            B.to_string(),
            uncovered(&[0], "no metric filter on log group org catches {it} — filter a-only misses {it}; no EventBridge rule catches {it}"),
        )])
    );
}

#[test]
fn events_that_break_at_the_same_link_are_grouped_in_order() {
    let snap = snapshot(vec![("stops", "{ $.eventName = StopLogging }")], json!([]));
    let events = vec![
        event("create", "CreateTrail"),
        event("stop", "StopLogging"),
        event("delete", "DeleteTrail"),
    ];
    let gaps = answer(&snap, events);
    let why = "no metric filter on log group org catches {it} — filter stops misses {it}; no EventBridge rule catches {it}";
    assert_eq!(gaps[A], uncovered(&[0, 2], why));
    assert_eq!(gaps[B], uncovered(&[0, 2], why));
}

#[test]
fn an_event_rule_in_one_of_two_regions_is_named_with_the_region_that_has_none() {
    let rule = json!([{"Name": "trail-watch", "State": "ENABLED",
        "EventPattern": {"source": ["aws.cloudtrail"]}, "Targets": [{"Arn": TOPIC}]}]);
    let snap = snapshot(vec![], rule);
    let gaps = answer(&snap, vec![event("stop", "StopLogging")]);
    assert_eq!(
        gaps[B],
        uncovered(&[0], "log group org has no metric filter; EventBridge rule trail-watch covers eu-west-1 only (us-east-1 has none)")
    );
    assert_eq!(
        gaps[A],
        uncovered(
            &[0],
            "log group org has no metric filter; no EventBridge rule catches {it}"
        )
    );
}

#[test]
fn a_pattern_that_cannot_be_judged_leaves_the_event_unverified() {
    let snap = snapshot(vec![("broken", "{ $.eventName = }")], json!([]));
    let gaps = answer(&snap, vec![event("stop", "StopLogging")]);
    assert_eq!(
        gaps[A],
        AccountGaps {
            uncovered: vec![],
            unjudged: vec![Group {
                events: vec![0],
                why: "cannot judge filter broken on log group org: column 17: `=` needs a value after it".into(),
            }],
        }
    );
}

#[test]
fn a_trail_that_may_not_deliver_gives_no_verdict_where_a_filter_catches() {
    let snap = snapshot(vec![("stops", "{ $.eventName = StopLogging }")], json!([]));
    assert!(answer(&snap, vec![event("stop", "StopLogging")]).is_empty());
    let maybe = with_trail(snap.clone(), "maybe");
    assert!(answer(&maybe, vec![event("stop", "StopLogging")]).is_empty());
    let gaps = answer(&maybe, vec![event("create", "CreateTrail")]);
    assert!(
        gaps.contains_key(A),
        "a filter that misses misses, whatever the trail's status"
    );
    // A failing trail covers nothing, whatever its log group catches.
    let failing = with_trail(snap, "failing");
    let gaps = answer(&failing, vec![event("stop", "StopLogging")]);
    assert_eq!(
        gaps[A],
        uncovered(&[0], "trail org's delivery to CloudWatch Logs fails (AccessDenied); no EventBridge rule catches {it}")
    );
}

#[test]
fn an_account_whose_trail_list_is_incomplete_gets_no_verdict() {
    let mut snap = snapshot(vec![], json!([]));
    snap["gaps"] =
        json!([{"AccountId": A, "Service": "cloudtrail", "Operation": "DescribeTrails"}]);
    let gaps = answer(&snap, vec![event("stop", "StopLogging")]);
    assert!(!gaps.contains_key(A));
    assert!(gaps.contains_key(B));
}

#[test]
fn bad_arguments_are_errors_that_say_what_is_wrong() {
    let cache = PatternCache::default();
    let none = Chains::of(&json!({}), &cache);
    let error = coverage(&json!([]), &[], &none, &cache).unwrap_err();
    assert_eq!(
        error,
        CoverageError::Shape("the snapshot is an object, not a list".into())
    );
    let mut no_id = event("stop", "StopLogging");
    no_id.as_object_mut().unwrap().remove("eventID");
    let snap = snapshot(vec![], json!([]));
    let error = coverage(
        &snap,
        &[event("a", "A"), no_id],
        &Chains::of(&snap, &cache),
        &cache,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "event 1: a CloudTrail record needs a string eventID"
    );
}

#[test]
fn a_group_is_said_with_its_events_names_and_ids() {
    let events = vec![
        event("create", "CreateTrail"),
        event("stop", "StopLogging"),
        event("delete", "DeleteTrail"),
    ];
    let group = Group {
        events: vec![0, 2],
        why: "no metric filter catches {it}".into(),
    };
    assert_eq!(
        group.said(&events),
        "CreateTrail (create), DeleteTrail (delete): no metric filter catches them"
    );
    let one = Group {
        events: vec![1],
        why: "no metric filter catches {it}".into(),
    };
    assert_eq!(
        one.said(&events),
        "StopLogging (stop): no metric filter catches it"
    );
    let json = AccountGaps {
        uncovered: vec![one],
        unjudged: vec![],
    }
    .to_json(&events);
    assert_eq!(
        json["uncovered"][0]["said"],
        "StopLogging (stop): no metric filter catches it"
    );
    assert_eq!(json["uncovered"][0]["events"], json!([1]));
}
