//! Both matchers against AWS's documented examples (tests/data/*.json): each case is a pattern,
//! an event, what AWS's documentation says the pattern does with it, the sentence that decides
//! it, and where it is written. Cases the documentation leaves open are marked `ambiguous`;
//! where trailguard's choice differs from the case's reading it is in `trailguard` (`true`,
//! `false`, or `"invalid"`: refused) with `trailguard_why`. Patterns the documentation says AWS
//! refuses are marked `invalid` and must not parse.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use serde_json::Value;
use trailguard_patterns::events::EventPattern;
use trailguard_patterns::logs::{FilterPattern, LogEvent};

fn cases(file: &str) -> Vec<Value> {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(cases.len() > 50, "{path} holds too few cases");
    cases
}

fn expected(case: &Value) -> bool {
    case.get("trailguard")
        .or_else(|| case.get("matches"))
        .and_then(Value::as_bool)
        .unwrap_or_else(|| panic!("case without `matches`: {case}"))
}

/// Whether the pattern must not parse: AWS refuses it, or trailguard cannot give it a meaning.
fn refused(case: &Value) -> bool {
    case.get("invalid").and_then(Value::as_bool) == Some(true)
        || case.get("trailguard").and_then(Value::as_str) == Some("invalid")
}

#[test]
fn filter_patterns_do_what_aws_documents() {
    let mut failures = Vec::new();
    for case in cases("logs_cases.json") {
        let pattern = case["pattern"].as_str().unwrap_or_else(|| panic!("{case}"));
        let invalid = refused(&case);
        let parsed = FilterPattern::parse(pattern);
        let outcome = match (&parsed, invalid) {
            (Err(_), true) => continue,
            (Ok(_), true) => Some("parsed, but AWS refuses it".to_string()),
            (Err(e), false) => Some(format!("does not parse: {e}")),
            (Ok(filter), false) => {
                let event = &case["event"];
                let matched = match event {
                    Value::String(text) => filter.matches(&LogEvent::text(text)),
                    other => filter.matches(&LogEvent::json(other)),
                };
                (matched != expected(&case)).then(|| format!("matched: {matched}"))
            }
        };
        if let Some(outcome) = outcome {
            failures.push(format!(
                "{pattern}\n    event: {}\n    {outcome}; expected {}: {}",
                case["event"], case["matches"], case["why"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn event_patterns_do_what_aws_documents() {
    let mut failures = Vec::new();
    for case in cases("events_cases.json") {
        let outcome = match EventPattern::parse(&case["pattern"]) {
            Err(e) => Some(format!("does not parse: {e}")),
            Ok(rule) => {
                let matched = rule.matches(&case["event"]);
                (matched != expected(&case)).then(|| format!("matched: {matched}"))
            }
        };
        if let Some(outcome) = outcome {
            failures.push(format!(
                "{} {}\n    event: {}\n    {outcome}; expected {}: {}",
                case["id"], case["pattern"], case["event"], case["matches"], case["why"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Regressions from the review of issue 17, each on a point the documentation settles.
#[test]
fn cloudwatch_regex_classes_are_ascii_and_exists_false_reads_an_empty_list_as_absent() {
    // `\d` is [0-9] in CloudWatch's regex syntax; the regex crate's is Unicode's.
    let digits = FilterPattern::parse(r"%^\d+$%").unwrap();
    assert!(digits.matches(&LogEvent::text("2026")));
    assert!(!digits.matches(&LogEvent::text("٢٠٢٦")));
    let word = FilterPattern::parse(r"%^\w+$%").unwrap();
    assert!(!word.matches(&LogEvent::text("café")));
    // "Exists matching only works on leaf nodes": an empty list holds none, so a field beneath
    // an object pattern over an empty list is absent.
    let pattern = serde_json::json!({"detail": {"items": {"id": [{"exists": false}]}}});
    let absent = EventPattern::parse(&pattern).unwrap();
    assert!(absent.matches(&serde_json::json!({"detail": {"items": []}})));
    assert!(!absent.matches(&serde_json::json!({"detail": {"items": [{"id": 1}]}})));
}
