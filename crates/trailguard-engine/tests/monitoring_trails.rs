//! Which trails deliver to CloudWatch Logs is judged twice: in Rego
//! (`data.trailguard.lib.monitoring.delivering_trails`, from `lib.trail`'s reading of event
//! selectors, for custom policies) and in Rust (`trailguard_monitoring::Trails::of`, once per
//! snapshot, for `trailguard.monitoring.coverage`). This differential test holds them to the same
//! answer over every combination of the fields the judgement reads, and every trail of the
//! shipped inputs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use trailguard_engine::{builtin_sources, snapshot_value, Params, PolicyEngine, PolicySource};
use trailguard_monitoring::{TrailState, Trails};
use trailguard_snapshot::Snapshot;

/// A rule that reports each trail the Rego judgement keeps, with what it says of it.
const PROBE: &str = r#"# METADATA
# title: the Rego judgement of delivering trails, as findings
# custom:
#   id: TGPROBE
#   severity: low
package trailguard.rules.tgprobe

import data.trailguard.lib.monitoring
import rego.v1

deny contains {"resource": arn, "message": json.marshal([t.log_group, t.state, t.name, t.error])} if {
	some arn, t in monitoring.delivering_trails(object.get(input, "trails", {}))
}
"#;

fn engine() -> PolicyEngine {
    let mut sources = builtin_sources();
    sources.push(PolicySource::custom("probe.rego", PROBE));
    PolicyEngine::new(&sources, &Params::default()).unwrap()
}

/// Every combination of the fields the judgement reads.
fn trails() -> serde_json::Map<String, Value> {
    let multi = [None, Some(json!(true)), Some(json!(false))];
    let status = [
        None,
        Some(json!(null)),
        Some(json!({"IsLogging": true})),
        Some(json!({"IsLogging": false})),
        Some(json!({"IsLogging": true, "LatestCloudWatchLogsDeliveryError": "AccessDenied"})),
        Some(json!({"IsLogging": true, "LatestCloudWatchLogsDeliveryError": ""})),
    ];
    let fs = |field: &str, op: &str, values: Value| json!({"Field": field, op: values});
    let category = fs("eventCategory", "Equals", json!(["Management"]));
    let advanced = |extra: Vec<Value>| {
        let mut selectors = vec![category.clone()];
        selectors.extend(extra);
        json!({"Name": "m", "FieldSelectors": selectors})
    };
    let basic = |include: Option<Value>, rw: Option<&str>, exclude: Option<Value>| {
        let mut s = serde_json::Map::new();
        if let Some(i) = include {
            s.insert("IncludeManagementEvents".into(), i);
        }
        if let Some(rw) = rw {
            s.insert("ReadWriteType".into(), json!(rw));
        }
        if let Some(e) = exclude {
            s.insert("ExcludeManagementEventSources".into(), e);
        }
        Value::Object(s)
    };
    let mut selectors: Vec<(Option<Value>, Option<Value>)> = vec![
        (None, None),
        (Some(json!([])), Some(json!(null))),
        (Some(json!(null)), Some(json!([]))),
        (None, Some(json!([]))),
    ];
    for include in [
        None,
        Some(json!(true)),
        Some(json!(false)),
        Some(json!(null)),
    ] {
        for rw in [
            None,
            Some("All"),
            Some("ReadOnly"),
            Some("WriteOnly"),
            Some("None"),
        ] {
            for exclude in [
                None,
                Some(json!([])),
                Some(json!(null)),
                Some(json!(["kms.amazonaws.com"])),
            ] {
                let one = basic(include.clone(), rw, exclude);
                selectors.push((Some(json!([one])), Some(json!(null))));
            }
        }
    }
    selectors.push((
        Some(json!([
            basic(None, Some("ReadOnly"), None),
            basic(None, Some("WriteOnly"), None)
        ])),
        None,
    ));
    selectors.push((
        Some(json!([
            basic(None, Some("ReadOnly"), None),
            basic(None, Some("WriteOnly"), Some(json!(["s3.amazonaws.com"])))
        ])),
        None,
    ));
    let advanced_sets = vec![
        vec![advanced(vec![])],
        vec![json!({"FieldSelectors": [fs("eventCategory", "Equals", json!(["Data"]))]})],
        vec![json!({"FieldSelectors": [fs("eventCategory", "NotEquals", json!(["Management"]))]})],
        vec![json!({"FieldSelectors": [fs("eventCategory", "StartsWith", json!(["Manage"]))]})],
        vec![json!({"FieldSelectors": [fs("eventCategory", "EndsWith", json!(["x"]))]})],
        vec![json!({"FieldSelectors": [fs("readOnly", "Equals", json!(["true"]))]})],
        vec![advanced(vec![fs("readOnly", "Equals", json!(["true"]))])],
        vec![advanced(vec![fs("readOnly", "Equals", json!(["false"]))])],
        vec![
            advanced(vec![fs("readOnly", "Equals", json!(["true"]))]),
            advanced(vec![fs("readOnly", "Equals", json!(["false"]))]),
        ],
        vec![advanced(vec![fs(
            "readOnly",
            "NotEquals",
            json!(["false"]),
        )])],
        vec![advanced(vec![fs(
            "readOnly",
            "NotStartsWith",
            json!(["t"]),
        )])],
        vec![advanced(vec![fs("readOnly", "NotEndsWith", json!(["se"]))])],
        vec![advanced(vec![fs(
            "eventSource",
            "NotEquals",
            json!(["kms.amazonaws.com"]),
        )])],
        vec![advanced(vec![
            json!({"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"], "StartsWith": ["k"]}),
        ])],
        vec![advanced(vec![fs(
            "eventName",
            "Equals",
            json!(["StopLogging"]),
        )])],
        vec![advanced(vec![json!({"Equals": ["x"]})])],
        vec![advanced(vec![json!({"Field": null, "Equals": ["x"]})])],
        vec![
            advanced(vec![]),
            json!({"FieldSelectors": [fs("eventCategory", "Equals", json!(["Data"]))]}),
        ],
    ];
    for set in advanced_sets {
        selectors.push((Some(json!(null)), Some(Value::Array(set))));
    }
    let groups = [
        None,
        Some(json!("")),
        Some(json!(
            "arn:aws:logs:us-east-1:111122223333:log-group:trail:*"
        )),
        Some(json!("arn:aws:logs:us-east-1:111122223333:log-group:other")),
    ];
    let mut out = serde_json::Map::new();
    let mut n = 0;
    for m in &multi {
        for s in &status {
            for (basic, advanced) in &selectors {
                for g in &groups {
                    n += 1;
                    let arn = format!("arn:aws:cloudtrail:us-east-1:111122223333:trail/t{n}");
                    let mut t = serde_json::Map::new();
                    if n % 2 == 0 {
                        t.insert("Name".into(), json!(format!("t{n}")));
                    }
                    for (key, value) in [
                        ("IsMultiRegionTrail", m),
                        ("Status", s),
                        ("EventSelectors", basic),
                        ("AdvancedEventSelectors", advanced),
                        ("CloudWatchLogsLogGroupArn", g),
                    ] {
                        if let Some(v) = value {
                            t.insert(key.into(), v.clone());
                        }
                    }
                    out.insert(arn, Value::Object(t));
                }
            }
        }
    }
    out
}

/// What each judgement says: ARN to [log_group, state, name, error].
fn rego_says(engine: &PolicyEngine, input: &regorus::Value) -> BTreeMap<String, String> {
    engine
        .evaluate_rule("TGPROBE", input)
        .unwrap()
        .into_iter()
        .map(|f| (f.resource, f.message))
        .collect()
}

fn rust_says(input: &regorus::Value) -> BTreeMap<String, String> {
    Trails::of(input)
        .delivering()
        .iter()
        .map(|(arn, t)| {
            let state = match t.state {
                TrailState::Delivers => "delivers",
                TrailState::Maybe => "maybe",
                TrailState::Failing => "failing",
            };
            let said = json!([t.log_group, state, t.name, t.error]).to_string();
            (arn.clone(), said)
        })
        .collect()
}

#[test]
fn rust_and_rego_judge_every_combination_of_trail_fields_alike() {
    let engine = engine();
    let trails = trails();
    assert!(trails.len() > 3_000, "{} trails", trails.len());
    let input = regorus::Value::from_json_str(&json!({"trails": trails}).to_string()).unwrap();
    let rego = rego_says(&engine, &input);
    let rust = rust_says(&input);
    // Every state is reached, so the comparison is not one of empty answers.
    for state in ["delivers", "maybe", "failing"] {
        assert!(
            rego.values().any(|s| s.contains(&format!("\"{state}\""))),
            "no {state} trail"
        );
    }
    for (arn, said) in &rego {
        assert_eq!(rust.get(arn), Some(said), "{arn}: {}", trails[arn]);
    }
    for (arn, said) in &rust {
        assert_eq!(rego.get(arn), Some(said), "{arn}: {}", trails[arn]);
    }
}

#[test]
fn rust_and_rego_judge_the_shipped_inputs_trails_alike() {
    let engine = engine();
    let inputs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../inputs");
    for name in ["demo.json", "broken.json", "compliant.json"] {
        let file = Snapshot::load(&inputs.join(name)).unwrap();
        let input = snapshot_value(&file.snapshot).unwrap();
        let rego = rego_says(&engine, &input);
        if name != "broken.json" {
            assert!(
                !rego.is_empty(),
                "{name}: no trail delivers to CloudWatch Logs"
            );
        }
        assert_eq!(rust_says(&input), rego, "{name}");
    }
}
